/**
 * The .vsix holds only what runs: the bundles, the injection, media, docs of the rules, the
 * README/LICENSE/CHANGELOG, and tsx with its esbuild (they run users' TypeScript).
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

describe('the packaged extension', function () {
  this.timeout(120_000);
  let files: string[] = [];

  before(function () {
    if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
      console.log('SKIP: dist/ is not built (npm test builds first)');
      this.skip();
    }
    const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    files = execFileSync(process.execPath, [vsce, 'ls'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  });

  it('contains what runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    for (const f of [pkg.main.replace(/^\.\//, ''), 'dist/webview.js', 'dist/cli.js', 'dist/inject/node-preload.js', 'node_modules/tsx/dist/loader.mjs', 'dist/inject/python/sitecustomize.py', 'dist/codicons/codicon.css', 'dist/codicons/codicon.ttf', 'media/waterfall.css', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
      assert.ok(files.includes(f), `${f} is missing from the package`);
    }
    const rules = fs.existsSync(path.join(root, 'docs', 'rules')) ? fs.readdirSync(path.join(root, 'docs', 'rules')) : [];
    for (const r of rules) assert.ok(files.includes(`docs/rules/${r}`), `docs/rules/${r} (linked from diagnostics) is missing`);
  });

  it('contains no sources, tests, maps or stray node_modules', () => {
    const bad = files.filter(
      (f) =>
        /^(src|test|webview|examples|\.ci|\.code-server|test-results)\//.test(f) ||
        f.endsWith('.map') ||
        (/\.tsx?$/.test(f) && !f.endsWith('.d.ts')) ||
        (f.startsWith('node_modules/') && !/^node_modules\/(tsx|esbuild|@esbuild\/[^/]+)\//.test(f)) ||
        /(^|\/)tsconfig\.json$/.test(f) ||
        f === 'package-lock.json',
    );
    assert.deepStrictEqual(bad, []);
  });
});
