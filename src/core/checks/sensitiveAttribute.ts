/**
 * sensitive-attribute: secrets and personal data recorded on spans (emails, bearer/JWT tokens,
 * API keys, passwords, card numbers). Telemetry is stored widely and kept long; it is the wrong
 * place for them. The detector is src/core/sensitive.ts, the same one the waterfall masks with,
 * and the value never appears in a message, only its masked form.
 */
import type { Attributes, AttributeValue } from '../model';
import { isSecretKey, mask, sensitiveKind, sensitiveTextKind, type SensitiveKind } from '../sensitive';
import { shows, type Rule, type Span } from './types';

const KIND_WORDS: Record<SensitiveKind, string> = {
  'secret-key': 'a secret (its name says so)',
  bearer: 'a bearer token',
  jwt: 'a JWT',
  'api-key': 'an API key',
  'url-credentials': 'a URL with a password in it',
  'secret-param': 'a password or token parameter',
  email: 'an email address',
  'card-number': 'a payment card number',
};

/** Values shorter than this are cheaper to judge than to look up (see sensitiveTextKind). */
const MEMO_MIN_LENGTH = 13;
/** Bounds on the memo: a run of unique long values (ids, payloads) must not grow it without end. */
const MEMO_MAX_LENGTH = 1024;
const MEMO_MAX_ENTRIES = 20_000;

export const sensitiveAttribute: Rule = {
  id: 'sensitive-attribute',
  title: 'Emails, tokens, API keys, passwords or card numbers in attribute or event values',
  defaultSeverity: 'warning',
  docs: 'docs/rules/sensitive-attribute.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    // Values repeat across spans (a query text, a user agent): judge each distinct long value once.
    // Short values take the detector a few character tests, less than a lookup here. The memo
    // lives for one run only, so it keeps no output text alive after it.
    const textKinds = new Map<string, SensitiveKind | null>();
    const kindOf = (key: string, value: AttributeValue): SensitiveKind | null => {
      if (typeof value !== 'string' || value.length < MEMO_MIN_LENGTH || isSecretKey(key)) return sensitiveKind(key, value);
      let kind = textKinds.get(value);
      if (kind === undefined) {
        kind = sensitiveTextKind(value);
        if (value.length <= MEMO_MAX_LENGTH && textKinds.size < MEMO_MAX_ENTRIES) textKinds.set(value, kind);
      }
      return kind;
    };
    const scan = (span: Span, attrs: Attributes, event?: string) => {
      for (const key in attrs) {
        const value = attrs[key];
        // Booleans and numbers under 13 digits cannot be secrets (sensitiveKind agrees): skip the call.
        if (value === null || typeof value === 'boolean' || (typeof value === 'number' && value < 1e12 && value > -1e12)) continue;
        const kind = kindOf(key, value);
        if (!kind) continue;
        const shown = mask(value);
        const where = event === undefined ? `attribute "${key}"` : `attribute "${key}" of event "${event}"`;
        report({
          span,
          key: `${event ?? ''}\u0000${key}`,
          message:
            `${where} on span "${span.name}" holds ${KIND_WORDS[kind]} (${shown}): ` +
            (kind === 'email' || kind === 'card-number'
              ? 'do not record personal data on spans; drop it, or record a non-identifying id'
              : 'do not record credentials on spans; drop the attribute or redact the value before setting it'),
          data: { key, kind, ...(event === undefined ? {} : { event }) },
        });
      }
    };
    for (const span of ctx.spans) {
      scan(span, span.attributes);
      if (span.events.length && shows(span, 'events')) for (const e of span.events) scan(span, e.attributes, e.name);
    }
  },
};
