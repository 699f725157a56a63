/**
 * Keeping per-line results on the right line while the user edits: lines below an edit move by
 * the number of lines it added or removed; a line whose own text changed loses its result.
 */

/** One text change, as the editor reports it (0-based, end exclusive like VS Code ranges). */
export interface LineChange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  /** The inserted text. */
  text: string;
}

/** Where `line` is after `change`, or null when the change touched the line's own text. */
export function shiftLine(line: number, change: LineChange): number | null {
  const added = countNewlines(change.text);
  const removed = change.endLine - change.startLine;
  if (line < change.startLine) return line;
  if (line > change.endLine) return line + added - removed;
  // An insertion at column 0 of the line pushes the whole line down without changing it.
  if (removed === 0 && change.startLine === line && change.startCharacter === 0 && change.endCharacter === 0 && change.text.endsWith('\n')) {
    return line + added;
  }
  return null;
}

/** Apply a batch of changes (VS Code reports them in reverse document order, so apply as given). */
export function shiftLines<T extends { line: number }>(items: readonly T[], changes: readonly LineChange[]): T[] {
  const out: T[] = [];
  for (const item of items) {
    let line: number | null = item.line;
    for (const c of changes) {
      line = shiftLine(line, c);
      if (line === null) break;
    }
    if (line !== null) out.push(line === item.line ? item : { ...item, line });
  }
  return out;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
