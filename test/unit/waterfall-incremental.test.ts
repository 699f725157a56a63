/**
 * The waterfall's data for a live run is built a trace at a time (RunDtoBuilder): whatever order
 * the traces arrive in, the DTO equals the one built from all spans at once (buildRunDto), and
 * traces that arrive in start order are appended without rebuilding what is there.
 */
import * as assert from 'assert';
import type { Span } from '../../src/core/model';
import { parseText } from '../../src/core/parse';
import { buildRunDto, RunDtoBuilder } from '../../src/core/waterfallModel';
import { generatedSpans } from '../browser/fixtures';
import { loadFixtures } from './fixtureSupport';

/** Spans grouped by trace, in order of first appearance. */
function byTrace(spans: readonly Span[]): Span[][] {
  const groups = new Map<string, Span[]>();
  for (const s of spans) {
    let g = groups.get(s.traceId);
    if (!g) groups.set(s.traceId, (g = []));
    g.push(s);
  }
  return [...groups.values()];
}

/** `traces` traces of `per` spans, trace i starting i ms after trace 0. */
function manyTraces(traces: number, per: number): Span[][] {
  const out: Span[][] = [];
  for (let i = 0; i < traces; i++) {
    const spans = generatedSpans(per, i.toString(16).padStart(32, '0'));
    for (const s of spans) {
      s.startTimeUnixNano += BigInt(i) * 1_000_000n;
      if (s.endTimeUnixNano !== null) s.endTimeUnixNano += BigInt(i) * 1_000_000n;
    }
    out.push(spans);
  }
  return out;
}

/** What a live run's views are: every complete trace so far, concatenated, one more each time. */
function liveViews(traces: Span[][]): Span[][] {
  const views: Span[][] = [];
  let so: Span[] = [];
  for (const t of traces) views.push((so = [...so, ...t]));
  return views;
}

