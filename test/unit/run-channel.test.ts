/**
 * The run's side channel (src/run/channel.ts): injected processes report their spans over a
 * socket only the run listens on, so the program's stdout and stderr are its own, byte for byte.
 * Programs that redirect or close their stdout, children whose output their parent captures, a
 * child in the other language, a forged record and a peer cut off mid-record — run for real with
 * the Node SDK and the Python SDK from PyPI.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { openChannel } from '../../src/run/channel';
import { runFile } from '../../src/run/runFile';
import type { Span, Unparsed } from '../../src/core/model';
import { buildInject } from '../fixtures/node/sdk';
import { pythonWithSdk } from './sdks';

const FIXTURES = path.resolve(__dirname, '../fixtures/channel');

describe('run: the side channel', function () {
  this.timeout(60_000);
  let dir: string;
  let python: string;
  before(() => {
    buildInject();
    python = pythonWithSdk();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-channel-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a program that sends its stdout to a file: the file holds only its text, the spans reach the run', async () => {
    const log = path.join(dir, 'program.log');
    const result = await runFile(path.join(FIXTURES, 'redirects.js'), { args: [log] });
    assert.strictEqual(result.exitCode, 0, result.output.stderr.map((l) => l.text).join('\n'));
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['logged 0', 'logged 1', 'logged 2']);
    assert.strictEqual(fs.readFileSync(log, 'utf8'), 'line 0 to the log\nline 1 to the log\nline 2 to the log\n', 'no frame, no secret, in the program’s own file');
    assert.ok(result.spans.every((s) => s.location?.file === path.join(FIXTURES, 'redirects.js')), 'located');
  });

  it('a Python program that closes its stdout and stderr: every later span still arrives', async () => {
    let shown = '';
    const result = await runFile(path.join(FIXTURES, 'closes_stdout.py'), { python: { path: python } }, { onOutput: (_s, t) => (shown += t) });
    assert.strictEqual(result.exitCode, 0);
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['after-close-0', 'after-close-1', 'after-close-2']);
    assert.strictEqual(shown, 'closing my output\n', 'the program’s output, byte for byte, and nothing else');
  });

  it('children in both languages whose output the parent captures: every process reports, the output is the program’s', async () => {
    let stdout = '';
    const result = await runFile(path.join(FIXTURES, 'mixed.js'), { env: { SPAN_LENS_TEST_PYTHON: python } }, { onOutput: (s, t) => s === 'stdout' && (stdout += t) });
    assert.strictEqual(result.exitCode, 0, result.output.stderr.map((l) => l.text).join('\n'));
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['node.child', 'node.parent', 'python.child']);
    assert.deepStrictEqual(JSON.parse(stdout), { py: 'python child done', js: 'node child done' }, 'what the parent captured has no frames in it');
    assert.ok(result.formats.includes('span-lens'));
  });

  it('a forged record (wrong token), stray text and a record cut off by a disconnect: none becomes a span, each is said', async () => {
    const result = await runFile(path.join(FIXTURES, 'forger.js'));
    assert.strictEqual(result.exitCode, 0);
    assert.deepStrictEqual(result.spans.map((s) => s.name), ['honest.span']);
    const channel = result.unparsed.filter((u) => u.stream === 'channel');
    assert.ok(channel.some((u) => /2 line\(s\) on the run's channel were not records of this run/.test(u.reason)), JSON.stringify(channel));
    assert.strictEqual(channel.length, 2, JSON.stringify(channel));
    assert.ok(channel.some((u) => u.format === 'span-lens' && /record/.test(u.reason)), `the cut record is reported: ${JSON.stringify(channel)}`);
  });

  it('the channel itself: a private socket, several connections at once, wrong tokens counted, the folder removed on close', async () => {
    const spans: Span[] = [];
    const unparsed: Unparsed[] = [];
    const channel = await openChannel('tok_123', { onSpan: (s) => spans.push(s), onFacts: () => undefined, onFormat: () => undefined, onUnparsed: (u) => unparsed.push(u) });
    const folder = path.dirname(channel.address);
    assert.strictEqual(fs.statSync(folder).mode & 0o777, 0o700, 'only this user can reach it');
    const record = (token: string, i: number) =>
      `@@span-lens/1 ${token} ${JSON.stringify({ type: 'span', span: { traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), name: `s${i}`, startTimeUnixNano: '1', endTimeUnixNano: '2' } })}\n`;
    const send = (text: string) =>
      new Promise<void>((resolve) => {
        const c = net.connect({ path: channel.address }, () => c.end(text));
        c.on('close', () => resolve());
      });
    await Promise.all(Array.from({ length: 8 }, (_, p) => send(Array.from({ length: 50 }, (_, i) => record('tok_123', p * 50 + i)).join('') + record('nope', 999))));
    await channel.close(1000);
    assert.strictEqual(spans.length, 400);
    assert.strictEqual(channel.connections, 8);
    assert.strictEqual(channel.rejected, 8);
    assert.ok(!fs.existsSync(folder), 'removed');
  });
});
