/**
 * Java OtlpJsonLoggingSpanExporter: the fast path that JSON-parses an export without the resource
 * it repeats from an earlier export must give what reading every export on its own gives, also
 * when the repetition almost holds (a value changed inside the resource, another key order, a
 * second `resource` member, escapes, 64-bit integers, damage after a shared resource).
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import type { Span } from '../../src/core/model';
import { RESOURCE, TRACE, jsonParsed, kv, spanJson } from './otlpSpeedSupport';

const JUL_HEADER = 'Nov 25, 2026 7:56:12 AM io.opentelemetry.exporter.logging.otlp.internal.writer.LoggerJsonWriter write';


/** One logged ResourceSpans: `{"resource":…,"scopeSpans":[…]}` with `resourceText` as printed. */
function exportJson(resourceText: string, spanId: string, opts: { extra?: string; after?: string } = {}): string {
  return `{"resource":${resourceText},"scopeSpans":[{"scope":{"name":"shop","attributes":[]},"spans":[${spanJson(spanId, opts.extra)}]}]${opts.after ?? ''}}`;
}

/** The two JUL lines of each export, in order. */
function julText(exports: string[]): string {
  return exports.map((e) => `${JUL_HEADER}\nINFO: ${e}\n`).join('');
}

/** Each export read in a parse of its own, at the same lines: nothing can be shared. */
function eachAlone(exports: string[]): Span[] {
  return exports.flatMap((e, i) => parseText('\n'.repeat(2 * i) + julText([e])).spans);
}

/** Parse all exports in one text and check spans and damage reports equal those of each export read alone. */
function assertSameAsAlone(exports: string[]): Span[] {
  const r = parseText(julText(exports));
  assert.deepStrictEqual(r.output, []);
  assert.deepStrictEqual(r.spans, eachAlone(exports));
  assert.deepStrictEqual(
    r.unparsed,
    exports.flatMap((e, i) => parseText('\n'.repeat(2 * i) + julText([e])).unparsed),
  );
  return r.spans;
}


