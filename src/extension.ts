/**
 * activate(): wires the objects together and pushes every disposable; no logic lives here.
 * Nothing runs until a Span Lens command, a restored waterfall, or a trace file is used.
 */
import * as vscode from 'vscode';
import { Command } from './commands';
import { readConfig } from './config';
import { SpanCodeLensProvider } from './editor/codeLens';
import { FindingDiagnostics } from './editor/diagnostics';
import { SpanHoverProvider } from './editor/hover';
import { revealSpan } from './editor/reveal';
import { RunController } from './editor/runController';
import { RunStatusBar } from './editor/statusBar';
import { TraceStore } from './editor/traceStore';
import { WaterfallPanel } from './editor/waterfallPanel';
import { SpanCodeActionProvider } from './editor/codeActions';
import { spanFromSchema } from './core/schema';
import type { Span } from './core/model';

/** What tests and other extensions can reach (`extension.exports`). */
export interface SpanLensApi {
  readonly store: TraceStore;
  readonly waterfall: WaterfallPanel;
  readonly runs: RunController;
  /** Milliseconds from the bundle starting to load to the end of activate(), in the extension host. */
  readonly activationMs: number;
}

const SELECTOR: vscode.DocumentSelector = [{ scheme: 'file' }];

declare const globalThis: { __spanLensLoadStart?: number };

export function activate(context: vscode.ExtensionContext): SpanLensApi {
  // The build's banner stamps the moment the bundle starts loading, so module load counts too.
  const t0 = globalThis.__spanLensLoadStart ?? performance.now();
  const output = vscode.window.createOutputChannel('Span Lens');
  const store = new TraceStore(context.workspaceState);
  const diagnostics = new FindingDiagnostics(context.extensionUri);
  const status = new RunStatusBar();
  const waterfall = new WaterfallPanel(context.extensionUri, store, (line) => output.appendLine(line));
  const runs = new RunController(context.extensionUri, store, diagnostics, status, output);
  const lenses = new SpanCodeLensProvider(store, () => readConfig().codeLensEnabled);

  context.subscriptions.push(
    output,
    store,
    diagnostics,
    status,
    waterfall,
    runs,
    lenses,
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerHoverProvider(SELECTOR, new SpanHoverProvider(store)),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new SpanCodeActionProvider(diagnostics), {
      providedCodeActionKinds: SpanCodeActionProvider.kinds,
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('spanLens.codeLens')) lenses.refresh();
    }),
    vscode.commands.registerCommand(Command.RunFile, (uri?: vscode.Uri) => runs.runFile(uri)),
    vscode.commands.registerCommand(Command.Stop, () => runs.stop()),
    vscode.commands.registerCommand(Command.Rerun, () => runs.rerun()),
    vscode.commands.registerCommand(Command.OpenTraceFile, (uri?: vscode.Uri) => runs.openTraceFile(uri)),
    vscode.commands.registerCommand(Command.ToggleCodeLens, async () => {
      const config = vscode.workspace.getConfiguration('spanLens');
      await config.update('codeLens.enabled', !config.get<boolean>('codeLens.enabled', true), vscode.ConfigurationTarget.Global);
    }),
    vscode.commands.registerCommand(Command.ShowWaterfall, (focus?: { spanId?: string; traceId?: string }) => waterfall.show(focus)),
    vscode.commands.registerCommand(Command.Clear, () => {
      store.clear();
      diagnostics.clear();
      status.hide();
      void vscode.commands.executeCommand('setContext', 'spanLens.hasRun', false);
    }),
    vscode.commands.registerCommand(Command.RevealSpan, (arg?: { spanId?: string; traceId?: string } | string) => {
      const spanId = typeof arg === 'string' ? arg : arg?.spanId;
      const traceId = typeof arg === 'string' ? undefined : arg?.traceId;
      return revealSpan(spanId ? store.findSpan(spanId, traceId) : undefined);
    }),
  );
  // The last runs of this workspace, as they were before a reload: lenses, hovers and Problems.
  store.restore((stored) => {
    const spans = stored.spans.map((s) => spanFromSchema(s)).filter((s): s is Span => s !== null);
    return spans.length ? { ...stored.view, spans } : undefined;
  });
  if (store.current) {
    diagnostics.show(store.allFindings());
    void vscode.commands.executeCommand('setContext', 'spanLens.hasRun', true);
  }
  return { store, waterfall, runs, activationMs: performance.now() - t0 };
}

/** Everything is disposed through the context. */
export function deactivate(): void {}
