/**
 * Rust tracing-subscriber fmt/json and opentelemetry-stdout: real tracing-subscriber 0.3.16 runs
 * of the programs in test/unit/data/rust/programs compared with what a Layer recorded from the
 * subscriber itself (truth.json), and inputs built from the printed shape for the rest (other
 * timers, without_time, flattened JSON, damaged and ambiguous output).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseText, createStreamParser } from '../../src/core/parse';
import { decodeFieldValue, parseTiming, readDebugString, readRfc3339 } from '../../src/core/parse/rust';
import { decodeOtelValue } from '../../src/core/parse/rustOtelStdout';
import { parseJson } from '../../src/core/json';
import type { ParseResult, Span } from '../../src/core/model';
import { attrValueEqual } from './fixtureSupport';

const dataDir = path.join(__dirname, 'data', 'rust');

interface TruthEvent {
  name: string;
  time: string;
  level: string;
  attributes: Record<string, unknown>;
}
interface TruthSpan {
  seq: number;
  name: string;
  parent: number | null;
  thread: string;
  threadName: string | null;
  file: string;
  line: number;
  start: string;
  end: string | null;
  attributes: Record<string, unknown>;
  events: TruthEvent[];
}
interface Truth {
  spans: TruthSpan[];
  closeOrder: number[];
  appearOrder: number[];
  outside: TruthEvent[];
}

function load(name: string): { text: Buffer; truth: Truth; result: ParseResult } {
  const text = fs.readFileSync(path.join(dataDir, name, 'stdout.txt'));
  const truth = parseJson(fs.readFileSync(path.join(dataDir, name, 'truth.json'), 'utf8')) as Truth;
  return { text, truth, result: parseText(text) };
}

function pathOf(span: Span, spans: Span[]): string {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const names: string[] = [];
  for (let s: Span | undefined = span; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) names.unshift(s.name);
  return names.join(' > ');
}

function truthPath(t: Truth, seq: number): string {
  const names: string[] = [];
  for (let s: TruthSpan | undefined = t.spans[seq - 1]; s; s = s.parent ? t.spans[s.parent - 1] : undefined) names.unshift(s.name);
  return names.join(' > ');
}

/** The truth spans in the order the parser reports them: close order, then those never closed. */
function truthOrder(t: Truth): TruthSpan[] {
  return [...t.closeOrder, ...t.spans.filter((s) => s.end === null).map((s) => s.seq)].map((q) => t.spans[q - 1]);
}

const TOLERANCE = 1_000_000n; // 1 ms: µs timestamps, 3-significant-digit busy/idle

function near(a: bigint | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const d = a - BigInt(b);
  return (d < 0n ? -d : d) <= TOLERANCE;
}

/** Every difference between parsed spans and the truth a user would notice. */
function differences(result: ParseResult, truth: Truth): string[] {
  const out: string[] = [];
  const order = truthOrder(truth);
  if (result.spans.length !== order.length) out.push(`span count ${result.spans.length}, truth ${order.length}`);
  order.forEach((t, i) => {
    const a = result.spans[i];
    if (!a) return;
    const p = (m: string) => out.push(`#${i} ${t.name}: ${m}`);
    if (a.name !== t.name) p(`name ${a.name}`);
    if (pathOf(a, result.spans) !== truthPath(truth, t.seq)) p(`path ${pathOf(a, result.spans)}`);
    for (const [k, v] of Object.entries(t.attributes)) if (!attrValueEqual(a.attributes[k], v)) p(`attribute ${k} = ${String(a.attributes[k]).slice(0, 60)}`);
    for (const k of Object.keys(a.attributes)) if (!(k in t.attributes)) p(`extra attribute ${k}`);
    if (a.events.length !== t.events.length) p(`${a.events.length} events, truth ${t.events.length}`);
    else
      t.events.forEach((e, j) => {
        const ae = a.events[j];
        if (ae.name !== e.name) p(`event ${j} name ${JSON.stringify(ae.name)}`);
        if (!near(ae.timeUnixNano, e.time)) p(`event ${j} time`);
        for (const [k, v] of Object.entries(e.attributes)) if (!attrValueEqual(ae.attributes[k], v)) p(`event ${j} attribute ${k} = ${String(ae.attributes[k]).slice(0, 60)}`);
        for (const k of Object.keys(ae.attributes)) if (!(k in e.attributes)) p(`event ${j} extra attribute ${k}`);
      });
    if (!near(a.startTimeUnixNano, t.start)) p(`start off by ${t.start === null ? '?' : a.startTimeUnixNano - BigInt(t.start)} ns`);
    if (!near(a.endTimeUnixNano, t.end)) p(`end ${a.endTimeUnixNano}, truth ${t.end}`);
    if (a.thread !== undefined && a.thread !== t.thread && a.thread !== t.threadName) p(`thread ${a.thread}`);
    if (a.location && (a.location.file !== t.file || a.location.line + 1 !== t.line)) p(`location ${a.location.file}:${a.location.line + 1}`);
  });
  return out;
}

