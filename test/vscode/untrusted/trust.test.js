'use strict';
// In Restricted Mode Span Lens runs nothing, says why, and still opens saved trace files.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const fileUri = (name) => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, name));

describe('Span Lens in an untrusted workspace', function () {
  this.timeout(60_000);

  it('refuses to run a file, and the program never starts', async () => {
    const marker = path.join(require('os').tmpdir(), `span-lens-untrusted-${process.pid}`);
    fs.rmSync(marker, { force: true });
    const ext = vscode.extensions.getExtension('span-lens.span-lens');
    const api = await ext.activate();
    const view = await vscode.commands.executeCommand('spanLens.runFile', fileUri('checkout.js'));
    assert.strictEqual(view, undefined, 'no run result in Restricted Mode');
    assert.strictEqual(api.runs.running, false);
    assert.strictEqual(api.store.current, undefined);
  });

  it('opens a saved trace file all the same', async () => {
    const view = await vscode.commands.executeCommand('spanLens.openTraceFile', fileUri('saved-go-output.txt'));
    assert.ok(view, 'the trace file opened');
    assert.strictEqual(view.spans.length, 3);
  });
});
