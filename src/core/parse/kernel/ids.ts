/**
 * Trace and span ids as the model keeps them: lower-case hex, 32 digits for a trace, 16 for a span.
 * SDKs print lower case; a hand-made or converted id in upper case is lowered, never refused.
 */

/** `s` as a lower-case hex id of exactly `length` digits (either case accepted), or null. */
export function hexId(s: unknown, length: number): string | null {
  if (typeof s !== 'string' || s.length !== length) return null;
  // One pass checks the common case (already lower case) without a regex or a copy.
  for (let i = 0; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c > 102 || c < 48 || (c > 57 && c < 97)) return /^[0-9a-fA-F]+$/.test(s) ? s.toLowerCase() : null;
  }
  return s;
}

/** Is `s` an id of `length` hex digits in either case? */
export function isHexId(s: unknown, length: number): s is string {
  return hexId(s, length) !== null;
}

/** Is `id` all zeros (OpenTelemetry's invalid id, which means "none")? */
export function isZeroId(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}

/** Why an export's spans without readable ids are not in the result (for BlockResult / Sink.unparsed). */
export function skippedReason(n: number): string {
  return `${n} span${n === 1 ? '' : 's'} without a readable traceId/spanId left out`;
}