describe('waterfall DTO built incrementally', function () {
  this.timeout(120_000);
  const header = { runId: 'r', title: 't', live: true };

  it('the shared SDK fixtures: appending each trace as it completes gives the DTO of all spans at once', () => {
    const fixtures = loadFixtures();
    assert.ok(fixtures.length > 0, 'the shared fixtures are missing: expected /work/shared/fixtures (or set SPAN_LENS_FIXTURES)');
    let compared = 0;
    for (const f of fixtures) {
      const spans = parseText(f.output).spans;
      if (!spans.length) continue;
      const traces = byTrace(spans);
      const builder = new RunDtoBuilder();
      // Compared after every trace for small fixtures, at about ten points for the floods.
      const every = Math.max(1, Math.ceil(traces.length / 10));
      let so: Span[] = [];
      traces.forEach((t, i) => {
        builder.append(t);
        so = so.concat(t);
        if ((i + 1) % every && i + 1 < traces.length) return;
        assert.deepStrictEqual(builder.build(header), buildRunDto(so, header), `${f.language}/${f.scenario}, ${so.length} spans`);
      });
      compared++;
    }
    assert.ok(compared >= 10, `only ${compared} fixtures had spans`);
  });

  it('200 traces appended one by one in start order: the same DTO, and nothing is rebuilt after the first', () => {
    const traces = manyTraces(200, 40);
    const builder = new RunDtoBuilder();
    for (const t of traces) builder.append(t);
    assert.deepStrictEqual(builder.build(header), buildRunDto(traces.flat(), header));
    assert.strictEqual(builder.rebuilds, 1);
  });

  it('traces that complete out of start order, or complete again with late spans, still give the same DTO', () => {
    const traces = manyTraces(30, 20);
    const shuffled = [traces[5], traces[2], traces[9], ...traces.filter((_, i) => ![2, 5, 9].includes(i))];
    const builder = new RunDtoBuilder();
    for (const view of liveViews(shuffled)) {
      builder.sync(view);
      assert.deepStrictEqual(builder.build(header), buildRunDto(view, header));
    }
    assert.ok(builder.rebuilds > 1, 'an earlier trace arriving late is placed by a rebuild');
    // Several traces in one view (completed within one publish), out of start order among themselves.
    const batched = new RunDtoBuilder();
    batched.sync(traces.slice(0, 10).flat());
    const next = [...traces.slice(0, 10), traces[14], traces[11], traces[12]].flat();
    batched.sync(next);
    assert.deepStrictEqual(batched.build(header), buildRunDto(next, header));
    assert.strictEqual(batched.rebuilds, 1, 'traces later than all held are appended, sorted among themselves');
    // Trace 3 completes again: a late span joins it, its spans replace the earlier ones in place.
    const late = { ...traces[3][1], spanId: 'ffffffffffffffff', name: 'late' };
    const again = shuffled.map((t) => (t === traces[3] ? [...t, late] : t)).flat();
    builder.sync(again);
    assert.deepStrictEqual(builder.build(header), buildRunDto(again, header));
  });

  it('the span cap applies as it does at once: the first maxSpans spans are kept, the rest counted', () => {
    const traces = manyTraces(10, 30);
    const builder = new RunDtoBuilder({ maxSpans: 100 });
    for (const view of liveViews(traces)) builder.sync(view);
    const all = traces.flat();
    const dto = builder.build(header);
    assert.deepStrictEqual(dto, buildRunDto(all, { ...header, maxSpans: 100 }));
    assert.strictEqual(dto.droppedSpans, 200);
    assert.strictEqual(dto.spans.spanId.length, 100);
  });

  it('a DTO handed out is not changed by later appends (the panel redacts it in place)', () => {
    const traces = manyTraces(3, 10);
    const builder = new RunDtoBuilder();
    builder.append(traces[0]);
    const first = builder.build(header);
    const copy = JSON.stringify(first);
    first.strings.push('changed by a consumer');
    first.spans.name[0] = 999;
    builder.append(traces[1]);
    builder.append(traces[2]);
    assert.strictEqual(JSON.stringify(builder.build(header)), JSON.stringify(buildRunDto(traces.flat(), header)));
    assert.notStrictEqual(JSON.stringify(first), copy, 'the consumer changed its own copy');
  });

  it('the finished run reuses what its live views built: same rows as building it at once, indices into its own span list', () => {
    const traces = manyTraces(40, 25);
    const builder = new RunDtoBuilder();
    for (const view of liveViews(traces.slice(0, 30))) builder.sync(view);
    // The run's final list: spans in arrival order (interleaved across traces), the last traces
    // never published live.
    const final = traces.flat().map((s, i) => ({ s, k: (i * 7919) % 1000 })).sort((a, b) => a.k - b.k).map((x) => x.s);
    const dto = builder.buildFor(final, { runId: 'done' });
    assert.ok(dto, 'the held spans are all in the final list');
    const atOnce = buildRunDto(final, { runId: 'done' });
    for (const column of ['spanId', 'parent', 'depth', 'start', 'end', 'flags', 'kind'] as const) {
      assert.deepStrictEqual(dto.spans[column], atOnce.spans[column], column);
    }
    assert.deepStrictEqual(dto.traces, atOnce.traces);
    for (let i = 0; i < dto.spans.spanId.length; i++) {
      const span: Span = final[dto.spans.srcIndex[i]];
      assert.strictEqual(span.spanId, dto.spans.spanId[i]);
      assert.strictEqual(span.traceId, dto.traces.find((t) => i >= t.first && i < t.first + t.count)!.traceId);
    }
    assert.strictEqual(builder.rebuilds, 1, 'the last ten traces were appended, not rebuilt');
    // A list that lacks a span the live views showed is not this run: no DTO from the builder.
    const other = new RunDtoBuilder();
    other.append(traces[0]);
    assert.strictEqual(other.buildFor(traces[1]), undefined);
  });
});
