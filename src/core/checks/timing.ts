/**
 * The slack the parent/child timing rules allow. Consoles round times (Python to the microsecond,
 * Node's start to the millisecond while its duration is exact, Rust's to three significant
 * digits), so a child can appear to cross its parent's edge by that much without doing so.
 */
import type { Span } from '../model';
import type { RuleOptionInfo, RuleOptions } from './types';

export const TIMING_OPTIONS: Record<string, RuleOptionInfo> = {
  toleranceMs: {
    default: 1,
    description: 'Allowed overlap in milliseconds (console times are rounded; Node starts are whole milliseconds).',
  },
  tolerancePercent: {
    default: 0.5,
    description: "Further allowed overlap, as a percentage of the parent's duration.",
  },
};

/** The allowed overlap in ns for children of `parent`. */
export function toleranceNs(parent: Span, options: RuleOptions): bigint {
  const fixed = BigInt(Math.round(options.number('toleranceMs') * 1e6));
  const pct = options.number('tolerancePercent');
  if (!pct || parent.endTimeUnixNano === null) return fixed;
  const duration = parent.endTimeUnixNano - parent.startTimeUnixNano;
  return fixed + (duration > 0n ? (duration * BigInt(Math.round(pct * 1000))) / 100000n : 0n);
}

/**
 * True when the output shows `a` ended before `b`: exporters print a span when it ends (or, in
 * batches, in the order spans ended), so in one output stream an earlier record ended earlier.
 * This holds when clocks do not: Node takes start times from the wall clock (which can step under
 * load) and durations from a monotonic one, so printed ends can be off by milliseconds.
 */
export function printedBefore(a: Span, b: Span): boolean {
  return !!a.origin && !!b.origin && a.origin.format === b.origin.format && a.origin.line < b.origin.line;
}
