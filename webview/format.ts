/**
 * Durations for the waterfall: the same rules as src/core/format.ts, which the webview cannot
 * import (it sees only protocol.ts). test/browser/format.test.ts checks the two agree.
 */

const NS_PER_US = 1e3;
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;
const NS_PER_MIN = 60e9;
const NS_PER_H = 3600e9;

/**
 * Formats a duration given in nanoseconds: `120 ns`, `1.5 µs`, `15 µs`, `0.3 ms`, `2.5 ms`,
 * `834 ms`, `2.1 s`, `1 min 5 s`, `2 h 3 min`. Two significant figures below ten of a unit, whole
 * units above; a value that rounds up to the next unit is shown in that unit (`999.7 µs` → `1 ms`).
 * Negative durations keep their sign; `null`, NaN and infinities give `—`.
 */
export function formatDuration(ns: number | bigint | null | undefined): string {
  if (ns === null || ns === undefined) return '—';
  let n = typeof ns === 'bigint' ? Number(ns) : ns;
  if (!Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  n = Math.abs(n);
  if (n < NS_PER_US) {
    const r = Math.round(n);
    if (r < 1000) return `${sign}${r} ns`;
  }
  if (n < 100 * NS_PER_US) {
    const s = scaled(n / NS_PER_US);
    if (s !== null && Number(s) < 100) return `${sign}${s} µs`;
  }
  if (n < NS_PER_S) {
    // 100 µs and up reads better as a fraction of a millisecond (`0.3 ms`) than as `300 µs`.
    const v = n / NS_PER_MS;
    if (v < 1) {
      const r = Math.round(v * 10) / 10;
      if (r < 1) return `${sign}${r.toFixed(1)} ms`;
    }
    const s = scaled(v);
    if (s !== null) return `${sign}${s} ms`;
  }
  if (n < NS_PER_MIN) {
    const v = n / NS_PER_S;
    const r = Math.round(v * 10) / 10;
    if (r < 60) return `${sign}${trimZero(r.toFixed(1))} s`;
  }
  if (n < NS_PER_H) {
    const totalS = Math.round(n / NS_PER_S);
    const min = Math.floor(totalS / 60);
    const s = totalS % 60;
    if (min < 60) return `${sign}${min} min${s ? ` ${s} s` : ''}`;
  }
  const totalMin = Math.round(n / NS_PER_MIN);
  const h = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return `${sign}${h} h${min ? ` ${min} min` : ''}`;
}

/** One decimal below 10, whole numbers up to 999; null when it rounds to 1000 (next unit). */
function scaled(v: number): string | null {
  if (v < 10) {
    const r = Math.round(v * 10) / 10;
    if (r < 10) return trimZero(r.toFixed(1));
  }
  const r = Math.round(v);
  return r < 1000 ? String(r) : null;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}
