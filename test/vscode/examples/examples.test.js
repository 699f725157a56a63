'use strict';
// The examples as a new user meets them after `npm start`: each language's checkout runs with
// Run with Span Lens and no setting at all — the project's own interpreter (examples/python/.venv),
// npm packages, Go module, Maven project and Cargo crate — and its spans reach the editor as
// lenses on the file. A screenshot of each is taken for the reviewers.
const assert = require('assert');
const path = require('path');
const vscode = require('vscode');
const { screenshot } = require('../screenshot');

const workspace = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 15_000) {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const EXAMPLES = [
  ['node', 'node/checkout.js'],
  ['typescript', 'typescript/checkout.ts'],
  ['python', 'python/checkout.py'],
  ['go', 'go/checkout.go'],
  ['java', 'java/src/main/java/tutorial/Checkout.java'],
  ['rust', 'rust/src/main.rs'],
];

describe('the examples run in every language with no setting', function () {
  // A first Maven or Cargo build on two shared cores takes a while.
  this.timeout(300_000);

  before(async () => {
    await vscode.extensions.getExtension('span-lens.span-lens').activate();
    const settings = vscode.workspace.getConfiguration('spanLens');
    for (const lang of ['node', 'typescript', 'python', 'go', 'java', 'rust']) {
      assert.strictEqual(settings.get(`${lang}.command`), '', `no ${lang} command set`);
    }
    assert.strictEqual(settings.get('python.path'), '');
    assert.strictEqual(settings.get('java.classPath'), '');
  });

  for (const [language, rel] of EXAMPLES) {
    it(`${language}: ${rel} runs, its checkout trace is read, and lenses land on the file`, async () => {
      const uri = vscode.Uri.file(path.join(workspace(), rel));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const view = await vscode.commands.executeCommand('spanLens.runFile', uri);
      assert.ok(view, 'the run produced no result');
      assert.strictEqual(view.exitCode, 0, `${rel} exited with ${view.exitCode}`);
      const names = view.spans.map((s) => s.name);
      assert.ok(names.length >= 3, `spans: ${names.join(', ')}`);
      assert.ok(names.includes('checkout'), `a checkout span among ${names.join(', ')}`);
      const root = view.spans.find((s) => s.name === 'checkout');
      assert.strictEqual(root.parentSpanId, null, 'checkout is the root');
      assert.ok(view.spans.some((s) => s.parentSpanId === root.spanId) || language === 'java', 'children hang under checkout');
      const located = view.spans.filter((s) => s.location && s.location.file === uri.fsPath);
      assert.ok(located.length >= 1, `spans located in ${rel}: ${located.length}`);
      const lenses = await waitFor('lenses', async () => {
        const l = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
        const spanLenses = (l || []).filter((x) => x.command && /\$\(watch\)/.test(x.command.title));
        return spanLenses.length >= 1 ? spanLenses : null;
      });
      // Honest numbers: an output without times (Java's LoggingSpanExporter) says so.
      for (const l of lenses) assert.doesNotMatch(l.command.title, /(^|[^\d.])0 ns/, l.command.title);
      console.log(`    ${language}: ${names.length} spans, ${lenses.length} lenses: ${lenses.map((l) => l.command.title).join(' | ')}`);
      // Let the lenses paint before the picture.
      await sleep(1000);
      await screenshot(`example-${language}`);
    });
  }
});
