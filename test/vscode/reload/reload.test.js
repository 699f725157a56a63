'use strict';
// Results survive Reload Window: the suite runs checkout.js, reloads the window (a new extension
// host on the same workspace storage) and, run again by the new host, finds the run back without
// running anything — lenses on checkout.js, and a span of it still jumps to its line (what a
// click on a waterfall bar does). SPAN_LENS_RELOAD_MARKER (set by the runner) tells the halves apart.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { screenshot } = require('../screenshot');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const marker = process.env.SPAN_LENS_RELOAD_MARKER;

describe('Reload Window', function () {
  this.timeout(90_000);

  it('keeps the last run: lenses, and a span jumps to its line', async () => {
    assert.ok(marker, 'SPAN_LENS_RELOAD_MARKER is set by the runner');
    const ext = vscode.extensions.getExtension('span-lens.span-lens');
    if (!fs.existsSync(marker)) {
      await ext.activate();
      const uri = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, 'checkout.js'));
      const view = await vscode.commands.executeCommand('spanLens.runFile', uri);
      assert.ok(view && view.spans.length >= 3);
      fs.writeFileSync(marker, view.id);
      // Workspace storage is written behind: give it time, then reload. This host ends here; the
      // next one runs this test again and takes the other branch.
      await sleep(3000);
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      await sleep(60_000);
      assert.fail('the window did not reload');
    }
    // Activated at startup (onStartupFinished), not by a command of ours.
    for (let i = 0; i < 100 && !ext.isActive; i++) await sleep(100);
    assert.ok(ext.isActive, 'Span Lens activated on startup');
    const view = ext.exports.store.current;
    assert.ok(view, 'a run was restored');
    assert.strictEqual(view.id, fs.readFileSync(marker, 'utf8'), 'the run from before the reload');
    assert.strictEqual(path.basename(view.sourceFile), 'checkout.js');
    const uri = vscode.Uri.file(view.sourceFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = ((await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri)) || []).filter((l) => l.command && /^\$\(watch\)/.test(l.command.title));
    assert.ok(lenses.length >= 3, `lenses restored: ${lenses.map((l) => l.command.title).join(' | ')}`);
    const charge = view.spans.find((s) => s.name === 'payment.charge');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('spanLens.revealSpan', { spanId: charge.spanId, traceId: charge.traceId });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.uri.fsPath === uri.fsPath, 'jumped to checkout.js');
    assert.strictEqual(editor.selection.active.line, charge.location.line, 'on the line that started payment.charge');
    await screenshot('restored-run');
  });
});
