/**
 * error-status-missing: a span that failed (an exception event, `error.type`, an HTTP 5xx) but
 * whose status is not ERROR. Backends count errors by status, so this failure is invisible in
 * error rates and alerting.
 */
import type { AttributeValue } from '../model';
import { snippet } from './snippets';
import { shows, type Rule } from './types';

function statusNumber(v: AttributeValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^\d{3}$/.test(v)) return Number(v);
  return null;
}

export const errorStatusMissing: Rule = {
  id: 'error-status-missing',
  title: 'An exception event, error.type or HTTP status ≥ 500 on a span whose status is not ERROR',
  defaultSeverity: 'warning',
  docs: 'docs/rules/error-status-missing.md',
  fixable: true,
  options: {
    httpStatusMin: {
      default: 500,
      description: 'HTTP response status codes from this one up mark a failed request.',
    },
  },
  check(ctx, report, options) {
    const httpMin = options.number('httpStatusMin');
    for (const span of ctx.spans) {
      if (span.status.code === 'ERROR' || !shows(span, 'status')) continue;
      let reason: string | undefined;
      let detail = '';
      if (shows(span, 'events')) {
        for (const e of span.events) {
          if (e.name !== 'exception') continue;
          reason = 'exception';
          const type = e.attributes['exception.type'];
          detail = `recorded an exception${typeof type === 'string' && type ? ` (${type})` : ''}`;
          break;
        }
      }
      const a = span.attributes;
      if (!reason) {
        const errorType = a['error.type'];
        if (errorType !== undefined && errorType !== null && errorType !== '') {
          reason = 'error.type';
          detail = `has error.type "${String(errorType)}"`;
        }
      }
      if (!reason) {
        const code = statusNumber(a['http.response.status_code'] ?? a['http.status_code']);
        if (code !== null && code >= httpMin && code <= 599) {
          reason = 'http';
          detail = `has HTTP status ${code}`;
        }
      }
      if (!reason) continue;
      report({
        span,
        key: reason,
        message: `span "${span.name}" ${detail} but its status is ${span.status.code}: set the status to ERROR, e.g. ${snippet('error-status', ctx.languageOf(span.location?.file))}`,
        data: { reason, status: span.status.code },
      });
    }
  },
};
