/**
 * Where the real OpenTelemetry SDKs of each language are for the run tests: installed by
 * `.ci/install-sdks.sh` from each language's own registry, the way its users install them.
 * A missing SDK fails the test that needs it, saying how to install it: nothing is skipped.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The cache folder `.ci/install-sdks.sh` fills (same default, same variable). */
export const SDK_DIR = process.env.SPAN_LENS_SDK_DIR || path.join(os.homedir(), '.cache', 'span-lens-sdks');

/** The folder of the repository (for the install hint). */
const REPO = path.resolve(__dirname, '../..');

/** An Error that says which part of `.ci/install-sdks.sh` installs what is missing. */
export function sdkMissing(part: string, what: string): Error {
  return new Error(`${what} is missing: run \`bash .ci/install-sdks.sh ${part}\` in ${REPO} (SPAN_LENS_SDK_DIR=${SDK_DIR})`);
}

/** The virtualenv's Python, with opentelemetry-sdk from PyPI (test/fixtures/python/requirements.txt). */
export const VENV_PYTHON = path.join(SDK_DIR, 'python-venv', 'bin', 'python');

/** VENV_PYTHON, or an Error saying how to install it: call in a `before` hook so the tests fail, not skip. */
export function pythonWithSdk(): string {
  if (!fs.existsSync(VENV_PYTHON)) throw sdkMissing('python', `the virtualenv with opentelemetry-sdk (${VENV_PYTHON})`);
  return VENV_PYTHON;
}

/** Where `.ci/install-sdks.sh java` writes the class path of test/fixtures/java/shop (opentelemetry-java from Maven Central, in ~/.m2). */
export const JAVA_CLASSPATH_FILE = path.join(SDK_DIR, 'java-classpath.txt');

/**
 * The opentelemetry-java jars (SDK, exporters) resolved into ~/.m2 from Maven Central, as a class
 * path; or an Error saying how to install them, also when `java` (a JDK) or `mvn` is missing: call
 * in a `before` hook so the tests fail, not skip.
 */
export function javaSdkClassPath(): string[] {
  // Source launch and Maven's compiler need a JDK (jdk.compiler), not just a runtime.
  const java = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
  if (java.error || java.status !== 0 || !/^jdk\.compiler@/m.test(java.stdout)) {
    throw sdkMissing('java', `a JDK 17+ on PATH (java: ${java.error?.message ?? (java.status === 0 ? 'no jdk.compiler module: a JRE' : java.stderr.trim())}; e.g. apt-get install openjdk-17-jdk-headless)`);
  }
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) throw sdkMissing('java', `Maven on PATH (mvn: ${mvn.error?.message ?? mvn.stderr.trim()}; e.g. apt-get install maven)`);
  let text: string;
  try {
    text = fs.readFileSync(JAVA_CLASSPATH_FILE, 'utf8');
  } catch {
    throw sdkMissing('java', `opentelemetry-java from Maven Central (${JAVA_CLASSPATH_FILE})`);
  }
  const jars = text.trim().split(path.delimiter).filter(Boolean);
  const gone = jars.filter((j) => !fs.existsSync(j));
  if (!jars.length || gone.length) throw sdkMissing('java', `opentelemetry-java in ~/.m2 (${gone.map((j) => path.basename(j)).join(', ') || 'an empty class path'})`);
  return jars;
}

/**
 * A Node test project (test/fixtures/node-projects/NAME, or PARENT/NAME: examples/node) whose packages `.ci/install-sdks.sh node`
 * installed from the npm registry by its lockfile; fails, saying how to install them, when its
 * node_modules is missing (the repository's own node_modules above must not stand in for it).
 */
export function nodeProject(name: string, parent = path.join('test', 'fixtures', 'node-projects')): string {
  const dir = path.join(REPO, parent, name);
  if (!fs.existsSync(path.join(dir, 'node_modules'))) throw sdkMissing('node', `the packages of test project ${name} (${path.join(dir, 'node_modules')})`);
  return dir;
}

