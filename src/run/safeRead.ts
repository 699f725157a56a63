/**
 * Reading files that a trace names (a span's location) or that a folder walk found: only regular
 * files inside the allowed folders, at most a size cap, counted while reading. A saved output can
 * name any path (`/proc/self/pagemap` made 7–8 GB of memory in seconds, `../../etc/shadow`, a
 * symlink pointing out of the project), and a size from stat means nothing for /proc files or
 * a file that grows, so neither the path nor stat is trusted.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The cap for a source file read for locations and checks. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Kernel and device file systems: never source code, and reading them can cost without end. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

export interface SafeReadOptions {
  /** Folders the file must lie in once every symlink is resolved. */
  roots: readonly string[];
  /** Largest size read; a larger file is refused. Default MAX_SOURCE_BYTES. */
  maxBytes?: number;
}

function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

function within(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of `file` (symlinks resolved) when it lies inside one of `roots` (themselves
 * resolved) and not on a kernel file system; null otherwise. `..` and symlinks out are refused.
 */
export function resolveInside(file: string, roots: readonly string[]): string | null {
  const real = realOrNull(path.resolve(file));
  if (!real) return null;
  if (PSEUDO_ROOTS.some((p) => within(real, p))) return null;
  for (const root of roots) {
    const realRoot = realOrNull(path.resolve(root));
    if (realRoot && within(real, realRoot)) return real;
  }
  return null;
}

/**
 * The bytes of a regular file inside `roots`, or undefined when it is outside them, not a regular
 * file (a FIFO, a device, a directory), unreadable or larger than the cap. The file is opened
 * without following a last symlink (the path is already resolved) and without blocking, checked
 * with fstat on the open descriptor (no swap between check and read), and read for at most
 * cap + 1 bytes.
 */
export function readFileInside(file: string, options: SafeReadOptions): Buffer | undefined {
  const real = resolveInside(file, options.roots);
  if (!real) return undefined;
  const max = options.maxBytes ?? MAX_SOURCE_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, max + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) return undefined;
    }
    return Buffer.concat(chunks, total);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** readFileInside as UTF-8 text. */
export function readTextInside(file: string, options: SafeReadOptions): string | undefined {
  return readFileInside(file, options)?.toString('utf8');
}

/** Files that mark the root of a project: a source file is read only if it lies inside its project. */
const PROJECT_MARKERS = ['go.mod', 'Cargo.toml', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'package.json', 'pyproject.toml', '.git'];

const projectRoots = new Map<string, string>();

/** The nearest folder at or above `file`'s folder holding a project marker, else the file's folder. */
export function projectRootOf(file: string): string {
  const start = path.dirname(path.resolve(file));
  let known = projectRoots.get(start);
  if (known !== undefined) return known;
  known = start;
  for (let dir = start; ; ) {
    if (PROJECT_MARKERS.some((m) => fs.existsSync(path.join(dir, m)))) {
      known = dir;
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (projectRoots.size > 1000) projectRoots.clear();
  projectRoots.set(start, known);
  return known;
}
