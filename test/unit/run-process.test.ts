/**
 * Owning the process tree: a stopped run ends every process it started within 2 s, timeouts
 * stop it too, and a run that cannot start says what to fix.
 */
import * as assert from 'assert';
import * as path from 'path';
import { isProcessRunning, runProcess } from '../../src/run/process';
import { runFile } from '../../src/run/runFile';
import { NODE_FIXTURES, buildInject } from '../fixtures/node/sdk';

/** Run a fixture until `ready(output)` holds, then abort; returns the output and timings. */
async function runThenStop(name: string, ready: (stdout: string) => boolean) {
  const controller = new AbortController();
  let stdout = '';
  let abortedAt = 0;
  const done = runFile(path.join(NODE_FIXTURES, name), {}, {
    signal: controller.signal,
    onOutput: (stream, chunk) => {
      if (stream !== 'stdout') return;
      stdout += chunk;
      if (!abortedAt && ready(stdout)) {
        abortedAt = Date.now();
        controller.abort();
      }
    },
  });
  const safety = setTimeout(() => controller.abort(), 20_000);
  const result = await done;
  clearTimeout(safety);
  return { result, stdout, stoppedInMs: Date.now() - abortedAt, abortedAt };
}

/** Pids from complete `pid N` lines (a chunk may end inside a number). */
function pidsIn(text: string): number[] {
  return [...text.matchAll(/^pid (\d+)\n/gm)].map((m) => Number(m[1]));
}

describe('run: stopping programs and their process trees', function () {
  this.timeout(60_000);
  before(() => buildInject());

  it('abort stops a program that loops forever within 2 s', async () => {
    const { result, stdout, stoppedInMs, abortedAt } = await runThenStop('forever.js', (out) => pidsIn(out).length === 1);
    assert.ok(abortedAt > 0, 'the program never printed its pid');
    assert.ok(stoppedInMs < 2000, `took ${stoppedInMs} ms`);
    assert.strictEqual(result.stopped, 'aborted');
    assert.strictEqual(result.exitCode, null);
    assert.strictEqual(result.signal, 'SIGTERM');
    const [pid] = pidsIn(stdout);
    assert.strictEqual(isProcessRunning(pid), false);
  });

  it('abort ends every process the program started (forked, spawned, detached) within 2 s', async () => {
    const { result, stdout, stoppedInMs } = await runThenStop('forks.js', (out) => pidsIn(out).length === 5);
    const pids = pidsIn(stdout);
    assert.strictEqual(pids.length, 5, stdout);
    assert.strictEqual(result.stopped, 'aborted');
    assert.ok(stoppedInMs < 2000, `took ${stoppedInMs} ms`);
    const alive = pids.filter(isProcessRunning);
    assert.deepStrictEqual(alive, [], `still running: ${alive.join(', ')}`);
  });

  it('a program that ignores SIGTERM, and its double-forked setsid grandchild, are all gone after a stop', async () => {
    const { result, stdout, stoppedInMs } = await runThenStop('escapes.js', (out) => pidsIn(out).length === 2);
    const pids = pidsIn(stdout);
    assert.strictEqual(pids.length, 2, stdout);
    assert.strictEqual(result.stopped, 'aborted');
    assert.strictEqual(result.signal, 'SIGKILL', 'SIGTERM was ignored: killed after the grace period');
    assert.ok(stoppedInMs < 4000, `took ${stoppedInMs} ms`);
    const alive = pids.filter(isProcessRunning);
    assert.deepStrictEqual(alive, [], `still running: ${alive.join(', ')}`);
  });

  it('a hard stop (a second Ctrl-C) kills the tree at once, without waiting out the grace period', async () => {
    const soft = new AbortController();
    const hard = new AbortController();
    let stdout = '';
    let hardAt = 0;
    const result = await runFile(path.join(NODE_FIXTURES, 'escapes.js'), {}, {
      signal: soft.signal,
      hardSignal: hard.signal,
      killGraceMs: 30_000,
      onOutput: (stream, chunk) => {
        if (stream !== 'stdout') return;
        stdout += chunk;
        if (!hardAt && pidsIn(stdout).length === 2) {
          soft.abort();
          setTimeout(() => {
            hardAt = Date.now();
            hard.abort();
          }, 200);
        }
      },
    });
    assert.strictEqual(result.stopped, 'aborted');
    assert.ok(Date.now() - hardAt < 3000, `took ${Date.now() - hardAt} ms after the hard stop (grace was 30 s)`);
    const alive = pidsIn(stdout).filter(isProcessRunning);
    assert.deepStrictEqual(alive, [], `still running: ${alive.join(', ')}`);
  });

  it('a timeout stops the program and says so', async () => {
    const started = Date.now();
    const result = await runFile(path.join(NODE_FIXTURES, 'forever.js'), {}, { timeoutMs: 400 });
    assert.strictEqual(result.stopped, 'timeout');
    assert.ok(Date.now() - started < 3000);
    assert.strictEqual(result.exitCode, null);
  });

  it('a stopped traced program still returns the spans it printed, and the span it had open', async () => {
    const { result } = await runThenStop('open_forever.js', (out) => pidsIn(out).length === 1);
    assert.strictEqual(result.stopped, 'aborted');
    const serve = result.spans.find((s) => s.name === 'serve');
    const startup = result.spans.find((s) => s.name === 'startup');
    assert.ok(serve && startup, `spans: ${result.spans.map((s) => s.name).join(', ')}`);
    assert.strictEqual(serve.endTimeUnixNano, null, 'the open span is reported when the run is stopped');
    assert.strictEqual(startup.parentSpanId, serve.spanId);
  });

  it('runProcess drains a program that writes far more than a pipe holds', async () => {
    let bytes = 0;
    const outcome = await runProcess(
      { command: process.execPath, args: ['-e', "process.stdout.write('x'.repeat(8 * 1024 * 1024)); process.stderr.write('y'.repeat(1024 * 1024))"], env: { ...process.env } as Record<string, string>, cwd: process.cwd() },
      { onStdout: (c) => (bytes += c.length), onStderr: (c) => (bytes += c.length) },
    );
    assert.strictEqual(outcome.exitCode, 0);
    assert.strictEqual(bytes, 9 * 1024 * 1024);
  });

  it('a missing toolchain is a message naming the setting to fix', async () => {
    const py = await runFile(path.join(NODE_FIXTURES, '..', '..', '..', 'examples', 'python', 'checkout.py'), { python: { path: '/nonexistent/python9' } });
    assert.strictEqual(py.error, '/nonexistent/python9 not found: set spanLens.python.path');
    const node = await runFile(path.join(NODE_FIXTURES, 'no_otel.js'), { node: { command: 'span-lens-no-such-node' } });
    assert.strictEqual(node.error, 'span-lens-no-such-node not found: set spanLens.node.command');
    const other = await runFile(path.join(NODE_FIXTURES, 'README.md'));
    assert.match(other.error ?? '', /cannot run \.md files/);
    const gone = await runFile(path.join(NODE_FIXTURES, 'no_such_program.js'));
    assert.match(gone.error ?? '', /no such file/);
    const badCwd = await runFile(path.join(NODE_FIXTURES, 'no_otel.js'), { cwd: '/nonexistent/folder' });
    assert.strictEqual(badCwd.error, 'the working folder /nonexistent/folder does not exist: set spanLens.run.cwd');
  });
});
