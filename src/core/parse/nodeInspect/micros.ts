/**
 * Printed microseconds (`1795592759793000`, `109.072`, `1.5e-7`) to exact nanoseconds: a float
 * fast path for the usual shapes, the decimal digits otherwise.
 */

/** Is `c` the char code of an ASCII digit? */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Printed microseconds (`1795592759793000`, `109.072`, `1.5e-7`) to nanoseconds, exactly from
 * the decimal digits (rounded half up past the nanosecond). Null when the text is no number.
 */
export function microsToNanos(text: string): bigint | null {
  const fast = microsToNanosFast(text, 0);
  return fast !== null && fastEnd === text.length ? fast : microsToNanosExact(text);
}

/** Where the last microsToNanosFast stopped (a module variable, so the hot path allocates nothing for it). */
export let fastEnd = 0;

/**
 * Plain `[-]digits[.digits]` at `from` with a safe integer part, in float arithmetic that stays
 * exact; null for anything else. Sets fastEnd to the first character after the number.
 */
export function microsToNanosFast(text: string, from: number): bigint | null {
  let i = from;
  const neg = text.charCodeAt(i) === 45;
  if (neg) i++;
  const intFrom = i;
  let whole = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) break;
    whole = whole * 10 + (c - 48);
  }
  if (i === intFrom || !Number.isSafeInteger(whole)) return null;
  let frac = 0;
  let fracDigits = 0;
  let roundUp = false;
  if (text.charCodeAt(i) === 46) {
    for (i++; i < text.length; i++, fracDigits++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) break;
      if (fracDigits < 3) frac = frac * 10 + (c - 48);
      else if (fracDigits === 3) roundUp = c >= 53;
    }
  }
  const next = i < text.length ? text.charCodeAt(i) : 0;
  if (next === 101 || next === 69 || next === 95 || next === 46 || next === 110) return null;
  fastEnd = i;
  for (let k = fracDigits; k < 3; k++) frac *= 10;
  if (roundUp) frac++;
  const ns = whole * 1000 + frac;
  const n = Number.isSafeInteger(ns) ? BigInt(ns) : BigInt(whole) * 1000n + BigInt(frac);
  return neg ? -n : n;
}

function microsToNanosExact(text: string): bigint | null {
  let i = 0;
  const neg = text.charCodeAt(0) === 45;
  if (neg) i++;
  let digits = '';
  let fracLen = 0;
  let seenDot = false;
  let start = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) continue;
    if (c === 46 && !seenDot) {
      digits += text.slice(start, i);
      start = i + 1;
      seenDot = true;
      continue;
    }
    break;
  }
  digits += text.slice(start, i);
  if (seenDot) fracLen = i - start;
  if (!digits) return null;
  let exp = 3 - fracLen;
  if (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 101 && c !== 69) return null;
    const e = Number(text.slice(i + 1));
    if (!Number.isInteger(e) || Math.abs(e) > 400) return null;
    exp += e;
  }
  let n = BigInt(digits);
  if (exp >= 0) n *= 10n ** BigInt(exp);
  else {
    const div = 10n ** BigInt(-exp);
    const q = n / div;
    n = (n % div) * 2n >= div ? q + 1n : q;
  }
  return neg ? -n : n;
}
