/**
 * Generated positions back to the source a loader compiled them from, through the source maps
 * Node itself keeps. tsx (like any TypeScript loader) inlines a map in each file it compiles and
 * turns source maps on, so Node caches the map of every .ts module it loads, CommonJS or ESM; a
 * program built to JS with .map files and run with --enable-source-maps maps to its .ts too.
 */
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import type { PositionMapper } from './callSite';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const Module: any = require('module');

interface NodeSourceMap {
  findEntry(line: number, column: number): { originalSource?: string; originalLine?: number; originalColumn?: number };
}

/** The file a map's `originalSource` names (a file URL, an absolute path or one relative to the generated file). */
function sourceFile(source: string | undefined, generated: string): string {
  if (!source) return generated;
  if (source.startsWith('file:')) {
    try {
      return fileURLToPath(source);
    } catch {
      return generated;
    }
  }
  return path.resolve(path.dirname(generated), source);
}

/** A mapper over Node's source map cache, or undefined on a Node without `module.findSourceMap`. */
export function nodeSourceMapMapper(): PositionMapper | undefined {
  const find = Module.findSourceMap;
  if (typeof find !== 'function') return undefined;
  // Asked once per file: a file's map is cached when the file is loaded, before it can start a span.
  const maps = new Map<string, NodeSourceMap | null>();
  const lookup = (file: string): NodeSourceMap | null => {
    const known = maps.get(file);
    if (known !== undefined) return known;
    let map: NodeSourceMap | null = null;
    // CommonJS modules are keyed by path, ES modules by URL (the key differs across Node versions).
    for (const key of [file, pathToFileURL(file).href]) {
      try {
        map = find.call(Module, key) ?? null;
      } catch {
        map = null;
      }
      if (map) break;
    }
    maps.set(file, map);
    return map;
  };
  return (file, line, column) => {
    const map = lookup(file);
    if (!map) return undefined;
    const found = map.findEntry(line - 1, Math.max(0, column - 1));
    if (!found || typeof found.originalLine !== 'number') return undefined;
    return { file: sourceFile(found.originalSource, file), line: found.originalLine + 1, column: (found.originalColumn ?? 0) + 1 };
  };
}
