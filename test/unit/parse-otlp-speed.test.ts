/**
 * OTLP JSON lines (`{"resourceSpans":[…]}` per line, as OtlpStdoutSpanExporter with
 * wrapperJsonObject=true and the Collector's file exporter write them): the shortcut that
 * JSON-parses a line without the resource it repeats from an earlier line, or only its spans list
 * when scope and closing members repeat too, must give what reading every line on its own gives,
 * also when the repetition almost holds (a value changed inside the resource, another key order, a
 * second ResourceSpans or `resource` member, members after the list, escapes, 64-bit integers,
 * damage after a shared resource).
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import type { ParseResult, Span } from '../../src/core/model';
import { RESOURCE as JAVA_RESOURCE, TRACE, jsonParsed, kv, spanJson } from './otlpSpeedSupport';

const RESOURCE = JSON.stringify(JAVA_RESOURCE);
const SHOP = '{"name":"shop","attributes":[]}';

interface ExportText {
  resource?: string;
  scope?: string;
  /** The spans list's items, as printed. */
  spans: string;
  /** Members after the spans list, inside its ScopeSpans. */
  scopeAfter?: string;
  /** Members after scopeSpans, inside the ResourceSpans (the Collector writes a schemaUrl there). */
  resourceAfter?: string;
  /** Text after the ResourceSpans, inside the list (another ResourceSpans). */
  listAfter?: string;
  /** Members after the list, inside the wrapper. */
  after?: string;
}

/** One wrapper line `{"resourceSpans":[{"resource":…,"scopeSpans":[{"scope":…,"spans":[…]}]}]}`. */
function line(e: ExportText): string {
  return `{"resourceSpans":[{"resource":${e.resource ?? RESOURCE},"scopeSpans":[{"scope":${e.scope ?? SHOP},"spans":[${e.spans}]${e.scopeAfter ?? ''}}]${e.resourceAfter ?? ''}}${e.listAfter ?? ''}]${e.after ?? ''}}`;
}

/** Each line read in a parse of its own, at the same line number: nothing can be shared. */
function eachAlone(lines: string[]): ParseResult[] {
  return lines.map((l, i) => parseText('\n'.repeat(i) + l + '\n'));
}

/** Parse all lines in one text and check spans, damage reports and output equal those of each line read alone. */
function assertSameAsAlone(lines: string[]): Span[] {
  const r = parseText(lines.join('\n') + '\n');
  const alone = eachAlone(lines);
  assert.deepStrictEqual(r.spans, alone.flatMap((a) => a.spans));
  assert.deepStrictEqual(r.unparsed, alone.flatMap((a) => a.unparsed));
  // The blank lines that put a line alone at its number are output of that parse only.
  assert.deepStrictEqual(r.output, alone.flatMap((a, i) => a.output.filter((o) => o.line === i)));
  return r.spans;
}


const ids = (n: number, prefix = 'a') => Array.from({ length: n }, (_, i) => `00000000000000${prefix}${i}`);

