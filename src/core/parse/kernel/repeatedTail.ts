/**
 * The members a JSON record ends with, remembered while records repeat them verbatim (every span
 * of a process prints the same resource as its last keys): a record ending with a remembered tail
 * is parsed without it and reuses what the tail was read as. Kept in the parse memo, a few at a
 * time. Go's stdouttrace and Python's console output use it.
 */
import type { ParseMemo } from '../types';
import { isJsonSpace } from './json';

/**
 * The last members of a record as printed (from the comma before `"Resource":` to the closing
 * `}`), kept while records repeat them verbatim: every span of a process prints the same
 * Resource (and scope) as the last keys. A record ending with a remembered tail is parsed
 * without it and reuses what the tail was read as.
 */
export interface RepeatedTail<T> {
  /** The tail as printed, starting with its comma. */
  text: string;
  /** What the record's tail was read as (only ever read, never changed: records share it). */
  shared: T;
}

/** How many different tails are remembered (a few processes interleaving their output). */
const MAX_TAILS = 4;

/** The remembered tail `text` ends with, or undefined. */
export function findTail<T>(text: string, tails: RepeatedTail<T>[] | undefined): RepeatedTail<T> | undefined {
  if (!tails) return undefined;
  // slice + === compares as memory; endsWith goes character by character.
  for (const tail of tails) if (text.length > tail.text.length && text.slice(text.length - tail.text.length) === tail.text) return tail;
  return undefined;
}

/**
 * JSON.parse of `text` without its last `tailLength` characters (a comma and the members after
 * it), closed with `}`: the record minus the repeated members. Undefined when that is not an
 * object (the record is damaged; the caller reads it whole and reports it). `skipFrom`..`skipTo`,
 * when given, is a run of members left out as well (the caller verified they are members);
 * `from`, when given, where the members read begin (the ones before it were read already).
 */
export function parseWithoutTail(text: string, tailLength: number, skipFrom = 0, skipTo = 0, from = 0): Record<string, unknown> | undefined {
  const cut = text.length - tailLength;
  let i = cut - 1;
  while (i > from && isJsonSpace(text.charCodeAt(i))) i--;
  // `{` or `,` right before the tail's comma: the whole record is not JSON, though the rest may be.
  const c = text.charCodeAt(i);
  if (i <= from || c === 123 || c === 44) return undefined;
  // From `from` on, the record's members are read as an object of their own.
  const open = from > 0 ? '{' : '';
  try {
    const value: unknown = JSON.parse(skipTo > skipFrom ? open + text.slice(from, skipFrom) + text.slice(skipTo, cut) + '}' : open + text.slice(from, cut) + '}');
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tail of a record `text` that JSON.parse read whole: from the comma before the last
 * `quotedKey` (e.g. `"Resource":`) to the end, with its members parsed, when those members are
 * top-level ones with only `allowed` keys. Undefined otherwise (the key is nested, absent, or
 * followed by members that change from record to record).
 */
export function readTail(text: string, quotedKey: string, allowed: readonly string[]): { text: string; members: Record<string, unknown> } | undefined {
  const k = text.lastIndexOf(quotedKey);
  if (k < 0) return undefined;
  let comma = k - 1;
  while (comma > 0 && isJsonSpace(text.charCodeAt(comma))) comma--;
  if (comma <= 0 || text.charCodeAt(comma) !== 44) return undefined;
  const tail = text.slice(comma);
  let members: unknown;
  try {
    // Parses only when the comma is at the record's top level (`,"` and `,\n` never occur in a
    // JSON string; a nested tail would close more brackets than it opens).
    members = JSON.parse('{' + tail.slice(1));
  } catch {
    return undefined;
  }
  if (!members || typeof members !== 'object' || Array.isArray(members)) return undefined;
  for (const key in members) if (!allowed.includes(key)) return undefined;
  return { text: tail, members: members as Record<string, unknown> };
}

/** Remember a tail, most recent first, forgetting the oldest beyond MAX_TAILS. */
export function rememberTail<T>(memo: ParseMemo, key: string, tail: RepeatedTail<T>): void {
  let tails = memo.get(key) as RepeatedTail<T>[] | undefined;
  if (!tails) memo.set(key, (tails = []));
  tails.unshift(tail);
  if (tails.length > MAX_TAILS) tails.pop();
}
