/**
 * Shared fixture plumbing: find ../shared/fixtures, load expected.json exactly (bigints kept),
 * and compare a parser's spans with the SDK ground truth as SCHEMA.md prescribes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseJson } from '../../src/core/json';
import type { Span } from '../../src/core/model';
import { attributeFromJson } from '../../src/core/schema';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Where the shared fixtures live (beside the repo, or SPAN_LENS_FIXTURES). */
export function fixturesRoot(): string | null {
  const candidates = [process.env.SPAN_LENS_FIXTURES, path.join(repoRoot, '..', 'shared', 'fixtures'), '/work/shared/fixtures'];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return null;
}

export interface Fixture {
  language: string;
  scenario: string;
  dir: string;
  expected: Expected;
  /** The stream the spans are printed on, as bytes. */
  output: Buffer;
}

export interface Expected {
  format: string;
  output_stream: 'stdout' | 'stderr';
  console_shows: string[];
  time_tolerance_ns: number;
  span_count: number;
  spans: Record<string, unknown>[];
  not_printed: Record<string, unknown>[];
  interleaved_program_lines?: string[];
  console_lossy: { span: number; path: string; reason: string }[];
}

/** Every scenario (shared and heldout, derived ones too) under the fixtures root. */
export function loadFixtures(): Fixture[] {
  const root = fixturesRoot();
  if (!root) return [];
  const out: Fixture[] = [];
  const bases = [root, path.join(root, '..', 'heldout'), path.join(root, 'heldout')];
  for (const base of bases) {
    if (!fs.existsSync(base)) continue;
    for (const language of fs.readdirSync(base).sort()) {
      const ldir = path.join(base, language);
      if (!fs.statSync(ldir).isDirectory() || language === 'heldout') continue;
      for (const scenario of fs.readdirSync(ldir).sort()) {
        const dir = path.join(ldir, scenario);
        if (!fs.statSync(dir).isDirectory()) continue;
        const derived = scenario.startsWith('derived-');
        const expectedFile = path.join(dir, derived ? 'derived-expected.json' : 'expected.json');
        if (!fs.existsSync(expectedFile)) continue;
        const expected = parseJson(fs.readFileSync(expectedFile, 'utf8')) as Expected;
        // Some fixtures write lossy paths as `links[2].traceState`; Span Lens paths are dotted (`links.2.traceState`).
        for (const l of expected.console_lossy ?? []) l.path = l.path.replace(/\[(\d+)\]/g, '.$1');
        const streamFile = path.join(dir, (derived ? 'derived-' : '') + `${expected.output_stream}.txt`);
        if (!fs.existsSync(streamFile)) continue;
        out.push({ language, scenario, dir, expected, output: fs.readFileSync(streamFile) });
      }
    }
  }
  return out;
}

type Json = Record<string, unknown>;

function numLike(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** Attribute values compare as SCHEMA.md says: numbers numerically (1 == 1.0), NaN wrapper aware. */
export function attrValueEqual(actual: unknown, expectedRaw: unknown): boolean {
  const expected = attributeFromJson(expectedRaw);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => attrValueEqual(actual[i], e));
  }
  if (numLike(actual) && numLike(expected)) {
    if (typeof actual === 'bigint' || typeof expected === 'bigint') return BigInt(actual as never).toString() === BigInt(expected as never).toString();
    return Object.is(actual, expected) || actual === expected;
  }
  return actual === expected;
}

function diffAttributes(actual: Record<string, unknown>, expected: Json, where: string, skip: Set<string>, problems: string[]): void {
  for (const [k, v] of Object.entries(expected)) {
    if (skip.has(`${where}.${k}`)) continue;
    if (!(k in actual)) problems.push(`${where}.${k} missing (expected ${show(v)})`);
    else if (!attrValueEqual(actual[k], v)) problems.push(`${where}.${k}: got ${show(actual[k])}, expected ${show(v)}`);
  }
  for (const k of Object.keys(actual)) if (!(k in expected) && !skip.has(`${where}.${k}`)) problems.push(`${where}.${k} unexpected (${show(actual[k])})`);
}

function show(v: unknown): string {
  const s = typeof v === 'bigint' ? v.toString() + 'n' : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return s && s.length > 120 ? s.slice(0, 120) + '…' : String(s);
}

function timeClose(actual: bigint | null | undefined, expected: unknown, tol: number): boolean {
  if (expected === null || expected === undefined) return actual === null || actual === undefined;
  if (actual === null || actual === undefined) return false;
  const d = actual - BigInt(String(expected));
  return (d < 0n ? -d : d) <= BigInt(tol);
}

/** Names from the root down to the span, following parent ids among the parsed spans. */
function spanPath(span: Span, byId: Map<string, Span>): string[] {
  const pathNames: string[] = [];
  const seen = new Set<string>();
  let cur: Span | undefined = span;
  while (cur && !seen.has(cur.spanId)) {
    seen.add(cur.spanId);
    pathNames.unshift(cur.name);
    cur = cur.parentSpanId ? byId.get(cur.parentSpanId) : undefined;
  }
  return pathNames;
}

