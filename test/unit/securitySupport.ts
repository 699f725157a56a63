/**
 * Shared by the security-*.test.ts files: saved span output with hostile text in it, and the
 * CLI run in-process with what it writes captured.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { frameRecord } from '../../src/core/parse/spanLens';

export const ROOT = path.resolve(__dirname, '..', '..');

let counter = 0;

/** A span in SCHEMA.md shape (the fields a framed record carries); `over` replaces any of them. */
export function schemaSpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  counter++;
  return {
    traceId: 'ab'.repeat(16),
    spanId: counter.toString(16).padStart(16, '0'),
    parentSpanId: null,
    name: `span-${counter}`,
    kind: 'INTERNAL',
    startTimeUnixNano: '1795592759793000000',
    endTimeUnixNano: '1795592759794000000',
    attributes: {},
    events: [],
    links: [],
    status: { code: 'UNSET', message: null },
    resource: { 'service.name': 'svc' },
    ...over,
  };
}

/** Span Lens framed output (what a run prints) for these spans. */
export function framedOutput(spans: Record<string, unknown>[]): string {
  return spans.map((span) => frameRecord('n0nce', { type: 'span', span })).join('\n') + '\n';
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `span-lens-${prefix}-`));
}

/** The CLI's `main` in-process: exit code and what it wrote to stdout and stderr. */
export async function cli(args: string[], cwd?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  const before = process.cwd();
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  try {
    if (cwd) process.chdir(cwd);
    const code = await main(args);
    return { code, out, err };
  } finally {
    process.chdir(before);
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}
