/**
 * The `go run` flags that inject Span Lens into a Go program. The module's own version of
 * go.opentelemetry.io/otel/sdk (the one its go.mod requires, found by `go list`) is copied with
 * provider.go's NewTracerProvider renamed and Span Lens's span processor as a new file
 * (src/run/inject/go/span_lens.go), whose NewTracerProvider adds the processor to every
 * provider; `-modfile` points the build at that copy through a replace directive in a copy of
 * the module's go.mod. (An `-overlay` cannot do it: Go refuses overlays of files in GOMODCACHE.)
 * The program's main is wrapped through `-overlay` so spans still open when main returns are
 * reported. Nothing of the user's changes on disk: the copies live in a cache folder named by
 * their content, so a second run reuses them and the build cache.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The SDK package Span Lens wraps. */
export const SDK_TRACE_PACKAGE = 'go.opentelemetry.io/otel/sdk/trace';

/** The line of provider.go Span Lens renames; its shape since otel-go v1.0. */
const CONSTRUCTOR = 'func NewTracerProvider(opts ...TracerProviderOption) *TracerProvider {';
/** What span_lens.go relies on besides the public API, as each SDK version writes it. */
const REQUIRED_IN_PROVIDER = ['apply(tracerProviderConfig) tracerProviderConfig', 'processors []SpanProcessor', 'func WithSpanProcessor(sp SpanProcessor) TracerProviderOption'];
/** The injected file, as named in the SDK's folder and in the program's. */
const PROCESSOR_FILE = 'span_lens_inject.go';
const MAIN_FILE = 'span_lens_main.go';

/** What `go list -json` says of a package (the fields used here). */
interface GoPackage {
  Dir?: string;
  ImportPath?: string;
  Name?: string;
  GoFiles?: string[];
  Module?: { Path?: string; Version?: string; Dir?: string; Replace?: { Version?: string } };
  Error?: { Err?: string };
}

/** The flags for `go run` (after `run`), or why there are none (said to the user once). */
export type GoOverlay = { flags: string[]; sdkVersion: string; mainWrapped: boolean } | { reason: string };

/** How to run `go` for the module: the planner's command, environment and package folder. */
export interface GoTool {
  command: string;
  env: Record<string, string>;
  packageDir: string;
  signal?: AbortSignal;
}

/**
 * Builds the overlay for the package in `tool.packageDir`, with the processor source read from
 * `processorSource` (dist/inject/go/span_lens.go).
 */
export async function buildGoOverlay(tool: GoTool, processorSource: string, cacheRoot = defaultCacheRoot()): Promise<GoOverlay> {
  const listed = await goList(tool, ['.', SDK_TRACE_PACKAGE]);
  if ('reason' in listed) return listed;
  const main = listed.find((p) => p.ImportPath !== SDK_TRACE_PACKAGE);
  const sdk = listed.find((p) => p.ImportPath === SDK_TRACE_PACKAGE);
  if (!sdk?.Dir || sdk.Error) return { reason: `the module does not use the OpenTelemetry SDK (${SDK_TRACE_PACKAGE} is not in its go.mod)` };
  const version = sdk.Module?.Replace?.Version || sdk.Module?.Version || 'unknown version';

  const provider = readText(path.join(sdk.Dir, 'provider.go'));
  const at = provider ? provider.indexOf(CONSTRUCTOR) : -1;
  if (!provider || at < 0 || provider.indexOf(CONSTRUCTOR, at + 1) >= 0 || REQUIRED_IN_PROVIDER.some((s) => !provider.includes(s))) {
    return { reason: `otel-go sdk ${version} writes NewTracerProvider differently from the versions Span Lens wraps` };
  }
  // Same length and same lines: positions in the SDK's own messages stay right.
  const renamedProvider = provider.slice(0, at) + CONSTRUCTOR.replace('NewTracerProvider', 'spanLensNewTracerProvider') + provider.slice(at + CONSTRUCTOR.length);

  const root = sdk.Module?.Dir;
  const modulePath = sdk.Module?.Path;
  if (!root || !modulePath || !sdk.Dir.startsWith(root + path.sep)) return { reason: `otel-go sdk ${version} is not a module folder Span Lens can copy (${sdk.Dir})` };
  if (root.split(path.sep).includes('vendor')) return { reason: `the module vendors otel-go sdk ${version} (vendor/): its copy cannot be replaced` };
  const goWork = (await runGo(tool, ['env', 'GOWORK'])).stdout.trim();
  if (goWork && goWork !== 'off') return { reason: `the module is built in a Go workspace (${goWork}), where Span Lens cannot swap the SDK` };
  const moduleRoot = await moduleRootOf(tool);
  if (!moduleRoot) return { reason: 'the module\'s go.mod was not found by `go env GOMOD`' };

  const hash = createHash('sha256').update(root).update('\0').update(renamedProvider).update('\0').update(processorSource);
  const sdkCopy = copyModuleOnce(root, path.join(cacheRoot, `sdk-${version.replace(/[^\w.-]/g, '_')}-${hash.digest('hex').slice(0, 16)}`), {
    [path.relative(root, path.join(sdk.Dir, 'provider.go'))]: renamedProvider,
    [path.relative(root, path.join(sdk.Dir, PROCESSOR_FILE))]: processorSource,
  });

  // The module's go.mod and go.sum, copied, with the SDK replaced by the copy (an earlier replace of it dropped).
  const files: { target: string; text: string }[] = [];
  const wrapped = main?.Name === 'main' && main.Dir ? wrapMain(main.Dir, main.GoFiles ?? []) : undefined;
  if (wrapped) files.push(...wrapped);
  const goMod = readText(path.join(moduleRoot, 'go.mod')) ?? '';
  const goSum = readText(path.join(moduleRoot, 'go.sum')) ?? '';
  const runHash = createHash('sha256').update(sdkCopy).update('\0').update(moduleRoot).update('\0').update(goMod).update('\0').update(goSum);
  for (const f of files) runHash.update(f.target).update('\0').update(f.text).update('\0');
  const dir = path.join(cacheRoot, `run-${runHash.digest('hex').slice(0, 20)}`);
  const modFile = path.join(dir, 'go.mod');
  if (readText(path.join(dir, 'done')) === undefined) {
    writeOnce(path.join(dir, 'go.sum'), goSum);
    writeOnce(modFile, goMod);
    const edit = await runGo(tool, ['mod', 'edit', `-replace=${modulePath}=${sdkCopy}`, modFile]);
    if (edit.code !== 0) return { reason: `\`go mod edit\` could not point the module at Span Lens's copy of the SDK (${firstLine(edit.stderr)})` };
    writeOnce(path.join(dir, 'done'), '');
  }
  const flags = ['-modfile', modFile];
  if (files.length) {
    const replace: Record<string, string> = {};
    files.forEach((f, i) => (replace[f.target] = writeOnce(path.join(dir, `${i}-${path.basename(f.target)}`), f.text)));
    flags.push('-overlay', writeOnce(path.join(dir, 'overlay.json'), JSON.stringify({ Replace: replace })));
  }
  return { flags, sdkVersion: version, mainWrapped: wrapped !== undefined };
}

