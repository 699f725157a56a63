'use strict';
// The editor tier's first check: this checkout's extension is loaded into a real VS Code of a
// version package.json accepts, in the trusted fixture workspace.
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { screenshot } = require('../screenshot');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const extensionId = 'span-lens.span-lens';

/** [major, minor, patch] of "1.100.3" or of an engines range like "^1.100.0". */
function versionParts(text) {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  assert.ok(match, `not a version: ${text}`);
  return match.slice(1, 4).map(Number);
}

function compareVersions(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

describe('smoke (trusted workspace)', () => {
  it('loads Span Lens from this checkout and activates it', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not among the loaded extensions`);
    assert.strictEqual(path.resolve(extension.extensionUri.fsPath), repoRoot, 'loaded from somewhere other than this checkout');
    assert.strictEqual(extension.packageJSON.main, './dist/extension.js');
    assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')), 'dist/extension.js is not built');
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });

  it('runs in a VS Code version that package.json accepts', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    const minimum = versionParts(require(path.join(repoRoot, 'package.json')).engines.vscode);
    assert.ok(compareVersions(versionParts(vscode.version), minimum) >= 0, `VS Code ${vscode.version} is older than engines.vscode`);
    // Set by runCodeServer.js to the version code-server bundles; a stable download varies.
    const expected = process.env.SPAN_LENS_EXPECT_VSCODE_VERSION;
    if (expected) assert.strictEqual(vscode.version, expected);
  });

  it('has the fixture workspace open and trusted', async () => {
    const folders = vscode.workspace.workspaceFolders || [];
    assert.strictEqual(folders.length, 1);
    assert.strictEqual(path.resolve(folders[0].uri.fsPath), path.join(repoRoot, 'test', 'fixtures', 'workspace'));
    assert.strictEqual(vscode.workspace.isTrusted, true);
    const found = await vscode.workspace.findFiles('hello.js');
    assert.strictEqual(found.length, 1);
  });

  it('shows a file in the editor and can screenshot the workbench', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, 'hello.js'));
    const editor = await vscode.window.showTextDocument(document);
    assert.match(editor.document.getText(), /hello from the Span Lens test workspace/);
    const file = await screenshot('smoke-hello');
    // undefined under runElectron.js, which has no page to capture.
    if (file !== undefined) assert.ok(fs.statSync(file).size > 0, `${file} is empty`);
  });
});
