/**
 * Which build a `.java` file belongs to and which class running it means: read from the file
 * system only (the planner stays free of processes; the build itself runs in the plan's prepare).
 */
import * as path from 'path';
import { findUp, type LaunchHost } from '../../plan';

/** A Java source file inside a build tool's project. */
export interface JavaProject {
  /** The build tool. Only Maven is built today; Gradle would add `'gradle'` and its own prepare. */
  tool: 'maven';
  /** The module's folder (the one holding its pom.xml). */
  root: string;
  /** `test` for files under the test sources: they are compiled and run with the test classes. */
  scope: 'main' | 'test';
  /** The fully qualified name of the file's class: its package and the file's name. */
  mainClass: string;
}

/** Maven's standard source roots, relative to the module, by scope. */
const MAVEN_SOURCE_ROOTS: [JavaProject['scope'], string][] = [
  ['main', path.join('src', 'main', 'java')],
  ['test', path.join('src', 'test', 'java')],
];

/**
 * The Maven module `file` is a source of: the nearest pom.xml above it whose `src/main/java` or
 * `src/test/java` holds the file. A file outside those roots (a script next to a pom) is not part
 * of the build, so it is not one of its sources.
 */
export function findJavaProject(file: string, host: LaunchHost): JavaProject | undefined {
  const root = findUp(path.dirname(file), 'pom.xml', host);
  if (!root) return undefined;
  for (const [scope, sourceRoot] of MAVEN_SOURCE_ROOTS) {
    const rel = path.relative(path.join(root, sourceRoot), file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const className = path.basename(file, '.java');
    const pkg = javaPackageOf(host.readText(file) ?? '');
    return { tool: 'maven', root, scope, mainClass: pkg ? `${pkg}.${className}` : className };
  }
  return undefined;
}

/** The package a Java source declares (`package a.b;`), or '' for the default package. */
export function javaPackageOf(source: string): string {
  // Comments may precede (or contain) a package line: drop them first. String literals cannot
  // come before the package declaration, so they need no care here.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
  const m = /^\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*package\s+([\p{L}_$][\p{L}\p{N}_$]*(?:\s*\.\s*[\p{L}_$][\p{L}\p{N}_$]*)*)\s*;/u.exec(code);
  return m ? m[1].replace(/\s+/g, '') : '';
}
