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
