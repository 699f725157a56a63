/**
 * Text a reader keeps beyond one parse (span names, ids, memoised values): cut loose from the
 * chunk of output it was read from, so that a long session does not keep old output alive.
 */

/**
 * A copy of `s` that does not hold on to the text it was cut from: V8 makes a regular
 * expression's capture (and any slice) of 13 or more characters a view of the whole string, so a
 * span keeping one would keep a whole chunk of output alive for the session.
 */
export function ownCopy(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