describe('rust tracing: real tracing-subscriber 0.3.16 output against the subscriber truth', function () {
  for (const name of ['tricky-ansi', 'tricky-plain', 'panicky-ansi', 'threads-plain', 'threads-names', 'threads-jsonthreads', 'interleaved-json']) {
    it(`${name}: every span, field type, event, time and thread`, function () {
      const { result, truth } = load(name);
      assert.deepStrictEqual(differences(result, truth), []);
      assert.deepStrictEqual(result.unparsed, []);
      for (const s of result.spans) assert.deepStrictEqual(s.lossy, undefined, `${s.name}: ${JSON.stringify(s.lossy)}`);
    });
  }

  it('tricky values keep their recorded types: escaped &str, u64::MAX, i64::MIN, NaN/inf, 1e300, Debug structs with braces, a 10 kB string', function () {
    const { result } = load('tricky-ansi');
    const a = result.spans[0].attributes;
    assert.strictEqual(a.quote, 'say "hi"');
    assert.strictEqual(a.tab, 'a\tb\r\n');
    assert.strictEqual(a.esc, '\x1b[31mred\x1b[0m');
    assert.strictEqual(a.uni, 'héllo ☃ 😀');
    assert.strictEqual(a.big, 18446744073709551615n);
    assert.strictEqual(a.neg, -9223372036854775808n);
    assert.ok(Number.isNaN(a.nan));
    assert.strictEqual(a.ninf, -Infinity);
    assert.strictEqual(a.huge, 1e300);
    assert.strictEqual(a.disp, 'two words');
    assert.strictEqual(a.req, 'Req { id: 7, path: "/a}:b" }');
    assert.strictEqual(a.later, 5, 'Span::record after creation shows on later lines');
    assert.strictEqual((result.spans[0].events[1].attributes.long as string).length, 10_000);
    assert.strictEqual(result.spans[1].attributes.query, 'SELECT *\nFROM t\nWHERE a = 1', 'a Display value with newlines in span fields');
    assert.strictEqual(result.spans[2].name, 'naïve span');
  });

  it('json: NaN and infinities print as null and are reported lossy, everything else exact', function () {
    const { result, truth } = load('tricky-json');
    const diffs = differences(result, truth);
    assert.deepStrictEqual(diffs.sort(), ['#0 tricky: attribute inf = null', '#0 tricky: attribute nan = null', '#0 tricky: attribute ninf = null']);
    assert.deepStrictEqual(result.spans[0].lossy?.map((l) => l.path).sort(), ['attributes.inf', 'attributes.nan', 'attributes.ninf']);
  });

  it('println! lines, a print! glued before a tracing line, lone braces and a JSON lookalike stay program output, in order', function () {
    for (const name of ['interleaved-ansi', 'interleaved-json']) {
      const { result } = load(name);
      const lines = result.output.map((o) => o.text);
      const expected = ['program start', '{', '}', '{"timestamp":"not a tracing line"}', 'key=value looks like a field', 'step 0 says hi', 'step 1 says hi', 'partial without newline ', 'step 2 says hi'];
      assert.deepStrictEqual(lines.slice(0, expected.length), expected, name);
      assert.strictEqual(lines[lines.length - 1], 'program end');
      assert.strictEqual(result.spans.length, 4);
    }
  });

  it('a Display field value with a newline at the end of an event line: the first line is the value, the rest stays output (never lost)', function () {
    const { result, truth } = load('interleaved-ansi');
    const diffs = differences(result, truth);
    assert.deepStrictEqual(diffs, ['#3 run: event 0 attribute detail = first line']);
    assert.ok(result.output.some((o) => o.text === 'second line'));
  });

  it('a panic inside spans: close lines printed while unwinding still give both spans', function () {
    const { result } = load('panicky-ansi');
    assert.deepStrictEqual(result.spans.map((s) => pathOf(s, result.spans)), ['request > handler', 'request']);
  });

  it('threads without thread info: spans printed alike that were open at once are flagged, not silently merged', function () {
    const { result, truth } = load('threads-bare');
    assert.strictEqual(result.spans.length, truth.spans.length);
    const works = result.spans.filter((s) => s.name === 'work');
    assert.strictEqual(works.length, 3);
    assert.strictEqual(works.reduce((n, s) => n + s.events.length, 0), 6, 'no event lost');
    assert.strictEqual(works.filter((s) => s.lossy?.some((l) => l.path === 'events')).length, 2);
    for (const s of result.spans) assert.ok(pathOf(s, result.spans).startsWith('batch'), pathOf(s, result.spans));
  });

  it('synthetic ids: 32/16 hex, a trace per root, stable for the same output', function () {
    const a = load('threads-plain').result.spans;
    const b = load('threads-plain').result.spans;
    assert.deepStrictEqual(a.map((s) => [s.traceId, s.spanId, s.parentSpanId]), b.map((s) => [s.traceId, s.spanId, s.parentSpanId]));
    for (const s of a) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
    }
    assert.strictEqual(new Set(a.map((s) => s.traceId)).size, 1);
    assert.strictEqual(new Set(a.map((s) => s.spanId)).size, a.length);
    assert.ok(a.every((s) => s.unknown?.includes('ids') && s.kind === 'INTERNAL' && s.status.code === 'UNSET'));
  });

  it('the same output fed in small chunks gives the same spans and output', function () {
    const { text, result } = load('interleaved-ansi');
    const spans: Span[] = [];
    const output: string[] = [];
    const p = createStreamParser({ onSpan: (s) => spans.push(s), onOutput: (o) => output.push(o.text) });
    for (let i = 0; i < text.length; i += 7) p.write(text.subarray(i, i + 7));
    p.end();
    assert.deepStrictEqual(spans.map((s) => [s.name, s.startTimeUnixNano, s.attributes]), result.spans.map((s) => [s.name, s.startTimeUnixNano, s.attributes]));
    assert.deepStrictEqual(output, result.output.map((o) => o.text));
  });
});

// ---------------------------------------------------------------------------------------------
// Inputs built from the printed shape

const T0 = '2026-11-25T07:52:49.533620Z';
const ESC = '\x1b';
const dim = (s: string) => `${ESC}[2m${s}${ESC}[0m`;
const bold = (s: string) => `${ESC}[1m${s}${ESC}[0m`;
const it3 = (s: string) => `${ESC}[3m${s}${ESC}[0m`;

