/**
 * Run TypeScript without a build step: `.ts`, `.mts` and `.cts` files are transpiled with
 * esbuild's transformSync when required (to CommonJS, types stripped, no type check) with a
 * source map, so Node's own stack traces and Span Lens's call sites name .ts lines.
 *
 * esbuild is not bundled into the preload (it has a native binary); the launcher passes the
 * folder of the esbuild package in SPAN_LENS_ESBUILD.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { PositionMapper } from './callSite';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const Module: any = require('module');

interface Esbuild {
  transformSync(input: string, options: Record<string, unknown>): { code: string; map: string };
}

const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];
const TS_FILE = /\.[mc]?ts$/;
const JS_REQUEST = /^\.{1,2}[\\/].*\.([mc]?)js$/;

/** Source maps of the files we compiled, parsed on first use. */
const maps = new Map<string, { raw: string; parsed?: any }>();
const tsconfigByDir = new Map<string, string | undefined>();

function nearestTsconfig(dir: string): string | undefined {
  if (tsconfigByDir.has(dir)) return tsconfigByDir.get(dir);
  let text: string | undefined;
  try {
    text = fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8');
  } catch {
    const parent = path.dirname(dir);
    text = parent === dir ? undefined : nearestTsconfig(parent);
  }
  tsconfigByDir.set(dir, text);
  return text;
}

/** Install the require hook. Returns a mapper from generated to .ts positions for call sites. */
export function installTsHook(esbuildDir: string): PositionMapper {
  let esbuild: Esbuild | undefined;
  const target = `node${process.versions.node.split('.')[0]}`;
  if (typeof (process as any).setSourceMapsEnabled === 'function') (process as any).setSourceMapsEnabled(true);

  function compile(module: any, filename: string): void {
    const source = fs.readFileSync(filename, 'utf8');
    if (!esbuild) {
      try {
        esbuild = require(esbuildDir) as Esbuild;
      } catch (err) {
        throw new Error(`Span Lens cannot run TypeScript: esbuild could not be loaded from ${esbuildDir} (${(err as Error).message})`);
      }
    }
    const options: Record<string, unknown> = {
      loader: 'ts',
      format: 'cjs',
      target,
      sourcemap: 'external',
      sourcefile: filename,
      sourcesContent: false,
    };
    const tsconfig = nearestTsconfig(path.dirname(filename));
    let out: { code: string; map: string };
    try {
      out = esbuild.transformSync(source, tsconfig ? { ...options, tsconfigRaw: tsconfig } : options);
    } catch (err) {
      if (tsconfig) {
        try {
          out = esbuild.transformSync(source, options);
        } catch (err2) {
          throw compileError(filename, err2);
        }
      } else {
        throw compileError(filename, err);
      }
    }
    maps.set(filename, { raw: out.map });
    const inline = `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(out.map).toString('base64')}`;
    module._compile(out.code + inline, filename);
  }

  for (const ext of TS_EXTENSIONS) Module._extensions[ext] = compile;

  // TypeScript written for ESM imports './util.js' meaning './util.ts'.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request: string, parent: any, ...rest: unknown[]) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (err) {
      const m = typeof request === 'string' ? JS_REQUEST.exec(request) : null;
      if (m && (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && parent && TS_FILE.test(String(parent.filename))) {
        try {
          return resolve.call(this, request.replace(/\.([mc]?)js$/, '.$1ts'), parent, ...rest);
        } catch {
          /* fall through to the original error */
        }
      }
      throw err;
    }
  };

  return mapPosition;
}

function compileError(filename: string, err: unknown): Error {
  const e = err as { errors?: { text: string; location?: { line: number; column: number } }[]; message?: string };
  const first = e.errors?.[0];
  let why = first ? first.text + (first.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '') : String(e.message ?? err);
  if (/top-level await/i.test(why)) why += '; wrap the top-level awaits in an async function';
  return new Error(`Span Lens could not compile ${filename}: ${why}`);
}

/** Generated position (1-based) of a compiled file -> its .ts position (1-based). */
function mapPosition(file: string, line: number, column: number): { file: string; line: number; column: number } | undefined {
  const entry = maps.get(file);
  if (!entry) return undefined;
  if (!entry.parsed) {
    try {
      entry.parsed = new Module.SourceMap(JSON.parse(entry.raw));
    } catch {
      maps.delete(file);
      return undefined;
    }
  }
  const found = entry.parsed.findEntry(line - 1, Math.max(0, column - 1));
  if (!found || typeof found.originalLine !== 'number') return undefined;
  return { file, line: found.originalLine + 1, column: found.originalColumn + 1 };
}
