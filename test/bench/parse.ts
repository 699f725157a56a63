/**
 * Parse benchmark: for each console format, a ~100k-span output made by repeating a real
 * fixture, parsed in a fresh process (so peak RSS is this format's alone). The baseline, measured
 * in the same process, is JSON.parse of the very same spans written as NDJSON.
 *
 * Two choices make the ratio like for like:
 * - The parser measured is the core as it ships: bundled by esbuild with the flags of
 *   `build:cli`, not the sources through tsx (whose transform wraps every function made at run
 *   time in a `__name()` call, ~20% of the time of a closure-heavy reader).
 * - The baseline keeps what it parsed (an array of the span objects), as the parser keeps its
 *   spans: JSON.parse whose every result is garbage at once measures a parse whose output nobody
 *   holds, ~30% cheaper in V8's young generation. The discarded figure is printed beside it.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { fixturesRoot } from '../unit/fixtureSupport';

/**
 * How a fixture's output becomes the output of a format no fixture holds: OTLP JSON lines are the
 * Java exporter's ResourceSpans wrapped as OtlpStdoutSpanExporter (wrapperJsonObject=true) and
 * the Collector's file exporter write them; Span Lens frames are the spans as the injected
 * exporters print them (SCHEMA.md span + call site, with a run's nonce).
 */
type Transform = 'otlp-lines' | 'framed';

/**
 * One fixture per format: its flood where there is one (a loop of one span), else its checkout
 * (nested spans with attributes and events), the harder case for a reader that shares what repeats.
 */
const PICKS: [format: string, fixture: string, stream: string, transform?: Transform][] = [
  ['span-lens (framed)', 'node/flood_10000', 'stdout.txt', 'framed'],
  ['python-console', 'python/flood_10000', 'stdout.txt'],
  ['node-inspect', 'node/flood_10000', 'stdout.txt'],
  ['go-stdouttrace (compact)', 'go/flood_10000', 'stdout.txt'],
  ['go-stdouttrace (pretty)', 'go/checkout_pretty_batch', 'stdout.txt'],
  ['java-logging', 'java/flood_10000', 'stderr.txt'],
  ['java-otlp-json', 'java/derived-otlp_json_logging', 'derived-stderr.txt'],
  ['rust-tracing-fmt', 'rust/flood_10000', 'stdout.txt'],
  ['rust-tracing-json', 'rust/checkout_json_close', 'stdout.txt'],
  ['otlp-json (lines)', 'java/derived-otlp_json_logging', 'derived-stderr.txt', 'otlp-lines'],
];

export interface ParseBenchRow {
  format: string;
  spans: number;
  mb: number;
  parseMs: number;
  baselineMs: number;
  ratio: number;
  /** JSON.parse of each line with the result dropped at once, and the ratio to that. */
  discardMs: number;
  discardRatio: number;
  mbPerS: number;
  spansPerS: number;
  peakRssMb: number;
}

type CoreBundle = typeof import('../../src/core/parse') &
  typeof import('../../src/core/schema') &
  typeof import('../../src/core/json') &
  typeof import('../../src/core/parse/spanLens');

const BENCH_NONCE = 'bench0nonce';

/** The output of `transform` made from a fixture's output. */
function transformed(core: CoreBundle, one: Buffer, transform: Transform | undefined): Buffer {
  if (transform === 'otlp-lines') {
    const lines = one.toString('utf8').split('\n').filter((l) => l.startsWith('INFO: {'));
    return Buffer.from(lines.map((l) => `{"resourceSpans":[${l.slice(6)}]}\n`).join(''));
  }
  if (transform === 'framed') {
    const frames = core.parseText(one).spans.map((s, i) =>
      core.frameRecord(BENCH_NONCE, { type: 'span', span: { ...core.spanToSchema(s), location: { file: '/home/dev/shop/checkout.js', line: 10 + (i % 40), column: 5, function: 'checkout' } } }, core.stringifyJson),
    );
    return Buffer.from(frames.join('\n') + '\n');
  }
  return one;
}

