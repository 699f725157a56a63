/**
 * `span-lens check FILE [--json] [--from OUTPUT] [--config SETTINGS.json]`: run FILE with Span
 * Lens (or read a saved OUTPUT of it) and report instrumentation problems, one per line as
 * `file:line:col rule message` (1-based), or as JSON. Exit status 1 when a finding of error
 * severity exists (a CI gate), 0 otherwise, 2 when the command could not check (usage, a missing
 * file, a program that could not be run).
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../core/analyze';
import type { CheckConfig } from '../core/checks';
import type { Finding, RunFacts, Span } from '../core/model';
import { parseText } from '../core/parse';
import { runFile } from '../run/runFile';
import { collectSources } from '../run/sources';

const HELP = `usage: span-lens check FILE [--json] [--from OUTPUT] [--config SETTINGS]

Runs FILE with Span Lens and reports instrumentation problems in its spans, one per line:
  file:line:col rule message
With --from, reads a saved output of FILE instead of running it (OUTPUT may be - for stdin;
FILE may then be left out). The code the spans point at is read for disable comments and
code checks.

  --json             print {"findings": [{rule, severity, message, file, line, column, spanId, traceId}], "score"}
  --from OUTPUT      check saved span output instead of running FILE
  --config SETTINGS  a JSON file {"rules": {"<rule>": {"enabled": false, "severity": "error", ...}}}

Exit status: 1 when a finding has error severity, 0 otherwise, 2 when nothing could be checked.`;

class UsageError extends Error {}

interface CheckArgs {
  file?: string;
  from?: string;
  json: boolean;
  config?: string;
}

function parseArgs(args: string[]): CheckArgs | 'help' {
  const out: CheckArgs = { json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') out.json = true;
    else if (a === '--from' || a.startsWith('--from=')) out.from = value('--from');
    else if (a === '--config' || a.startsWith('--config=')) out.config = value('--config');
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (out.file === undefined) out.file = a;
    else throw new UsageError(`one FILE at a time (got '${out.file}' and '${a}')`);
  }
  if (out.file === undefined && out.from === undefined) throw new UsageError('which file? span-lens check FILE');
  return out;
}

function readConfig(file: string): CheckConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read the settings file`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${file}: expected {"rules": {...}}`);
  const rules = (value as { rules?: unknown }).rules;
  if (rules !== undefined && (typeof rules !== 'object' || rules === null || Array.isArray(rules))) throw new UsageError(`${file}: "rules" must be an object`);
  return value as CheckConfig;
}

/** Source files the spans point at (besides those given), read once each; unreadable ones are skipped. */
function addLocatedSources(spans: readonly Span[], sources: Map<string, string>, baseDirs: string[]): void {
  const tried = new Set<string>();
  for (const span of spans) {
    const file = span.location?.file;
    if (!file || tried.has(file) || sources.has(file)) continue;
    tried.add(file);
    if (tried.size > 500) break;
    const candidates = path.isAbsolute(file) ? [file] : baseDirs.map((d) => path.resolve(d, file));
    for (const c of candidates) {
      try {
        const st = fs.statSync(c);
        if (!st.isFile() || st.size > 2 * 1024 * 1024) continue;
        sources.set(file, fs.readFileSync(c, 'utf8'));
        break;
      } catch {
        // not there: try the next base folder
      }
    }
  }
}

interface Checked {
  spans: Span[];
  facts: RunFacts;
  sources: Map<string, string>;
  /** Where findings without a location are reported: the program, or the output file. */
  fallbackFile: string;
  /** For --from: the output line each span was read from, by span id. */
  originLine?: Map<string, number>;
}

async function collect(args: CheckArgs): Promise<Checked> {
  const sources = new Map<string, string>();
  const file = args.file ? path.resolve(args.file) : undefined;
  if (file) {
    if (!fs.existsSync(file)) throw new UsageError(`${args.file}: no such file`);
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${args.file}: is a directory; give the program file to check`);
  }
  if (args.from !== undefined) {
    let bytes: Buffer;
    try {
      bytes = args.from === '-' ? fs.readFileSync(0) : fs.readFileSync(args.from);
    } catch {
      throw new UsageError(`${args.from}: cannot read the output file`);
    }
    const parsed = parseText(bytes);
    if (file) sources.set(file, fs.readFileSync(file, 'utf8'));
    const base = [process.cwd()];
    if (file) base.push(path.dirname(file));
    if (args.from !== '-') base.push(path.dirname(path.resolve(args.from)));
    addLocatedSources(parsed.spans, sources, base);
    const originLine = new Map<string, number>();
    for (const s of parsed.spans) if (s.origin && !originLine.has(s.spanId)) originLine.set(s.spanId, s.origin.line);
    return { spans: parsed.spans, facts: parsed.facts, sources, fallbackFile: args.from === '-' ? file ?? '<stdin>' : args.from, originLine };
  }
  const result = await runFile(file!, {}, {});
  if (result.error) throw new RunError(result.error);
  for (const [k, v] of collectSources(file!)) sources.set(k, v);
  addLocatedSources(result.spans, sources, [path.dirname(file!), process.cwd()]);
  return { spans: result.spans, facts: result.facts, sources, fallbackFile: file! };
}

class RunError extends Error {}

interface Placed {
  finding: Finding;
  file: string;
  line: number;
  column: number;
}

function display(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function place(findings: Finding[], c: Checked): Placed[] {
  return findings.map((finding) => {
    const loc = finding.location;
    if (loc) return { finding, file: display(loc.file), line: loc.line + 1, column: loc.column + 1 };
    const origin = finding.spanId !== undefined ? c.originLine?.get(finding.spanId) : undefined;
    return { finding, file: display(c.fallbackFile), line: (origin ?? 0) + 1, column: 1 };
  });
}

/** `span-lens check`; resolves to the exit code. */
export async function checkCommand(args: string[]): Promise<number> {
  let parsed: CheckArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (err) {
    process.stderr.write(`span-lens check: ${(err as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  let checked: Checked;
  let config: CheckConfig = {};
  try {
    if (parsed.config) config = readConfig(parsed.config);
    checked = await collect(parsed);
  } catch (err) {
    if (err instanceof UsageError || err instanceof RunError) {
      process.stderr.write(`span-lens check: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const analysis = analyzeRun({ spans: checked.spans, facts: checked.facts, sources: checked.sources }, config);
  for (const f of analysis.failures) process.stderr.write(`span-lens check: rule ${f.rule} failed (a bug in Span Lens): ${f.message}\n`);
  const placed = place(analysis.findings, checked);
  if (parsed.json) {
    const findings = placed.map(({ finding: f, file, line, column }) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      file,
      line,
      column,
      spanId: f.spanId ?? null,
      traceId: f.traceId ?? null,
    }));
    process.stdout.write(JSON.stringify({ findings, score: analysis.score }, null, 2) + '\n');
  } else {
    let out = '';
    for (const p of placed) out += `${p.file}:${p.line}:${p.column} ${p.finding.rule} ${p.finding.message}\n`;
    process.stdout.write(out);
    const counts = new Map<string, number>();
    for (const p of placed) counts.set(p.finding.severity, (counts.get(p.finding.severity) ?? 0) + 1);
    const parts = [...counts].map(([sev, n]) => `${n} ${sev}`);
    process.stderr.write(
      `${checked.spans.length} span${checked.spans.length === 1 ? '' : 's'}, ${placed.length} finding${placed.length === 1 ? '' : 's'}` +
        `${parts.length ? ` (${parts.join(', ')})` : ''}, score ${analysis.score}\n`,
    );
  }
  return analysis.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
