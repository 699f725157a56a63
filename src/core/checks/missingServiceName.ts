/**
 * missing-service-name: spans whose resource has no `service.name`, or the SDK's default
 * `unknown_service` (`unknown_service:node`, `unknown_service:java`). Every backend groups by
 * service; these spans land in a bucket nobody looks at.
 */
import type { Span } from '../model';
import { snippet } from './snippets';
import { shows, type Rule } from './types';

export const missingServiceName: Rule = {
  id: 'missing-service-name',
  title: "No service.name on the resource, or the SDK's unknown_service default",
  defaultSeverity: 'warning',
  docs: 'docs/rules/missing-service-name.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    // Spans are grouped by the (missing or default) name they carry: one finding per process.
    const groups = new Map<string, Span[]>();
    let lastGood: Span['resource'] | undefined;
    for (const span of ctx.spans) {
      if (!shows(span, 'resource')) continue;
      // Spans of one process usually share one resource object: judge it once.
      if (span.resource === lastGood) continue;
      const name = span.resource['service.name'];
      if (typeof name === 'string' && name.trim() !== '' && !name.startsWith('unknown_service')) {
        lastGood = span.resource;
        continue;
      }
      const key = typeof name === 'string' ? name : '';
      const list = groups.get(key);
      if (list) list.push(span);
      else groups.set(key, [span]);
    }
    for (const [name, spans] of groups) {
      const anchor = ctx.firstLocated(spans) ?? spans[0];
      const location = ctx.providerLocation() ?? anchor.location;
      const n = spans.length;
      report({
        span: anchor,
        location,
        key: name,
        message:
          (name ? `${n} span${n === 1 ? ' has' : 's have'} the default service name "${name}"` : `${n} span${n === 1 ? ' has' : 's have'} no service.name`) +
          `: backends group by service, so name it: ${snippet('service-name', ctx.languageOf(location?.file))}`,
        data: { serviceName: name },
        affects: spans,
        counted: true,
      });
    }
  },
};
