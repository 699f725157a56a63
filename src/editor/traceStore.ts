/**
 * The latest run, as every presenter sees it: spans by source line (kept on the right line while
 * the user edits), findings, facts. One run at a time: a new run replaces the last.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Finding, RunFacts, Span, Unparsed } from '../core/model';
import { statsByLine, normalizePath, type LineStats } from '../core/lineStats';
import { shiftLines, type LineChange } from '../core/lineTracking';

export interface RunView {
  id: string;
  title: string;
  /** The file that was run (absent for an opened trace file). */
  sourceFile?: string;
  /** The saved output that was opened (absent for a run). */
  traceFile?: string;
  spans: Span[];
  findings: Finding[];
  facts: RunFacts;
  unparsed: Unparsed[];
  exitCode?: number | null;
  signal?: string | null;
  durationMs?: number;
  score?: number;
  /** What a cap cut, in the user's words. */
  cut?: string[];
  /** True while the program still runs: the traces complete so far. */
  live?: boolean;
}

interface TrackedLine {
  line: number;
  /** The line's text when the run finished; a lens shows only while it is unchanged. */
  text?: string;
  stats: LineStats;
}

export class TraceStore implements vscode.Disposable {
  private view: RunView | undefined;
  private lines = new Map<string, TrackedLine[]>();
  private readonly changed = new vscode.EventEmitter<RunView | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires when a run lands, is cleared, or lines move. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => this.followEdits(e)));
  }

  get current(): RunView | undefined {
    return this.view;
  }

  /** Show a new run. Relative span locations resolve against `cwd`. */
  set(view: RunView, cwd?: string): void {
    for (const span of view.spans) {
      if (span.location && cwd && !path.isAbsolute(span.location.file) && !span.location.file.startsWith('file:')) {
        span.location = { ...span.location, file: path.resolve(cwd, span.location.file) };
      }
    }
    for (const f of view.findings) {
      if (f.location && cwd && !path.isAbsolute(f.location.file)) f.location = { ...f.location, file: path.resolve(cwd, f.location.file) };
    }
    this.view = view;
    this.lines.clear();
    const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [normalizePath(d.uri.fsPath), d]));
    for (const [file, byLine] of statsByLine(view.spans)) {
      const doc = openDocs.get(file);
      const tracked: TrackedLine[] = [];
      for (const stats of byLine.values()) {
        tracked.push({ line: stats.line, text: doc && stats.line < doc.lineCount ? doc.lineAt(stats.line).text : undefined, stats });
      }
      this.lines.set(file, tracked);
    }
    this.changed.fire(view);
  }

  clear(): void {
    this.view = undefined;
    this.lines.clear();
    this.changed.fire(undefined);
  }

  /** Lines of `doc` that started spans, where the line's text is still what it was. */
  linesFor(doc: vscode.TextDocument): { line: number; stats: LineStats }[] {
    const tracked = this.lines.get(normalizePath(doc.uri.fsPath));
    if (!tracked) return [];
    const out: { line: number; stats: LineStats }[] = [];
    for (const t of tracked) {
      if (t.line >= doc.lineCount) continue;
      const text = doc.lineAt(t.line).text;
      if (t.text === undefined) t.text = text; // the document was not open at run time
      if (t.text !== text) continue;
      out.push({ line: t.line, stats: t.stats });
    }
    return out;
  }

  lineAt(doc: vscode.TextDocument, line: number): LineStats | undefined {
    return this.linesFor(doc).find((l) => l.line === line)?.stats;
  }

  /** A span of the current run by id (first match across traces when the trace is not given). */
  findSpan(spanId: string, traceId?: string): Span | undefined {
    return this.view?.spans.find((s) => s.spanId === spanId && (!traceId || s.traceId === traceId));
  }

  private followEdits(e: vscode.TextDocumentChangeEvent): void {
    if (!e.contentChanges.length) return;
    const key = normalizePath(e.document.uri.fsPath);
    const tracked = this.lines.get(key);
    if (!tracked) return;
    const changes: LineChange[] = e.contentChanges.map((c) => ({
      startLine: c.range.start.line,
      startCharacter: c.range.start.character,
      endLine: c.range.end.line,
      endCharacter: c.range.end.character,
      text: c.text,
    }));
    const moved = shiftLines(tracked, changes);
    this.lines.set(key, moved);
    this.changed.fire(this.view);
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
