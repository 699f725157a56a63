/**
 * Quick fixes for Go, where a mechanical fix exists: `defer span.End()` after a `tracer.Start`
 * whose span is never ended, and `span.SetStatus(codes.Error, err.Error())` after the
 * `span.RecordError(err)` of a span that failed without ERROR status (with the `codes` import).
 * Line-based, on the shape gofmt prints; anything else gets no fix rather than a wrong one.
 */
import type { Finding } from './model';
import type { QuickFix, TextEdit } from './fixes';

const CODES_IMPORT = 'go.opentelemetry.io/otel/codes';

/** The fixes for a finding in a Go file whose text is `source`. */
export function goQuickFixes(source: string, finding: Finding): QuickFix[] {
  const lines = source.split('\n');
  const at = finding.location?.line;
  if (at === undefined || at < 0 || at >= lines.length) return [];
  const start = startCall(lines, at);
  if (!start) return [];
  const body = functionEnd(lines, start.endLine);
  if (finding.rule === 'unended-span') {
    const ends = new RegExp(`^\\s*defer\\s+${start.span}\\.End\\(`);
    if (lines.slice(start.endLine + 1, body + 1).some((l) => ends.test(l))) return [];
    return [
      {
        title: `End the span when the function returns (defer ${start.span}.End())`,
        preferred: true,
        edits: [insertLine(start.endLine + 1, `${start.indent}defer ${start.span}.End()`)],
      },
    ];
  }
  if (finding.rule === 'error-status-missing') {
    const record = new RegExp(`^(\\s*)${start.span}\\.RecordError\\(([^,()]+|[^,()]+\\([^()]*\\))[,)]`);
    for (let i = start.endLine + 1; i <= body; i++) {
      const m = record.exec(lines[i]);
      if (!m) continue;
      const edits: TextEdit[] = [insertLine(i + 1, `${m[1]}${start.span}.SetStatus(codes.Error, ${m[2].trim()}.Error())`)];
      const imp = codesImport(lines);
      if (imp === null) return [];
      if (imp) edits.unshift(imp);
      return [{ title: `Set the span's status to ERROR where it records the error (${start.span}.SetStatus(codes.Error, …))`, preferred: true, edits }];
    }
  }
  return [];
}

/** `ctx, span := tracer.Start(…)` (or `=`) at `line`: the span variable, the indent and the line the call ends on. */
function startCall(lines: string[], line: number): { span: string; indent: string; endLine: number } | undefined {
  const m = /^(\s*)[A-Za-z_]\w*\s*,\s*([A-Za-z_]\w*)\s*:?=\s*.*?\bStart\(/.exec(lines[line]);
  if (!m || m[2] === '_') return undefined;
  // The call may go on over several lines: find its closing parenthesis (strings skipped).
  let depth = 0;
  for (let i = line; i < lines.length && i < line + 50; i++) {
    const text = lines[i];
    let quote = '';
    for (let c = i === line ? text.indexOf('Start(') + 5 : 0; c < text.length; c++) {
      const ch = text[c];
      if (quote) {
        if (ch === '\\') c++;
        else if (ch === quote) quote = '';
      } else if (ch === '"' || ch === '`' || ch === "'") quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')' && --depth === 0) return { span: m[2], indent: m[1], endLine: i };
    }
  }
  return undefined;
}

/** The last line of the block that holds `line` (its closing brace's line). */
function functionEnd(lines: string[], line: number): number {
  let depth = 0;
  for (let i = line + 1; i < lines.length; i++) {
    for (const ch of lines[i].replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|\/\/.*$/g, '')) {
      if (ch === '{') depth++;
      else if (ch === '}' && --depth < 0) return i;
    }
  }
  return lines.length - 1;
}

/** The edit that imports the `codes` package; undefined when it is imported, null when the file's imports are not in a shape we edit. */
function codesImport(lines: string[]): TextEdit | undefined | null {
  if (lines.some((l) => l.includes(`"${CODES_IMPORT}"`))) return undefined;
  const block = lines.findIndex((l) => /^import\s*\($/.test(l.trim()));
  if (block >= 0) return insertLine(block + 1, `\t"${CODES_IMPORT}"`);
  const single = lines.findIndex((l) => /^import\s+"[^"]+"\s*$/.test(l));
  if (single >= 0) return insertLine(single + 1, `import "${CODES_IMPORT}"`);
  return null;
}

function insertLine(line: number, text: string): TextEdit {
  return { range: { startLine: line, startColumn: 0, endLine: line, endColumn: 0 }, newText: text + '\n' };
}
