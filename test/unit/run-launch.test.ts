/**
 * Launch plans per language: the command a user would type, with Span Lens's injection added
 * through the environment and the user's own settings kept.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LaunchError, cargoTarget, defaultTsxDir, languageOf, newNonce, nodeOptionsWithPreload, planLaunch, type LaunchHost } from '../../src/run/launch';
import { buildInject } from '../fixtures/node/sdk';

/** A fake file system: the listed files exist, with the given text. */
function hostWith(files: Record<string, string>): LaunchHost {
  return {
    exists: (f) => Object.prototype.hasOwnProperty.call(files, f),
    readText: (f) => files[f],
  };
}

const INJECT = '/opt/span lens/dist/inject';

describe('run: launch plans', () => {
  it('languages from file extensions', () => {
    const cases: [string, string | undefined][] = [
      ['a.js', 'node'],
      ['a.MJS', 'node'],
      ['a.cjs', 'node'],
      ['a.ts', 'typescript'],
      ['a.mts', 'typescript'],
      ['a.cts', 'typescript'],
      ['a.py', 'python'],
      ['a.go', 'go'],
      ['A.java', 'java'],
      ['main.rs', 'rust'],
      ['a.rb', undefined],
      ['Makefile', undefined],
    ];
    for (const [file, lang] of cases) assert.strictEqual(languageOf(file), lang, file);
    assert.throws(() => planLaunch('/w/script.rb', {}), (e: unknown) => e instanceof LaunchError && /cannot run \.rb files/.test(e.message));
  });

  it('a fresh nonce per run, in the alphabet the frame reader accepts', () => {
    const a = newNonce();
    assert.match(a, /^[A-Za-z0-9_-]{16,64}$/);
    assert.notStrictEqual(a, newNonce());
    const plan = planLaunch('/w/a.go', { baseEnv: {} }, { host: hostWith({}) });
    assert.match(plan.env.SPAN_LENS_NONCE, /^[A-Za-z0-9_-]{16,64}$/);
    assert.strictEqual(plan.env.SPAN_LENS_NONCE, plan.nonce);
  });

  it("node: --require <preload> appended to the user's NODE_OPTIONS, the path quoted", () => {
    const plan = planLaunch('/w/app.js', { injectDir: INJECT, baseEnv: { NODE_OPTIONS: '--max-old-space-size=4096', PATH: '/bin' }, args: ['--port', '8080'], cwd: '/w' }, { nonce: 'n0nce' });
    assert.strictEqual(plan.command, 'node');
    assert.deepStrictEqual(plan.args, ['/w/app.js', '--port', '8080']);
    assert.strictEqual(plan.env.NODE_OPTIONS, '--max-old-space-size=4096 --require "/opt/span lens/dist/inject/node-preload.js"');
    assert.strictEqual(plan.env.PATH, '/bin');
    assert.strictEqual(plan.env.SPAN_LENS_NONCE, 'n0nce');
    assert.strictEqual(plan.cwd, '/w');
    assert.strictEqual(plan.framed, true);
    assert.deepStrictEqual(plan.injectFiles, ['/opt/span lens/dist/inject/node-preload.js']);
    assert.strictEqual(nodeOptionsWithPreload(undefined, '/p/pre.js'), '--require /p/pre.js');
    assert.strictEqual(nodeOptionsWithPreload('', 'C:\\x y\\"q".js'), '--require "C:\\\\x y\\\\\\"q\\".js"');
  });

  it('node really loads a preload from a path with spaces and quotes through NODE_OPTIONS, keeping the user options', function () {
    this.timeout(60_000);
    buildInject();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span lens "quoted" '));
    try {
      fs.copyFileSync(path.resolve(__dirname, '../../dist/inject/node-preload.js'), path.join(dir, 'node-preload.js'));
      const prog = path.join(dir, 'prog.js');
      fs.writeFileSync(prog, "console.log('title=' + process.title)");
      const plan = planLaunch(prog, { injectDir: dir, baseEnv: { ...process.env, NODE_OPTIONS: '--title=users-own-option' } }, { nonce: 'quotedrun' });
      const out = execFileSync(plan.command, plan.args, { env: plan.env, cwd: plan.cwd, encoding: 'utf8' });
      assert.ok(out.includes('title=users-own-option'), out);
      assert.ok(out.includes('@@span-lens/1 quotedrun {"type":"facts","sdk":"node"}'), out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("typescript: node loads the file through tsx (the project's own tsx or ts-node when Node finds one from the file's folder, else Span Lens's), with the file's tsconfig", () => {
    const plan = planLaunch('/w/src/app.ts', { injectDir: INJECT, typescript: { args: ['--enable-source-maps'] }, baseEnv: {} }, { host: hostWith({}) });
    assert.strictEqual(plan.command, 'node');
    const tsx = defaultTsxDir();
    assert.ok(tsx && fs.existsSync(path.join(tsx, 'dist', 'loader.mjs')), 'tsx found from Span Lens itself');
    assert.deepStrictEqual(plan.args, ['--enable-source-maps', '--import', pathToFileURL(path.join(tsx, 'dist', 'loader.mjs')).href, '/w/src/app.ts']);
    assert.ok(plan.env.NODE_OPTIONS.includes('node-preload.js'));
    assert.deepStrictEqual(plan.injectFiles, ['/opt/span lens/dist/inject/node-preload.js']);
    const own = planLaunch('/w/src/app.mts', { injectDir: INJECT, baseEnv: {} }, { host: hostWith({ '/w/node_modules/tsx/package.json': '{"version":"4.23.15"}', '/w/tsconfig.json': '{}' }) });
    assert.deepStrictEqual(own.args, ['--import', 'file:///w/node_modules/tsx/dist/loader.mjs', '/w/src/app.mts']);
    assert.strictEqual(own.env.TSX_TSCONFIG_PATH, '/w/tsconfig.json');
    const tsNodeEsm = planLaunch('/w/src/app.ts', { injectDir: INJECT, baseEnv: {} }, { host: hostWith({ '/w/node_modules/ts-node/package.json': '{}', '/w/package.json': '{"type":"module"}' }) });
    assert.deepStrictEqual(tsNodeEsm.args, ['--enable-source-maps', '--loader', 'file:///w/node_modules/ts-node/esm.mjs', '/w/src/app.ts']);
    const tsNodeCjs = planLaunch('/w/src/app.cts', { injectDir: INJECT, baseEnv: {} }, { host: hostWith({ '/w/node_modules/ts-node/package.json': '{}', '/w/package.json': '{"type":"module"}' }) });
    assert.deepStrictEqual(tsNodeCjs.args, ['--enable-source-maps', '--require', '/w/node_modules/ts-node/register/index.js', '/w/src/app.cts']);
  });

  it('python: spanLens.python.path, else spanLens.python.command, else the Python extension interpreter, else python3; injection dir first on PYTHONPATH', () => {
    const base = { injectDir: INJECT, baseEnv: { PYTHONPATH: '/user/lib' } };
    assert.strictEqual(planLaunch('/w/a.py', base).command, 'python3');
    assert.strictEqual(planLaunch('/w/a.py', { ...base, python: { extensionInterpreter: '/venv/bin/python' } }).command, '/venv/bin/python');
    const byCommand = planLaunch('/w/a.py', { ...base, python: { command: 'pypy3', extensionInterpreter: '/venv/bin/python' } });
    assert.strictEqual(byCommand.command, 'pypy3');
    assert.strictEqual(byCommand.commandSetting, 'spanLens.python.command');
    const plan = planLaunch('/w/a.py', { ...base, python: { path: '/usr/bin/python3.12', extensionInterpreter: '/venv/bin/python', args: ['-X', 'dev'] }, args: ['x'] });
    assert.strictEqual(plan.command, '/usr/bin/python3.12');
    assert.deepStrictEqual(plan.args, ['-X', 'dev', '/w/a.py', 'x']);
    assert.strictEqual(plan.env.PYTHONPATH, `/opt/span lens/dist/inject/python${path.delimiter}/user/lib`);
    assert.strictEqual(plan.env.PYTHONUNBUFFERED, '1');
    assert.strictEqual(plan.commandSetting, 'spanLens.python.path');
    assert.strictEqual(planLaunch('/w/a.py', { injectDir: INJECT, baseEnv: {} }).env.PYTHONPATH, '/opt/span lens/dist/inject/python');
  });

  it('python: without a setting, $VIRTUAL_ENV, else the nearest .venv or venv at or above the file, else python3; the notice says which', () => {
    const host = hostWith({ '/w/proj/.venv/bin/python': '', '/w/proj/app/venv/bin/python': '', '/env/bin/python': '' });
    const opts = { host };
    const base = { injectDir: INJECT, baseEnv: {} };
    assert.strictEqual(planLaunch('/w/proj/src/a.py', base, opts).command, '/w/proj/.venv/bin/python');
    assert.strictEqual(planLaunch('/w/proj/src/a.py', base, opts).notice, 'Python: /w/proj/.venv/bin/python (the .venv above the file)');
    assert.strictEqual(planLaunch('/w/proj/app/a.py', base, opts).command, '/w/proj/app/venv/bin/python', 'the nearest one');
    assert.strictEqual(planLaunch('/w/proj/a.py', { ...base, baseEnv: { VIRTUAL_ENV: '/env' } }, opts).command, '/env/bin/python');
    assert.strictEqual(planLaunch('/w/proj/a.py', { ...base, python: { extensionInterpreter: '/x/python' } }, opts).command, '/x/python');
    assert.strictEqual(planLaunch('/elsewhere/a.py', base, opts).command, 'python3');
    assert.match(planLaunch('/elsewhere/a.py', base, opts).notice ?? '', /python3 from PATH/);
    assert.strictEqual(planLaunch('/w/proj/a.py', { ...base, python: { path: '/p/python' } }, opts).notice, undefined, 'a setting the user made needs no notice');
  });

  it('go: go run . in the file’s package folder inside a module (go run FILE outside one), autoexport to the console unless the user chose, settings env honoured', () => {
    const host = hostWith({ '/w/svc/go.mod': 'module x' });
    const plan = planLaunch('/w/svc/cmd/main.go', { cwd: '/w', baseEnv: { GOPATH: '/old' }, go: { env: { GO111MODULE: 'on', GOPATH: '/gopath' }, args: ['-race'] }, args: ['-v'] }, { host });
    assert.strictEqual(plan.command, 'go');
    assert.deepStrictEqual(plan.args, ['run', '-race', '.', '-v']);
    assert.strictEqual(plan.cwd, '/w/svc/cmd', 'the package of main.go is its folder: every file of it builds');
    assert.strictEqual(plan.env.OTEL_TRACES_EXPORTER, 'console');
    assert.strictEqual(plan.env.GO111MODULE, 'on');
    assert.strictEqual(plan.env.GOPATH, '/gopath');
    assert.strictEqual(plan.framed, true, 'in a module the injection is planned (prepare falls back to stdouttrace when it cannot apply)');
    assert.ok(plan.prepare, 'the overlay is made in the prepare step');
    const mine = planLaunch('/w/a.go', { baseEnv: { OTEL_TRACES_EXPORTER: 'otlp' } }, { host: hostWith({}) });
    assert.strictEqual(mine.env.OTEL_TRACES_EXPORTER, 'otlp');
    assert.strictEqual(mine.cwd, '/w');
    assert.deepStrictEqual(mine.args, ['run', '/w/a.go'], 'no go.mod above: the file alone');
    assert.strictEqual(planLaunch('/w/a.go', { env: { OTEL_TRACES_EXPORTER: undefined }, baseEnv: { OTEL_TRACES_EXPORTER: 'otlp' } }, { host: hostWith({}) }).env.OTEL_TRACES_EXPORTER, 'console');
  });

  it('java: single-file source launch with the configured class path', () => {
    const plan = planLaunch('/w/Checkout.java', { java: { classPath: '/jars/*', command: '/jdk/bin/java' }, baseEnv: {}, args: ['a'] });
    assert.strictEqual(plan.command, '/jdk/bin/java');
    assert.deepStrictEqual(plan.args, ['-cp', '/jars/*', '/w/Checkout.java', 'a']);
    assert.strictEqual(plan.env.OTEL_TRACES_EXPORTER, 'console');
    assert.deepStrictEqual(planLaunch('/w/Checkout.java', { baseEnv: {} }).args, ['/w/Checkout.java']);
    assert.strictEqual(plan.commandSetting, 'spanLens.java.command');
  });

  it('rust: cargo run in the crate that holds the file, picking --bin or --example', () => {
    const manifest = ['[package]', 'name = "shop"', '', '[[bin]]', 'name = "worker"', 'path = "tools/worker.rs"', '', '[[example]]', 'name = "demo"', 'path = "ex/demo.rs"', '', '[dependencies]', 'tracing = "0.1"'].join('\n');
    const host = hostWith({ '/w/shop/Cargo.toml': manifest, '/w/plain/Cargo.toml': '[package]\nname = "plain"\n' });
    const main = planLaunch('/w/shop/src/main.rs', { args: ['--fast'], rust: { args: ['--release'] }, baseEnv: {} }, { host });
    assert.strictEqual(main.command, 'cargo');
    assert.strictEqual(main.cwd, '/w/shop');
    assert.deepStrictEqual(main.args, ['run', '--release', '--bin', 'shop', '--', '--fast']);
    assert.deepStrictEqual(cargoTarget('/w/shop/tools/worker.rs', '/w/shop', host), ['--bin', 'worker']);
    assert.deepStrictEqual(cargoTarget('/w/shop/ex/demo.rs', '/w/shop', host), ['--example', 'demo']);
    assert.deepStrictEqual(cargoTarget('/w/shop/src/bin/report.rs', '/w/shop', host), ['--bin', 'report']);
    assert.deepStrictEqual(cargoTarget('/w/shop/src/bin/sync/main.rs', '/w/shop', host), ['--bin', 'sync']);
    assert.deepStrictEqual(cargoTarget('/w/shop/examples/basic.rs', '/w/shop', host), ['--example', 'basic']);
    assert.deepStrictEqual(planLaunch('/w/plain/src/main.rs', { baseEnv: {} }, { host }).args, ['run']);
    assert.throws(() => planLaunch('/elsewhere/main.rs', { baseEnv: {} }, { host }), (e: unknown) => e instanceof LaunchError && /not inside a Cargo crate/.test(e.message));
  });
});
