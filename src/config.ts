/**
 * Typed settings, read from `contributes.configuration` (package.json). The editor maps them onto
 * the pure RunSettings the runner takes, so src/run never sees vscode.
 */
import * as vscode from 'vscode';

export interface LanguageSettings {
  /** Replaces the default command (e.g. a virtualenv's python). */
  command?: string;
  args: string[];
  env: Record<string, string>;
}

export interface SpanLensConfig {
  codeLensEnabled: boolean;
  openWaterfallAfterRun: boolean;
  timeoutSeconds: number;
  maxOutputBytes: number;
  maxSpans: number;
  cwd?: string;
  env: Record<string, string>;
  pythonPath?: string;
  javaClassPath?: string;
  languages: Record<'node' | 'typescript' | 'python' | 'go' | 'java' | 'rust', LanguageSettings>;
  checks: Record<string, { enabled?: boolean; severity?: string; [threshold: string]: unknown }>;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
function record(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Read every Span Lens setting for a resource (file) scope. */
export function readConfig(scope?: vscode.Uri): SpanLensConfig {
  const c = vscode.workspace.getConfiguration('spanLens', scope);
  const lang = (id: string): LanguageSettings => ({
    command: c.get<string>(`${id}.command`) || undefined,
    args: strings(c.get(`${id}.args`)),
    env: record(c.get(`${id}.env`)),
  });
  return {
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    openWaterfallAfterRun: c.get<boolean>('waterfall.openAfterRun', true),
    timeoutSeconds: c.get<number>('run.timeoutSeconds', 300),
    maxOutputBytes: c.get<number>('run.maxOutputBytes', 50 * 1024 * 1024),
    maxSpans: c.get<number>('run.maxSpans', 2_000_000),
    cwd: c.get<string>('run.cwd') || undefined,
    env: record(c.get('run.env')),
    pythonPath: c.get<string>('python.path') || undefined,
    javaClassPath: c.get<string>('java.classPath') || undefined,
    languages: {
      node: lang('node'),
      typescript: lang('typescript'),
      python: lang('python'),
      go: lang('go'),
      java: lang('java'),
      rust: lang('rust'),
    },
    checks: (c.get('checks.rules') as SpanLensConfig['checks']) ?? {},
  };
}
