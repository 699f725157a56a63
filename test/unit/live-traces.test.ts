/**
 * Live runs: traces are complete when their root has ended (and a short quiet time passed), and
 * `span-lens run` shows each one while the program is still running; `--follow` gives tools one
 * JSON line per trace as it completes.
 */
import * as assert from 'assert';
import * as path from 'path';
import { runCommand, type RunCommandIo } from '../../src/cli/run';
import { LiveTraces } from '../../src/core/liveTraces';
import { emptySpan, type Span } from '../../src/core/model';
import { NODE_FIXTURES, buildInject } from '../fixtures/node/sdk';

function span(traceId: string, spanId: string, parent: string | null, ended = true): Span {
  return { ...emptySpan(), traceId, spanId, parentSpanId: parent, name: spanId, startTimeUnixNano: 1n, endTimeUnixNano: ended ? 2n : null };
}

describe('live traces', () => {
  it('a trace completes when its root has ended and nothing arrived for the quiet time', () => {
    const live = new LiveTraces(100);
    live.add(span('t1', 'child', 'root'), 0);
    assert.deepStrictEqual(live.tick(500), [], 'no root yet');
    live.add(span('t1', 'root', null), 1000);
    assert.deepStrictEqual(live.tick(1050), [], 'still in its quiet time');
    live.add(span('t1', 'late-child', 'root'), 1080);
    const [done] = live.tick(1200);
    assert.strictEqual(done.traceId, 't1');
    assert.deepStrictEqual(done.spans.map((s) => s.spanId), ['child', 'root', 'late-child']);
    assert.strictEqual(done.again, false);
    assert.deepStrictEqual(live.tick(5000), [], 'once');
  });

  it('a span arriving after its trace completed completes it again, with all its spans', () => {
    const live = new LiveTraces(100);
    live.add(span('t1', 'root', null), 0);
    live.tick(200);
    live.add(span('t1', 'straggler', 'root'), 300);
    const [again] = live.tick(500);
    assert.strictEqual(again.again, true);
    assert.deepStrictEqual(again.spans.map((s) => s.spanId), ['root', 'straggler']);
  });

  it('at the end of the run, traces whose root never ended complete as they are; an ended record replaces an open one', () => {
    const live = new LiveTraces(100);
    live.add(span('t2', 'open-root', null, false), 0);
    live.add(span('t2', 'child', 'open-root'), 10);
    assert.deepStrictEqual(live.tick(1000), []);
    live.add(span('t2', 'child', 'open-root', false), 20);
    const [left] = live.finish();
    assert.strictEqual(left.atExit, true);
    assert.deepStrictEqual(left.spans.map((s) => [s.spanId, s.endTimeUnixNano !== null]), [['open-root', false], ['child', true]], 'an open record does not replace an ended one');
    const live2 = new LiveTraces(100);
    live2.add(span('t3', 'r', null, false), 0);
    live2.add(span('t3', 'r', null), 10);
    assert.deepStrictEqual(live2.tick(200).map((t) => t.spans.map((s) => s.endTimeUnixNano !== null)), [[true]], 'an ended record replaces the open one');
  });
});

describe('cli: span-lens run shows traces live', function () {
  this.timeout(60_000);
  before(() => buildInject());

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const io: RunCommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const code = await runCommand(args, io, new AbortController().signal);
    return { code, stdout, stderr };
  }

  it('each trace’s tree is printed while the program runs, not after it ended', async () => {
    const { code, stdout } = await cli([path.join(NODE_FIXTURES, 'ticker.js'), '--', '5']);
    assert.strictEqual(code, 0);
    // 200 ms between ticks; a trace shows 100 ms after its root ended. Two ticks of slack keep
    // this true on a loaded machine.
    for (let i = 0; i < 3; i++) {
      const tree = stdout.indexOf(`└─ span "tick ${i}"`);
      const later = stdout.indexOf(`printed after tick ${i + 2}`);
      assert.ok(tree >= 0 && later >= 0, stdout);
      assert.ok(tree < later, `trace ${i} is shown while the program is still running (before tick ${i + 2}):\n${stdout}`);
    }
    assert.strictEqual(stdout.split('└─ span "tick 4"').length, 2, 'every tree once');
    assert.match(stdout, /10 spans in 5 traces, exit code 0/);
  });

  it('--follow: one JSON line per trace as it completes, then the run; the program’s output on stderr', async () => {
    const { code, stdout, stderr } = await cli([path.join(NODE_FIXTURES, 'ticker.js'), '--follow', '--', '3']);
    assert.strictEqual(code, 0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepStrictEqual(lines.map((l) => l.type), ['trace', 'trace', 'trace', 'run']);
    assert.deepStrictEqual(lines.slice(0, 3).map((l) => l.spans.map((s: { name: string }) => s.name).sort()), [['tick 0', 'work'], ['tick 1', 'work'], ['tick 2', 'work']]);
    assert.strictEqual(lines[3].exitCode, 0);
    assert.match(stderr, /printed after tick 2/);
  });
});
