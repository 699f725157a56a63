/**
 * child-outlives-parent: a child span that ends after its parent ended. Usually a missing
 * `await` or a callback that ends the parent before its work is done; the parent's duration then
 * understates the operation, and a fire-and-forget job is drawn inside a request it outlived.
 */
import { formatDuration } from '../format';
import { printedBefore, TIMING_OPTIONS, toleranceNs } from './timing';
import { shows, type Rule } from './types';

export const childOutlivesParent: Rule = {
  id: 'child-outlives-parent',
  title: 'A child span that ends after its parent ended',
  defaultSeverity: 'warning',
  docs: 'docs/rules/child-outlives-parent.md',
  fixable: false,
  options: TIMING_OPTIONS,
  check(ctx, report, options) {
    const parents = ctx.parents();
    const spans = ctx.spans;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const parent = parents[i];
      // Compare before subtracting: bigint arithmetic allocates, and most children end in time.
      if (!parent || span.endTimeUnixNano === null || parent.endTimeUnixNano === null || span.endTimeUnixNano <= parent.endTimeUnixNano) continue;
      if (!shows(span, 'time') || !shows(span, 'parent')) continue;
      // A consumer span (or the child of a producer) runs after the message was sent, by design.
      if (span.kind === 'CONSUMER' || parent.kind === 'PRODUCER') continue;
      // Printed before its parent means it ended first, whatever the (stepping) clock says.
      if (printedBefore(span, parent)) continue;
      const over = span.endTimeUnixNano - parent.endTimeUnixNano;
      if (over <= toleranceNs(parent, options)) continue;
      report({
        span,
        message:
          `span "${span.name}" ends ${formatDuration(over)} after its parent "${parent.name}" ended: ` +
          'end the parent after its children (a missing await?), or, for fire-and-forget work, start a new trace with a link to the parent',
        data: { parentSpanId: parent.spanId, overNanos: String(over) },
      });
    }
  },
};
