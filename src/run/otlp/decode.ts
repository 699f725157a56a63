/**
 * OTLP/HTTP trace export bodies to spans, and the bodies the receiver answers with. Protobuf is
 * decoded by protobufjs from the official schema (traceService.json, see protoSchema.ts) into the
 * OTLP/JSON shape, so both encodings go through the one OTLP reader of the console formats
 * (core/parse/otlpJson.ts readOtlp).
 */
import * as protobuf from 'protobufjs/light';
import { locationFromCodeAttributes } from '../../core/codeLocation';
import { JsonSyntaxError, parseJson } from '../../core/json';
import type { Span } from '../../core/model';
import { readOtlp } from '../../core/parse/otlpJson';
import type { ParseMemo } from '../../core/parse/types';
import descriptor from './traceService.json';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/** The body of an export could not be read: the receiver answers 400 with this message. */
export class OtlpDecodeError extends Error {}

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const ExportRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/** google.rpc.Status, the body of a failed OTLP/HTTP request; two fields of it are all we send. */
const RpcStatus = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(RpcStatus);

/**
 * protobufjs message -> OTLP/JSON object: camelCase names as in the JSON mapping, 64-bit integers
 * as decimal strings (exact), enums as numbers, bytes as base64 (ids: readOtlp takes base64 too).
 */
const TO_JSON_SHAPE: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String, defaults: false };

/** What one export held. */
export interface DecodedExport {
  spans: Span[];
  /** Spans left out (no readable trace or span id): answered as a partial success. */
  rejected: number;
}

/**
 * Read one ExportTraceServiceRequest. Spans whose `code.*` attributes name a file and a line get
 * that as their location (relative paths stay relative: the run resolves them). `memo` lets the
 * spans of one program share their resource and scope objects across exports. Throws
 * OtlpDecodeError when the body is not such a request in `encoding`.
 */
export function decodeTraceExport(body: Uint8Array, encoding: OtlpEncoding, memo?: ParseMemo): DecodedExport {
  let value: unknown;
  if (encoding === 'protobuf') {
    let message: protobuf.Message;
    try {
      message = ExportRequest.decode(body);
    } catch (e) {
      throw new OtlpDecodeError(`not a protobuf ExportTraceServiceRequest (${(e as Error).message})`);
    }
    value = ExportRequest.toObject(message, TO_JSON_SHAPE);
  } else {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    try {
      value = parseJson(text);
    } catch (e) {
      throw new OtlpDecodeError(`not valid JSON (${e instanceof JsonSyntaxError ? e.message : String(e)})`);
    }
  }
  // proto3 leaves empty lists out: `{}` (or an empty protobuf body) is an export of no spans.
  if (value && typeof value === 'object' && !Array.isArray(value) && !('resourceSpans' in value) && !('resource_spans' in value)) return { spans: [], rejected: 0 };
  const read = readOtlp(value, memo);
  if (!read) throw new OtlpDecodeError('not an OTLP trace export (no resourceSpans list)');
  for (const span of read.spans) {
    if (span.location) continue;
    const location = locationFromCodeAttributes(span.attributes);
    if (location) span.location = location;
  }
  return { spans: read.spans, rejected: read.skipped };
}

/** The body of a 200 answer: an ExportTraceServiceResponse, with partial_success when spans were left out. */
export function exportResponseBody(encoding: OtlpEncoding, rejected: number): Uint8Array | string {
  const partial = rejected > 0 ? { partialSuccess: { rejectedSpans: rejected, errorMessage: `${rejected} span(s) without a readable traceId/spanId were left out` } } : {};
  if (encoding === 'json') {
    // int64 is a decimal string in OTLP/JSON.
    return rejected > 0 ? JSON.stringify({ partialSuccess: { ...partial.partialSuccess, rejectedSpans: String(rejected) } }) : '{}';
  }
  return ExportResponse.encode(ExportResponse.fromObject(partial)).finish();
}

/** The body of a failed request: google.rpc.Status (gRPC `code`, message) in the request's encoding. */
export function statusBody(encoding: OtlpEncoding, code: number, message: string): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code, message });
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}

/** Decode a google.rpc.Status body (tests, and an exporter's view of our answer). */
export function decodeStatusBody(body: Uint8Array): { code: number; message: string } {
  const status = RpcStatus.toObject(RpcStatus.decode(body), { defaults: true }) as { code: number; message: string };
  return status;
}

/** Decode an ExportTraceServiceResponse body (tests). */
export function decodeExportResponse(body: Uint8Array): { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } } {
  return ExportResponse.toObject(ExportResponse.decode(body), { longs: String, defaults: false });
}
