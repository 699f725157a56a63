/**
 * How a Java run loads Span Lens's agent (src/run/inject/java, built into
 * dist/inject/java/span-lens-agent.jar): `-javaagent` appended to JAVA_TOOL_OPTIONS, which every
 * JVM of the run reads (the program's and any JVM it starts), the user's own options kept first;
 * and the source folders the agent looks in for the files its stack frames name.
 */
import * as path from 'path';

/** The agent jar inside the built injection folder. */
export function javaAgentJar(injectDir: string): string {
  return path.join(injectDir, 'java', 'span-lens-agent.jar');
}

/**
 * `existing` with `-javaagent:<jar>` appended (once). The JVM splits JAVA_TOOL_OPTIONS on
 * whitespace and honours quotes, so a path with spaces is quoted.
 */
export function javaToolOptionsWithAgent(existing: string | undefined, jar: string): string {
  const option = /\s/.test(jar) ? `"-javaagent:${jar}"` : `-javaagent:${jar}`;
  if (existing?.includes(jar)) return existing;
  return existing?.trim() ? `${existing} ${option}` : option;
}

/** SPAN_LENS_JAVA_SOURCES: the file itself, then the source roots of its module (main and test), as a path list. */
export function javaSourceRoots(file: string, moduleRoot?: string): string {
  const roots = [file];
  if (moduleRoot) roots.push(path.join(moduleRoot, 'src', 'main', 'java'), path.join(moduleRoot, 'src', 'test', 'java'));
  return roots.join(path.delimiter);
}
