/**
 * Python ConsoleSpanExporter. There is no Python OTel on this machine, so inputs are written the
 * way the exporter writes them: `json.dumps(span_dict, indent=4)` (ensure_ascii, allow_nan, exact
 * ints, floats keep `.0`) + os.linesep, with the key order and value forms the README documents.
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import { pythonConsole, pythonConsoleLines, traceStateFromPython } from '../../src/core/parse/python';
import { parseWith } from '../../src/core/parse/demux';
import type { Span } from '../../src/core/model';

/** A Python float whose repr differs from JS (2.0, -0.0). */
class PyFloat {
  constructor(readonly value: number) {}
}

/** Python's `json.dumps(v, indent=4)` with its defaults (ensure_ascii=True, allow_nan=True). */
function pyDumps(v: unknown, level = 0): string {
  const pad = ' '.repeat(4 * (level + 1));
  const end = ' '.repeat(4 * level);
  if (v === null || v === undefined) return 'null';
  if (v instanceof PyFloat) {
    // repr(): '-0.0', '2.0', exponent form from 1e16 on.
    if (Object.is(v.value, -0)) return '-0.0';
    if (Math.abs(v.value) >= 1e16) return v.value.toExponential();
    return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  }
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => pad + pyDumps(x, level + 1)).join(',\n')}\n${end}]` : '[]';
  const entries = Object.entries(v as Record<string, unknown>);
  return entries.length ? `{\n${entries.map(([k, x]) => `${pad}${pyDumps(k)}: ${pyDumps(x, level + 1)}`).join(',\n')}\n${end}}` : '{}';
}

const TRACE = '0x4bf92f3577b34da6a3ce929d0e0e4736';
const RESOURCE = {
  attributes: { 'telemetry.sdk.language': 'python', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '1.44.0', 'service.name': 'svc' },
  schema_url: '',
};

/** A span dict in the exporter's key order. */
function pySpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  const { trace_id = TRACE, span_id = '0x00f067aa0ba902b7', trace_state = '[]', ...rest } = over as Record<string, unknown>;
  return {
    name: 'op',
    context: { trace_id, span_id, trace_state },
    kind: 'SpanKind.INTERNAL',
    parent_id: null,
    start_time: '2026-11-25T07:46:36.322148Z',
    end_time: '2026-11-25T07:46:36.322399Z',
    status: { status_code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
    resource: RESOURCE,
    ...rest,
  };
}

const printed = (o: Record<string, unknown>, linesep = '\n') => pyDumps(o) + linesep;

function only(text: string): Span {
  const r = parseText(text);
  assert.deepStrictEqual(r.unparsed, []);
  assert.strictEqual(r.spans.length, 1);
  return r.spans[0];
}

describe('Python ConsoleSpanExporter: the printed span', () => {
  it('reads ids, kind, parent, times (µs to ns exactly), status, resource; scope is unknown', () => {
    const dict = pySpan({ kind: 'SpanKind.CLIENT', parent_id: '0xa3ce929d0e0e4736', status: { status_code: 'ERROR', description: 'boom' } });
    const s = only(printed(dict));
    assert.strictEqual(s.traceId, TRACE.slice(2));
    assert.strictEqual(s.spanId, '00f067aa0ba902b7');
    assert.strictEqual(s.parentSpanId, 'a3ce929d0e0e4736');
    assert.strictEqual(s.kind, 'CLIENT');
    assert.strictEqual(s.startTimeUnixNano, 1795592796322148000n);
    assert.strictEqual(s.endTimeUnixNano! - s.startTimeUnixNano, 251000n);
    assert.deepStrictEqual(s.status, { code: 'ERROR', message: 'boom' });
    assert.strictEqual(s.traceState, '');
    assert.strictEqual(s.resource['service.name'], 'svc');
    assert.deepStrictEqual(s.unknown, ['scope']);
    assert.deepStrictEqual(s.origin, { format: 'python-console', line: 0, endLine: pyDumps(dict).split('\n').length - 1 });
  });

  it('a status without description has no message', () => {
    assert.deepStrictEqual(only(printed(pySpan({ status: { status_code: 'OK' } }))).status, { code: 'OK', message: null });
  });

  it('every SpanKind name', () => {
    const kinds = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'].map((k) => only(printed(pySpan({ kind: `SpanKind.${k}` }))).kind);
    assert.deepStrictEqual(kinds, ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
  });

  it('a kind printed as its enum value, and an unknown kind marked lossy', () => {
    assert.strictEqual(only(printed(pySpan({ kind: 'SpanKind.2' }))).kind, 'CLIENT');
    const odd = only(printed(pySpan({ kind: 'SpanKind.WEIRD' })));
    assert.strictEqual(odd.kind, 'INTERNAL');
    assert.deepStrictEqual(odd.lossy?.map((l) => l.path), ['kind']);
  });
});

describe('Python ConsoleSpanExporter: tricky strings and numbers (json.dumps defaults)', () => {
  const attrs = {
    quote: 'say "hi"\nand \'bye\'\t\\',
    unicode: 'café ✓ 🚀',
    html: '<b>&amp;</b>',
    ansi: '\u001b[31mred\u001b[0m',
    nul: 'a\u0000b',
    nan: NaN,
    inf: Infinity,
    ninf: -Infinity,
    'int.max': 9223372036854775807n,
    'int.min': -9223372036854775808n,
    negzero: new PyFloat(-0),
    whole: new PyFloat(2),
    float: 3.14159,
    big: 'x'.repeat(10050),
    list: Array.from({ length: 105 }, (_, i) => i),
    tuple: ['x', 'y'],
    bools: [true, false],
  };
  const text = printed(pySpan({ name: 'tricky "name"\n\u00e9', attributes: attrs, events: [{ name: 'ev', timestamp: '2026-11-25T07:46:36.322200Z', attributes: { big: 12345678901234567890n } }] }));
  const s = only(text);

  it('the text really is what JSON.parse refuses (bare NaN, \\u escapes)', () => {
    assert.throws(() => JSON.parse(text.slice(0, -1)));
    assert.ok(text.includes('"unicode": "caf\\u00e9 \\u2713 \\ud83d\\ude80"'));
  });

  it('strings come back unescaped, names too', () => {
    assert.strictEqual(s.name, 'tricky "name"\né');
    assert.strictEqual(s.attributes.quote, attrs.quote);
    assert.strictEqual(s.attributes.unicode, attrs.unicode);
    assert.strictEqual(s.attributes.html, attrs.html);
    assert.strictEqual(s.attributes.ansi, attrs.ansi);
    assert.strictEqual(s.attributes.nul, attrs.nul);
    assert.strictEqual(s.attributes.big, attrs.big);
  });

  it('NaN, ±Infinity, -0.0 and 64-bit integers are exact', () => {
    assert.ok(Number.isNaN(s.attributes.nan));
    assert.strictEqual(s.attributes.inf, Infinity);
    assert.strictEqual(s.attributes.ninf, -Infinity);
    assert.ok(Object.is(s.attributes.negzero, -0));
    assert.strictEqual(s.attributes['int.max'], 9223372036854775807n);
    assert.strictEqual(s.attributes['int.min'], -9223372036854775808n);
    assert.strictEqual(s.attributes.whole, 2);
    assert.strictEqual(s.attributes.float, 3.14159);
    assert.strictEqual(s.events[0].attributes.big, 12345678901234567890n);
  });

  it('sequences of any length stay arrays', () => {
    assert.deepStrictEqual(s.attributes.list, attrs.list);
    assert.deepStrictEqual(s.attributes.tuple, ['x', 'y']);
    assert.deepStrictEqual(s.attributes.bools, [true, false]);
    assert.strictEqual(s.lossy, undefined);
  });

  it('an integer beyond 2^53 without any NaN is still exact', () => {
    const t = only(printed(pySpan({ attributes: { id: 9007199254740993n, float: new PyFloat(1e16) } })));
    assert.strictEqual(t.attributes.id, 9007199254740993n);
    assert.strictEqual(t.attributes.float, 1e16);
  });
});

describe('Python ConsoleSpanExporter: trace state as str(TraceState)', () => {
  it('converts the Python list form to W3C', () => {
    assert.strictEqual(traceStateFromPython('[]'), '');
    assert.strictEqual(traceStateFromPython("['{key=vendor1, value=abc}', '{key=vendor2, value=xyz}']"), 'vendor1=abc,vendor2=xyz');
    // repr() switches to double quotes for a value holding a single quote.
    assert.strictEqual(traceStateFromPython(`["{key=k, value=it's}", '{key=a@b, value=x y}']`), "k=it's,a@b=x y");
    assert.strictEqual(traceStateFromPython('vendor=abc'), null);
  });

  it('on the span and its links; anything else is kept as printed and marked lossy', () => {
    const s = only(
      printed(
        pySpan({
          trace_state: "['{key=vendor1, value=abc}']",
          links: [
            { context: { trace_id: TRACE, span_id: '0x00f067aa0ba902b8', trace_state: "['{key=vendor1, value=abc}', '{key=vendor2, value=xyz}']" }, attributes: { 'link.index': 3 } },
            { context: { trace_id: TRACE, span_id: '0x00f067aa0ba902b9', trace_state: 'odd' }, attributes: {} },
          ],
        }),
      ),
    );
    assert.strictEqual(s.traceState, 'vendor1=abc');
    assert.deepStrictEqual(
      s.links.map((l) => [l.spanId, l.traceState, l.attributes]),
      [
        ['00f067aa0ba902b8', 'vendor1=abc,vendor2=xyz', { 'link.index': 3 }],
        ['00f067aa0ba902b9', 'odd', {}],
      ],
    );
    assert.deepStrictEqual(s.lossy?.map((l) => l.path), ['links.1.traceState']);
  });
});

describe('Python ConsoleSpanExporter: program output around the spans', () => {
  it('interleaved prints, lone braces, JSON lookalikes and a partial line glued to `{`', () => {
    const lookalike = pyDumps({ name: 'config', values: [1, 2] });
    const text = [
      'starting',
      '{',
      '}',
      '{"name": "not a span", "context": {}}',
      lookalike,
      'progress: ' + printed(pySpan({ name: 'a' })).trimEnd(),
      '}',
      'WARNING:root:something happened',
      printed(pySpan({ name: 'b', span_id: '0x00f067aa0ba902b8' })).trimEnd(),
      'done',
    ].join('\n');
    const r = parseText(text + '\n');
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['a', 'b']);
    assert.deepStrictEqual(
      r.output.map((o) => o.text),
      ['starting', '{', '}', '{"name": "not a span", "context": {}}', ...lookalike.split('\n'), 'progress: ', '}', 'WARNING:root:something happened', 'done'],
    );
    assert.deepStrictEqual(r.unparsed, []);
  });

  it('Windows: \\r\\n inside, \\r\\r\\n after each span', () => {
    const one = (name: string) => pyDumps(pySpan({ name })).replace(/\n/g, '\r\n') + '\r\r\n';
    const r = parseText('hello\r\n' + one('a') + one('b'));
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['a', 'b']);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['hello']);
    assert.strictEqual(r.spans[1].endTimeUnixNano, 1795592796322399000n);
  });

  it('an uncaught exception: the ERROR span and its exception event, traceback kept as output', () => {
    const stack = 'Traceback (most recent call last):\n  File "/app/main.py", line 9, in <module>\n    boom()\nTypeError: boom\n';
    const span = pySpan({
      name: 'crashing',
      status: { status_code: 'ERROR', description: 'TypeError: boom' },
      events: [{ name: 'exception', timestamp: '2026-11-25T07:46:36.322300Z', attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom', 'exception.stacktrace': stack, 'exception.escaped': 'False' } }],
    });
    const r = parseText(printed(span) + stack);
    assert.strictEqual(r.spans.length, 1);
    assert.deepStrictEqual(r.spans[0].status, { code: 'ERROR', message: 'TypeError: boom' });
    assert.strictEqual(r.spans[0].events[0].attributes['exception.stacktrace'], stack);
    assert.strictEqual(r.spans[0].events[0].attributes['exception.escaped'], 'False');
    assert.strictEqual(r.spans[0].events[0].timeUnixNano, 1795592796322300000n);
    assert.deepStrictEqual(r.output.map((o) => o.text), stack.trimEnd().split('\n'));
  });

  it('threads and asyncio: children printed before parents, several traces, parents kept', () => {
    const other = '0x' + 'ab'.repeat(16);
    const text =
      printed(pySpan({ name: 'task-2', span_id: '0x0000000000000002', parent_id: '0x0000000000000001' })) +
      printed(pySpan({ name: 'thread-root', trace_id: other, span_id: '0x0000000000000009' })) +
      printed(pySpan({ name: 'task-1', span_id: '0x0000000000000003', parent_id: '0x0000000000000001' })) +
      printed(pySpan({ name: 'main', span_id: '0x0000000000000001' }));
    const r = parseText(text);
    assert.deepStrictEqual(
      r.spans.map((s) => [s.name, s.parentSpanId, s.traceId.slice(0, 4)]),
      [
        ['task-2', '0000000000000001', '4bf9'],
        ['thread-root', null, 'abab'],
        ['task-1', '0000000000000001', '4bf9'],
        ['main', null, '4bf9'],
      ],
    );
  });

  it('a damaged span is reported, not guessed, and the next one is read', () => {
    const broken = pyDumps(pySpan({ name: 'broken' })).replace('"kind": "SpanKind.INTERNAL",\n', '"kind": "SpanKind.INTERNAL"\n');
    const r = parseText(broken + '\n' + printed(pySpan({ name: 'fine' })));
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['fine']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.strictEqual(r.unparsed[0].format, 'python-console');
    assert.match(r.unparsed[0].reason, /not valid JSON/);
    assert.strictEqual(r.unparsed[0].startLine, 0);
  });

  it('an attribute named __proto__ is an attribute, not a prototype', () => {
    const attrs = JSON.parse('{"__proto__": "x"}') as Record<string, unknown>;
    attrs.nan = NaN;
    const s = only(printed(pySpan({ attributes: attrs })));
    assert.deepStrictEqual(Object.keys(s.attributes), ['__proto__', 'nan']);
    assert.strictEqual(Object.getPrototypeOf(s.attributes), Object.prototype);
  });

  it('an older SDK printing the resource attributes directly', () => {
    const s = only(printed(pySpan({ resource: { 'service.name': 'old-svc', 'telemetry.sdk.version': '1.2.0' } })));
    assert.deepStrictEqual(s.resource, { 'service.name': 'old-svc', 'telemetry.sdk.version': '1.2.0' });
  });
});

describe('Python ConsoleSpanExporter with a custom formatter', () => {
  it('to_json(indent=2) blocks', () => {
    const text = JSON.stringify(pySpan({ name: 'two-space' }), null, 2) + '\n';
    assert.strictEqual(only(text).name, 'two-space');
  });

  it('to_json(indent=None): one span per line, with exact big integers', () => {
    const registry = { blocks: [pythonConsole], jsonLines: [pythonConsoleLines], lines: [] };
    const line = (name: string) => pyDumps(pySpan({ name, attributes: { id: 9223372036854775807n } })).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/\{ /g, '{');
    const r = parseWith(registry, `${line('a')}\nprint\n${line('b')}\n`);
    assert.deepStrictEqual(r.spans.map((s) => [s.name, s.attributes.id]), [
      ['a', 9223372036854775807n],
      ['b', 9223372036854775807n],
    ]);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['print']);
  });
});

describe('Python ConsoleSpanExporter: the resource a process repeats is read once and shared', () => {
  const res = (name: string, more: Record<string, unknown> = {}) => ({ attributes: { ...RESOURCE.attributes, 'service.name': name, ...more }, schema_url: '' });
  /** Each block parsed alone: what the shared reading must equal, span for span. */
  const alone = (blocks: string[]) => blocks.map((text) => ({ ...only(text), origin: undefined }));
  const together = (blocks: string[]) => parseText(blocks.join('')).spans.map((s) => ({ ...s, origin: undefined }));

  it('two processes interleaved, each span keeps its own resource', () => {
    // Resources printed at the same length, so only their text tells them apart.
    const blocks = ['a1', 'a2', 'b1', 'a3', 'b2', 'b3', 'a4'].map((name) => printed(pySpan({ name, resource: res(name[0] === 'a' ? 'alpha' : 'gamma') })));
    const spans = together(blocks);
    assert.deepStrictEqual(spans, alone(blocks));
    assert.deepStrictEqual(spans.map((s) => `${s.name} ${String(s.resource['service.name'])}`), ['a1 alpha', 'a2 alpha', 'b1 gamma', 'a3 alpha', 'b2 gamma', 'b3 gamma', 'a4 alpha']);
  });

  it('a resource that differs in one value, or holds what the model cannot (nested, NaN, 64-bit), is read anew', () => {
    const blocks = [
      printed(pySpan({ name: 'x1', resource: res('svc', { pid: 1 }) })),
      printed(pySpan({ name: 'x2', resource: res('svc', { pid: 1 }) })),
      printed(pySpan({ name: 'x3', resource: res('svc', { pid: 2 }) })),
      printed(pySpan({ name: 'x4', resource: res('svc', { pid: 9223372036854775807n }) })),
      printed(pySpan({ name: 'x5', resource: res('svc', { pid: { nested: 1 } }) })),
      printed(pySpan({ name: 'x6', resource: res('svc', { pid: { nested: 1 } }) })),
      printed(pySpan({ name: 'x7', resource: res('svc', { pid: NaN }) })),
      printed(pySpan({ name: 'x8', resource: res('svc', { pid: 1 }) })),
    ];
    const spans = together(blocks);
    assert.deepStrictEqual(spans, alone(blocks));
    assert.deepStrictEqual(spans.map((s) => s.resource.pid), [1, 1, 2, 9223372036854775807n, '{"nested":1}', '{"nested":1}', NaN, 1]);
    assert.deepStrictEqual(spans.map((s) => (s.lossy ?? []).map((l) => l.path)), [[], [], [], [], ['resource.pid'], ['resource.pid'], [], []]);
  });

  it('64-bit and NaN attributes before a repeated resource stay exact', () => {
    const blocks = [
      printed(pySpan({ name: 'y1' })),
      printed(pySpan({ name: 'y2', attributes: { n: 9007199254740993n } })),
      printed(pySpan({ name: 'y3', attributes: { f: NaN } })),
      printed(pySpan({ name: 'y4', resource: { 'service.name': 'old-svc' } })),
      printed(pySpan({ name: 'y5', resource: { 'service.name': 'old-svc' } })),
    ];
    const spans = together(blocks);
    assert.deepStrictEqual(spans, alone(blocks));
    assert.strictEqual(spans[1].attributes.n, 9007199254740993n);
    assert.ok(Number.isNaN(spans[2].attributes.f));
    assert.deepStrictEqual(spans[4].resource, { 'service.name': 'old-svc' });
  });

  it('events and links of a span after spans without any are its own (and a resource key named "events" is a key)', () => {
    const event = { name: 'ev', timestamp: '2026-11-25T07:46:36.322200Z', attributes: {} };
    const link = { context: { trace_id: TRACE, span_id: '0x00f067aa0ba902b9', trace_state: '[]' }, attributes: {} };
    const odd = res('svc', { events: 'x', links: 'y' });
    const blocks = [
      printed(pySpan({ name: 'e1' })),
      printed(pySpan({ name: 'e2' })),
      printed(pySpan({ name: 'e3', events: [event] })),
      printed(pySpan({ name: 'e4', links: [link] })),
      printed(pySpan({ name: 'e5', events: [event], resource: odd })),
      printed(pySpan({ name: 'e6', events: [event], resource: odd })),
      printed(pySpan({ name: 'e7', resource: odd })),
      printed(pySpan({ name: 'e8', resource: odd })),
      printed(pySpan({ name: 'e9', links: [link], resource: odd })),
    ];
    const spans = together(blocks);
    assert.deepStrictEqual(spans, alone(blocks));
    assert.deepStrictEqual(spans.map((s) => `${s.events.length}${s.links.length}`), ['00', '00', '10', '01', '10', '10', '00', '00', '01']);
  });

  it('a damaged span after a shared one is reported, not read with the shared resource', () => {
    const good = printed(pySpan({ name: 'ok' }));
    const damaged = printed(pySpan({ name: 'bad' })).replace('"kind": ', '"kind" ');
    const r = parseText(good + good + damaged + good);
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['ok', 'ok', 'ok']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.strictEqual(r.unparsed[0].startLine, 2 * (good.split('\n').length - 1));
  });
});

describe('Python ConsoleSpanExporter: ids from a custom formatter', () => {
  it('upper-case hex or 0X reads as the same lower-case id; a wrong length or digit is not a span id', () => {
    const upper = only(printed(pySpan({ trace_id: TRACE.toUpperCase(), span_id: '0x00F067AA0BA902B7', parent_id: '0X00f067aa0ba902b8' })));
    assert.deepStrictEqual([upper.traceId, upper.spanId, upper.parentSpanId], [TRACE.slice(2), '00f067aa0ba902b7', '00f067aa0ba902b8']);
    for (const span_id of ['0x00f067aa0ba902b', '0x00f067aa0ba902bg', '1x00f067aa0ba902b7', '00f067aa0ba902b7ab']) {
      const r = parseText(printed(pySpan({ span_id })));
      assert.deepStrictEqual(r.spans, [], span_id);
    }
  });
});
