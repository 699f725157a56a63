/**
 * Rust `tracing-subscriber` console output: the fmt `Full` formatter (with or without ANSI colour
 * codes, with or without FmtSpan NEW/CLOSE lines, thread names/ids, file:line) and the `.json()`
 * formatter (one JSON object per line).
 *
 * tracing prints no trace id, span id or parent id, and a span has no line of its own unless
 * FmtSpan events are on. What the output does show is, on every line, the path of spans from the
 * root to the innermost one (`checkout{user.id=42}:payment.charge{payment.amount=19.99}:`), so the
 * tree is rebuilt from those paths: a line's path is matched against the spans still open, and
 * ids are synthesised from the order spans first appear (stable for a given output). The close
 * line (`close time.busy=15.1ms time.idle=7.25µs`) ends a span; its timestamp is the close time and
 * busy+idle its lifetime. Spans never closed are reported at the end of the input: with no end when
 * the output has close lines (the span really never closed), with their times marked unknown when it
 * has none (FmtSpan::CLOSE off: a span is only a prefix of event lines).
 */
export { rustTracingFmt } from './fmt';
export { rustTracingJson } from './json';
export { decodeFieldValue, parseTiming, readRfc3339 } from './values';
/** Re-exported for the tests that read Debug strings directly. */
export { readDebugString } from '../kernel/debugString';
