/**
 * Checks benchmark: every rule over 100,000 spans shaped like a real service's (1,000 request
 * traces of 100 spans: database calls, cache lookups with ids in their names, an exception now
 * and then, one resource), against a baseline measured in the same run: one pass that only
 * iterates the spans and reads their names and attributes. Target: all rules ≤ 100 ms.
 */
import { checkRun, RULES } from '../../src/core/checks';
import type { Rule } from '../../src/core/checks/types';
import type { Span } from '../../src/core/model';

const T0 = 1_795_592_759_793_000_000n;
const US = 1000n;

/**
 * One span as the parsers build it: every field written out in one object literal, so all spans
 * share one hidden class. (Spreading a template, `{ ...emptySpan(), … }`, gives each object a
 * shape of its own, and every property read then costs a hundred times more.)
 */
function spanOf(f: Pick<Span, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'attributes' | 'events' | 'resource' | 'scope' | 'location'>): Span {
  return {
    traceId: f.traceId,
    spanId: f.spanId,
    parentSpanId: f.parentSpanId,
    parentIsRemote: null,
    name: f.name,
    kind: f.kind,
    startTimeUnixNano: f.startTimeUnixNano,
    endTimeUnixNano: f.endTimeUnixNano,
    attributes: f.attributes,
    droppedAttributesCount: 0,
    events: f.events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 'UNSET', message: null },
    traceState: null,
    resource: f.resource,
    scope: f.scope,
    location: f.location,
  };
}

export function makeSpans(): Span[] {
  const resource = { 'service.name': 'orders', 'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '2.12.1' };
  const scope = { name: 'orders', version: '1.0.0', schemaUrl: null };
  const file = '/srv/orders/src/handlers.js';
  const loc = (line: number) => ({ file, line, column: 4 });
  const spans: Span[] = [];
  let id = 1;
  const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
  for (let t = 0; t < 1000; t++) {
    const traceId = hex(t + 1, 32);
    const start = T0 + BigInt(t) * 10_000n * US;
    const rootId = hex(id++, 16);
    spans.push(
      spanOf({
        traceId,
        spanId: rootId,
        parentSpanId: null,
        name: 'GET /orders/{id}',
        kind: 'SERVER',
        startTimeUnixNano: start,
        endTimeUnixNano: start + 9_000n * US,
        attributes: { 'http.request.method': 'GET', 'http.route': '/orders/{id}', 'http.response.status_code': 200, 'url.path': `/orders/${t}`, 'user_agent.original': 'curl/8.5.0' },
        events: [],
        resource,
        scope,
        location: loc(10),
      }),
    );
    for (let i = 0; i < 99; i++) {
      const s = start + BigInt(i) * 90n * US;
      const kind = i % 3 === 0 ? 'INTERNAL' : 'CLIENT';
      spans.push(
        spanOf({
          traceId,
          spanId: hex(id++, 16),
          parentSpanId: rootId,
          name: kind === 'INTERNAL' ? `cache.get order:${t * 100 + i}` : 'SELECT orders',
          kind,
          startTimeUnixNano: s,
          endTimeUnixNano: s + 60n * US,
          attributes:
            kind === 'INTERNAL'
              ? { 'cache.key': `order:${t * 100 + i}`, 'cache.hit': i % 2 === 0 }
              : { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1', 'db.namespace': 'shop', 'server.address': 'db.internal', 'server.port': 5432 },
          events:
            i === 50 && t % 100 === 0
              ? [{ name: 'exception', timeUnixNano: s, attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'query timed out after 30 s' }, droppedAttributesCount: 0 }]
              : [],
          resource,
          scope,
          location: loc(kind === 'INTERNAL' ? 30 : 20),
        }),
      );
    }
  }
  return spans;
}

/** Best of `n` runs, in ms. */
function best(n: number, fn: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return min;
}

/** The baseline: touch every span's name, attributes and event attributes once. */
function readAll(spans: readonly Span[]): number {
  let n = 0;
  for (const span of spans) {
    n += span.name.length;
    const a = span.attributes;
    for (const k in a) {
      const v = a[k];
      if (typeof v === 'string') n += v.length;
      else if (v !== null) n++;
    }
    for (const e of span.events) for (const k in e.attributes) if (e.attributes[k] !== null) n++;
  }
  return n;
}

export async function benchChecks(): Promise<void> {
  const spans = makeSpans();
  const input = { spans, facts: {} };
  // Warm up the JIT on both before measuring.
  readAll(spans);
  checkRun(input);
  // Alternate the two so that both see the same load on a shared machine; keep the best of each.
  let baselineMs = Infinity;
  let checksMs = Infinity;
  for (let round = 0; round < 8; round++) {
    baselineMs = Math.min(baselineMs, best(1, () => readAll(spans)));
    checksMs = Math.min(checksMs, best(1, () => checkRun(input)));
  }
  const report = checkRun(input);
  // Each rule's share of one full run (shared work, like the parent index, lands on the first
  // rule that asks for it), measured by timing every rule's check inside the run.
  const spent = new Map<string, number>();
  const originals = RULES.map((rule) => rule.check);
  RULES.forEach((rule, i) => {
    (rule as { check: Rule['check'] }).check = (...args) => {
      const t0 = process.hrtime.bigint();
      originals[i](...args);
      spent.set(rule.id, (spent.get(rule.id) ?? 0) + Number(process.hrtime.bigint() - t0) / 1e6);
    };
  });
  const rounds = 5;
  for (let i = 0; i < rounds; i++) checkRun(input);
  RULES.forEach((rule, i) => ((rule as { check: Rule['check'] }).check = originals[i]));
  const perRule = [...spent].map(([id, ms]) => ({ id, ms: ms / rounds })).sort((a, b) => b.ms - a.ms);
  const verdict = checksMs <= 100 ? 'within' : 'OVER';
  console.log(`checks: ${spans.length} spans, all ${RULES.length} rules ${checksMs.toFixed(1)} ms (${verdict} the 100 ms target); ` + `baseline (read every name and attribute once) ${baselineMs.toFixed(1)} ms; ratio ${(checksMs / baselineMs).toFixed(1)}×`);
  console.log(`  ${report.findings.length} findings, score ${report.score}; time per rule in a run (mean of 5): ${perRule.slice(0, 8).map((r) => `${r.id} ${r.ms.toFixed(1)} ms`).join(', ')}`);
}


