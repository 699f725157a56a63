/**
 * Rust tracing: the fast paths give what the ordinary reading gives.
 *
 * The json reader reads a record's tail (target, file/line, span, span stack, thread) once and
 * shares it with later records that end with the same text, and then JSON-parses only the head's
 * fields. The reference here is the same records with whitespace before the closing `}` that makes
 * every tail unique (valid JSON, the same values), so that no tail is ever shared and every line is
 * JSON-parsed whole.
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import { parseTiming } from '../../src/core/parse/rust';
import type { ParseResult } from '../../src/core/model';

const stamp = (us: number) => `2026-11-25T07:52:49.${String(us).padStart(6, '0')}Z`;

/** A record as tracing-subscriber's `.json()` prints it: head, then `tail` (from `,"target"`). */
function rec(us: number, fields: string, tail: string, level = 'INFO'): string {
  return `{"timestamp":"${stamp(us)}","level":"${level}","fields":${fields}${tail}}`;
}

/** `,"target":…,"span":…,"spans":[…]` for a span stack (root first) of `[name, fieldsJson]`. */
function tailOf(stack: [string, string][], extra = ''): string {
  const obj = ([name, fields]: [string, string]) => `{${fields ? fields + ',' : ''}"name":"${name}"}`;
  const current = stack.length ? `,"span":${obj(stack[stack.length - 1])}` : '';
  return `,"target":"app"${current},"spans":[${stack.map(obj).join(',')}]${extra}`;
}

/** The same lines with a different run of spaces before each record's last `}`: no tail repeats. */
function unshared(lines: string[]): string[] {
  return lines.map((l, i) => (l.endsWith('}') ? `${l.slice(0, -1)}${' '.repeat(i + 1)}}` : l));
}

/** Parse `lines` both ways; they must agree on everything. Returns the fast reading. */
function bothWays(lines: string[]): ParseResult {
  const fast = parseText(lines.join('\n'));
  const slow = parseText(unshared(lines).join('\n'));
  assert.deepStrictEqual(fast.spans, slow.spans);
  assert.deepStrictEqual(fast.unparsed, slow.unparsed);
  assert.deepStrictEqual(
    fast.output.map((o) => [o.line, o.text]),
    slow.output.map((o) => [o.line, o.text.replace(/ +}$/, '}')]),
  );
  return fast;
}

/** Events in a span, then its close: `n` records whose tails repeat. */
function spanRun(us: number, name: string, fields: string, events: string[], parents: [string, string][] = []): string[] {
  const stack: [string, string][] = [...parents, [name, fields]];
  const lines = events.map((f, i) => rec(us + i, f, tailOf(stack)));
  lines.push(rec(us + events.length, '{"message":"close","time.busy":"10.0µs","time.idle":"1.00µs"}', tailOf(stack).replace(/,"spans":\[.*\]$/, `,"spans":[${parents.map(([n, f]) => `{${f ? f + ',' : ''}"name":"${n}"}`).join(',')}]`)));
  return lines;
}

