/**
 * Quick fixes for Java, where a mechanical fix exists: a span started with
 * `Span span = ….startSpan();` and never ended gets the rest of its block in
 * `try { … } finally { span.end(); }`; a span that recorded an exception without ERROR status
 * gets `span.setStatus(StatusCode.ERROR);` after its `span.recordException(e);` (with the
 * import). Line-based, on the usual formatting; anything else gets no fix rather than a wrong one.
 */
import type { Finding } from './model';
import type { QuickFix, TextEdit } from './fixes';

const STATUS_IMPORT = 'io.opentelemetry.api.trace.StatusCode';

/** The fixes for a finding in a Java file whose text is `source`. */
export function javaQuickFixes(source: string, finding: Finding): QuickFix[] {
  const lines = source.split('\n');
  const at = finding.location?.line;
  if (at === undefined || at < 0 || at >= lines.length) return [];
  const start = startStatement(lines, at);
  if (!start) return [];
  const blockEnd = closingBrace(lines, start.endLine);
  if (blockEnd < 0) return [];
  const body = lines.slice(start.endLine + 1, blockEnd);
  if (finding.rule === 'unended-span') {
    if (body.some((l) => new RegExp(`\\b${start.span}\\.end\\(\\)`).test(l)) && body.some((l) => /\bfinally\b/.test(l))) return [];
    const unit = indentUnit(lines);
    const edits: TextEdit[] = [insertLine(start.endLine + 1, `${start.indent}try {`)];
    body.forEach((l, k) => {
      if (l.trim()) edits.push({ range: { startLine: start.endLine + 1 + k, startColumn: 0, endLine: start.endLine + 1 + k, endColumn: 0 }, newText: unit });
    });
    edits.push(insertLine(blockEnd, `${start.indent}} finally {\n${start.indent}${unit}${start.span}.end();\n${start.indent}}`));
    return [{ title: `End the span on every path (try { … } finally { ${start.span}.end(); })`, preferred: true, edits }];
  }
  if (finding.rule === 'error-status-missing') {
    const record = new RegExp(`^(\\s*)${start.span}\\.recordException\\(`);
    for (let k = 0; k < body.length; k++) {
      const m = record.exec(body[k]);
      if (!m || !body[k].trimEnd().endsWith(';')) continue;
      const edits: TextEdit[] = [insertLine(start.endLine + 2 + k, `${m[1]}${start.span}.setStatus(StatusCode.ERROR);`)];
      const imp = statusImport(lines);
      if (imp === null) return [];
      if (imp) edits.unshift(imp);
      return [{ title: `Set the span's status to ERROR where it records the exception (${start.span}.setStatus(StatusCode.ERROR))`, preferred: true, edits }];
    }
  }
  return [];
}

/** `Span span = ….startSpan();` starting at `line` (the builder may go on over lines): the variable, the indent, the line it ends on. */
function startStatement(lines: string[], line: number): { span: string; indent: string; endLine: number } | undefined {
  for (let back = line; back >= 0 && back > line - 5; back--) {
    const m = /^(\s*)(?:final\s+)?Span\s+([A-Za-z_]\w*)\s*=/.exec(lines[back]);
    if (!m) continue;
    for (let i = back; i < lines.length && i < back + 20; i++) {
      if (/\.startSpan\(\)\s*;\s*(\/\/.*)?$/.test(lines[i])) return i >= line ? { span: m[2], indent: m[1], endLine: i } : undefined;
      if (i > back && /;\s*(\/\/.*)?$/.test(lines[i])) return undefined;
    }
    return undefined;
  }
  return undefined;
}

/** The line of the brace that closes the block holding `line`; -1 when there is none. */
function closingBrace(lines: string[], line: number): number {
  let depth = 0;
  for (let i = line + 1; i < lines.length; i++) {
    for (const ch of lines[i].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\/\/.*$/g, '')) {
      if (ch === '{') depth++;
      else if (ch === '}' && --depth < 0) return i;
    }
  }
  return -1;
}

function indentUnit(lines: string[]): string {
  for (const l of lines) {
    const m = /^( +|\t)\S/.exec(l);
    if (m) return m[1] === '\t' ? '\t' : m[1].length % 4 === 0 ? '    ' : '  ';
  }
  return '    ';
}

/** The edit that imports StatusCode; undefined when it is imported, null when there is no import or package line to put it after. */
function statusImport(lines: string[]): TextEdit | undefined | null {
  if (lines.some((l) => l.trim() === `import ${STATUS_IMPORT};` || l.trim() === 'import io.opentelemetry.api.trace.*;')) return undefined;
  let last = -1;
  lines.forEach((l, i) => {
    if (/^import\s+[\w.*]+;/.test(l.trim())) last = i;
  });
  if (last < 0) last = lines.findIndex((l) => /^package\s+[\w.]+;/.test(l.trim()));
  if (last < 0) return null;
  return insertLine(last + 1, `import ${STATUS_IMPORT};`);
}

function insertLine(line: number, text: string): TextEdit {
  return { range: { startLine: line, startColumn: 0, endLine: line, endColumn: 0 }, newText: text + '\n' };
}
