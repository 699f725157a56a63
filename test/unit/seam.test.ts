/**
 * The seams of the house style: core/, run/ and cli/ run in plain Node (no 'vscode', not even
 * types), and the webview sees only the DOM and src/protocol.ts, building its DOM without HTML.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');

function files(dir: string, ext = /\.ts$/): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

/** Module specifiers a TypeScript file imports or requires. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    specs.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return specs;
}

describe('the pure-core seam', () => {
  for (const part of ['src/core', 'src/run', 'src/cli']) {
    it(`${part} never imports vscode`, () => {
      const offenders = files(path.join(root, part)).filter((f) => imports(f).includes('vscode'));
      assert.deepStrictEqual(offenders.map((f) => path.relative(root, f)), []);
    });
  }

  it('webview/ imports only its own modules and src/protocol.ts, and never sets HTML', () => {
    const bad: string[] = [];
    for (const f of files(path.join(root, 'webview'))) {
      for (const spec of imports(f)) {
        const target = spec.startsWith('.') ? path.resolve(path.dirname(f), spec) : spec;
        const ok = target.startsWith(path.join(root, 'webview')) || target === path.join(root, 'src', 'protocol');
        if (!ok) bad.push(`${path.relative(root, f)} imports ${spec}`);
      }
      if (/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/.test(fs.readFileSync(f, 'utf8'))) bad.push(`${path.relative(root, f)} sets HTML`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it('src/protocol.ts imports nothing', () => {
    assert.deepStrictEqual(imports(path.join(root, 'src', 'protocol.ts')), []);
  });
});
