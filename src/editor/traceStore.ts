/**
 * The runs every presenter sees: each file keeps its last run (running file B leaves file A's
 * lenses, hovers and Problems alone) until it runs again or results are cleared; the latest one
 * is `current` (the waterfall's). Spans by source line stay on the right line while the user
 * edits. The last runs are kept in workspace storage, so they are back after Reload Window.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Finding, RunFacts, Span, Unparsed } from '../core/model';
import { spanToSchema, type SchemaSpan } from '../core/schema';
import { changesByLine, diffRuns, type SpanChange } from '../core/runDiff';
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
  /** How this line's spans changed since the file's previous run, when they did. */
  change?: SpanChange;
}

/** Where the store keeps the last runs between sessions (workspace storage). */
export interface RunMemory {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

const MEMORY_KEY = 'spanLens.runs.v1';
/** Runs kept across reloads, and the spans one of them may hold to be kept (a bigger one is not). */
const REMEMBERED_RUNS = 10;
const REMEMBERED_SPANS = 20_000;
/** Spans of all kept runs together: what restoring reads when Span Lens starts stays small. */
const REMEMBERED_TOTAL_SPANS = 50_000;

export class TraceStore implements vscode.Disposable {
  /** Each file's (or trace file's) last run, oldest first; the last one is `current`. */
  private readonly views = new Map<string, RunView>();
  /** Each file's finished run before its last one: what its lenses compare with. */
  private readonly previous = new Map<string, RunView>();
  private lines = new Map<string, TrackedLine[]>();
  private readonly changed = new vscode.EventEmitter<RunView | undefined>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires when a run lands, is cleared, or lines move. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly memory?: RunMemory) {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => this.followEdits(e)));
  }

  get current(): RunView | undefined {
    let last: RunView | undefined;
    for (const v of this.views.values()) last = v;
    return last;
  }

  /** Every run kept, oldest first. */
  get all(): RunView[] {
    return [...this.views.values()];
  }

  /** Every finding of every kept run (the Problems panel shows them all). */
  allFindings(): Finding[] {
    return this.all.flatMap((v) => v.findings);
  }

  /** Show a run: it replaces the last run of the same file. Relative span locations resolve against `cwd`. */
  set(view: RunView, cwd?: string): void {
    for (const span of view.spans) {
      if (span.location && cwd && !path.isAbsolute(span.location.file) && !span.location.file.startsWith('file:')) {
        span.location = { ...span.location, file: path.resolve(cwd, span.location.file) };
      }
    }
    for (const f of view.findings) {
      if (f.location && cwd && !path.isAbsolute(f.location.file)) f.location = { ...f.location, file: path.resolve(cwd, f.location.file) };
    }
    const key = keyOf(view);
    const last = this.views.get(key);
    // The comparison is with the file's last finished run (a live run's views replace each other).
    if (last && !last.live && last !== view) this.previous.set(key, last);
    this.views.delete(key);
    this.views.set(key, view);
    this.rebuildLines();
    this.changed.fire(view);
    if (!view.live) void this.remember();
  }

  /** The runs kept in workspace storage, back after a reload (`spanFromSchema` reads their spans). */
  restore(read: (stored: StoredRun) => RunView | undefined): void {
    const stored = this.memory?.get<StoredRun[]>(MEMORY_KEY) ?? [];
    for (const s of stored) {
      const view = read(s);
      if (view) this.views.set(keyOf(view), view);
    }
    if (this.views.size) {
      this.rebuildLines();
      this.changed.fire(this.current);
    }
  }

  clear(): void {
    this.views.clear();
    this.previous.clear();
    this.lines.clear();
    this.changed.fire(undefined);
    void this.memory?.update(MEMORY_KEY, []);
  }

  /** Lines per file from the kept runs: for each file, the most recent run that has spans there. */
  private rebuildLines(): void {
    this.lines.clear();
    const openDocs = new Map(vscode.workspace.textDocuments.map((d) => [normalizePath(d.uri.fsPath), d]));
    for (const view of [...this.views.values()].reverse()) {
      const before = this.previous.get(keyOf(view));
      const changes = before ? changesByLine(diffRuns(before.spans, view.spans)) : undefined;
      for (const [file, byLine] of statsByLine(view.spans)) {
        if (this.lines.has(file)) continue;
        const doc = openDocs.get(file);
        const changed = changes && [...changes].find(([f]) => normalizePath(f) === file)?.[1];
        const tracked: TrackedLine[] = [];
        for (const stats of byLine.values()) {
          tracked.push({ line: stats.line, text: doc && stats.line < doc.lineCount ? doc.lineAt(stats.line).text : undefined, stats, change: changed?.get(stats.line) });
        }
        this.lines.set(file, tracked);
      }
    }
  }

  private async remember(): Promise<void> {
    if (!this.memory) return;
    const kept: RunView[] = [];
    let total = 0;
    // Newest first, until the count or the total is reached; stored oldest first.
    for (const v of this.all.reverse()) {
      if (v.live || v.spans.length > REMEMBERED_SPANS || kept.length >= REMEMBERED_RUNS || total + v.spans.length > REMEMBERED_TOTAL_SPANS) continue;
      kept.unshift(v);
      total += v.spans.length;
    }
    await this.memory.update(MEMORY_KEY, kept.map(toStored));
  }

  /** Lines of `doc` that started spans, where the line's text is still what it was. */
  linesFor(doc: vscode.TextDocument): { line: number; stats: LineStats; change?: SpanChange }[] {
    const tracked = this.lines.get(normalizePath(doc.uri.fsPath));
    if (!tracked) return [];
    const out: { line: number; stats: LineStats; change?: SpanChange }[] = [];
    for (const t of tracked) {
      if (t.line >= doc.lineCount) continue;
      const text = doc.lineAt(t.line).text;
      if (t.text === undefined) t.text = text; // the document was not open at run time
      if (t.text !== text) continue;
      out.push({ line: t.line, stats: t.stats, change: t.change });
    }
    return out;
  }

  lineAt(doc: vscode.TextDocument, line: number): LineStats | undefined {
    return this.linesFor(doc).find((l) => l.line === line)?.stats;
  }

  /** A span by id: the current run's first, then the other kept runs' (first match when the trace is not given). */
  findSpan(spanId: string, traceId?: string): Span | undefined {
    for (const view of [...this.views.values()].reverse()) {
      const found = view.spans.find((s) => s.spanId === spanId && (!traceId || s.traceId === traceId));
      if (found) return found;
    }
    return undefined;
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
    this.changed.fire(this.current);
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

function keyOf(view: RunView): string {
  return view.sourceFile ?? view.traceFile ?? view.id;
}

/** A run as kept in workspace storage: plain JSON, spans in SCHEMA.md shape. */
export interface StoredRun {
  view: Omit<RunView, 'spans'>;
  spans: SchemaSpan[];
}

function toStored(view: RunView): StoredRun {
  const { spans, ...rest } = view;
  return { view: rest, spans: spans.map(spanToSchema) };
}
