/**
 * The seams of the house style: core/, run/ and cli/ run in plain Node (no 'vscode', not even
 * types), parser readers import no other reader, and the webview sees only the DOM and
 * src/protocol.ts, building its DOM without HTML.
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

  it('parser readers never import each other: only the kernel, the contract types, the demux and the model', () => {
    // A reader is a file directly in src/core/parse/ or a folder there (one format family, whose
    // files may share modules); kernel/ is what all readers share and imports no reader.
    const parse = path.join(root, 'src', 'core', 'parse');
    const shared = ['types', 'demux', 'index'];
    const core = ['model', 'json', 'schema'].map((m) => path.join(root, 'src', 'core', m));
    const unitOf = (file: string): string => path.relative(parse, file).split(path.sep)[0].replace(/\.ts$/, '');
    const bad: string[] = [];
    for (const f of files(parse)) {
      const unit = unitOf(f);
      if (shared.includes(unit)) continue;
      for (const spec of imports(f)) {
        if (!spec.startsWith('.')) {
          bad.push(`${path.relative(root, f)} imports ${spec}`);
          continue;
        }
        const target = path.resolve(path.dirname(f), spec).replace(/\.ts$/, '');
        const inParse = !path.relative(parse, target).startsWith('..');
        const ok = inParse
          ? [unit, 'kernel', 'types'].includes(unitOf(target)) || (unit !== 'kernel' && unitOf(target) === 'demux')
          : core.includes(target) && (unit !== 'kernel' || target === core[0]);
        if (!ok) bad.push(`${path.relative(root, f)} imports ${spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('src/protocol.ts imports nothing', () => {
    assert.deepStrictEqual(imports(path.join(root, 'src', 'protocol.ts')), []);
  });
});
