/**
 * deprecated-attribute: attribute keys the semantic conventions renamed or removed
 * (http.method → http.request.method, db.statement → db.query.text, …), from the table bundled
 * in src/core/semconv.ts. Backends and dashboards built on the current names miss these values.
 */
import type { Attributes } from '../model';
import { deprecatedAttribute as lookup, type DeprecatedUse } from '../semconv';
import { shows, type Hit, type Rule, type Span } from './types';

function describe(key: string, use: DeprecatedUse): string {
  const { entry, replacement } = use;
  if (replacement) return `attribute "${key}" is deprecated: use "${replacement}"${entry.note ? ` (${entry.note})` : ''}`;
  return `attribute "${key}" is deprecated: ${entry.note ?? 'the semantic conventions removed it'}`;
}

export const deprecatedAttribute: Rule = {
  id: 'deprecated-attribute',
  title: 'Attribute keys the semantic conventions renamed or removed',
  defaultSeverity: 'information',
  docs: 'docs/rules/deprecated-attribute.md',
  fixable: true,
  options: {},
  check(ctx, report) {
    // Keys repeat across spans: remember each key's verdict. Only a few keys have a replacement
    // that depends on the span kind; those are looked up again with the kind.
    const verdicts = new Map<string, DeprecatedUse | null>();
    const judge = (key: string, kind: Span['kind']) => {
      let v = verdicts.get(key);
      if (v === undefined) verdicts.set(key, (v = lookup(key)));
      return v && v.entry.byKind ? lookup(key, kind) : v;
    };
    const hitFor = (span: Span | undefined, key: string, use: DeprecatedUse, where: string): Hit => ({
      span,
      key: where + '\u0000' + key,
      message: describe(key, use) + (where === 'resource' ? ' (on the resource)' : ''),
      data: {
        key,
        ...(use.replacement ? { replacement: use.replacement } : {}),
        ...(use.entry.renameOnly && use.replacement ? { rename: 'true' } : {}),
        ...(where === 'resource' ? { on: 'resource' } : {}),
      },
    });
    const seenResources = new Set<Attributes>();
    const resourceKeys = new Set<string>();
    const anchor = ctx.firstLocated();
    for (const span of ctx.spans) {
      const attrs = span.attributes;
      for (const key in attrs) {
        const use = judge(key, span.kind);
        if (use) report(hitFor(span, key, use, 'span'));
      }
      if (!seenResources.has(span.resource) && shows(span, 'resource')) {
        seenResources.add(span.resource);
        for (const key in span.resource) {
          if (resourceKeys.has(key)) continue;
          const use = judge(key, 'INTERNAL');
          if (!use) continue;
          resourceKeys.add(key);
          // One finding per key for the whole run, where the provider (and its resource) is made.
          report({ ...hitFor(anchor ?? span, key, use, 'resource'), location: ctx.providerLocation() ?? anchor?.location, affects: [], counted: true });
        }
      }
    }
  },
};