/** Compare one parsed span with its expected object on the fields the console shows. */
export function compareSpan(actual: Span, expected: Json, shows: string[], tol: number, lossyPaths: Set<string>, byId: Map<string, Span>): string[] {
  const p: string[] = [];
  const has = (f: string) => shows.includes(f);
  const eq = (field: string, a: unknown, e: unknown) => {
    if (a !== e) p.push(`${field}: got ${show(a)}, expected ${show(e)}`);
  };
  if (has('traceId')) eq('traceId', actual.traceId, expected.traceId);
  if (has('spanId')) eq('spanId', actual.spanId, expected.spanId);
  if (has('parentSpanId')) eq('parentSpanId', actual.parentSpanId, expected.parentSpanId);
  if (has('parentIsRemote')) eq('parentIsRemote', actual.parentIsRemote, expected.parentIsRemote);
  if (has('name')) eq('name', actual.name, expected.name);
  if (has('kind')) eq('kind', actual.kind, expected.kind);
  if (has('startTimeUnixNano') && !timeClose(actual.startTimeUnixNano, expected.startTimeUnixNano, tol))
    p.push(`startTimeUnixNano: got ${actual.startTimeUnixNano}, expected ${expected.startTimeUnixNano} ±${tol}`);
  if (has('endTimeUnixNano') && !timeClose(actual.endTimeUnixNano, expected.endTimeUnixNano, tol))
    p.push(`endTimeUnixNano: got ${actual.endTimeUnixNano}, expected ${expected.endTimeUnixNano} ±${tol}`);
  if (has('durationNano')) {
    const d = actual.endTimeUnixNano === null ? null : actual.endTimeUnixNano - actual.startTimeUnixNano;
    if (!timeClose(d, expected.durationNano, 2 * tol)) p.push(`durationNano: got ${d}, expected ${expected.durationNano}`);
  }
  if (has('attributes')) diffAttributes(actual.attributes, expected.attributes as Json, 'attributes', lossyPaths, p);
  if (has('droppedAttributesCount')) eq('droppedAttributesCount', actual.droppedAttributesCount, expected.droppedAttributesCount);
  if (has('events')) {
    const ee = expected.events as Json[];
    if (actual.events.length !== ee.length) p.push(`events: got ${actual.events.length}, expected ${ee.length}`);
    else
      ee.forEach((e, i) => {
        const a = actual.events[i];
        if (a.name !== e.name) p.push(`events.${i}.name: got ${show(a.name)}, expected ${show(e.name)}`);
        // A console that prints no span times (Go WithoutTimestamps) prints no event times either.
        const timesShown = has('startTimeUnixNano') || has('endTimeUnixNano');
        if (timesShown && !lossyPaths.has(`events.${i}.timeUnixNano`) && !timeClose(a.timeUnixNano, e.timeUnixNano, tol))
          p.push(`events.${i}.timeUnixNano: got ${a.timeUnixNano}, expected ${e.timeUnixNano}`);
        diffAttributes(a.attributes, e.attributes as Json, `events.${i}.attributes`, lossyPaths, p);
      });
  }
  if (has('droppedEventsCount')) eq('droppedEventsCount', actual.droppedEventsCount, expected.droppedEventsCount);
  if (has('links')) {
    const le = expected.links as Json[];
    if (actual.links.length !== le.length) p.push(`links: got ${actual.links.length}, expected ${le.length}`);
    else
      le.forEach((e, i) => {
        const a = actual.links[i];
        if (a.traceId !== e.traceId) p.push(`links.${i}.traceId: got ${a.traceId}, expected ${e.traceId}`);
        if (a.spanId !== e.spanId) p.push(`links.${i}.spanId: got ${a.spanId}, expected ${e.spanId}`);
        if (!lossyPaths.has(`links.${i}.traceState`) && a.traceState !== e.traceState)
          p.push(`links.${i}.traceState: got ${show(a.traceState)}, expected ${show(e.traceState)}`);
        diffAttributes(a.attributes, e.attributes as Json, `links.${i}.attributes`, lossyPaths, p);
      });
  }
  if (has('droppedLinksCount')) eq('droppedLinksCount', actual.droppedLinksCount, expected.droppedLinksCount);
  if (has('status')) {
    const s = expected.status as Json;
    eq('status.code', actual.status.code, s.code);
    eq('status.message', actual.status.message, s.message);
  }
  if (has('traceState')) eq('traceState', actual.traceState, expected.traceState);
  if (has('resource')) diffAttributes(actual.resource, expected.resource as Json, 'resource', lossyPaths, p);
  if (has('serviceName')) eq('serviceName', actual.resource['service.name'] ?? null, expected.serviceName);
  if (has('scope')) {
    const s = expected.scope as Json;
    eq('scope.name', actual.scope.name, s.name);
    eq('scope.version', actual.scope.version, s.version);
    eq('scope.schemaUrl', actual.scope.schemaUrl, s.schemaUrl);
  }
  if (has('spanPath')) eq('spanPath', spanPath(actual, byId).join(' > '), (expected.spanPath as string[]).join(' > '));
  if (has('file')) eq('file', actual.location?.file, expected.file);
  if (has('line')) eq('line', actual.location ? actual.location.line + 1 : undefined, expected.line);
  if (has('thread')) eq('thread', actual.thread, expected.thread);
  return p;
}
