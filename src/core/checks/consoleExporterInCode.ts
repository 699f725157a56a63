/**
 * console-exporter-in-code: a console exporter or a simple (synchronous) span processor in
 * application code. Both are right for a demo and wrong in production: the console exporter
 * writes every span to stdout, the simple processor blocks on each export. Examples and tests
 * are left alone.
 */
import type { SourceLocation } from '../model';
import type { Rule } from './types';

interface Pattern {
  re: RegExp;
  what: 'console' | 'simple';
  name: string;
}

const PATTERNS: Pattern[] = [
  { re: /\bConsoleSpanExporter\s*\(/g, what: 'console', name: 'ConsoleSpanExporter' }, // Python, JS/TS (`new …`)
  { re: /\bstdouttrace\s*\.\s*New\s*\(/g, what: 'console', name: 'stdouttrace' }, // Go
  { re: /\b(?:OtlpJson)?LoggingSpanExporter\s*\.\s*create\s*\(/g, what: 'console', name: 'LoggingSpanExporter' }, // Java
  { re: /\bopentelemetry_stdout\s*::\s*SpanExporter\b/g, what: 'console', name: 'opentelemetry_stdout' }, // Rust
  { re: /\bSimpleSpanProcessor\s*(?:\.\s*(?:create|builder)\s*)?\(/g, what: 'simple', name: 'SimpleSpanProcessor' }, // Python, JS/TS, Java
  { re: /\bSimpleSpanProcessor\s*::\s*new\s*\(/g, what: 'simple', name: 'SimpleSpanProcessor' }, // Rust
  { re: /\bWithSyncer\s*\(/g, what: 'simple', name: 'WithSyncer' }, // Go
  { re: /\bwith_simple_exporter\s*\(/g, what: 'simple', name: 'with_simple_exporter' }, // Rust
];

/** Quick test before the patterns: every one of them contains one of these words. */
const ANY = /ConsoleSpanExporter|stdouttrace|LoggingSpanExporter|opentelemetry_stdout|SimpleSpanProcessor|WithSyncer|with_simple_exporter/;

const DEFAULT_IGNORED = ['examples', 'example', 'samples', 'sample', 'demo', 'demos', 'test', 'tests', '__tests__', 'testing', 'spec', 'specs', 'e2e'];

/** A test file by its name: test_x.py, x_test.go, x.test.ts, x.spec.js, conftest.py, XTest.java. */
const TEST_FILE = /(?:^test_|_test\.|\.test\.|\.spec\.|^conftest\.py$|Tests?\.java$)/;

/** True when the path is in an examples/tests folder or is a test file. */
export function isExampleOrTest(file: string, ignoredSegments: readonly string[]): boolean {
  const parts = file.split(/[\\/]/);
  const base = parts[parts.length - 1];
  if (TEST_FILE.test(base)) return true;
  const ignored = new Set(ignoredSegments.map((s) => s.toLowerCase()));
  for (let i = 0; i < parts.length - 1; i++) if (ignored.has(parts[i].toLowerCase())) return true;
  return false;
}

export const consoleExporterInCode: Rule = {
  id: 'console-exporter-in-code',
  title: 'A console exporter or simple span processor in code outside examples and tests',
  defaultSeverity: 'information',
  docs: 'docs/rules/console-exporter-in-code.md',
  fixable: false,
  options: {
    ignoredFolders: {
      default: DEFAULT_IGNORED,
      description: 'Folder names (any level) whose files may use console exporters freely.',
    },
  },
  check(ctx, report, options) {
    const ignored = options.strings('ignoredFolders');
    for (const [file, text] of ctx.sources) {
      if (!ANY.test(text) || isExampleOrTest(file, ignored)) continue;
      const lines = text.split('\n');
      for (let line = 0; line < lines.length; line++) {
        const code = lines[line];
        if (!ANY.test(code)) continue;
        const trimmed = code.trimStart();
        if (/^(?:\/\/|#|\*|\/\*|--)/.test(trimmed)) continue;
        for (const p of PATTERNS) {
          p.re.lastIndex = 0;
          for (let m = p.re.exec(code); m; m = p.re.exec(code)) {
            const location: SourceLocation = { file, line, column: m.index };
            report({
              location,
              key: p.name,
              message:
                p.what === 'console'
                  ? `${p.name} writes every span to the program's output: right for a demo, not for production; export with OTLP through a batch span processor`
                  : `${p.name} exports each span synchronously as it ends, slowing the program down: use a batch span processor outside examples and tests`,
              data: { name: p.name, kind: p.what },
              affects: [],
            });
          }
        }
      }
    }
  },
};
