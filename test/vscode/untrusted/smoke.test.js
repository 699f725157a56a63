'use strict';
// Runs on a workspace nobody trusted (Restricted Mode): Span Lens declares limited support, so
// it must still load there.
const assert = require('assert');
const vscode = require('vscode');

describe('smoke (untrusted workspace)', () => {
  it('is in Restricted Mode', () => {
    assert.strictEqual(vscode.workspace.getConfiguration('security.workspace.trust').get('enabled'), true);
    assert.strictEqual(vscode.workspace.isTrusted, false);
  });

  it('still loads and activates Span Lens', async () => {
    const extension = vscode.extensions.getExtension('span-lens.span-lens');
    assert.ok(extension, 'span-lens.span-lens is not among the loaded extensions');
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
  });
});
