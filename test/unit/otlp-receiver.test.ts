/**
 * The run's OTLP/HTTP receiver, fed by the real OpenTelemetry JS exporters (protobuf and JSON,
 * gzip or not) and by hand-made requests for what exporters never send: every span the SDK ended
 * arrives once with its ids, parent, times, attributes, events, links and status; bodies that are
 * not OTLP are answered as the spec says (415, 400 with a google.rpc.Status, 413 past the cap).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as zlib from 'zlib';
import * as protobuf from 'protobufjs';
import { SpanKind, SpanStatusCode, context, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { locationFromCodeAttributes } from '../../src/core/codeLocation';
import type { Span } from '../../src/core/model';
import { decodeExportResponse, decodeStatusBody } from '../../src/run/otlp/decode';
import { otlpEnvironment } from '../../src/run/otlp/environment';
import { DESCRIPTOR_FILE, descriptorFromProtoFiles } from '../../src/run/otlp/protoSchema';
import { startOtlpReceiver, type OtlpReceiver } from '../../src/run/otlp/receiver';

/** What the SDK made, as the test wants to compare it. */
interface Made {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startNs: bigint;
  endNs: bigint;
}

function hrToNs([s, ns]: [number, number]): bigint {
  return BigInt(s) * 1_000_000_000n + BigInt(ns);
}

/**
 * A provider exporting through `exporter`, and a small trace: a SERVER root with resource,
 * typed attributes (an int beyond 2^53 as the SDK can hold it: a number, so a safe one here),
 * an event, a link, an ERROR child with code.* attributes, and a second child.
 */
async function exportTrace(exporter: SpanExporter): Promise<Made[]> {
  const made: Made[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otlp-test', 'service.version': '1.2.3' }),
    spanProcessors: [
      new BatchSpanProcessor(exporter),
      {
        onStart() {},
        onEnd(s) {
          const ctx = s.spanContext();
          made.push({ name: s.name, traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: s.parentSpanContext?.spanId ?? null, startNs: hrToNs(s.startTime), endNs: hrToNs(s.endTime) });
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const tracer = provider.getTracer('otlp-scope', '0.9.0');
  const linked = tracer.startSpan('linked');
  linked.end();
  const root = tracer.startSpan('checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'order.id': 'A-17', 'order.items': 3, 'order.total': 12.5, 'order.paid': true, 'order.tags': ['a', 'b'], 'big.count': 9007199254740991 },
    links: [{ context: linked.spanContext(), attributes: { why: 'retry' } }],
  });
  root.addEvent('cart.loaded', { items: 3 });
  const ctx = trace.setSpan(context.active(), root);
  const child: ApiSpan = tracer.startSpan('charge', { attributes: { 'code.file.path': '/srv/app/pay.py', 'code.line.number': 42, 'code.column.number': 7, 'code.function.name': 'pay.charge' } }, ctx);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  child.end();
  tracer.startSpan('ship', { attributes: { 'code.filepath': 'src/ship.py', 'code.lineno': 9 } }, ctx).end();
  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return made;
}

/** A receiver collecting what it hands over, and its notices. */
async function collecting(maxBodyBytes?: number): Promise<{ receiver: OtlpReceiver; spans: Span[]; batches: number[]; notices: string[] }> {
  const spans: Span[] = [];
  const batches: number[] = [];
  const notices: string[] = [];
  const receiver = await startOtlpReceiver({
    onSpans: (s) => {
      batches.push(s.length);
      spans.push(...s);
    },
    onNotice: (m) => notices.push(m),
    maxBodyBytes,
  });
  return { receiver, spans, batches, notices };
}

function only(spans: Span[], name: string): Span {
  const found = spans.filter((s) => s.name === name);
  assert.strictEqual(found.length, 1, `one span named ${name}, got ${found.length}`);
  return found[0];
}

/** Every span the SDK made arrived once, field for field as the SDK had it. */
function assertSameTrace(spans: Span[], made: Made[]): void {
  assert.deepStrictEqual(spans.map((s) => s.name).sort(), made.map((m) => m.name).sort());
  for (const m of made) {
    const s = only(spans, m.name);
    assert.deepStrictEqual(
      { traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, start: s.startTimeUnixNano, end: s.endTimeUnixNano },
      { traceId: m.traceId, spanId: m.spanId, parentSpanId: m.parentSpanId, start: m.startNs, end: m.endNs },
      m.name,
    );
  }
  const root = only(spans, 'checkout');
  assert.strictEqual(root.kind, 'SERVER');
  assert.deepStrictEqual(root.attributes, { 'order.id': 'A-17', 'order.items': 3, 'order.total': 12.5, 'order.paid': true, 'order.tags': ['a', 'b'], 'big.count': 9007199254740991 });
  assert.strictEqual(root.resource['service.name'], 'otlp-test');
  assert.strictEqual(root.resource['service.version'], '1.2.3');
  assert.deepStrictEqual(root.scope, { name: 'otlp-scope', version: '0.9.0', schemaUrl: null });
  assert.deepStrictEqual(root.events.map((e) => [e.name, e.attributes]), [['cart.loaded', { items: 3 }]]);
  const linked = only(spans, 'linked');
  assert.deepStrictEqual(root.links.map((l) => [l.traceId, l.spanId, l.attributes]), [[linked.traceId, linked.spanId, { why: 'retry' }]]);
  assert.strictEqual(root.location, undefined, 'no code.* attributes, no location');
  const charge = only(spans, 'charge');
  assert.deepStrictEqual(charge.status, { code: 'ERROR', message: 'card declined' });
  assert.deepStrictEqual(charge.location, { file: '/srv/app/pay.py', line: 41, column: 6, function: 'pay.charge' });
  // The older names, a relative path (the run resolves it against its folder).
  assert.deepStrictEqual(only(spans, 'ship').location, { file: 'src/ship.py', line: 8, column: 0 });
}

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>, method = 'POST'): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

/** One OTLP/JSON export of `n` spans, hex ids, each with code.* attributes. */
function jsonExport(n: number, traceId = '5b8efff798038103d269b633813fc60c'): string {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId,
    spanId: (0x1000 + i).toString(16).padStart(16, '0'),
    name: `op-${i}`,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000001000000',
    attributes: [
      { key: 'code.file.path', value: { stringValue: 'main.js' } },
      { key: 'code.line.number', value: { intValue: String(i + 1) } },
    ],
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'raw' } }] }, scopeSpans: [{ scope: { name: 'raw' }, spans }] }] });
}

