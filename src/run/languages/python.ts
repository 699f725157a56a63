/** How Python files run: the interpreter the user chose, the injection's sitecustomize first on PYTHONPATH. */
import * as path from 'path';
import { prependPath, type LaunchPlan, type PlanContext } from '../plan';

/** `python FILE` with the injection on PYTHONPATH. */
export function planPython(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  const py = ctx.settings.python ?? {};
  const pythonDir = path.join(ctx.injectDir, 'python');
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
    language: 'python',
    command,
    args: [...ctx.userArgs, ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: true,
    commandSetting,
    injectFiles: [path.join(pythonDir, 'sitecustomize.py')],
  };
}
