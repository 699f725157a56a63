/**
 * OTLP JSON as the OTLP/JSON spec and the file exporters write it: a pretty-printed export, one
 * export per line, hex ids (base64 from protobuf-JSON encoders too), 64-bit values as strings or
 * bare numbers, enums as numbers or names.
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import { parseOtlpJsonValue } from '../../src/core/parse/otlpJson';
import type { Span } from '../../src/core/model';

const TRACE = '5b8efff798038103d269b633813fc60c';

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** One export: a service with two scopes, the shape the collector's file exporter writes. */
function exportOf(): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: 'checkout' }), kv('host.cpus', { intValue: '8' })], droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: 'shop', version: '1.2.3', attributes: [] },
            schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
            spans: [
              {
                traceId: TRACE,
                spanId: 'eee19b7ec3c1b174',
                parentSpanId: 'eee19b7ec3c1b173',
                flags: 0x301,
                traceState: 'vendor=abc',
                name: 'GET /cart',
                kind: 2,
                startTimeUnixNano: '1544712660000000001',
                endTimeUnixNano: '1544712661000000002',
                attributes: [
                  kv('s', { stringValue: 'a "quoted" <b>' }),
                  kv('i', { intValue: '9223372036854775807' }),
                  kv('small', { intValue: '42' }),
                  kv('d', { doubleValue: 19.99 }),
                  kv('nan', { doubleValue: 'NaN' }),
                  kv('b', { boolValue: true }),
                  kv('arr', { arrayValue: { values: [{ stringValue: 'x' }, { stringValue: 'y' }] } }),
                  kv('map', { kvlistValue: { values: [kv('k', { intValue: '1' })] } }),
                  kv('bytes', { bytesValue: 'aGk=' }),
                  kv('empty', {}),
                ],
                droppedAttributesCount: 2,
                events: [{ timeUnixNano: '1544712660500000000', name: 'cache miss', attributes: [kv('key', { stringValue: 'cart:1' })], droppedAttributesCount: 1 }],
                droppedEventsCount: 3,
                links: [{ traceId: TRACE, spanId: 'eee19b7ec3c1b175', traceState: 'k=v', attributes: [], flags: 0x101 }],
                status: { code: 2, message: 'card declined' },
              },
              { traceId: TRACE, spanId: 'eee19b7ec3c1b173', name: 'root', kind: 'SPAN_KIND_SERVER', startTimeUnixNano: '1544712659000000000', endTimeUnixNano: '1544712662000000000', status: { code: 'STATUS_CODE_OK' } },
            ],
          },
          { scope: { name: 'db' }, spans: [{ traceId: TRACE, spanId: 'eee19b7ec3c1b176', parentSpanId: 'eee19b7ec3c1b174', flags: 0x101, name: 'SELECT', kind: 3, startTimeUnixNano: '1544712660100000000', endTimeUnixNano: '1544712660200000000' }] },
        ],
      },
    ],
  };
}

function byName(spans: Span[]): Record<string, Span> {
  return Object.fromEntries(spans.map((s) => [s.name, s]));
}

