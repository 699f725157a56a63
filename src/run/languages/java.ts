/**
 * How Java files run. A source of a Maven module runs as the module's class, the way the project
 * builds it: its prepare step compiles the module (`mvn compile`) and reads its class path, then
 * `java -cp target/classes:<dependencies> <package.Class>` runs it, so a main using other classes
 * of the module, or several classes in one file, works. `spanLens.java.classPath` overrides that
 * with single-file source launch (`java -cp CLASSPATH FILE`), which is also how a file outside any
 * build runs. Gradle projects are not built yet: their files run as single files.
 *
 * Either way the JVM loads Span Lens's agent (java/agent.ts), which reports every span of every
 * SdkTracerProvider the program builds as framed records, with real times, parents and call sites;
 * the program's own console exporter output (LoggingSpanExporter) only repeats them.
 */
import * as path from 'path';
import type { LaunchPlan, PlanContext } from '../plan';
import { javaAgentJar, javaSourceRoots, javaToolOptionsWithAgent } from './java/agent';
import { buildMavenClassPath } from './java/maven';
import { findJavaProject } from './java/project';
import { explainJavaFailure } from './missingSdk';

/** `java -cp <module class path> <package.Class>` for a Maven source, else `java [-cp CLASSPATH] FILE`. */
export function planJava(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  // The autoconfigure SDK and the Java agent both read this.
  if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
  const classPath = ctx.settings.java?.classPath;
  const project = classPath ? undefined : findJavaProject(ctx.file, ctx.host);
  const agent = javaAgentJar(ctx.injectDir);
  const usersOptions = env.JAVA_TOOL_OPTIONS;
  env.JAVA_TOOL_OPTIONS = javaToolOptionsWithAgent(usersOptions, agent);
  // Every JVM announces JAVA_TOOL_OPTIONS on stderr: show what it would have said without us.
  const stderrLine = { injected: `Picked up JAVA_TOOL_OPTIONS: ${env.JAVA_TOOL_OPTIONS}`, original: usersOptions ? `Picked up JAVA_TOOL_OPTIONS: ${usersOptions}` : undefined };
  env.SPAN_LENS_JAVA_SOURCES = javaSourceRoots(ctx.file, project?.root);
  const base = {
    language: 'java' as const,
    command: ctx.command || 'java',
    env,
    nonce: ctx.nonce,
    framed: true,
    commandSetting: 'spanLens.java.command',
    injectFiles: [agent],
    stderrLine,
    explainFailure: explainJavaFailure,
  };
  if (!project) {
    return { ...base, args: [...ctx.userArgs, ...(classPath ? ['-cp', classPath] : []), ctx.file, ...ctx.programArgs], cwd: ctx.cwd };
  }
  const plan: LaunchPlan = {
    ...base,
    // The class path is known once the module is built: prepare puts it before the class.
    args: [...ctx.userArgs, project.mainClass, ...ctx.programArgs],
    // Like `mvn exec:java` and the IDEs, in the module's folder unless spanLens.run.cwd says otherwise.
    cwd: ctx.settings.cwd ?? project.root,
    async prepare(io) {
      const built = await buildMavenClassPath(project, env, io);
      if (!built) return;
      plan.args = [...ctx.userArgs, '-cp', built.entries.join(path.delimiter), project.mainClass, ...ctx.programArgs];
    },
  };
  return plan;
}
