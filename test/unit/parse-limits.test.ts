/**
 * Big and deep input loses nothing silently: a one-line export of tens of thousands of spans
 * (file exporters and JSON.stringify dumps write them) is read whole, with or without a trailing
 * newline, at once or in chunks; a line past the line limit is reported with its size; a value
 * nested thousands of levels deep is cut (and said) without losing its export; a 20 MB attribute
 * keeps its span, through a real run.
 */
import * as assert from 'assert';
import * as path from 'path';
import { createStreamParser, parseText } from '../../src/core/parse';
import { frameRecord } from '../../src/core/parse/spanLens';
import type { Span, Unparsed } from '../../src/core/model';
import { runFile } from '../../src/run/runFile';
import { NODE_FIXTURES, buildInject } from '../fixtures/node/sdk';

function otlpSpan(i: number, attributes: unknown[] = []): Record<string, unknown> {
  return {
    traceId: 'ab'.repeat(16),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: `work ${i}`,
    kind: 1,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) + 1000n),
    attributes,
  };
}

function otlpExport(spans: unknown[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
}

describe('parse: long lines and deep or huge values', function () {
  this.timeout(120_000);
  const N = 50_000;
  const line = otlpExport(Array.from({ length: N }, (_, i) => otlpSpan(i, [{ key: 'payload', value: { stringValue: 'x'.repeat(300) } }])));

  it(`a one-line OTLP export of ${N} spans (over 16 MiB), without a trailing newline, is read whole`, () => {
    assert.ok(line.length > 16 * 1024 * 1024, `${line.length} characters`);
    const r = parseText(line);
    assert.strictEqual(r.spans.length, N);
    assert.deepStrictEqual(r.unparsed, []);
    assert.strictEqual(r.spans[N - 1].name, `work ${N - 1}`);
  });

  it('the same line arriving in 64 KiB chunks (a run, a pipe) is read whole too', () => {
    const spans: Span[] = [];
    const parser = createStreamParser({ onSpan: (s) => spans.push(s) });
    for (let i = 0; i < line.length; i += 65536) parser.write(line.slice(i, i + 65536));
    parser.write('\nafter\n');
    parser.end();
    assert.strictEqual(spans.length, N);
  });

  it('a line past the line limit is reported with its size, not lost silently', () => {
    const unparsed: Unparsed[] = [];
    const parser = createStreamParser({ maxLineChars: 1024 * 1024, onUnparsed: (u) => unparsed.push(u) });
    parser.write(line);
    parser.end();
    assert.strictEqual(unparsed.length, 1);
    assert.match(unparsed[0].reason, /^a line of over \d+(\.\d)? Mi characters has no newline within the 1 Mi characters Span Lens reads as one line/);
  });

  it('a value nested 2,500 levels deep in one span of a 1,000-span export: every span kept, the value cut and said', () => {
    const depth = 2500;
    const deep = '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"bottom"}' + ']}}'.repeat(depth);
    const text = otlpExport(Array.from({ length: 1000 }, (_, i) => otlpSpan(i, i === 500 ? [{ key: 'deep', value: { stringValue: 'HERE' } }] : []))).replace('{"stringValue":"HERE"}', deep);
    const r = parseText(text + '\n');
    assert.deepStrictEqual(r.unparsed, []);
    assert.strictEqual(r.spans.length, 1000);
    const value = String(r.spans[500].attributes.deep);
    assert.ok(value.includes('nested deeper than 64 levels: cut'), value.slice(0, 100));
    assert.ok(r.spans[500].lossy?.some((l) => /nested deeper than 64 levels/.test(l.reason)), 'the cut is noted on the span');
  });

  it('a Span Lens record with an attribute nested 5,000 levels deep keeps its span', () => {
    const base = { traceId: 'a'.repeat(32), spanId: '1'.repeat(16), name: 'deep', startTimeUnixNano: '1795592759793000000', endTimeUnixNano: '1795592759794000000' };
    const frame = frameRecord('n0nce', { type: 'span', span: { ...base, attributes: { deep: 'HERE' } } }).replace('"HERE"', '['.repeat(5000) + ']'.repeat(5000));
    const r = parseText(frame + '\n', { nonce: 'n0nce' });
    assert.deepStrictEqual(r.unparsed, []);
    assert.strictEqual(r.spans.length, 1);
    assert.match(JSON.stringify(r.spans[0].attributes.deep), /nested deeper than 64 levels: cut/);
  });

  it('a real Node program that sets a 20 MB attribute: the span is kept with its value, the next span too', async () => {
    buildInject();
    const result = await runFile(path.join(NODE_FIXTURES, 'big_attribute.js'), {}, {});
    assert.deepStrictEqual(result.unparsed, []);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['big.payload', 'after']);
    assert.strictEqual(String(result.spans[0].attributes.payload).length, 20_000_000);
  });
});
