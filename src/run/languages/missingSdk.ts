/**
 * A program that failed because its OpenTelemetry packages are not installed where it runs says
 * so in its runtime's words; these turn those words into what to do, per language (Python's is
 * in python.ts, which knows the interpreter). Undefined for any other failure.
 */
import * as path from 'path';

/** Node and TypeScript: `Cannot find module '@opentelemetry/…'` (CommonJS) or `Cannot find package` (ESM). */
export function explainNodeFailure(file: string, stderr: string): string | undefined {
  const m = /Cannot find (?:module|package) '(@opentelemetry\/[\w.-]+)/.exec(stderr);
  if (!m) return undefined;
  return `the OpenTelemetry package ${m[1]} is not installed for ${path.basename(file)}: install it in the project (\`npm install ${m[1]}\`, with @opentelemetry/sdk-trace-node for the SDK)`;
}

/** Go: the module does not require the OpenTelemetry module a file imports. */
export function explainGoFailure(stderr: string): string | undefined {
  const m = /no required module provides package (go\.opentelemetry\.io\/[\w./-]+)/.exec(stderr) ?? /cannot find module providing package (go\.opentelemetry\.io\/[\w./-]+)/.exec(stderr);
  if (!m) return undefined;
  return `the module does not require ${m[1]}: add it in the module's folder (\`go get ${m[1]}\`)`;
}

/** Java: the SDK is not on the class path (a compile error of a source launch, or a class not found at run time). */
export function explainJavaFailure(stderr: string): string | undefined {
  const m = /package (io\.opentelemetry[\w.]*) does not exist/.exec(stderr) ?? /(?:ClassNotFoundException|NoClassDefFoundError):? (io[./]opentelemetry[\w./$]*)/.exec(stderr);
  if (!m) return undefined;
  return `the OpenTelemetry Java SDK is not on the class path (${m[1].replace(/\//g, '.')}): add io.opentelemetry:opentelemetry-sdk to the project's pom.xml, or set spanLens.java.classPath`;
}