describe('OTLP receiver', function () {
  this.timeout(60_000);
  let open: OtlpReceiver[] = [];
  afterEach(async () => {
    await Promise.all(open.map((r) => r.close(0)));
    open = [];
  });
  const start = async (maxBodyBytes?: number) => {
    const c = await collecting(maxBodyBytes);
    open.push(c.receiver);
    return c;
  };

  it('ships the official trace .proto files, and the descriptor it loads is generated from them', () => {
    assert.strictEqual(fs.readFileSync(DESCRIPTOR_FILE, 'utf8'), descriptorFromProtoFiles(), 'traceService.json is stale: npx tsx src/run/otlp/protoSchema.ts --write');
  });

  it('listens on loopback only, on a port of its own', async () => {
    const a = await start();
    const b = await start();
    assert.match(a.receiver.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notStrictEqual(a.receiver.endpoint, b.receiver.endpoint);
    assert.strictEqual(a.receiver.tracesUrl, `${a.receiver.endpoint}/v1/traces`);
  });

  for (const [label, make] of [
    ['the Node SDK protobuf exporter', (url: string) => new ProtoExporter({ url })],
    ['the Node SDK protobuf exporter, gzip', (url: string) => new ProtoExporter({ url, compression: CompressionAlgorithm.GZIP })],
    ['the Node SDK JSON exporter', (url: string) => new JsonExporter({ url })],
    ['the Node SDK JSON exporter, gzip', (url: string) => new JsonExporter({ url, compression: CompressionAlgorithm.GZIP })],
  ] as const) {
    it(`reads every span ${label} sends, once, as the SDK made it`, async () => {
      const { receiver, spans, notices } = await start();
      const made = await exportTrace(make(receiver.tracesUrl));
      assert.strictEqual(made.length, 4);
      assertSameTrace(spans, made);
      assert.deepStrictEqual(receiver.stats, { exports: 1, spans: 4, refused: 0 });
      assert.deepStrictEqual(notices, []);
    });
  }

  it('answers 200 with an empty ExportTraceServiceResponse in the request encoding', async () => {
    const { receiver, spans } = await start();
    const proto = await post(receiver.tracesUrl, new Uint8Array(0), { 'Content-Type': 'application/x-protobuf' });
    assert.deepStrictEqual([proto.status, proto.type, proto.body.length], [200, 'application/x-protobuf', 0]);
    const json = await post(receiver.tracesUrl, '{}', { 'Content-Type': 'application/json; charset=utf-8' });
    assert.deepStrictEqual([json.status, json.type, json.body.toString()], [200, 'application/json', '{}']);
    const three = await post(receiver.tracesUrl, jsonExport(3), { 'Content-Type': 'application/json' });
    assert.deepStrictEqual([three.status, three.body.toString()], [200, '{}']);
    assert.deepStrictEqual(spans.map((s) => [s.name, s.location?.file, s.location?.line]), [
      ['op-0', 'main.js', 0],
      ['op-1', 'main.js', 1],
      ['op-2', 'main.js', 2],
    ]);
  });

  it('keeps 64-bit times and integers exact, written as strings, bare numbers or protobuf', async () => {
    const { receiver, spans } = await start();
    const text = jsonExport(1)
      .replace('"startTimeUnixNano":"1700000000000000000"', '"startTimeUnixNano":1700000000000000123')
      .replace('"attributes":[{"key":"code.file.path"', '"attributes":[{"key":"big","value":{"intValue":"9223372036854775807"}},{"key":"bare","value":{"intValue":-9007199254740993}},{"key":"code.file.path"');
    assert.strictEqual((await post(receiver.tracesUrl, text, { 'Content-Type': 'application/json' })).status, 200);
    const Request = protobuf.Root.fromJSON(JSON.parse(descriptorFromProtoFiles())).lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    const pbBody = Request.encode(
      Request.fromObject({
        resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.alloc(16, 0xab), spanId: Buffer.alloc(8, 0xcd), name: 'pb', startTimeUnixNano: '18446744073709551615', endTimeUnixNano: '18446744073709551615', attributes: [{ key: 'big', value: { intValue: '-9223372036854775808' } }] }] }] }],
      }),
    ).finish();
    assert.strictEqual((await post(receiver.tracesUrl, pbBody, { 'Content-Type': 'application/x-protobuf' })).status, 200);
    const [json, pb] = spans;
    assert.strictEqual(json.startTimeUnixNano, 1700000000000000123n);
    assert.strictEqual(json.attributes.big, 9223372036854775807n);
    assert.strictEqual(json.attributes.bare, -9007199254740993n);
    assert.deepStrictEqual([pb.traceId, pb.spanId, pb.startTimeUnixNano, pb.attributes.big], ['ab'.repeat(16), 'cd'.repeat(8), 18446744073709551615n, -9223372036854775808n]);
  });

  it('reports spans it could not read as a partial success, keeping the rest', async () => {
    const { receiver, spans } = await start();
    const body = JSON.parse(jsonExport(2));
    body.resourceSpans[0].scopeSpans[0].spans[1].spanId = 'not-an-id';
    const res = await post(receiver.tracesUrl, JSON.stringify(body), { 'Content-Type': 'application/json' });
    assert.strictEqual(res.status, 200);
    const answer = JSON.parse(res.body.toString());
    assert.strictEqual(answer.partialSuccess.rejectedSpans, '1');
    assert.match(answer.partialSuccess.errorMessage, /1 span/);
    assert.deepStrictEqual(spans.map((s) => s.name), ['op-0']);
    // The protobuf answer carries the same partial success.
    // Encoded by protobufjs from the official schema: a span whose trace id is 3 bytes, not 16.
    const Request = protobuf.Root.fromJSON(JSON.parse(descriptorFromProtoFiles())).lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
    const pbBody = Request.encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: Buffer.from([1, 2, 3]), spanId: Buffer.alloc(8, 1), name: 'short-id' }] }] }] }).finish();
    const pb = await post(receiver.tracesUrl, pbBody, { 'Content-Type': 'application/x-protobuf' });
    assert.strictEqual(pb.status, 200);
    assert.strictEqual(decodeExportResponse(pb.body).partialSuccess?.rejectedSpans, '1');
  });

  it('answers 415 for a content type that is not OTLP, 404 elsewhere, 405 for GET, saying why', async () => {
    const { receiver, spans, notices } = await start();
    const text = await post(receiver.tracesUrl, jsonExport(1), { 'Content-Type': 'text/plain' });
    assert.strictEqual(text.status, 415);
    assert.match(text.body.toString(), /Content-Type text\/plain is not OTLP: send application\/x-protobuf or application\/json/);
    const grpc = await post(receiver.tracesUrl, 'x', { 'Content-Type': 'application/grpc' });
    assert.strictEqual(grpc.status, 415);
    const brotli = await post(receiver.tracesUrl, jsonExport(1), { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
    assert.strictEqual(brotli.status, 415);
    assert.match(JSON.parse(brotli.body.toString()).message, /Content-Encoding br is not supported/);
    const metrics = await post(receiver.endpoint + '/v1/metrics', 'x', { 'Content-Type': 'application/x-protobuf' });
    assert.strictEqual(metrics.status, 404);
    assert.match(metrics.body.toString(), /OTLP traces at \/v1\/traces only/);
    const get = await post(receiver.tracesUrl, '', {}, 'GET');
    assert.strictEqual(get.status, 405);
    assert.deepStrictEqual(spans, []);
    assert.strictEqual(receiver.stats.refused, 5);
    // One notice per kind of refusal, in the user's words.
    assert.deepStrictEqual(notices.map((n) => /\((\d+)\)/.exec(n)?.[1]), ['415', '404', '405']);
  });

  it('answers 400 with a google.rpc.Status in the request encoding for a body it cannot read', async () => {
    const { receiver, spans } = await start();
    const pb = await post(receiver.tracesUrl, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), { 'Content-Type': 'application/x-protobuf' });
    assert.deepStrictEqual([pb.status, pb.type], [400, 'application/x-protobuf']);
    const status = decodeStatusBody(pb.body);
    assert.strictEqual(status.code, 3);
    assert.match(status.message, /not a protobuf ExportTraceServiceRequest/);
    const json = await post(receiver.tracesUrl, '{"resourceSpans": [', { 'Content-Type': 'application/json' });
    assert.deepStrictEqual([json.status, json.type], [400, 'application/json']);
    assert.match(JSON.parse(json.body.toString()).message, /not valid JSON/);
    const notOtlp = await post(receiver.tracesUrl, '{"resourceSpans": 3}', { 'Content-Type': 'application/json' });
    assert.strictEqual(notOtlp.status, 400);
    assert.match(JSON.parse(notOtlp.body.toString()).message, /not an OTLP trace export/);
    const badGzip = await post(receiver.tracesUrl, 'plain text', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    assert.strictEqual(badGzip.status, 400);
    assert.match(JSON.parse(badGzip.body.toString()).message, /not valid gzip/);
    assert.deepStrictEqual(spans, []);
  });

  it('refuses a body past its cap with 413, compressed or not, and says so once', async () => {
    const { receiver, spans, notices } = await start(64 * 1024);
    const big = jsonExport(400); // ~90 KB
    assert.ok(big.length > 64 * 1024);
    const plain = await post(receiver.tracesUrl, big, { 'Content-Type': 'application/json' });
    assert.strictEqual(plain.status, 413);
    assert.match(JSON.parse(plain.body.toString()).message, /over 65536 bytes is not read/);
    // Small on the wire, past the cap once inflated.
    const bomb = zlib.gzipSync(Buffer.alloc(1024 * 1024, 0x20));
    assert.ok(bomb.length < 64 * 1024);
    const inflated = await post(receiver.tracesUrl, bomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    assert.strictEqual(inflated.status, 413);
    // Without a Content-Length (chunked), the cap holds while reading.
    const chunked = await fetch(receiver.tracesUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    assert.strictEqual(chunked.status, 413);
    assert.deepStrictEqual(spans, []);
    assert.strictEqual(notices.length, 1);
    assert.match(notices[0], /refused \(413\).*over 64 KiB|refused \(413\).*over 65536 bytes/);
    // Under the cap still works after all that.
    const ok = await post(receiver.tracesUrl, jsonExport(2), { 'Content-Type': 'application/json' });
    assert.strictEqual(ok.status, 200);
    assert.strictEqual(spans.length, 2);
  });

  it('lets an export under way finish when closed', async () => {
    const { receiver, spans } = await start();
    const body = Buffer.from(jsonExport(2000));
    const pending = post(receiver.tracesUrl, body, { 'Content-Type': 'application/json' });
    // Close as soon as the request has reached the receiver.
    await new Promise((r) => setTimeout(r, 5));
    await receiver.close(2000);
    assert.strictEqual((await pending).status, 200);
    assert.strictEqual(spans.length, 2000);
  });
});

describe('OTLP environment for a run', () => {
  const ep = 'http://127.0.0.1:4567';
  it('points an SDK configured by environment at the receiver over HTTP/protobuf', () => {
    assert.deepStrictEqual(otlpEnvironment(ep, {}), {
      OTEL_EXPORTER_OTLP_ENDPOINT: ep,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ep}/v1/traces`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
    });
    // Empty values are unset, as the SDKs read them.
    assert.strictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }).OTEL_EXPORTER_OTLP_ENDPOINT, ep);
  });
  it("leaves the user's own endpoint, general or for traces, and its protocol alone", () => {
    assert.deepStrictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), {});
    assert.deepStrictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }), {});
    // A gRPC exporter cannot talk to an HTTP receiver: better its own default collector than nowhere.
    assert.deepStrictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), {});
    assert.deepStrictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }), {});
    // An HTTP protocol of the user's own: our endpoint, their protocol.
    assert.deepStrictEqual(otlpEnvironment(ep, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), {
      OTEL_EXPORTER_OTLP_ENDPOINT: ep,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${ep}/v1/traces`,
    });
  });
});

describe('span location from code.* attributes', () => {
  it('reads the current and the older names, 1-based in, 0-based out', () => {
    assert.deepStrictEqual(locationFromCodeAttributes({ 'code.file.path': '/a/b.go', 'code.line.number': 12, 'code.column.number': 3 }), { file: '/a/b.go', line: 11, column: 2 });
    assert.deepStrictEqual(locationFromCodeAttributes({ 'code.filepath': 'b.py', 'code.lineno': 5, 'code.function': 'f' }), { file: 'b.py', line: 4, column: 0, function: 'f' });
    assert.deepStrictEqual(locationFromCodeAttributes({ 'code.filepath': 'b.py', 'code.lineno': '5', 'code.colno': 2 }), { file: 'b.py', line: 4, column: 1 });
    assert.deepStrictEqual(locationFromCodeAttributes({ 'code.file.path': 'file:///srv/my%20app/x.ts', 'code.line.number': 1 }), { file: '/srv/my app/x.ts', line: 0, column: 0 });
    // The current name wins over the older one.
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': 'new.py', 'code.filepath': 'old.py', 'code.line.number': 1 })?.file, 'new.py');
  });
  it('is undefined without both a file and a line', () => {
    assert.strictEqual(locationFromCodeAttributes({}), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': 'a.py' }), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.line.number': 3 }), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': '', 'code.line.number': 3 }), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': 'a.py', 'code.line.number': 0 }), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': 'a.py', 'code.line.number': -2 }), undefined);
    assert.strictEqual(locationFromCodeAttributes({ 'code.file.path': 'a.py', 'code.line.number': 'ten' }), undefined);
  });
});
