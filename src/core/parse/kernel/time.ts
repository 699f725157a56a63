/**
 * RFC 3339 timestamps as console exporters print them (Go, Python, Rust tracing and
 * opentelemetry-stdout): `2026-11-25T13:17:05.903094155+05:30`, `…Z`, 0–9 fraction digits (more
 * are read and dropped, not rounded), `T`/`t`/space between date and time. Exact unix nanoseconds
 * as bigint: a double cannot hold them.
 */

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The value of `count` decimal digits at `s[at]`, or -1 when one is not a digit. */
function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** A timestamp read in place: unix nanoseconds and the index after its last character. */
export interface Rfc3339Stamp {
  ns: bigint;
  end: number;
}

/**
 * Read the RFC 3339 timestamp starting at `s[from]`, or null when none starts there. What follows
 * it is the caller's business (`end` says where it stopped).
 */
export function readRfc3339(s: string, from: number): Rfc3339Stamp | null {
  if (s.length - from < 20) return null;
  const year = digits(s, from, 4);
  const month = digits(s, from + 5, 2);
  const day = digits(s, from + 8, 2);
  const hour = digits(s, from + 11, 2);
  const minute = digits(s, from + 14, 2);
  const second = digits(s, from + 17, 2);
  const sep = s.charCodeAt(from + 10);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
    second < 0 || second > 60 || s.charCodeAt(from + 4) !== 45 || s.charCodeAt(from + 7) !== 45 || s.charCodeAt(from + 13) !== 58 ||
    s.charCodeAt(from + 16) !== 58 || (sep !== 84 && sep !== 116 && sep !== 32)
  ) {
    return null;
  }
  let i = from + 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46 /* . */) {
    i++;
    let count = 0;
    for (; i < s.length; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      // Digits past nanoseconds cannot be represented; they are dropped, not rounded.
      if (count < 9) frac = frac * 10 + d;
      count++;
    }
    if (count === 0) return null;
    for (; count < 9; count++) frac *= 10;
  }
  let offsetSeconds = 0;
  const z = s.charCodeAt(i);
  if (z === 90 || z === 122) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = digits(s, i + 1, 2);
    const om = digits(s, i + 4, 2);
    if (oh < 0 || om < 0 || s.charCodeAt(i + 3) !== 58) return null;
    offsetSeconds = (oh * 3600 + om * 60) * (z === 45 ? -1 : 1);
    i += 6;
  } else {
    return null;
  }
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
  const secondsNano = BigInt(seconds) * 1_000_000_000n;
  return { ns: frac === 0 ? secondsNano : secondsNano + BigInt(frac), end: i };
}

/** The whole of `s` read as an RFC 3339 timestamp in unix nanoseconds, or null when it is not one. */
export function rfc3339ToUnixNano(s: string): bigint | null {
  const stamp = readRfc3339(s, 0);
  return stamp !== null && stamp.end === s.length ? stamp.ns : null;
}
