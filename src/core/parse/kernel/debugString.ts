/**
 * Rust `Debug` string literals (`"a \"quoted\" \u{1f600} text"`), as tracing-subscriber prints
 * string fields and opentelemetry-stdout prints string values: both Rust readers read them here.
 */

/** A Rust Debug-quoted string starting at `s[i] === '"'`: its value and the index after the closing quote. */
export function readDebugString(s: string, i: number): { value: string; end: number } | null {
  let out = '';
  let from = i + 1;
  let k = from;
  const n = s.length;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (c === 34 /* " */) return { value: out + s.slice(from, k), end: k + 1 };
    if (c !== 92 /* \ */) {
      k++;
      continue;
    }
    out += s.slice(from, k);
    const e = s[k + 1];
    let step = 2;
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
      case '"':
      case "'":
        out += e;
        break;
      case 'u': {
        const close = s.indexOf('}', k + 3);
        const hex = s.charCodeAt(k + 2) === 123 && close > 0 && close - k <= 10 ? s.slice(k + 3, close) : '';
        const cp = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
        if (cp < 0 || cp > 0x10ffff) return null;
        out += String.fromCodePoint(cp);
        step = close + 1 - k;
        break;
      }
      default:
        return null;
    }
    k += step;
    from = k;
  }
  return null;
}
