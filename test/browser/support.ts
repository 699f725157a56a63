/**
 * Helpers for driving the built waterfall bundle in real headless Chromium (playwright-core
 * with Debian's /usr/bin/chromium). The page is the standalone HTML (strict CSP, everything
 * inline) written to test-results/pages and opened from file://.
 */
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadStandaloneAssets, renderStandaloneHtml, type StandaloneAssets } from '../../src/cli/html';
import type { RunDto } from '../../src/protocol';

export const ROOT = path.resolve(__dirname, '../..');
export const RESULTS = path.join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let built = false;
let assets: StandaloneAssets | null = null;

/** Builds dist/webview.js (+ codicons) once per test process, so tests always run the current source. */
export function ensureBuilt(): StandaloneAssets {
  if (!built) {
    execSync('npm run -s build:webview', { cwd: ROOT, stdio: 'inherit' });
    built = true;
  }
  if (!assets) assets = loadStandaloneAssets(ROOT);
  return assets;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface Observed {
  /** Messages the webview posted to its host. */
  messages: { type: string; [k: string]: unknown }[];
  cspViolations: string[];
  errors: string[];
  dialogs: string[];
  requests: string[];
}

let pageCounter = 0;

/** Writes a standalone page for `run` and opens it; collects host messages, errors, CSP violations and requests. */
export async function openWaterfall(
  browser: Browser,
  run: RunDto | undefined,
  o: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; contrast?: 'more' | 'no-preference'; vscodeState?: unknown; name?: string } = {},
): Promise<{ page: Page; observed: Observed; file: string }> {
  const a = ensureBuilt();
  fs.mkdirSync(path.join(RESULTS, 'pages'), { recursive: true });
  const file = path.join(RESULTS, 'pages', `${o.name ?? 'waterfall'}-${process.pid}-${++pageCounter}.html`);
  fs.writeFileSync(file, renderStandaloneHtml(run, a, run?.title || 'Span Lens test'));
  const context = await browser.newContext({
    viewport: { width: o.width ?? 1280, height: o.height ?? 720 },
    colorScheme: o.colorScheme ?? 'light',
    contrast: o.contrast ?? 'no-preference',
  });
  const page = await context.newPage();
  const observed: Observed = { messages: [], cspViolations: [], errors: [], dialogs: [], requests: [] };
  page.on('pageerror', (e) => observed.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') observed.errors.push(m.text());
  });
  page.on('dialog', (d) => {
    observed.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => observed.requests.push(r.url()));
  await page.exposeFunction('__recordHostMessage', (m: { type: string }) => observed.messages.push(m));
  await page.exposeFunction('__recordCsp', (v: string) => observed.cspViolations.push(v));
  // A string, not a function: tsx would wrap named functions in a `__name` helper the page lacks.
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (e) => window.__recordCsp(e.violatedDirective + ' ' + e.blockedURI));
    window.addEventListener('span-lens:host-message', (e) => window.__recordHostMessage(e.detail));
    const vscodeState = ${JSON.stringify(o.vscodeState === undefined ? '__none__' : o.vscodeState)};
    if (vscodeState !== '__none__') {
      // Stand in for VS Code's webview API: messages and state go to the test.
      let state = vscodeState === null ? undefined : vscodeState;
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__recordHostMessage(m),
        getState: () => state,
        setState: (s) => { state = s; window.__savedState = s; },
      });
    }
  `);
  await page.goto('file://' + file);
  await page.waitForSelector('.app');
  return { page, observed, file };
}

/** Waits for the webview to post a message of `type` (and returns it). */
export async function waitForMessage(observed: Observed, type: string, after = 0, timeout = 5000): Promise<Observed['messages'][number]> {
  const start = Date.now();
  for (;;) {
    const m = observed.messages.slice(after).find((x) => x.type === type);
    if (m) return m;
    if (Date.now() - start > timeout) throw new Error(`no '${type}' message; got ${JSON.stringify(observed.messages.map((x) => x.type))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Row facts as a user sees them, top to bottom. */
export async function visibleRows(page: Page): Promise<{ name: string; level: number; index: number; expanded: string | null; selected: boolean; top: number }[]> {
  return page.$$eval('.tree .row:not([hidden])', (rows) =>
    rows
      .map((r) => ({
        name: r.querySelector('.row-name')?.textContent ?? '',
        level: Number(r.getAttribute('aria-level')),
        index: Number(r.getAttribute('data-index')),
        expanded: r.getAttribute('aria-expanded'),
        selected: r.classList.contains('selected'),
        top: r.getBoundingClientRect().top,
      }))
      .sort((a, b) => a.top - b.top),
  );
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(RESULTS, { recursive: true });
  return path.join(RESULTS, name);
}
