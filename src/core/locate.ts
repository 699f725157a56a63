/**
 * Where a span was started, found statically: for output that carries no call site (Go, Java and
 * Rust console exporters, or a saved Python/Node console dump), the span-start call whose literal
 * name equals the span's name. A dynamic name matches nothing, and a name started from two places
 * is ambiguous: both stay unlocated, with the reason, rather than guessed.
 */
import type { Span, SourceLocation } from './model';

export type SourceLanguage = 'go' | 'java' | 'rust' | 'python' | 'javascript';

/** One span-start call with a literal name. */
export interface StartSite {
  name: string;
  location: SourceLocation;
}

export interface LocateResult {
  located: number;
  /** Span names that could not be placed, with why (one entry per distinct name). */
  unlocated: { name: string; reason: string }[];
}

/** Language of a source file by extension, or null when static location does not apply. */
export function languageOf(file: string): SourceLanguage | null {
  const m = /\.([A-Za-z]+)$/.exec(file);
  switch (m?.[1]) {
    case 'go':
      return 'go';
    case 'java':
      return 'java';
    case 'rs':
      return 'rust';
    case 'py':
      return 'python';
    case 'js':
    case 'mjs':
    case 'cjs':
    case 'ts':
    case 'mts':
    case 'cts':
      return 'javascript';
    default:
      return null;
  }
}

// A string literal, captured without its quotes. Go/Java/Rust/JS double quotes; JS/Python single too.
const DQ = '"((?:[^"\\\\\\n]|\\\\.)*)"';
const SQ = "'((?:[^'\\\\\\n]|\\\\.)*)'";
const BT = '`((?:[^`\\\\$]|\\\\.)*)`'; // a template literal without ${…}: still a fixed name

const PATTERNS: Record<SourceLanguage, RegExp[]> = {
  go: [new RegExp(`\\.Start\\(\\s*[^,()]+(?:\\([^()]*\\))?\\s*,\\s*${DQ}`, 'g')],
  java: [new RegExp(`\\bspanBuilder\\(\\s*${DQ}`, 'g')],
  rust: [
    new RegExp(`\\b(?:info|debug|trace|warn|error)_span!\\(\\s*(?:target:\\s*[^,]+,\\s*)?(?:parent:\\s*[^,]+,\\s*)?${DQ}`, 'g'),
    new RegExp(`\\bspan!\\(\\s*(?:target:\\s*[^,]+,\\s*)?(?:parent:\\s*[^,]+,\\s*)?(?:tracing::)?Level::[A-Z]+\\s*,\\s*${DQ}`, 'g'),
  ],
  python: [
    new RegExp(`\\.start_as_current_span\\(\\s*(?:name\\s*=\\s*)?(?:${DQ}|${SQ})`, 'g'),
    new RegExp(`\\.start_span\\(\\s*(?:name\\s*=\\s*)?(?:${DQ}|${SQ})`, 'g'),
  ],
  javascript: [new RegExp(`\\.start(?:Active)?Span\\(\\s*(?:${DQ}|${SQ}|${BT})`, 'g')],
};

/** `#[instrument]` (optionally `#[instrument(name = "x", …)]`) above `fn name`, past other attributes and comments. */
const RUST_INSTRUMENT = /#\[(?:tracing::)?instrument(?:\(([^\]]*)\))?\]\s*(?:(?:#\[[^\]]*\]|\/\/[^\n]*|\/\*[^]*?\*\/)\s*)*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_][A-Za-z0-9_]*)/g;

function unescape(s: string): string {
  return s.replace(/\\(["'\\`nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** Line and column (0-based) of an offset, with a precomputed table of line starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}

/** Every span-start call with a literal name in one source file. */
export function findStartSites(file: string, text: string, language = languageOf(file)): StartSite[] {
  if (!language) return [];
  const starts = lineStarts(text);
  const sites: StartSite[] = [];
  for (const re of PATTERNS[language]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const raw = m[1] ?? m[2] ?? m[3];
      if (raw === undefined) continue;
      sites.push({ name: unescape(raw), location: { file, ...position(starts, m.index + (text[m.index] === '.' ? 1 : 0)) } });
    }
  }
  if (language === 'rust') {
    RUST_INSTRUMENT.lastIndex = 0;
    for (let m = RUST_INSTRUMENT.exec(text); m; m = RUST_INSTRUMENT.exec(text)) {
      const named = m[1] ? /\bname\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(m[1]) : null;
      sites.push({ name: named ? unescape(named[1]) : m[2], location: { file, ...position(starts, m.index), function: m[2] } });
    }
  }
  return sites.sort((a, b) => a.location.line - b.location.line);
}

/**
 * Give every span without a location the start site of the same literal name, when exactly one
 * site in `sources` has that name. Spans already located are left alone.
 */
export function locateStatically(spans: Span[], sources: ReadonlyMap<string, string>): LocateResult {
  const byName = new Map<string, StartSite[]>();
  for (const [file, text] of sources) {
    for (const site of findStartSites(file, text)) {
      let list = byName.get(site.name);
      if (!list) byName.set(site.name, (list = []));
      list.push(site);
    }
  }
  let located = 0;
  const unlocated = new Map<string, string>();
  for (const span of spans) {
    if (span.location) continue;
    const sites = byName.get(span.name);
    if (!sites || sites.length === 0) {
      unlocated.set(span.name, 'no span-start call with this literal name (a name built at run time cannot be matched)');
    } else if (sites.length > 1) {
      const where = sites.map((s) => `${baseName(s.location.file)}:${s.location.line + 1}`).join(', ');
      unlocated.set(span.name, `started from ${sites.length} places (${where}): ambiguous, not guessed`);
    } else {
      span.location = { ...sites[0].location };
      located++;
    }
  }
  return { located, unlocated: [...unlocated].map(([name, reason]) => ({ name, reason })) };
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}
