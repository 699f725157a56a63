/**
 * The instrumentation score: how much of a run's spans came through the checks clean, 0–100.
 * Each span counts 1 minus the weight of the worst finding that covers it (an error takes the
 * whole span, a warning half, an information a tenth), so 100 means no findings at all and a
 * single error on a loop of 1,000 spans costs as much as those 1,000 spans. A run with findings
 * never scores 100, so a perfect score always means a clean run.
 * Pure: no vscode, no Node APIs.
 */
import type { Severity, Span } from './model';

/** How much of a span one finding of each severity takes away. */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  error: 1,
  warning: 0.5,
  information: 0.1,
  hint: 0,
};

/** What the score needs of a finding: its severity and the spans it stands for. */
export interface ScoredFinding {
  severity: Severity;
  spans: readonly Span[];
}

/** The score of a run of `spanCount` spans with these findings; 100 for a run without spans or findings. */
export function instrumentationScore(spanCount: number, findings: readonly ScoredFinding[]): number {
  if (spanCount <= 0) return 100;
  const worst = new Map<Span, number>();
  let any = false;
  for (const f of findings) {
    const w = SEVERITY_WEIGHTS[f.severity] ?? 0;
    if (w <= 0) continue;
    any = true;
    for (const span of f.spans) {
      const prev = worst.get(span);
      if (prev === undefined || w > prev) worst.set(span, w);
    }
  }
  if (!any) return 100;
  let lost = 0;
  for (const w of worst.values()) lost += w;
  const score = Math.round(100 * (1 - Math.min(lost, spanCount) / spanCount));
  return Math.max(0, Math.min(99, score));
}
