/** How Node and TypeScript files run: the preload on NODE_OPTIONS, TypeScript through the TS entry. */
import * as path from 'path';
import { LaunchError, type LaunchPlan, type PlanContext } from '../plan';

/** The preload every Node process of the run loads (NODE_OPTIONS --require). */
export const NODE_PRELOAD = 'node-preload.js';
/** The entry that starts a TypeScript file as the main module (so `"type": "module"` packages work too). */
export const NODE_TS_MAIN = 'node-ts-main.js';

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

/** The folder of the esbuild package Span Lens itself uses, or undefined when it is not installed. */
export function defaultEsbuildPath(): string | undefined {
  try {
    return path.dirname(require.resolve('esbuild/package.json'));
  } catch {
    return undefined;
  }
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
  };
}

/** `node <ts entry> FILE` with the preload; the entry transpiles with esbuild. */
export function planTypeScript(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  const esbuild = ctx.settings.typescript?.esbuildPath ?? defaultEsbuildPath();
  if (!esbuild) {
    throw new LaunchError('TypeScript needs esbuild to run: install it (npm install esbuild) and set spanLens.typescript.esbuildPath to its folder');
  }
  const preload = path.join(ctx.injectDir, NODE_PRELOAD);
  const tsMain = path.join(ctx.injectDir, NODE_TS_MAIN);
  env.NODE_OPTIONS = nodeOptionsWithPreload(env.NODE_OPTIONS, preload);
  env.SPAN_LENS_ESBUILD = esbuild;
  return {
    language: 'typescript',
    command: ctx.command || 'node',
    args: [...ctx.userArgs, tsMain, ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: true,
    commandSetting: 'spanLens.typescript.command',
    injectFiles: [preload, tsMain],
  };
}
