/**
 * duplicate-span-id: two spans with one span id. Either the same span was exported twice (two
 * processors with an exporter each), or an id generator repeats ids; backends then merge or
 * drop spans and parent links point at the wrong one.
 */
import type { Span } from '../model';
import { shows, type Rule } from './types';

function sameSpan(a: Span, b: Span): boolean {
  return a.traceId === b.traceId && a.name === b.name && a.startTimeUnixNano === b.startTimeUnixNano && a.endTimeUnixNano === b.endTimeUnixNano;
}

export const duplicateSpanId: Rule = {
  id: 'duplicate-span-id',
  title: 'Two spans with one span id',
  defaultSeverity: 'error',
  docs: 'docs/rules/duplicate-span-id.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    for (const pair of ctx.repeatedIds()) {
      if (!pair.span.spanId || !shows(pair.span, 'ids')) continue;
      // Spans print when they end, so the one printed second may have started first: the
      // duplicate is the one that started later (its start line is where the id was reused).
      const laterStart = pair.span.startTimeUnixNano < pair.earlier.startTimeUnixNano;
      const span = laterStart ? pair.earlier : pair.span;
      const earlier = laterStart ? pair.span : pair.earlier;
      const twice = sameSpan(earlier, span);
      report({
        span,
        key: twice ? 'exported-twice' : 'shared-id',
        message: twice
          ? `span "${span.name}" (${span.spanId}) was exported twice: two span processors export it (e.g. a console exporter added on top of another); keep one`
          : `spans "${earlier.name}" and "${span.name}" share the span id ${span.spanId}: ids must be unique; use the SDK's default id generator`,
        data: { spanId: span.spanId, otherName: earlier.name },
        affects: [earlier, span],
      });
    }
  },
};
