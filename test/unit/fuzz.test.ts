/**
 * Fuzzing every shared fixture: truncate, splice, flip bytes, duplicate, interleave noise.
 * The parser must not throw, must stay linear, and must still recover every span whose printed
 * lines lie outside the damaged region.
 */
import * as assert from 'assert';
import { createStreamParser, parseText } from '../../src/core/parse';
import type { OutputLine, ParseResult, Span, Unparsed } from '../../src/core/model';
import { loadFixtures } from './fixtureSupport';
import { frameRecord } from '../../src/core/parse/spanLens';
import { formatTree } from '../../src/cli/parse';
import { jsonForTerminal, terminalLine } from '../../src/core/safeText';
import { stringifyJson } from '../../src/core/json';
import { spanToSchema } from '../../src/core/schema';
import { describeSpan } from '../../src/core/describe';

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Mutation {
  name: string;
  bytes: Buffer;
  /** Byte range [from, to) of the original that was damaged; spans wholly outside must survive. */
  damaged: [number, number];
  /** Extra lines inserted before the damage (shifts later line numbers). */
}

const NOISE = [
  '{',
  '}',
  '{"not": "a span"}',
  'progress: {',
  '    "name": "fake indented line",',
  '\u001b[31mred\u001b[0m text',
  '\ufffd\u0000 binary-ish',
  'INFO: looks like a log line',
];

function mutations(src: Buffer, seed: number): Mutation[] {
  const r = rng(seed);
  const at = (max: number) => Math.floor(r() * max);
  const out: Mutation[] = [];
  const cut = at(src.length);
  out.push({ name: 'truncate', bytes: src.subarray(0, cut), damaged: [cut, src.length] });
  const a = at(src.length);
  const b = Math.min(src.length, a + 1 + at(200));
  out.push({ name: 'splice-out', bytes: Buffer.concat([src.subarray(0, a), src.subarray(b)]), damaged: [a, b] });
  const flipped = Buffer.from(src);
  const flips: number[] = [];
  for (let i = 0; i < 5; i++) {
    const p = at(src.length);
    flipped[p] = flipped[p] ^ (1 << at(8));
    flips.push(p);
  }
  out.push({ name: 'flip-bytes', bytes: flipped, damaged: [Math.min(...flips), Math.max(...flips) + 1] });
  const d = at(src.length);
  out.push({ name: 'duplicate-head', bytes: Buffer.concat([src.subarray(0, d), src.subarray(0, d), src.subarray(d)]), damaged: [d, d] });
  // Noise at a random line boundary.
  const nl = src.indexOf(0x0a, at(src.length));
  const pos = nl < 0 ? src.length : nl + 1;
  const noise = Buffer.from(NOISE.slice(0, 1 + at(NOISE.length)).join('\n') + '\n');
  out.push({ name: 'interleave-noise', bytes: Buffer.concat([src.subarray(0, pos), noise, src.subarray(pos)]), damaged: [pos, pos] });
  return out;
}

/** Byte offset of the start of each line of `buf`. */
function lineOffsets(buf: Buffer): number[] {
  const offs = [0];
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, i + 1)) offs.push(i + 1);
  return offs;
}

const key = (s: Span) => `${s.traceId}/${s.spanId}/${s.name}`;

