/**
 * A live run's spans, gathered into traces as they arrive: a trace is complete when its root has
 * ended and no span of it arrived for a short quiet time (children that end in the same breath as
 * their root still make it in). A span that arrives for a trace already complete completes it
 * again, with everything it has so far. At the end of the run what is left (traces whose root
 * never ended or never came) completes as it is. Pure: the caller drives time with `tick`.
 */
import type { Span } from './model';

/** How long the editor waits after a root ended for its trace's stragglers. */
export const EDITOR_QUIET_MS = 40;
/**
 * The editor publishes a live run at most this often (5 times a second): often enough that a
 * span shows within 250 ms (p95, measured by `npm run bench -- live`), rarely enough not to load
 * the editor.
 */
export const EDITOR_PUBLISH_MS = 200;
/** How often the editor looks for completed traces. */
export const EDITOR_TICK_MS = 25;

/** A trace as it completes: every span of it that has arrived, in arrival order. */
export interface CompletedTrace {
  traceId: string;
  spans: Span[];
  /** True when this trace completed before and a late span completed it again. */
  again: boolean;
  /** True when the run ended before the trace's root ended (or arrived). */
  atExit: boolean;
}

interface Pending {
  spans: Span[];
  /** When the trace's root ended and arrived (ms, the caller's clock); null while it has not. */
  rootEndedAt: number | null;
  lastArrival: number;
  completedBefore: boolean;
}

export class LiveTraces {
  private readonly open = new Map<string, Pending>();
  /** Traces completed at least once, with their spans (a late span joins them). */
  private readonly done = new Map<string, Span[]>();

  /** @param quietMs how long a trace waits after its root ended for stragglers. */
  constructor(private readonly quietMs = 100) {}

  /** A span arrived (ended, or reported open at exit). Spans with the id of one already held replace it. */
  add(span: Span, now: number): void {
    let p = this.open.get(span.traceId);
    if (!p) {
      const earlier = this.done.get(span.traceId);
      p = { spans: earlier ? [...earlier] : [], rootEndedAt: null, lastArrival: now, completedBefore: !!earlier };
      if (earlier) p.rootEndedAt = now;
      this.open.set(span.traceId, p);
    }
    const at = p.spans.findIndex((s) => s.spanId === span.spanId);
    const held = at >= 0 ? p.spans[at] : undefined;
    // An ended record replaces the open one reported for the same span; an open one never
    // replaces an ended one; two ended spans under one id are two spans (a broken id generator).
    if (held && held.endTimeUnixNano === null) p.spans[at] = span;
    else if (!held || span.endTimeUnixNano !== null) p.spans.push(span);
    p.lastArrival = now;
    if (span.parentSpanId === null && span.endTimeUnixNano !== null) p.rootEndedAt = now;
  }

  /** Traces complete by `now`: their root ended and nothing arrived for the quiet time. */
  tick(now: number): CompletedTrace[] {
    const out: CompletedTrace[] = [];
    for (const [traceId, p] of this.open) {
      if (p.rootEndedAt === null || now - p.lastArrival < this.quietMs) continue;
      this.open.delete(traceId);
      this.done.set(traceId, p.spans);
      out.push({ traceId, spans: p.spans, again: p.completedBefore, atExit: false });
    }
    return out;
  }

  /** The run ended: every trace still open completes as it is. */
  finish(): CompletedTrace[] {
    const out: CompletedTrace[] = [];
    for (const [traceId, p] of this.open) {
      this.done.set(traceId, p.spans);
      out.push({ traceId, spans: p.spans, again: p.completedBefore, atExit: p.rootEndedAt === null });
    }
    this.open.clear();
    return out;
  }

  /** How many traces are waiting for their root (or their quiet time). */
  get openCount(): number {
    return this.open.size;
  }
}
