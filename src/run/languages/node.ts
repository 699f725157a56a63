/** How Node and TypeScript files run: the preload on NODE_OPTIONS, TypeScript through tsx (or the project's own runner). */
import * as path from 'path';
import { pathToFileURL } from 'url';
import { explainNodeFailure } from './missingSdk';
import { LaunchError, findUp, type LaunchHost, type LaunchPlan, type PlanContext } from '../plan';

/** The preload every Node process of the run loads (NODE_OPTIONS --require). */
export const NODE_PRELOAD = 'node-preload.js';

/**
 * Quote one NODE_OPTIONS word. Node splits NODE_OPTIONS on spaces and reads "..." with backslash
 * escapes inside, so a path with spaces, quotes or (Windows) backslashes survives.
 */
export function quoteNodeOption(word: string): string {
  if (/^[A-Za-z0-9_\-./:=@+,]+$/.test(word)) return word;
  return '"' + word.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** NODE_OPTIONS with `--require <preload>` appended, keeping the user's own options first. */
export function nodeOptionsWithPreload(existing: string | undefined, preload: string): string {
  const ours = `--require ${quoteNodeOption(preload)}`;
  const mine = (existing ?? '').trim();
  return mine ? `${mine} ${ours}` : ours;
}

/** `node FILE` with the preload. */
export function planNode(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  const preload = path.join(ctx.injectDir, NODE_PRELOAD);
  env.NODE_OPTIONS = nodeOptionsWithPreload(env.NODE_OPTIONS, preload);
  return {
    language: 'node',
    command: ctx.command || 'node',
    args: [...ctx.userArgs, ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: true,
    commandSetting: 'spanLens.node.command',
    injectFiles: [preload],
    explainFailure: (stderr) => explainNodeFailure(ctx.file, stderr),
  };
}

/**
 * The program that loads a TypeScript file. A TypeScript program runs as its own toolchain runs
 * it: the project's tsx or ts-node when Node would find one from the file's folder (its
 * node_modules or a parent's), else the tsx Span Lens ships with. Both follow the project's
 * tsconfig and `package.json` "type", so ESM stays ESM (top-level await, import.meta), CommonJS
 * stays CommonJS, and imports run in order.
 */
export interface TypeScriptRunner {
  name: 'tsx' | 'ts-node';
  /** Its package folder. */
  dir: string;
  /** The project's own (found from the file's folder), or Span Lens's tsx. */
  own: boolean;
}

/** The tsx Span Lens itself depends on (package.json "dependencies"), or undefined when it is not installed. */
export function defaultTsxDir(): string | undefined {
  try {
    return path.dirname(require.resolve('tsx/package.json'));
  } catch {
    return undefined;
  }
}

/** The project's runner, as Node would resolve `tsx` or `ts-node` from the file's folder; tsx wins in one folder. */
export function projectTypeScriptRunner(file: string, host: LaunchHost): TypeScriptRunner | undefined {
  let dir = path.dirname(file);
  for (;;) {
    for (const name of ['tsx', 'ts-node'] as const) {
      const pkg = path.join(dir, 'node_modules', name);
      if (host.exists(path.join(pkg, 'package.json'))) return { name, dir: pkg, own: true };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether Node treats the file as an ES module: `.mts`/`.mjs`, `.cts`/`.cjs`, else the nearest package.json "type". */
export function isEsModuleFile(file: string, host: LaunchHost): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mts' || ext === '.mjs') return true;
  if (ext === '.cts' || ext === '.cjs') return false;
  const dir = findUp(path.dirname(file), 'package.json', host);
  if (!dir) return false;
  try {
    return JSON.parse(host.readText(path.join(dir, 'package.json')) ?? '{}').type === 'module';
  } catch {
    return false;
  }
}

function majorVersion(pkgDir: string, host: LaunchHost): number {
  try {
    return Number(String(JSON.parse(host.readText(path.join(pkgDir, 'package.json')) ?? '{}').version).split('.')[0]) || 0;
  } catch {
    return 0;
  }
}

/** The node flags that load TypeScript through `runner`. */
export function runnerArgs(runner: TypeScriptRunner, file: string, host: LaunchHost): string[] {
  if (runner.name === 'tsx') {
    // tsx 4 (Span Lens's own is) registers its ESM and CommonJS hooks from --import; tsx 3 was an ESM loader.
    const loader = pathToFileURL(path.join(runner.dir, 'dist', 'loader.mjs')).href;
    return runner.own && majorVersion(runner.dir, host) < 4 ? ['--loader', loader] : ['--import', loader];
  }
  // ts-node: its CommonJS hook, or its ESM loader (which registers the CommonJS hook too) for ES
  // modules. It inlines source maps but maps stacks itself; Node keeps the maps (for call sites)
  // only with source maps on.
  if (isEsModuleFile(file, host)) return ['--enable-source-maps', '--loader', pathToFileURL(path.join(runner.dir, 'esm.mjs')).href];
  return ['--enable-source-maps', '--require', path.join(runner.dir, 'register', 'index.js')];
}

/** `node <runner flags> FILE` with the preload. */
export function planTypeScript(ctx: PlanContext): LaunchPlan {
  const { env, host } = ctx;
  let runner = projectTypeScriptRunner(ctx.file, host);
  if (!runner) {
    const tsx = defaultTsxDir();
    if (!tsx) throw new LaunchError('TypeScript needs tsx to run: install it in the project (npm install --save-dev tsx)');
    runner = { name: 'tsx', dir: tsx, own: false };
  }
  const preload = path.join(ctx.injectDir, NODE_PRELOAD);
  env.NODE_OPTIONS = nodeOptionsWithPreload(env.NODE_OPTIONS, preload);
  // tsx reads the tsconfig.json found from the working folder up; the file's own project is the
  // one its editor (and `npx tsx` run there) uses, wherever the run's working folder is.
  if (runner.name === 'tsx' && !env.TSX_TSCONFIG_PATH) {
    const project = findUp(path.dirname(ctx.file), 'tsconfig.json', host);
    if (project) env.TSX_TSCONFIG_PATH = path.join(project, 'tsconfig.json');
  }
  return {
    language: 'typescript',
    command: ctx.command || 'node',
    args: [...ctx.userArgs, ...runnerArgs(runner, ctx.file, host), ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: true,
    commandSetting: 'spanLens.typescript.command',
    injectFiles: [preload],
    explainFailure: (stderr) => explainNodeFailure(ctx.file, stderr),
  };
}