/** A Full line with ANSI as 0.3.16 paints it. `spans` = [name, [[k, v], ...]]. */
function ansiLine(time: string, level: string, spans: [string, [string, string][]][], target: string, message: string, fields: [string, string][] = []): string {
  const colour = { TRACE: 35, DEBUG: 34, ' INFO': 32, ' WARN': 33, ERROR: 31 }[level];
  let s = `${dim(time)} ${ESC}[${colour}m${level}${ESC}[0m `;
  for (const [name, fs] of spans) {
    s += bold(name);
    if (fs.length) s += bold('{') + fs.map(([k, v]) => `${it3(k)}${dim('=')}${v}`).join(' ') + bold('}');
    s += dim(':');
  }
  if (spans.length) s += ' ';
  s += `${dim(target)}${dim(':')} ${message}`;
  if (fields.length) s += (message ? ' ' : '') + fields.map(([k, v]) => `${it3(k)}${dim('=')}${v}`).join(' ');
  return s;
}

describe('rust tracing fmt: the printed format', function () {
  it('reads timestamps to the nanosecond, with Z or an offset and 1–9 fraction digits', function () {
    assert.strictEqual(readRfc3339(T0, 0)?.ns, 1795593169533620000n);
    assert.strictEqual(readRfc3339('2026-11-25T08:52:49.533620+01:00', 0)?.ns, 1795593169533620000n);
    assert.strictEqual(readRfc3339('2026-11-25T07:52:49.5Z', 0)?.ns, 1795593169500000000n);
    assert.strictEqual(readRfc3339('2026-11-25T07:52:49.123456789Z', 0)?.ns, 1795593169123456789n);
    assert.strictEqual(readRfc3339('2026-11-25 07:52:49.533620Z', 0), null);
    assert.strictEqual(readRfc3339('2026-11-25T07:52:49.Z', 0), null);
  });

  it('reads busy/idle with each unit tracing prints', function () {
    assert.strictEqual(parseTiming('871ns'), 871);
    assert.strictEqual(parseTiming('7.25µs'), 7250);
    assert.strictEqual(parseTiming('15.1ms'), 15_100_000);
    assert.strictEqual(parseTiming('1.02s'), 1_020_000_000);
    assert.strictEqual(parseTiming('1234s'), 1_234_000_000_000);
    assert.strictEqual(parseTiming('0.00ns'), 0);
    assert.strictEqual(parseTiming('12 ms'), null);
  });

  it('decodes field values back to their recorded types', function () {
    assert.strictEqual(decodeFieldValue('"a \\"b\\" \\\\ \\n \\u{1f600} \\u{0}"'), 'a "b" \\ \n 😀 \u0000');
    assert.strictEqual(decodeFieldValue('42'), 42);
    assert.strictEqual(decodeFieldValue('-9007199254740993'), -9007199254740993n);
    assert.strictEqual(decodeFieldValue('9007199254740991'), 9007199254740991);
    assert.strictEqual(decodeFieldValue('19.99'), 19.99);
    assert.strictEqual(decodeFieldValue('1e-7'), 1e-7);
    assert.strictEqual(decodeFieldValue('-0.0'), -0);
    assert.strictEqual(decodeFieldValue('inf'), Infinity);
    assert.strictEqual(decodeFieldValue('true'), true);
    assert.strictEqual(decodeFieldValue('Some("x")'), 'Some("x")');
    assert.strictEqual(decodeFieldValue('"unterminated'), '"unterminated');
    assert.deepStrictEqual(readDebugString('"a\\qb"', 0), null, 'an escape Rust never writes');
  });

  it('ANSI and plain lines of the same run give the same spans', function () {
    const plain = [
      `2026-11-25T07:52:49.533720Z  INFO checkout{user.id=42}:payment.charge{payment.amount=19.99}: shop: calling provider attempt=1 note="x y"`,
      `2026-11-25T07:52:49.563801Z  INFO checkout{user.id=42}:payment.charge{payment.amount=19.99}: shop: close time.busy=30.1ms time.idle=1.08µs`,
      `2026-11-25T07:52:49.563819Z  INFO checkout{user.id=42}: shop: close time.busy=45.3ms time.idle=2.10µs`,
    ].join('\n');
    const spans: [string, [string, string][]][] = [
      ['checkout', [['user.id', '42']]],
      ['payment.charge', [['payment.amount', '19.99']]],
    ];
    const ansi = [
      ansiLine('2026-11-25T07:52:49.533720Z', ' INFO', spans, 'shop', 'calling provider', [
        ['attempt', '1'],
        ['note', '"x y"'],
      ]),
      ansiLine('2026-11-25T07:52:49.563801Z', ' INFO', spans, 'shop', 'close', [
        ['time.busy', '30.1ms'],
        ['time.idle', '1.08µs'],
      ]),
      ansiLine('2026-11-25T07:52:49.563819Z', ' INFO', spans.slice(0, 1), 'shop', 'close', [
        ['time.busy', '45.3ms'],
        ['time.idle', '2.10µs'],
      ]),
    ].join('\n');
    const a = parseText(plain);
    const b = parseText(ansi);
    const view = (r: ParseResult) => r.spans.map((s) => [s.name, s.traceId, s.spanId, s.parentSpanId, s.startTimeUnixNano, s.endTimeUnixNano, s.attributes, s.events, s.scope.name]);
    assert.deepStrictEqual(view(b), view(a));
    assert.deepStrictEqual(a.spans[0].events[0].attributes, { attempt: 1, note: 'x y' });
    assert.strictEqual(a.spans[0].endTimeUnixNano! - a.spans[0].startTimeUnixNano, 30_101_080n);
    assert.deepStrictEqual(a.output, []);
  });

  it('tells a span from the target, and a message holding ": " from a span path', function () {
    const r = parseText(
      [
        `${T0}  INFO app: Error: disk full`,
        `${T0}  INFO healthcheck: app: ok`,
        `${T0}  INFO healthcheck: app: close time.busy=4.31µs time.idle=460ns`,
      ].join('\n'),
    );
    assert.deepStrictEqual(r.spans.map((s) => [s.name, s.events.map((e) => e.name)]), [['healthcheck', ['ok']]]);
    assert.deepStrictEqual(r.output, [], 'an event outside any span is tracing output, not program output');
  });

  it('a span recorded into later (Span::record) is the same span; a recorded field that changes wins', function () {
    const r = parseText(
      [
        `${T0}  INFO checkout{user.id=42}: app: one`,
        `${T0}  INFO checkout{user.id=42 outcome="failed"}: app: two`,
        `${T0}  INFO checkout{user.id=42 outcome="failed" outcome="ok"}: app: close time.busy=1.00ms time.idle=1.00ms`,
      ].join('\n'),
    );
    assert.strictEqual(r.spans.length, 1);
    assert.deepStrictEqual(r.spans[0].attributes, { 'user.id': 42, outcome: 'ok' });
    assert.deepStrictEqual(r.spans[0].events.map((e) => e.name), ['one', 'two']);
  });

  it('FmtSpan::NEW: the new line gives the exact start, the callsite (0-based line) and the thread', function () {
    const r = parseText(
      [
        `${T0}  INFO     main ThreadId(01) job{id=7}: app: src/main.rs:12: new`,
        `2026-11-25T07:52:49.533700Z  INFO worker-1 ThreadId(02) job{id=7}: app: src/main.rs:12: enter`,
        `2026-11-25T07:52:49.533800Z  INFO worker-1 ThreadId(02) job{id=7}: app: src/main.rs:12: exit`,
        `2026-11-25T07:52:49.534620Z  INFO worker-1 ThreadId(02) job{id=7}: app: src/main.rs:12: close time.busy=100µs time.idle=900µs`,
      ].join('\n'),
    );
    assert.strictEqual(r.spans.length, 1);
    const s = r.spans[0];
    assert.strictEqual(s.startTimeUnixNano, 1795593169533620000n);
    assert.strictEqual(s.endTimeUnixNano, 1795593169534620000n);
    assert.deepStrictEqual(s.location, { file: 'src/main.rs', line: 11, column: 0 });
    assert.strictEqual(s.thread, 'ThreadId(1)');
    assert.deepStrictEqual(s.events, [], 'enter/exit lines are not events');
  });

  it('a span that never closes while others do: reported last with no end and its start marked', function () {
    const r = parseText(
      [
        `${T0}  INFO job{id=7}:step: app: working`,
        `2026-11-25T07:52:49.533700Z  INFO job{id=7}:step: app: close time.busy=10.0µs time.idle=1.00µs`,
      ].join('\n'),
    );
    assert.deepStrictEqual(r.spans.map((s) => [s.name, s.endTimeUnixNano]), [
      ['step', 1795593169533700000n],
      ['job', null],
    ]);
    assert.ok(r.spans[1].lossy?.some((l) => l.path === 'startTimeUnixNano'));
    assert.strictEqual(r.spans[0].parentSpanId, r.spans[1].spanId);
  });

  it('without close lines (default fmt), spans come from event prefixes in order of appearance, times unknown', function () {
    const r = parseText(
      [
        `${T0}  INFO checkout{user.id=42}:payment.charge{payment.amount=19.99}: app: calling`,
        `2026-11-25T07:52:49.600000Z  INFO checkout{user.id=42}: app: done`,
      ].join('\n'),
    );
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['checkout', 'payment.charge']);
    assert.ok(r.spans.every((s) => s.unknown?.includes('time') && s.unknown.includes('scope')));
    assert.deepStrictEqual(r.spans[0].events.map((e) => e.name), ['done']);
  });

  it('#[instrument(err)] events: no message, the error field, and error.sources as a list', function () {
    const r = parseText(
      [
        `${T0} ERROR pay: app: charge failed error=card declined error.sources=[provider timed out, socket closed]`,
        `${T0} ERROR pay: app: error=card declined`,
        `${T0}  INFO pay: app: close time.busy=1.00ms time.idle=1.00µs`,
      ].join('\n'),
    );
    const [a, b] = r.spans[0].events;
    assert.deepStrictEqual([a.name, a.attributes], ['charge failed', { error: 'card declined', 'error.sources': ['provider timed out', 'socket closed'] }]);
    assert.deepStrictEqual([b.name, b.attributes], ['', { error: 'card declined' }]);
    assert.strictEqual(r.spans[0].status.code, 'UNSET', 'tracing has no status; errors are events');
  });

  it('a span field value with newlines: the broken lines are joined; never closing, they are reported unparsed with their text', function () {
    const ok = parseText([`${T0}  INFO sql{q=SELECT *`, `FROM t}: app: close time.busy=1.00ms time.idle=1.00µs`, 'after'].join('\n'));
    assert.deepStrictEqual(ok.spans.map((s) => s.attributes), [{ q: 'SELECT *\nFROM t' }]);
    assert.deepStrictEqual(ok.output.map((o) => o.text), ['after']);
    const cut = parseText([`${T0}  INFO sql{q=SELECT *`, 'FROM t'].join('\n'));
    assert.strictEqual(cut.spans.length, 0);
    assert.strictEqual(cut.unparsed.length, 1);
    assert.strictEqual(cut.unparsed[0].text, `${T0}  INFO sql{q=SELECT *\nFROM t`);
  });

  it('two open spans printed alike on different threads: each event goes to its own thread\'s span', function () {
    const line = (t: string, th: string, msg: string) => `${t}  INFO ${th} work: app: ${msg}`;
    const r = parseText(
      [
        line('2026-11-25T07:52:49.000001Z', 'ThreadId(02)', 'a'),
        line('2026-11-25T07:52:49.000002Z', 'ThreadId(03)', 'b'),
        line('2026-11-25T07:52:49.000003Z', 'ThreadId(02)', 'c'),
        line('2026-11-25T07:52:49.000004Z', 'ThreadId(03)', 'close time.busy=3.00µs time.idle=1.00µs'),
        line('2026-11-25T07:52:49.000005Z', 'ThreadId(02)', 'close time.busy=4.00µs time.idle=1.00µs'),
      ].join('\n'),
    );
    assert.deepStrictEqual(r.spans.map((s) => [s.thread, s.events.map((e) => e.name)]), [
      ['ThreadId(3)', ['b']],
      ['ThreadId(2)', ['a', 'c']],
    ]);
  });

  it('never throws and stays linear on damaged or hostile input', function () {
    const inputs = [
      `${T0}  INFO ` + '{'.repeat(200_000),
      `${T0}  INFO a{` + 'x="'.repeat(100_000),
      `${T0}  INFO ` + 'a:'.repeat(100_000) + ' t: m',
      `${ESC}[2m${T0}${ESC}[0m ` + `${ESC}[1m`.repeat(50_000),
      '\u0000\uffff' + T0,
      `${T0}  INFO x: y: ` + ' k='.repeat(100_000),
    ];
    for (const input of inputs) {
      const t0 = Date.now();
      parseText(input);
      assert.ok(Date.now() - t0 < 2000, `slow on ${JSON.stringify(input.slice(0, 40))}`);
    }
    // A line that is not a tracing line at all is program output, whatever it holds.
    const junk = '\u0000\uffff' + T0 + ' INFO x{';
    assert.deepStrictEqual(parseText(junk).output.map((o) => o.text), [junk]);
  });
});


