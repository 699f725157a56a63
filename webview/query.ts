/**
 * The search box's query language: words separated by spaces, all of which must match (AND).
 *
 *   checkout            free text: name, service, attribute key or value, event (case-insensitive)
 *   "two words"         free text with a space
 *   name:cart           the span's name contains `cart`; name=… is the whole name, name~… a regex
 *   service:db          the same for the service (service=, service~)
 *   http.route=/a       an attribute (of the span, else its resource) equals the value
 *   db.statement~^SEL   an attribute matches the regular expression (case-insensitive)
 *   duration>10ms       also <, >=, <=, =; units ns, µs/us, ms, s (`dur` works too)
 *   status=error        also ok, unset
 *   kind=client         server, client, producer, consumer, internal
 *
 * Sensitive values never match (a search must not confirm a secret). Pure: parse in plain Node,
 * match over the run's columns with a `RunView`.
 *
 * Assumes spans are in pre-order DFS order (guaranteed by core/trace/tree.ts via runDto).
 */

import { AttrFlag, SPAN_KIND_NAMES, SpanFlag } from '../src/protocol';
import type { RunView } from './data';

export type Term =
  /** Lower-cased text found in any of the span's strings. */
  | { kind: 'text'; text: string }
  /** A field of the span (name, service, kind) or an attribute, compared to `value`. */
  | { kind: 'field'; field: 'name' | 'service' | 'kind'; test: StringTest }
  | { kind: 'attr'; key: string; test: StringTest }
  | { kind: 'duration'; op: CompareOp; ns: number }
  | { kind: 'status'; status: 'error' | 'ok' | 'unset' };

export type CompareOp = '<' | '<=' | '>' | '>=' | '=';

/** How a string is compared: contains (`:`), equals (`=`, case-insensitive) or matches (`~`). */
export type StringTest = { op: ':'; text: string } | { op: '='; text: string } | { op: '~'; re: RegExp };

export interface Query {
  terms: Term[];
  /** What the user must fix, in their words; a query with errors matches nothing. */
  errors: string[];
}

const NS_PER_UNIT: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9 };
const FIELD_WORDS = new Set(['name', 'service', 'kind']);
const KINDS = SPAN_KIND_NAMES.map((k) => k.toLowerCase());

/** Splits on spaces outside double quotes; quotes group and are removed. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (any || cur) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (any || cur) out.push(cur);
  return out.filter((t) => t.length > 0);
}

/** Parses the search box's text; see the module comment for the syntax. */
export function parseQuery(text: string): Query {
  const terms: Term[] = [];
  const errors: string[] = [];
  for (const token of tokenize(text)) {
    const m = /^([A-Za-z_][\w.\-/]*)(>=|<=|=|~|>|<|:)(.*)$/s.exec(token);
    if (!m) {
      terms.push({ kind: 'text', text: token.toLowerCase() });
      continue;
    }
    const key = m[1];
    const op = m[2];
    const value = m[3];
    const lower = key.toLowerCase();
    if (lower === 'duration' || lower === 'dur') {
      if (op === ':' || op === '~') {
        errors.push(`${key} compares with <, <=, >, >= or = (e.g. duration>10ms)`);
        continue;
      }
      const d = /^(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|μs|ms|s)$/.exec(value.trim());
      if (!d) {
        errors.push(`"${value}" is not a duration: a number and a unit (ns, µs, ms, s), e.g. ${key}${op}10ms`);
        continue;
      }
      terms.push({ kind: 'duration', op: op as CompareOp, ns: Number(d[1]) * NS_PER_UNIT[d[2]] });
      continue;
    }
    if (lower === 'status' && (op === '=' || op === ':')) {
      const v = value.toLowerCase();
      if (v === 'error' || v === 'ok' || v === 'unset') terms.push({ kind: 'status', status: v });
      else errors.push(`status is error, ok or unset, not "${value}"`);
      continue;
    }
    if (op === '<' || op === '>' || op === '<=' || op === '>=') {
      errors.push(`only duration compares with ${op} (e.g. duration${op}10ms)`);
      continue;
    }
    if (op === ':' && !FIELD_WORDS.has(lower)) {
      // `http://x` or `12:30` are text, not fields: only name:, service: and kind: are fields.
      terms.push({ kind: 'text', text: token.toLowerCase() });
      continue;
    }
    let test: StringTest;
    if (op === '~') {
      try {
        test = { op: '~', re: new RegExp(value, 'i') };
      } catch (e) {
        errors.push(`${key}~${value}: ${(e as Error).message.replace(/^Invalid regular expression: /, 'invalid regular expression ')}`);
        continue;
      }
    } else test = { op: op as ':' | '=', text: value.toLowerCase() };
    if (FIELD_WORDS.has(lower)) {
      if (lower === 'kind' && test.op !== '~' && !KINDS.some((k) => (test.op === '=' ? k === (test as { text: string }).text : k.includes((test as { text: string }).text)))) {
        errors.push(`kind is one of ${KINDS.join(', ')}, not "${value}"`);
        continue;
      }
      terms.push({ kind: 'field', field: lower as 'name' | 'service' | 'kind', test });
    } else terms.push({ kind: 'attr', key, test });
  }
  return { terms, errors };
}

