/**
 * `span-lens check`: what a CI job sees — the lines, the JSON, and the exit status.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkCommand } from '../../src/cli/check';
import { frameRecord } from '../../src/core/parse/spanLens';
import { captureCli } from './cliSupport';

const ROOT = path.resolve(__dirname, '..', '..');

const cli = (args: string[]) => captureCli(checkCommand, args);

describe('span-lens check', function () {
  this.timeout(60_000);
  let dir: string;
  let program: string;
  let output: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-check-'));
    program = path.join(dir, 'job.py');
    fs.writeFileSync(
      program,
      [
        'from opentelemetry import trace',
        'tracer = trace.get_tracer("job")',
        'span = tracer.start_span("sync")',
        'with tracer.start_as_current_span(f"GET /users/{uid}") as s:',
        '    pass',
        'probe = tracer.start_span("probe")  # span-lens-disable-line unended-span',
        '',
      ].join('\n'),
    );
    // Frames carry SCHEMA.md locations: 1-based, as the CLI prints them.
    const frame = (span: Record<string, unknown>) => frameRecord('n0nce', { type: 'span', span });
    const base = { traceId: 'a'.repeat(32), startTimeUnixNano: '1795592759793000000', endTimeUnixNano: '1795592759794000000', resource: { 'service.name': 'job' } };
    output = path.join(dir, 'run.txt');
    fs.writeFileSync(
      output,
      [
        'program says hello',
        frame({ ...base, spanId: '1'.repeat(16), name: 'sync', endTimeUnixNano: null, location: { file: program, line: 3, column: 8 } }),
        frame({ ...base, spanId: '2'.repeat(16), name: 'GET /users/8412', location: { file: program, line: 4, column: 6 } }),
        frame({ ...base, spanId: '3'.repeat(16), name: 'probe', endTimeUnixNano: null, location: { file: program, line: 6, column: 9 } }),
        '',
      ].join('\n'),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints file:line:col rule message (1-based) and exits 1 on an error finding', async () => {
    const r = await cli([program, '--from', output]);
    assert.equal(r.code, 1);
    const lines = r.out.trimEnd().split('\n');
    const rel = path.relative(process.cwd(), program);
    const shown = rel.startsWith('..') ? program : rel;
    assert.deepEqual(
      lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
      [`${shown}:3:8 unended-span`, `${shown}:4:6 span-name-cardinality`],
    );
    assert.match(lines[0], /unended-span span "sync" was started and never ended/);
    assert.match(r.err, /3 spans, 2 findings \(1 error, 1 warning\), score \d+/);
  });

  it('--json prints the findings and the score', async () => {
    const r = await cli(['--json', '--from', output, program]);
    assert.equal(r.code, 1);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['findings', 'score', 'spans', 'problems']);
    assert.equal(json.spans, 3);
    assert.deepEqual(json.problems, []);
    assert.equal(typeof json.score, 'number');
    assert.deepEqual(Object.keys(json.findings[0]), ['rule', 'severity', 'message', 'file', 'line', 'column', 'spanId', 'traceId']);
    assert.deepEqual(
      json.findings.map((f: { rule: string; severity: string; line: number; column: number; spanId: string }) => [f.rule, f.severity, f.line, f.column, f.spanId]),
      [
        ['unended-span', 'error', 3, 8, '1'.repeat(16)],
        ['span-name-cardinality', 'warning', 4, 6, '2'.repeat(16)],
      ],
    );
  });

  it('exits 0 when settings turn the error off, and reads the output alone without FILE', async () => {
    const settings = path.join(dir, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ rules: { 'unended-span': { severity: 'warning' } } }));
    const r = await cli(['--from', output, '--config', settings]);
    assert.equal(r.code, 0);
    assert.equal(r.out.trimEnd().split('\n').length, 2);
  });

  it('reports findings without a location at the output line their span came from', async () => {
    const bare = path.join(dir, 'bare.txt');
    fs.writeFileSync(bare, ['x', frameRecord('n', { type: 'span', span: { traceId: 'b'.repeat(32), spanId: '4'.repeat(16), name: 'lonely', startTimeUnixNano: '1', endTimeUnixNano: null, resource: { 'service.name': 'j' } } }), ''].join('\n'));
    const r = await cli(['--from', bare]);
    assert.equal(r.code, 1);
    assert.match(r.out, /bare\.txt:2:1 unended-span span "lonely"/);
  });

  it('exits 2 on usage errors, with a message in the user\'s words', async () => {
    assert.equal((await cli([])).code, 2);
    const unknown = await cli(['x.py', '--frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown option '--frobnicate'/);
    const missing = await cli([path.join(dir, 'nope.py')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.py: no such file/);
    const badConfig = path.join(dir, 'bad.json');
    fs.writeFileSync(badConfig, '{ rules: ');
    assert.match((await cli(['--from', output, '--config', badConfig])).err, /not JSON/);
    assert.equal((await cli(['--help'])).code, 0);
  });

  it('runs FILE with Span Lens when no output is given', async function () {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'inject', 'node-preload.js'))) {
      console.log('    SKIP running a program: the Node injection is not built (npm run build:inject)');
      this.skip();
    }
    const bad = path.join(ROOT, 'test', 'fixtures', 'checks', 'unended-span', 'bad.js');
    const r = await cli([bad]);
    assert.equal(r.code, 1);
    assert.match(r.out, /bad\.js:15:\d+ unended-span span "order\.parse"/);
    const good = await cli([path.join(ROOT, 'test', 'fixtures', 'checks', 'unended-span', 'good.js')]);
    assert.equal(good.code, 0);
    assert.equal(good.out, '');
  });

  describe('as a CI gate: a run that does not count exits 2 and says why, never "score 100"', () => {
    const node = (name: string) => path.join(ROOT, 'test', 'fixtures', 'node', name);

    it('a program that exits non-zero', async () => {
      const r = await cli([node('no_otel.js')]);
      assert.equal(r.code, 2);
      assert.match(r.err, /span-lens check: not checked: the program exited with code 3/);
      assert.doesNotMatch(r.err, /score/);
    });

    it('a program that crashes (ended by a signal): its output still shown, no findings on stdout', async () => {
      const prog = path.join(dir, 'crash.js');
      fs.writeFileSync(prog, "console.log('about to crash'); process.kill(process.pid, 'SIGSEGV');\n");
      const r = await cli([prog]);
      assert.equal(r.code, 2);
      assert.match(r.err, /not checked: the program was ended by SIGSEGV/);
      assert.match(r.err, /about to crash/, 'the program’s output is shown, on stderr');
      assert.equal(r.out, '');
    });

    it('a program that cannot start', async () => {
      const r = await cli([path.join(dir, 'job.txt')].map((f) => (fs.writeFileSync(f, 'x'), f)));
      assert.equal(r.code, 2);
      assert.match(r.err, /not checked: the program could not be run: Span Lens cannot run \.txt files/);
    });

    it('--timeout stops the program and its tree; the check does not count', async () => {
      const started = Date.now();
      const r = await cli([node('forever.js'), '--timeout', '1']);
      assert.equal(r.code, 2);
      assert.match(r.err, /not checked: the program was stopped after the 1 s timeout/);
      assert.ok(Date.now() - started < 15_000, 'stopped, not run forever');
    });

    it('-- ARGS reach the program, in the current folder, as with span-lens run', async () => {
      const r = await cli([node('args.js'), '--', '--json', 'two words']);
      assert.equal(r.code, 0, r.err);
      const printed = JSON.parse(r.err.split('\n').find((l) => l.startsWith('{"args"'))!);
      assert.deepEqual(printed, { args: ['--json', 'two words'], cwd: process.cwd() });
    });

    it('--from: output with no span, or with records that could not be read, exits 2 (--allow-unreadable relaxes the latter)', async () => {
      const empty = path.join(dir, 'empty.txt');
      fs.writeFileSync(empty, 'just program output\n');
      const none = await cli(['--from', empty]);
      assert.equal(none.code, 2);
      assert.match(none.err, /not checked: no span was read from .*empty\.txt/);
      assert.doesNotMatch(none.err, /score/);

      const damaged = path.join(dir, 'damaged.txt');
      fs.writeFileSync(damaged, fs.readFileSync(output, 'utf8') + frameRecord('n0nce', { type: 'span', span: { name: 'broken' } }) + '\n');
      const strict = await cli(['--from', damaged, program]);
      assert.equal(strict.code, 2);
      assert.match(strict.err, /not checked: 1 place\(s\) in the output looked like spans but could not be read \(lines \d+-\d+: /);
      const relaxed = await cli(['--from', damaged, program, '--allow-unreadable']);
      assert.equal(relaxed.code, 1, 'the findings decide again');
      assert.match(relaxed.err, /1 place\(s\) in the output looked like spans but could not be read/, 'still said');
    });
  });
});
