/**
 * The time axis above the rows and the grid lines behind the bars: ticks at "nice" steps of the
 * visible window, drag on the axis to zoom to a range, wheel to zoom, double-click for the whole trace.
 */

import { formatDuration } from '../src/protocol';
import { h, setText } from './dom';
import { axisTicks, timeToX, xToTime, type TimeWindow } from './layout';

export interface AxisActions {
  /** Show this window (a dragged range, or the whole trace). */
  setWindow(w: TimeWindow): void;
  /** Zoom by `factor` (< 1 zooms in) around time `anchor`. */
  zoom(factor: number, anchor: number): void;
  /** The whole trace's window. */
  whole(): TimeWindow;
}

export class TimeAxis {
  /** The axis strip (above the track). */
  readonly el: HTMLElement;
  /** The grid lines (over the rows' track, behind nothing: it ignores the pointer). */
  readonly grid: HTMLElement;
  private readonly brush: HTMLElement;
  private readonly tickPool: HTMLElement[] = [];
  private readonly gridPool: HTMLElement[] = [];
  private window: TimeWindow = { start: 0, end: 1 };
  private width = 0;

  constructor(private readonly actions: AxisActions) {
    this.brush = h('div', { class: 'brush' });
    this.brush.hidden = true;
    this.el = h('div', { class: 'axis', title: 'Time: drag to zoom to a range, wheel to zoom, double-click for the whole trace' }, this.brush);
    this.el.setAttribute('aria-hidden', 'true');
    this.grid = h('div', { class: 'grid' });
    this.grid.setAttribute('aria-hidden', 'true');
    this.listen();
  }

  /** Draws the ticks of `window` across `width` px; no ticks when the trace has no times. */
  render(window: TimeWindow, width: number, timed: boolean): void {
    this.window = window;
    this.width = width;
    const { ticks } = timed ? axisTicks(window, width) : { ticks: [] as number[] };
    for (let k = 0; k < Math.max(ticks.length, this.tickPool.length); k++) {
      let tick = this.tickPool[k];
      let line = this.gridPool[k];
      if (k >= ticks.length) {
        if (tick) tick.hidden = true;
        if (line) line.hidden = true;
        continue;
      }
      if (!tick) {
        tick = h('div', { class: 'tick' }, h('span', { class: 'tick-label' }));
        this.el.appendChild(tick);
        this.tickPool.push(tick);
        line = h('div', { class: 'grid-line' });
        this.grid.appendChild(line);
        this.gridPool.push(line);
      }
      const x = timeToX(ticks[k], window, width);
      tick.hidden = false;
      line!.hidden = false;
      tick.style.transform = `translateX(${x}px)`;
      line!.style.transform = `translateX(${x}px)`;
      setText(tick.firstChild as HTMLElement, ticks[k] === 0 ? '0' : formatDuration(ticks[k]));
    }
  }

  private listen(): void {
    const axis = this.el;
    let downX = -1;
    const local = (ev: MouseEvent) => ev.clientX - axis.getBoundingClientRect().left;
    axis.addEventListener('pointerdown', (ev) => {
      if (ev.button !== 0) return;
      downX = local(ev);
      axis.setPointerCapture(ev.pointerId);
    });
    axis.addEventListener('pointermove', (ev) => {
      if (downX < 0) return;
      const x = local(ev);
      if (Math.abs(x - downX) > 4) {
        this.brush.hidden = false;
        this.brush.style.left = `${Math.min(x, downX)}px`;
        this.brush.style.width = `${Math.abs(x - downX)}px`;
      }
    });
    const end = (ev: PointerEvent) => {
      if (downX < 0) return;
      const x = local(ev);
      this.brush.hidden = true;
      if (ev.type === 'pointerup' && Math.abs(x - downX) > 4) {
        const a = xToTime(Math.min(x, downX), this.window, this.width);
        const b = xToTime(Math.max(x, downX), this.window, this.width);
        this.actions.setWindow({ start: a, end: b });
      }
      downX = -1;
    };
    axis.addEventListener('pointerup', end);
    axis.addEventListener('pointercancel', end);
    axis.addEventListener('dblclick', () => this.actions.setWindow(this.actions.whole()));
    axis.addEventListener(
      'wheel',
      (ev) => {
        ev.preventDefault();
        this.actions.zoom(Math.pow(1.0025, ev.deltaY || ev.deltaX), xToTime(local(ev), this.window, this.width));
      },
      { passive: false },
    );
  }
}
