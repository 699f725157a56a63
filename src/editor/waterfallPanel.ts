/**
 * The waterfall webview panel: one at a time, restored after a window reload (serializer), fed
 * the run as a columnar DTO, and turning the webview's reveal requests into editor jumps.
 */
import * as vscode from 'vscode';
import { Command } from '../commands';
import { buildRunDto, RunDtoBuilder } from '../core/waterfallModel';
import { redactRunDto } from '../core/redactRunDto';
import { buildPanelHtml, createNonce } from '../webviewHtml';
import type { FromWebviewMessage, ToWebviewMessage, WebviewState } from '../protocol';
import type { RunView, TraceStore } from './traceStore';
import { revealSpan } from './reveal';

export const WATERFALL_VIEW_TYPE = 'spanLens.waterfall';

export class WaterfallPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private pending: ToWebviewMessage | undefined;
  private sentRunId: string | undefined;
  /** The view last sent (a live run sends new views under one id). */
  private sentView: RunView | undefined;
  private readonly subs: vscode.Disposable[] = [];
  /** The live run's DTO so far: each new view of it appends its new traces instead of a rebuild. */
  private live: { id: string; builder: RunDtoBuilder } | undefined;
  /** Messages the webview sent, for tests and the log. */
  readonly onDidReceiveMessage: vscode.Event<FromWebviewMessage>;
  private readonly received = new vscode.EventEmitter<FromWebviewMessage>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly store: TraceStore,
    private readonly log: (line: string) => void,
  ) {
    this.onDidReceiveMessage = this.received.event;
    this.subs.push(
      store.onDidChange((view) => {
        if (!this.panel) return;
        if (!view) this.post({ type: 'clear', message: 'The run was cleared.' });
        // A live run keeps its id while its traces arrive: each new view of it is sent too.
        else if (view.id !== this.sentRunId || view !== this.sentView) this.load(view);
      }),
      vscode.window.registerWebviewPanelSerializer(WATERFALL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: WebviewState | undefined) => {
          this.adopt(panel);
          // The webview restores itself from its saved state; send the run only if it is the same one.
          const view = this.store.current;
          if (view && (!state?.runId || state.runId === view.id)) this.load(view);
        },
      }),
      vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })),
    );
  }

  get visible(): boolean {
    return !!this.panel?.visible;
  }

  /** Open (or bring forward) the panel on the current run, optionally on one span. */
  show(focus?: { spanId?: string; traceId?: string }): void {
    const view = this.store.current;
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        WATERFALL_VIEW_TYPE,
        'Span Lens: Waterfall',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: this.roots() },
      );
      this.adopt(panel);
    } else this.panel.reveal(undefined, true);
    if (!view) {
      this.post({ type: 'clear', message: 'No run yet: run a file with Span Lens, or open a saved trace file.' });
      return;
    }
    if (view.id !== this.sentRunId) this.load(view, focus);
    else if (focus?.spanId) this.post({ type: 'focusSpan', spanId: focus.spanId, traceId: focus.traceId });
  }

  private roots(): vscode.Uri[] {
    return [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')];
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    this.sentRunId = undefined;
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: this.roots() };
    const asUri = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asUri('dist', 'webview.js'),
      styleUri: asUri('media', 'waterfall.css'),
      codiconsUri: asUri('dist', 'codicons', 'codicon.css'),
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    const subs = [
      webview.onDidReceiveMessage((m: FromWebviewMessage) => this.onMessage(m)),
      panel.onDidChangeViewState((e) => {
        // A hidden webview without retained context restarts: it says 'ready' again.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
    ];
    panel.onDidDispose(() => {
      subs.forEach((s) => s.dispose());
      if (this.panel === panel) {
        this.panel = undefined;
        this.ready = false;
        this.sentRunId = undefined;
        this.live = undefined; // a live run's columns are not kept for a closed panel
      }
    });
  }

  private load(view: RunView, focus?: { spanId?: string; traceId?: string }): void {
    const checks = view.score === undefined ? undefined : { score: view.score, findings: view.findings.length };
    // Names, messages and event names masked as in hovers and the Problems panel; values stay revealable.
    const header = { runId: view.id, title: view.title, checks, live: view.live, canRerun: !view.live && !!view.sourceFile };
    let dto;
    if (view.live) {
      if (this.live?.id !== view.id) this.live = { id: view.id, builder: new RunDtoBuilder() };
      this.live.builder.sync(view.spans);
      dto = this.live.builder.build(header);
    } else {
      // The finished run after its live views: what the waterfall already holds is reused.
      const live = this.live?.builder.buildFor(view.spans, header);
      this.live = undefined;
      dto = live ?? buildRunDto(view.spans, header);
    }
    const run = redactRunDto(dto, { keepRevealable: true });
    this.sentRunId = view.id;
    this.sentView = view;
    this.post({ type: 'load', run, focusSpanId: focus?.spanId, focusTraceId: focus?.traceId });
  }

  private post(message: ToWebviewMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      // Keep only the latest state-changing message until the webview says it is listening.
      if (message.type !== 'theme') this.pending = message;
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private onMessage(m: FromWebviewMessage): void {
    this.received.fire(m);
    switch (m.type) {
      case 'ready': {
        this.ready = true;
        const view = this.store.current;
        if (this.pending) {
          const p = this.pending;
          this.pending = undefined;
          void this.panel?.webview.postMessage(p);
        } else if (view && m.runId !== view.id) this.load(view);
        else if (view) this.sentRunId = view.id;
        return;
      }
      case 'reveal': {
        const view = this.store.current;
        const span = view && m.runId === view.id ? (view.spans[m.index] ?? this.store.findSpan(m.spanId, m.traceId)) : undefined;
        void revealSpan(span, m.preserveFocus);
        return;
      }
      case 'select':
        return;
      case 'log':
        this.log(`[waterfall ${m.level}] ${m.message}`);
        return;
      case 'command':
        void vscode.commands.executeCommand(m.command === 'stop' ? Command.Stop : Command.Rerun);
        return;
      default:
        this.log(`[waterfall] unknown message ${JSON.stringify(m)}`);
    }
  }

  dispose(): void {
    this.panel?.dispose();
    this.received.dispose();
    this.subs.forEach((s) => s.dispose());
  }
}
