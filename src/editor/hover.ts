/** Hover on a line that started spans: attributes (secrets masked), events, status, kind, links. */
import * as vscode from 'vscode';
import { Command } from '../commands';
import { describeLine } from '../core/describe';
import type { TraceStore } from './traceStore';

export class SpanHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: TraceStore) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const stats = this.store.lineAt(doc, position.line);
    if (!stats) return undefined;
    const md = new vscode.MarkdownString(
      describeLine(stats, {
        showInWaterfallLink: (span) =>
          `command:${Command.ShowWaterfall}?${encodeURIComponent(JSON.stringify([{ spanId: span.spanId, traceId: span.traceId }]))}`,
      }),
    );
    // Only our own command may run from the hover; span text was escaped and HTML stays off.
    md.isTrusted = { enabledCommands: [Command.ShowWaterfall] };
    md.supportHtml = false;
    return new vscode.Hover(md, doc.lineAt(position.line).range);
  }
}
