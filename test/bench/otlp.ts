/**
 * OTLP ingest benchmark: the run's receiver (src/run/otlp/receiver.ts) fed on loopback with
 * exports of 512 spans, as a BatchSpanProcessor sends them (its default batch size), protobuf and
 * JSON. The bodies are the real SDK's spans encoded by the exporters' own serializer
 * (@opentelemetry/otlp-transformer); the client is a worker thread (the exporter is another
 * process, not our event loop) sending one export at a time over a keep-alive connection, as the
 * exporter does. Best of 3 rounds each. The receiver measured is the one that ships: bundled by
 * esbuild with the flags of `build:cli` (the sources through tsx run ~30% slower).
 *
 * Baseline, measured in the same run with the same client and bodies: a bare loopback HTTP
 * server that reads each body and answers 200 (the transport alone). Target: >= 100,000 spans/s.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import type { AddressInfo } from 'net';
import { Worker } from 'worker_threads';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { context, trace, SpanKind } from '@opentelemetry/api';
import type { startOtlpReceiver as StartOtlpReceiver } from '../../src/run/otlp/receiver';

const REPO = path.resolve(__dirname, '..', '..');

/** src/run/otlp/receiver.ts bundled as the extension and CLI bundle it. */
function bundledReceiver(): typeof StartOtlpReceiver {
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-otlp-bench-')), 'receiver.js');
  buildSync({ entryPoints: [path.join(REPO, 'src/run/otlp/receiver.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile).startOtlpReceiver;
}

const BATCH = 512;
const EXPORTS = 200;
const ROUNDS = 3;
const TARGET_SPANS_PER_S = 100_000;

/** 512 spans as a service makes them: a root per 8, children with attributes, an event each 4th. */
function makeSpans(): ReadableSpan[] {
  const ended: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench', 'service.version': '1.0.0', 'host.name': 'bench-host' }),
    spanProcessors: [{ onStart() {}, onEnd: (s) => void ended.push(s), forceFlush: async () => {}, shutdown: async () => {} }],
  });
  const tracer = provider.getTracer('bench-scope', '1.0.0');
  let root = tracer.startSpan('request', { kind: SpanKind.SERVER });
  for (let i = 0; ended.length < BATCH; i++) {
    if (i % 8 === 7) {
      root.end();
      root = tracer.startSpan('request', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': `/items/${i}` } });
      continue;
    }
    const span = tracer.startSpan(
      'db.query',
      { attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM items WHERE id = $1', 'item.id': i, 'cache.hit': i % 3 === 0, 'code.file.path': 'src/items.ts', 'code.line.number': 40 + (i % 20) } },
      trace.setSpan(context.active(), root),
    );
    if (i % 4 === 0) span.addEvent('rows', { count: i % 17 });
    span.end();
  }
  return ended.slice(0, BATCH);
}

/** The client: posts `exports` bodies one after another on one keep-alive connection; resolves with ms. */
const CLIENT = `
const http = require('http');
const { parentPort, workerData } = require('worker_threads');
const { url, body, type, exports } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const send = () => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': type, 'Content-Length': body.byteLength } }, (res) => {
    res.resume();
    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status ' + res.statusCode))));
  });
  req.on('error', reject);
  req.end(Buffer.from(body));
});
(async () => {
  await send(); // warm the connection
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < exports; i++) await send();
  parentPort.postMessage(Number(process.hrtime.bigint() - t0) / 1e6);
  agent.destroy();
})().catch((e) => parentPort.postMessage('error: ' + e.message));
`;

function clientRun(url: string, body: Uint8Array, type: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: { url, body, type, exports: EXPORTS } });
    worker.once('message', (m) => (typeof m === 'number' ? resolve(m) : reject(new Error(String(m)))));
    worker.once('error', reject);
  });
}

/** A server that only reads each body and answers 200: the loopback transport alone. */
async function bareServer(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': 0 });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

export interface OtlpBenchRow {
  encoding: string;
  bodyKb: number;
  receiverMs: number;
  baselineMs: number;
  spansPerS: number;
  ratio: number;
}

async function measure(startOtlpReceiver: typeof StartOtlpReceiver, encoding: string, body: Uint8Array, type: string): Promise<OtlpBenchRow> {
  let received = 0;
  const receiver = await startOtlpReceiver({ onSpans: (s) => (received += s.length) });
  const bare = await bareServer();
  let receiverMs = Infinity;
  let baselineMs = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    baselineMs = Math.min(baselineMs, await clientRun(bare.url, body, type));
    received = 0;
    receiverMs = Math.min(receiverMs, await clientRun(receiver.tracesUrl, body, type));
    // The warm-up export counts too.
    if (received !== (EXPORTS + 1) * BATCH) throw new Error(`${encoding}: the receiver read ${received} spans, expected ${(EXPORTS + 1) * BATCH}`);
  }
  bare.close();
  await receiver.close(0);
  const spans = EXPORTS * BATCH;
  return { encoding, bodyKb: body.byteLength / 1024, receiverMs, baselineMs, spansPerS: spans / (receiverMs / 1000), ratio: receiverMs / baselineMs };
}

/** Print the OTLP ingest table. */
export async function benchOtlp(): Promise<OtlpBenchRow[]> {
  const startReceiver = bundledReceiver();
  const spans = makeSpans();
  const proto = ProtobufTraceSerializer.serializeRequest(spans);
  const json = JsonTraceSerializer.serializeRequest(spans);
  if (!proto || !json) throw new Error('the OTLP serializer gave no body');
  console.log(`\n== otlp: ${EXPORTS} exports of ${BATCH} spans (${(EXPORTS * BATCH).toLocaleString()} spans) to the receiver on loopback, one at a time, best of ${ROUNDS}; baseline = a bare HTTP server reading the same bodies ==`);
  console.log('encoding     KB/export   receiver ms   baseline ms   ratio      spans/s');
  const rows: OtlpBenchRow[] = [];
  for (const [name, body, type] of [
    ['protobuf', proto, 'application/x-protobuf'],
    ['json', json, 'application/json'],
  ] as const) {
    const row = await measure(startReceiver, name, body, type);
    rows.push(row);
    console.log(
      `${name.padEnd(12)} ${row.bodyKb.toFixed(0).padStart(9)} ${row.receiverMs.toFixed(0).padStart(13)} ${row.baselineMs.toFixed(0).padStart(13)} ${row.ratio.toFixed(2).padStart(7)}× ${Math.round(row.spansPerS).toLocaleString().padStart(12)}`,
    );
  }
  const slowest = Math.min(...rows.map((r) => r.spansPerS));
  console.log(`target (>= ${TARGET_SPANS_PER_S.toLocaleString()} spans/s in batches of ${BATCH}): ${slowest >= TARGET_SPANS_PER_S ? 'met' : 'NOT met'}`);
  return rows;
}

if (require.main === module) {
  benchOtlp().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
