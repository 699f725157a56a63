/**
 * Where in the user's code a span was started: the first stack frame that is not Node's own,
 * not a package in node_modules and not Span Lens. Captured inside the SDK's startSpan, which
 * runs synchronously in the user's call, so that frame is on the stack.
 *
 * Cheap by design: V8 structured call sites (no stack string is formatted), a small frame
 * limit, and only the chosen frame is read.
 */
import { fileURLToPath } from 'url';
import type { CallSite } from './serialize';

/** Maps a generated position to its source (TypeScript compiled by a loader, sourceMap.ts); 1-based. */
export type PositionMapper = (file: string, line: number, column: number) => { file: string; line: number; column: number } | undefined;

/**
 * Frames cost time in proportion to their number, and the user's frame is usually within the
 * first few (startActiveSpan, maybe the API's ProxyTracer, then the user). Start small, look
 * deeper when needed, and remember how deep it took.
 */
const MIN_LIMIT = 4;
const MAX_FIRST_LIMIT = 16;
const DEEP_LIMIT = 64;

function returnCallSites(_err: Error, sites: NodeJS.CallSite[]): NodeJS.CallSite[] {
  return sites;
}

function takeSites(limit: number, skip: Function): NodeJS.CallSite[] {
  const prevPrepare = Error.prepareStackTrace;
  const prevLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = returnCallSites as typeof Error.prepareStackTrace;
  Error.stackTraceLimit = limit;
  try {
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, skip);
    const sites = holder.stack;
    return Array.isArray(sites) ? (sites as NodeJS.CallSite[]) : [];
  } finally {
    Error.prepareStackTrace = prevPrepare;
    Error.stackTraceLimit = prevLimit;
  }
}

/** Captures call sites of user code; `ownDir` is Span Lens's injection folder (skipped). */
export class CallSiteCapture {
  mapper: PositionMapper | undefined;
  private limit = MIN_LIMIT;

  constructor(private readonly ownDir: string) {}

  /** The user's frame below `skip` (a function on the stack, usually our startSpan wrapper). */
  capture(skip: Function): CallSite | undefined {
    let sites = takeSites(this.limit, skip);
    let found = this.pick(sites);
    if (found) return found.site;
    if (sites.length < this.limit) return undefined;
    sites = takeSites(DEEP_LIMIT, skip);
    found = this.pick(sites);
    if (found) this.limit = Math.min(MAX_FIRST_LIMIT, Math.max(MIN_LIMIT, found.index + 1));
    return found?.site;
  }

  private pick(sites: NodeJS.CallSite[]): { site: CallSite; index: number } | undefined {
    for (let index = 0; index < sites.length; index++) {
      const site = sites[index];
      let file = site.getFileName();
      if (!file) continue;
      if (file.startsWith('node:')) continue;
      if (file.startsWith('file:')) {
        try {
          file = fileURLToPath(file);
        } catch {
          continue;
        }
      }
      if (file.includes('/node_modules/') || file.includes('\\node_modules\\')) continue;
      if (file.startsWith(this.ownDir)) continue;
      // `[eval]`, `evalmachine.<anonymous>`: no file to point at.
      if (!(file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\'))) continue;
      const line = site.getLineNumber() ?? 0;
      const column = site.getColumnNumber() ?? 0;
      if (line <= 0) continue;
      const fn = site.getFunctionName() ?? site.getMethodName() ?? undefined;
      const mapped = this.mapper?.(file, line, column);
      const out: CallSite = mapped ? { file: mapped.file, line: mapped.line, column: mapped.column } : { file, line, column: Math.max(1, column) };
      if (fn) out.function = fn;
      return { site: out, index };
    }
    return undefined;
  }
}