describe('rust tracing json: a shared tail reads as the whole record does', function () {
  it('the shared path is taken: JSON.parse sees only the fields of a record whose tail repeats', function () {
    const lines = [...spanRun(10, 'job', '"id":1', ['{"message":"a"}', '{"message":"b"}', '{"message":"c"}']), ...spanRun(20, 'job', '"id":1', ['{"message":"d"}'])];
    const seen: string[] = [];
    const parse = JSON.parse;
    JSON.parse = ((text: string, reviver?: (k: string, v: unknown) => unknown) => {
      seen.push(String(text));
      return parse(text, reviver);
    }) as typeof JSON.parse;
    try {
      parseText(lines.join('\n'));
    } finally {
      JSON.parse = parse;
    }
    assert.ok(seen.includes('{"message":"b"}'), 'a repeated tail is not parsed again');
    assert.ok(seen.includes('{"message":"c"}'));
    assert.ok(seen.some((s) => s.startsWith('{"timestamp"')), 'a tail seen once is read with its record');
  });

  it('a value inside the repeated part changes (Span::record, same length): each span keeps its own fields', function () {
    const r = bothWays([
      ...spanRun(10, 'job', '"n":1', ['{"message":"a"}', '{"message":"b"}', '{"message":"c"}']),
      ...spanRun(20, 'job', '"n":2', ['{"message":"a"}', '{"message":"b"}']),
      ...spanRun(30, 'job', '"n":1', ['{"message":"a"}', '{"message":"b"}']),
      ...spanRun(40, 'job', '"n":"1"', ['{"message":"a"}', '{"message":"b"}']),
    ]);
    assert.deepStrictEqual(
      r.spans.map((s) => [s.attributes.n, s.events.map((e) => e.name).join('')]),
      [
        [1, 'abc'],
        [2, 'ab'],
        [1, 'ab'],
        ['1', 'ab'],
      ],
    );
  });

  it('escapes, and keys named like tail keys inside the fields or a message', function () {
    const odd = [
      '{"message":"say \\"hi\\",\\"target\\":\\"x\\",\\"span\\":{}"}',
      '{"message":"m","target":"inner","span":{"name":"fake"},"spans":[]}',
      '{"message":"caf\\u00e9 \\\\","path":"C:\\\\dir\\\\"}',
      '{"message":"lines\\nand\\ttabs","x":"\\u001b[31m"}',
    ];
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) lines.push(...spanRun(10 + 10 * k, 'job', '"q":"a \\"b\\" c"', odd));
    const r = bothWays(lines);
    assert.strictEqual(r.spans.length, 3);
    const ev = r.spans[2].events;
    assert.strictEqual(ev[0].name, 'say "hi","target":"x","span":{}');
    assert.deepStrictEqual(ev[1].attributes, { target: 'inner', span: '{"name":"fake"}', spans: [] });
    assert.deepStrictEqual(ev[2].attributes, { path: 'C:\\dir\\' });
    assert.strictEqual(ev[2].name, 'café \\');
    assert.strictEqual(r.spans[2].attributes.q, 'a "b" c');
  });

  it('unsafe integers in the fields, in a shared span, and as line_number stay exact', function () {
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) {
      lines.push(...spanRun(10 + 10 * k, 'job', '"big":18446744073709551615,"neg":-9223372036854775808,"safe":9007199254740991', ['{"message":"e","n":9007199254740993}', '{"message":"f","x":1e300,"y":-0}']));
    }
    lines.push(rec(90, '{"message":"g","n":1}', `,"target":"app","filename":"a.rs","line_number":99999999999999999999,"span":{"name":"solo"},"spans":[{"name":"solo"}]`));
    lines.push(rec(91, '{"message":"g","n":1}', `,"target":"app","filename":"a.rs","line_number":99999999999999999999,"span":{"name":"solo"},"spans":[{"name":"solo"}]`));
    lines.push(rec(92, '{"message":"close","time.busy":"1.00µs","time.idle":"1.00µs"}', `,"target":"app","span":{"name":"solo"},"spans":[]`));
    const r = bothWays(lines);
    for (const s of r.spans.slice(0, 3)) {
      assert.strictEqual(s.attributes.big, 18446744073709551615n);
      assert.strictEqual(s.attributes.neg, -9223372036854775808n);
      assert.strictEqual(s.attributes.safe, 9007199254740991);
      assert.strictEqual(s.events[0].attributes.n, 9007199254740993n);
      assert.strictEqual(s.events[1].attributes.x, 1e300);
    }
    assert.strictEqual(r.spans[3].name, 'solo');
  });

  it('another key order, repeated keys, a head holding a tail key: read as JSON.parse reads them', function () {
    const tail = tailOf([['job', '"id":7']]);
    const lines = [
      // level first
      `{"level":"INFO","timestamp":"${stamp(1)}","fields":{"message":"a"}${tail}}`,
      `{"level":"INFO","timestamp":"${stamp(2)}","fields":{"message":"b"}${tail}}`,
      // the head holds a tail key the tail lacks (after a space, so not where a tail is looked for)
      `{"level":"INFO", "threadId":"ThreadId(9)","timestamp":"${stamp(3)}","fields":{"message":"c"}${tail}}`,
      `{"level":"INFO", "threadId":"ThreadId(9)","timestamp":"${stamp(4)}","fields":{"message":"d"}${tail}}`,
      // … and right after the comma: a tail that starts there holds non-tail keys and is not shared
      `{"level":"INFO","target":"first","timestamp":"${stamp(3)}","fields":{"message":"c"}${tail}}`,
      `{"level":"INFO","target":"first","timestamp":"${stamp(4)}","fields":{"message":"d"}${tail}}`,
      // the tail repeats `span`: the last wins
      rec(5, '{"message":"e"}', `${tail},"span":{"id":7,"name":"job"}`),
      rec(6, '{"message":"f"}', `${tail},"span":{"id":7,"name":"job"}`),
      // a level repeated after the tail: the last (WARN) wins, and is no tail key
      rec(7, '{"message":"g"}', `${tail},"level":"WARN"`),
      rec(8, '{"message":"h"}', `${tail},"level":"nope"}`.slice(0, -1)),
      rec(9, '{"message":"i"}', `${tail},"level":"nope"}`.slice(0, -1)),
      // fields repeated: the second object wins
      rec(10, '{"message":"j"},"fields":{"message":"k"}', tail),
      rec(11, '{"message":"j"},"fields":{"message":"l"}', tail),
      // whitespace between members
      `{"timestamp":"${stamp(12)}", "level":"INFO", "fields":{"message":"m"}, "target":"app","span":{"id":7,"name":"job"},"spans":[{"id":7,"name":"job"}]}`,
      `{"timestamp":"${stamp(13)}", "level":"INFO", "fields":{"message":"n"}, "target":"app","span":{"id":7,"name":"job"},"spans":[{"id":7,"name":"job"}]}`,
      rec(14, '{"message":"close","time.busy":"1.00µs","time.idle":"1.00µs"}', `,"target":"app","span":{"id":7,"name":"job"},"spans":[]`),
    ];
    const r = bothWays(lines);
    assert.strictEqual(r.spans.length, 1);
    assert.strictEqual(r.spans[0].thread, 'ThreadId(9)');
    assert.deepStrictEqual(r.spans[0].events.map((e) => e.name).join(''), 'abcdcdefgklmn');
    assert.deepStrictEqual(r.output.map((o) => o.line), [9, 10], 'a record whose level is not a tracing level is no tracing record');
  });

  it('flattened events, threads, file and line, and records that are not tracing ones', function () {
    const tail = ',"target":"app","filename":"src/main.rs","line_number":12,"span":{"name":"w"},"spans":[{"name":"w"}],"threadName":"worker-1","threadId":"ThreadId(3)"';
    const tail2 = ',"target":"app","filename":"src/main.rs","line_number":12,"span":{"name":"w"},"spans":[{"name":"w"}],"threadId":"ThreadId(4)"';
    const flat = (us: number, msg: string, t: string) => `{"timestamp":"${stamp(us)}","level":"WARN","message":"${msg}","k":${us}${t}}`;
    const notOurs = (us: number) => rec(us, '{"message":"x"}', ',"target":"app","span":{"name":"w"},"spans":[7]');
    const lines = [
      rec(1, '{"message":"new"}', tail.replace('"spans":[{"name":"w"}]', '"spans":[]')),
      rec(2, '{"message":"new"}', tail2.replace('"spans":[{"name":"w"}]', '"spans":[]')),
      flat(3, 'a', tail),
      flat(4, 'b', tail2),
      flat(5, 'c', tail),
      flat(6, 'd', tail2),
      rec(7, '{"message":"e","v":[1,"two",true]}', tail),
      rec(8, '{"message":"e","v":[1,"two",true]}', tail),
      notOurs(9),
      notOurs(10),
      notOurs(11),
      'partial ' + rec(12, '{"message":"f"}', tail),
      rec(13, '{"message":"close","time.busy":"1.00µs","time.idle":"1.00µs"}', tail.replace('"spans":[{"name":"w"}]', '"spans":[]')),
      rec(14, '{"message":"close","time.busy":"1.00µs","time.idle":"1.00µs"}', tail2.replace('"spans":[{"name":"w"}]', '"spans":[]')),
    ];
    const r = bothWays(lines);
    assert.deepStrictEqual(
      r.spans.map((s) => [s.thread, s.location?.line, s.events.map((e) => e.name).join('')]),
      [
        ['ThreadId(3)', 11, 'aceef'],
        ['ThreadId(4)', 11, 'bd'],
      ],
    );
    assert.deepStrictEqual(r.spans[0].events[0].attributes, { k: 3 });
    assert.deepStrictEqual(r.output.map((o) => o.line), [8, 9, 10, 11]);
  });

  it('spans sharing a tail share only frozen values: a span cannot change another', function () {
    const lines: string[] = [];
    for (let k = 0; k < 3; k++) lines.push(...spanRun(10 + 10 * k, 'job', '"tags":["a","b"],"nan":null', ['{"message":"e"}', '{"message":"e"}']));
    const r = bothWays(lines);
    const [a, b, c] = r.spans;
    assert.deepStrictEqual(a.attributes, { tags: ['a', 'b'], nan: null });
    assert.notStrictEqual(b.attributes, c.attributes);
    // The first span was read before its tail repeated; the later ones share the tail's values.
    assert.throws(() => (b.attributes.tags as string[]).push('c'), TypeError);
    assert.throws(() => b.links.push({ traceId: '', spanId: '', traceState: null, attributes: {}, droppedAttributesCount: 0 }), TypeError);
    assert.throws(() => {
      b.scope.name = 'changed';
    }, TypeError);
    b.attributes.nan = 1;
    assert.deepStrictEqual(c.attributes, { tags: ['a', 'b'], nan: null });
    assert.strictEqual(c.scope.name, 'app');
    assert.deepStrictEqual(a.lossy?.map((l) => l.path), ['attributes.nan']);
  });
});

