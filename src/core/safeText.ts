/**
 * Text from spans made safe to print on a terminal: control characters (C0, DEL, C1: ESC, OSC
 * and CSI sequences can set the window title, clear the screen or rewrite earlier lines) and
 * bidirectional overrides and isolates (`pay\u202Egnp.exe` shows as `payexe.png`) are written as
 * visible escapes instead of being obeyed. Every text output of the CLI goes through here; JSON
 * outputs through `jsonForTerminal`, which keeps them valid JSON with the same values.
 * Pure: no vscode, no Node APIs.
 */

/**
 * C0 without newline, DEL, C1, the Arabic letter mark, LRM/RLM, the embeddings and overrides
 * U+202A–U+202E, the isolates U+2066–U+2069, and the line/paragraph separators U+2028/U+2029.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw among the above: everything but C0 (which it escapes itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function jsonEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * Text for a terminal, newlines kept (a report of several lines): every other control or bidi
 * character becomes a visible escape (`\x1b`, `\x9b`, `\u202e`).
 */
export function terminalText(text: string): string {
  UNSAFE_KEEP_NEWLINE.lastIndex = 0;
  return UNSAFE_KEEP_NEWLINE.test(text) ? text.replace(UNSAFE_KEEP_NEWLINE, visible) : text;
}

/** One field on one line (a span name, a status message, a file name): newlines are escaped too. */
export function terminalLine(text: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text) ? text.replace(UNSAFE, visible) : text;
}

/**
 * JSON text that prints safely: C1, bidi and separator characters, which JSON.stringify leaves
 * raw, become `\uXXXX` escapes. They can only occur inside strings, so the JSON still parses to
 * the same values.
 */
export function jsonForTerminal(json: string): string {
  UNSAFE_IN_JSON.lastIndex = 0;
  return UNSAFE_IN_JSON.test(json) ? json.replace(UNSAFE_IN_JSON, jsonEscape) : json;
}

/** True when `text` holds a character `terminalText` would escape. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE_KEEP_NEWLINE.lastIndex = 0;
  return UNSAFE_KEEP_NEWLINE.test(text);
}
