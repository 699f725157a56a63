/**
 * Quick fixes for Span Lens diagnostics, keyed on the rule id (house style habit 9): the
 * mechanical edits from core/fixes, plus "disable this rule on this line" for every finding.
 */
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, type FindingDiagnostics } from './diagnostics';

function commentFor(languageId: string): string {
  return languageId === 'python' ? '#' : '//';
}

export class SpanCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: FindingDiagnostics) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const rule = typeof d.code === 'object' ? String(d.code.value) : String(d.code);
      const finding = this.diagnostics.findingOf(d);
      for (const fix of mechanicalFixes(doc, rule, finding)) {
        fix.diagnostics = [d];
        actions.push(fix);
      }
      const line = doc.lineAt(d.range.start.line);
      const disable = new vscode.CodeAction(`Disable ${rule} for this line`, vscode.CodeActionKind.QuickFix);
      disable.diagnostics = [d];
      disable.edit = new vscode.WorkspaceEdit();
      disable.edit.insert(doc.uri, line.range.end, `  ${commentFor(doc.languageId)} span-lens-disable-line ${rule}`);
      actions.push(disable);
    }
    return actions;
  }
}

/** Mechanical fixes computed by the pure core; empty until a rule has one. */
function mechanicalFixes(_doc: vscode.TextDocument, _rule: string, _finding: unknown): vscode.CodeAction[] {
  return [];
}
