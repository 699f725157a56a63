/**
 * client-root-span: a trace whose root is a CLIENT span. An outgoing call with no span around it
 * says nothing about why it was made; the operation that made it (a job, a request handler, a
 * command) should be the root, with the call as its child.
 */
import { shows, type Rule } from './types';

export const clientRootSpan: Rule = {
  id: 'client-root-span',
  title: 'A trace whose root is a CLIENT span',
  defaultSeverity: 'information',
  docs: 'docs/rules/client-root-span.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    for (const span of ctx.spans) {
      if (span.kind !== 'CLIENT' || span.parentSpanId || !shows(span, 'parent') || !shows(span, 'kind')) continue;
      report({
        span,
        message:
          `span "${span.name}" (CLIENT) is the root of its trace: start a span for the operation that makes this call ` +
          '(a job, a command, a request handler) and make the call inside it',
      });
    }
  },
};
