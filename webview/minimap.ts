/**
 * The whole trace at a glance, drawn once per trace/size/theme on a canvas: every span as a
 * line at its pre-order position, errors on top. Drawing is O(spans + pixels) whatever the
 * trace size: each pixel row accumulates coverage in a difference array, then one putImageData.
 * A box shows the visible time window and rows; dragging selects a new window.
 */

import { SpanFlag, type RunDto } from '../src/protocol';
import { h } from './dom';
import { readCanvasColors, type CanvasColors, type Rgba } from './theme';
import type { TimeWindow } from './layout';

export interface MinimapActions {
  /** Show this time window (ns from the trace start). */
  setWindow(w: TimeWindow): void;
  /** Centre the view on time `t` and scroll so that fraction `f` of the full tree is at the top. */
  jump(t: number, f: number): void;
  /** Zoom around time `t` by `factor`. */
  zoom(t: number, factor: number): void;
}

export class Minimap {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly box: HTMLElement;
  private readonly brush: HTMLElement;
  private colors: CanvasColors | null = null;
  private spans: RunDto['spans'] | null = null;
  private first = 0;
  private count = 0;
  private traceStart = 0;
  private total = 1;
  private width = 0;
  private readonly height = 36;
  private drawTimer = 0;

  constructor(private readonly actions: MinimapActions) {
    this.canvas = h('canvas', { class: 'minimap-canvas' });
    this.canvas.setAttribute('aria-hidden', 'true');
    this.box = h('div', { class: 'minimap-window' });
    this.brush = h('div', { class: 'brush' });
    this.brush.hidden = true;
    this.el = h(
      'div',
      { class: 'minimap', title: 'Overview of the whole trace: drag to zoom to a range, click to jump, wheel to zoom' },
      this.canvas,
      this.box,
      this.brush,
    );
    this.listen();
  }

  setTrace(spans: RunDto['spans'], first: number, count: number, traceStart: number, total: number): void {
    this.spans = spans;
    this.first = first;
    this.count = count;
    this.traceStart = traceStart;
    this.total = Math.max(1, total);
    this.scheduleDraw();
  }

  clear(): void {
    this.spans = null;
    this.count = 0;
    this.scheduleDraw();
  }

  resize(width: number): void {
    if (Math.abs(width - this.width) < 0.5) return;
    this.width = Math.max(0, width);
    this.el.style.width = `${this.width}px`;
    this.scheduleDraw();
  }

  themeChanged(): void {
    this.colors = null;
    this.scheduleDraw();
  }

  /** Moves the box: `w` is the time window, `top`/`rows` the visible fraction of the full tree. */
  showWindow(w: TimeWindow, topFraction: number, heightFraction: number): void {
    const x0 = (w.start / this.total) * this.width;
    const x1 = (w.end / this.total) * this.width;
    const s = this.box.style;
    s.left = `${x0}px`;
    s.width = `${Math.max(2, x1 - x0)}px`;
    s.top = `${Math.max(0, Math.min(1, topFraction)) * this.height}px`;
    s.height = `${Math.max(2, Math.min(1, heightFraction) * this.height)}px`;
  }

  /** Drawing waits for the next idle moment so the first frame of a big trace is not held up. */
  private scheduleDraw(): void {
    if (this.drawTimer) return;
    this.drawTimer = window.setTimeout(() => {
      this.drawTimer = 0;
      this.draw();
    }, 0);
  }

  private draw(): void {
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(this.width * dpr));
    const H = Math.max(1, Math.round(this.height * dpr));
    if (this.canvas.width !== W) this.canvas.width = W;
    if (this.canvas.height !== H) this.canvas.height = H;
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    const spans = this.spans;
    if (!spans || this.count === 0 || this.width < 1) return;
    if (!this.colors) this.colors = readCanvasColors();

    // Per pixel row: coverage difference arrays for all spans and for errors.
    const stride = W + 1;
    const all = new Int32Array(H * stride);
    const err = new Int32Array(H * stride);
    const scale = W / this.total;
    const { start, end, flags } = spans;
    const n = this.count;
    for (let k = 0; k < n; k++) {
      const i = this.first + k;
      const f = flags[i];
      if (f & SpanFlag.NoTime) continue;
      let x0 = Math.floor((start[i] - this.traceStart) * scale);
      let x1 = Math.floor((end[i] - this.traceStart) * scale);
      if (x0 < 0) x0 = 0;
      if (x1 >= W) x1 = W - 1;
      if (x1 < x0) x1 = x0;
      const y0 = Math.floor((k * H) / n);
      const y1 = Math.max(y0 + 1, Math.floor(((k + 1) * H) / n));
      const target = f & SpanFlag.Error ? err : all;
      for (let y = y0; y < y1 && y < H; y++) {
        target[y * stride + x0]++;
        target[y * stride + x1 + 1]--;
      }
    }
    const img = ctx.createImageData(W, H);
    const px = img.data;
    const bar = this.colors.bar;
    const red = this.colors.error;
    for (let y = 0; y < H; y++) {
      let a = 0;
      let e = 0;
      const row = y * stride;
      for (let x = 0; x < W; x++) {
        a += all[row + x];
        e += err[row + x];
        const c: Rgba | null = e > 0 ? red : a > 0 ? bar : null;
        if (!c) continue;
        const o = (y * W + x) * 4;
        px[o] = c.r;
        px[o + 1] = c.g;
        px[o + 2] = c.b;
        px[o + 3] = e > 0 ? 255 : Math.min(255, Math.round(c.a * 0.75));
      }
    }
    ctx.putImageData(img, 0, 0);
  }

  private listen(): void {
    let downX = -1;
    let downY = 0;
    let dragging = false;
    const localX = (ev: PointerEvent | WheelEvent) => ev.clientX - this.el.getBoundingClientRect().left;
    const toTime = (x: number) => (Math.max(0, Math.min(this.width, x)) / Math.max(1, this.width)) * this.total;
    this.el.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      downX = localX(ev);
      downY = ev.clientY - this.el.getBoundingClientRect().top;
      dragging = false;
      this.el.setPointerCapture(ev.pointerId);
    });
    this.el.addEventListener('pointermove', (ev) => {
      if (downX < 0) return;
      const x = localX(ev);
      if (!dragging && Math.abs(x - downX) > 4) dragging = true;
      if (dragging) {
        this.brush.hidden = false;
        this.brush.style.left = `${Math.max(0, Math.min(x, downX))}px`;
        this.brush.style.width = `${Math.abs(x - downX)}px`;
      }
    });
    const end = (ev: PointerEvent) => {
      if (downX < 0) return;
      const x = localX(ev);
      this.brush.hidden = true;
      if (dragging) {
        const a = toTime(Math.min(x, downX));
        const b = toTime(Math.max(x, downX));
        this.actions.setWindow({ start: a, end: b });
      } else if (ev.type === 'pointerup') {
        this.actions.jump(toTime(x), Math.max(0, Math.min(1, downY / this.height)));
      }
      downX = -1;
      dragging = false;
    };
    this.el.addEventListener('pointerup', end);
    this.el.addEventListener('pointercancel', end);
    this.el.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        const dy = ev.deltaY || ev.deltaX;
        this.actions.zoom(toTime(localX(ev)), Math.pow(1.0015, dy));
      },
      { passive: false },
    );
  }
}
