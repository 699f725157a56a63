/**
 * Span Lens's own framed JSON-lines format, printed by the injected exporters (docs/format.md).
 *
 *   @@span-lens/1 <nonce> {"type":"span","span":{...SCHEMA.md span + location...}}
 *
 * The nonce is random per run and handed to the exporter through the environment, so a run's
 * parser accepts only frames carrying it: program output cannot forge or break a record.
 */
import type { RunFacts, Span } from '../model';
import { parseJson } from '../json';
import { spanFromSchema } from '../schema';

/** The marker that starts every frame; the version number changes if the record shape does. */
export const SPAN_LENS_MARKER = '@@span-lens/1 ';

export interface SpanLensRecord {
  spans: Span[];
  facts?: RunFacts;
  error?: string;
}

/** Build a frame line (without the newline). Used by tests and by the Node preload's twin. */
export function frameRecord(nonce: string, record: unknown, stringify: (v: unknown) => string = JSON.stringify): string {
  return `${SPAN_LENS_MARKER}${nonce} ${stringify(record)}`;
}

/**
 * Read one frame starting at the marker. Returns null when the text is not a frame we accept
 * (wrong nonce, no JSON), so the line stays program output.
 */
export function readSpanLensRecord(text: string, nonce?: string): SpanLensRecord | null {
  const rest = text.slice(SPAN_LENS_MARKER.length);
  const sp = rest.indexOf(' ');
  if (sp <= 0) return null;
  const frameNonce = rest.slice(0, sp);
  if (nonce !== undefined && frameNonce !== nonce) return null;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(frameNonce)) return null;
  const json = rest.slice(sp + 1);
  let value: unknown;
  try {
    value = parseJson(json);
  } catch (err) {
    return { spans: [], error: `a Span Lens record is damaged: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object') return { spans: [], error: 'a Span Lens record is not an object' };
  const rec = value as Record<string, unknown>;
  switch (rec.type) {
    case 'span':
    case 'unended': {
      const span = spanFromSchema(rec.span);
      if (!span) return { spans: [], error: `a Span Lens ${rec.type} record lacks ids, name or start time` };
      if (rec.type === 'unended') span.endTimeUnixNano = null;
      return { spans: [span] };
    }
    case 'facts': {
      const facts: RunFacts = {};
      if (typeof rec.sdk === 'string') facts.sdk = rec.sdk;
      if (Array.isArray(rec.programExporters)) facts.programExporters = rec.programExporters.filter((x): x is string => typeof x === 'string');
      if (typeof rec.noExporter === 'boolean') facts.noExporter = rec.noExporter;
      if (Array.isArray(rec.lostAtExit)) facts.lostAtExit = rec.lostAtExit.filter((x): x is string => typeof x === 'string');
      if (typeof rec.droppedSpans === 'number') facts.droppedSpans = rec.droppedSpans;
      if (typeof rec.sdkDroppedSpans === 'number' && rec.sdkDroppedSpans > 0) facts.sdkDroppedSpans = rec.sdkDroppedSpans;
      if (typeof rec.message === 'string' && rec.message) facts.message = rec.message;
      return { spans: [], facts };
    }
    default:
      // A newer exporter's record type: skip it quietly (forward compatible).
      return { spans: [] };
  }
}
