/** The status bar item: running… while a run goes, then spans · errors · findings · score · time. */
import * as vscode from 'vscode';
import { Command } from '../commands';
import { formatDuration } from '../core/format';
import type { RunView } from './traceStore';

export class RunStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('spanLens.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Span Lens';
  }

  running(file: string): void {
    this.item.text = `$(loading~spin) Span Lens: running ${file}`;
    this.item.tooltip = 'Click to stop the run';
    this.item.command = Command.Stop;
    this.item.show();
  }

  /** A run going on, with the spans it made so far. */
  live(file: string, spans: number): void {
    this.item.text = `$(loading~spin) Span Lens: running ${file} · ${spans} span${spans === 1 ? '' : 's'}`;
    this.item.tooltip = 'Click to stop the run';
    this.item.command = Command.Stop;
    this.item.show();
  }

  finished(view: RunView): void {
    const errors = view.spans.filter((s) => s.status.code === 'ERROR').length;
    const parts = [`${view.spans.length} span${view.spans.length === 1 ? '' : 's'}`];
    if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
    parts.push(`${view.findings.length} finding${view.findings.length === 1 ? '' : 's'}`);
    if (view.score !== undefined) parts.push(`score ${view.score}`);
    if (view.durationMs !== undefined) parts.push(formatDuration(view.durationMs * 1e6));
    this.item.text = `$(pulse) ${parts.join(' · ')}`;
    this.item.tooltip = `Span Lens: ${view.title}. Click to show the waterfall.`;
    this.item.command = Command.ShowWaterfall;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
