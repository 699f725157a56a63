/**
 * Human-readable durations, shared by the CodeLens titles, hovers, the CLI and the waterfall.
 * The rule itself lives in src/protocol.ts, the one module the webview may import too.
 */
export { formatDuration } from '../protocol';
