/**
 * Human-readable durations, shared by the CodeLens titles, hovers, the CLI and the waterfall.
 * The rule itself lives in src/protocol.ts, the one module the webview may import too.
 */
export { formatDuration } from '../protocol';
import type { Span } from './model';

/** What is shown instead of a duration when the output format prints no times: never "0 ns". */
export const NO_TIMING = 'no timing in this output';

/** False when the span's format printed no start or end time (its times are placeholders). */
export function hasTiming(span: Pick<Span, 'unknown'>): boolean {
  return !span.unknown?.includes('time');
}
