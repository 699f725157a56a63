/**
 * Quick fixes for findings whose repair is mechanical, as plain text edits: the editor turns
 * them into WorkspaceEdits, tests apply them with applyEdits. Python and JavaScript/TypeScript
 * are understood well enough to find the span's call, its variable, its block, strings and
 * comments; anything unexpected gives no fix rather than a wrong one.
 *
 *   deprecated-attribute    rename the key where the code spells it
 *   span-name-cardinality   f-string / template literal / concatenation -> fixed name + attribute
 *   unended-span            Python `with … as span:`; JS try/finally with span.end()
 *   error-status-missing    set the ERROR status where the exception is recorded, or record it
 *                           and set the status in the except/catch
 *   spans-lost-at-exit      shut the provider down when the program exits
 *
 * Pure: no vscode, no Node APIs.
 */
import { languageOfFile } from './checks/context';
import { goQuickFixes } from './fixesGo';
import { javaQuickFixes } from './fixesJava';
import type { SourceLanguage } from './checks/types';
import type { Finding } from './model';

/** 0-based, end exclusive: a VS Code Range's shape. */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface TextEdit {
  range: TextRange;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The fix to offer first (VS Code's isPreferred). */
  preferred: boolean;
}

/** Rules that may have a quick fix. */
export const FIXABLE_RULES: ReadonlySet<string> = new Set([
  'deprecated-attribute',
  'span-name-cardinality',
  'unended-span',
  'error-status-missing',
  'spans-lost-at-exit',
]);

type Lang = 'python' | 'js';

/**
 * The quick fixes for `finding` in the file whose text is `source` (the file of the finding's
 * location). `language` defaults to the one the file's extension says. Never throws.
 */
export function quickFixes(source: string, finding: Finding, language?: SourceLanguage): QuickFix[] {
  const sl = language ?? languageOfFile(finding.location?.file);
  if (sl === 'go' || sl === 'java') {
    try {
      return sl === 'go' ? goQuickFixes(source, finding) : javaQuickFixes(source, finding);
    } catch {
      return [];
    }
  }
  const lang: Lang | null = sl === 'python' ? 'python' : sl === 'javascript' || sl === 'typescript' ? 'js' : null;
  if (!lang || !FIXABLE_RULES.has(finding.rule)) return [];
  try {
    const doc = new Doc(source, lang, sl === 'typescript' || /\.m[jt]s$/.test(finding.location?.file ?? ''));
    const fix = FIXERS[finding.rule]?.(doc, finding);
    return fix ? [fix] : [];
  } catch {
    return [];
  }
}

/**
 * Apply non-overlapping edits to a text (tests, the CLI). Insertions at one position come out in
 * the order they are listed, as VS Code applies them.
 */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const doc = new Doc(source, 'js', false);
  const sorted = edits
    .map((e, i) => ({ start: doc.offsetAt(e.range.startLine, e.range.startColumn), end: doc.offsetAt(e.range.endLine, e.range.endColumn), text: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = source;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const FIXERS: Record<string, (doc: Doc, f: Finding) => QuickFix | null> = {
  'deprecated-attribute': fixDeprecated,
  'span-name-cardinality': fixSpanName,
  'unended-span': fixUnended,
  'error-status-missing': fixErrorStatus,
  'spans-lost-at-exit': fixShutdown,
};

// ---------------------------------------------------------------------------------------------
// The document: offsets <-> positions, and a lexer that knows strings and comments.

interface Edit {
  start: number;
  end: number;
  text: string;
}

class Doc {
  readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    readonly lang: Lang,
    readonly esm: boolean,
  ) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  offsetAt(line: number, column: number): number {
    if (line >= this.lineStarts.length) return this.text.length;
    return Math.min(this.lineStarts[Math.max(0, line)] + column, this.lineEnd(line));
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offset of the line's end (before its `\n`, and before a `\r`). */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] - 1 : this.text.length;
    return next > this.lineStarts[line] && this.text[next - 1] === '\r' ? next - 1 : next;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  indentOf(line: number): string {
    return /^[ \t]*/.exec(this.lineText(line))![0];
  }

  isBlank(line: number): boolean {
    const t = this.lineText(line).trim();
    return t === '' || (this.lang === 'python' ? t.startsWith('#') : t.startsWith('//'));
  }

  /** The file's indentation step: a tab, or the smallest positive space indentation (default 4 / 2). */
  get indentUnit(): string {
    let min = Infinity;
    for (let l = 0; l < this.lineCount; l++) {
      const ind = this.indentOf(l);
      if (ind.startsWith('\t')) return '\t';
      if (ind.length > 0 && ind.length < min && !this.isBlank(l)) min = ind.length;
    }
    return ' '.repeat(Number.isFinite(min) ? Math.min(min, 8) : this.lang === 'python' ? 4 : 2);
  }

  /** The line break the file uses. */
  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }

  /**
   * If a string or comment starts at `i`, the offset just after it; else `i`. Strings are
   * returned through `onString` (start, end, quote) when given.
   */
  skip(i: number): number {
    const t = this.text;
    const c = t[i];
    if (this.lang === 'js') {
      if (c === '/' && t[i + 1] === '/') return this.eolFrom(i);
      if (c === '/' && t[i + 1] === '*') {
        const e = t.indexOf('*/', i + 2);
        return e < 0 ? t.length : e + 2;
      }
      if (c === '"' || c === "'") return this.quoted(i, c);
      if (c === '`') return this.template(i);
      return i;
    }
    if (c === '#') return this.eolFrom(i);
    const p = this.pythonStringStart(i);
    if (p) return this.pythonString(p.quoteAt, p.quote);
    return i;
  }

  private eolFrom(i: number): number {
    const e = this.text.indexOf('\n', i);
    return e < 0 ? this.text.length : e;
  }

  private quoted(i: number, q: string): number {
    const t = this.text;
    for (let j = i + 1; j < t.length; j++) {
      const c = t[j];
      if (c === '\\') j++;
      else if (c === q) return j + 1;
      else if (c === '\n') return j;
    }
    return t.length;
  }

  private template(i: number): number {
    const t = this.text;
    for (let j = i + 1; j < t.length; j++) {
      const c = t[j];
      if (c === '\\') j++;
      else if (c === '`') return j + 1;
      else if (c === '$' && t[j + 1] === '{') {
        const close = this.matchClose(j + 1);
        if (close < 0) return t.length;
        j = close;
      }
    }
    return t.length;
  }

  /** A Python string literal starting at `i` (with its prefix), or null. */
  pythonStringStart(i: number): { quoteAt: number; quote: string; raw: boolean; prefix: string } | null {
    const t = this.text;
    let j = i;
    if (i > 0 && /[\w]/.test(t[i - 1])) return null;
    while (j < i + 2 && /[rRbBuUfF]/.test(t[j] ?? '')) j++;
    const c = t[j];
    if (c !== '"' && c !== "'") return null;
    const prefix = t.slice(i, j);
    const quote = t.startsWith(c.repeat(3), j) ? c.repeat(3) : c;
    return { quoteAt: j, quote, raw: /[rR]/.test(prefix), prefix };
  }

  /** Raw strings skip alike: even in r'…' a backslash keeps the next quote from ending it. */
  private pythonString(quoteAt: number, quote: string): number {
    const t = this.text;
    for (let j = quoteAt + quote.length; j < t.length; j++) {
      const c = t[j];
      if (c === '\\') j++;
      else if (t.startsWith(quote, j)) return j + quote.length;
      else if (c === '\n' && quote.length === 1) return j;
    }
    return t.length;
  }

  /** The index of the bracket closing the one at `open`, skipping strings and comments; -1 if none. */
  matchClose(open: number): number {
    const t = this.text;
    const stack: string[] = [];
    const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
    for (let i = open; i < t.length; i++) {
      const after = this.skip(i);
      if (after !== i) {
        i = after - 1;
        continue;
      }
      const c = t[i];
      if (pairs[c]) stack.push(pairs[c]);
      else if (c === ')' || c === ']' || c === '}') {
        if (stack.pop() !== c) return -1;
        if (!stack.length) return i;
      }
    }
    return -1;
  }

  /** Top-level comma-separated pieces between `open` and `close` (exclusive), trimmed. */
  splitArgs(open: number, close: number): { start: number; end: number }[] {
    const out: { start: number; end: number }[] = [];
    let start = open + 1;
    for (let i = open + 1; i <= close; i++) {
      const after = this.skip(i);
      if (after !== i) {
        i = after - 1;
        continue;
      }
      const c = this.text[i];
      if (c === '(' || c === '[' || c === '{') {
        const m = this.matchClose(i);
        if (m < 0) return out;
        i = m;
      } else if (c === ',' || i === close) {
        const piece = trimRange(this.text, start, i);
        if (piece.end > piece.start) out.push(piece);
        start = i + 1;
      }
    }
    return out;
  }

  /** Offsets of code (not strings or comments) from `from` to `to` where `re` matches; `re` must be sticky (y). */
  findCode(re: RegExp, from: number, to: number): { index: number; match: RegExpExecArray } | null {
    for (let i = from; i < to; i++) {
      const after = this.skip(i);
      if (after !== i) {
        i = after - 1;
        continue;
      }
      re.lastIndex = i;
      const m = re.exec(this.text);
      if (m) return { index: i, match: m };
    }
    return null;
  }

  /** String literals (quote included) in [from, to), outside comments. */
  strings(from = 0, to = this.text.length): { start: number; end: number; quoteAt: number; quote: string }[] {
    const out: { start: number; end: number; quoteAt: number; quote: string }[] = [];
    for (let i = from; i < to; i++) {
      const after = this.skip(i);
      if (after === i) continue;
      const c = this.text[i];
      if (this.lang === 'js' && (c === '"' || c === "'" || c === '`')) out.push({ start: i, end: after, quoteAt: i, quote: c });
      else if (this.lang === 'python') {
        const p = this.pythonStringStart(i);
        if (p) out.push({ start: i, end: after, quoteAt: p.quoteAt, quote: p.quote });
      }
      i = after - 1;
    }
    return out;
  }

  toTextEdits(edits: Edit[]): TextEdit[] {
    return edits.map((e) => {
      const sl = this.lineOf(e.start);
      const el = this.lineOf(e.end);
      return { range: { startLine: sl, startColumn: e.start - this.lineStarts[sl], endLine: el, endColumn: e.end - this.lineStarts[el] }, newText: e.text };
    });
  }
}

function trimRange(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

// ---------------------------------------------------------------------------------------------
// Finding the span's call, its variable and its block.

const START_CALLS: Record<Lang, RegExp> = {
  python: /\.\s*(start_as_current_span|start_span)\s*\(/y,
  js: /\.\s*(startActiveSpan|startSpan)\s*\(/y,
};

interface StartCall {
  method: string;
  /** Offset of the `.` before the method name. */
  dot: number;
  open: number;
  close: number;
  args: { start: number; end: number }[];
}

/** The start-span call at the finding's line (or within the next three lines, for wrapped calls). */
function findStartCall(doc: Doc, f: Finding): StartCall | null {
  const loc = f.location;
  if (!loc) return null;
  const from = doc.offsetAt(loc.line, 0);
  const to = doc.offsetAt(Math.min(loc.line + 3, doc.lineCount - 1), Number.MAX_SAFE_INTEGER);
  const found = doc.findCode(START_CALLS[doc.lang], from, to);
  if (!found) return null;
  const open = found.index + found.match[0].length - 1;
  const close = doc.matchClose(open);
  if (close < 0) return null;
  return { method: found.match[1], dot: found.index, open, close, args: doc.splitArgs(open, close) };
}

/** Where the span lives: its variable name and the lines its work runs in. */
interface SpanScope {
  variable: string;
  /** How the span was bound. */
  kind: 'with' | 'callback' | 'assignment';
  /** Offsets of the block holding the span's work (body lines). */
  bodyStart: number;
  bodyEnd: number;
}

/** The statement's text on the call's line before the receiver (`    span = `, `  const s = await `). */
function prefixBefore(doc: Doc, call: StartCall): string {
  const lineStart = doc.lineStarts[doc.lineOf(call.dot)];
  // Walk back over the receiver expression (`tracer`, `this.tracer`, `trace.get_tracer(__name__)`).
  let i = call.dot;
  while (i > lineStart) {
    const c = doc.text[i - 1];
    if (/[\w$.]/.test(c)) i--;
    else if (c === ')') {
      let depth = 0;
      let j = i - 1;
      for (; j >= lineStart; j--) {
        if (doc.text[j] === ')') depth++;
        else if (doc.text[j] === '(' && --depth === 0) break;
      }
      if (j < lineStart) break;
      i = j;
    } else break;
  }
  return doc.text.slice(lineStart, i);
}

const PY_ASSIGN = /^([ \t]*)([A-Za-z_]\w*)\s*=\s*$/;
const PY_WITH = /^([ \t]*)(?:async\s+)?with\s+$/;
const JS_ASSIGN = /^([ \t]*)(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:await\s+)?$/;

/** The offset where the statement holding the call ends (after `)`, `;` and spaces; before a comment). */
function statementEnd(doc: Doc, call: StartCall): number {
  let i = call.close + 1;
  while (i < doc.text.length && (doc.text[i] === ' ' || doc.text[i] === '\t')) i++;
  if (doc.lang === 'js' && doc.text[i] === ';') i++;
  return i;
}

/** True when only spaces or a comment follow `offset` on its line. */
function restOfLineEmpty(doc: Doc, offset: number): boolean {
  const line = doc.lineOf(offset);
  const rest = doc.text.slice(offset, doc.lineEnd(line)).trim();
  return rest === '' || rest.startsWith(doc.lang === 'python' ? '#' : '//');
}

/** Python: the lines after `line` indented at least `indent` (the rest of its block); [start, end) offsets. */
function pythonBlockAfter(doc: Doc, line: number, minIndent: number): { start: number; end: number; firstLine: number; lastLine: number } {
  let last = line;
  for (let l = line + 1; l < doc.lineCount; l++) {
    if (doc.lineText(l).trim() === '') continue;
    if (doc.indentOf(l).length < minIndent) break;
    last = l;
  }
  const start = line + 1 < doc.lineCount ? doc.lineStarts[line + 1] : doc.text.length;
  const end = last > line ? doc.lineEnd(last) : start;
  return { start, end, firstLine: line + 1, lastLine: last };
}

/** JS: from `from` to the `}` that closes the enclosing block (or the end of the text). */
function jsBlockEnd(doc: Doc, from: number): number {
  const t = doc.text;
  for (let i = from; i < t.length; i++) {
    const after = doc.skip(i);
    if (after !== i) {
      i = after - 1;
      continue;
    }
    const c = t[i];
    if (c === '(' || c === '[' || c === '{') {
      const m = doc.matchClose(i);
      if (m < 0) return t.length;
      i = m;
    } else if (c === ')' || c === ']' || c === '}') return i;
  }
  return t.length;
}

const JS_CALLBACK = /^(?:async\s+)?(?:\(\s*([A-Za-z_$][\w$]*)\s*(?::[^)]*)?\)|([A-Za-z_$][\w$]*))\s*(?::\s*[^=]+)?=>\s*\{/;
const JS_FUNCTION = /^(?:async\s+)?function\b[^(]*\(\s*([A-Za-z_$][\w$]*)[^)]*\)\s*(?::[^{]+)?\{/;

function spanScope(doc: Doc, call: StartCall): SpanScope | null {
  const prefix = prefixBefore(doc, call);
  const line = doc.lineOf(call.dot);
  if (doc.lang === 'python') {
    if (PY_WITH.test(prefix)) {
      const header = pythonWithHeader(doc, call);
      if (!header || !header.variable) return null;
      const indent = doc.indentOf(line).length;
      const block = pythonBlockAfter(doc, doc.lineOf(header.colon), indent + 1);
      return { variable: header.variable, kind: 'with', bodyStart: block.start, bodyEnd: block.end };
    }
    const m = PY_ASSIGN.exec(prefix);
    if (m) {
      const endLine = doc.lineOf(call.close);
      const block = pythonBlockAfter(doc, endLine, m[1].length);
      return { variable: m[2], kind: 'assignment', bodyStart: block.start, bodyEnd: block.end };
    }
    return null;
  }
  if (call.method === 'startActiveSpan') {
    const cb = jsCallback(doc, call);
    if (cb) return { variable: cb.variable, kind: 'callback', bodyStart: cb.brace + 1, bodyEnd: cb.close };
  }
  const m = JS_ASSIGN.exec(prefix);
  if (m) {
    const end = statementEnd(doc, call);
    return { variable: m[2], kind: 'assignment', bodyStart: end, bodyEnd: jsBlockEnd(doc, end) };
  }
  return null;
}

/** The `startActiveSpan(name, …, (span) => { … })` callback: its parameter and braces. */
function jsCallback(doc: Doc, call: StartCall): { variable: string; brace: number; close: number } | null {
  const last = call.args[call.args.length - 1];
  if (!last || call.args.length < 2) return null;
  const text = doc.text.slice(last.start, last.end);
  const m = JS_CALLBACK.exec(text) ?? JS_FUNCTION.exec(text);
  if (!m) return null;
  const brace = last.start + m[0].length - 1;
  const close = doc.matchClose(brace);
  if (close < 0) return null;
  return { variable: m[1] ?? m[2], brace, close };
}

/** `with <call> as NAME, … :` — the name bound to our call and the header's colon. */
function pythonWithHeader(doc: Doc, call: StartCall): { variable?: string; asAt?: number; colon: number } | null {
  const after = doc.text.slice(call.close + 1);
  const as = /^\s*as\s+([A-Za-z_]\w*)/.exec(after);
  // The colon that ends the header: the first one at depth 0 after the call.
  for (let i = call.close + 1; i < doc.text.length; i++) {
    const skipped = doc.skip(i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const c = doc.text[i];
    if (c === '(' || c === '[' || c === '{') {
      const m = doc.matchClose(i);
      if (m < 0) return null;
      i = m;
    } else if (c === ':') return { variable: as?.[1], asAt: as ? call.close + 1 : undefined, colon: i };
    else if (c === '\n' && doc.text[i - 1] !== '\\') return null;
  }
  return null;
}

/** The indentation for a new first line of a block whose header is on `headerLine`. */
function bodyIndent(doc: Doc, headerLine: number, bodyStart: number): string {
  const outer = doc.indentOf(headerLine);
  for (let l = doc.lineOf(bodyStart); l < doc.lineCount; l++) {
    if (doc.lineText(l).trim() === '') continue;
    const ind = doc.indentOf(l);
    return ind.length > outer.length ? ind : outer + doc.indentUnit;
  }
  return outer + doc.indentUnit;
}

function result(doc: Doc, title: string, edits: Edit[], preferred = true): QuickFix | null {
  return edits.length ? { title, edits: doc.toTextEdits(edits), preferred } : null;
}

// ---------------------------------------------------------------------------------------------
// deprecated-attribute: rename the key where the code spells it.

function fixDeprecated(doc: Doc, f: Finding): QuickFix | null {
  const key = f.data?.key;
  const replacement = f.data?.replacement;
  if (!key || !replacement || f.data?.rename !== 'true') return null;
  const edits: Edit[] = [];
  for (const s of doc.strings()) {
    const q = s.quote;
    const contentStart = s.quoteAt + q.length;
    const contentEnd = s.end - q.length;
    if (contentEnd - contentStart !== key.length || doc.text.slice(contentStart, contentEnd) !== key) continue;
    if (doc.text.slice(s.start, s.quoteAt).toLowerCase().includes('f') && doc.lang === 'python' && key.includes('{')) continue;
    edits.push({ start: contentStart, end: contentEnd, text: replacement });
  }
  return result(doc, `Rename attribute "${key}" to "${replacement}"`, edits);
}

// ---------------------------------------------------------------------------------------------
// span-name-cardinality: a fixed name, and the varying values as attributes.

interface NamePiece {
  literal?: string;
  expr?: string;
}

/** The span name argument as literal text and expressions, or null when it is not built from both. */
function interpolatedName(doc: Doc, arg: { start: number; end: number }): { pieces: NamePiece[]; quote: string; prefix: string } | null {
  const text = doc.text.slice(arg.start, arg.end);
  if (doc.lang === 'js' && text.startsWith('`') && text.endsWith('`')) {
    const pieces: NamePiece[] = [];
    let lit = '';
    for (let i = 1; i < text.length - 1; i++) {
      const c = text[i];
      if (c === '\\') {
        lit += text.slice(i, i + 2);
        i++;
      } else if (c === '$' && text[i + 1] === '{') {
        const close = doc.matchClose(arg.start + i + 1) - arg.start;
        if (close < 0) return null;
        if (lit) pieces.push({ literal: lit });
        lit = '';
        pieces.push({ expr: text.slice(i + 2, close).trim() });
        i = close;
      } else lit += c;
    }
    if (lit) pieces.push({ literal: lit });
    return { pieces, quote: '`', prefix: '' };
  }
  if (doc.lang === 'python') {
    const p = doc.pythonStringStart(arg.start);
    if (p && /[fF]/.test(p.prefix) && doc.skip(arg.start) === arg.end) {
      const q = p.quote;
      const body = doc.text.slice(p.quoteAt + q.length, arg.end - q.length);
      const pieces: NamePiece[] = [];
      let lit = '';
      for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if ((c === '{' || c === '}') && body[i + 1] === c) {
          lit += c; // `{{` in an f-string is one brace; the plain string keeps one
          i++;
        } else if (c === '{') {
          let depth = 1;
          let j = i + 1;
          for (; j < body.length && depth; j++) {
            if (body[j] === '{') depth++;
            else if (body[j] === '}') depth--;
          }
          if (depth) return null;
          let expr = body.slice(i + 1, j - 1);
          // Drop a conversion (!r) or format spec (:>5) at depth 0.
          const cut = /[!:](?![=])/.exec(expr.replace(/\[[^\]]*\]|\([^)]*\)/g, (m) => ' '.repeat(m.length)));
          if (cut) expr = expr.slice(0, cut.index);
          if (lit) pieces.push({ literal: lit });
          lit = '';
          pieces.push({ expr: expr.trim().replace(/=$/, '') });
          i = j - 1;
        } else lit += c;
      }
      if (lit) pieces.push({ literal: lit });
      return { pieces, quote: q, prefix: p.prefix.replace(/[fF]/, '') };
    }
  }
  // Concatenation: 'GET /users/' + id  /  "GET /users/" + str(user_id)
  const parts = splitTop(doc, arg.start, arg.end, '+');
  if (parts.length < 2) return null;
  const pieces: NamePiece[] = [];
  let quote = '';
  for (const part of parts) {
    const t = doc.text.slice(part.start, part.end);
    const isString = doc.skip(part.start) === part.end && /^['"]/.test(t);
    if (isString) {
      if (quote && t[0] !== quote) return null;
      quote = t[0];
      pieces.push({ literal: t.slice(1, -1) });
    } else pieces.push({ expr: t });
  }
  if (!quote) return null;
  return { pieces, quote, prefix: '' };
}

/** Split [start, end) at top-level `sep` characters. */
function splitTop(doc: Doc, start: number, end: number, sep: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let from = start;
  for (let i = start; i <= end; i++) {
    if (i < end) {
      const after = doc.skip(i);
      if (after !== i) {
        i = after - 1;
        continue;
      }
      const c = doc.text[i];
      if (c === '(' || c === '[' || c === '{') {
        const m = doc.matchClose(i);
        if (m < 0 || m >= end) return [];
        i = m;
        continue;
      }
      if (c !== sep) continue;
    }
    const r = trimRange(doc.text, from, i);
    if (r.end <= r.start) return [];
    out.push(r);
    from = i + 1;
  }
  return out;
}

/** `str(user.id)` -> `user.id`; `String(userId)` -> `userId`; `order.id.toString()` -> `order.id`. */
function unwrapExpr(expr: string): string {
  let e = expr.trim();
  for (;;) {
    const m = /^(?:str|String|repr)\((.*)\)$/s.exec(e) ?? /^(.*)\.toString\(\)$/s.exec(e);
    if (!m) return e;
    e = m[1].trim();
  }
}

/** A placeholder and an attribute key for an expression: `user_id` -> {user_id}, user.id. */
function namesFor(expr: string): { placeholder: string; key: string } {
  const chain = unwrapExpr(expr)
    .split(/\.|\[['"]?|['"]?\]/)
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z_$][\w$]*$/.test(s));
  if (!chain.length) return { placeholder: 'value', key: 'value' };
  const last = chain[chain.length - 1];
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
  let key = words.join('.');
  const prev = chain.length >= 2 ? chain[chain.length - 2] : '';
  if (words.length === 1 && prev && !/^(self|this|req|request|params|args|props|ctx|data|item|obj)$/.test(prev)) key = `${prev.toLowerCase()}.${key}`;
  return { placeholder: last, key };
}

function fixSpanName(doc: Doc, f: Finding): QuickFix | null {
  const call = findStartCall(doc, f);
  if (!call || !call.args.length) return null;
  const name = interpolatedName(doc, call.args[0]);
  if (!name || !name.pieces.some((p) => p.expr !== undefined)) return null;
  const attrs: { key: string; expr: string }[] = [];
  let template = '';
  for (const p of name.pieces) {
    if (p.literal !== undefined) template += p.literal;
    else {
      const n = namesFor(p.expr!);
      template += `{${n.placeholder}}`;
      if (!attrs.some((a) => a.key === n.key)) attrs.push({ key: n.key, expr: unwrapExpr(p.expr!) });
    }
  }
  const q = name.quote;
  const nameText = name.prefix + q + template + q;
  const edits: Edit[] = [{ start: call.args[0].start, end: call.args[0].end, text: nameText }];
  const kq = doc.lang === 'python' ? '"' : q === '"' ? '"' : "'";
  const set = (v: string) => attrs.map((a) => (doc.lang === 'python' ? `${v}.set_attribute(${kq}${a.key}${kq}, ${a.expr})` : `${v}.setAttribute(${kq}${a.key}${kq}, ${a.expr});`));
  const plain = template.replace(/\\(.)/g, '$1');
  const title = `Use the fixed span name "${plain}" and record ${attrs.map((a) => `"${a.key}"`).join(', ')} as ${attrs.length === 1 ? 'an attribute' : 'attributes'}`;
  const eol = doc.eol;
  const line = doc.lineOf(call.dot);

  if (doc.lang === 'python') {
    const prefix = prefixBefore(doc, call);
    if (PY_WITH.test(prefix)) {
      const header = pythonWithHeader(doc, call);
      if (!header || !restOfLineEmpty(doc, header.colon + 1)) return null;
      let variable = header.variable;
      if (!variable) {
        variable = 'span';
        edits.push({ start: call.close + 1, end: call.close + 1, text: ' as span' });
      }
      const headerLine = doc.lineOf(header.colon);
      const at = headerLine + 1 < doc.lineCount ? doc.lineStarts[headerLine + 1] : doc.text.length;
      const indent = bodyIndent(doc, line, at);
      edits.push({ start: at, end: at, text: set(variable).map((s) => indent + s + eol).join('') });
      return result(doc, title, edits);
    }
    const m = PY_ASSIGN.exec(prefix);
    if (m && restOfLineEmpty(doc, call.close + 1)) {
      const endLine = doc.lineOf(call.close);
      const at = doc.lineEnd(endLine);
      edits.push({ start: at, end: at, text: set(m[2]).map((s) => eol + m[1] + s).join('') });
      return result(doc, title, edits);
    }
    if (call.args.some((a) => /^attributes\s*=/.test(doc.text.slice(a.start, a.end)))) return null;
    const dict = attrs.map((a) => `"${a.key}": ${a.expr}`).join(', ');
    edits.push({ start: call.args[call.args.length - 1].end, end: call.args[call.args.length - 1].end, text: `, attributes={${dict}}` });
    return result(doc, title, edits);
  }

  if (call.method === 'startActiveSpan') {
    const cb = jsCallback(doc, call);
    if (!cb) return null;
    const braceLine = doc.lineOf(cb.brace);
    if (restOfLineEmpty(doc, cb.brace + 1)) {
      const at = braceLine + 1 < doc.lineCount ? doc.lineStarts[braceLine + 1] : doc.text.length;
      const indent = bodyIndent(doc, braceLine, at);
      edits.push({ start: at, end: at, text: set(cb.variable).map((s) => indent + s + eol).join('') });
    } else edits.push({ start: cb.brace + 1, end: cb.brace + 1, text: ' ' + set(cb.variable).join(' ') });
    return result(doc, title, edits);
  }
  const m = JS_ASSIGN.exec(prefixBefore(doc, call));
  const end = statementEnd(doc, call);
  if (m && restOfLineEmpty(doc, end)) {
    const at = doc.lineEnd(doc.lineOf(end));
    edits.push({ start: at, end: at, text: set(m[2]).map((s) => eol + m[1] + s).join('') });
    return result(doc, title, edits);
  }
  if (call.args.length === 1) {
    const obj = attrs.map((a) => `${kq}${a.key}${kq}: ${a.expr}`).join(', ');
    edits.push({ start: call.args[0].end, end: call.args[0].end, text: `, { attributes: { ${obj} } }` });
    return result(doc, title, edits);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// unended-span: make the end happen on every path.

/** Lines in [fromLine, toLine] that are only `<variable>.end()` (they would end it twice after the fix). */
function endOnlyLines(doc: Doc, variable: string, fromLine: number, toLine: number): Set<number> {
  const re = new RegExp(`^${variable.replace(/\$/g, '\\$')}\\.end\\(\\s*\\)\\s*;?\\s*(?:(?://|#).*)?$`);
  const out = new Set<number>();
  for (let l = fromLine; l <= toLine; l++) if (re.test(doc.lineText(l).trim())) out.add(l);
  return out;
}

function fixUnended(doc: Doc, f: Finding): QuickFix | null {
  const call = findStartCall(doc, f);
  if (!call) return null;
  const eol = doc.eol;
  const unit = doc.indentUnit;
  const prefix = prefixBefore(doc, call);
  const line = doc.lineOf(call.dot);
  const edits: Edit[] = [];

  if (doc.lang === 'python') {
    const m = PY_ASSIGN.exec(prefix);
    if (!m || !restOfLineEmpty(doc, call.close + 1)) return null;
    const [, indent, variable] = m;
    const endLine = doc.lineOf(call.close);
    const block = pythonBlockAfter(doc, endLine, indent.length);
    const receiverStart = doc.lineStarts[line] + prefix.length;
    edits.push({ start: doc.lineStarts[line] + indent.length, end: receiverStart, text: 'with ' });
    edits.push({ start: call.close + 1, end: call.close + 1, text: ` as ${variable}:` });
    const drop = endOnlyLines(doc, variable, block.firstLine, block.lastLine);
    let kept = 0;
    for (let l = block.firstLine; l <= block.lastLine; l++) {
      if (drop.has(l)) {
        edits.push({ start: doc.lineStarts[l], end: l + 1 < doc.lineCount ? doc.lineStarts[l + 1] : doc.text.length, text: '' });
      } else if (doc.lineText(l).trim() !== '') {
        edits.push({ start: doc.lineStarts[l], end: doc.lineStarts[l], text: unit });
        kept++;
      }
    }
    if (!kept) {
      const at = doc.lineEnd(endLine);
      edits.push({ start: at, end: at, text: `${eol}${indent}${unit}pass` });
    }
    return result(doc, `End "${spanLabel(f)}" when its block ends: use "with … as ${variable}:"`, edits);
  }

  let variable: string;
  let bodyStart: number;
  let bodyEnd: number;
  const cb = call.method === 'startActiveSpan' ? jsCallback(doc, call) : null;
  if (cb) {
    variable = cb.variable;
    bodyStart = cb.brace + 1;
    bodyEnd = cb.close;
  } else {
    const m = JS_ASSIGN.exec(prefix);
    if (!m) return null;
    variable = m[2];
    bodyStart = statementEnd(doc, call);
    bodyEnd = jsBlockEnd(doc, bodyStart);
  }
  // Line-based wrapping needs the body to start on a new line and the closer to open its line.
  if (!restOfLineEmpty(doc, bodyStart)) return null;
  const headerLine = doc.lineOf(bodyStart);
  const closerLine = doc.lineOf(bodyEnd);
  const atEof = bodyEnd >= doc.text.length;
  if (!atEof && doc.text.slice(doc.lineStarts[closerLine], bodyEnd).trim() !== '') return null;
  const lastBody = atEof ? lastNonBlankLine(doc, headerLine) : closerLine - 1;
  const indent = cb ? bodyIndent(doc, headerLine, doc.lineStarts[Math.min(headerLine + 1, doc.lineCount - 1)]) : doc.indentOf(headerLine);
  const drop = endOnlyLines(doc, variable, headerLine + 1, lastBody);
  const bodyLines: number[] = [];
  for (let l = headerLine + 1; l <= lastBody; l++) if (!drop.has(l)) bodyLines.push(l);
  const tryAt = headerLine + 1 < doc.lineCount ? doc.lineStarts[headerLine + 1] : doc.text.length;
  if (!bodyLines.some((l) => doc.lineText(l).trim() !== '')) {
    edits.push({ start: tryAt, end: tryAt, text: `${indent}${variable}.end();${eol}` });
  } else {
    edits.push({ start: tryAt, end: tryAt, text: `${indent}try {${eol}` });
    for (const l of bodyLines) if (doc.lineText(l).trim() !== '') edits.push({ start: doc.lineStarts[l], end: doc.lineStarts[l], text: unit });
    for (const l of drop) edits.push({ start: doc.lineStarts[l], end: l + 1 < doc.lineCount ? doc.lineStarts[l + 1] : doc.text.length, text: '' });
    const finallyText = `${indent}} finally {${eol}${indent}${unit}${variable}.end();${eol}${indent}}${eol}`;
    if (atEof) {
      const at = doc.lineEnd(lastBody);
      edits.push({ start: at, end: at, text: eol + finallyText.slice(0, -eol.length) });
    } else {
      const at = doc.lineStarts[closerLine];
      edits.push({ start: at, end: at, text: finallyText });
    }
  }
  return result(doc, `End "${spanLabel(f)}" on every path: ${variable}.end() in a finally block`, edits);
}

function lastNonBlankLine(doc: Doc, after: number): number {
  let last = after;
  for (let l = after + 1; l < doc.lineCount; l++) if (doc.lineText(l).trim() !== '') last = l;
  return last;
}

function spanLabel(f: Finding): string {
  return f.data?.name ?? /span "([^"]*)"/.exec(f.message)?.[1] ?? 'the span';
}

// ---------------------------------------------------------------------------------------------
// error-status-missing: set the status where the failure is handled.

function fixErrorStatus(doc: Doc, f: Finding): QuickFix | null {
  const call = findStartCall(doc, f);
  if (!call) return null;
  const scope = spanScope(doc, call);
  if (!scope) return null;
  const v = scope.variable;
  const body = codeOnly(doc).slice(scope.bodyStart, scope.bodyEnd);
  const py = doc.lang === 'python';
  const eol = doc.eol;
  const setStatusRe = py ? new RegExp(`\\b${v}\\.set_status\\(`) : new RegExp(`\\b${v.replace(/\$/g, '\\$')}\\.setStatus\\(`);
  if (setStatusRe.test(body)) return null;
  const imports = py ? pythonStatusImport(doc) : jsStatusImport(doc);
  if (!imports) return null;
  const status = (exc: string | null) =>
    py
      ? `${v}.set_status(Status(StatusCode.ERROR${exc ? `, str(${exc})` : ''}))`
      : `${v}.setStatus({ code: ${imports.name}.ERROR${exc ? `, message: String(${exc})` : ''} });`;

  // 1. Where the exception is recorded: set the status right after.
  const recordRe = new RegExp(`${v.replace(/\$/g, '\\$')}\\s*\\.\\s*(?:record_exception|recordException)\\s*\\(`, 'y');
  const recorded = doc.findCode(recordRe, scope.bodyStart, scope.bodyEnd);
  if (recorded) {
    const open = recorded.index + recorded.match[0].length - 1;
    const close = doc.matchClose(open);
    if (close < 0) return null;
    const args = doc.splitArgs(open, close);
    const exc = args.length ? doc.text.slice(args[0].start, args[0].end) : null;
    const recLine = doc.lineOf(close);
    const at = doc.lineEnd(recLine);
    const indent = doc.indentOf(doc.lineOf(recorded.index));
    return result(doc, `Set the ERROR status where the exception is recorded`, [...imports.edits, { start: at, end: at, text: `${eol}${indent}${status(exc)}` }]);
  }

  // 2. An except/catch in the span's block: record the exception there and set the status.
  if (py) {
    const exceptRe = /except\b([^:\n]*):/y;
    const found = doc.findCode(exceptRe, scope.bodyStart, scope.bodyEnd);
    if (found && (found.index === 0 || /\s/.test(doc.text[found.index - 1]))) {
      const clause = found.match[1];
      const as = /\bas\s+([A-Za-z_]\w*)\s*$/.exec(clause);
      const edits: Edit[] = [...imports.edits];
      let exc = as?.[1];
      if (!exc) {
        exc = 'exc';
        const colon = found.index + found.match[0].length - 1;
        edits.push({ start: colon, end: colon, text: clause.trim() ? ' as exc' : ' Exception as exc' });
      }
      const headerLine = doc.lineOf(found.index);
      if (!restOfLineEmpty(doc, found.index + found.match[0].length)) return null;
      const at = headerLine + 1 < doc.lineCount ? doc.lineStarts[headerLine + 1] : doc.text.length;
      const indent = bodyIndent(doc, headerLine, at);
      edits.push({ start: at, end: at, text: `${indent}${v}.record_exception(${exc})${eol}${indent}${status(exc)}${eol}` });
      return result(doc, 'Record the exception and set the ERROR status in the except block', edits);
    }
  } else {
    const catchRe = /catch\s*(?:\(\s*([A-Za-z_$][\w$]*)[^)]*\))?\s*\{/y;
    const found = doc.findCode(catchRe, scope.bodyStart, scope.bodyEnd);
    if (found && (found.index === 0 || /[\s}]/.test(doc.text[found.index - 1]))) {
      const edits: Edit[] = [...imports.edits];
      let exc = found.match[1];
      const brace = found.index + found.match[0].length - 1;
      if (!exc) {
        exc = 'err';
        edits.push({ start: found.index + 'catch'.length, end: brace, text: ' (err) ' });
      }
      const headerLine = doc.lineOf(brace);
      if (!restOfLineEmpty(doc, brace + 1)) return null;
      const at = headerLine + 1 < doc.lineCount ? doc.lineStarts[headerLine + 1] : doc.text.length;
      const indent = bodyIndent(doc, headerLine, at);
      edits.push({ start: at, end: at, text: `${indent}${v}.recordException(${exc});${eol}${indent}${status(exc)}${eol}` });
      return result(doc, 'Record the exception and set the ERROR status in the catch block', edits);
    }
  }

  // 3. error.type is set: set the status next to it.
  const errorTypeRe = py
    ? new RegExp(`${v}\\s*\\.\\s*set_attribute\\s*\\(\\s*["']error\\.type["']`, 'y')
    : new RegExp(`${v.replace(/\$/g, '\\$')}\\s*\\.\\s*setAttribute\\s*\\(\\s*["'\`]error\\.type["'\`]`, 'y');
  const typed = doc.findCode(errorTypeRe, scope.bodyStart, scope.bodyEnd);
  if (typed) {
    const open = doc.text.indexOf('(', typed.index);
    const close = doc.matchClose(open);
    if (close < 0) return null;
    const at = doc.lineEnd(doc.lineOf(close));
    const indent = doc.indentOf(doc.lineOf(typed.index));
    return result(doc, 'Set the ERROR status where error.type is set', [...imports.edits, { start: at, end: at, text: `${eol}${indent}${status(null)}` }]);
  }
  return null;
}

/** What the inserted JS code calls the status enum, and the edits that make it available. */
function jsStatusImport(doc: Doc): { name: string; edits: Edit[] } | null {
  const t = doc.text;
  if (/\bSpanStatusCode\b/.test(codeOnly(doc))) return { name: 'SpanStatusCode', edits: [] };
  const destructured = /\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"]@opentelemetry\/api['"]\s*\)/.exec(t) ?? /\bimport\s*\{([^}]*)\}\s*from\s*['"]@opentelemetry\/api['"]/.exec(t);
  if (destructured) {
    const inner = destructured[1];
    const trimmedEnd = inner.replace(/[\s,]*$/, '');
    const at = destructured.index + destructured[0].indexOf('{') + 1 + trimmedEnd.length;
    return { name: 'SpanStatusCode', edits: [{ start: at, end: at, text: trimmedEnd.trim() ? ', SpanStatusCode' : ' SpanStatusCode ' }] };
  }
  const namespace = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(\s*['"]@opentelemetry\/api['"]\s*\)/.exec(t) ?? /\bimport\s*\*\s*as\s+([A-Za-z_$][\w$]*)\s+from\s*['"]@opentelemetry\/api['"]/.exec(t);
  if (namespace) return { name: `${namespace[1]}.SpanStatusCode`, edits: [] };
  const esm = doc.esm || /^\s*import\s/m.test(t);
  const line = esm ? `import { SpanStatusCode } from '@opentelemetry/api';` : `const { SpanStatusCode } = require('@opentelemetry/api');`;
  const at = afterImports(doc);
  return { name: 'SpanStatusCode', edits: [{ start: at, end: at, text: line + doc.eol }] };
}

/** The edits that make `Status` and `StatusCode` available in Python code. */
function pythonStatusImport(doc: Doc): { name: string; edits: Edit[] } | null {
  const code = codeOnly(doc);
  const need = ['Status', 'StatusCode'].filter((n) => !new RegExp(`^\\s*from\\s+opentelemetry\\.trace(?:\\.status)?\\s+import\\s[^\\n]*\\b${n}\\b(?!\\.)`, 'm').test(code) && !new RegExp(`\\bimport\\s*\\([^)]*\\b${n}\\b[^)]*\\)`).test(code));
  if (!need.length) return { name: 'StatusCode', edits: [] };
  const existing = /^from\s+opentelemetry\.trace\s+import\s+([^\n(]+)$/m.exec(doc.text);
  if (existing && !existing[1].includes('\\')) {
    const listEnd = existing.index + existing[0].replace(/\s*(#.*)?$/, '').length;
    return { name: 'StatusCode', edits: [{ start: listEnd, end: listEnd, text: ', ' + need.join(', ') }] };
  }
  const at = afterImports(doc);
  return { name: 'StatusCode', edits: [{ start: at, end: at, text: `from opentelemetry.trace import ${need.join(', ')}${doc.eol}` }] };
}

/** The text with strings and comments blanked out, for identifier searches. */
function codeOnly(doc: Doc): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < doc.text.length; i++) {
    const after = doc.skip(i);
    if (after === i) continue;
    out += doc.text.slice(from, i) + doc.text.slice(i, after).replace(/[^\n]/g, ' ');
    from = after;
    i = after - 1;
  }
  return out + doc.text.slice(from);
}

/** The offset of the line after the last top-of-file import/require statement (or after 'use strict' and a shebang). */
function afterImports(doc: Doc): number {
  let lastLine = -1;
  const importRe = doc.lang === 'python' ? /^(?:import\s|from\s+\S+\s+import\s)/ : /^(?:import\s|(?:const|let|var)\s[^=]*=\s*require\(|['"]use strict['"]|#!)/;
  for (let l = 0; l < doc.lineCount; l++) {
    const text = doc.lineText(l);
    if (importRe.test(text)) {
      // A multi-line import ends where its brackets close.
      let end = doc.lineStarts[l] + text.length;
      const open = text.search(/[({]/);
      if (open >= 0) {
        const close = doc.matchClose(doc.lineStarts[l] + open);
        if (close > end) end = close;
      }
      lastLine = doc.lineOf(end);
      l = lastLine;
    } else if (lastLine >= 0 && text.trim() !== '' && !text.trimStart().startsWith(doc.lang === 'python' ? '#' : '//')) {
      if (doc.indentOf(l) === '') break;
    }
  }
  if (lastLine < 0) {
    if (doc.lang === 'python') {
      // After a module docstring, if any.
      const first = doc.text.search(/\S/);
      if (first >= 0) {
        const p = doc.pythonStringStart(first);
        if (p && p.prefix === '') {
          const end = doc.skip(first);
          const l = doc.lineOf(end);
          return l + 1 < doc.lineCount ? doc.lineStarts[l + 1] : doc.text.length;
        }
      }
    }
    return 0;
  }
  return lastLine + 1 < doc.lineCount ? doc.lineStarts[lastLine + 1] : doc.text.length;
}

// ---------------------------------------------------------------------------------------------
// spans-lost-at-exit: shut the provider down when the program exits.

function fixShutdown(doc: Doc, _f: Finding): QuickFix | null {
  const eol = doc.eol;
  if (doc.lang === 'js') {
    const m = /^([ \t]*)(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*new\s+(?:\w*TracerProvider|NodeSDK)\s*\(/m.exec(doc.text);
    if (!m) return null;
    const open = m.index + m[0].length - 1;
    const close = doc.matchClose(open);
    if (close < 0) return null;
    let endLine = doc.lineOf(close);
    // After `provider.register()` when it follows, so the shutdown is set up once the provider is complete.
    for (let l = endLine + 1; l < doc.lineCount && l <= endLine + 3; l++) {
      if (new RegExp(`^\\s*${m[2].replace(/\$/g, '\\$')}\\.(?:register|start)\\(`).test(doc.lineText(l))) endLine = l;
    }
    const at = doc.lineEnd(endLine);
    return result(doc, `Shut "${m[2]}" down before the program exits (flushes buffered spans)`, [
      { start: at, end: at, text: `${eol}${m[1]}process.once('beforeExit', () => ${m[2]}.shutdown());` },
    ]);
  }
  const m = /^([ \t]*)([A-Za-z_]\w*)\s*=\s*TracerProvider\s*\(/m.exec(doc.text);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const close = doc.matchClose(open);
  if (close < 0) return null;
  const at = doc.lineEnd(doc.lineOf(close));
  const edits: Edit[] = [{ start: at, end: at, text: `${eol}${m[1]}atexit.register(${m[2]}.shutdown)` }];
  if (!/^import\s+atexit\b/m.test(doc.text)) {
    const imp = afterImportsTop(doc);
    edits.push({ start: imp, end: imp, text: `import atexit${eol}` });
  }
  return result(doc, `Shut "${m[2]}" down when the program exits (flushes buffered spans)`, edits);
}

/**
 * Python: the start of the first import line (stdlib imports go first), else after imports.
 * `from __future__` imports must stay first in the file (anything before them is a SyntaxError).
 */
function afterImportsTop(doc: Doc): number {
  for (let l = 0; l < doc.lineCount; l++) {
    const text = doc.lineText(l);
    if (/^(?:import\s|from\s+\S+\s+import\s)/.test(text) && !/^from\s+__future__\s/.test(text)) return doc.lineStarts[l];
  }
  return afterImports(doc);
}
