/**
 * A span's call site from the semantic-convention `code.*` attributes, for spans that arrive with
 * no captured call site (OTLP from an SDK or auto-instrumentation that records them).
 */
import type { AttributeValue, Attributes, SourceLocation } from './model';

/** Current names first, then the older ones they replaced (semconv 1.30 renamed them). */
const FILE_KEYS = ['code.file.path', 'code.filepath'] as const;
const LINE_KEYS = ['code.line.number', 'code.lineno'] as const;
const COLUMN_KEYS = ['code.column.number', 'code.column', 'code.colno'] as const;
const FUNCTION_KEYS = ['code.function.name', 'code.function'] as const;

function first(attributes: Attributes, keys: readonly string[]): AttributeValue | undefined {
  for (const k of keys) {
    // Own properties only: a key named like an Object.prototype member is not an attribute.
    if (Object.prototype.hasOwnProperty.call(attributes, k)) return attributes[k];
  }
  return undefined;
}

/** A 1-based line or column number as the attribute holds it (int, or a decimal string), else NaN. */
function positive(v: AttributeValue | undefined): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : NaN;
}

/** `file:///a/b%20c.py` -> `/a/b c.py`; other text as is. */
function pathOf(v: string): string {
  if (!/^file:\/\//i.test(v)) return v;
  let p = v.slice('file://'.length);
  try {
    p = decodeURIComponent(p);
  } catch {
    // Not percent-encoded after all: keep the text.
  }
  // file:///C:/x on Windows.
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

/**
 * The location `code.file.path` + `code.line.number` (+ `code.column.number`, `code.function.name`)
 * name, or their older forms `code.filepath`/`code.lineno`/`code.column`; undefined without a file
 * and a line. Lines and columns are 1-based in the attributes and 0-based in the result. A relative
 * path stays relative: the run resolves it against its folder.
 */
export function locationFromCodeAttributes(attributes: Attributes): SourceLocation | undefined {
  const file = first(attributes, FILE_KEYS);
  if (typeof file !== 'string' || file.trim() === '') return undefined;
  const line = positive(first(attributes, LINE_KEYS));
  if (Number.isNaN(line)) return undefined;
  const column = positive(first(attributes, COLUMN_KEYS));
  const location: SourceLocation = { file: pathOf(file.trim()), line: line - 1, column: Number.isNaN(column) ? 0 : column - 1 };
  const fn = first(attributes, FUNCTION_KEYS);
  if (typeof fn === 'string' && fn) location.function = fn;
  return location;
}
