/**
 * `span-lens diff`: two runs of a real program (the Node SDK, recorded with `span-lens run
 * --json`) whose sleep changes from 10 to 30 ms: the slower span is named with its line and
 * delta, and the exit status gates CI.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffCommand, parseThreshold } from '../../src/cli/diff';
import { runCommand } from '../../src/cli/run';
import { changeText, changesByLine, diffRuns } from '../../src/core/runDiff';
import { formatDuration } from '../../src/core/format';
import { parseText } from '../../src/core/parse';
import { NODE_FIXTURES, buildInject, markerLine } from '../fixtures/node/sdk';
import { captureCli } from './cliSupport';

async function record(env: Record<string, string>, file: string): Promise<void> {
  let out = '';
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const code = await runCommand([path.join(NODE_FIXTURES, 'sleepy.js'), '--json'], { stdout: (t) => (out += t), stderr: () => undefined }, new AbortController().signal);
    assert.strictEqual(code, 0);
  } finally {
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  // The saved run as tools keep it: one OTLP-free JSON document with SCHEMA.md spans.
  fs.writeFileSync(file, out);
}

const cli = (args: string[]) => captureCli(diffCommand, args);

describe('cli: span-lens diff', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    buildInject();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-diff-'));
    await record({ SLEEP_MS: '10' }, path.join(dir, 'a.json'));
    await record({ SLEEP_MS: '30' }, path.join(dir, 'b.json'));
    await record({ SLEEP_MS: '10', RETRY: '1' }, path.join(dir, 'c.json'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the span that got slower, with its line and delta, and exits 1', async () => {
    // 50% and 5 ms: the 5 ms cart load's timer jitter on a busy machine stays under it, +20 ms does not.
    const { code, out } = await cli([path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--threshold', '50%,5ms']);
    assert.strictEqual(code, 1, out);
    const line = markerLine(path.join(NODE_FIXTURES, 'sleepy.js'), 'payment.charge');
    assert.match(out, new RegExp(`^slower +checkout › payment\\.charge  sleepy\\.js:${line}  \\d+ ms → \\d+ ms  ▲ \\+(1[5-9]|[2-9]\\d) ms \\(\\+\\d+%\\)$`, 'm'));
    assert.doesNotMatch(out, /db\.load_cart/, 'what did not change is not listed');
    assert.match(out, /3 spans compared: [12] slower, 0 faster, 0 added, 0 removed/);
    const strict = await cli([path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    assert.match(strict.out, /^slower +checkout › payment\.charge/m, 'the default threshold (10%, 1 ms) names it too');
  });

  it('the other way round it is faster, exit 0; a new span is added; a generous threshold passes', async () => {
    const back = await cli([path.join(dir, 'b.json'), path.join(dir, 'a.json')]);
    assert.match(back.out, /^faster +checkout › payment\.charge/m);
    assert.strictEqual(back.code, /^slower /m.test(back.out) ? 1 : 0, 'exit 1 only when a span got slower');
    const added = await cli([path.join(dir, 'a.json'), path.join(dir, 'c.json'), '--threshold', '200%']);
    assert.match(added.out, /^added +checkout › payment\.retry  sleepy\.js:\d+/m);
    assert.strictEqual(added.code, 0);
    const loose = await cli([path.join(dir, 'a.json'), path.join(dir, 'b.json'), '--threshold=1s']);
    assert.strictEqual(loose.code, 0, '20 ms is under 1 s');
  });

  it('--json, thresholds, and inputs it cannot use', async () => {
    const { out } = await cli(['--json', path.join(dir, 'a.json'), path.join(dir, 'b.json')]);
    const charge = JSON.parse(out).changes.find((c: { name: string }) => c.name === 'payment.charge');
    assert.strictEqual(charge.status, 'slower');
    assert.ok(charge.deltaNs >= 15e6, String(charge.deltaNs));
    assert.deepStrictEqual(parseThreshold('10%,5ms'), { ratio: 0.1, ns: 5e6 });
    assert.deepStrictEqual(parseThreshold('200us'), { ns: 200e3 });
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, 'no spans here\n');
    assert.strictEqual((await cli([empty, path.join(dir, 'a.json')])).code, 2);
    assert.strictEqual((await cli([path.join(dir, 'a.json')])).code, 2);
    assert.match((await cli(['a', 'b', '--threshold', 'fast'])).err, /not a share \(10%\) or a time \(5ms\)/);
  });

  it('matches a loop by its median and by place in the tree, not by span id', () => {
    const text = (ms: number[]) =>
      ms.map((d, i) => `@@span-lens/1 n0nce ${JSON.stringify({ type: 'span', span: { traceId: 'a'.repeat(32), spanId: (i + 1).toString(16).padStart(16, '0'), name: 'item', startTimeUnixNano: '1000000000', endTimeUnixNano: String(1_000_000_000 + d * 1e6), location: { file: '/w/a.js', line: 3, column: 1 } } })}`).join('\n');
    const a = parseText(text([10, 10, 10, 50]), { nonce: 'n0nce' }).spans;
    const b = parseText(text([10, 11, 10, 90]), { nonce: 'n0nce' }).spans;
    const [c] = diffRuns(a, b);
    assert.strictEqual(c.status, 'same', 'the median of 10 ms did not move');
    assert.strictEqual(c.before.count, 4);
  });
});

describe('the change since the last run, per line (what a lens adds)', () => {
  it('the biggest change of a line, as ▲ +N, ▼ −N or · new', () => {
    const span = (id: number, name: string, line: number, ms: number) =>
      `@@span-lens/1 n0nce ${JSON.stringify({ type: 'span', span: { traceId: 'b'.repeat(32), spanId: id.toString(16).padStart(16, '0'), name, startTimeUnixNano: '1000000000', endTimeUnixNano: String(1_000_000_000 + ms * 1e6), location: { file: '/w/a.js', line, column: 1 } } })}`;
    const a = parseText([span(1, 'charge', 10, 10), span(2, 'load', 20, 40)].join('\n'), { nonce: 'n0nce' }).spans;
    const b = parseText([span(1, 'charge', 10, 31), span(2, 'load', 20, 28), span(3, 'retry', 30, 1)].join('\n'), { nonce: 'n0nce' }).spans;
    const lines = changesByLine(diffRuns(a, b)).get('/w/a.js')!;
    // Locations are 1-based in the records, 0-based in the model.
    assert.strictEqual(changeText(lines.get(9), formatDuration), ' ▲ +21 ms');
    assert.strictEqual(changeText(lines.get(19), formatDuration), ' ▼ −12 ms');
    assert.strictEqual(changeText(lines.get(29), formatDuration), ' · new');
    assert.strictEqual(changeText(undefined, formatDuration), '');
  });
});
