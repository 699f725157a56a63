/**
 * How to run a file with Span Lens: the command, arguments, environment and working directory
 * for each language, with the injection that makes the program's spans visible.
 *
 * Pure apart from reading the file system (finding go.mod / Cargo.toml, the built injection
 * files): it spawns nothing. process.ts runs the plan, runFile.ts ties the two together.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** Languages Span Lens can run. */
export type RunLanguage = 'node' | 'typescript' | 'python' | 'go' | 'java' | 'rust';

/** Overrides for one language; every field optional. */
export interface LanguageRunSettings {
  /** The program that runs the file (`node`, `go`, `java`, `cargo`): a name on PATH or a path. */
  command?: string;
  /** Arguments for that program, placed before the file (interpreter or build flags). */
  args?: string[];
  /** Extra environment for this language's runs (over `RunSettings.env`). */
  env?: Record<string, string>;
}

/**
 * Everything a run needs from the user's configuration. The editor maps VS Code settings onto
 * this (`spanLens.run.cwd` → `cwd`, `spanLens.<language>.command` → `<language>.command`, ...);
 * the CLI fills it from its flags. Every field is optional.
 */
export interface RunSettings {
  /** Working directory (the workspace folder). Default: the file's folder. Go and Rust runs use their module/crate root. */
  cwd?: string;
  /** Extra environment for every run (over `baseEnv`). A value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** The environment to start from. Default: this process's environment. */
  baseEnv?: Record<string, string | undefined>;
  /** Arguments passed to the program after the file. */
  args?: string[];
  /** Folder holding the built injection (`node-preload.js`, `node-ts-main.js`, `python/`). Default: found next to this module. */
  injectDir?: string;
  node?: LanguageRunSettings;
  typescript?: LanguageRunSettings & {
    /** Folder of the `esbuild` package used to transpile TypeScript. Default: the one Span Lens was installed with. */
    esbuildPath?: string;
  };
  python?: LanguageRunSettings & {
    /** `spanLens.python.path`: the interpreter; wins over `command` and the Python extension's choice. */
    path?: string;
    /** The interpreter the Python extension selected, passed in by the editor (used when neither `path` nor `command` is set). */
    extensionInterpreter?: string;
  };
  go?: LanguageRunSettings;
  java?: LanguageRunSettings & {
    /** `spanLens.java.classPath`: class path for single-file source launch (the OpenTelemetry jars). */
    classPath?: string;
  };
  rust?: LanguageRunSettings;
}

/** A ready-to-spawn run. */
export interface LaunchPlan {
  language: RunLanguage;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** The per-run secret the injected exporters put in every frame (env SPAN_LENS_NONCE). */
  nonce: string;
  /**
   * True when Span Lens's own injection reports the spans as framed records (Node, Python): the
   * program's own console exporter output then repeats spans the frames already carry.
   */
  framed: boolean;
  /** The setting that chooses `command`, named in a "not found" message. */
  commandSetting: string;
  /** Span Lens's own injection files this run loads (checked before spawning). */
  injectFiles: string[];
}

/** A file Span Lens cannot run as configured; `message` is for the user. */
export class LaunchError extends Error {}

/** File system reads the planner needs; tests pass their own. */
export interface LaunchHost {
  exists(file: string): boolean;
  readText(file: string): string | undefined;
}

