/**
 * Issue #15 item 8: `span-lens … | head` ends quietly with exit status 0 when the reader closes
 * its end early (EPIPE), for every subcommand; `run` and `check` stop the program they started.
 * The real command (`dist/cli.js`, built by `npm run build:cli`) is spawned with its stdout on a
 * pipe that the test closes after the first chunk, as `head -c 1` would.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, framedOutput, schemaSpan, tempDir } from './securitySupport';

const CLI = path.join(ROOT, 'dist', 'cli.js');

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  firstChunk: string;
}

/** Spawn the CLI, read one chunk of its stdout, close the pipe, and wait for it to end. */
function readOneChunkThenClose(args: string[], cwd: string, timeoutMs = 60_000): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let firstChunk = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.toString();
      child.stdout.destroy();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`span-lens ${args.join(' ')} did not end within ${timeoutMs} ms after its reader closed; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, firstChunk });
    });
  });
}

function assertQuiet(r: Ended, what: string): void {
  assert.ok(r.firstChunk.length > 0, `${what}: printed nothing before the pipe closed`);
  assert.doesNotMatch(r.stderr, /EPIPE|Error:|    at /, `${what}: a stack trace or error on stderr:\n${r.stderr}`);
  assert.equal(r.signal, null, `${what}: ended by ${r.signal}`);
  assert.equal(r.code, 0, `${what}: exit status ${r.code}; stderr:\n${r.stderr}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('security: a closed stdout (span-lens … | head) ends the CLI quietly, exit 0 (#15 item 8)', function () {
  this.timeout(180_000);
  let dir: string;
  let output: string;
  let program: string;

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run 'npm run build:cli' first`);
    dir = tempDir('epipe');
    // Enough output that the CLI is still writing when the reader goes: far over a 64 KiB pipe.
    const spans = [];
    for (let i = 0; i < 3000; i++) spans.push(schemaSpan({ name: `step ${i} ${'x'.repeat(60)}`, endTimeUnixNano: null, location: { file: path.join(dir, 'job.js'), line: i + 1, column: 1 } }));
    output = path.join(dir, 'out.txt');
    fs.writeFileSync(output, framedOutput(spans));
    program = path.join(dir, 'job.js');
    // Prints forever and records its pid, so the test can see it was stopped.
    fs.writeFileSync(program, `require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'pid'))}, String(process.pid));\nsetInterval(() => console.log('line '.repeat(200)), 1);\n`);
  });

  for (const args of [['parse'], ['tree'], ['html'], ['check', '--from']]) {
    it(`span-lens ${args.join(' ')} OUTPUT | head`, async () => {
      const r = await readOneChunkThenClose([...args, output], dir);
      assertQuiet(r, `span-lens ${args[0]}`);
    });
  }

  it('span-lens run PROGRAM | head: stops the program too', async () => {
    fs.rmSync(path.join(dir, 'pid'), { force: true });
    const r = await readOneChunkThenClose(['run', program], dir);
    assertQuiet(r, 'span-lens run');
    const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
    assert.equal(alive(pid), false, `the program (pid ${pid}) is still running`);
  });
});
