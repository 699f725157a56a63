// TEMPORARY placeholder so the editor test tier has an extension to load; the real
// activate() replaces this file.
import type * as vscode from 'vscode';

/** Called by VS Code when one of the extension's activation events fires. */
export function activate(_context: vscode.ExtensionContext): void {}

/** Called by VS Code on shutdown; everything is disposed through the context. */
export function deactivate(): void {}
