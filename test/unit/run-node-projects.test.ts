/**
 * Real Node and TypeScript project layouts run through runFile as their users run them: pnpm and
 * npm workspaces, a tool from node_modules/.bin, TypeScript as ESM and CommonJS with the
 * project's tsconfig, and HTTP auto-instrumentation registered by an import. Each project's
 * packages come from the npm registry by its lockfile (`.ci/install-sdks.sh node`).
 *
 * Every span is asserted: its name, its parent and the file and line that started it (marked
 * `// @span NAME` in the project, read by markerLines).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Span } from '../../src/core/model';
import { planLaunch } from '../../src/run/launch';
import { runFile, type RunResult } from '../../src/run/runFile';
import { buildInject, markerLines } from '../fixtures/node/sdk';
import { nodeProject } from './sdks';

interface Captured {
  result: RunResult;
  stdout: string;
  stderr: string;
}

async function run(file: string, settings: Parameters<typeof runFile>[1] = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const result = await runFile(file, settings, {
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk;
      else stderr += chunk;
    },
  });
  assert.strictEqual(result.error, undefined, `run failed: ${result.error}`);
  assert.strictEqual(result.exitCode, 0, `exit code ${result.exitCode}\n${stdout}\n${stderr}`);
  return { result, stdout, stderr };
}

/** The program's output without Span Lens, run as its users run it. */
function runPlain(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The run's spans as `name <- parent name @ file:line` (paths relative to the project, lines
 * 1-based), sorted, so one deepStrictEqual compares every span, its parent and its start line.
 */
function outline(spans: Span[], root: string): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .map((s) => {
      const parent = s.parentSpanId === null ? '(root)' : (byId.get(s.parentSpanId)?.name ?? `(missing ${s.parentSpanId})`);
      const at = s.location ? `${path.relative(root, s.location.file)}:${s.location.line + 1}` : '(no location)';
      return `${s.name} <- ${parent} @ ${at}`;
    })
    .sort();
}

/** `name <- parent @ file:line` with the line read from the `// @span NAME` marker. */
function expected(root: string, name: string, parent: string, file: string, marker = name): string {
  const lines = markerLines(path.join(root, file), marker);
  assert.strictEqual(lines.length, 1, `one marker for ${marker} in ${file}`);
  return `${name} <- ${parent} @ ${file}:${lines[0]}`;
}

