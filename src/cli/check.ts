/**
 * `span-lens check FILE [--json] [--from OUTPUT] [--config SETTINGS.json]`: run FILE with Span
 * Lens (or read a saved OUTPUT of it) and report instrumentation problems, one per line as
 * `file:line:col rule message` (1-based), or as JSON. Exit status 1 when a finding of error
 * severity exists (a CI gate), 0 otherwise, 2 when the check does not count (usage, a missing
 * file, a program that could not run, crashed or failed, output that could not be read).
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../core/analyze';
import type { CheckConfig } from '../core/checks';
import type { Finding, ParseResult, RunFacts, Span } from '../core/model';
import { InputError, parseInput } from './input';
import { jsonForTerminal, terminalLine, terminalText } from '../core/safeText';
import { maskSensitiveText } from '../core/sensitive';
import { collectSources } from '../run/sources';
import { readTextInside } from '../run/safeRead';
import { UsageError, readTimeout, runProblems, runProgram, splitAtDashes, unreadableProblems } from './program';

const HELP = `usage: span-lens check FILE [--json] [--timeout S] [--config SETTINGS] [-- ARGS...]
       span-lens check [FILE] --from OUTPUT [--json] [--allow-unreadable] [--config SETTINGS]

Runs FILE with Span Lens, as span-lens run does (same folder, stdin, ARGS after --), and reports
instrumentation problems in its spans, one per line:
  file:line:col rule message
With --from, reads a saved output of FILE instead of running it (OUTPUT may be - for stdin;
FILE may then be left out). The code the spans point at is read for disable comments and
code checks. The program's own output goes to stderr.

  --json              print {"findings": [{rule, severity, message, file, line, column, spanId, traceId}],
                      "score", "spans", "problems"}
  --timeout S         stop the program (and everything it started) after S seconds
  --from OUTPUT       check saved span output instead of running FILE
  --allow-unreadable  with --from: output that could not be read is reported, not a failure
  --config SETTINGS   a JSON file {"rules": {"<rule>": {"enabled": false, "severity": "error", ...}}}

Exit status: 1 when a finding has error severity, 0 otherwise; 2 when the check does not count:
the program could not be run, crashed, was stopped, exited non-zero, or printed span output that
could not be read, or --from read no span at all (the reason is printed). Ctrl-C, SIGTERM and
SIGHUP stop the program and everything it started.`;

interface CheckArgs {
  file?: string;
  from?: string;
  json: boolean;
  config?: string;
  timeoutMs?: number;
  programArgs: string[];
  allowUnreadable: boolean;
}

function parseArgs(args: string[]): CheckArgs | 'help' {
  const { own, programArgs } = splitAtDashes(args);
  const out: CheckArgs = { json: false, programArgs, allowUnreadable: false };
  for (let i = 0; i < own.length; i++) {
    const a = own[i];
    const value = (name: string) => {
      const eq = a.indexOf('=');
      const v = eq >= 0 ? a.slice(eq + 1) : own[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') out.json = true;
    else if (a === '--allow-unreadable') out.allowUnreadable = true;
    else if (a === '--from' || a.startsWith('--from=')) out.from = value('--from');
    else if (a === '--config' || a.startsWith('--config=')) out.config = value('--config');
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const t = readTimeout(own, i, '');
      out.timeoutMs = t.timeoutMs;
      i = t.next;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (out.file === undefined) out.file = a;
    else throw new UsageError(`one FILE at a time (got '${out.file}' and '${a}'; program arguments go after --)`);
  }
  if (out.from !== undefined && (programArgs.length || out.timeoutMs !== undefined)) throw new UsageError('--from reads a saved output: -- ARGS and --timeout are for running FILE');
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

/**
 * Source files the spans point at (besides those given), read once each, and only when they are
 * regular files inside `baseDirs` (the input's folders and the current one); others are skipped.
 */
