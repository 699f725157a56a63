/**
 * Run with Span Lens, in the editor: trust, progress with cancel, the program's own output in an
 * output channel, then the run's spans and findings handed to the store every presenter reads.
 */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { ContextKey } from '../commands';
import { readConfig, type SpanLensConfig } from '../config';
import { analyzeRun } from '../core/analyze';
import type { CheckConfig } from '../core/checks';
import { languageOfFile } from '../core/checks';
import { parseText } from '../core/parse';
import { collectSources } from '../run/sources';
import { runFile, type RunResult } from '../run/runFile';
import type { RunSettings } from '../run/launch';
import { EDITOR_PUBLISH_MS, EDITOR_QUIET_MS, EDITOR_TICK_MS, LiveTraces } from '../core/liveTraces';
import type { Span } from '../core/model';
import type { FindingDiagnostics } from './diagnostics';
import type { RunStatusBar } from './statusBar';
import { RunTerminal } from './runTerminal';
import type { RunView, TraceStore } from './traceStore';
import { readTextInside } from '../run/safeRead';
import { maskSensitiveText } from '../core/sensitive';

let runCounter = 0;

export class RunController implements vscode.Disposable {
  private abort: AbortController | undefined;
  private lastFile: vscode.Uri | undefined;
  /** The last run's terminal (kept open after the run, replaced by the next run's). */
  private terminal: RunTerminal | undefined;
  private readonly output: vscode.OutputChannel;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: TraceStore,
    private readonly diagnostics: FindingDiagnostics,
    private readonly status: RunStatusBar,
    output: vscode.OutputChannel,
  ) {
    this.output = output;
  }

  get running(): boolean {
    return this.abort !== undefined;
  }

  /** `spanLens.runFile`: run the given file (or the active editor's). */
  async runFile(target?: vscode.Uri): Promise<RunView | undefined> {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file') {
      void vscode.window.showInformationMessage('Span Lens: open a .js, .ts, .py, .go, .java or .rs file to run it.');
      return undefined;
    }
    if (!vscode.workspace.isTrusted) {
      const manage = 'Manage Workspace Trust';
      const open = 'Open Trace File…';
      void vscode.window
        .showWarningMessage('Span Lens runs code only in a trusted workspace: this one is in Restricted Mode. Trust it to run files, or open a saved trace file instead.', manage, open)
        .then((choice) => {
          if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
          else if (choice === open) void vscode.commands.executeCommand('spanLens.openTraceFile');
        });
      return undefined;
    }
    if (this.abort) {
      void vscode.window.showInformationMessage('Span Lens: a run is already going. Stop it first.');
      return undefined;
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc?.isDirty) await doc.save();
    this.lastFile = uri;
    const file = uri.fsPath;
    const config = readConfig(uri);
    const settings = await this.runSettings(uri, config);
    const abort = new AbortController();
    this.abort = abort;
    void vscode.commands.executeCommand('setContext', ContextKey.Running, true);
    this.status.running(path.basename(file));
    this.output.clear();
    this.output.appendLine(`▶ ${path.basename(file)} — Span Lens run started ${new Date().toLocaleTimeString()}`);
    // The program's own terminal: its output with colours, and the user's typing as its stdin.
    this.terminal?.dispose();
    const terminal = new RunTerminal(`Span Lens: ${path.basename(file)}`, () => abort.abort());
    this.terminal = terminal;
    terminal.show();
    const started = Date.now();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Span Lens: running ${path.basename(file)}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let spans = 0;
          let lastReport = 0;
          const live = this.startLive(uri, config, started);
          try {
            return await runFile(file, settings, {
              signal: abort.signal,
              timeoutMs: config.timeoutSeconds > 0 ? config.timeoutSeconds * 1000 : undefined,
              maxOutputBytes: config.maxOutputBytes,
              maxSpans: config.maxSpans,
              stdin: terminal.stdin,
              onOutput: (_stream, text) => terminal.write(text),
              onNotice: (message) => {
                this.output.appendLine(`⚠ Span Lens: ${message}`);
                terminal.write(`\x1b[33m⚠ Span Lens: ${message}\x1b[0m\n`);
              },
              onSpan: (span) => {
                spans++;
                live.add(span);
                const now = Date.now();
                if (now - lastReport > 250) {
                  lastReport = now;
                  progress.report({ message: `${spans} span${spans === 1 ? '' : 's'} so far` });
                  this.status.live(path.basename(file), spans);
                }
              },
            });
          } finally {
            live.stop();
          }
        },
      );
      const view = this.finish(uri, result, config, Date.now() - started);
      terminal.finish(summaryLine(path.basename(file), howItEnded(result, config), view, Date.now() - started));
      return view;
    } finally {
      this.abort = undefined;
      void vscode.commands.executeCommand('setContext', ContextKey.Running, false);
    }
  }

  /** `spanLens.stop`. */
  stop(): void {
    if (!this.abort) {
      void vscode.window.showInformationMessage('Span Lens: nothing is running.');
      return;
    }
    this.abort.abort();
  }

  /** `spanLens.rerun`: the last file again. */
  async rerun(): Promise<RunView | undefined> {
    if (!this.lastFile) {
      void vscode.window.showInformationMessage('Span Lens: nothing has run yet.');
      return undefined;
    }
    return this.runFile(this.lastFile);
  }

  /** `spanLens.openTraceFile`: show a saved output or OTLP JSON file without running anything. */
  async openTraceFile(target?: vscode.Uri): Promise<RunView | undefined> {
    let uri = target instanceof vscode.Uri ? target : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Show trace',
        title: 'Span Lens: open a saved program output or OTLP JSON file',
        filters: { 'Trace output': ['txt', 'log', 'out', 'json', 'jsonl', 'ndjson'], 'All files': ['*'] },
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      void vscode.window.showErrorMessage(`Span Lens: cannot read ${uri.fsPath}: ${(err as Error).message}`);
      return undefined;
    }
    const parsed = parseText(bytes);
    const sources = new Map<string, string>();
    // Spans in a saved file point at sources only through their names: search the open workspace's
    // files of the languages the output came from (bounded). Reading is safe in Restricted Mode.
    await this.addWorkspaceSources(parsed.formats, sources);
    const config = readConfig(uri);
    const analysis = analyzeRun({ spans: parsed.spans, facts: parsed.facts, sources }, this.checkConfig(config));
    const view: RunView = {
      id: `trace-${++runCounter}`,
      title: path.basename(uri.fsPath),
      traceFile: uri.fsPath,
      spans: parsed.spans,
      findings: analysis.findings,
      facts: parsed.facts,
      unparsed: parsed.unparsed,
      score: analysis.score,
    };
    this.publish(view);
    if (!parsed.spans.length) {
      void vscode.window.showWarningMessage(
        `Span Lens: no spans found in ${path.basename(uri.fsPath)}${parsed.unparsed.length ? ` (${parsed.unparsed.length} place(s) looked like span output but could not be read)` : ''}.`,
      );
    }
    return view;
  }

  private async addWorkspaceSources(formats: readonly string[], into: Map<string, string>): Promise<void> {
    const globs: string[] = [];
    if (formats.includes('go-stdouttrace')) globs.push('**/*.go');
    if (formats.some((f) => f.startsWith('java'))) globs.push('**/*.java');
    if (formats.some((f) => f.startsWith('rust'))) globs.push('**/*.rs');
    if (formats.includes('python-console')) globs.push('**/*.py');
    if (formats.includes('node-inspect')) globs.push('**/*.{js,ts,mjs,cjs}');
    for (const g of globs) {
      const files = await vscode.workspace.findFiles(g, '**/{node_modules,target,.git}/**', 300);
      // A match may be a symlink out of the workspace or to /proc: regular files inside it only, capped.
      const roots = (vscode.workspace.workspaceFolders ?? []).filter((w) => w.uri.scheme === 'file').map((w) => w.uri.fsPath);
      for (const f of files) {
        if (f.scheme !== 'file') continue;
        const text = readTextInside(f.fsPath, { roots });
        if (text !== undefined) into.set(f.fsPath, text);
      }
    }
  }

  private finish(uri: vscode.Uri, result: RunResult, config: SpanLensConfig, elapsedMs: number): RunView {
    const file = uri.fsPath;
    if (result.failure) {
      this.output.appendLine(`\n✗ ${result.failure}`);
      // A missing SDK: the install command, one click away.
      const install = /`([^`]+)`/.exec(result.failure)?.[1];
      const copy = 'Copy Install Command';
      const settings = 'Open Settings';
      void vscode.window.showErrorMessage(`Span Lens: ${result.failure}`, ...(install ? [copy] : []), settings).then((c) => {
        if (c === copy && install) void vscode.env.clipboard.writeText(install);
        else if (c === settings) void vscode.commands.executeCommand('workbench.action.openSettings', 'spanLens');
      });
    }
    if (result.error) {
      this.output.appendLine(`\n✗ ${result.error}`);
      const open = 'Open Settings';
      void vscode.window.showErrorMessage(`Span Lens: ${result.error}`, open).then((c) => {
        if (c === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'spanLens');
      });
    }
    const sources = collectSources(file);
    const language = languageOfFile(file);
    const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources, language }, this.checkConfig(config));
    const view: RunView = {
      id: `run-${++runCounter}`,
      title: path.basename(file),
      sourceFile: file,
      spans: result.spans,
      findings: analysis.findings,
      facts: result.facts,
      unparsed: result.unparsed,
      exitCode: result.exitCode,
      signal: result.signal,
      durationMs: elapsedMs,
      score: analysis.score,
      cut: describeCut(result, config),
    };
    const how = howItEnded(result, config);
    this.output.appendLine(`\n${summaryLine(path.basename(file), how, view, elapsedMs)}`);
    for (const c of view.cut ?? []) this.output.appendLine(`  ⚠ ${c}`);
    if (result.facts.message) {
      this.output.appendLine(`  ⚠ ${result.facts.message}`);
      void vscode.window.showWarningMessage(`Span Lens: ${result.facts.message}`);
    }
    if (result.facts.sdkDroppedSpans) this.output.appendLine(`  ⚠ the program's SDK dropped ${result.facts.sdkDroppedSpans} span(s): its batch queue was full`);
    for (const u of result.unlocated ?? analysis.unlocated) this.output.appendLine(`  span "${maskSensitiveText(u.name)}" has no source location: ${u.reason}`);
    for (const f of analysis.failures) this.output.appendLine(`  ⚠ check ${f.rule} failed: ${f.message}`);
    if (result.unparsed.length) this.output.appendLine(`  ${result.unparsed.length} place(s) in the output looked like spans but could not be read`);
    this.publish(view);
    if (result.spans.length && config.openWaterfallAfterRun) void vscode.commands.executeCommand('spanLens.showWaterfall');
    if (!result.error && result.spans.length === 0) {
      void vscode.window.showInformationMessage(`Span Lens: ${path.basename(file)} ${how} and made no spans.`);
    }
    return view;
  }

  /**
   * While a program runs, each trace is shown as it completes (its root ended): lenses, hovers,
   * diagnostics and the waterfall update at most five times a second, from the traces complete so
   * far (an unfinished trace would show parents missing and spans not yet ended as mistakes).
   */
  private startLive(uri: vscode.Uri, config: SpanLensConfig, started: number): { add(span: Span): void; stop(): void } {
    const traces = new LiveTraces(EDITOR_QUIET_MS);
    const complete = new Map<string, Span[]>();
    const runId = `run-${++runCounter}`;
    let dirty = false;
    let lastPublish = 0;
    let opened = false;
    const publishLive = () => {
      dirty = false;
      lastPublish = Date.now();
      const spans = [...complete.values()].flat();
      const sources = collectSources(uri.fsPath);
      const analysis = analyzeRun({ spans, facts: {}, sources, language: languageOfFile(uri.fsPath) }, this.checkConfig(config));
      const view: RunView = { id: runId, title: `${path.basename(uri.fsPath)} (running)`, sourceFile: uri.fsPath, spans, findings: analysis.findings, facts: {}, unparsed: [], durationMs: Date.now() - started, live: true };
      this.store.set(view, path.dirname(uri.fsPath));
      this.diagnostics.show(this.store.allFindings());
      void vscode.commands.executeCommand('setContext', ContextKey.HasRun, true);
      if (!opened && spans.length && config.openWaterfallAfterRun) {
        opened = true;
        void vscode.commands.executeCommand('spanLens.showWaterfall');
      }
    };
    const timer = setInterval(() => {
      for (const t of traces.tick(Date.now())) {
        complete.set(t.traceId, t.spans);
        dirty = true;
      }
      if (dirty && Date.now() - lastPublish >= EDITOR_PUBLISH_MS) publishLive();
    }, EDITOR_TICK_MS);
    return {
      add: (span) => traces.add(span, Date.now()),
      stop: () => clearInterval(timer),
    };
  }

  private publish(view: RunView): void {
    const cwd = view.sourceFile ? path.dirname(view.sourceFile) : undefined;
    this.store.set(view, cwd);
    this.diagnostics.show(this.store.allFindings());
    this.status.finished(view);
    void vscode.commands.executeCommand('setContext', ContextKey.HasRun, true);
  }

  private checkConfig(config: SpanLensConfig): CheckConfig {
    return { rules: config.checks as CheckConfig['rules'] };
  }

  /** VS Code settings → the runner's plain settings. */
  private async runSettings(uri: vscode.Uri, config: SpanLensConfig): Promise<RunSettings> {
    const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const expand = (s: string) => s.replace(/^~(?=$|[/\\:])/, os.homedir()).replace(/([:;])~(?=[/\\])/g, `$1${os.homedir()}`).replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, v: string) => process.env[v] ?? '');
    const lang = (l: keyof SpanLensConfig['languages']) => ({
      command: config.languages[l].command ? expand(config.languages[l].command!) : undefined,
      args: config.languages[l].args,
      env: config.languages[l].env,
    });
    return {
      cwd: config.cwd ? expand(config.cwd) : folder,
      env: config.env,
      injectDir: vscode.Uri.joinPath(this.extensionUri, 'dist', 'inject').fsPath,
      node: lang('node'),
      typescript: lang('typescript'),
      python: { ...lang('python'), path: config.pythonPath ? expand(config.pythonPath) : undefined, extensionInterpreter: await pythonExtensionInterpreter(uri) },
      go: lang('go'),
      java: { ...lang('java'), classPath: config.javaClassPath ? expand(config.javaClassPath) : undefined },
      rust: lang('rust'),
    };
  }

  dispose(): void {
    this.abort?.abort();
    this.terminal?.dispose();
  }
}

