/**
 * How to run a file with Span Lens: the command, arguments, environment and working directory
 * for each language, with the injection that makes the program's spans visible.
 *
 * Pure apart from reading the file system (finding go.mod / Cargo.toml, the built injection
 * files): it spawns nothing. process.ts runs the plan, runFile.ts ties the two together. Each
 * language's plan is made in languages/<language>.ts; this file picks the language and builds
 * the environment they share.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import { planGo } from './languages/go';
import { planJava } from './languages/java';
import { NODE_PRELOAD, nodeOptionsWithPreload, planNode, planTypeScript } from './languages/node';
import { planPython } from './languages/python';
import { planRust } from './languages/rust';
import { LaunchError, fsHost, prependPath, type LaunchHost, type LaunchPlan, type PlanContext, type RunLanguage, type RunSettings } from './plan';

export * from './plan';
export { NODE_PRELOAD, defaultTsxDir, nodeOptionsWithPreload, quoteNodeOption } from './languages/node';
export { cargoTarget } from './languages/rust';

const PLANNERS: Record<RunLanguage, (ctx: PlanContext) => LaunchPlan> = {
  node: planNode,
  typescript: planTypeScript,
  python: planPython,
  go: planGo,
  java: planJava,
  rust: planRust,
};


/** The language a file is run as, from its extension; undefined when Span Lens cannot run it. */
export function languageOf(file: string): RunLanguage | undefined {
  switch (path.extname(file).toLowerCase()) {
    case '.js':
    case '.mjs':
    case '.cjs':
      return 'node';
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.py':
      return 'python';
    case '.go':
      return 'go';
    case '.java':
      return 'java';
    case '.rs':
      return 'rust';
    default:
      return undefined;
  }
}

/** A fresh nonce: 16 random bytes, base64url (the alphabet the frame reader accepts). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * Where the built injection lives: `inject/` next to the bundle (dist/extension.js, dist/cli.js),
 * or the repository's dist/inject when running from source.
 */
export function defaultInjectDir(host: LaunchHost = fsHost): string {
  const candidates = [path.join(__dirname, 'inject'), path.resolve(__dirname, '..', '..', 'dist', 'inject')];
  for (const dir of candidates) if (host.exists(path.join(dir, NODE_PRELOAD))) return dir;
  return candidates[candidates.length - 1];
}

/**
 * Plan the run of `file`. Throws LaunchError (with a message for the user) for a file Span Lens
 * cannot run.
 */
export function planLaunch(file: string, settings: RunSettings = {}, opts: { nonce?: string; host?: LaunchHost } = {}): LaunchPlan {
  const host = opts.host ?? fsHost;
  const abs = path.resolve(file);
  const language = languageOf(abs);
  if (!language) {
    const ext = path.extname(abs) || path.basename(abs);
    throw new LaunchError(`Span Lens cannot run ${ext} files (it runs .js, .mjs, .cjs, .ts, .mts, .cts, .py, .go, .java and .rs)`);
  }
  const nonce = opts.nonce ?? newNonce();
  const lang = settings[language] ?? {};
  const env = buildEnv(settings, lang.env);
  env.SPAN_LENS_NONCE = nonce;
  const ctx: PlanContext = {
    file: abs,
    settings,
    env,
    nonce,
    programArgs: settings.args ?? [],
    cwd: settings.cwd ?? path.dirname(abs),
    injectDir: settings.injectDir ?? defaultInjectDir(host),
    userArgs: lang.args ?? [],
    command: lang.command,
    host,
  };
  const plan = PLANNERS[language](ctx);
  injectChildren(plan, ctx.injectDir, host);
  return plan;
}

/**
 * Every process of a run reports its spans, in whichever injected language it is written: a Go
 * program's Python helper, a Node server's Python worker. So each run carries the Node preload
 * (NODE_OPTIONS) and the Python injection (PYTHONPATH) for its children, whatever the file's own
 * language; both do nothing in a process that uses no OpenTelemetry.
 */
function injectChildren(plan: LaunchPlan, injectDir: string, host: LaunchHost): void {
  const preload = path.join(injectDir, NODE_PRELOAD);
  if (!(plan.env.NODE_OPTIONS ?? '').includes(NODE_PRELOAD) && host.exists(preload)) plan.env.NODE_OPTIONS = nodeOptionsWithPreload(plan.env.NODE_OPTIONS, preload);
  const pythonDir = path.join(injectDir, 'python');
  if (!(plan.env.PYTHONPATH ?? '').split(path.delimiter).includes(pythonDir) && host.exists(path.join(pythonDir, 'sitecustomize.py'))) plan.env.PYTHONPATH = prependPath(pythonDir, plan.env.PYTHONPATH);
}

/** The message for a command that could not be started because it does not exist. */
export function commandNotFoundMessage(plan: Pick<LaunchPlan, 'command' | 'commandSetting'>): string {
  return `${plan.command} not found: set ${plan.commandSetting}`;
}

function buildEnv(settings: RunSettings, langEnv: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  const base = settings.baseEnv ?? process.env;
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const layer of [settings.env, langEnv]) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
  return env;
}