describe('fuzzing the parsers with damaged fixtures', function () {
  this.timeout(300_000);
  const fixtures = loadFixtures().filter((f) => f.output.length < 2_000_000);

  for (const fx of fixtures) {
    it(`${fx.language}/${fx.scenario}: no throw, intact spans recovered`, () => {
      const clean = parseText(fx.output);
      const offs = lineOffsets(fx.output);
      const spanBytes = (s: Span): [number, number] => {
        const o = s.origin!;
        return [offs[o.line] ?? fx.output.length, offs[o.endLine + 1] ?? fx.output.length];
      };
      const problems: string[] = [];
      for (let seed = 1; seed <= 6; seed++) {
        for (const m of mutations(fx.output, seed * 7919 + fx.output.length)) {
          let result;
          try {
            result = parseText(m.bytes);
          } catch (err) {
            problems.push(`${m.name}#${seed} threw ${(err as Error).stack}`);
            continue;
          }
          const got = new Set(result.spans.map(key));
          for (const s of clean.spans) {
            if (!s.origin) continue;
            const [from, to] = spanBytes(s);
            // A span is intact when its printed bytes (plus its line ends) avoid the damage.
            const clear = to < m.damaged[0] || from > m.damaged[1] + 1;
            // Rust spans are reconstructed from several lines; only closed-over ones are judged.
            if (clear && !got.has(key(s)) && fx.language !== 'rust') problems.push(`${m.name}#${seed}: lost intact span ${s.name} (lines ${s.origin.line + 1}-${s.origin.endLine + 1}; damage bytes ${m.damaged})`);
          }
        }
      }
      assert.deepStrictEqual(problems.slice(0, 10), []);
    });
  }

  /** The same output fed in random chunks (1–300 bytes: a span, a line, a UTF-8 sequence split anywhere). */
  function inChunks(bytes: Buffer, r: () => number): Pick<ParseResult, 'spans' | 'output' | 'unparsed'> {
    const spans: Span[] = [];
    const output: OutputLine[] = [];
    const unparsed: Unparsed[] = [];
    const p = createStreamParser({ onSpan: (s) => spans.push(s), onOutput: (o) => output.push(o), onUnparsed: (u) => unparsed.push(u) });
    for (let i = 0; i < bytes.length; ) {
      const n = 1 + Math.floor(r() * 300);
      p.write(bytes.subarray(i, i + n));
      i += n;
    }
    p.end();
    return { spans, output, unparsed };
  }

  for (const fx of fixtures) {
    // Read whole, the readers take their shortcuts (a record read in place, repeated text
    // compared); read in chunks, they mostly cannot. Twice the output, so the second copy repeats the first.
    it(`${fx.language}/${fx.scenario}: whole or in random chunks, damaged or not, the same spans, lines and output`, () => {
      const twice = Buffer.concat([fx.output, fx.output]);
      const problems: string[] = [];
      for (let seed = 1; seed <= 2; seed++) {
        const r = rng(seed * 104729 + fx.output.length);
        for (const m of [{ name: 'intact', bytes: twice }, ...mutations(twice, seed * 7919 + twice.length)]) {
          const whole = parseText(m.bytes);
          const chunks = inChunks(m.bytes, r);
          for (const k of ['spans', 'output', 'unparsed'] as const) {
            try {
              assert.deepStrictEqual(chunks[k], whole[k]);
            } catch {
              problems.push(`${m.name}#${seed}: ${k} differ (${whole[k].length} whole, ${chunks[k].length} in chunks)`);
            }
          }
        }
      }
      assert.deepStrictEqual(problems, []);
    });
  }

  it('time grows linearly with input (8× input ≤ 16× time)', () => {
    const big = fixtures.reduce((a, b) => (b.output.length > a.output.length ? b : a), fixtures[0]);
    if (!big) return;
    const one = big.output;
    const eight = Buffer.concat(Array.from({ length: 8 }, () => one));
    const time = (buf: Buffer) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = process.hrtime.bigint();
        parseText(buf);
        best = Math.min(best, Number(process.hrtime.bigint() - t0));
      }
      return best;
    };
    time(one);
    const t1 = time(one);
    const t8 = time(eight);
    assert.ok(t8 <= 16 * t1, `1×: ${(t1 / 1e6).toFixed(1)} ms, 8×: ${(t8 / 1e6).toFixed(1)} ms`);
  });
});

/** Control and bidi characters a hostile or broken program may put in span text (#15 item 13). */
const HOSTILE_CHARS = [
  '\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u001b[2J', '\u001b]0;title\u0007', '\u001b[31m', '\u007f',
  '\u0080', '\u0085', '\u008d', '\u009b', '\u009d', '\u061c', '\u200e', '\u200f', '\u2028', '\u2029',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '`', '\n\n![i](http://e.example/i.png)', '"', '\\',
];
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('fuzzing span text with control and bidi characters (#15 item 13)', function () {
  this.timeout(120_000);
  const r = rng(1513);
  const word = () => {
    let s = '';
    const n = 1 + Math.floor(r() * 6);
    for (let i = 0; i < n; i++) s += r() < 0.5 ? HOSTILE_CHARS[Math.floor(r() * HOSTILE_CHARS.length)] : 'abcdé名 .-/'[Math.floor(r() * 11)];
    return s;
  };

  it('300 spans with hostile names, messages, keys and event names: read exactly, printed and hovered safely', () => {
    const schemaSpans: Record<string, unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      schemaSpans.push({
        traceId: 'ab'.repeat(16),
        spanId: (i + 1).toString(16).padStart(16, '0'),
        parentSpanId: i === 0 ? null : Math.floor(r() * i + 1).toString(16).padStart(16, '0'),
        name: word(),
        kind: 'INTERNAL',
        startTimeUnixNano: String(1795592759793000000n + BigInt(i) * 1000n),
        endTimeUnixNano: r() < 0.2 ? null : String(1795592759794000000n + BigInt(i) * 1000n),
        attributes: { [word()]: word() },
        events: [{ name: word(), timeUnixNano: '1795592759793500000', attributes: { [word()]: word() }, droppedAttributesCount: 0 }],
        links: [],
        status: { code: r() < 0.5 ? 'ERROR' : 'UNSET', message: word() },
        resource: { 'service.name': word() },
      });
    }
    const text = schemaSpans.map((span) => frameRecord('n0nce', { type: 'span', span })).join('\n') + '\n';
    const parsed = parseText(Buffer.from(text));
    assert.deepStrictEqual(parsed.unparsed, []);
    assert.deepStrictEqual(parsed.spans.map((s) => s.name), schemaSpans.map((s) => s.name), 'names are read exactly');

    const tree = formatTree(parsed.spans);
    assert.strictEqual(RAW_UNSAFE.exec(tree), null, 'tree output has no raw control or bidi character');
    assert.strictEqual(tree.split('\n').filter((l) => l.includes(' span "')).length, 300, 'one line per span');

    const json = jsonForTerminal(stringifyJson({ spans: parsed.spans.map(spanToSchema) }, 2));
    assert.strictEqual(/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/.exec(json), null);
    assert.deepStrictEqual((JSON.parse(json) as { spans: { name: string }[] }).spans.map((s) => s.name), schemaSpans.map((s) => s.name));

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const MarkdownIt = require('markdown-it') as new (o: object) => { render(s: string): string };
    const markdown = new MarkdownIt({ html: false, linkify: true });
    for (const span of parsed.spans) {
      const md = describeSpan(span, { showInWaterfallCommand: 'spanLens.showWaterfall' });
      assert.strictEqual(RAW_UNSAFE.exec(md.replace(/\n/g, ' ')), null, `hover of ${JSON.stringify(span.name)}`);
      const html = markdown.render(md);
      assert.doesNotMatch(html, /<img/, `an image rendered from ${JSON.stringify(span.name)}`);
      assert.strictEqual([...html.matchAll(/<a /g)].length, 1, 'only our own link');
      assert.strictEqual(terminalLine(span.name).includes('\n'), false);
    }
  });
});

