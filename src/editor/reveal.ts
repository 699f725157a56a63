/** Jump to the line that started a span; a span without a location says so instead of guessing. */
import * as vscode from 'vscode';
import type { Span } from '../core/model';

export async function revealSpan(span: Span | undefined, preserveFocus = false): Promise<boolean> {
  if (!span) {
    void vscode.window.showWarningMessage('Span Lens: that span is not in the current run any more.');
    return false;
  }
  const loc = span.location;
  if (!loc) {
    void vscode.window.showInformationMessage(
      `Span Lens: where "${span.name}" was started is not known (its output carries no call site and its name matched no single span-start call in the source).`,
    );
    return false;
  }
  const uri = loc.file.startsWith('file:') ? vscode.Uri.parse(loc.file) : vscode.Uri.file(loc.file);
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    void vscode.window.showWarningMessage(`Span Lens: cannot open ${loc.file}, where "${span.name}" was started.`);
    return false;
  }
  const line = Math.min(loc.line, Math.max(0, doc.lineCount - 1));
  const text = doc.lineAt(line);
  const range = new vscode.Range(line, text.firstNonWhitespaceCharacterIndex, line, text.text.length);
  await vscode.window.showTextDocument(doc, { selection: range, preserveFocus, viewColumn: vscode.ViewColumn.One });
  return true;
}
