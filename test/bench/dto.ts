/**
 * Waterfall DTO bench: the host-side build of the webview's data for 1,000,000 spans (1,000
 * traces of 1,000, shaped as the parsers build them: one object literal per span), against a
 * baseline measured in the same run: JSON.stringify of the same spans (one pass that reads every
 * field once and writes text, the least any hand-over of the spans costs).
 *
 * Rows:
 *  - at once: buildRunDto of all spans (what a finished run or a saved file pays);
 *  - live: RunDtoBuilder fed the traces as a live run publishes them (every 20 traces a view is
 *    built, as the editor's ~250 ms publish does); the figure is the last update, with ~1M spans
 *    held, which must not grow with the run the way a rebuild per update does;
 *  - end: the finished run's DTO from what the live views built (its spans in another order);
 *  - memory: RSS and heap after the build (the spans plus the DTO), and the DTO's JSON size.
 * Target (issue 13): the run's end to the waterfall's first frame ≤ 2 s beyond reading the spans.
 * `SPAN_LENS_BENCH_DTO_SPANS=2000000` measures another size (multiples of 1,000).
 */
import type { Span } from '../../src/core/model';
import { buildRunDto, RunDtoBuilder } from '../../src/core/waterfallModel';
import { generatedSpans } from '../browser/fixtures';

const PER_TRACE = 1_000;

/** Trace i of the bench: the generated 1,000-span trace, i ms later, re-made as parsers make spans. */
function traceOf(i: number): Span[] {
  const shift = BigInt(i) * 1_000_000n;
  return generatedSpans(PER_TRACE, i.toString(16).padStart(32, '0')).map((s) => ({
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    parentIsRemote: null,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startTimeUnixNano + shift,
    endTimeUnixNano: s.endTimeUnixNano === null ? null : s.endTimeUnixNano + shift,
    attributes: s.attributes,
    droppedAttributesCount: 0,
    events: s.events,
    droppedEventsCount: 0,
    links: s.links,
    droppedLinksCount: 0,
    status: s.status,
    traceState: null,
    resource: s.resource,
    scope: s.scope,
    location: s.location,
  }));
}

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
const f0 = (v: number) => v.toFixed(0);
const mb = (bytes: number) => (bytes / 1e6).toFixed(0);

export interface DtoBenchResult {
  spans: number;
  baselineMs: number;
  buildMs: number;
  liveLastUpdateMs: number;
  liveTotalMs: number;
  endOfRunMs: number;
  jsonMb: number;
  rssMb: number;
}

/** Runs the DTO bench and prints its figures. */
export async function benchDto(): Promise<DtoBenchResult> {
  const total = Number(process.env.SPAN_LENS_BENCH_DTO_SPANS ?? 1_000_000);
  const traces: Span[][] = [];
  for (let i = 0; i < total / PER_TRACE; i++) traces.push(traceOf(i));
  const spans = traces.flat();
  console.log(`\n== waterfall DTO: ${spans.length.toLocaleString('en-US')} spans (${traces.length} traces of ${PER_TRACE}); baseline = JSON.stringify of the spans ==`);

  // A trace at a time: all spans in one string pass V8's longest string.
  let t = process.hrtime.bigint();
  let chars = 0;
  for (const trace of traces) chars += JSON.stringify(trace, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)).length;
  const baselineMs = ms(t);
  const spansMb = chars / 1e6;

  t = process.hrtime.bigint();
  let dto: ReturnType<typeof buildRunDto> | undefined = buildRunDto(spans, { runId: 'bench', title: 'bench' });
  const buildMs = ms(t);
  const rss = process.memoryUsage();
  const jsonMb = JSON.stringify(dto).length / 1e6;
  dto = undefined;

  const builder = new RunDtoBuilder();
  let held: Span[] = [];
  let liveLastUpdateMs = 0;
  t = process.hrtime.bigint();
  for (let i = 0; i < traces.length; i += 20) {
    held = held.concat(...traces.slice(i, i + 20));
    const u = process.hrtime.bigint();
    builder.sync(held);
    builder.build({ runId: 'live', live: true });
    liveLastUpdateMs = ms(u);
  }
  const liveTotalMs = ms(t);
  // The finished run: its span list in another order (arrival), the live builder reused.
  const final = spans.slice().reverse();
  t = process.hrtime.bigint();
  builder.buildFor(final, { runId: 'done' });
  const endOfRunMs = ms(t);

  console.log(`baseline   JSON.stringify(spans)                 ${f0(baselineMs).padStart(6)} ms  (${spansMb.toFixed(0)} MB)`);
  console.log(`at once    buildRunDto                           ${f0(buildMs).padStart(6)} ms  ×${(buildMs / baselineMs).toFixed(2)} of baseline; DTO JSON ${jsonMb.toFixed(0)} MB`);
  console.log(
    `live       last update (20 traces in, view out)  ${f0(liveLastUpdateMs).padStart(6)} ms  ×${(liveLastUpdateMs / baselineMs).toFixed(2)} of baseline; ` +
      `${traces.length / 20} updates ${f0(liveTotalMs)} ms in all, ${builder.rebuilds} rebuild(s)`,
  );
  console.log(`end        finished run, live views reused      ${f0(endOfRunMs).padStart(6)} ms  ×${(endOfRunMs / baselineMs).toFixed(2)} of baseline`);
  console.log(`memory     after the build: RSS ${mb(rss.rss)} MB, heap ${mb(rss.heapUsed)} MB (spans and DTO held)`);
  return { spans: spans.length, baselineMs, buildMs, liveLastUpdateMs, liveTotalMs, endOfRunMs, jsonMb, rssMb: rss.rss / 1e6 };
}

if (require.main === module) {
  benchDto().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
