/** Jump to the line that started a span; a span without a location says so instead of guessing. */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Span } from '../core/model';
import { maskSensitiveText } from '../core/sensitive';
import { readFileInside } from '../run/safeRead';

/** Largest source file a span may open (its size is counted while reading, not taken from stat). */
const MAX_REVEAL_BYTES = 50 * 1024 * 1024;

/**
 * Folders a span's location may point into: the workspace's, and the folders of the documents
 * already open (the file that was run, when no folder is open). A saved trace can name any path.
 */
function allowedRoots(): string[] {
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((w) => w.uri.scheme === 'file').map((w) => w.uri.fsPath);
  for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === 'file') roots.push(path.dirname(d.uri.fsPath));
  return roots;
}

export async function revealSpan(span: Span | undefined, preserveFocus = false): Promise<boolean> {
  if (!span) {
    void vscode.window.showWarningMessage('Span Lens: that span is not in the current run any more.');
    return false;
  }
  const name = maskSensitiveText(span.name);
  const loc = span.location;
  if (!loc) {
    void vscode.window.showInformationMessage(
      `Span Lens: where "${name}" was started is not known (its output carries no call site and its name matched no single span-start call in the source).`,
    );
    return false;
  }
  const uri = loc.file.startsWith('file:') ? vscode.Uri.parse(loc.file) : vscode.Uri.file(loc.file);
  if (uri.scheme !== 'file' || readFileInside(uri.fsPath, { roots: allowedRoots(), maxBytes: MAX_REVEAL_BYTES }) === undefined) {
    void vscode.window.showWarningMessage(`Span Lens: not opening ${loc.file}, where "${name}" was started: only regular files inside the workspace are opened from a trace.`);
    return false;
  }
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    void vscode.window.showWarningMessage(`Span Lens: cannot open ${loc.file}, where "${name}" was started.`);
    return false;
  }
  const line = Math.min(loc.line, Math.max(0, doc.lineCount - 1));
  const text = doc.lineAt(line);
  const range = new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length);
  await vscode.window.showTextDocument(doc, { selection: range, preserveFocus, viewColumn: vscode.ViewColumn.One });
  return true;
}