function addLocatedSources(spans: readonly Span[], sources: Map<string, string>, baseDirs: string[]): void {
  const tried = new Set<string>();
  for (const span of spans) {
    const file = span.location?.file;
    if (!file || tried.has(file) || sources.has(file)) continue;
    tried.add(file);
    if (tried.size > 500) break;
    const candidates = path.isAbsolute(file) ? [file] : baseDirs.map((d) => path.resolve(d, file));
    for (const c of candidates) {
      // The path comes from the trace: only regular files inside these folders, size capped while read.
      const text = readTextInside(c, { roots: baseDirs });
      if (text === undefined) continue;
      sources.set(file, text);
      break;
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
  /** Why this is not a check that counts (see runProblems); empty when it counts. */
  problems: string[];
}

async function collect(args: CheckArgs): Promise<Checked> {
  const sources = new Map<string, string>();
  const file = args.file ? path.resolve(args.file) : undefined;
  if (file) {
    if (!fs.existsSync(file)) throw new UsageError(`${args.file}: no such file`);
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${args.file}: is a directory; give the program file to check`);
  }
  if (args.from !== undefined) {
    let parsed: ParseResult;
    try {
      parsed = await parseInput(args.from);
    } catch (err) {
      throw new UsageError(err instanceof InputError ? err.message : `${args.from}: cannot read the output file`);
    }
    if (file) sources.set(file, fs.readFileSync(file, 'utf8'));
    const base = [process.cwd()];
    if (file) base.push(path.dirname(file));
    if (args.from !== '-') base.push(path.dirname(path.resolve(args.from)));
    addLocatedSources(parsed.spans, sources, base);
    const originLine = new Map<string, number>();
    for (const s of parsed.spans) if (s.origin && !originLine.has(s.spanId)) originLine.set(s.spanId, s.origin.line);
    const problems = [
      ...(parsed.spans.length ? [] : [`no span was read from ${args.from === '-' ? 'stdin' : args.from}`]),
      ...(args.allowUnreadable ? [] : unreadableProblems(parsed.unparsed)),
    ];
    if (args.allowUnreadable) for (const p of unreadableProblems(parsed.unparsed)) process.stderr.write(`span-lens check: ${terminalLine(p)}\n`);
    return { spans: parsed.spans, facts: parsed.facts, sources, fallbackFile: args.from === '-' ? file ?? '<stdin>' : args.from, originLine, problems };
  }
  const result = await runProgram(file!, {
    programArgs: args.programArgs,
    timeoutMs: args.timeoutMs,
    // Findings own stdout: the program's output goes to stderr, as it prints it.
    io: { output: (_stream, text) => void process.stderr.write(text), notice: (m) => void process.stderr.write(`span-lens: ${m}\n`), stdin: process.stdin },
  });
  const problems = runProblems(result, args.timeoutMs);
  if (result.error) return { spans: [], facts: result.facts, sources, fallbackFile: file!, problems };
  for (const [k, v] of collectSources(file!)) sources.set(k, v);
  addLocatedSources(result.spans, sources, [path.dirname(file!), process.cwd()]);
  return { spans: result.spans, facts: result.facts, sources, fallbackFile: file!, problems };
}

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
    if (err instanceof UsageError) {
      process.stderr.write(`span-lens check: ${terminalText(err.message)}\n`);
      return 2;
    }
    throw err;
  }
  const analysis = analyzeRun({ spans: checked.spans, facts: checked.facts, sources: checked.sources }, config);
  for (const f of analysis.failures) process.stderr.write(`span-lens check: rule ${f.rule} failed (a bug in Span Lens): ${terminalLine(maskSensitiveText(f.message))}\n`);
  const placed = place(analysis.findings, checked);
  if (parsed.json) {
    const findings = placed.map(({ finding: f, file, line, column }) => ({
      rule: f.rule,
      severity: f.severity,
      message: maskSensitiveText(f.message),
      file,
      line,
      column,
      spanId: f.spanId ?? null,
      traceId: f.traceId ?? null,
    }));
    process.stdout.write(jsonForTerminal(JSON.stringify({ findings, score: checked.problems.length ? null : analysis.score, spans: checked.spans.length, problems: checked.problems }, null, 2)) + '\n');
  } else {
    let out = '';
    // Messages quote span names, keys and values: the same masking everywhere, so a secret hidden in
    // one finding is hidden in all of them, and nothing in them may steer the terminal.
    for (const p of placed) out += `${terminalLine(p.file)}:${p.line}:${p.column} ${p.finding.rule} ${terminalLine(maskSensitiveText(p.finding.message))}\n`;
    process.stdout.write(out);
    const counts = new Map<string, number>();
    for (const p of placed) counts.set(p.finding.severity, (counts.get(p.finding.severity) ?? 0) + 1);
    const parts = [...counts].map(([sev, n]) => `${n} ${sev}`);
    // A score on a run that does not count would read as a pass: leave it out.
    process.stderr.write(
      `${checked.spans.length} span${checked.spans.length === 1 ? '' : 's'}, ${placed.length} finding${placed.length === 1 ? '' : 's'}` +
        `${parts.length ? ` (${parts.join(', ')})` : ''}${checked.problems.length ? '' : `, score ${analysis.score}`}\n`,
    );
  }
  if (checked.problems.length) {
    for (const p of checked.problems) process.stderr.write(`span-lens check: not checked: ${terminalLine(p)}\n`);
    return 2;
  }
  return analysis.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