describe('run: Node and TypeScript projects as their ecosystems lay them out', function () {
  this.timeout(180_000);

  before(() => buildInject());

  it("a pnpm workspace: packages symlinked into node_modules/.pnpm load once; the workspace package's span is located in its own file", async () => {
    const root = nodeProject('pnpm-workspace');
    const file = path.join(root, 'app.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain('node', [file], root), 'the program behaves as without Span Lens');
    assert.ok(stdout.includes('exported 2 spans'), stdout);
    assert.deepStrictEqual(outline(result.spans, root), [
      expected(root, 'inventory.reserve', 'order', 'packages/inventory/index.js'),
      expected(root, 'order', '(root)', 'app.js'),
    ]);
    assert.strictEqual(result.facts.noExporter, false, "both packages share the program's provider");
  });

  it('npm workspaces: spans of the workspace package are located in packages/pricing, not at the caller', async () => {
    const root = nodeProject('npm-workspaces');
    const file = path.join(root, 'packages', 'app', 'main.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain('node', [file], root));
    assert.ok(stdout.includes('exported 4 spans'), stdout);
    const line = expected(root, 'pricing.line', 'pricing.cart', 'packages/pricing/index.js');
    assert.deepStrictEqual(outline(result.spans, root), [
      expected(root, 'checkout', '(root)', 'packages/app/main.js'),
      expected(root, 'pricing.cart', 'checkout', 'packages/pricing/index.js'),
      line,
      line,
    ]);
  });

  it('a tool run from node_modules/.bin: its own spans, in its own trace, located in the tool', async () => {
    const root = nodeProject('bin-runner');
    const file = path.join(root, 'app.js');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain('node', [file], root));
    assert.ok(stdout.includes('report-tool: 2 pages, 3 spans') && stdout.includes('bin-runner: 1 spans'), stdout);
    const page = expected(root, 'report.page', 'report.render', 'tools/report-tool/cli.js');
    assert.deepStrictEqual(outline(result.spans, root), [
      expected(root, 'build', '(root)', 'app.js'),
      page,
      page,
      expected(root, 'report.render', '(root)', 'tools/report-tool/cli.js'),
    ]);
    const build = result.spans.find((s) => s.name === 'build')!;
    const render = result.spans.find((s) => s.name === 'report.render')!;
    assert.notStrictEqual(render.traceId, build.traceId, 'the tool is a process of its own with its own trace');
  });
  it("TypeScript ESM (\"type\": \"module\") with the project's own tsx: top-level await, import.meta, './cart.js' meaning cart.ts; spans on the .ts lines", async () => {
    const root = nodeProject('ts-esm');
    const file = path.join(root, 'src', 'main.ts');
    const plan = planLaunch(file);
    assert.ok(plan.args.includes(`file://${path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`), `the project's own tsx runs it: ${plan.args.join(' ')}`);
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain(path.join(root, 'node_modules', '.bin', 'tsx'), [file], root), 'the same output as `tsx src/main.ts`');
    assert.ok(stdout.includes('module=esm items=2 currency=EUR') && stdout.includes('exported 2 spans'), stdout);
    assert.deepStrictEqual(outline(result.spans, root), [
      expected(root, 'cart.load', 'checkout', 'src/cart.ts'),
      expected(root, 'checkout', '(root)', 'src/main.ts'),
    ]);
  });

  it('a .cts file in a "type": "module" package runs as CommonJS (require, __filename)', async () => {
    const root = nodeProject('ts-esm');
    const file = path.join(root, 'src', 'legacy.cts');
    const { stdout } = await run(file);
    assert.strictEqual(stdout, 'module=cjs file=legacy.cts\n');
  });

  it("tsconfig.json that extends a base with paths (@lib/*) and experimentalDecorators, run by Span Lens's tsx: decorated methods' spans located in the decorator, nested under the caller's span", async () => {
    const root = nodeProject('ts-tsconfig');
    const file = path.join(root, 'src', 'app.ts');
    // The file's own tsconfig applies wherever the run's working folder is.
    const { result, stdout } = await run(file, { cwd: path.join(root, '..') });
    assert.strictEqual(stdout, 'module=cjs exported 3 spans\n');
    const place = expected(root, 'orders.place', 'batch', 'src/lib/traced.ts', 'traced');
    assert.deepStrictEqual(outline(result.spans, root), [expected(root, 'batch', '(root)', 'src/app.ts'), place, place]);
    assert.deepStrictEqual(result.spans.filter((s) => s.name === 'orders.place').map((s) => s.attributes.sku).sort(), ['sku-1', 'sku-2']);
  });

  it('an .mts file in a CommonJS package is an ES module: top-level await, import.meta and the paths alias', async () => {
    const root = nodeProject('ts-tsconfig');
    const file = path.join(root, 'src', 'esm.mts');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, 'module=esm meta=true exported 1 spans\n');
    assert.deepStrictEqual(outline(result.spans, root), [expected(root, 'esm.main', '(root)', 'src/esm.mts')]);
  });

  it("a project whose runner is ts-node (its devDependency) runs with that ts-node, spans on the .ts lines through ts-node's source maps", async () => {
    const root = nodeProject('ts-node-cjs');
    const file = path.join(root, 'src', 'app.ts');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, runPlain(path.join(root, 'node_modules', '.bin', 'ts-node'), [file], root));
    assert.strictEqual(stdout, 'runner=ts-node order=7\n');
    assert.deepStrictEqual(outline(result.spans, root), [expected(root, 'order.submit', '(root)', 'src/app.ts')]);
  });

  it("import './tracing' first registers HTTP auto-instrumentation before 'http' is imported: the client and server spans of a request to 127.0.0.1 are there", async () => {
    const root = nodeProject('ts-import-order');
    const file = path.join(root, 'src', 'main.ts');
    const { result, stdout } = await run(file);
    assert.strictEqual(stdout, 'body=pong exported 3 spans: GET, GET, ping.client\n', "the program's own exporter got the HTTP spans");
    const client = result.spans.find((s) => s.name === 'GET' && s.kind === 'CLIENT');
    const server = result.spans.find((s) => s.name === 'GET' && s.kind === 'SERVER');
    assert.ok(client && server, `HTTP spans: ${result.spans.map((s) => `${s.name} ${s.kind}`).join(', ')}`);
    assert.strictEqual(server.parentSpanId, client.spanId, 'the server span continues the client span (traceparent over the wire)');
    assert.strictEqual(client.attributes['http.method'] ?? client.attributes['http.request.method'], 'GET');
    // The server span starts inside Node's HTTP server: no line of the program is on the stack.
    assert.deepStrictEqual(outline(result.spans, root), [
      'GET <- GET @ (no location)',
      expected(root, 'GET', 'ping.client', 'src/main.ts'),
      expected(root, 'ping.client', '(root)', 'src/main.ts'),
    ]);
  });
  for (const [example, file] of [['node', 'checkout.js'], ['typescript', 'checkout.ts']]) {
    it(`examples/${example}/${file} runs with no settings once npm install ran there: the checkout, its two children, each on its line`, async () => {
      const root = nodeProject(example, 'examples');
      const program = path.join(root, file);
      const { result, stdout } = await run(program);
      assert.ok(stdout.includes('order placed'), stdout);
      const text = fs.readFileSync(program, 'utf8').split('\n');
      const lineOf = (name: string) => text.findIndex((l) => l.includes(`startActiveSpan('${name}'`)) + 1;
      assert.deepStrictEqual(outline(result.spans, root), [
        `checkout <- (root) @ ${file}:${lineOf('checkout')}`,
        `db.load_cart <- checkout @ ${file}:${lineOf('db.load_cart')}`,
        `payment.charge <- checkout @ ${file}:${lineOf('payment.charge')}`,
      ]);
    });
  }
});