describe('OTLP JSON: one export per line', () => {
  const line = JSON.stringify(exportOf());
  const r = parseText(`starting\n${line}\n${line}\n`);
  const s = byName(r.spans.slice(0, 3));

  it('every span of every scope, in order, on its line', () => {
    assert.deepStrictEqual(r.spans.map((x) => x.name), ['GET /cart', 'root', 'SELECT', 'GET /cart', 'root', 'SELECT']);
    assert.deepStrictEqual(r.spans.map((x) => x.origin?.line), [1, 1, 1, 2, 2, 2]);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['starting']);
    assert.deepStrictEqual(r.formats, ['otlp-json']);
  });

  it('ids, parent and its remoteness from the flags, kind, exact times, status', () => {
    const cart = s['GET /cart'];
    assert.strictEqual(cart.traceId, TRACE);
    assert.strictEqual(cart.parentSpanId, 'eee19b7ec3c1b173');
    assert.strictEqual(cart.parentIsRemote, true);
    assert.strictEqual(s.SELECT.parentIsRemote, false);
    assert.strictEqual(s.root.parentSpanId, null);
    assert.strictEqual(s.root.parentIsRemote, null);
    assert.deepStrictEqual([cart.kind, s.root.kind, s.SELECT.kind], ['SERVER', 'SERVER', 'CLIENT']);
    assert.strictEqual(cart.startTimeUnixNano, 1544712660000000001n);
    assert.strictEqual(cart.endTimeUnixNano, 1544712661000000002n);
    assert.deepStrictEqual(cart.status, { code: 'ERROR', message: 'card declined' });
    assert.deepStrictEqual(s.root.status, { code: 'OK', message: '' });
    assert.strictEqual(cart.traceState, 'vendor=abc');
    assert.strictEqual(s.root.traceState, '');
  });

  it('attribute values: exact int64, NaN, arrays; maps and bytes kept as text and marked lossy', () => {
    const a = s['GET /cart'].attributes;
    assert.strictEqual(a.s, 'a "quoted" <b>');
    assert.strictEqual(a.i, 9223372036854775807n);
    assert.strictEqual(a.small, 42);
    assert.strictEqual(a.d, 19.99);
    assert.ok(Number.isNaN(a.nan));
    assert.strictEqual(a.b, true);
    assert.deepStrictEqual(a.arr, ['x', 'y']);
    assert.deepStrictEqual(JSON.parse(a.map as string), { k: 1 });
    assert.strictEqual(a.bytes, 'aGk=');
    assert.strictEqual(a.empty, null);
    assert.deepStrictEqual(s['GET /cart'].lossy?.map((l) => l.path), ['attributes.map', 'attributes.bytes']);
  });

  it('events, links, dropped counts, resource and scope', () => {
    const cart = s['GET /cart'];
    assert.deepStrictEqual(cart.events, [{ name: 'cache miss', timeUnixNano: 1544712660500000000n, attributes: { key: 'cart:1' }, droppedAttributesCount: 1 }]);
    assert.deepStrictEqual(cart.links, [{ traceId: TRACE, spanId: 'eee19b7ec3c1b175', traceState: 'k=v', attributes: {}, droppedAttributesCount: 0 }]);
    assert.deepStrictEqual([cart.droppedAttributesCount, cart.droppedEventsCount, cart.droppedLinksCount], [2, 3, 0]);
    assert.deepStrictEqual(cart.resource, { 'service.name': 'checkout', 'host.cpus': 8 });
    assert.deepStrictEqual(cart.scope, { name: 'shop', version: '1.2.3', schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
    assert.deepStrictEqual(s.SELECT.scope, { name: 'db', version: null, schemaUrl: null });
  });

  it('OTLP logs and metrics on the same stream are not spans', () => {
    const logs = JSON.stringify({ resourceLogs: [{ resource: {}, scopeLogs: [{ logRecords: [{ body: { stringValue: 'hi' } }] }] }] });
    const metrics = JSON.stringify({ resourceMetrics: [] });
    const r2 = parseText(`${logs}\n${metrics}\n`);
    assert.deepStrictEqual(r2.spans, []);
    assert.deepStrictEqual(r2.output.map((o) => o.text), [logs, metrics]);
  });

  it('spans without readable ids are left out and said so, on their line, first line or repeated export', () => {
    const doc = exportOf();
    const spans = ((doc.resourceSpans as Record<string, unknown>[])[0].scopeSpans as Record<string, unknown>[])[0].spans as Record<string, unknown>[];
    spans[1].spanId = 'not-an-id';
    const damaged = JSON.stringify(doc);
    // Alone (read by JSON.parse), and after intact exports of the same resource (read with the repeated head).
    const r2 = parseText(`${damaged}
${line}
${line}
${damaged}
`);
    assert.deepStrictEqual(r2.spans.map((x) => `${x.origin?.line}:${x.name}`), ['0:GET /cart', '0:SELECT', '1:GET /cart', '1:root', '1:SELECT', '2:GET /cart', '2:root', '2:SELECT', '3:GET /cart', '3:SELECT']);
    assert.deepStrictEqual(
      r2.unparsed.map((u) => [u.startLine, u.endLine, u.format, u.reason]),
      [
        [0, 0, 'otlp-json', '1 span without a readable traceId/spanId left out'],
        [3, 3, 'otlp-json', '1 span without a readable traceId/spanId left out'],
      ],
    );
    assert.deepStrictEqual(r2.output, []);
  });

  it('a line cut off mid-export is reported as damaged', () => {
    const r2 = parseText(line.slice(0, 300) + '}\n' + line + '\n');
    assert.strictEqual(r2.spans.length, 3);
    assert.strictEqual(r2.unparsed.length, 1);
    assert.strictEqual(r2.unparsed[0].startLine, 0);
  });
});

describe('OTLP JSON lines after program text', () => {
  const line = JSON.stringify(exportOf());

  it('a line glued after a partial program line (or a level-like word) keeps the program text as output', () => {
    const r = parseText(`progress: 50%${line}\ncount: 3 items${line}\n`);
    assert.deepStrictEqual(r.spans.map((x) => x.name), ['GET /cart', 'root', 'SELECT', 'GET /cart', 'root', 'SELECT']);
    assert.deepStrictEqual(r.output.map((o) => [o.line, o.text]), [[0, 'progress: 50%'], [1, 'count: 3 items']]);
    assert.deepStrictEqual(r.formats, ['otlp-json']);
    assert.deepStrictEqual(r.unparsed, []);
  });

  it('an export logged by JUL without its header line is still the Java exporter\'s', () => {
    const r = parseText(`INFO: ${line}\n`);
    assert.strictEqual(r.spans.length, 3);
    assert.deepStrictEqual(r.formats, ['java-otlp-json']);
    assert.deepStrictEqual(r.output, []);
  });
});

describe('OTLP JSON: a pretty-printed export', () => {
  it('uppercase hex ids and bare-number times beyond 2^53 are read exactly', () => {
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [kv('service.name', { stringValue: 'my.service' })] },
          scopeSpans: [{ scope: { name: 'my.library', version: '1.0.0' }, spans: [{ traceId: TRACE.toUpperCase(), spanId: 'EEE19B7EC3C1B174', parentSpanId: 'EEE19B7EC3C1B173', name: "I'm a server span", kind: 2 }] }],
        },
      ],
    };
    // JSON.stringify cannot write a bare 19-digit number exactly; put it in by hand as the spec example does.
    const text = JSON.stringify(doc, null, 2).replace('"kind": 2', '"startTimeUnixNano": 1544712660000000001,\n              "endTimeUnixNano": 1544712661000000003,\n              "kind": 2');
    const r = parseText(text + '\n');
    assert.deepStrictEqual(r.unparsed, []);
    assert.strictEqual(r.spans.length, 1);
    const s = r.spans[0];
    assert.strictEqual(s.traceId, TRACE);
    assert.strictEqual(s.spanId, 'eee19b7ec3c1b174');
    assert.strictEqual(s.startTimeUnixNano, 1544712660000000001n);
    assert.strictEqual(s.endTimeUnixNano! - s.startTimeUnixNano, 1000000002n);
    assert.strictEqual(s.kind, 'SERVER');
    assert.deepStrictEqual(s.origin, { format: 'otlp-json', line: 0, endLine: text.split('\n').length - 1 });
  });

  it('spans without readable ids are left out and said so', () => {
    const doc = exportOf();
    const spans = ((doc.resourceSpans as Record<string, unknown>[])[0].scopeSpans as Record<string, unknown>[])[0].spans as Record<string, unknown>[];
    spans[1].spanId = 'not-an-id';
    const r = parseText(JSON.stringify(doc, null, 2) + '\n');
    assert.deepStrictEqual(r.spans.map((x) => x.name), ['GET /cart', 'SELECT']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.match(r.unparsed[0].reason, /1 span without a readable traceId\/spanId/);
  });
});