describe('Java OtlpJsonLogging: a resource repeated from an earlier export', () => {
  const resource = JSON.stringify(RESOURCE);

  it('is JSON-parsed once: the next export without it, later ones only their spans list; one frozen map', () => {
    const exports = ['00000000000000a1', '00000000000000a2', '00000000000000a3', '00000000000000a4'].map((id) => exportJson(resource, id));
    let spans: Span[] = [];
    const parsed = jsonParsed(() => (spans = parseText(julText(exports)).spans));
    assert.deepStrictEqual(spans, eachAlone(exports));
    const parsedWith = (id: string) => parsed.filter((t) => t.includes(id)).map((t) => [t.includes('checkout-svc'), t.includes('"scope"')]);
    assert.deepStrictEqual(
      ['a1', 'a2', 'a3', 'a4'].map((id) => parsedWith(`"00000000000000${id}"`)),
      [[[true, true]], [[false, true]], [[false, false]], [[false, false]]],
    );
    assert.deepStrictEqual(spans[2].resource, { 'service.name': 'checkout-svc', 'telemetry.sdk.language': 'java', 'telemetry.sdk.version': '1.66.0' });
    assert.strictEqual(spans[1].resource, spans[0].resource);
    assert.strictEqual(spans[3].resource, spans[0].resource);
    assert.strictEqual(spans[3].scope, spans[2].scope);
    assert.ok(Object.isFrozen(spans[3].resource));
    assert.ok(Object.isFrozen(spans[3].scope));
  });

  it('one value changed inside the resource, or its keys in another order, is a different resource', () => {
    const changed = resource.replace('1.66.0', '1.66.1');
    const reordered = JSON.stringify({ attributes: [RESOURCE.attributes[1], RESOURCE.attributes[0], RESOURCE.attributes[2]] });
    const spans = assertSameAsAlone([exportJson(resource, '00000000000000a1'), exportJson(changed, '00000000000000a2'), exportJson(reordered, '00000000000000a3'), exportJson(resource, '00000000000000a4')]);
    assert.deepStrictEqual(
      spans.map((s) => s.resource['telemetry.sdk.version']),
      ['1.66.0', '1.66.1', '1.66.0', '1.66.0'],
    );
    assert.deepStrictEqual(Object.keys(spans[2].resource), ['telemetry.sdk.language', 'service.name', 'telemetry.sdk.version']);
    assert.notStrictEqual(spans[1].resource, spans[0].resource);
  });

  it('processes interleaving their exports each keep their own resource', () => {
    const other = resource.replace('checkout-svc', 'payment-svc');
    const spans = assertSameAsAlone(['a1', 'b1', 'a2', 'b2', 'a3'].map((id, i) => exportJson(id[0] === 'a' ? resource : other, `00000000000000${i}f`)));
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['checkout-svc', 'payment-svc', 'checkout-svc', 'payment-svc', 'checkout-svc'],
    );
    assert.strictEqual(spans[4].resource, spans[0].resource);
  });

  it('a second resource member after the spans wins, as JSON.parse has it, also when spelled with escapes', () => {
    const second = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'second' })] });
    const spans = assertSameAsAlone([
      exportJson(resource, '00000000000000a1'),
      exportJson(resource, '00000000000000a2', { after: `,"resource":${second}` }),
      exportJson(resource, '00000000000000a3', { after: `,"\\u0072esource":${second}` }),
      exportJson(resource, '00000000000000a4', { after: ',"resource":null' }),
      exportJson(resource, '00000000000000a5'),
    ]);
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['checkout-svc', 'second', 'second', undefined, 'checkout-svc'],
    );
  });

  it('a resourceSpans list after the resource makes it a whole export whose resource is unused', () => {
    const list = JSON.stringify([{ resource: { attributes: [kv('service.name', { stringValue: 'listed' })] }, scopeSpans: [{ scope: { name: 'l' }, spans: [JSON.parse(spanJson('00000000000000b1'))] }] }]);
    const spans = assertSameAsAlone([exportJson(resource, '00000000000000a1'), exportJson(resource, '00000000000000a2', { after: `,"resourceSpans":${list}` })]);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId, s.resource['service.name'], s.scope.name]),
      [
        ['00000000000000a1', 'checkout-svc', 'shop'],
        ['00000000000000b1', 'listed', 'l'],
      ],
    );
  });

  it('escaped text, a resource spelled with escapes, and a resource member named scopeSpans', () => {
    const tricky = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'say "hi",\\"scopeSpans\\":[ <b>\u00e9\u{1F680}\n' })] });
    const escaped = resource.replace('checkout', '\\u0063heckout');
    const nested = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'nested' })], scopeSpans: [] });
    const exports = [tricky, tricky, escaped, resource, escaped, nested, nested].map((r, i) => exportJson(r, `00000000000000c${i}`));
    const spans = assertSameAsAlone(exports);
    assert.deepStrictEqual(
      spans.map((s) => s.resource['service.name']),
      ['say "hi",\\"scopeSpans\\":[ <b>\u00e9\u{1F680}\n', 'say "hi",\\"scopeSpans\\":[ <b>\u00e9\u{1F680}\n', 'checkout-svc', 'checkout-svc', 'checkout-svc', 'nested', 'nested'],
    );
  });

  it('64-bit integers: in the resource and in a span after a shared resource, read exactly', () => {
    const big = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'checkout-svc' })] }).replace(']}', ',{"key":"pid","value":{"intValue":9223372036854775807}}]}');
    const exports = [
      exportJson(big, '00000000000000d1'),
      exportJson(big, '00000000000000d2'),
      exportJson(resource, '00000000000000d3'),
      exportJson(resource, '00000000000000d4', { extra: ',{"key":"big","value":{"intValue":9007199254740993}}' }),
      exportJson(resource, '00000000000000d5', { extra: ',{"key":"nan","value":{"doubleValue":NaN}}' }),
    ];
    const spans = assertSameAsAlone(exports);
    assert.deepStrictEqual(
      spans.map((s) => s.resource.pid),
      [9223372036854775807n, 9223372036854775807n, undefined, undefined, undefined],
    );
    assert.strictEqual(spans[3].attributes.big, 9007199254740993n);
    assert.ok(Number.isNaN(spans[4].attributes.nan));
    assert.strictEqual(spans[4].resource, spans[2].resource);
  });

  it('a resource the model cannot hold exactly keeps its lossy mark on the spans of every export', () => {
    const withMap = JSON.stringify({ attributes: [kv('service.name', { stringValue: 'checkout-svc' }), kv('labels', { kvlistValue: { values: [kv('team', { stringValue: 'cart' })] } })] });
    const spans = assertSameAsAlone([exportJson(withMap, '00000000000000f1'), exportJson(withMap, '00000000000000f2')]);
    assert.deepStrictEqual(
      spans.map((s) => [s.resource.labels, s.lossy?.map((l) => l.path)]),
      [
        ['{"team":"cart"}', ['resource.labels']],
        ['{"team":"cart"}', ['resource.labels']],
      ],
    );
  });

  it('an export cut off after a shared resource is reported, and the next one is read', () => {
    const whole = exportJson(resource, '00000000000000e1');
    const cut = exportJson(resource, '00000000000000e2').slice(0, resource.length + 60);
    const r = parseText(julText([whole, cut, exportJson(resource, '00000000000000e3')]));
    assert.deepStrictEqual(r.spans.map((s) => s.spanId), ['00000000000000e1', '00000000000000e3']);
    assert.deepStrictEqual(r.unparsed.map((u) => [u.startLine, u.endLine]), [[2, 3]]);
    assert.deepStrictEqual(r.output, []);
  });
});

