/**
 * The vocabulary of a run plan, shared by launch.ts (which picks the language) and the planner of
 * each language in languages/: settings, the plan itself, the context a planner gets.
 */
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
  typescript?: LanguageRunSettings;
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
  /**
   * Work before the program starts (compile a Maven module and read its class path, ...): it may
   * complete `args`, `env` and `cwd`. What it prints is shown as the run's output; a LaunchError
   * it throws is the run's error, in the user's words.
   */
  prepare?(io: PrepareIO): Promise<void>;
  /**
   * A line the runtime prints on stderr only because of Span Lens's injection (the JVM's
   * `Picked up JAVA_TOOL_OPTIONS: …`), and what it printed without it (nothing, or the user's
   * own options): the program's output stays what it would have been.
   */
  stderrLine?: { injected: string; original?: string };
  /** Said once before the run starts: a choice the user should know of ("Python: .venv/bin/python, the .venv above the file"). */
  notice?: string;
  /**
   * Why a program that failed failed, when its error output shows a cause the user can fix
   * (the OpenTelemetry SDK not installed for the interpreter that ran), with what to do.
   */
  explainFailure?(stderr: string): string | undefined;
}

/** What a plan's `prepare` step gets. */
export interface PrepareIO {
  /** Aborted when the user stops the run: stop the preparation too. */
  signal?: AbortSignal;
  /** Show tool output (a build's errors) as the run's output. */
  output(stream: 'stdout' | 'stderr', text: string): void;
}

/** A file Span Lens cannot run as configured; `message` is for the user. */
export class LaunchError extends Error {}

/** File system reads the planner needs; tests pass their own. */
export interface LaunchHost {
  exists(file: string): boolean;
  readText(file: string): string | undefined;
}

/** What launch.ts hands the planner of a file's language. */
export interface PlanContext {
  /** The file to run, absolute. */
  file: string;
  settings: RunSettings;
  /** The run's environment so far (settings and the language's env applied, SPAN_LENS_NONCE set); the planner adds to it. */
  env: Record<string, string>;
  nonce: string;
  /** Arguments for the program, after the file. */
  programArgs: string[];
  /** The working folder from the settings, else the file's folder. */
  cwd: string;
  /** Folder of the built injection. */
  injectDir: string;
  /** `spanLens.<language>.args`. */
  userArgs: string[];
  /** `spanLens.<language>.command`, when set. */
  command?: string;
  host: LaunchHost;
}

/** The file system as it is. */
export const fsHost: LaunchHost = {
  exists: (f) => fs.existsSync(f),
  readText: (f) => {
    try {
      return fs.readFileSync(f, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** The nearest folder at or above `from` holding `name`. */
export function findUp(from: string, name: string, host: LaunchHost): string | undefined {
  let dir = from;
  for (;;) {
    if (host.exists(path.join(dir, name))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `dir` first on a path-list variable. */
export function prependPath(dir: string, existing: string | undefined): string {
  return existing ? `${dir}${path.delimiter}${existing}` : dir;
}
