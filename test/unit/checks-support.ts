/**
 * Building spans for the check tests: every span gets fresh ids, a service name and a 1 ms
 * duration unless the test says otherwise, so each test states only what it is about.
 */
import { checkRun, type CheckConfig } from '../../src/core/checks';
import { applyEdits, quickFixes, type TextEdit } from '../../src/core/fixes';
import type { Finding, RunFacts, SourceLocation, Span } from '../../src/core/model';

/** A fixed, realistic epoch (2026) so times look like real unix nanoseconds. */
export const T0 = 1_795_592_759_793_000_000n;

/** Unix nanoseconds `n` milliseconds after T0. */
export function ms(n: number): bigint {
  return T0 + BigInt(Math.round(n * 1e6));
}

let seq = 1;

/** A fresh 16-hex-digit span id. */
export function nextId(): string {
  return (seq++).toString(16).padStart(16, '0');
}

/** A fresh 32-hex-digit trace id. */
export function nextTraceId(): string {
  return (seq++).toString(16).padStart(32, 'a');
}

/** A span: defaults are a root INTERNAL span of service "svc", [0 ms, 1 ms], in trace "t1". */
export function span(over: Partial<Span> = {}): Span {
  // Written out field by field, as the parsers do, so that 100k test spans share one shape
  // (spreading a template gives each object a shape of its own, and reads get very slow).
  const s: Span = {
    traceId: 'a'.repeat(31) + '1',
    spanId: nextId(),
    parentSpanId: null,
    parentIsRemote: null,
    name: 'work',
    kind: 'INTERNAL',
    startTimeUnixNano: ms(0),
    endTimeUnixNano: ms(1),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'UNSET', message: null },
    traceState: null,
    resource: { 'service.name': 'svc' },
    scope: { name: '', version: null, schemaUrl: null },
  };
  return Object.assign(s, over);
}

/** A child of `parent` in its trace; times default to inside the parent. */
export function child(parent: Span, over: Partial<Span> = {}): Span {
  return span({
    traceId: parent.traceId,
    parentSpanId: parent.spanId,
    startTimeUnixNano: parent.startTimeUnixNano,
    endTimeUnixNano: parent.endTimeUnixNano,
    ...over,
  });
}

/** A source location, 0-based like the model. */
export function at(line: number, file = '/app/main.py', column = 0): SourceLocation {
  return { file, line, column };
}

export interface CheckOptions {
  facts?: RunFacts;
  sources?: Record<string, string>;
  config?: CheckConfig;
}

/** Findings of every rule over `spans`. */
export function check(spans: Span[], opts: CheckOptions = {}): Finding[] {
  return report(spans, opts).findings;
}

/** The full report (findings, score, failures); fails the test if a rule threw. */
export function report(spans: Span[], opts: CheckOptions = {}) {
  const r = checkRun(
    { spans, facts: opts.facts ?? {}, sources: opts.sources ? new Map(Object.entries(opts.sources)) : undefined },
    opts.config,
  );
  if (r.failures.length) throw new Error(`rules threw: ${JSON.stringify(r.failures)}`);
  return r;
}

/** The findings of one rule. */
export function ofRule(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

/** Findings of one rule over `spans`. */
export function findings(rule: string, spans: Span[], opts: CheckOptions = {}): Finding[] {
  return ofRule(check(spans, opts), rule);
}

/** 0-based lines carrying `<comment> expect: <rule>` (`//` for JS, `#` for Python). */
export function expectedLines(text: string, rule: string, comment: '//' | '#'): number[] {
  const marker = new RegExp(`${comment} expect: ([a-z-]+)`);
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    const m = marker.exec(line);
    if (m && m[1] === rule) out.push(i);
  });
  return out;
}

/** Map over items with at most `limit` running at once, results in input order. */
export async function inPool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The program text with the first quick fix of every finding applied; asserts each has one. */
export function applyFirstFixes(text: string, found: readonly Finding[]): string {
  const edits: TextEdit[] = [];
  for (const f of found) {
    const fixes = quickFixes(text, f);
    if (!fixes.length) throw new Error(`no quick fix for: ${f.message}`);
    edits.push(...fixes[0].edits);
  }
  return applyEdits(text, edits);
}