/** True when `s` passes `test`. */
export function testString(test: StringTest, s: string): boolean {
  if (test.op === '~') return test.re.test(s);
  const l = s.toLowerCase();
  return test.op === '=' ? l === test.text : l.includes(test.text);
}

/** The lower-cased texts a row's name may show highlighted: free text and name:/name= terms. */
export function highlightNeedles(q: Query): string[] {
  const out: string[] = [];
  for (const t of q.terms) {
    if (t.kind === 'text') out.push(t.text);
    else if (t.kind === 'field' && t.field === 'name' && t.test.op !== '~') out.push(t.test.text);
  }
  return out.filter((s) => s.length > 0);
}

/**
 * The spans of `[first, end)` that match every term, as a 0/1 mask over all spans of the run.
 * Each term is decided once per distinct string (names, keys and values are interned).
 */
export function matchQuery(view: RunView, q: Query, first: number, end: number): Uint8Array {
  const mask = new Uint8Array(view.n);
  if (q.errors.length || q.terms.length === 0) return mask;
  mask.fill(1, first, end);
  const run = view.run;
  const { spans, attrs, events, strings } = run;
  for (const term of q.terms) {
    // Memo per string index: 0 unknown, 1 no, 2 yes.
    const memo = new Uint8Array(strings.length);
    const str = (k: number, f: (s: string) => boolean): boolean => {
      if (k < 0) return false;
      if (!memo[k]) memo[k] = f(strings[k] ?? '') ? 2 : 1;
      return memo[k] === 2;
    };
    let keep: (i: number) => boolean;
    switch (term.kind) {
      case 'text': {
        const has = (s: string) => s.toLowerCase().includes(term.text);
        const attrHit = (a: number) => str(attrs.key[a], has) || (!(attrs.flags[a] & AttrFlag.Sensitive) && str(attrs.value[a], has));
        keep = (i) => {
          if (str(spans.name[i], has) || str(spans.service[i], has)) return true;
          for (let a = spans.attrStart[i]; a < spans.attrStart[i + 1]; a++) if (attrHit(a)) return true;
          for (let e = spans.eventStart[i]; e < spans.eventStart[i + 1]; e++) {
            if (str(events.name[e], has)) return true;
            for (let a = events.attrStart[e]; a < events.attrStart[e + 1]; a++) if (attrHit(a)) return true;
          }
          return false;
        };
        break;
      }
      case 'field': {
        const pass = (s: string) => testString(term.test, s);
        if (term.field === 'name') keep = (i) => str(spans.name[i], pass);
        else if (term.field === 'service') keep = (i) => str(spans.service[i], pass);
        else keep = (i) => pass(KINDS[spans.kind[i]] ?? 'internal');
        break;
      }
      case 'attr': {
        const pass = (s: string) => testString(term.test, s);
        const keyIs = (s: string) => s === term.key;
        const inRange = (from: number, to: number): number => {
          // 1: the key is there and its value passes, 0: there and fails (or secret), -1: absent.
          for (let a = from; a < to; a++) {
            if (!str(attrs.key[a], keyIs)) continue;
            if (attrs.flags[a] & AttrFlag.Sensitive) return 0;
            return pass(strings[attrs.value[a]] ?? '') ? 1 : 0;
          }
          return -1;
        };
        const resStart = run.resourceAttrStart;
        keep = (i) => {
          const own = inRange(spans.attrStart[i], spans.attrStart[i + 1]);
          if (own >= 0) return own === 1;
          const r = spans.resource[i];
          return r >= 0 && inRange(resStart[r], resStart[r + 1]) === 1;
        };
        break;
      }
      case 'duration': {
        const { op, ns } = term;
        keep = (i) => {
          if (spans.flags[i] & SpanFlag.NoTime) return false;
          const d = spans.end[i] - spans.start[i];
          return op === '>' ? d > ns : op === '>=' ? d >= ns : op === '<' ? d < ns : op === '<=' ? d <= ns : d === ns;
        };
        break;
      }
      case 'status': {
        const want = term.status;
        keep = (i) => {
          const f = spans.flags[i];
          const s = f & SpanFlag.Error ? 'error' : f & SpanFlag.StatusOk ? 'ok' : 'unset';
          return s === want;
        };
        break;
      }
    }
    for (let i = first; i < end; i++) if (mask[i] && !keep(i)) mask[i] = 0;
  }
  return mask;
}
