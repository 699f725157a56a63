/**
 * Colours for the canvas (the minimap), read from the --vscode-* CSS variables and re-read when
 * the theme changes (vscode-js-profile-visualizer's useCssVariables does the same). The DOM parts
 * use the variables directly in media/waterfall.css.
 */

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export interface CanvasColors {
  bar: Rgba;
  error: Rgba;
  critical: Rgba;
}

let probe: CanvasRenderingContext2D | null = null;

/** Any CSS colour string → RGBA, via the canvas parser (so named colours, hex and rgb() all work). */
export function parseColor(css: string, fallback: Rgba): Rgba {
  const text = css.trim();
  if (!text) return fallback;
  if (!probe) probe = document.createElement('canvas').getContext('2d');
  if (!probe) return fallback;
  probe.fillStyle = '#000000';
  probe.fillStyle = text;
  const v = String(probe.fillStyle);
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (m) return { r: parseInt(m[1], 16), g: parseInt(m[2], 16), b: parseInt(m[3], 16), a: 255 };
  m = /^rgba?\(\s*(\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\s*\)$/.exec(v);
  if (m) return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 255 : Math.round(+m[4] * 255) };
  return fallback;
}

function cssVar(name: string): string {
  return getComputedStyle(document.body).getPropertyValue(name);
}

const GREY: Rgba = { r: 128, g: 128, b: 128, a: 255 };

/** The current theme's colours for the canvas. */
export function readCanvasColors(): CanvasColors {
  return {
    bar: parseColor(cssVar('--vscode-charts-blue'), GREY),
    error: parseColor(cssVar('--vscode-charts-red') || cssVar('--vscode-errorForeground'), GREY),
    critical: parseColor(cssVar('--vscode-charts-orange'), GREY),
  };
}

/** Calls `onChange` when VS Code switches theme (body class) or the OS scheme changes (standalone). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
  new MutationObserver(onChange).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  for (const q of ['(prefers-color-scheme: dark)', '(forced-colors: active)', '(prefers-contrast: more)']) {
    window.matchMedia(q).addEventListener('change', onChange);
  }
}
