/**
 * OTLP/HTTP trace export bodies to spans, and the bodies the receiver answers with. Protobuf is
 * decoded by protobufjs from the official schema (traceService.json, see protoSchema.ts) into the
 * OTLP/JSON shape, so both encodings go through the one OTLP reader of the console formats
 * (core/parse/otlpJson.ts readOtlp).
 */
import * as protobuf from 'protobufjs/light';
import { locationFromCodeAttributes } from '../../core/codeLocation';
import { parseJsonLoose, readJsonRecord } from '../../core/json';
import type { Span } from '../../core/model';
import { readOtlp } from '../../core/parse/otlpJson';
import type { ParseMemo } from '../../core/parse/types';
import descriptor from './traceService.json';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

/** The body of an export could not be read: the receiver answers 400 with this message. */
export class OtlpDecodeError extends Error {}

const root = protobuf.Root.fromJSON(withoutAnyValueOneof(descriptor as protobuf.INamespace));
const ExportRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const ExportResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/**
 * The schema with AnyValue's members as plain fields instead of a `oneof`: the wire format is the
 * same, but protobufjs names a oneof's member through a virtual property whose setter deletes the
 * seven others from the message, turning every attribute value into a dictionary-mode object (a
 * fifth of the decode time). A well-formed AnyValue holds one member; toObject reads the members.
 */
function withoutAnyValueOneof(schema: protobuf.INamespace): protobuf.INamespace {
  const copy = JSON.parse(JSON.stringify(schema));
  let ns = copy;
  for (const name of ['opentelemetry', 'proto', 'common', 'v1', 'AnyValue']) ns = ns.nested[name];
  delete ns.oneofs;
  return copy;
}

/** google.rpc.Status, the body of a failed OTLP/HTTP request; two fields of it are all we send. */
const RpcStatus = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(RpcStatus);

/**
 * protobufjs message -> OTLP/JSON object: camelCase names as in the JSON mapping, 64-bit integers
 * as bigint (exact; readOtlp takes them, and Long -> decimal string was a tenth of the decode),
 * enums as numbers, bytes as base64 (ids are then replaced by hex, see hexIds).
 */
const TO_JSON_SHAPE: protobuf.IConversionOptions = { longs: BigInt, enums: Number, bytes: String, defaults: false };

type Ids = { traceId?: Uint8Array | string; spanId?: Uint8Array | string; parentSpanId?: Uint8Array | string };
type Decoded = { resourceSpans?: { scopeSpans?: { spans?: (Ids & { links?: Ids[] })[] }[] }[] };

function hex(bytes: Uint8Array | string | undefined): string | undefined {
  return bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex') : undefined;
}

/**
 * The span and link ids of `object` (toObject's base64) as OTLP/JSON's hex, from the decoded
 * bytes: readOtlp takes either, but decoding base64 back was ~40% of its time on protobuf exports.
 */
function hexIds(message: Decoded, object: Decoded): void {
  const rsList = message.resourceSpans ?? [];
  for (let i = 0; i < rsList.length; i++) {
    const ssList = rsList[i].scopeSpans ?? [];
    for (let j = 0; j < ssList.length; j++) {
      const spans = ssList[j].spans ?? [];
      const out = object.resourceSpans![i].scopeSpans![j].spans!;
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k];
        const o = out[k];
        o.traceId = hex(s.traceId) ?? o.traceId;
        o.spanId = hex(s.spanId) ?? o.spanId;
        if (s.parentSpanId && s.parentSpanId.length) o.parentSpanId = hex(s.parentSpanId);
        const links = s.links ?? [];
        for (let l = 0; l < links.length; l++) {
          o.links![l].traceId = hex(links[l].traceId) ?? o.links![l].traceId;
          o.links![l].spanId = hex(links[l].spanId) ?? o.links![l].spanId;
        }
      }
    }
  }
}

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
    hexIds(message as unknown as Decoded, value as Decoded);
  } else {
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    // JSON.parse first; the exact parser only for what it refuses (bare NaN/Infinity).
    const record = readJsonRecord(text);
    if ('error' in record) throw new OtlpDecodeError(`not valid JSON (${record.error})`);
    value = record.value;
  }
  // proto3 leaves empty lists out: `{}` (or an empty protobuf body) is an export of no spans.
  if (value && typeof value === 'object' && !Array.isArray(value) && !('resourceSpans' in value) && !('resource_spans' in value)) return { spans: [], rejected: 0 };
  let read = readOtlp(value, memo);
  if (!read) throw new OtlpDecodeError('not an OTLP trace export (no resourceSpans list)');
  // JSON.parse rounded a 64-bit number written bare (OTLP/JSON writes them as strings): re-read exactly.
  if (read.inexact && encoding === 'json') read = readOtlp(parseJsonLoose(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')), memo) ?? read;
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
