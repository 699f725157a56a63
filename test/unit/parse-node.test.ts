/**
 * The Node ConsoleSpanExporter reader (util.inspect blocks).
 *
 * The recorded outputs under data/node/ are real: each program was run under a real
 * `@opentelemetry/sdk-trace-base` (1.0.1 … 2.12.1), and expected.json was written from the very
 * span objects the SDK handed to the exporter (see data/node/README.md), so these tests compare the
 * parser with the SDK, not with itself. The synthetic tests below build inputs from what the
 * format spec says util.inspect prints, for cases a recording cannot pin down (damage, lookalikes).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createStreamParser, parseText } from '../../src/core/parse';
import { microsToNanos, nodeInspect } from '../../src/core/parse/nodeInspect';
import { parseJson } from '../../src/core/json';
import type { Span } from '../../src/core/model';
import { compareSpan, type Expected } from './fixtureSupport';

const DATA = path.join(__dirname, 'data', 'node');

interface Recorded {
  name: string;
  stdout: Buffer;
  expected: Expected;
}

function recorded(): Recorded[] {
  return fs
    .readdirSync(DATA)
    .filter((d) => fs.existsSync(path.join(DATA, d, 'expected.json')))
    .sort()
    .map((name) => ({
      name,
      stdout: fs.readFileSync(path.join(DATA, name, 'stdout.txt')),
      expected: parseJson(fs.readFileSync(path.join(DATA, name, 'expected.json'), 'utf8')) as Expected,
    }));
}

/**
 * Differences between parsed spans and the SDK's, on the fields the console shows. A place the
 * console cannot show (console_lossy) must be flagged on the span; what was printed of it is
 * still compared (the first 100 events / links of a longer list).
 */
function differences(spans: Span[], ex: Expected): string[] {
  const problems: string[] = [];
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const shows = [...ex.console_shows, 'parentIsRemote'];
  ex.spans.forEach((expectedSpan, i) => {
    const actual = spans[i];
    if (!actual) return;
    const lossy = ex.console_lossy.filter((l) => l.span === i).map((l) => l.path);
    const marks = actual.lossy ?? [];
    for (const l of lossy) {
      if (!marks.some((m) => m.path === l)) problems.push(`span ${i}: ${l} is not flagged lossy (flags: ${marks.map((m) => m.path).join(', ')})`);
    }
    const e = { ...expectedSpan };
    for (const list of ['events', 'links'] as const) {
      if (!lossy.includes(list)) continue;
      const all = e[list] as unknown[];
      if (actual[list].length !== 100 || all.length <= 100) problems.push(`span ${i}: ${list}: expected the first 100 of ${all.length}, got ${actual[list].length}`);
      e[list] = all.slice(0, actual[list].length);
    }
    const covered = (p: string) => lossy.some((l) => p.startsWith(l + '.') || p.startsWith(l + ':') || p.startsWith(l + ' '));
    for (const p of compareSpan(actual, e, shows, ex.time_tolerance_ns, new Set(lossy), byId)) {
      if (!covered(p)) problems.push(`span ${i} (${String(expectedSpan.name).slice(0, 40)}): ${p}`);
    }
    for (const m of marks) if (!lossy.includes(m.path)) problems.push(`span ${i}: ${m.path} flagged lossy but the console showed it whole`);
  });
  return problems;
}

