/**
 * Build a Maven module the way Maven does and read its class path, for a run of one of its
 * classes: `mvn compile` (incremental: cheap when nothing changed) and, once per pom.xml content,
 * `dependency:build-classpath`, both offline first and online only when the local repository
 * lacks something. The only place a Java run spawns anything before the program itself.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { LaunchError, type PrepareIO } from '../../plan';
import { runProcess } from '../../process';
import type { JavaProject } from './project';

/** What a build produced: the class path to run the module's classes with. */
export interface MavenClassPath {
  /** The module's own classes first (test classes before them for test files), then its dependencies. */
  entries: string[];
}

/** The class path cache of a module, named by its pom.xml's content (a changed pom is a new file). */
export function classPathCacheFile(root: string, pomText: string): string {
  const hash = createHash('sha256').update(pomText).digest('hex').slice(0, 16);
  return path.join(root, 'target', 'span-lens', `classpath-${hash}.txt`);
}

/**
 * Compile `project` and return its class path. Tool output is shown through `io`; a failed build
 * throws a LaunchError carrying the compiler's lines. Returns undefined when `io.signal` stopped it.
 */
export async function buildMavenClassPath(project: JavaProject, env: Record<string, string>, io: PrepareIO): Promise<MavenClassPath | undefined> {
  const pom = path.join(project.root, 'pom.xml');
  let pomText: string;
  try {
    pomText = fs.readFileSync(pom, 'utf8');
  } catch (e) {
    throw new LaunchError(`cannot read ${pom}: ${(e as Error).message}`);
  }
  const cacheFile = classPathCacheFile(project.root, pomText);
  const cached = readClassPath(cacheFile);
  const goals = [project.scope === 'test' ? 'test-compile' : 'compile'];
  // The dependency set changes only with the pom (and what it inherits, which a pom edit usually
  // accompanies); the module's own classes are recompiled by mvn whenever its sources change.
  if (!cached) goals.push('dependency:build-classpath', `-Dmdep.outputFile=${cacheFile}`);

  const mvn = mavenCommand(project.root);
  const mvnEnv = buildEnv(env);
  let run = await runMaven(mvn, ['-o', ...goals], project.root, mvnEnv, io.signal);
  if (run.stopped) return undefined;
  if (run.exitCode !== 0 && /in offline mode|has not been downloaded from it before/i.test(run.output)) {
    // First build of this project here: let Maven fetch what the local repository lacks.
    io.output('stderr', `mvn: ${path.basename(project.root)} needs artifacts not in the local repository yet; resolving them online\n`);
    run = await runMaven(mvn, goals, project.root, mvnEnv, io.signal);
    if (run.stopped) return undefined;
  }
  if (run.output.trim()) io.output('stderr', run.output.endsWith('\n') ? run.output : `${run.output}\n`);
  if (run.spawnError) {
    throw new LaunchError(
      run.spawnError.code === 'ENOENT'
        ? `${mvn} not found: ${project.root} is a Maven project; install Maven (e.g. apt-get install maven) or set spanLens.java.classPath to run the file on its own`
        : `${mvn} could not be started (${run.spawnError.code ?? run.spawnError.message})`,
    );
  }
  if (run.exitCode !== 0) {
    throw new LaunchError(`mvn ${goals[0]} failed in ${project.root} (exit ${run.exitCode ?? run.signal}):\n${mavenErrorSummary(run.output)}`);
  }

  const deps = cached ?? readClassPath(cacheFile);
  if (!deps) throw new LaunchError(`mvn dependency:build-classpath wrote no class path to ${cacheFile}`);
  const classes = path.join(project.root, 'target', 'classes');
  const testClasses = path.join(project.root, 'target', 'test-classes');
  return { entries: [...(project.scope === 'test' ? [testClasses] : []), classes, ...deps] };
}

/** The Maven wrapper when the project has one (it pins the project's Maven), else `mvn`. */
function mavenCommand(root: string): string {
  if (process.platform !== 'win32') {
    const wrapper = path.join(root, 'mvnw');
    try {
      fs.accessSync(wrapper, fs.constants.X_OK);
      return wrapper;
    } catch {
      // no wrapper: the installed Maven
    }
  }
  return 'mvn';
}

/**
 * Maven's environment: the run's, minus what is meant for the program's JVM only (a Java agent
 * in JAVA_TOOL_OPTIONS would instrument Maven itself and print its spans).
 */
function buildEnv(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  delete out.JAVA_TOOL_OPTIONS;
  delete out.JDK_JAVA_OPTIONS;
  return out;
}

interface MavenRun {
  exitCode: number | null;
  signal: string | null;
  stopped: boolean;
  spawnError?: NodeJS.ErrnoException;
  /** stdout and stderr together, colour codes removed (Maven 3.8 emits some even in batch mode). */
  output: string;
}

async function runMaven(mvn: string, goals: string[], cwd: string, env: Record<string, string>, signal?: AbortSignal): Promise<MavenRun> {
  const chunks: Buffer[] = [];
  const outcome = await runProcess(
    { command: mvn, args: ['-B', '-q', ...goals], env, cwd },
    { signal, onStdout: (c) => chunks.push(c), onStderr: (c) => chunks.push(c) },
  );
  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    stopped: outcome.stopped === 'aborted',
    spawnError: outcome.spawnError,
    output: Buffer.concat(chunks).toString('utf8').replace(/\x1b\[[0-9;]*m/g, ''),
  };
}

/** The cached class path, when it exists and every jar in it is still there. */
function readClassPath(file: string): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const entries = text.trim().split(path.delimiter).filter(Boolean);
  // A cleaned local repository makes the cache stale: rebuild it rather than fail at run time.
  return entries.every((e) => fs.existsSync(e)) ? entries : undefined;
}

const MAX_SUMMARY_LINES = 30;

/**
 * The part of a failed build's output that says what is wrong: the compiler's messages (javac's
 * `File.java:[line,col] message` and the lines under it), else Maven's own [ERROR] lines, without
 * the boilerplate about -e, -X and help links.
 */
export function mavenErrorSummary(output: string): string {
  const lines = output.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\[ERROR\] COMPILATION ERROR/.test(l));
  let picked: string[];
  if (start >= 0) {
    const end = lines.findIndex((l, i) => i > start && /^\[ERROR\] Failed to execute goal/.test(l));
    picked = lines.slice(start + 1, end > start ? end : undefined).filter((l) => !/^\[INFO\]/.test(l) && l.trim() && !/^\[ERROR\]\s*$/.test(l));
  } else {
    const boiler = /To see the full stack trace|Re-run Maven using|For more information about the errors|^\[ERROR\] \[Help \d+\]|^\[ERROR\]\s*$/;
    const stop = lines.findIndex((l) => /To see the full stack trace/.test(l));
    picked = lines.slice(0, stop >= 0 ? stop : undefined).filter((l) => l.trim() && !boiler.test(l));
  }
  if (!picked.length) picked = lines.filter((l) => l.trim()).slice(-MAX_SUMMARY_LINES);
  const more = picked.length - MAX_SUMMARY_LINES;
  return picked.slice(0, MAX_SUMMARY_LINES).join('\n') + (more > 0 ? `\n… ${more} more line(s) in the run output` : '');
}
