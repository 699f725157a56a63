/**
 * Parse benchmark: for each console format, a ~100k-span output made by repeating a real
 * fixture, parsed in a fresh process (so peak RSS is this format's alone). The baseline, measured
 * in the same process, is JSON.parse of the very same spans written as NDJSON.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { fixturesRoot } from '../unit/fixtureSupport';

/** One representative fixture per format (largest span count wins where several exist). */
const PICKS: [format: string, fixture: string, stream: string][] = [
  ['python-console', 'python/flood_10000', 'stdout.txt'],
  ['node-inspect', 'node/flood_10000', 'stdout.txt'],
  ['go-stdouttrace (compact)', 'go/flood_10000', 'stdout.txt'],
  ['go-stdouttrace (pretty)', 'go/checkout_pretty_batch', 'stdout.txt'],
  ['java-logging', 'java/flood_10000', 'stderr.txt'],
  ['java-otlp-json', 'java/derived-otlp_json_logging', 'derived-stderr.txt'],
  ['rust-tracing-fmt', 'rust/flood_10000', 'stdout.txt'],
  ['rust-tracing-json', 'rust/checkout_json_close', 'stdout.txt'],
];

export interface ParseBenchRow {
  format: string;
  spans: number;
  mb: number;
  parseMs: number;
  baselineMs: number;
  ratio: number;
  mbPerS: number;
  spansPerS: number;
  peakRssMb: number;
}

/** Runs in a child: argv = fixture file, target span count. Prints one JSON row. */
export function parseBenchChild(file: string, target: number): ParseBenchRow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseText } = require('../../src/core/parse') as typeof import('../../src/core/parse');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spanToSchema } = require('../../src/core/schema') as typeof import('../../src/core/schema');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringifyJson } = require('../../src/core/json') as typeof import('../../src/core/json');
  const one = fs.readFileSync(file);
  const perCopy = parseText(one).spans.length;
  if (perCopy === 0) return { format: '', spans: 0, mb: 0, parseMs: 0, baselineMs: 0, ratio: NaN, mbPerS: 0, spansPerS: 0, peakRssMb: 0 };
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
  const parseMs = time(() => {
    spans = parseText(text).spans.length;
  });
  const baselineMs = time(() => {
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
  console.log(`\n== parse: ~${target.toLocaleString()} spans per format; baseline = JSON.parse of the same spans as NDJSON ==`);
  console.log('format                      spans     MB    parse ms  JSON.parse ms  ratio   MB/s   spans/s   peak RSS MB');
  const rows: ParseBenchRow[] = [];
  for (const [format, fixture, stream] of PICKS) {
    const file = path.join(root, fixture, stream);
    if (!fs.existsSync(file)) continue;
    const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', file, String(target)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const row = { ...(JSON.parse(out.trim().split('\n').pop()!) as ParseBenchRow), format };
    if (row.spans === 0) {
      console.log(`${format.padEnd(26)} no spans parsed from ${fixture}`);
      continue;
    }
    rows.push(row);
    console.log(
      `${format.padEnd(26)} ${String(row.spans).padStart(7)} ${row.mb.toFixed(1).padStart(6)} ${row.parseMs.toFixed(0).padStart(10)} ${row.baselineMs.toFixed(0).padStart(13)} ${row.ratio.toFixed(2).padStart(6)}× ${row.mbPerS.toFixed(0).padStart(6)} ${Math.round(row.spansPerS).toString().padStart(9)} ${row.peakRssMb.toFixed(0).padStart(12)}`,
    );
  }
  return rows;
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(parseBenchChild(process.argv[3], Number(process.argv[4]))) + '\n');
}