describe('rust tracing: FmtSpan timings read in place', function () {
  it('equal Number() of the printed digits times the unit, for every width tracing prints and odd ones', function () {
    const units: [string, number][] = [
      ['ns', 1],
      ['µs', 1e3],
      ['μs', 1e3],
      ['us', 1e3],
      ['ms', 1e6],
      ['s', 1e9],
    ];
    const digits: string[] = ['0', '7', '15.1', '7.25', '871', '1.02', '100', '0.1', '0.3', '3.14159265358979', '123456789012345', '1234567890123456', '99999999999999999999', '15.', '007', '00.10'];
    // Three significant digits, as tracing prints them: 1.07, 10.7, 107.
    for (let e = 0; e < 3; e++) for (let m = 100; m < 1000; m += 7) digits.push(((m / 100) * 10 ** e).toFixed(2 - e));
    for (const d of digits)
      for (const [u, f] of units) {
        assert.strictEqual(parseTiming(d + u), Number(d) * f, d + u);
      }
    for (const bad of ['', 'ms', '.', '1.2.3ms', '1..2ms', '12', '12 ms', '12mss', '12S', '12ps', 'µs'])
      assert.strictEqual(parseTiming(bad), null, bad);
  });
});

describe('rust tracing fmt: a header glued after program text', function () {
  it('is found after any padded level, and a JSON record naming a level is not one', function () {
    const levels = ['TRACE', 'DEBUG', ' INFO', ' WARN', 'ERROR'];
    const lines = levels.map((lv, i) => `progress ${i}% ${stamp(100 + i)} ${lv} job{id=1}: app: step ${i}`);
    lines.push(`${stamp(200)}  INFO job{id=1}: app: close time.busy=10.0µs time.idle=1.00µs`);
    lines.push(rec(300, '{"message":"INFO WARN ERROR DEBUG TRACE"}', ',"target":"app","span":{"name":"j"},"spans":[{"name":"j"}]'));
    const r = parseText(lines.join('\n'));
    const fmt = r.spans.find((s) => s.name === 'job')!;
    assert.deepStrictEqual(
      fmt.events.map((e) => e.name),
      levels.map((_, i) => `step ${i}`),
    );
    assert.deepStrictEqual(
      r.output.map((o) => o.text),
      levels.map((_, i) => `progress ${i}% `),
    );
    const json = r.spans.find((s) => s.name === 'j')!;
    assert.deepStrictEqual(json.events.map((e) => e.name), ['INFO WARN ERROR DEBUG TRACE']);
  });
});