/** Where `.ci/install-sdks.sh rust` builds the Rust test crates: the CARGO_TARGET_DIR the run tests share. */
export const RUST_TARGET_DIR = path.join(SDK_DIR, 'rust-target');

/**
 * The CARGO_TARGET_DIR holding the Rust test crates built against tracing and tracing-subscriber
 * from crates.io (their sources in Cargo's registry cache); or an Error saying how to install
 * them, also when cargo is missing: call in a `before` hook so the tests fail, not skip.
 */
export function rustTargetDir(): string {
  const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  if (cargo.error || cargo.status !== 0) throw sdkMissing('rust', `cargo on PATH (cargo: ${cargo.error?.message ?? cargo.stderr.trim()}; install Rust with rustup)`);
  const cache = path.join(process.env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'registry', 'cache');
  const crates = (() => {
    try {
      return fs.readdirSync(cache).flatMap((index) => fs.readdirSync(path.join(cache, index)));
    } catch {
      return [];
    }
  })();
  const absent = ['tracing-0.1.', 'tracing-subscriber-0.3.'].filter((prefix) => !crates.some((c) => c.startsWith(prefix)));
  if (absent.length) throw sdkMissing('rust', `${absent.map((p) => p + '*').join(', ')} from crates.io (in ${cache})`);
  if (!fs.existsSync(path.join(SDK_DIR, 'rust.stamp')) || !fs.existsSync(path.join(RUST_TARGET_DIR, 'debug'))) {
    throw sdkMissing('rust', `the build of the Rust test crates (${RUST_TARGET_DIR})`);
  }
  return RUST_TARGET_DIR;
}

/**
 * `go` on PATH, and otel-go's SDK in the module cache at every version the Go test modules
 * require (test/fixtures/go and the modules nested in it), downloaded from the Go module proxy by
 * `.ci/install-sdks.sh go`; or an Error saying how to install them: call in a `before` hook so the
 * tests fail, not skip.
 */
export function goWithSdk(): void {
  const go = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) throw sdkMissing('go', `go on PATH (go: ${go.error?.message ?? go.stderr.trim()}; install Go from https://go.dev/dl)`);
  const cache = go.stdout.trim();
  const modules: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === 'go.mod') modules.push(path.join(dir, e.name));
    }
  };
  walk(path.join(REPO, 'test', 'fixtures', 'go'));
  const absent: string[] = [];
  for (const mod of modules) {
    const m = /^\s*(?:require\s+)?go\.opentelemetry\.io\/otel\/sdk (v\S+)/m.exec(fs.readFileSync(mod, 'utf8'));
    if (m && !fs.existsSync(path.join(cache, `go.opentelemetry.io/otel/sdk@${m[1]}`, 'trace', 'provider.go'))) absent.push(`go.opentelemetry.io/otel/sdk@${m[1]} (${path.relative(REPO, mod)})`);
  }
  if (absent.length) throw sdkMissing('go', `${absent.join(', ')} in the module cache ${cache}`);
}

/** The Span Lens Java agent as `npm run build:inject` builds it (with mvn, from src/run/inject/java). */
export const JAVA_AGENT_JAR = path.join(REPO, 'dist', 'inject', 'java', 'span-lens-agent.jar');

/**
 * JAVA_AGENT_JAR, or an Error saying how to build it: call in a `before` hook so the Java run
 * tests fail, not skip, on a build made without Maven (build:inject then says it left it out).
 */
export function javaAgentJar(): string {
  if (!fs.existsSync(JAVA_AGENT_JAR)) {
    throw new Error(`the Span Lens Java agent (${JAVA_AGENT_JAR}) is missing: install Maven and a JDK 17+, then run \`npm run build:inject\` in ${REPO}`);
  }
  return JAVA_AGENT_JAR;
}
