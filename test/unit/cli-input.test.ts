/**
 * Saved output is read as a stream and `parse` writes its JSON span by span, so a file's size is
 * bounded by the memory its spans take, not by the longest string V8 can hold (files over
 * 512 MiB could not be decoded whole; 700k spans made "Invalid string length").
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseInput, writeJsonWithList } from '../../src/cli/input';
import { stringifyJson } from '../../src/core/json';
import { parseText } from '../../src/core/parse';
import { spanToSchema } from '../../src/core/schema';
import { fixturesRoot } from './fixtureSupport';

describe('cli: reading saved output as a stream', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-input-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parseInput reads every shared fixture exactly as parseText reads it whole', async () => {
    const root = fixturesRoot();
    assert.ok(root, 'the shared fixtures are there');
    const files = fs.readdirSync(root).flatMap((lang) => {
      const langDir = path.join(root, lang);
      return fs.statSync(langDir).isDirectory() ? fs.readdirSync(langDir).map((f) => path.join(langDir, f, 'stdout.txt')).filter((f) => fs.existsSync(f)) : [];
    });
    assert.ok(files.length > 20, `${files.length} fixtures`);
    for (const file of files) {
      const streamed = await parseInput(file);
      const whole = parseText(fs.readFileSync(file));
      assert.deepStrictEqual(streamed.spans.map(spanToSchema), whole.spans.map(spanToSchema), file);
      assert.deepStrictEqual(streamed.unparsed, whole.unparsed, file);
    }
  });

  it('a missing file or a folder is a message, not a stack trace', async () => {
    await assert.rejects(parseInput(path.join(dir, 'nope.txt')), /nope\.txt: no such file/);
    await assert.rejects(parseInput(dir), /is a directory, not an output file/);
  });

  it('parse output written span by span is exactly the JSON of the whole', async () => {
    const spans = parseText(fs.readFileSync(path.join(fixturesRoot()!, 'go', 'checkout_pretty_batch', 'stdout.txt'))).spans.map(spanToSchema);
    const rest = { unparsed: [{ startLine: 1, endLine: 2, reason: 'r' }], formats: ['go-stdouttrace'] };
    let written = '';
    await writeJsonWithList({ write: (t) => ((written += t), true) }, 'spans', spans, rest);
    assert.strictEqual(written, stringifyJson({ spans, ...rest }, 2) + '\n');
    let empty = '';
    await writeJsonWithList({ write: (t) => ((empty += t), true) }, 'spans', [], rest);
    assert.strictEqual(empty, stringifyJson({ spans: [], ...rest }, 2) + '\n');
  });

  it('span-lens parse of 30,000 one-span OTLP lines prints all of them, as valid JSON', () => {
    const file = path.join(dir, 'many.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const span = { traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), name: `work ${i}`, kind: 1, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000000001000' };
      lines.push(JSON.stringify({ resourceSpans: [{ resource: {}, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] }));
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'parse', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.strictEqual(out.spans.length, 30_000);
    assert.strictEqual(out.spans[29_999].name, 'work 29999');
  });
});
