/**
 * empty-attribute: an attribute (or event attribute) whose value is an empty string or an empty
 * array. It costs storage and says nothing; usually a variable that was not set yet.
 */
import type { Attributes } from '../model';
import { shows, type Rule, type Span } from './types';

export const emptyAttribute: Rule = {
  id: 'empty-attribute',
  title: 'Attributes whose value is an empty string or an empty array',
  defaultSeverity: 'information',
  docs: 'docs/rules/empty-attribute.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    const scan = (span: Span, attrs: Attributes, event?: string) => {
      for (const key in attrs) {
        const v = attrs[key];
        if (v !== '' && !(Array.isArray(v) && v.length === 0)) continue;
        // A value the console cut short is not known to be empty.
        const path = event === undefined ? `attributes.${key}` : undefined;
        if (path && span.lossy?.some((l) => l.path === path)) continue;
        const what = v === '' ? 'an empty string' : 'an empty array';
        report({
          span,
          key: `${event ?? ''}\u0000${key}`,
          message:
            `attribute "${key}"${event === undefined ? '' : ` of event "${event}"`} on span "${span.name}" is ${what}: ` +
            'set it only when there is a value',
          data: { key },
        });
      }
    };
    for (const span of ctx.spans) {
      scan(span, span.attributes);
      if (span.events.length && shows(span, 'events')) for (const e of span.events) scan(span, e.attributes, e.name);
    }
  },
};
