/** How Go files run: `go run` from the module root; spans come from the program's stdouttrace output. */
import * as path from 'path';
import { findUp, type LaunchPlan, type PlanContext } from '../plan';

/** `go run FILE` in the module's root folder. */
export function planGo(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  // autoexport (go.opentelemetry.io/contrib/exporters/autoexport) reads this; stdouttrace ignores it.
  if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
  const moduleRoot = findUp(path.dirname(ctx.file), 'go.mod', ctx.host);
  return {
    language: 'go',
    command: ctx.command || 'go',
    args: ['run', ...ctx.userArgs, ctx.file, ...ctx.programArgs],
    env,
    cwd: moduleRoot ?? ctx.cwd,
    nonce: ctx.nonce,
    framed: false,
    commandSetting: 'spanLens.go.command',
    injectFiles: [],
  };
}
