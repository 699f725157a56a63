/**
 * Every real SDK output under ../shared/fixtures parses to the spans the SDK held in memory.
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import type { Span } from '../../src/core/model';
import { compareSpan, fixturesRoot, loadFixtures } from './fixtureSupport';

const fixtures = loadFixtures();

describe('parsing the shared SDK fixtures', function () {
  before(function () {
    if (!fixturesRoot()) {
      console.log('SKIP: ../shared/fixtures not found (set SPAN_LENS_FIXTURES)');
      this.skip();
    }
  });

  for (const fx of fixtures) {
    const { expected: ex } = fx;
    it(`${fx.language}/${fx.scenario} (${ex.format})`, function () {
      const result = parseText(fx.output);
      const spans = result.spans;
      // A span that never ended but shows in the output anyway (Rust: as the path prefix of its
      // children's lines) is reported with no end after the printed ones; the SDK lists it in
      // not_printed. It must be there for the children's spanPath, and must not count as printed.
      const neverEnded = spans
        .slice(ex.span_count)
        .filter((s) => s.endTimeUnixNano === null && ex.not_printed.some((np) => np.name === s.name));
      assert.strictEqual(spans.length - neverEnded.length, ex.span_count, `span count; unparsed: ${JSON.stringify(result.unparsed.slice(0, 3)).slice(0, 600)}`);
      const byId = new Map<string, Span>(spans.map((s) => [s.spanId, s]));
      const problems: string[] = [];
      const fullCompare = ex.span_count <= 200;
      ex.spans.forEach((e, i) => {
        if (!fullCompare && i % 97 !== 0 && i !== ex.span_count - 1) return;
        const lossy = new Set(ex.console_lossy.filter((l) => l.span === i).map((l) => l.path));
        for (const p of compareSpan(spans[i], e, ex.console_shows, ex.time_tolerance_ns, lossy, byId)) problems.push(`span ${i} (${e.name}): ${p}`);
      });
      assert.deepStrictEqual(problems.slice(0, 30), []);

      // Spans the SDK never printed must not be invented (ids are real except Rust's synthetic ones).
      if (ex.console_shows.includes('spanId')) {
        const ids = new Set(spans.map((s) => s.spanId));
        for (const np of ex.not_printed) assert.ok(!ids.has(np.spanId as string), `not_printed span ${np.name} was produced`);
      }
      // Lossy places are reported, not guessed.
      for (const l of ex.console_lossy) {
        const marks = spans[l.span].lossy ?? [];
        assert.ok(marks.some((m) => m.path === l.path || l.path.startsWith(m.path + '.') || m.path.startsWith(l.path)), `lossy ${l.path} on span ${l.span} not reported (got ${JSON.stringify(marks)})`);
      }
      // The program's own lines come back as output, in order, and nothing else does.
      if (ex.interleaved_program_lines) {
        assert.deepStrictEqual(result.output.map((o) => o.text), ex.interleaved_program_lines);
      }
      assert.deepStrictEqual(result.unparsed, [], 'clean SDK output leaves nothing unparsed');
    });
  }
});