describe('fuzzing the big and deep shapes (#15 items 1-3, 7)', function () {
  this.timeout(120_000);
  const next = rng(15);
  const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const id = (i: number, width: number) => (i + 1).toString(16).padStart(width, '0');
  const otlpSpan = (i: number, trace: string, parent: string | null, attributes: unknown[] = []) => ({
    traceId: trace,
    spanId: id(i, 16),
    ...(parent ? { parentSpanId: parent } : {}),
    name: `s${i}`,
    kind: 1,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
    endTimeUnixNano: String(1_700_000_000_000_000_001n + BigInt(i)),
    attributes,
  });
  const exportLine = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 'f' }, spans }] }] });

  /** Whole, and in random chunks of up to 1 MiB: the same span names, and nothing unparsed. */
  function readBothWays(text: string): Span[] {
    const whole = parseText(text);
    assert.deepStrictEqual(whole.unparsed, []);
    const chunked: Span[] = [];
    const parser = createStreamParser({ onSpan: (s) => chunked.push(s), onUnparsed: (u) => assert.fail(`unparsed in chunks: ${u.reason}`) });
    for (let at = 0; at < text.length; ) {
      const n = pick(1, 1 << 20);
      parser.write(text.slice(at, at + n));
      at += n;
    }
    parser.end();
    assert.deepStrictEqual(chunked.map((s) => s.name), whole.spans.map((s) => s.name));
    return whole.spans;
  }

  for (let round = 0; round < 12; round++) {
    const shape = ['long line', 'deep value', 'huge value', 'deep tree'][round % 4];
    it(`${shape} #${round >> 2}: every span read, whole or in chunks; the tree prints`, () => {
      const trace = id(round, 32);
      let spans: unknown[];
      if (shape === 'long line') spans = Array.from({ length: pick(20_000, 60_000) }, (_, i) => otlpSpan(i, trace, null, [{ key: 'p', value: { stringValue: 'x'.repeat(pick(0, 400)) } }]));
      else if (shape === 'deep value') {
        const depth = pick(100, 4000);
        const nest = (inner: unknown): unknown => (next() < 0.5 ? { arrayValue: { values: [inner] } } : { kvlistValue: { values: [{ key: 'k', value: inner }] } });
        let value: unknown = { stringValue: 'bottom' };
        // Built as text past a few hundred levels: JSON.stringify itself recurses.
        for (let d = 0; d < Math.min(depth, 200); d++) value = nest(value);
        const n = pick(10, 500);
        spans = Array.from({ length: n }, (_, i) => otlpSpan(i, trace, null, i === n >> 1 ? [{ key: 'deep', value: { stringValue: 'HOLE' } }] : []));
        const text = exportLine(spans).replace('{"stringValue":"HOLE"}', '{"arrayValue":{"values":['.repeat(Math.max(0, depth - 200)) + JSON.stringify(value) + ']}}'.repeat(Math.max(0, depth - 200)));
        const read = readBothWays(text + (next() < 0.5 ? '\n' : ''));
        assert.strictEqual(read.length, n);
        return;
      } else if (shape === 'huge value') spans = Array.from({ length: pick(2, 20) }, (_, i) => otlpSpan(i, trace, null, i === 1 ? [{ key: 'huge', value: { stringValue: 'h'.repeat(pick(1, 20) * 1_000_000) } }] : []));
      else {
        const depth = pick(2_500, 12_000);
        spans = Array.from({ length: depth }, (_, i) => otlpSpan(i, trace, i ? id(i - 1, 16) : null));
      }
      const text = exportLine(spans) + (next() < 0.5 ? '\n' : '');
      const read = readBothWays(text);
      assert.strictEqual(read.length, spans.length);
      const tree = formatTree(read);
      assert.strictEqual(tree.split('\n').filter((l) => l.includes(' span "s')).length, spans.length);
    });
  }
});
