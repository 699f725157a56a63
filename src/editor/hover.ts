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
      // The link's argument is encoded in describe.ts, where the rest of the span text is escaped.
      describeLine(stats, { showInWaterfallCommand: Command.ShowWaterfall }),
    );
    // Only our own command may run from the hover; span text was escaped and HTML stays off.
    md.isTrusted = { enabledCommands: [Command.ShowWaterfall] };
    md.supportHtml = false;
    md.supportThemeIcons = false;
    return new vscode.Hover(md, doc.lineAt(position.line).range);
  }
}