describe('Java OtlpJsonLogging: the scope and what follows the spans, repeated', () => {
  const resource = JSON.stringify(RESOURCE);
  const scoped = (scope: string, spans: string, after = '') => `{"resource":${resource},"scopeSpans":[{"scope":${scope},"spans":[${spans}]${after}}]}`;
  const SHOP = '{"name":"shop","attributes":[]}';

  it('a changed scope, a schemaUrl after the spans, two scopes in one export: each read as printed', () => {
    const exports = [
      scoped(SHOP, spanJson('00000000000000e1'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.24.0"'),
      scoped(SHOP, spanJson('00000000000000e2'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.24.0"'),
      scoped(SHOP, spanJson('00000000000000e3'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.25.0"'),
      scoped(SHOP, spanJson('00000000000000a1')),
      scoped(SHOP, spanJson('00000000000000a2')),
      scoped(SHOP, spanJson('00000000000000a3')),
      scoped('{"name":"shop","version":"2.0","attributes":[]}', spanJson('00000000000000a4')),
      scoped('{"name":"shoq","attributes":[]}', spanJson('00000000000000c4')),
      scoped(SHOP, spanJson('00000000000000a5'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.24.0"'),
      scoped(SHOP, spanJson('00000000000000a6'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.24.0"'),
      scoped(SHOP, spanJson('00000000000000c6'), ',"schemaUrl":"https://opentelemetry.io/schemas/1.25.0"'),
      scoped(SHOP, `${spanJson('00000000000000a7')},${spanJson('00000000000000a8')}`, `},{"scope":{"name":"db"},"spans":[${spanJson('00000000000000a9')}]`),
      scoped(SHOP, spanJson('00000000000000b1')),
      scoped(SHOP, ''),
      scoped(SHOP, spanJson('00000000000000b2')),
    ];
    const spans = assertSameAsAlone(exports);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name, s.scope.version, s.scope.schemaUrl]),
      [
        ['e1', 'shop', null, 'https://opentelemetry.io/schemas/1.24.0'],
        ['e2', 'shop', null, 'https://opentelemetry.io/schemas/1.24.0'],
        ['e3', 'shop', null, 'https://opentelemetry.io/schemas/1.25.0'],
        ['a1', 'shop', null, null],
        ['a2', 'shop', null, null],
        ['a3', 'shop', null, null],
        ['a4', 'shop', '2.0', null],
        ['c4', 'shoq', null, null],
        ['a5', 'shop', null, 'https://opentelemetry.io/schemas/1.24.0'],
        ['a6', 'shop', null, 'https://opentelemetry.io/schemas/1.24.0'],
        ['c6', 'shop', null, 'https://opentelemetry.io/schemas/1.25.0'],
        ['a7', 'shop', null, null],
        ['a8', 'shop', null, null],
        ['a9', 'db', null, null],
        ['b1', 'shop', null, null],
        ['b2', 'shop', null, null],
      ],
    );
  });

  it('a second spans or scope member after the spans wins, as JSON.parse has it', () => {
    const exports = [
      scoped(SHOP, spanJson('00000000000000a1')),
      scoped(SHOP, spanJson('00000000000000a2')),
      scoped(SHOP, spanJson('00000000000000a3'), `,"spans":[${spanJson('00000000000000b3')}]`),
      scoped(SHOP, spanJson('00000000000000a4'), ',"scope":{"name":"other"},"x":[]'),
      scoped(SHOP, spanJson('00000000000000a5'), `,"\\u0073pans":[]`),
      scoped(SHOP, spanJson('00000000000000a6')),
    ];
    const spans = assertSameAsAlone(exports);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name]),
      [
        ['a1', 'shop'],
        ['a2', 'shop'],
        ['b3', 'shop'],
        ['a4', 'other'],
        ['a6', 'shop'],
      ],
    );
  });

  it('a scope spelled with escapes, span text holding the frame, 64-bit values and damage in the list', () => {
    const exports = [
      scoped(SHOP, spanJson('00000000000000a1')),
      scoped(SHOP, spanJson('00000000000000a2')),
      scoped('{"name":"sh\\u006fp","attributes":[]}', spanJson('00000000000000a3')),
      scoped(SHOP, spanJson('00000000000000a4').replace('"name":"s-00000000000000a4"', '"name":"]}]} \\"spans\\":[ \\u00e9 <b>"')),
      scoped(SHOP, spanJson('00000000000000a5', ',{"key":"big","value":{"intValue":9223372036854775807}}')),
      scoped(SHOP, spanJson('00000000000000a6', ',{"key":"inf","value":{"doubleValue":Infinity}}')),
      scoped(SHOP, `${spanJson('00000000000000a7')},42,null`),
    ];
    const spans = assertSameAsAlone(exports);
    assert.deepStrictEqual(parseText(julText(exports)).unparsed.map((u) => [u.startLine, u.reason]), [[12, '2 spans without a readable traceId/spanId left out']]);
    assert.deepStrictEqual(
      spans.map((s) => [s.spanId.slice(-2), s.scope.name]),
      [
        ['a1', 'shop'],
        ['a2', 'shop'],
        ['a3', 'shop'],
        ['a4', 'shop'],
        ['a5', 'shop'],
        ['a6', 'shop'],
        ['a7', 'shop'],
      ],
    );
    assert.strictEqual(spans[3].name, ']}]} "spans":[ \u00e9 <b>');
    assert.strictEqual(spans[4].attributes.big, 9223372036854775807n);
    assert.strictEqual(spans[5].attributes.inf, Infinity);
  });
});

describe('Java OtlpJsonLogging: what spans share', () => {
  const resource = JSON.stringify(RESOURCE);

  it('empty events, links and attributes, and a status without message, are shared frozen values', () => {
    const plain = exportJson(resource, '00000000000000a1').replace('[{"key":"n","value":{"intValue":"42"}}]', '[]');
    const withStatus = exportJson(resource, '00000000000000a2').replace('"status":{}', '"status":{"code":2,"message":"card declined"}');
    const spans = assertSameAsAlone([plain, plain.replace('00000000000000a1', '00000000000000a3'), withStatus]);
    const [a, b, c] = spans;
    assert.deepStrictEqual([a.events, a.links, a.attributes, a.status], [[], [], {}, { code: 'UNSET', message: '' }]);
    assert.deepStrictEqual(c.status, { code: 'ERROR', message: 'card declined' });
    assert.throws(() => a.events.push({ name: 'x', timeUnixNano: 0n, attributes: {}, droppedAttributesCount: 0 }));
    assert.throws(() => {
      'use strict';
      a.attributes.x = 1;
    });
    assert.strictEqual(b.events, a.events);
    assert.deepStrictEqual(b.events, []);
    assert.deepStrictEqual(b.attributes, {});
  });

  it('ids: upper-case hex is lower-cased; a wrong length or a non-hex digit leaves the span out', () => {
    const upper = exportJson(resource, '00000000000000AB').replace(TRACE, TRACE.toUpperCase());
    const short = exportJson(resource, '00000000000000a');
    const notHex = exportJson(resource, '00000000000000g1');
    const r = parseText(julText([upper, short, notHex, exportJson(resource, '00000000000000a4')]));
    assert.deepStrictEqual(
      r.spans.map((s) => [s.traceId, s.spanId]),
      [
        [TRACE, '00000000000000ab'],
        [TRACE, '00000000000000a4'],
      ],
    );
    assert.deepStrictEqual(
      r.unparsed.map((u) => [u.startLine, u.endLine, u.reason]),
      [
        [2, 3, '1 span without a readable traceId/spanId left out'],
        [4, 5, '1 span without a readable traceId/spanId left out'],
      ],
    );
    assert.deepStrictEqual(r.spans, eachAlone([upper, short, notHex, exportJson(resource, '00000000000000a4')]));
  });
});
