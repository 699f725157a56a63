/**
 * `span-lens diff BEFORE AFTER [--threshold T] [--json]`: two saved outputs of one program
 * compared span by span (same name, call site and place in the tree; loops by their median):
 * what got slower or faster, what is new and what vanished. A CI gate: exit 1 when a span got
 * slower past the threshold.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Span } from '../core/model';
import { spanFromSchema } from '../core/schema';
import { formatDuration } from '../core/format';
import { stringifyJson } from '../core/json';
import { diffRuns, type DiffThreshold, type SpanChange } from '../core/runDiff';
import { jsonForTerminal, terminalLine } from '../core/safeText';
import { maskSensitiveText } from '../core/sensitive';
import { InputError, parseInput } from './input';

const HELP = `usage: span-lens diff BEFORE AFTER [--threshold T] [--json]

Compares two saved runs of one program (span-lens run --json or span-lens parse output, a console
exporter's output, OTLP JSON...) span by span: a span is the same span when it has the same name, the same call
site and the same ancestors; repeated spans (a loop) compare by their median. Prints what got
slower, what is new or gone, and what got faster.

  --threshold T   what counts as slower or faster: a share (10%), a time (5ms, 200us, 1s) or
                  both (10%,1ms: past both); default 10%,1ms
  --json          print {"changes": [...]} with durations in ns

Exit status: 1 when a span got slower past the threshold, 0 otherwise, 2 when an input could not
be read or has no spans.`;

class UsageError extends Error {}

/** `10%`, `5ms`, `10%,1ms` → the threshold. */
export function parseThreshold(text: string): DiffThreshold {
  const out: DiffThreshold = {};
  for (const part of text.split(',').map((p) => p.trim())) {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(part);
    const time = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(part);
    if (pct) out.ratio = Number(pct[1]) / 100;
    else if (time) out.ns = Number(time[1]) * { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[time[2] as 'ns']!;
    else throw new UsageError(`--threshold: '${part}' is not a share (10%) or a time (5ms)`);
  }
  return out;
}

function dur(ns: number | null): string {
  return ns === null ? 'no timing' : formatDuration(BigInt(Math.round(ns)));
}

function describe(c: SpanChange): string {
  const name = terminalLine(maskSensitiveText(c.path.join(' › ')));
  const where = c.location ? `  ${path.basename(c.location.file)}:${c.location.line + 1}` : '';
  const count = (n: number) => (n > 1 ? ` ×${n}` : '');
  if (c.status === 'added') return `added    ${name}${where}  ${dur(c.after.medianNs)}${count(c.after.count)}`;
  if (c.status === 'removed') return `removed  ${name}${where}  was ${dur(c.before.medianNs)}${count(c.before.count)}`;
  const sign = (c.deltaNs ?? 0) >= 0 ? '▲ +' : '▼ −';
  const pct = c.before.medianNs ? ` (${sign[0] === '▲' ? '+' : '−'}${Math.round((Math.abs(c.deltaNs ?? 0) / c.before.medianNs) * 100)}%)` : '';
  return `${c.status.padEnd(8)} ${name}${where}  ${dur(c.before.medianNs)} → ${dur(c.after.medianNs)}  ${sign}${dur(Math.abs(c.deltaNs ?? 0))}${pct}`;
}

/**
 * A saved run: the JSON `span-lens run --json` and `span-lens parse` print ({"spans": [...]} in
 * SCHEMA.md shape), else any output the parsers read (a console exporter's, OTLP JSON).
 */
async function readRun(file: string): Promise<{ spans: Span[] }> {
  let text: string | undefined;
  try {
    const st = fs.statSync(file);
    if (st.isFile() && st.size < 512 * 1024 * 1024) text = fs.readFileSync(file, 'utf8');
  } catch {
    // parseInput says what is wrong with the file
  }
  if (text && /^\s*\{\s*"(spans|exitCode)"/.test(text)) {
    try {
      const doc = JSON.parse(text) as { spans?: unknown };
      if (Array.isArray(doc.spans)) return { spans: doc.spans.map((o) => spanFromSchema(o)).filter((x): x is Span => x !== null) };
    } catch {
      // not a whole JSON document: read it as output
    }
  }
  return parseInput(file);
}

/** `span-lens diff`; resolves to the exit status. */
export async function diffCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  try {
    const files: string[] = [];
    let threshold: DiffThreshold | undefined;
    let json = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--json') json = true;
      else if (a === '--threshold' || a.startsWith('--threshold=')) {
        const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
        if (!v) throw new UsageError('--threshold needs a value: 10%, 5ms or 10%,1ms');
        threshold = parseThreshold(v);
      } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
      else files.push(a);
    }
    if (files.length !== 2) throw new UsageError('two saved outputs: span-lens diff BEFORE AFTER');
    const [before, after] = await Promise.all(files.map((f) => readRun(f)));
    for (const [f, r] of [[files[0], before], [files[1], after]] as const) if (!r.spans.length) throw new UsageError(`${f}: no span could be read`);
    const changes = diffRuns(before.spans, after.spans, threshold);
    if (json) process.stdout.write(jsonForTerminal(stringifyJson({ changes }, 2)) + '\n');
    else {
      const shown = changes.filter((c) => c.status !== 'same');
      for (const c of shown) process.stdout.write(describe(c) + '\n');
      const n = (s: SpanChange['status']) => changes.filter((c) => c.status === s).length;
      process.stdout.write(`${changes.length} span${changes.length === 1 ? '' : 's'} compared: ${n('slower')} slower, ${n('faster')} faster, ${n('added')} added, ${n('removed')} removed\n`);
    }
    return changes.some((c) => c.status === 'slower') ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      process.stderr.write(`span-lens diff: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
