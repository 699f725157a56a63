/**
 * How Python files run: the project's interpreter (the user's setting, the Python extension's
 * choice, the active virtualenv, a `.venv`/`venv` beside the file or above it, else `python3`),
 * with the injection's sitecustomize first on PYTHONPATH.
 */
import * as path from 'path';
import { prependPath, type LaunchHost, type LaunchPlan, type PlanContext } from '../plan';

/** Folder names of a project's own virtualenv, looked for beside the file and in each folder above it. */
const VENV_NAMES = ['.venv', 'venv'];

/** Which interpreter runs, the setting that chose it, and how it was found (for the run's notice). */
export interface PythonChoice {
  command: string;
  setting: string;
  /** Where it came from, in the user's words; undefined for an explicit setting. */
  how?: string;
}

/**
 * The interpreter for `file`: `spanLens.python.path`, `spanLens.python.command`, the Python
 * extension's interpreter, `$VIRTUAL_ENV`, the nearest `.venv`/`venv` at or above the file's
 * folder, else `python3` from PATH.
 */
export function choosePython(file: string, ctx: Pick<PlanContext, 'settings' | 'env' | 'host'>): PythonChoice {
  const py = ctx.settings.python ?? {};
  if (py.path) return { command: py.path, setting: 'spanLens.python.path' };
  if (py.command) return { command: py.command, setting: 'spanLens.python.command' };
  if (py.extensionInterpreter) return { command: py.extensionInterpreter, setting: 'spanLens.python.path', how: "the Python extension's interpreter" };
  const active = ctx.env.VIRTUAL_ENV;
  if (active) {
    const inVenv = venvPython(active, ctx.host);
    if (inVenv) return { command: inVenv, setting: 'spanLens.python.path', how: 'the active virtualenv ($VIRTUAL_ENV)' };
  }
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    for (const name of VENV_NAMES) {
      const found = venvPython(path.join(dir, name), ctx.host);
      if (found) return { command: found, setting: 'spanLens.python.path', how: `the ${name} ${dir === path.dirname(file) ? 'beside' : 'above'} the file` };
    }
    if (path.dirname(dir) === dir) break;
  }
  return { command: 'python3', setting: 'spanLens.python.path', how: 'python3 from PATH (no virtualenv found beside the file or above it)' };
}

function venvPython(venv: string, host: LaunchHost): string | undefined {
  const candidates = process.platform === 'win32' ? [path.join(venv, 'Scripts', 'python.exe')] : [path.join(venv, 'bin', 'python'), path.join(venv, 'bin', 'python3')];
  return candidates.find((p) => host.exists(p));
}

/**
 * What to do when the program failed because OpenTelemetry is not installed for the interpreter
 * that ran it; undefined for any other failure.
 */
export function explainPythonFailure(python: string, stderr: string): string | undefined {
  const m = /ModuleNotFoundError: No module named '(opentelemetry(?:\.[\w.]+)?)'/.exec(stderr);
  if (!m) return undefined;
  const pip = `${quoteForShell(python)} -m pip install opentelemetry-sdk`;
  return `the OpenTelemetry SDK is not installed for ${python} (No module named '${m[1]}'): install it with \`${pip}\`, or choose the interpreter that has it (spanLens.python.path)`;
}

function quoteForShell(word: string): string {
  return /^[\w./:@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `python FILE` with the injection on PYTHONPATH. */
export function planPython(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  const pythonDir = path.join(ctx.injectDir, 'python');
  env.PYTHONPATH = prependPath(pythonDir, env.PYTHONPATH);
  // A piped Python buffers stdout: prints would lag behind spans and be lost on a crash.
  if (env.PYTHONUNBUFFERED === undefined) env.PYTHONUNBUFFERED = '1';
  const choice = choosePython(ctx.file, ctx);
  return {
    language: 'python',
    command: choice.command,
    args: [...ctx.userArgs, ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: true,
    commandSetting: choice.setting,
    injectFiles: [path.join(pythonDir, 'sitecustomize.py')],
    notice: choice.how ? `Python: ${choice.command} (${choice.how})` : undefined,
    explainFailure: (stderr) => explainPythonFailure(choice.command, stderr),
  };
}