describe('node ConsoleSpanExporter output', function () {
  describe('recorded from real SDKs (data/node)', function () {
    for (const rec of recorded()) {
      it(`${rec.name}: the spans the SDK exported, nothing else`, function () {
        const ex = rec.expected;
        const result = parseText(rec.stdout);
        assert.deepStrictEqual(result.unparsed, [], 'nothing left unparsed');
        assert.strictEqual(result.spans.length, ex.span_count, 'span count');
        assert.deepStrictEqual(differences(result.spans, ex), []);
        const ids = new Set(result.spans.map((s) => s.spanId));
        for (const np of ex.not_printed) assert.ok(!ids.has(np.spanId as string), `${String(np.name)} never ended, yet was produced`);
        assert.deepStrictEqual(
          result.output.map((o) => o.text),
          ex.interleaved_program_lines ?? [],
          'program lines come back as output, in order',
        );
        if (ex.span_count) assert.deepStrictEqual(result.formats, ['node-inspect']);
      });
    }

    it('the same spans when the output arrives in small chunks', function () {
      const rec = recorded().find((r) => r.name === 'tricky_strings_tty')!;
      const spans: Span[] = [];
      const parser = createStreamParser({ onSpan: (s) => spans.push(s) });
      for (let i = 0; i < rec.stdout.length; i += 7) parser.write(rec.stdout.subarray(i, i + 7));
      parser.end();
      assert.deepStrictEqual(differences(spans, rec.expected), []);
    });

    it('outputs of several programs one after another keep each span its own resource and scope', function () {
      const recs = recorded().filter(
        (r) => r.expected.span_count > 0 && r.expected.console_shows.includes('scope') && !r.expected.interleaved_program_lines?.length,
      );
      // Alternate programs span by span, so remembered resource / scope lines keep changing.
      const blocks = recs.map((r) => r.stdout.toString('utf8').replace(/\r\n/g, '\n').split(/(?<=^\}\n)/m).filter((b) => b.startsWith('{')));
      let text = '';
      const expectedSpans: { rec: Recorded; index: number }[] = [];
      for (let k = 0; blocks.some((b) => k < b.length); k++) {
        blocks.forEach((b, r) => {
          if (k < b.length) {
            text += b[k];
            expectedSpans.push({ rec: recs[r], index: k });
          }
        });
      }
      const spans = parseText(text).spans;
      assert.strictEqual(spans.length, expectedSpans.length);
      spans.forEach((s, i) => {
        const { rec, index } = expectedSpans[i];
        const e = rec.expected.spans[index];
        assert.deepStrictEqual(s.resource, rec.expected.spans[index].resource, `${rec.name} span ${index} resource`);
        assert.deepStrictEqual(s.scope, e.scope, `${rec.name} span ${index} scope`);
        assert.deepStrictEqual(s.status, e.status, `${rec.name} span ${index} status`);
      });
    });

    it('spans do not share the objects a caller might change', function () {
      const rec = recorded().find((r) => r.name === 'async_children')!;
      const first = parseText(rec.stdout).spans;
      for (const s of first) {
        s.resource['service.name'] = 'changed';
        s.scope.name = 'changed';
        s.status.code = 'ERROR';
      }
      for (const s of parseText(rec.stdout).spans) {
        assert.strictEqual(s.resource['service.name'], 'async-svc');
        assert.strictEqual(s.scope.name, 'async-demo');
        assert.strictEqual(s.status.code, 'UNSET');
      }
    });

    it('SDK 1.0 (console.log, depth 2): what was not printed is unknown or flagged, not invented', function () {
      const rec = recorded().find((r) => r.name === 'shapes_sdk1.0.1')!;
      const charge = parseText(rec.stdout).spans[0];
      assert.deepStrictEqual(charge.unknown, ['links', 'resource', 'scope']);
      assert.deepStrictEqual(charge.events[0].attributes, {});
      assert.deepStrictEqual(
        (charge.lossy ?? []).map((l) => l.path),
        ['events.0.timeUnixNano', 'events.0.attributes'],
      );
    });

    it('cut values keep the part util.inspect printed', function () {
      const rec = recorded().find((r) => r.name === 'tricky_strings')!;
      const spans = parseText(rec.stdout).spans;
      const truth = rec.expected.spans;
      const tenK = spans[2].attributes.ten_k as string;
      assert.strictEqual(tenK.length, 10000);
      assert.ok((truth[2].attributes as Record<string, string>).ten_k.startsWith(tenK));
      assert.deepStrictEqual(spans[1].attributes.many, Array.from({ length: 100 }, (_, i) => i * 3));
      assert.strictEqual(spans[4].name.length, 10000);
      assert.strictEqual(spans[3].links[0].traceState, null, 'a [TraceStateImpl] is not guessed');
      assert.strictEqual(spans[3].events[0].attributes.list, null, 'an [Array] is not guessed');
      const reasons = new Map((spans[2].lossy ?? []).map((l) => [l.path, l.reason]));
      assert.match(reasons.get('attributes.ten_k') ?? '', /10000 characters \(50 more/);
      assert.match(reasons.get('events.0.attributes.ev.list') ?? '', /\[Array\]/);
    });
  });

  describe('synthetic blocks', function () {
    const span = (fields: string[]) => [
      '{',
      "  traceId: '0af7651916cd43dd8448eb211c80319c',",
      '  parentSpanContext: undefined,',
      "  name: 'op',",
      "  id: 'b7ad6b7169203331',",
      '  kind: 0,',
      '  timestamp: 1795593000505000,',
      '  duration: 261.358,',
      ...fields,
      '  status: { code: 0 },',
      '  events: [],',
      '  links: []',
      '}',
    ];

    it('reads every escape util.inspect writes', function () {
      const lines = span([
        "  attributes: { a: 'tab\\there\\r\\n\\x00\\x1B[31m\\x7F\\b\\f\\x0B\\\\ \\'q\\' \\ud83d', b: `it's \"x\"`, ['__proto__']: 'own', 'k\\'s': 1 },",
      ]);
      const result = nodeInspect.parseBlock(lines, 0)!;
      const attrs = result.spans[0].attributes;
      assert.strictEqual(attrs.a, "tab\there\r\n\x00\x1b[31m\x7f\b\f\x0b\\ 'q' \ud83d");
      assert.strictEqual(attrs.b, 'it\'s "x"');
      assert.strictEqual(attrs["k's"], 1);
      assert.ok(Object.prototype.hasOwnProperty.call(attrs, '__proto__'));
      assert.strictEqual(Object.getPrototypeOf(attrs), Object.prototype, 'an attribute named __proto__ does not change the prototype');
    });

    it('start and end are exact nanoseconds from the printed microseconds', function () {
      const s = nodeInspect.parseBlock(span(['  attributes: {},']), 0)!.spans[0];
      assert.strictEqual(s.startTimeUnixNano, 1795593000505000000n);
      assert.strictEqual(s.endTimeUnixNano, 1795593000505261358n);
      assert.strictEqual(microsToNanos('109.072'), 109072n);
      assert.strictEqual(microsToNanos('4386.98'), 4386980n);
      assert.strictEqual(microsToNanos('1795592759793000.5'), 1795592759793000500n);
      assert.strictEqual(microsToNanos('12345678901234567.8'), 12345678901234567800n);
      assert.strictEqual(microsToNanos('0.0005'), 1n);
      assert.strictEqual(microsToNanos('0.0004'), 0n);
      assert.strictEqual(microsToNanos('1.5e-3'), 2n);
      assert.strictEqual(microsToNanos('1e+21'), 10n ** 24n);
      assert.strictEqual(microsToNanos('-0'), 0n);
      assert.strictEqual(microsToNanos('abc'), null);
      assert.strictEqual(microsToNanos('1.2.3'), null);
    });

    it('a trace state printed as a TraceStateImpl object is serialised in W3C order', function () {
      // The SDK keeps the entries reversed; this is how it prints them one level up (parentSpanContext).
      const lines = span([
        '  attributes: {},',
      ]).map((l) =>
        l === '  links: []'
          ? "  links: [ { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: TraceStateImpl { _internalState: Map(2) { 'vendor2' => 'xyz', 'vendor1' => 'abc' } } } } ]"
          : l,
      );
      const link = nodeInspect.parseBlock(lines, 0)!.spans[0].links[0];
      assert.strictEqual(link.traceState, 'vendor1=abc,vendor2=xyz');
      assert.strictEqual(link.spanId, '00f067aa0ba902b7');
    });

    it('reads output made with other util.inspect.defaultOptions (numeric separators, depth, hidden, getters)', function () {
      // What a program that changed util.inspect.defaultOptions gets from the same exporter call.
      const lines = span([
        "  attributes: { n: 1_234_567.5, list: [ 'a', 'b', [length]: 2 ], g: [Getter: 1] },",
      ]).map((l) => (l.startsWith('  timestamp') ? '  timestamp: 1_795_593_000_505_000,' : l));
      const s = nodeInspect.parseBlock(lines, 0)!.spans[0];
      assert.strictEqual(s.startTimeUnixNano, 1795593000505000000n);
      assert.strictEqual(s.attributes.n, 1234567.5);
      assert.deepStrictEqual(s.attributes.list, ['a', 'b']);
      assert.deepStrictEqual(s.lossy?.map((l) => l.path), ['attributes.g']);
    });

    it('a console.dir lookalike without the exporter fields stays program output', function () {
      const text = [
        '{',
        "  traceId: '0af7651916cd43dd8448eb211c80319c',",
        "  name: 'lookalike',",
        "  id: 'b7ad6b7169203331',",
        '  self: <ref *1> { a: [Circular *1], m: Map(1) { \'k\' => \'v\' }, s: Set(1) { 1 }, f: [Function: f], y: Symbol(y) },',
        '  g: [Getter], d: [Object: null prototype] { x: 1 }, h: [ 1, <2 empty items>, 4 ]',
        '}',
      ].join('\n');
      const result = parseText(text);
      assert.strictEqual(result.spans.length, 0);
      assert.deepStrictEqual(result.unparsed, []);
      assert.strictEqual(result.output.length, 7);
    });

    it("a program's object that fails to read stays output even when it holds a trace id", function () {
      const text = ['{', "  ctx: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' },", '  when: 2024-01-01T00:00:00.000Z', '}'].join('\n');
      const result = parseText(text);
      assert.deepStrictEqual(result.unparsed, []);
      assert.deepStrictEqual(result.output.map((o) => o.text), text.split('\n'));
    });

    it('JSON blocks are left to the JSON formats', function () {
      assert.strictEqual(nodeInspect.parseBlock(['{', '  "traceId": "0af7651916cd43dd8448eb211c80319c",', '  "name": "x"', '}'], 0), null);
      assert.strictEqual(nodeInspect.parseBlock(['{', '    "name": "x",', '    "context": {}', '}'], 0), null);
    });

    it('a damaged span is reported, not guessed, and the next span still parses', function () {
      const good = span(['  attributes: {},']);
      const cut = span(["  attributes: { a: 'never closed },"]);
      const result = parseText([...cut, ...good].join('\n'));
      assert.strictEqual(result.spans.length, 1);
      assert.strictEqual(result.unparsed.length, 1);
      assert.match(result.unparsed[0].reason, /Node span could not be read: unterminated string/);
      assert.strictEqual(result.unparsed[0].startLine, 0);
      assert.deepStrictEqual(result.output, []);
    });

    it('a span whose times are not numbers is reported as damaged', function () {
      const lines = span(['  attributes: {},']).map((l) => (l.startsWith('  duration') ? "  duration: 'soon'," : l));
      const result = nodeInspect.parseBlock(lines, 0)!;
      assert.deepStrictEqual(result.spans, []);
      assert.match(result.unparsedReason ?? '', /no readable duration/);
    });

    it('never throws on arbitrary text between the braces', function () {
      const junk = ['  a: \'\\', '  b: [ [ [ [', '  c: `x', '  ... 3 more', "  d: '\\x1'", "  e: '\\u{110000}'", '  f: Map(2) { 1 => }', '  <ref *9', '  g: 1e', '  h: -'];
      for (const j of junk) {
        const lines = ['{', "  traceId: '0af7651916cd43dd8448eb211c80319c',", j, '}'];
        assert.doesNotThrow(() => nodeInspect.parseBlock(lines, 0), j);
      }
    });

    it('stays linear on a huge value', function () {
      const items = Array.from({ length: 200_000 }, (_, i) => String(i)).join(', ');
      const lines = span([`  attributes: { big: [ ${items} ], s: '${'x'.repeat(2_000_000)}' },`]);
      const t0 = Date.now();
      const s = nodeInspect.parseBlock(lines, 0)!.spans[0];
      assert.strictEqual((s.attributes.big as number[]).length, 200_000);
      assert.strictEqual((s.attributes.s as string).length, 2_000_000);
      assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
    });
  });
});
