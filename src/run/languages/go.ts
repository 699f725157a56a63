/**
 * How Go files run: `go run .` in the file's folder, so a `package main` spread over several files
 * builds as `go build` would build it, in module mode against the module's own go.mod. A file
 * outside any module runs alone (`go run FILE`). Spans come from the program's stdouttrace output.
 */
import * as path from 'path';
import { findUp, type LaunchPlan, type PlanContext } from '../plan';

/** `go run .` in the file's package folder (`go run FILE` outside a module). */
export function planGo(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  // autoexport (go.opentelemetry.io/contrib/exporters/autoexport) reads this; stdouttrace ignores it.
  if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
  const packageDir = path.dirname(ctx.file);
  const inModule = findUp(packageDir, 'go.mod', ctx.host) !== undefined;
  return {
    language: 'go',
    command: ctx.command || 'go',
    args: ['run', ...ctx.userArgs, inModule ? '.' : ctx.file, ...ctx.programArgs],
    env,
    // `go run .` builds the package of the working folder: the file's own.
    cwd: inModule ? packageDir : ctx.cwd,
    nonce: ctx.nonce,
    framed: false,
    commandSetting: 'spanLens.go.command',
    injectFiles: [],
  };
}