describe('parseOtlpJsonValue', () => {
  it('protobuf-JSON base64 ids are decoded when they hold 16 / 8 bytes', () => {
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const spans = parseOtlpJsonValue({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: b64(TRACE), spanId: b64('eee19b7ec3c1b174'), parentSpanId: b64('eee19b7ec3c1b173'), name: 'x', startTimeUnixNano: 1 }] }] }] });
    assert.deepStrictEqual(spans?.map((s) => [s.traceId, s.spanId, s.parentSpanId]), [[TRACE, 'eee19b7ec3c1b174', 'eee19b7ec3c1b173']]);
  });

  it('a single ResourceSpans (as Java logs it) and snake_case keys', () => {
    const spans = parseOtlpJsonValue(
      { resource: { attributes: [] }, scope_spans: [{ scope: { name: 's' }, spans: [{ trace_id: TRACE, span_id: 'eee19b7ec3c1b174', parent_span_id: '', name: 'snake', start_time_unix_nano: '5', end_time_unix_nano: '9', kind: 'SPAN_KIND_PRODUCER' }] }] },
      7,
    );
    assert.strictEqual(spans?.length, 1);
    const s = spans![0];
    assert.deepStrictEqual([s.name, s.kind, s.parentSpanId, s.startTimeUnixNano, s.endTimeUnixNano], ['snake', 'PRODUCER', null, 5n, 9n]);
    assert.deepStrictEqual(s.origin, { format: 'otlp-json', line: 7, endLine: 7 });
  });

  it('an attribute named __proto__ is an attribute, not a prototype', () => {
    const spans = parseOtlpJsonValue({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: 'eee19b7ec3c1b174', name: 'x', startTimeUnixNano: '1', attributes: [kv('__proto__', { stringValue: 'x' })] }] }] }] });
    assert.deepStrictEqual(Object.keys(spans![0].attributes), ['__proto__']);
    assert.strictEqual(Object.getPrototypeOf(spans![0].attributes), Object.prototype);
  });

  it('null for anything that is not OTLP trace data', () => {
    for (const v of [null, 42, 'x', [], {}, { name: 'x' }, { resourceLogs: [] }]) assert.strictEqual(parseOtlpJsonValue(v), null, JSON.stringify(v));
    assert.deepStrictEqual(parseOtlpJsonValue({ resourceSpans: [] }), []);
  });
});
