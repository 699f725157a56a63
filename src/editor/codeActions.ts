/**
 * Quick fixes for Span Lens diagnostics, keyed on the rule id (house style habit 9): the
 * mechanical edits from core/fixes, plus "disable this rule on this line" for every finding.
 */
import * as vscode from 'vscode';
import { languageOfFile } from '../core/checks';
import { quickFixes } from '../core/fixes';
import type { Finding } from '../core/model';
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
      const found = this.diagnostics.findingOf(d);
      // The diagnostic follows edits; the finding's own line is from run time.
      const finding = found?.location ? { ...found, location: { ...found.location, line: d.range.start.line } } : found;
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

/** Mechanical fixes computed by the pure core (src/core/fixes.ts), as workspace edits. */
function mechanicalFixes(doc: vscode.TextDocument, _rule: string, finding: Finding | undefined): vscode.CodeAction[] {
  if (!finding) return [];
  let fixes;
  try {
    fixes = quickFixes(doc.getText(), finding, languageOfFile(doc.uri.fsPath));
  } catch {
    return [];
  }
  return fixes.map((fix) => {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.isPreferred = fix.preferred;
    action.edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) {
      action.edit.replace(doc.uri, new vscode.Range(e.range.startLine, e.range.startColumn, e.range.endLine, e.range.endColumn), e.newText);
    }
    return action;
  });
}
