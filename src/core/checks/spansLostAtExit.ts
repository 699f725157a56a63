/**
 * spans-lost-at-exit: spans the program ended but its own pipeline never exported, because the
 * program exited without shutting the provider down (a batch processor still held them). Span
 * Lens saw them through its own exporter; a real backend would not have.
 */
import type { Span } from '../model';
import { snippet } from './snippets';
import type { Rule } from './types';

export const spansLostAtExit: Rule = {
  id: 'spans-lost-at-exit',
  title: "Spans ended but never exported by the program's own pipeline (no shutdown at exit)",
  defaultSeverity: 'error',
  docs: 'docs/rules/spans-lost-at-exit.md',
  fixable: true,
  options: {},
  check(ctx, report) {
    const ids = ctx.facts.lostAtExit;
    if (!ids || !ids.length) return;
    const wanted = new Set(ids);
    const lost: Span[] = [];
    for (const span of ctx.spans) if (wanted.has(span.spanId)) lost.push(span);
    const anchor = ctx.firstLocated(lost) ?? lost[0];
    const location = ctx.providerLocation() ?? anchor?.location;
    const count = ids.length;
    const exporters = ctx.facts.programExporters?.length ? ` (${ctx.facts.programExporters.join(', ')})` : '';
    report({
      span: anchor,
      location,
      message:
        `${count} span${count === 1 ? '' : 's'} ended but never reached the program's own exporter${exporters}: ` +
        `the program exits before its span processor flushes; ${snippet('shutdown', ctx.languageOf(location?.file))}`,
      data: { count: String(count) },
      affects: lost,
      counted: true,
    });
  },
};
