/**
 * `span-lens run`: the program's output, then the trace tree and a summary; --json for tools.
 */
import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import { isProcessRunning } from '../../src/run/process';
import * as path from 'path';
import { Readable } from 'stream';
import { runCommand, type RunCommandIo } from '../../src/cli/run';
import { NODE_FIXTURES, buildInject, markerLine } from '../fixtures/node/sdk';

async function cli(args: string[], stdin?: NodeJS.ReadableStream): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: RunCommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin };
  const code = await runCommand(args, io, new AbortController().signal);
  return { code, stdout, stderr };
}

const fixture = (name: string) => path.join(NODE_FIXTURES, name);

describe('cli: span-lens run', function () {
  this.timeout(60_000);
  before(() => buildInject());

  it('shows the program output, then the tree and a summary', async () => {
    const { code, stdout } = await cli([fixture('checkout.ts')]);
    assert.strictEqual(code, 0);
    const programAt = stdout.indexOf('exported 3 spans');
    const treeAt = stdout.indexOf('└─ span "checkout"');
    assert.ok(programAt >= 0 && treeAt > programAt, stdout);
    assert.match(stdout, /├─ span "db\.load_cart"/);
    assert.match(stdout, /└─ span "payment\.charge"/);
    assert.match(stdout, /3 spans in 1 trace, exit code 0/);
    assert.ok(!stdout.includes('@@span-lens'));
  });

  it('--json: exit status, spans with 1-based locations, unended spans, and nothing else on stdout', async () => {
    const file = fixture('never_ended.js');
    const { code, stdout, stderr } = await cli([file, '--json']);
    assert.strictEqual(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.strictEqual(report.exitCode, 0);
    assert.strictEqual(report.signal, null);
    assert.deepStrictEqual(report.unparsed, []);
    const open = report.spans.find((s: { name: string }) => s.name === 'open.child');
    assert.strictEqual(open.endTimeUnixNano, null);
    assert.strictEqual(open.location.line, markerLine(file, 'open.child'));
    assert.strictEqual(open.location.file, file);
    assert.ok(open.location.column >= 1);
    const parent = report.spans.find((s: { name: string }) => s.name === 'finished.parent');
    assert.strictEqual(open.parentSpanId, parent.spanId);
    assert.match(parent.durationNano, /^\d+$/);
    assert.strictEqual(report.facts.noExporter, true);
  });

  it('the program reads what is piped into span-lens run, to its end', async () => {
    const { code, stdout, stderr } = await cli([fixture('stdin_lines.js'), '--json'], Readable.from(['alpha one\nbeta', ' two\ngamma\n']));
    assert.strictEqual(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.deepStrictEqual(
      report.spans.map((s: { name: string; attributes: Record<string, unknown> }) => [s.name, s.attributes['line.text']]),
      [
        ['line alpha', 'alpha one'],
        ['line beta', 'beta two'],
        ['line gamma', 'gamma'],
      ],
    );
    assert.match(stderr, /read 3 lines/, 'the program saw the end of its input');
  });

  it('printf … | span-lens run: the real command gives the program its stdin and exits when it is done', () => {
    const cliJs = path.resolve(__dirname, '../../dist/cli.js');
    const r = spawnSync(process.execPath, [cliJs, 'run', fixture('stdin_lines.js')], { input: 'a\nb\n', encoding: 'utf8', timeout: 30_000 });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /^read 2 lines$/m);
    assert.match(r.stdout, /2 spans in 2 traces, exit code 0/);
  });

  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${sig} to span-lens run (a CI timeout, a closed terminal) ends the whole program tree, then the report is printed`, async () => {
      const cliJs = path.resolve(__dirname, '../../dist/cli.js');
      const child = spawn(process.execPath, [cliJs, 'run', fixture('escapes.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (c) => {
          stdout += c;
          if ([...stdout.matchAll(/^pid (\d+)$/gm)].length === 2) resolve();
        }),
      );
      child.kill(sig);
      const code = await exited;
      const pids = [...stdout.matchAll(/^pid (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepStrictEqual(pids.filter(isProcessRunning), [], 'every process of the program is gone');
      assert.match(stderr, new RegExp(`stopping the program \\(span-lens got ${sig}\\)`));
      assert.match(stdout, /stopped \(cancelled\)/, 'the report came after');
      assert.strictEqual(code, 128 + 9, 'the program ignored SIGTERM and was killed');
    });
  }

  it("the program's arguments after --, its exit code as ours", async () => {
    const { code, stdout } = await cli([fixture('args.js'), '--', '--json', 'two words']);
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(JSON.parse(stdout.split('\n')[0]).args, ['--json', 'two words']);
    assert.strictEqual((await cli([fixture('no_otel.js')])).code, 3);
  });

  it('--timeout stops the program: 128 + SIGTERM, and says it timed out', async () => {
    const { code, stdout } = await cli([fixture('forever.js'), '--timeout', '0.5']);
    assert.strictEqual(code, 143);
    assert.match(stdout, /stopped \(timed out\)/);
  });

  it('usage mistakes and unrunnable files: status 2 and a message', async () => {
    const noFile = await cli([]);
    assert.strictEqual(noFile.code, 2);
    assert.match(noFile.stderr, /which file/);
    const badTimeout = await cli([fixture('args.js'), '--timeout', 'soon']);
    assert.strictEqual(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /--timeout needs a number/);
    const ruby = await cli([fixture('README.md')]);
    assert.strictEqual(ruby.code, 2);
    assert.match(ruby.stderr, /cannot run \.md files/);
  });
});