/** The folder of the module's go.mod (`go env GOMOD`). */
async function moduleRootOf(tool: GoTool): Promise<string | undefined> {
  const gomod = (await runGo(tool, ['env', 'GOMOD'])).stdout.trim();
  return gomod && gomod !== '/dev/null' && gomod !== 'NUL' ? path.dirname(gomod) : undefined;
}

/**
 * The module folder `from` copied to `to` once (test files left out), with `changed` files (paths
 * relative to the module) written in; made in a scratch folder and renamed, so a run beside never
 * sees half a copy. Returns `to`.
 */
function copyModuleOnce(from: string, to: string, changed: Record<string, string>): string {
  if (fs.existsSync(path.join(to, 'go.mod'))) return to;
  const tmp = `${to}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.cpSync(from, tmp, { recursive: true, filter: (src) => !src.endsWith('_test.go') });
  for (const [rel, text] of Object.entries(changed)) {
    const file = path.join(tmp, rel);
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, text);
  }
  // The module cache's files are read-only; the copy's need not be (so it can be cleaned).
  chmodTree(tmp);
  try {
    fs.renameSync(tmp, to);
  } catch {
    // Another run made it first.
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return to;
}

function chmodTree(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) chmodTree(p);
    else fs.chmodSync(p, 0o644);
  }
}

/**
 * The program's main renamed and a new file whose main calls it and then SpanLensExit, also when
 * it panics. Undefined when main is not found once, written as gofmt writes it.
 */
function wrapMain(dir: string, goFiles: string[]): { target: string; text: string }[] | undefined {
  const found: { target: string; text: string }[] = [];
  for (const name of goFiles) {
    const target = path.join(dir, name);
    const text = readText(target);
    const m = text === undefined ? null : /^func main\(\)/m.exec(text);
    if (text !== undefined && m) found.push({ target, text: text.slice(0, m.index) + 'func spanLensUserMain()' + text.slice(m.index + m[0].length) });
  }
  if (found.length !== 1 || goFiles.includes(MAIN_FILE)) return undefined;
  const wrapper = [
    '// Span Lens: spans still open when main returns (or panics) are reported as unended.',
    'package main',
    '',
    `import spanLensTrace "${SDK_TRACE_PACKAGE}"`,
    '',
    'func main() {',
    '\tdefer spanLensTrace.SpanLensExit()',
    '\tspanLensUserMain()',
    '}',
    '',
  ].join('\n');
  return [...found, { target: path.join(dir, MAIN_FILE), text: wrapper }];
}

/** `go list -e -json PKGS` in the package folder: one object per package, or why it failed. */
async function goList(tool: GoTool, pkgs: string[]): Promise<GoPackage[] | { reason: string }> {
  const { code, stdout, stderr } = await runGo(tool, ['list', '-e', '-json', ...pkgs]);
  if (code !== 0) return { reason: `\`go list\` failed (${firstLine(stderr) || `exit ${code}`})` };
  const out: GoPackage[] = [];
  // Concatenated objects, each starting with "{" at the start of a line.
  for (const chunk of stdout.split(/\n(?=\{)/)) {
    if (!chunk.trim()) continue;
    try {
      out.push(JSON.parse(chunk) as GoPackage);
    } catch {
      return { reason: '`go list` printed what Span Lens cannot read' };
    }
  }
  return out;
}

function runGo(tool: GoTool, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(tool.command, args, { cwd: tool.packageDir, env: tool.env, signal: tool.signal, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: stderr || e.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes `text` to `file` unless it is there already; through a rename, so a run beside never reads half a file. */
function writeOnce(file: string, text: string): string {
  if (readText(file) === text) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
  return file;
}

function defaultCacheRoot(): string {
  return path.join(os.tmpdir(), 'span-lens-go-overlay');
}
