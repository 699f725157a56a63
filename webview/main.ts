/**
 * Waterfall webview entry: connects to the host (VS Code or a plain page), restores saved state,
 * reads an embedded run (standalone HTML) and routes the typed messages of src/protocol.ts.
 */

import {
  EMBEDDED_DATA_ID,
  type FromWebviewMessage,
  type RunDto,
  type ToWebviewMessage,
  type WaterfallUiState,
  type WebviewState,
} from '../src/protocol';
import { RunView, validateRun } from './data';
import { connectHost } from './host';
import { watchTheme } from './theme';
import { Waterfall } from './waterfall';

/** Runs up to this many spans are kept in the webview state, so a reload shows them without the host. */
const PERSIST_RUN_MAX_SPANS = 5_000;

const host = connectHost();
let run: RunView | null = null;
let saveTimer = 0;
/**
 * UI state saved for a run too big to keep in the state: applied when the host sends that run
 * again (after the panel was hidden or the window reloaded).
 */
let restoredUi: { runId: string; ui: WaterfallUiState } | null = null;

const post = (m: FromWebviewMessage) => host.post(m);

const waterfall = new Waterfall({
  reveal(i, preserveFocus) {
    if (!run) return;
    const s = run.run.spans;
    const loc = s.location[i] >= 0 ? run.run.locations[s.location[i]] : undefined;
    post({
      type: 'reveal',
      runId: run.run.runId,
      traceId: run.run.traces[run.traceOf[i]]?.traceId ?? '',
      spanId: s.spanId[i],
      index: s.srcIndex[i],
      location: loc,
      preserveFocus,
    });
  },
  selected(i) {
    if (!run) return;
    const s = run.run.spans;
    post({
      type: 'select',
      runId: run.run.runId,
      traceId: run.run.traces[run.traceOf[i]]?.traceId ?? '',
      spanId: s.spanId[i],
      index: s.srcIndex[i],
    });
  },
  stateChanged: () => scheduleSave(),
  command: (command) => post({ type: 'command', command }),
});

const app = document.getElementById('app') ?? document.body;
app.replaceChildren(waterfall.el);

function load(data: RunDto, ui: WaterfallUiState = {}, focus?: { spanId: string; traceId?: string }): void {
  const problem = validateRun(data);
  if (problem) {
    run = null;
    waterfall.clear(problem);
    post({ type: 'log', level: 'error', message: `waterfall: ${problem}` });
    return;
  }
  run = new RunView(data);
  if (data.title) document.title = data.title;
  waterfall.setRun(run, ui, focus);
  scheduleSave();
}

function scheduleSave(): void {
  if (saveTimer) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = 0;
    const state: WebviewState = { ui: waterfall.uiState() };
    if (run) {
      state.runId = run.run.runId;
      if (run.n <= PERSIST_RUN_MAX_SPANS) state.run = run.run;
    }
    host.setState(state);
  }, 250);
}

function onMessage(m: ToWebviewMessage): void {
  switch (m.type) {
    case 'load': {
      // A new run of the same program keeps the user's place (trace, zoom, search); another run starts fresh.
      const same = run && run.run.runId && run.run.runId === m.run.runId;
      let ui: WaterfallUiState = same ? waterfall.uiState() : {};
      if (!run && restoredUi && restoredUi.runId === m.run.runId) ui = restoredUi.ui;
      restoredUi = null;
      const focus = m.focusSpanId ? { spanId: m.focusSpanId, traceId: m.focusTraceId } : undefined;
      load(m.run, ui, focus);
      break;
    }
    case 'focusSpan': {
      const i = run ? run.find(m.spanId, m.traceId) : -1;
      if (i >= 0) waterfall.select(i, { scroll: true, notify: false });
      break;
    }
    case 'theme':
      waterfall.themeChanged();
      break;
    case 'clear':
      run = null;
      waterfall.clear(m.message ?? 'No trace.');
      scheduleSave();
      break;
    default:
      post({ type: 'log', level: 'warn', message: `waterfall: unknown message ${JSON.stringify((m as { type?: unknown }).type)}` });
  }
}

window.addEventListener('message', (ev: MessageEvent) => {
  // Standalone, only this page may talk to the view (not some page that frames it).
  if (host.standalone && ev.source !== window && ev.source !== null) return;
  const data = ev.data as unknown;
  if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') return;
  onMessage(data as ToWebviewMessage);
});

document.addEventListener('keydown', (ev) => {
  const t = ev.target as HTMLElement | null;
  const typing = !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    ev.preventDefault();
    waterfall.focusSearch();
  } else if (ev.key === 'Escape' && !typing && t && !t.closest('.tree')) {
    // Esc from the detail pane or the toolbar: back to the list.
    waterfall.focus();
  }
});

window.addEventListener('error', (ev) => post({ type: 'log', level: 'error', message: `waterfall: ${ev.message}` }));
watchTheme(() => waterfall.themeChanged());

// Start-up: a restored panel shows its saved run at once; the standalone page reads its embedded run.
const saved = host.getState();
const embedded = document.getElementById(EMBEDDED_DATA_ID);
if (saved && !saved.run && saved.runId) restoredUi = { runId: saved.runId, ui: saved.ui };
if (saved?.run) load(saved.run, saved.ui);
else if (embedded?.textContent) {
  try {
    load(JSON.parse(embedded.textContent) as RunDto);
  } catch (e) {
    waterfall.clear('The embedded trace data could not be read.');
  }
} else waterfall.clear(host.standalone ? 'No trace data in this page.' : 'Run a file with Span Lens to see its trace here.');
// `runId` only when the run itself came back from the state: otherwise the host must send it.
post({ type: 'ready', runId: saved?.run ? saved.runId : undefined });