/** Real tracing-subscriber 0.3.23 output of one program (test/fixtures/rust/checkout, then a span `rec` with a field recorded later) under other fmt setups than the run tests use. */
const OTHER_LAYOUTS: Record<string, string[]> = {
  // .compact().with_ansi(false), NEW|CLOSE
  compactPlain: [
    "2026-12-08T03:11:45.970096Z  INFO checkout: span_lens_checkout: new user.id=42",
    "2026-12-08T03:11:45.970176Z  INFO checkout:db.load_cart: span_lens_checkout: new user.id=42",
    "2026-12-08T03:11:45.975318Z  INFO checkout:db.load_cart: span_lens_checkout: close time.busy=5.12ms time.idle=19.5µs user.id=42",
    "2026-12-08T03:11:45.975403Z  INFO checkout:charge: span_lens_checkout: new user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:45.975414Z  INFO checkout:charge: span_lens_checkout: calling payment provider user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:45.985581Z  INFO checkout:charge: span_lens_checkout: close time.busy=10.1ms time.idle=23.0µs user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:45.985663Z  INFO checkout: span_lens_checkout: close time.busy=15.5ms time.idle=87.6µs user.id=42",
    "2026-12-08T03:11:45.985693Z  INFO rec: span_lens_checkout: new a=1",
    "2026-12-08T03:11:45.985706Z  INFO rec: span_lens_checkout: done: all k=\"v\" n=3 a=1 b=\"x y\"",
    "2026-12-08T03:11:45.985716Z  INFO rec: span_lens_checkout: close time.busy=14.5µs time.idle=9.35µs a=1 b=\"x y\"",
    ""
  ],
  // .compact().with_ansi(false).with_target(false).with_file(true).with_line_number(true), NEW|CLOSE
  compactPlainFileNoTarget: [
    "2026-12-08T03:11:45.991358Z  INFO checkout: src/lib.rs:21: new user.id=42",
    "2026-12-08T03:11:45.991443Z  INFO checkout:db.load_cart: src/lib.rs:8: new user.id=42",
    "2026-12-08T03:11:45.996603Z  INFO checkout:db.load_cart: src/lib.rs:8: close time.busy=5.13ms time.idle=19.4µs user.id=42",
    "2026-12-08T03:11:45.996697Z  INFO checkout:charge: src/lib.rs:14: new user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:45.996709Z  INFO checkout:charge: src/lib.rs:16: calling payment provider user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:46.006857Z  INFO checkout:charge: src/lib.rs:14: close time.busy=10.1ms time.idle=21.2µs user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:46.006934Z  INFO checkout: src/lib.rs:21: close time.busy=15.5ms time.idle=90.7µs user.id=42",
    "2026-12-08T03:11:46.006965Z  INFO rec: src/main.rs:11: new a=1",
    "2026-12-08T03:11:46.006979Z  INFO rec: src/main.rs:14: done: all k=\"v\" n=3 a=1 b=\"x y\"",
    "2026-12-08T03:11:46.006988Z  INFO rec: src/main.rs:11: close time.busy=14.5µs time.idle=9.62µs a=1 b=\"x y\"",
    ""
  ],
  // .compact(), no span events
  compactNoEvents: [
    "\u001b[2m2026-12-08T03:11:46.014074Z\u001b[0m \u001b[32m INFO\u001b[0m \u001b[1mcheckout\u001b[0m:\u001b[1mcharge\u001b[0m: \u001b[2mspan_lens_checkout\u001b[0m\u001b[2m:\u001b[0m calling payment provider \u001b[2m\u001b[3muser.id\u001b[0m\u001b[2m=\u001b[0m42\u001b[0m \u001b[2m\u001b[3mpayment.amount\u001b[0m\u001b[2m=\u001b[0m19.99\u001b[0m",
    "\u001b[2m2026-12-08T03:11:46.024351Z\u001b[0m \u001b[32m INFO\u001b[0m \u001b[1mrec\u001b[0m: \u001b[2mspan_lens_checkout\u001b[0m\u001b[2m:\u001b[0m done: all \u001b[3mk\u001b[0m\u001b[2m=\u001b[0m\"v\" \u001b[3mn\u001b[0m\u001b[2m=\u001b[0m3 \u001b[2m\u001b[3ma\u001b[0m\u001b[2m=\u001b[0m1 \u001b[3mb\u001b[0m\u001b[2m=\u001b[0m\"x y\"\u001b[0m",
    ""
  ],
  // .compact().with_ansi(false), no span events
  compactPlainNoEvents: [
    "2026-12-08T03:11:46.032826Z  INFO checkout:charge: span_lens_checkout: calling payment provider user.id=42 payment.amount=19.99",
    "2026-12-08T03:11:46.043113Z  INFO rec: span_lens_checkout: done: all k=\"v\" n=3 a=1 b=\"x y\"",
    ""
  ],
  // .pretty().with_ansi(false), NEW|CLOSE
  prettyPlain: [
    "  2026-12-08T03:13:59.080702Z  INFO span_lens_checkout: new",
    "    at src/lib.rs:21",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.080775Z  INFO span_lens_checkout: new",
    "    at src/lib.rs:8",
    "    in span_lens_checkout::db.load_cart",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.086031Z  INFO span_lens_checkout: close, time.busy: 5.22ms, time.idle: 23.9µs",
    "    at src/lib.rs:8",
    "    in span_lens_checkout::db.load_cart",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.086132Z  INFO span_lens_checkout: new",
    "    at src/lib.rs:14",
    "    in span_lens_checkout::charge with payment.amount: 19.99",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.086146Z  INFO span_lens_checkout: calling payment provider",
    "    at src/lib.rs:16",
    "    in span_lens_checkout::charge with payment.amount: 19.99",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.096330Z  INFO span_lens_checkout: close, time.busy: 10.2ms, time.idle: 27.6µs",
    "    at src/lib.rs:14",
    "    in span_lens_checkout::charge with payment.amount: 19.99",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.096418Z  INFO span_lens_checkout: close, time.busy: 15.6ms, time.idle: 79.4µs",
    "    at src/lib.rs:21",
    "    in span_lens_checkout::checkout with user.id: 42",
    "",
    "  2026-12-08T03:13:59.096454Z  INFO span_lens_checkout: new",
    "    at src/main.rs:11",
    "    in span_lens_checkout::rec with a: 1",
    "",
    "  2026-12-08T03:13:59.096470Z  INFO span_lens_checkout: done: all, k: \"v\", n: 3",
    "    at src/main.rs:14",
    "    in span_lens_checkout::rec with a: 1, b: \"x y\"",
    "",
    "  2026-12-08T03:13:59.096481Z  INFO span_lens_checkout: close, time.busy: 17.4µs, time.idle: 11.4µs",
    "    at src/main.rs:11",
    "    in span_lens_checkout::rec with a: 1, b: \"x y\"",
    "",
    ""
  ],
  // .pretty().with_target(false).with_thread_names(true), NEW|CLOSE
  prettyNoTargetThreads: [
    "  \u001b[2m2026-12-08T03:13:59.100034Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mnew\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:21 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.100124Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mnew\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:8 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mdb.load_cart\u001b[0m",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.105310Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mclose, \u001b[1;32mtime.busy\u001b[0m\u001b[32m: 5.15ms, \u001b[1;32mtime.idle\u001b[0m\u001b[32m: 26.1µs\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:8 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mdb.load_cart\u001b[0m",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.105414Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mnew\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:14 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mcharge\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1mpayment.amount\u001b[0m: 19.99",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.105434Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mcalling payment provider\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:16 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mcharge\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1mpayment.amount\u001b[0m: 19.99",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.115638Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mclose, \u001b[1;32mtime.busy\u001b[0m\u001b[32m: 10.2ms, \u001b[1;32mtime.idle\u001b[0m\u001b[32m: 32.8µs\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:14 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mcharge\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1mpayment.amount\u001b[0m: 19.99",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.115735Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mclose, \u001b[1;32mtime.busy\u001b[0m\u001b[32m: 15.6ms, \u001b[1;32mtime.idle\u001b[0m\u001b[32m: 94.5µs\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/lib.rs:21 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mcheckout\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1muser.id\u001b[0m: 42",
    "",
    "  \u001b[2m2026-12-08T03:13:59.115780Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mnew\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/main.rs:11 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mrec\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1ma\u001b[0m: 1",
    "",
    "  \u001b[2m2026-12-08T03:13:59.115801Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mdone: all, \u001b[1;32mk\u001b[0m\u001b[32m: \"v\", \u001b[1;32mn\u001b[0m\u001b[32m: 3\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/main.rs:14 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mrec\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1ma\u001b[0m: 1, \u001b[1mb\u001b[0m: \"x y\"",
    "",
    "  \u001b[2m2026-12-08T03:13:59.115819Z\u001b[0m \u001b[32m INFO\u001b[0m  \u001b[32mclose, \u001b[1;32mtime.busy\u001b[0m\u001b[32m: 23.8µs, \u001b[1;32mtime.idle\u001b[0m\u001b[32m: 16.6µs\u001b[0m",
    "    \u001b[2;3mat\u001b[0m src/main.rs:11 \u001b[2;3mon\u001b[0m main",
    "    \u001b[2;3min\u001b[0m \u001b[1mrec\u001b[0m \u001b[2;3mwith\u001b[0m \u001b[1ma\u001b[0m: 1, \u001b[1mb\u001b[0m: \"x y\"",
    "",
    ""
  ],
};

describe('rust tracing fmt: compact and pretty, each setup', function () {
  const parse = (lines: string[]) => parseText(Buffer.from(lines.join('\n')));
  const closed = ['checkout > db.load_cart', 'checkout > charge', 'checkout', 'rec'];

  for (const name of ['compactPlain', 'compactPlainFileNoTarget', 'prettyPlain', 'prettyNoTargetThreads']) {
    it(`${name}: every span once, its parent, its own fields (one recorded later), its events and nothing left as output`, function () {
      const r = parse(OTHER_LAYOUTS[name]);
      assert.deepStrictEqual(r.unparsed, []);
      assert.deepStrictEqual(r.output.map((l) => l.text), [], 'every line is a record’s');
      assert.deepStrictEqual(r.spans.map((s) => pathOf(s, r.spans)), closed);
      const [load, charge, checkout, rec] = r.spans;
      assert.deepStrictEqual([load.attributes, charge.attributes, checkout.attributes, rec.attributes], [{}, { 'payment.amount': 19.99 }, { 'user.id': 42 }, { a: 1, b: 'x y' }]);
      assert.deepStrictEqual(charge.events.map((e) => [e.name, e.attributes]), [['calling payment provider', {}]]);
      assert.deepStrictEqual(rec.events.map((e) => [e.name, e.attributes]), [['done: all', { k: 'v', n: 3 }]], 'the message keeps its `: `; the span’s fields are not the event’s');
      assert.deepStrictEqual(checkout.events, []);
      assert.ok(load.endTimeUnixNano! - load.startTimeUnixNano >= 5_000_000n && charge.endTimeUnixNano! - charge.startTimeUnixNano >= 10_000_000n);
      const printsFile = name !== 'compactPlain';
      assert.deepStrictEqual(
        r.spans.map((s) => s.location && `${s.location.file}:${s.location.line + 1}`),
        printsFile ? ['src/lib.rs:8', 'src/lib.rs:14', 'src/lib.rs:21', 'src/main.rs:11'] : [undefined, undefined, undefined, undefined],
      );
      const noTarget = name.includes('NoTarget');
      for (const s of r.spans) assert.strictEqual(s.scope.name, noTarget ? '' : 'span_lens_checkout', `${s.name}: scope`);
      if (name === 'prettyNoTargetThreads') for (const s of r.spans) assert.strictEqual(s.thread, 'main');
    });
  }

  it('compact without span events (ANSI): the spans from event lines, each span’s fields told from the event’s', function () {
    const r = parse(OTHER_LAYOUTS.compactNoEvents);
    assert.deepStrictEqual(r.spans.map((s) => pathOf(s, r.spans)), ['checkout', 'checkout > charge', 'rec']);
    assert.deepStrictEqual(r.spans.map((s) => s.attributes), [{ 'user.id': 42 }, { 'payment.amount': 19.99 }, { a: 1, b: 'x y' }]);
    assert.deepStrictEqual(r.spans[2].events.map((e) => e.attributes), [{ k: 'v', n: 3 }]);
  });

  it('compact without span events or colours: the spans and their parents, no span invented (their fields cannot be told from the event’s)', function () {
    const r = parse(OTHER_LAYOUTS.compactPlainNoEvents);
    assert.deepStrictEqual(r.output, []);
    assert.deepStrictEqual(r.spans.map((s) => pathOf(s, r.spans)), ['checkout', 'checkout > charge', 'rec']);
    assert.deepStrictEqual(r.spans[1].events.map((e) => e.name), ['calling payment provider']);
  });

  it('a Full line whose message is `new` or `close` with fields of its own stays an event', function () {
    const r = parse([
      '2026-12-08T03:10:03.201637Z  INFO job{id=1}: app: new',
      '2026-12-08T03:10:03.201638Z  INFO job{id=1}: app: new kind="x"',
      '2026-12-08T03:10:03.201639Z  INFO job{id=1}: app: close time.busy=1.00ms time.idle=1.00µs',
    ]);
    assert.deepStrictEqual(r.spans.map((s) => [s.name, s.attributes, s.events.map((e) => [e.name, e.attributes])]), [['job', { id: 1 }, [['new', { kind: 'x' }]]]]);
  });
});

describe('rust tracing json: the printed format', function () {
  it('flatten_event, no span list, big integers and a glued program prefix', function () {
    const r = parseText(
      [
        `{"timestamp":"${T0}","level":"INFO","message":"hello","n":18446744073709551615,"target":"app","span":{"id":1,"name":"job"},"spans":[{"id":1,"name":"job"}]}`,
        `partial {"timestamp":"2026-11-25T07:52:49.533700Z","level":"INFO","message":"close","time.busy":"10.0µs","time.idle":"1.00µs","target":"app","span":{"id":1,"name":"job"},"spans":[]}`,
        `{"timestamp":"${T0}","level":"INFO","fields":{"message":"outside"},"target":"app"}`,
      ].join('\n'),
    );
    assert.strictEqual(r.spans.length, 1);
    assert.deepStrictEqual(r.spans[0].events.map((e) => [e.name, e.attributes]), [['hello', { n: 18446744073709551615n }]]);
    assert.deepStrictEqual(r.spans[0].attributes, { id: 1 });
    assert.strictEqual(r.spans[0].endTimeUnixNano! - r.spans[0].startTimeUnixNano, 80_000n, 'the event at T0 bounds the start');
    assert.deepStrictEqual(r.output.map((o) => o.text), ['partial ']);
  });

  it('a field named __proto__ is a field, flattened or not, on an event or on a span', function () {
    const r = parseText(
      [
        `{"timestamp":"${T0}","level":"INFO","message":"flat","__proto__":"x","target":"app","span":{"__proto__":2,"name":"job"},"spans":[{"__proto__":2,"name":"job"}]}`,
        `{"timestamp":"${T0}","level":"INFO","fields":{"message":"nested","__proto__":"y"},"target":"app","span":{"__proto__":2,"name":"job"},"spans":[{"__proto__":2,"name":"job"}]}`,
        `{"timestamp":"2026-11-25T07:52:49.533700Z","level":"INFO","message":"close","target":"app","span":{"__proto__":2,"name":"job"},"spans":[]}`,
      ].join('\n'),
    );
    assert.strictEqual(r.spans.length, 1);
    const [span] = r.spans;
    const own = (o: object) => [Object.getPrototypeOf(o) === Object.prototype, Object.prototype.hasOwnProperty.call(o, '__proto__') ? (o as Record<string, unknown>)['__proto__'] : 'missing'];
    assert.deepStrictEqual(own(span.attributes), [true, 2]);
    assert.deepStrictEqual(span.events.map((e) => [e.name, ...own(e.attributes)]), [['flat', true, 'x'], ['nested', true, 'y']]);
  });

  it('a JSON line of another shape is left to the other readers', function () {
    const r = parseText('{"timestamp":"yesterday","level":"nope"}\n{"level":"INFO"}');
    assert.strictEqual(r.spans.length, 0);
    assert.strictEqual(r.output.length, 2);
  });
});

describe('opentelemetry-stdout (Rust) text', function () {
  const span = (name: string, id: string, parent: string, extra: string[] = []) => [
    'Span #0',
    '\tInstrumentation Scope',
    '\t\tName         : "shop"',
    '\t\tVersion  : "1.2"',
    '',
    `\tName         : ${name}`,
    '\tTraceId      : 1b535d9eebf78bb53deb7758e36b2626',
    `\tSpanId       : ${id}`,
    '\tTraceFlags   : TraceFlags(1)',
    `\tParentSpanId : ${parent}`,
    '\tKind         : Server',
    '\tStart time   : 2026-11-25 07:56:12.829129',
    '\tEnd time     : 2026-11-25 07:56:12.844301',
    ...extra,
  ];

  it('reads every field, keeps the first export\'s resource for later spans, and program lines as output', function () {
    const text = [
      'Spans',
      'Resource',
      '\t ->  service.name=String(Static("svc"))',
      '\t ->  a=b=I64(1)',
      ...span('child', 'cba3952c7edf731e', 'a98cd4b2fc20184f', [
        '\tStatus       : Error { description: "card \\"declined\\"" }',
        '\tAttributes:',
        '\t\t ->  http.status: I64(402)',
        '\t\t ->  ratio: F64(NaN)',
        '\t\t ->  tags: Array(String([Static("a"), Owned("b, c")]))',
        '\t\t ->  flags: Array(Bool([true, false]))',
        '\tEvents:',
        '\tEvent #0',
        '\tName      : retry',
        '\tTimestamp : 2026-11-25 07:56:12.830000',
        '\tAttributes:',
        '\t\t ->  n: I64(2)',
        '\tLinks:',
        '\tLink #0',
        '\tTraceId: 0af7651916cd43dd8448eb211c80319c',
        '\tSpanId : b7ad6b7169203331',
      ]),
      'program says hi',
      'Spans',
      ...span('root', 'a98cd4b2fc20184f', 'None (root span)', ['\tStatus       : Unset']),
    ].join('\n');
    const r = parseText(text);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['program says hi']);
    assert.strictEqual(r.spans.length, 2);
    const [c, p] = r.spans;
    assert.deepStrictEqual(c.resource, { 'service.name': 'svc', 'a=b': 1 });
    assert.deepStrictEqual(p.resource, c.resource);
    assert.deepStrictEqual(c.status, { code: 'ERROR', message: 'card "declined"' });
    assert.strictEqual(c.kind, 'SERVER');
    assert.deepStrictEqual(c.scope, { name: 'shop', version: '1.2', schemaUrl: null });
    assert.strictEqual(c.attributes['http.status'], 402);
    assert.ok(Number.isNaN(c.attributes.ratio));
    assert.deepStrictEqual(c.attributes.tags, ['a', 'b, c']);
    assert.deepStrictEqual(c.attributes.flags, [true, false]);
    assert.deepStrictEqual(c.events, [{ name: 'retry', timeUnixNano: 1795593372830000000n, attributes: { n: 2 }, droppedAttributesCount: 0 }]);
    assert.deepStrictEqual(c.links.map((l) => [l.traceId, l.spanId]), [['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331']]);
    assert.strictEqual(c.parentSpanId, 'a98cd4b2fc20184f');
    assert.strictEqual(p.parentSpanId, null);
    assert.strictEqual(c.endTimeUnixNano! - c.startTimeUnixNano, 15_172_000n);
  });

  it('a span cut off before its ids is reported unparsed with its text; a lone "Spans" line stays output', function () {
    const r = parseText(['Spans', 'Span #0', '\tInstrumentation Scope', '\t\tName         : "shop"', '', '\tName         : cut', 'Spans', 'just text'].join('\n'));
    assert.strictEqual(r.spans.length, 0);
    assert.strictEqual(r.unparsed.length, 1);
    assert.ok(r.unparsed[0].text?.includes('\tName         : cut'));
    assert.deepStrictEqual(r.output.map((o) => o.text), ['Spans', 'just text']);
  });

  it('decodes opentelemetry Value Debug text', function () {
    assert.strictEqual(decodeOtelValue('I64(-9223372036854775808)'), -9223372036854775808n);
    assert.strictEqual(decodeOtelValue('F64(1e300)'), 1e300);
    assert.strictEqual(decodeOtelValue('F64(-inf)'), -Infinity);
    assert.strictEqual(decodeOtelValue('String(RefCounted("x\\ny"))'), 'x\ny');
    assert.deepStrictEqual(decodeOtelValue('Array(I64([]))'), []);
    assert.strictEqual(decodeOtelValue('String(Static("x")'), undefined);
  });
});
