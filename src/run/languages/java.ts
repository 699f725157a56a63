/** How Java files run: single-file source launch with the configured class path. */
import type { LaunchPlan, PlanContext } from '../plan';

/** `java [-cp CLASSPATH] FILE`. */
export function planJava(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  // The autoconfigure SDK and the Java agent both read this.
  if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
  const classPath = ctx.settings.java?.classPath;
  return {
    language: 'java',
    command: ctx.command || 'java',
    args: [...ctx.userArgs, ...(classPath ? ['-cp', classPath] : []), ctx.file, ...ctx.programArgs],
    env,
    cwd: ctx.cwd,
    nonce: ctx.nonce,
    framed: false,
    commandSetting: 'spanLens.java.command',
    injectFiles: [],
  };
}