describe('OTLP JSON lines: a resource repeated from an earlier line', () => {
  it('is JSON-parsed once: the next line without it, later ones only their spans list; one frozen map and scope', () => {
    const lines = ids(4).map((id) => line({ spans: spanJson(id) }));
    let spans: Span[] = [];
    const parsed = jsonParsed(() => (spans = parseText(lines.join('\n') + '\n').spans));
    assert.deepStrictEqual(spans, eachAlone(lines).flatMap((a) => a.spans));
    const parsedWith = (id: string) => parsed.filter((t) => t.includes(id)).map((t) => [t.includes('checkout-svc'), t.includes('"scope"')]);
    assert.deepStrictEqual(
      ids(4).map((id) => parsedWith(`"${id}"`)),
      [[[true, true]], [[false, true]], [[false, false]], [[false, false]]],
    );
    assert.deepStrictEqual(spans[2].resource, { 'service.name': 'checkout-svc', 'telemetry.sdk.language': 'java', 'telemetry.sdk.version': '1.66.0' });
    assert.deepStrictEqual(spans[3].origin, { format: 'otlp-json', line: 3, endLine: 3 });
    assert.strictEqual(spans[1].resource, spans[0].resource);
    assert.strictEqual(spans[3].resource, spans[0].resource);
    assert.strictEqual(spans[3].scope, spans[2].scope);
    assert.ok(Object.isFrozen(spans[3].resource));
    assert.ok(Object.isFrozen(spans[3].scope));
    assert.throws(() => {
      'use strict';
      spans[3].resource['service.name'] = 'changed';
    });
  });

  it('one value changed inside the resource (same length too), or its keys in another order, is a different resource', () => {
    const sameLength = RESOURCE.replace('1.66.0', '1.66.1');
    const reordered = RESOURCE.replace('"key":"service.name","value":{"stringValue":"checkout-svc"}', '"value":{"stringValue":"checkout-svc"},"key":"service.name"');
    const spans = assertSameAsAlone([RESOURCE, RESOURCE, sameLength, reordered, RESOURCE, RESOURCE].map((resource, i) => line({ resource, spans: spanJson(`00000000000000a${i}`) })));
    assert.deepStrictEqual(
      spans.map((s) => s.resource['telemetry.sdk.version']),
      ['1.66.0', '1.66.0', '1.66.1', '1.66.0', '1.66.0', '1.66.0'],
    );
    assert.notStrictEqual(spans[2].resource, spans[0].resource);
  });

  it('processes interleaving their lines each keep their own resource', () => {
    const other = RESOURCE.replace('checkout-svc', 'payment-svc');
    const spans = assertSameAsAlone(['a', 'b', 'a', 'b', 'a', 'b'].map((p, i) => line({ resource: p === 'a' ? RESOURCE : other, spans: spanJson(`00000000000000${p}${i}`) })));
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['checkout-svc', 'payment-svc', 'checkout-svc', 'payment-svc', 'checkout-svc', 'payment-svc'],
    );
    assert.strictEqual(spans[4].resource, spans[0].resource);
  });

  it('a second ResourceSpans in the list, or members after the list, read as the whole line reads', () => {
    const second = `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"second"}}]},"scopeSpans":[{"scope":{"name":"db"},"spans":[${spanJson('00000000000000b1')}]}]}`;
    const lines = [
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2') }),
      line({ spans: spanJson('00000000000000a3'), listAfter: `,${second}` }),
      line({ spans: spanJson('00000000000000a4') }),
      line({ spans: spanJson('00000000000000a5'), after: ',"x":[]' }),
      line({ spans: spanJson('00000000000000a6'), after: `,"resourceSpans":[${second}]` }),
      line({ spans: spanJson('00000000000000a7'), after: `,"\\u0072esourceSpans":[]` }),
      line({ spans: spanJson('00000000000000a8') }),
    ];
    const spans = assertSameAsAlone(lines);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.resource['service.name'], s.scope.name]),
      [
        ['a1', 'checkout-svc', 'shop'],
        ['a2', 'checkout-svc', 'shop'],
        ['a3', 'checkout-svc', 'shop'],
        ['b1', 'second', 'db'],
        ['a4', 'checkout-svc', 'shop'],
        ['a5', 'checkout-svc', 'shop'],
        ['b1', 'second', 'db'],
        ['a8', 'checkout-svc', 'shop'],
      ],
    );
  });

  it('several ResourceSpans in a line: the first shares the remembered resource, the others are read as printed', () => {
    const rs = (resource: string, spans: string) => `{"resource":${resource},"scopeSpans":[{"scope":{"name":"db"},"spans":[${spans}]}]}`;
    const other = RESOURCE.replace('checkout-svc', 'other-svc');
    const big = RESOURCE.replace(']}', ',{"key":"pid","value":{"intValue":9223372036854775807}}]}');
    const withMap = JSON.stringify({ attributes: [kv('labels', { kvlistValue: { values: [kv('team', { stringValue: 'cart' })] } })] });
    const lines = [
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2'), listAfter: `,${rs(other, spanJson('00000000000000b2'))}` }),
      line({ spans: spanJson('00000000000000a3'), listAfter: `,${rs(RESOURCE, spanJson('00000000000000b3'))},${rs(other, spanJson('00000000000000c3'))}` }),
      line({ spans: spanJson('00000000000000a4'), listAfter: `,${rs(big, spanJson('00000000000000b4'))}` }),
      line({ spans: spanJson('00000000000000a5'), listAfter: `,${rs(withMap, spanJson('00000000000000b5'))},42,null` }),
      line({ spans: spanJson('00000000000000a6'), resourceAfter: `,"resource":${other}`, listAfter: `,${rs(other, spanJson('00000000000000b6'))}` }),
      line({ spans: spanJson('00000000000000a7'), listAfter: ',{"scopeSpans":[]},{"resource":{}}' }),
      `{"resourceSpans":[{"resource":${RESOURCE},}]}`,
      `{"resourceSpans":[{"resource":${RESOURCE},"x":1},{}]}`,
      line({ spans: spanJson('00000000000000a8') }),
    ];
    const spans = assertSameAsAlone(lines);
    const parsed = jsonParsed(() => parseText(lines.join('\n') + '\n'));
    // The first ResourceSpans's resource is not parsed again; the second's is.
    assert.deepStrictEqual(
      parsed.filter((t) => t.includes('00000000000000b2')).map((t) => [t.includes('checkout-svc'), t.includes('other-svc')]),
      [[false, true]],
    );
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.resource['service.name'] ?? null, s.scope.name]),
      [
        ['a1', 'checkout-svc', 'shop'],
        ['a2', 'checkout-svc', 'shop'],
        ['b2', 'other-svc', 'db'],
        ['a3', 'checkout-svc', 'shop'],
        ['b3', 'checkout-svc', 'db'],
        ['c3', 'other-svc', 'db'],
        ['a4', 'checkout-svc', 'shop'],
        ['b4', 'checkout-svc', 'db'],
        ['a5', 'checkout-svc', 'shop'],
        ['b5', null, 'db'],
        ['a6', 'other-svc', 'shop'],
        ['b6', 'other-svc', 'db'],
        ['a7', 'checkout-svc', 'shop'],
        ['a8', 'checkout-svc', 'shop'],
      ],
    );
    assert.strictEqual(spans[7].resource.pid, 9223372036854775807n);
    assert.deepStrictEqual(spans[9].lossy?.map((l) => l.path), ['resource.labels']);
    assert.strictEqual(spans[3].resource, spans[0].resource);
  });

  it('a second resource member after the spans wins, as JSON.parse has it, also when spelled with escapes', () => {
    const second = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'second' })] });
    const spans = assertSameAsAlone([
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2'), resourceAfter: `,"resource":${second}` }),
      line({ spans: spanJson('00000000000000a3'), resourceAfter: `,"\\u0072esource":${second}` }),
      line({ spans: spanJson('00000000000000a4'), resourceAfter: ',"resource":null' }),
      line({ spans: spanJson('00000000000000a5') }),
    ]);
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['checkout-svc', 'second', 'second', undefined, 'checkout-svc'],
    );
  });

  it('escaped text in the resource, a resource spelled with escapes, a resource member named scopeSpans', () => {
    const tricky = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'say "hi",\\"scopeSpans\\":[ ]} <b>\u00e9\u{1F680}\n\u0000' })] });
    const escaped = RESOURCE.replace('checkout', '\\u0063heckout');
    const nested = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'nested' })], scopeSpans: [] });
    const spans = assertSameAsAlone([tricky, tricky, tricky, escaped, RESOURCE, escaped, nested, nested, nested].map((resource, i) => line({ resource, spans: spanJson(`00000000000000c${i}`) })));
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['say "hi",\\"scopeSpans\\":[ ]} <b>\u00e9\u{1F680}\n\u0000', 'say "hi",\\"scopeSpans\\":[ ]} <b>\u00e9\u{1F680}\n\u0000', 'say "hi",\\"scopeSpans\\":[ ]} <b>\u00e9\u{1F680}\n\u0000', 'checkout-svc', 'checkout-svc', 'checkout-svc', 'nested', 'nested', 'nested'],
    );
  });

  it('64-bit integers and NaN/Infinity: in the resource and in spans after a shared resource, read exactly', () => {
    const big = RESOURCE.replace(']}', ',{"key":"pid","value":{"intValue":9223372036854775807}}]}');
    const spans = assertSameAsAlone([
      line({ resource: big, spans: spanJson('00000000000000d1') }),
      line({ resource: big, spans: spanJson('00000000000000d2') }),
      line({ spans: spanJson('00000000000000d3') }),
      line({ spans: spanJson('00000000000000d4', ',{"key":"big","value":{"intValue":9007199254740993}}') }),
      line({ spans: spanJson('00000000000000d5') }),
      line({ spans: spanJson('00000000000000d6', ',{"key":"big","value":{"intValue":9223372036854775807}}') }),
      line({ spans: spanJson('00000000000000d7', ',{"key":"nan","value":{"doubleValue":NaN}}') }),
      line({ spans: spanJson('00000000000000d8', ',{"key":"inf","value":{"doubleValue":-Infinity}}') }),
      line({ spans: spanJson('00000000000000d9').replace('"1795593372844301734"', '1795593372844301734') }),
    ]);
    assert.deepStrictEqual(
      spans.map((s) => s.resource.pid),
      [9223372036854775807n, 9223372036854775807n, undefined, undefined, undefined, undefined, undefined, undefined, undefined],
    );
    assert.strictEqual(spans[3].attributes.big, 9007199254740993n);
    assert.strictEqual(spans[5].attributes.big, 9223372036854775807n);
    assert.ok(Number.isNaN(spans[6].attributes.nan));
    assert.strictEqual(spans[7].attributes.inf, -Infinity);
    assert.strictEqual(spans[8].endTimeUnixNano, 1795593372844301734n);
    assert.strictEqual(spans[5].resource, spans[2].resource);
  });

  it('a resource the model cannot hold exactly keeps its lossy mark on the spans of every line', () => {
    const withMap = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'checkout-svc' }), kv('labels', { kvlistValue: { values: [kv('team', { stringValue: 'cart' })] } })] });
    const spans = assertSameAsAlone(ids(3, 'f').map((id) => line({ resource: withMap, spans: spanJson(id) })));
    assert.deepStrictEqual(
      spans.map((s) => [s.resource.labels, s.lossy?.map((l) => l.path)]),
      [
        ['{"team":"cart"}', ['resource.labels']],
        ['{"team":"cart"}', ['resource.labels']],
        ['{"team":"cart"}', ['resource.labels']],
      ],
    );
  });
});

