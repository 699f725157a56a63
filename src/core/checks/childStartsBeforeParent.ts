/**
 * child-starts-before-parent: a child span that starts before its parent. In one process this
 * means the wrong parent (a span started earlier and attached later, an explicit start time);
 * across processes, clock skew. Either way the waterfall and latency breakdowns are wrong.
 */
import { formatDuration } from '../format';
import { TIMING_OPTIONS, toleranceNs } from './timing';
import { shows, type Rule } from './types';

export const childStartsBeforeParent: Rule = {
  id: 'child-starts-before-parent',
  title: 'A child span that starts before its parent (clock skew or wrong parent)',
  defaultSeverity: 'warning',
  docs: 'docs/rules/child-starts-before-parent.md',
  fixable: false,
  options: TIMING_OPTIONS,
  check(ctx, report, options) {
    const parents = ctx.parents();
    const spans = ctx.spans;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const parent = parents[i];
      // Compare before subtracting: bigint arithmetic allocates, and most children start in time.
      if (!parent || span.startTimeUnixNano >= parent.startTimeUnixNano) continue;
      if (!shows(span, 'time') || !shows(span, 'parent')) continue;
      const early = parent.startTimeUnixNano - span.startTimeUnixNano;
      if (early <= toleranceNs(parent, options)) continue;
      const remote = span.parentIsRemote === true || span.resource !== parent.resource && differentProcess(span.resource, parent.resource);
      report({
        span,
        message:
          `span "${span.name}" starts ${formatDuration(early)} before its parent "${parent.name}": ` +
          (remote
            ? 'the two processes disagree on the time (clock skew); sync the clocks (NTP) or compare durations, not start times'
            : 'it was given the wrong parent or an explicit start time; start the child inside the parent, after it began'),
        data: { parentSpanId: parent.spanId, earlyNanos: String(early) },
      });
    }
  },
};

function differentProcess(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  for (const k of ['service.instance.id', 'process.pid', 'host.name', 'service.name']) {
    if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]) return true;
  }
  return false;
}
