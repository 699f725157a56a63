/**
 * unended-span: a span that was started and never ended. An SDK exports a span only when it
 * ends, so this one never reaches a backend, and its children point at a parent nobody sees.
 */
import { snippet } from './snippets';
import { shows, type Rule } from './types';

export const unendedSpan: Rule = {
  id: 'unended-span',
  title: 'A span started and never ended',
  defaultSeverity: 'error',
  docs: 'docs/rules/unended-span.md',
  fixable: true,
  options: {},
  check(ctx, report) {
    for (const span of ctx.spans) {
      if (span.endTimeUnixNano !== null || !shows(span, 'time')) continue;
      report({
        span,
        message: `span "${span.name}" was started and never ended, so it is never exported: ${snippet('end', ctx.languageOf(span.location?.file))}`,
        data: { name: span.name },
      });
    }
  },
};