const realHost: LaunchHost = {
  exists: (f) => fs.existsSync(f),
  readText: (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** The preload every Node process of the run loads (NODE_OPTIONS --require). */
export const NODE_PRELOAD = 'node-preload.js';
/** The entry that starts a TypeScript file as the main module (so `"type": "module"` packages work too). */
export const NODE_TS_MAIN = 'node-ts-main.js';

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
export function defaultInjectDir(host: LaunchHost = realHost): string {
  const candidates = [path.join(__dirname, 'inject'), path.resolve(__dirname, '..', '..', 'dist', 'inject')];
  for (const dir of candidates) if (host.exists(path.join(dir, NODE_PRELOAD))) return dir;
  return candidates[candidates.length - 1];
}

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

/**
 * Plan the run of `file`. Throws LaunchError (with a message for the user) for a file Span Lens
 * cannot run.
 */
export function planLaunch(file: string, settings: RunSettings = {}, opts: { nonce?: string; host?: LaunchHost } = {}): LaunchPlan {
  const host = opts.host ?? realHost;
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
  const programArgs = settings.args ?? [];
  const defaultCwd = settings.cwd ?? path.dirname(abs);
  const injectDir = settings.injectDir ?? defaultInjectDir(host);
  const userArgs = lang.args ?? [];

  switch (language) {
    case 'node': {
      const preload = path.join(injectDir, NODE_PRELOAD);
      env.NODE_OPTIONS = nodeOptionsWithPreload(env.NODE_OPTIONS, preload);
      return {
        language,
        command: lang.command || 'node',
        args: [...userArgs, abs, ...programArgs],
        env,
        cwd: defaultCwd,
        nonce,
        framed: true,
        commandSetting: 'spanLens.node.command',
        injectFiles: [preload],
      };
    }
    case 'typescript': {
      const esbuild = settings.typescript?.esbuildPath ?? defaultEsbuildPath();
      if (!esbuild) {
        throw new LaunchError('TypeScript needs esbuild to run: install it (npm install esbuild) and set spanLens.typescript.esbuildPath to its folder');
      }
      const preload = path.join(injectDir, NODE_PRELOAD);
      const tsMain = path.join(injectDir, NODE_TS_MAIN);
      env.NODE_OPTIONS = nodeOptionsWithPreload(env.NODE_OPTIONS, preload);
      env.SPAN_LENS_ESBUILD = esbuild;
      return {
        language,
        command: lang.command || 'node',
        args: [...userArgs, tsMain, abs, ...programArgs],
        env,
        cwd: defaultCwd,
        nonce,
        framed: true,
        commandSetting: 'spanLens.typescript.command',
        injectFiles: [preload, tsMain],
      };
    }
    case 'python': {
      const py = settings.python ?? {};
      const pythonDir = path.join(injectDir, 'python');
      env.PYTHONPATH = prependPath(pythonDir, env.PYTHONPATH);
      // A piped Python buffers stdout: prints would lag behind spans and be lost on a crash.
      if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
      // The user's own settings first, then the Python extension's choice.
      const [command, commandSetting] = py.path
        ? [py.path, 'spanLens.python.path']
        : py.command
          ? [py.command, 'spanLens.python.command']
          : [py.extensionInterpreter || 'python3', 'spanLens.python.path'];
      return {
        language,
        command,
        args: [...userArgs, abs, ...programArgs],
        env,
        cwd: defaultCwd,
        nonce,
        framed: true,
        commandSetting,
        injectFiles: [path.join(pythonDir, 'sitecustomize.py')],
      };
    }
    case 'go': {
      // autoexport (go.opentelemetry.io/contrib/exporters/autoexport) reads this; stdouttrace ignores it.
      if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
      const moduleRoot = findUp(path.dirname(abs), 'go.mod', host);
      return {
        language,
        command: lang.command || 'go',
        args: ['run', ...userArgs, abs, ...programArgs],
        env,
        cwd: moduleRoot ?? defaultCwd,
        nonce,
        framed: false,
        commandSetting: 'spanLens.go.command',
        injectFiles: [],
      };
    }
    case 'java': {
      // The autoconfigure SDK and the Java agent both read this.
      if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
      const classPath = settings.java?.classPath;
      return {
        language,
        command: lang.command || 'java',
        args: [...userArgs, ...(classPath ? ['-cp', classPath] : []), abs, ...programArgs],
        env,
        cwd: defaultCwd,
        nonce,
        framed: false,
        commandSetting: 'spanLens.java.command',
        injectFiles: [],
      };
    }
    case 'rust': {
      const crateRoot = findUp(path.dirname(abs), 'Cargo.toml', host);
      if (!crateRoot) throw new LaunchError(`${path.basename(abs)} is not inside a Cargo crate (no Cargo.toml above it): Span Lens runs Rust with cargo run`);
      const target = cargoTarget(abs, crateRoot, host);
      return {
        language,
        command: lang.command || 'cargo',
        args: ['run', ...userArgs, ...target, ...(programArgs.length ? ['--', ...programArgs] : [])],
        env,
        cwd: crateRoot,
        nonce,
        framed: false,
        commandSetting: 'spanLens.rust.command',
        injectFiles: [],
      };
    }
  }
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

function prependPath(dir: string, existing: string | undefined): string {
  return existing ? `${dir}${path.delimiter}${existing}` : dir;
}

function findUp(from: string, name: string, host: LaunchHost): string | undefined {
  let dir = from;
  for (;;) {
    if (host.exists(path.join(dir, name))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Which cargo target holds `file`: `--bin NAME` for src/bin/NAME.rs, src/bin/NAME/main.rs or a
 * `[[bin]]` whose path is the file, `--example NAME` for examples/, nothing for src/main.rs (the
 * package's default binary) or a library file.
 */
export function cargoTarget(file: string, crateRoot: string, host: LaunchHost = realHost): string[] {
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
