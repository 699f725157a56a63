/**
 * Python projects run as their users run them: `span-lens run` picks the project's own
 * interpreter (the active virtualenv, else a `.venv`/`venv` beside the file or above it, else
 * python3), says which one ran, and when the OpenTelemetry SDK is not installed for it, says so
 * and how to install it instead of "exited with code 1 and made no spans".
 *
 * The project's `.venv` is the test virtualenv with opentelemetry-sdk from PyPI
 * (`.ci/install-sdks.sh python`), linked into a scratch project; the SDK-less one is a fresh
 * `python -m venv --without-pip`.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCommand, type RunCommandIo } from '../../src/cli/run';
import { buildInject } from '../fixtures/node/sdk';
import { SDK_DIR, pythonWithSdk } from './sdks';

const CHECKOUT = path.resolve(__dirname, '../fixtures/python/checkout.py');

async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: RunCommandIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    const code = await runCommand(args, io, new AbortController().signal);
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('run: Python projects (the project’s interpreter, a missing SDK explained)', function () {
  this.timeout(60_000);
  let scratch: string;
  before(() => {
    pythonWithSdk();
    buildInject();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-pyproj-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  /** A project folder holding the checkout program in `sub` (so a venv can sit above it). */
  function project(name: string, sub = ''): { root: string; file: string } {
    const root = path.join(scratch, name);
    fs.mkdirSync(path.join(root, sub), { recursive: true });
    const file = path.join(root, sub, 'checkout.py');
    fs.copyFileSync(CHECKOUT, file);
    return { root, file };
  }

  it('a .venv above the file runs it, and the run says which interpreter that was', async () => {
    const { root, file } = project('with-venv', 'src');
    fs.symlinkSync(path.join(SDK_DIR, 'python-venv'), path.join(root, '.venv'), 'dir');
    const { code, stdout, stderr } = await cli([file, '--json'], { VIRTUAL_ENV: undefined });
    assert.strictEqual(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.deepStrictEqual(report.spans.map((s: { name: string }) => s.name).sort(), ['checkout', 'db.load_cart', 'payment.charge']);
    assert.ok(stderr.includes(`Python: ${path.join(root, '.venv', 'bin', 'python')} (the .venv above the file)`), stderr);
  });

  it('an active virtualenv ($VIRTUAL_ENV) wins over a .venv beside the file', async () => {
    const { root, file } = project('active-venv');
    // A .venv without the SDK beside the file: choosing it would fail the run.
    const bare = spawnSync(pythonWithSdk(), ['-m', 'venv', '--without-pip', path.join(root, '.venv')], { encoding: 'utf8' });
    assert.strictEqual(bare.status, 0, bare.stderr);
    const { code, stdout, stderr } = await cli([file, '--json'], { VIRTUAL_ENV: path.join(SDK_DIR, 'python-venv') });
    assert.strictEqual(code, 0, stderr);
    assert.strictEqual(JSON.parse(stdout).spans.length, 3);
    assert.match(stderr, /Python: .*python-venv\/bin\/python \(the active virtualenv \(\$VIRTUAL_ENV\)\)/);
  });

  it('without the SDK: says it is not installed for that interpreter and gives the pip command', async () => {
    const { root, file } = project('no-sdk');
    const venv = path.join(root, 'venv');
    const made = spawnSync(pythonWithSdk(), ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' });
    assert.strictEqual(made.status, 0, made.stderr);
    const python = path.join(venv, 'bin', 'python');
    const { code, stdout, stderr } = await cli([file], { VIRTUAL_ENV: undefined });
    assert.strictEqual(code, 1, 'the program’s own exit code');
    assert.match(stdout, /0 spans in 0 traces, exit code 1/);
    assert.ok(
      stderr.includes(`span-lens run: the OpenTelemetry SDK is not installed for ${python} (No module named 'opentelemetry'): install it with \`${python} -m pip install opentelemetry-sdk\``),
      stderr,
    );
    const json = await cli([file, '--json'], { VIRTUAL_ENV: undefined });
    assert.match(JSON.parse(json.stdout).failure, /pip install opentelemetry-sdk/);
  });
});