describe('OTLP JSON lines: the scope and what follows the spans, repeated', () => {
  it('a changed scope, a schemaUrl (the Collector writes one after scopeSpans), two scopes: each read as printed', () => {
    const url = (v: string) => `,"schemaUrl":"https://opentelemetry.io/schemas/${v}"`;
    const lines = [
      line({ spans: spanJson('00000000000000e1'), resourceAfter: url('1.24.0') }),
      line({ spans: spanJson('00000000000000e2'), resourceAfter: url('1.24.0') }),
      line({ spans: spanJson('00000000000000e3'), resourceAfter: url('1.24.0') }),
      line({ spans: spanJson('00000000000000e4'), resourceAfter: url('1.25.0') }),
      line({ spans: spanJson('00000000000000e5'), scopeAfter: url('1.26.0') }),
      line({ spans: spanJson('00000000000000e6'), scopeAfter: url('1.26.0') }),
      line({ spans: spanJson('00000000000000e7'), scopeAfter: url('1.27.0') }),
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2') }),
      line({ scope: '{"name":"shop","version":"2.0","attributes":[]}', spans: spanJson('00000000000000a3') }),
      line({ scope: '{"name":"shoq","attributes":[]}', spans: spanJson('00000000000000a4') }),
      line({ spans: `${spanJson('00000000000000a5')},${spanJson('00000000000000a6')}`, scopeAfter: `},{"scope":{"name":"db"},"spans":[${spanJson('00000000000000a7')}]` }),
      line({ spans: '' }),
      line({ spans: spanJson('00000000000000a8') }),
    ];
    const spans = assertSameAsAlone(lines);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name, s.scope.version, s.scope.schemaUrl]),
      [
        ['e1', 'shop', null, null],
        ['e2', 'shop', null, null],
        ['e3', 'shop', null, null],
        ['e4', 'shop', null, null],
        ['e5', 'shop', null, 'https://opentelemetry.io/schemas/1.26.0'],
        ['e6', 'shop', null, 'https://opentelemetry.io/schemas/1.26.0'],
        ['e7', 'shop', null, 'https://opentelemetry.io/schemas/1.27.0'],
        ['a1', 'shop', null, null],
        ['a2', 'shop', null, null],
        ['a3', 'shop', '2.0', null],
        ['a4', 'shoq', null, null],
        ['a5', 'shop', null, null],
        ['a6', 'shop', null, null],
        ['a7', 'db', null, null],
        ['a8', 'shop', null, null],
      ],
    );
  });

  it('lines of two scopes after remembered one-scope lines: after the first, JSON-parsed once each (without their resource), not tried as a frame', () => {
    const twoScopes = (a: string, b: string) => line({ spans: spanJson(a), scopeAfter: `},{"scope":{"name":"db"},"spans":[${spanJson(b)}]` });
    const lines = [...ids(3).map((id) => line({ spans: spanJson(id) })), twoScopes('00000000000000b1', '00000000000000b2'), line({ spans: spanJson('00000000000000a4') }), twoScopes('00000000000000c1', '00000000000000c2'), twoScopes('00000000000000d1', '00000000000000d2')];
    let spans: Span[] = [];
    const parsed = jsonParsed(() => (spans = parseText(lines.join('\n') + '\n').spans));
    assert.deepStrictEqual(spans, eachAlone(lines).flatMap((a) => a.spans));
    // What each JSON.parse was given: the whole line, the line without its resource, or a spans list.
    const what = (t: string) => (t.includes('checkout-svc') ? 'whole' : t.startsWith('[{"scopeSpans"') ? 'without resource' : t.startsWith('[{"traceId"') ? 'spans list' : t);
    assert.deepStrictEqual(
      ['b1', 'a4', 'c1', 'd1'].map((id) => parsed.filter((t) => t.includes(`"00000000000000${id}"`)).map(what)),
      [['spans list', 'without resource'], ['spans list'], ['without resource'], ['without resource']],
    );
    assert.deepStrictEqual(spans.map((s) => s.scope.name), ['shop', 'shop', 'shop', 'shop', 'db', 'shop', 'shop', 'db', 'shop', 'db']);
  });

  it('a second spans or scope member after the spans wins, as JSON.parse has it', () => {
    const spans = assertSameAsAlone([
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2') }),
      line({ spans: spanJson('00000000000000a3'), scopeAfter: `,"spans":[${spanJson('00000000000000b3')}]` }),
      line({ spans: spanJson('00000000000000a4'), scopeAfter: ',"scope":{"name":"other"},"x":[]' }),
      line({ spans: spanJson('00000000000000a5'), scopeAfter: ',"\\u0073pans":[]' }),
      line({ spans: spanJson('00000000000000a6'), resourceAfter: ',"scopeSpans":[]' }),
      line({ spans: spanJson('00000000000000a7') }),
    ]);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name]),
      [
        ['a1', 'shop'],
        ['a2', 'shop'],
        ['b3', 'shop'],
        ['a4', 'other'],
        ['a7', 'shop'],
      ],
    );
  });

  it('a scope spelled with escapes, span text holding the frame, 64-bit values and non-span items in the list', () => {
    const spans = assertSameAsAlone([
      line({ spans: spanJson('00000000000000a1') }),
      line({ spans: spanJson('00000000000000a2') }),
      line({ scope: '{"name":"sh\\u006fp","attributes":[]}', spans: spanJson('00000000000000a3') }),
      line({ spans: spanJson('00000000000000a4').replace('"name":"s-00000000000000a4"', '"name":"]}]}]} \\"spans\\":[ \\u00e9 <b>"') }),
      line({ spans: spanJson('00000000000000a5', ',{"key":"big","value":{"intValue":9223372036854775807}}') }),
      line({ spans: `${spanJson('00000000000000a6')},42,null,"x"` }),
      line({ spans: spanJson('00000000000000a7'.replace('a7', 'g7')) }),
      line({ spans: spanJson('00000000000000a9').replace('"flags"', '"x\\"spans":[],"flags"') }),
      line({ spans: spanJson('00000000000000a8') }),
    ]);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name]),
      [
        ['a1', 'shop'],
        ['a2', 'shop'],
        ['a3', 'shop'],
        ['a4', 'shop'],
        ['a5', 'shop'],
        ['a6', 'shop'],
        ['a9', 'shop'],
        ['a8', 'shop'],
      ],
    );
    assert.strictEqual(spans[3].name, ']}]}]} "spans":[ \u00e9 <b>');
    assert.strictEqual(spans[4].attributes.big, 9223372036854775807n);
  });
});

