/**
 * The stream demultiplexer: program output survives untouched and in order, spans are found
 * wherever chunk boundaries fall, forged frames are refused, damage is reported not thrown.
 */
import * as assert from 'assert';
import { StreamParser, parseWith, type FormatRegistry } from '../../src/core/parse/demux';
import { frameRecord } from '../../src/core/parse/spanLens';
import { parseText } from '../../src/core/parse';
import { emptySpan, type ParseResult, type Span } from '../../src/core/model';
import { spanToSchema } from '../../src/core/schema';
import { stringifyJson } from '../../src/core/json';

const NONCE = 'n0nce42';
function sampleSpan(i: number): Span {
  return {
    ...emptySpan(),
    traceId: 'ab'.repeat(16),
    spanId: i.toString(16).padStart(16, '0'),
    name: `op-${i}`,
    startTimeUnixNano: 1795592759793000000n + BigInt(i),
    endTimeUnixNano: 1795592759794000000n + BigInt(i),
    attributes: { big: 9223372036854775807n, nan: NaN, s: 'x' },
    location: { file: '/w/app.js', line: 9, column: 2, function: 'main' },
  };
}
function frame(i: number, nonce = NONCE): string {
  return frameRecord(nonce, { type: 'span', span: spanToSchema(sampleSpan(i)) }, stringifyJson);
}

/** A stand-in block format: blocks whose second line is `  "fake": true,` are spans. */
const fakeRegistry: FormatRegistry = {
  blocks: [
    {
      name: 'python-console',
      parseBlock(lines, startLine) {
        if (lines[1] !== '  "fake": true,') return null;
        return { spans: [{ ...emptySpan(), traceId: 't', spanId: String(startLine), name: lines[2].trim() }] };
      },
    },
  ],
  jsonLines: [],
  lines: [],
};

function chunked(registry: FormatRegistry, text: string, size: number, nonce?: string): ParseResult {
  const r: ParseResult = { spans: [], unparsed: [], output: [], formats: [], facts: {} };
  const p = new StreamParser(registry, { nonce, onSpan: (s) => r.spans.push(s), onOutput: (o) => r.output.push(o), onUnparsed: (u) => r.unparsed.push(u) });
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) p.write(bytes.subarray(i, i + size));
  p.end();
  return r;
}

describe('stream demux', () => {
  it('reads framed records and keeps program lines around them, in order', () => {
    const text = `hello\n${frame(1)}\nmiddle line\n${frame(2)}\nbye`;
    const r = parseText(text, { nonce: NONCE });
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['op-1', 'op-2']);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['hello', 'middle line', 'bye']);
    assert.strictEqual(r.spans[0].attributes.big, 9223372036854775807n);
    assert.ok(Number.isNaN(r.spans[0].attributes.nan));
    assert.deepStrictEqual(r.spans[0].location, { file: '/w/app.js', line: 9, column: 2, function: 'main' });
    assert.deepStrictEqual(r.formats, ['span-lens']);
  });

  it('merges the facts records of a run (a parent and its child process)', () => {
    const facts = (o: object) => frameRecord(NONCE, { type: 'facts', ...o });
    const text = [
      facts({ sdk: 'python', programExporters: ['BatchSpanProcessor'], lostAtExit: ['aa'], sdkDroppedSpans: 3, message: 'The program uses opentelemetry-api but not the SDK.' }),
      facts({ sdk: 'python', programExporters: ['ConsoleSpanExporter'], lostAtExit: ['bb'], droppedSpans: 2, sdkDroppedSpans: 1, future: true }),
    ].join('\n');
    const r = parseText(text, { nonce: NONCE });
    assert.deepStrictEqual(r.facts, {
      sdk: 'python',
      programExporters: ['BatchSpanProcessor', 'ConsoleSpanExporter'],
      lostAtExit: ['aa', 'bb'],
      droppedSpans: 2,
      sdkDroppedSpans: 4,
      message: 'The program uses opentelemetry-api but not the SDK.',
    });
    assert.deepStrictEqual(r.output, []);
  });

  it('gives the same result for every chunk size, even splitting UTF-8 sequences', () => {
    const text = `héllo 🚀\n${frame(1)}\nmiddle ✓\n${frame(2)}\n{\n  "fake": true,\n  fake-one\n}\nend`;
    const whole = chunked(fakeRegistry, text, 1 << 20, NONCE);
    assert.strictEqual(whole.spans.length, 3);
    for (const size of [1, 2, 3, 7, 64]) {
      const r = chunked(fakeRegistry, text, size, NONCE);
      assert.deepStrictEqual(r.output, whole.output, `chunk size ${size}`);
      assert.deepStrictEqual(r.spans.map((s) => s.name), whole.spans.map((s) => s.name), `chunk size ${size}`);
    }
  });

  it('refuses frames with another nonce: a program cannot forge spans', () => {
    const forged = frame(7, 'evil');
    const r = parseText(`${forged}\n${frame(1)}`, { nonce: NONCE });
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['op-1']);
    assert.deepStrictEqual(r.output.map((o) => o.text), [forged]);
  });

  it('keeps a partial program line glued before a frame as output', () => {
    const r = parseText(`progress: ${frame(3)}\n`, { nonce: NONCE });
    assert.deepStrictEqual(r.output.map((o) => o.text), ['progress: ']);
    assert.strictEqual(r.spans.length, 1);
  });

  it('reports a damaged frame instead of throwing', () => {
    const cut = frame(4).slice(0, 80);
    const r = parseText(`${cut}\n${frame(5)}\n`, { nonce: NONCE });
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['op-5']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.match(r.unparsed[0].reason, /damaged/);
    assert.strictEqual(r.unparsed[0].startLine, 0);
  });

  it('gives brace-shaped program text back as output, and a glued prefix too', () => {
    const text = '{\n  "not": "a span"\n}\nabc{\n  "fake": true,\n  glued\n}\n{\nlone brace then text\n}\n';
    const r = parseWith(fakeRegistry, text);
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['glued']);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['{', '  "not": "a span"', '}', 'abc', '{', 'lone brace then text', '}']);
    assert.deepStrictEqual(r.unparsed, []);
  });

  it('reports a span object cut off at the end of output with its line', () => {
    const text = 'before\n{\n  "trace_id": "0xab",\n  "name": "x",';
    const r = parseWith(fakeRegistry, text);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['before']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.strictEqual(r.unparsed[0].reason, 'a span object starts at line 2 and never closes');
  });

  it('replaces invalid UTF-8 and survives NUL bytes and 1 MB lines', () => {
    const bad = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a]), Buffer.from('x'.repeat(1 << 20) + '\n'), Buffer.from(frame(1) + '\n')]);
    const r = parseText(bad, { nonce: NONCE });
    assert.strictEqual(r.spans.length, 1);
    assert.strictEqual(r.output.length, 3);
    assert.strictEqual(r.output[1].text, '\ufffd\ufffd\u0000A');
    assert.strictEqual(r.output[2].text.length, 1 << 20);
  });

  it('stays linear: 20 MB of noise lines parse in well under a few seconds', () => {
    const line = 'noise { not json } ' + 'y'.repeat(80) + '\n';
    const text = line.repeat(200_000);
    const t0 = process.hrtime.bigint();
    const r = parseText(text);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.strictEqual(r.output.length, 200_000);
    assert.ok(ms < 5000, `took ${ms} ms`);
  });
});
