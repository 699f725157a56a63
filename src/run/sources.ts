/**
 * The source files a run's spans may have started in, for static location (Go, Java, Rust) and
 * for checks that read code: the run file's Go package and the module packages it imports, its
 * Rust crate, or the file itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findUp as findUpFrom, fsHost } from './plan';
import { projectRootOf, readTextInside } from './safeRead';

const MAX_FILES = 500;
const MAX_BYTES = 2 * 1024 * 1024;

function read(file: string, into: Map<string, string>): void {
  // Regular files of the file's own project only (no symlink out, no /proc), capped while read;
  // unreadable files are simply not searched.
  const text = readTextInside(file, { roots: [projectRootOf(file)], maxBytes: MAX_BYTES });
  if (text !== undefined) into.set(file, text);
}

function walk(dir: string, ext: RegExp, into: Map<string, string>, depth = 0): void {
  if (depth > 8 || into.size >= MAX_FILES) return;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (into.size >= MAX_FILES) return;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === 'target' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
      walk(p, ext, into, depth + 1);
    } else if (ext.test(e.name)) read(p, into);
  }
}

/** The nearest ancestor directory of `file` holding `marker`, or null. */
function findUp(file: string, marker: string): string | null {
  return findUpFrom(path.dirname(path.resolve(file)), marker, fsHost) ?? null;
}

/** Sources that belong with `file`: absolute path → text. */
export function collectSources(file: string): Map<string, string> {
  const abs = path.resolve(file);
  const out = new Map<string, string>();
  const ext = path.extname(abs);
  if (ext === '.go') {
    collectGoPackages(abs, out);
  } else if (ext === '.rs') {
    // The whole crate (src/, examples/, benches/, tests/), or the whole workspace when the crate is
    // a member: spans start in any of its targets and in sibling member crates.
    const crate = findUp(abs, 'Cargo.toml');
    if (crate) walk(cargoWorkspaceRoot(crate), /\.rs$/, out);
    if (!out.has(abs)) read(abs, out);
  } else if (ext === '.java') {
    // A Maven module's classes may start the spans of a run of its main class.
    const module = findUp(abs, 'pom.xml');
    if (module) walk(path.join(module, 'src'), /\.java$/, out);
    if (!out.has(abs)) read(abs, out);
  } else read(abs, out);
  return out;
}

/**
 * A Go program's sources: the file's package (its folder, tests excluded) and, transitively, every
 * package of the same module it imports (`internal/` ones included), found from the import lines
 * and go.mod's module path. Only imported packages: a module holding several programs would make
 * their span names look ambiguous otherwise.
 */
function collectGoPackages(file: string, out: Map<string, string>): void {
  const root = findUp(file, 'go.mod');
  const modulePath = root ? /^\s*module\s+("?)([^\s"]+)\1/m.exec(readText(path.join(root, 'go.mod')) ?? '')?.[2] : undefined;
  const queue = [path.dirname(file)];
  const seen = new Set(queue);
  while (queue.length && out.size < MAX_FILES) {
    const dir = queue.shift()!;
    for (const f of safeList(dir)) {
      if (!f.endsWith('.go') || f.endsWith('_test.go')) continue;
      const p = path.join(dir, f);
      read(p, out);
      const text = out.get(p);
      if (!text || !root || !modulePath) continue;
      for (const imported of goImports(text)) {
        if (imported !== modulePath && !imported.startsWith(modulePath + '/')) continue;
        const pkgDir = path.join(root, imported.slice(modulePath.length));
        if (!seen.has(pkgDir)) {
          seen.add(pkgDir);
          queue.push(pkgDir);
        }
      }
    }
  }
}

/** The import paths of a Go file (`import "x"`, `import alias "x"`, and `import ( … )` blocks). */
export function goImports(text: string): string[] {
  const out: string[] = [];
  const block = /^import\s*\(([^)]*)\)/gm;
  for (let m; (m = block.exec(text)); ) for (const q of m[1].matchAll(/"([^"\n]+)"/g)) out.push(q[1]);
  for (const m of text.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"\n]+)"/gm)) out.push(m[1]);
  return out;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The root of the Cargo workspace `crateDir` belongs to (the nearest `[workspace]` manifest at or above it), else the crate itself. */
function cargoWorkspaceRoot(crateDir: string): string {
  let dir = crateDir;
  for (let i = 0; i < 6; i++) {
    if (/^\s*\[workspace\]/m.test(readText(path.join(dir, 'Cargo.toml')) ?? '')) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return crateDir;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Make relative span locations absolute. Console formats print paths relative to where the
 * program was built (Rust's `file!()` is relative to the cargo workspace, which may sit above
 * the crate the run started in), so each path is tried against `cwd` and its ancestors and the
 * first that exists wins; a path found nowhere is resolved against `cwd`.
 */
export function resolveLocations(spans: { location?: { file: string } }[], cwd: string): void {
  const cache = new Map<string, string>();
  for (const span of spans) {
    const loc = span.location;
    if (!loc || path.isAbsolute(loc.file) || /^[a-z]+:\/\//i.test(loc.file)) continue;
    let abs = cache.get(loc.file);
    if (abs === undefined) {
      abs = path.resolve(cwd, loc.file);
      let dir = path.resolve(cwd);
      for (let i = 0; i < 5; i++) {
        const candidate = path.join(dir, loc.file);
        if (fs.existsSync(candidate)) {
          abs = candidate;
          break;
        }
        const parent = path.dirname(dir);
        if (parent === dir) break;
        dir = parent;
      }
      cache.set(loc.file, abs);
    }
    loc.file = abs;
  }
}
