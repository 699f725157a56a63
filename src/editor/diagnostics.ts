/** Findings as Problems-panel diagnostics on the lines that started the spans (house style habit 9). */
import * as vscode from 'vscode';
import type { Finding, Severity } from '../core/model';
import { maskSensitiveText } from '../core/sensitive';

export const DIAGNOSTIC_SOURCE = 'Span Lens';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** The page that explains a rule: docs/rules/<id>.md shipped with the extension. */
export function ruleDocUri(extensionUri: vscode.Uri, rule: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${rule}.md`);
}

export class FindingDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('span-lens');
  /** The finding behind each diagnostic, for quick fixes. */
  private readonly byDiagnostic = new WeakMap<vscode.Diagnostic, Finding>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Replace every Span Lens diagnostic with these findings. */
  show(findings: readonly Finding[]): void {
    this.collection.clear();
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const f of findings) {
      if (!f.location) continue;
      const line = Math.max(0, f.location.line);
      const range = new vscode.Range(line, f.location.column, line, Number.MAX_SAFE_INTEGER);
      // Messages quote span names, keys and values: masked as in hovers and span-lens check.
      const d = new vscode.Diagnostic(range, maskSensitiveText(f.message), SEVERITY[f.severity]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = { value: f.rule, target: ruleDocUri(this.extensionUri, f.rule) };
      this.byDiagnostic.set(d, f);
      const key = f.location.file;
      let list = byFile.get(key);
      if (!list) byFile.set(key, (list = []));
      list.push(d);
    }
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
  }

  findingOf(d: vscode.Diagnostic): Finding | undefined {
    return this.byDiagnostic.get(d);
  }

  clear(): void {
    this.collection.clear();
  }

  dispose(): void {
    this.collection.dispose();
  }
}
