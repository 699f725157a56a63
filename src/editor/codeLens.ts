/** CodeLens on each line that started spans: a thin view over TraceStore (house style habit 10). */
import * as vscode from 'vscode';
import { Command } from '../commands';
import { lensTitle } from '../core/lineStats';
import { formatDuration } from '../core/format';
import { changeText } from '../core/runDiff';
import type { TraceStore } from './traceStore';

export class SpanCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly store: TraceStore,
    private readonly enabled: () => boolean,
  ) {
    this.sub = store.onDidChange(() => this.changed.fire());
  }

  /** Settings changed: ask VS Code to ask again. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled()) return [];
    return this.store.linesFor(doc).map(({ line, stats, change }) => {
      const range = doc.lineAt(line).range;
      const slowest = stats.spans.reduce((a, b) => (dur(b) > dur(a) ? b : a));
      return new vscode.CodeLens(range, {
        // With the change since the file's previous run: ▲ +9 ms, ▼ −12 ms, · new.
        title: lensTitle(stats) + changeText(change, formatDuration),
        tooltip: 'Show in the Span Lens waterfall',
        command: Command.ShowWaterfall,
        arguments: [{ spanId: slowest.spanId, traceId: slowest.traceId }],
      });
    });
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

function dur(s: { startTimeUnixNano: bigint; endTimeUnixNano: bigint | null }): bigint {
  return s.endTimeUnixNano === null ? -1n : s.endTimeUnixNano - s.startTimeUnixNano;
}
