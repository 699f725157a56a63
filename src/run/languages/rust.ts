/** How Rust files run: `cargo run` of the target that holds the file, from the crate root. */
import * as path from 'path';
import { LaunchError, findUp, type LaunchHost, type LaunchPlan, type PlanContext } from '../plan';

/** `cargo run [--bin|--example NAME]` in the crate root. */
export function planRust(ctx: PlanContext): LaunchPlan {
  const crateRoot = findUp(path.dirname(ctx.file), 'Cargo.toml', ctx.host);
  if (!crateRoot) throw new LaunchError(`${path.basename(ctx.file)} is not inside a Cargo crate (no Cargo.toml above it): Span Lens runs Rust with cargo run`);
  const target = cargoTarget(ctx.file, crateRoot, ctx.host);
  return {
    language: 'rust',
    command: ctx.command || 'cargo',
    args: ['run', ...ctx.userArgs, ...target, ...(ctx.programArgs.length ? ['--', ...ctx.programArgs] : [])],
    env: ctx.env,
    cwd: crateRoot,
    nonce: ctx.nonce,
    framed: false,
    commandSetting: 'spanLens.rust.command',
    injectFiles: [],
  };
}

/**
 * Which cargo target holds `file`: `--bin NAME` for src/bin/NAME.rs, src/bin/NAME/main.rs or a
 * `[[bin]]` whose path is the file, `--example NAME` for examples/, nothing for src/main.rs (the
 * package's default binary) or a library file.
 */
export function cargoTarget(file: string, crateRoot: string, host: LaunchHost): string[] {
  const rel = path.relative(crateRoot, file).split(path.sep).join('/');
  const manifest = host.readText(path.join(crateRoot, 'Cargo.toml')) ?? '';
  for (const bin of readCargoTargets(manifest, 'bin')) {
    if (bin.path && normaliseRel(bin.path) === rel && bin.name) return ['--bin', bin.name];
  }
  for (const ex of readCargoTargets(manifest, 'example')) {
    if (ex.path && normaliseRel(ex.path) === rel && ex.name) return ['--example', ex.name];
  }
  let m = /^src\/bin\/([^/]+)\.rs$/.exec(rel) ?? /^src\/bin\/([^/]+)\/main\.rs$/.exec(rel);
  if (m) return ['--bin', m[1]];
  m = /^examples\/([^/]+)\.rs$/.exec(rel) ?? /^examples\/([^/]+)\/main\.rs$/.exec(rel);
  if (m) return ['--example', m[1]];
  if (rel === 'src/main.rs') {
    // With several binaries (`[[bin]]` tables or files in src/bin) `cargo run` asks which; the package's own binary is src/main.rs.
    const hasOtherBins =
      readCargoTargets(manifest, 'bin').length > 0 || /\bdefault-run\s*=/.test(manifest) || host.exists(path.join(crateRoot, 'src', 'bin'));
    const name = readPackageName(manifest);
    if (hasOtherBins && name) return ['--bin', name];
  }
  return [];
}

function normaliseRel(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** `[[bin]]` / `[[example]]` tables of a Cargo.toml: just `name` and `path`, which is all we need. */
function readCargoTargets(toml: string, kind: 'bin' | 'example'): { name?: string; path?: string }[] {
  const out: { name?: string; path?: string }[] = [];
  let current: { name?: string; path?: string } | null = null;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      current = line === `[[${kind}]]` ? {} : null;
      if (current) out.push(current);
      continue;
    }
    if (!current) continue;
    const kv = /^(name|path)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (kv) current[kv[1] as 'name' | 'path'] = kv[2];
  }
  return out;
}

function readPackageName(toml: string): string | undefined {
  let inPackage = false;
  for (const raw of toml.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inPackage = line === '[package]';
      continue;
    }
    if (!inPackage) continue;
    const m = /^name\s*=\s*"([^"]+)"/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