describe('OTLP JSON lines: damage and program output around shared lines', () => {
  it('a line cut off after a shared resource is reported, the lines around it are read', () => {
    const whole = (id: string) => line({ spans: spanJson(id) });
    const lines = [whole('00000000000000e1'), whole('00000000000000e2'), whole('00000000000000e3').slice(0, RESOURCE.length + 120), whole('00000000000000e4'), whole('00000000000000e5').slice(0, -3) + '}', whole('00000000000000e6')];
    // The list and wrapper never closed, though what follows the resource is one whole object.
    lines.push(whole('00000000000000e7').slice(0, -2) + ' }', whole('00000000000000e8'));
    const r = parseText(lines.join('\n') + '\n');
    assert.deepStrictEqual(r.spans.map((s) => s.spanId.slice(-2)), ['e1', 'e2', 'e4', 'e6', 'e8']);
    assert.deepStrictEqual(r.unparsed.map((u) => u.startLine), [4, 6]);
    // The line cut before its last `}` is not JSON-shaped: it stays the program's output.
    assert.deepStrictEqual(r.output.map((o) => o.line), [2]);
    assertSameAsAlone(lines);
  });

  it('program text printed around the lines stays output at its lines, with LF or CRLF line ends', () => {
    const lines = [
      line({ spans: spanJson('00000000000000a1') }),
      'starting checkout {"resourceSpans":[',
      line({ spans: spanJson('00000000000000a2') }) + '  ',
      `  ${line({ spans: spanJson('00000000000000a3') })}`,
      '{',
      '}',
      line({ spans: spanJson('00000000000000a4') }).replace(/\n/g, ''),
      '{"resourceSpans":[{"resource":' + RESOURCE + ',"scopeSpans":"lookalike"}]}',
      line({ spans: spanJson('00000000000000a5') }),
    ];
    const spans = assertSameAsAlone(lines);
    assert.deepStrictEqual(spans.map((s) => [s.spanId.slice(-2), s.origin?.line]), [
      ['a1', 0],
      ['a2', 2],
      ['a3', 3],
      ['a4', 6],
      ['a5', 8],
    ]);
    const r = parseText(lines.join('\r\n') + '\r\n');
    assert.deepStrictEqual(r.spans, spans);
    assert.deepStrictEqual(r.output.map((o) => [o.line, o.text]), [
      [1, 'starting checkout {"resourceSpans":['],
      [4, '{'],
      [5, '}'],
    ]);
  });

  it('a resource logged by Java OtlpJsonLogging inside a wrapper is shared the same way', () => {
    const header = 'Nov 25, 2026 7:56:12 AM io.opentelemetry.exporter.logging.otlp.internal.writer.LoggerJsonWriter write';
    const lines = [...ids(3).map((id) => line({ spans: spanJson(id) })), line({ resource: RESOURCE.replace('java', 'jvm'), spans: spanJson('00000000000000b1') }), line({ spans: spanJson('00000000000000b2'), listAfter: ',{"resource":{},"scopeSpans":[]}' })];
    const jul = (ls: string[]) => ls.map((l) => `${header}\nINFO: ${l}\n`).join('');
    const r = parseText(jul(lines));
    assert.deepStrictEqual(r.spans, lines.flatMap((l, i) => parseText('\n'.repeat(2 * i) + jul([l])).spans));
    assert.deepStrictEqual(r.spans.map((s) => [s.spanId.slice(-2), s.origin?.format, s.resource['telemetry.sdk.language']]), [
      ['a0', 'java-otlp-json', 'java'],
      ['a1', 'java-otlp-json', 'java'],
      ['a2', 'java-otlp-json', 'java'],
      ['b1', 'java-otlp-json', 'jvm'],
      ['b2', 'java-otlp-json', 'java'],
    ]);
    assert.strictEqual(r.spans[2].resource, r.spans[0].resource);
  });
});