/** The parse core bundled as `build:cli` bundles it; returns the bundle's path. */
export function bundleCore(): string {
  const root = path.resolve(__dirname, '../..');
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-bench-')), 'core.js');
  buildSync({
    stdin: {
      contents:
        "export { parseText } from './src/core/parse'; export { spanToSchema } from './src/core/schema'; export { stringifyJson } from './src/core/json'; export { frameRecord } from './src/core/parse/spanLens';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs in a child: argv = core bundle, fixture file, target span count. Prints one JSON row. */
export function parseBenchChild(bundle: string, file: string, target: number, transform?: Transform): ParseBenchRow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require(bundle) as CoreBundle;
  const { spanToSchema, stringifyJson } = core;
  // The frames carry a run's nonce; the parser is given it, as a run's parser is.
  const parseText = (t: string | Buffer) => core.parseText(t, transform === 'framed' ? { nonce: BENCH_NONCE } : {});
  const one = transformed(core, fs.readFileSync(file), transform);
  const perCopy = parseText(one).spans.length;
  if (perCopy === 0) return { format: '', spans: 0, mb: 0, parseMs: 0, baselineMs: 0, ratio: NaN, discardMs: 0, discardRatio: NaN, mbPerS: 0, spansPerS: 0, peakRssMb: 0 };
  const copies = Math.max(1, Math.ceil(target / perCopy));
  const text = Buffer.concat(Array.from({ length: copies }, () => one)).toString('utf8');
  // The baseline input: the same spans as NDJSON in SCHEMA.md shape.
  const ndjson = parseText(text).spans.map((s) => stringifyJson(spanToSchema(s))).join('\n');
  const time = (fn: () => void) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = process.hrtime.bigint();
      fn();
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return best;
  };
  let spans = 0;
  let kept: unknown[] | null = null;
  const parseMs = time(() => {
    kept = parseText(text).spans;
    spans = kept.length;
  });
  kept = null;
  const baselineMs = time(() => {
    const out: unknown[] = [];
    let from = 0;
    for (;;) {
      const nl = ndjson.indexOf('\n', from);
      out.push(JSON.parse(nl < 0 ? ndjson.slice(from) : ndjson.slice(from, nl)));
      if (nl < 0) break;
      from = nl + 1;
    }
    kept = out;
  });
  kept = null;
  const discardMs = time(() => {
    let from = 0;
    for (;;) {
      const nl = ndjson.indexOf('\n', from);
      JSON.parse(nl < 0 ? ndjson.slice(from) : ndjson.slice(from, nl));
      if (nl < 0) break;
      from = nl + 1;
    }
  });
  const mb = Buffer.byteLength(text) / 1e6;
  return {
    format: '',
    spans,
    mb,
    parseMs,
    baselineMs,
    ratio: parseMs / baselineMs,
    discardMs,
    discardRatio: parseMs / discardMs,
    mbPerS: mb / (parseMs / 1000),
    spansPerS: spans / (parseMs / 1000),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** Print the parse table. */
export async function benchParse(target = 100_000): Promise<ParseBenchRow[]> {
  const root = fixturesRoot();
  if (!root) {
    console.log('parse bench: SKIP (../shared/fixtures not found)');
    return [];
  }
  console.log(`\n== parse: ~${target.toLocaleString()} spans per format; baseline = JSON.parse of the same spans as NDJSON, kept ==`);
  console.log('format                      spans     MB    parse ms  JSON.parse ms  ratio   MB/s   spans/s   peak RSS MB   (dropped: ms  ratio)');
  const rows: ParseBenchRow[] = [];
  const bundle = bundleCore();
  for (const [format, fixture, stream, transform] of PICKS) {
    const file = path.join(root, fixture, stream);
    if (!fs.existsSync(file)) continue;
    const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', bundle, file, String(target), ...(transform ? [transform] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const row = { ...(JSON.parse(out.trim().split('\n').pop()!) as ParseBenchRow), format };
    if (row.spans === 0) {
      console.log(`${format.padEnd(26)} no spans parsed from ${fixture}`);
      continue;
    }
    rows.push(row);
    console.log(
      `${format.padEnd(26)} ${String(row.spans).padStart(7)} ${row.mb.toFixed(1).padStart(6)} ${row.parseMs.toFixed(0).padStart(10)} ${row.baselineMs.toFixed(0).padStart(13)} ${row.ratio.toFixed(2).padStart(6)}× ${row.mbPerS.toFixed(0).padStart(6)} ${Math.round(row.spansPerS).toString().padStart(9)} ${row.peakRssMb.toFixed(0).padStart(12)}   ${row.discardMs.toFixed(0).padStart(11)} ${row.discardRatio.toFixed(2).padStart(5)}×`,
    );
  }
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  return rows;
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(parseBenchChild(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6] as Transform | undefined)) + '\n');
}
