/**
 * The waterfall page, for both of its hosts: the VS Code webview panel (assets by URI, CSP keyed
 * to the webview's `cspSource`) and the standalone file of `span-lens html` (everything inlined,
 * no network). Pure string building: no vscode, no Node APIs, so the panel adapter, the CLI and
 * the browser tests share it.
 *
 * The page itself is an empty `#app`: webview/main.ts builds the DOM with textContent only.
 */

import { EMBEDDED_DATA_ID, type RunDto } from './protocol';

export interface PanelHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce for this render: `createNonce()`. */
  nonce: string;
  /** `asWebviewUri` of dist/webview.js. */
  scriptUri: string;
  /** `asWebviewUri` of media/waterfall.css. */
  styleUri: string;
  /** `asWebviewUri` of dist/codicons/codicon.css (the .ttf beside it must be in `localResourceRoots`). */
  codiconsUri: string;
  title?: string;
}

/**
 * HTML for the VS Code panel. Scripts run only with the nonce; styles, fonts and images only
 * from the extension's own resources. Set `localResourceRoots` to `dist/` and `media/`.
 */
export function buildPanelHtml(o: PanelHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `script-src 'nonce-${o.nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.codiconsUri)}">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>${escapeText(o.title ?? 'Span Lens: Waterfall')}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${escapeAttr(o.nonce)}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>
`;
}

export interface StandaloneHtmlOptions {
  /** The text of dist/webview.js. */
  script: string;
  /** Stylesheets in order: codicons (font inlined with `inlineCodiconFont`), the theme, media/waterfall.css. */
  styles: string[];
  /** The run to embed; omit for an empty page that waits for a `load` message (tests, bench). */
  run?: RunDto;
  title?: string;
  /** Defaults to a fresh `createNonce()`. */
  nonce?: string;
}

/**
 * One self-contained HTML file: the script, styles, font and run are inline; the CSP admits only
 * the nonce'd script and style elements and data: fonts, and no network at all.
 */
export function buildStandaloneHtml(o: StandaloneHtmlOptions): string {
  const nonce = o.nonce ?? createNonce();
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "font-src data:",
    "img-src data:",
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const styles = o.styles.map((css) => `<style nonce="${nonce}">\n${escapeStyle(css)}\n</style>`).join('\n');
  const data = o.run ? `<script type="application/json" id="${EMBEDDED_DATA_ID}">${embedJson(o.run)}</script>\n` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="referrer" content="no-referrer">
<title>${escapeText(o.title ?? (o.run?.title || 'Span Lens: Waterfall'))}</title>
${styles}
</head>
<body class="span-lens-standalone">
<div id="app"></div>
${data}<script nonce="${nonce}">
${escapeScript(o.script)}
</script>
</body>
</html>
`;
}

/** Replaces the codicon font URL in codicon.css with a data: URL of the given base64 TrueType font. */
export function inlineCodiconFont(css: string, ttfBase64: string): string {
  return css.replace(/url\((["']?)[^)"']*codicon\.ttf[^)"']*\1\)/g, `url("data:font/ttf;base64,${ttfBase64}")`);
}

/** 128 random bits, base64: a new one for every page render. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` are escaped so no
 * span string can close the element or open a comment, and the text still parses to the same value.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Keeps inline script text from ending its element early (`</script`) or starting an HTML comment. */
function escapeScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function escapeStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** For double-quoted attribute values (single quotes stay, so the CSP reads as written). */
function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}
