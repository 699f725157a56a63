/**
 * An OTLP/HTTP trace receiver on loopback for one run: programs whose SDK exports OTLP (configured
 * by environment, see environment.ts) send their spans here. `POST /v1/traces` with
 * `application/x-protobuf` or `application/json`, gzip or not, answered as the OTLP/HTTP spec
 * says: 200 with an ExportTraceServiceResponse in the request's encoding, 400 with a
 * google.rpc.Status for a body that cannot be read, 413 past the size cap, 415 for other types.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as zlib from 'zlib';
import type { Span } from '../../core/model';
import type { ParseMemo } from '../../core/parse/types';
import { OtlpDecodeError, decodeTraceExport, exportResponseBody, statusBody, type OtlpEncoding } from './decode';

/** The path OTLP/HTTP exporters post traces to. */
export const OTLP_TRACES_PATH = '/v1/traces';

/** Largest export body accepted, compressed or not (the Collector's default is 20 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** gRPC codes carried in google.rpc.Status bodies. */
const INVALID_ARGUMENT = 3;
const RESOURCE_EXHAUSTED = 8;

export interface OtlpReceiverOptions {
  /** The spans of each export, in the order exports arrive, before the exporter gets its answer. */
  onSpans(spans: Span[]): void;
  /** Refused exports, in the user's words; said once per kind of refusal. */
  onNotice?(message: string): void;
  /** Largest export body, in bytes, before and after gzip. Default 32 MiB. */
  maxBodyBytes?: number;
}

export interface OtlpReceiverStats {
  /** Exports read (200 answers). */
  exports: number;
  spans: number;
  /** Requests refused (4xx answers). */
  refused: number;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: the base OTLP endpoint. */
  readonly endpoint: string;
  /** The endpoint's `/v1/traces` URL. */
  readonly tracesUrl: string;
  readonly stats: Readonly<OtlpReceiverStats>;
  /**
   * Stop listening. Requests under way are given up to `drainMs` (default 250) to finish, so an
   * export a program sent as it exited still lands; then every connection is closed.
   */
  close(drainMs?: number): Promise<void>;
}

/** Start a receiver on 127.0.0.1, on a port the system picks. */
export async function startOtlpReceiver(options: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const stats: OtlpReceiverStats = { exports: 0, spans: 0, refused: 0 };
  const memo: ParseMemo = new Map();
  const noticed = new Set<number>();
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const refuse = (res: http.ServerResponse, status: number, encoding: OtlpEncoding | undefined, message: string, grpcCode = INVALID_ARGUMENT) => {
    stats.refused++;
    if (!noticed.has(status)) {
      noticed.add(status);
      options.onNotice?.(`an OTLP export was refused (${status}): ${message}`);
    }
    if (encoding) send(res, status, encoding, statusBody(encoding, grpcCode, message));
    else {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(message);
    }
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== OTLP_TRACES_PATH) return drainThen(req, () => refuse(res, 404, undefined, `Span Lens receives OTLP traces at ${OTLP_TRACES_PATH} only, not ${path}`));
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return drainThen(req, () => refuse(res, 405, undefined, `${OTLP_TRACES_PATH} takes POST, not ${req.method}`));
    }
    const encoding = encodingOf(req.headers['content-type']);
    if (!encoding) {
      return drainThen(req, () => refuse(res, 415, undefined, `Content-Type ${req.headers['content-type'] ?? '(none)'} is not OTLP: send application/x-protobuf or application/json`));
    }
    const compression = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (compression !== 'gzip' && compression !== 'identity') {
      return drainThen(req, () => refuse(res, 415, encoding, `Content-Encoding ${compression} is not supported: send gzip or none`));
    }
    const tooLarge = () => {
      // The rest of the body is not read: the connection closes after the answer.
      res.setHeader('Connection', 'close');
      refuse(res, 413, encoding, `an export body over ${formatMiB(maxBytes)} is not read (Span Lens's cap per request); export in smaller batches`, RESOURCE_EXHAUSTED);
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return tooLarge();

    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      let body: Buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      if (compression === 'gzip') {
        try {
          body = zlib.gunzipSync(body, { maxOutputLength: maxBytes });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return tooLarge();
          return refuse(res, 400, encoding, `the body is not valid gzip (${(e as Error).message})`);
        }
      }
      let decoded;
      try {
        decoded = decodeTraceExport(body, encoding, memo);
      } catch (e) {
        if (e instanceof OtlpDecodeError) return refuse(res, 400, encoding, `the body is ${e.message}`);
        throw e;
      }
      stats.exports++;
      stats.spans += decoded.spans.length;
      if (decoded.spans.length) options.onSpans(decoded.spans);
      send(res, 200, encoding, exportResponseBody(encoding, decoded.rejected));
    });
  };

  const server = http.createServer((req, res) => {
    inFlight++;
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      if (--inFlight === 0) idle?.();
    };
    res.on('close', finished);
    req.on('error', finished);
    try {
      handle(req, res);
    } catch (e) {
      // A bug here must not end the run: the exporter gets a 500 and the run goes on.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Span Lens could not take this export: ${(e as Error).message}`);
    }
  });
  // Exporters keep connections open between batches; never let one hold the run's end.
  server.keepAliveTimeout = 5_000;
  let connected = false;
  server.once('connection', () => (connected = true));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    tracesUrl: endpoint + OTLP_TRACES_PATH,
    stats,
    async close(drainMs = 250) {
      server.close();
      // Bytes a program wrote as it exited may still sit unread in a socket: let them arrive
      // (no wait for the many runs that never export over OTLP).
      if (connected) await new Promise((r) => setTimeout(r, Math.min(20, drainMs)));
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, drainMs);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      server.closeAllConnections();
    },
  };
}

/** The OTLP encoding a Content-Type names (parameters such as charset ignored), or undefined. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const type = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (type === 'application/x-protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

function send(res: http.ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array | string): void {
  res.writeHead(status, {
    'Content-Type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
  });
  res.end(body);
}

/** Answer after the request body has been read (and dropped), so the connection can be reused. */
function drainThen(req: http.IncomingMessage, answer: () => void): void {
  req.resume();
  req.once('end', answer);
}

function formatMiB(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}