/** How a run ended, in the user's words. */
function howItEnded(result: RunResult, config: SpanLensConfig): string {
  return result.stopped === 'aborted'
    ? 'was stopped'
    : result.stopped === 'timeout'
      ? `was stopped after the ${config.timeoutSeconds} s timeout (spanLens.run.timeoutSeconds)`
      : result.signal
        ? `was ended by ${result.signal}`
        : `exited with code ${result.exitCode}`;
}

/** The line that closes a run, in the terminal and the output channel. */
function summaryLine(file: string, how: string, view: RunView, elapsedMs: number): string {
  const n = view.spans.length;
  const f = view.findings.length;
  return `■ ${file} ${how} after ${(elapsedMs / 1000).toFixed(1)} s — ${n} span${n === 1 ? '' : 's'}, ${f} finding${f === 1 ? '' : 's'}${view.score !== undefined ? `, score ${view.score}` : ''}`;
}

/** What the run's caps cut, in the user's words. */
function describeCut(result: RunResult, config: SpanLensConfig): string[] {
  const out: string[] = [];
  if (result.cut.outputBytes > 0)
    out.push(`${result.cut.outputBytes.toLocaleString()} bytes of program output beyond ${config.maxOutputBytes.toLocaleString()} were not kept (spanLens.run.maxOutputBytes); spans in it were still read`);
  if (result.cut.spans > 0) out.push(`${result.cut.spans.toLocaleString()} spans beyond ${config.maxSpans.toLocaleString()} were not kept (spanLens.run.maxSpans)`);
  return out;
}

/** The interpreter the Python extension selected, when it is installed (its public API). */
async function pythonExtensionInterpreter(uri: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = (ext.isActive ? ext.exports : await ext.activate()) as {
      environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } };
    };
    return api?.environments?.getActiveEnvironmentPath(uri)?.path;
  } catch {
    return undefined;
  }
}
