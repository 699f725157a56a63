/**
 * Spotting attribute values that should not be shown at a glance: passwords, tokens, API keys,
 * email addresses, card numbers. The waterfall masks them until the user reveals them; a check
 * may reuse the same test to warn about secrets recorded on spans. Pure: no vscode, no Node APIs.
 */

/** Why a value counts as sensitive. */
export type SensitiveKind =
  | 'secret-key' // the attribute name says so (password, token, authorization, api_key, ...)
  | 'bearer' // `Bearer …` credentials
  | 'jwt'
  | 'api-key' // a well-known provider key format (sk-…, ghp_…, AKIA…, …)
  | 'url-credentials' // scheme://user:password@host
  | 'email'
  | 'card-number';

/** Key words that mark the value as a secret when the value is a non-empty string. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'authorization',
  'cookie',
  'apikey',
  'credential',
  'credentials',
  'sessionid',
  'privatekey',
  'accesskey',
  'secretkey',
  'signature',
  'otp',
]);

/** Word pairs (`api_key`, `access-key`, `private.key`, `session id`, `set-cookie`…) that join into a secret word. */
const SECRET_PAIRS = new Set(['apikey', 'accesskey', 'secretkey', 'privatekey', 'sessionid', 'clientsecret', 'authtoken']);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
/** `Bearer <credential>`: the credential has a digit and 16+ characters, so prose ("bearer authentication") is not caught. */
const BEARER = /\bbearer\s+(?=[A-Za-z\-._~+/]*\d)[A-Za-z0-9\-._~+/]{16,}=*/i;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/;
const API_KEY =
  /\b(?:sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35})/;
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;
/** 13–19 digits, optionally grouped by single spaces or dashes, starting like a card network does (2–6). */
const CARD_CANDIDATE = /(?<![\d])[2-6]\d{3}(?:[ -]?\d){9,15}(?![\d])/g;

/**
 * The reason `value` under attribute `key` looks sensitive, or null. Numbers and booleans are
 * only sensitive as card numbers (a `token_count` of 12 is not a secret); arrays are sensitive
 * when any element is.
 */
export function sensitiveKind(key: string, value: unknown): SensitiveKind | null {
  if (Array.isArray(value)) {
    for (const v of value) {
      const k = sensitiveKind(key, v);
      if (k) return k;
    }
    return null;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) return null;
    return cardNumberIn(String(value)) ? 'card-number' : null;
  }
  if (typeof value !== 'string' || value.length === 0) return null;
  if (isSecretKey(key) && !isPlaceholder(value)) return 'secret-key';
  if (JWT.test(value)) return 'jwt';
  if (BEARER.test(value)) return 'bearer';
  if (API_KEY.test(value)) return 'api-key';
  if (URL_CREDENTIALS.test(value)) return 'url-credentials';
  if (EMAIL.test(value)) return 'email';
  if (cardNumberIn(value)) return 'card-number';
  return null;
}

/** True when the attribute value should be masked until the user asks to see it. */
export function isSensitive(key: string, value: unknown): boolean {
  return sensitiveKind(key, value) !== null;
}

/** True when the attribute name says its value is a secret (`db.password`, `http.request.header.authorization`). */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    if (SECRET_WORDS.has(words[i])) return true;
    if (i + 1 < words.length && SECRET_PAIRS.has(words[i] + words[i + 1])) return true;
  }
  return false;
}

/** Values that are already redacted or empty-ish: nothing to hide. */
function isPlaceholder(value: string): boolean {
  return /^(?:\*+|•+|x{3,}|\[?redacted\]?|<redacted>|null|none|undefined)$/i.test(value.trim());
}

/** True when `text` contains a Luhn-valid card-like number. */
export function cardNumberIn(text: string): boolean {
  CARD_CANDIDATE.lastIndex = 0;
  for (let m = CARD_CANDIDATE.exec(text); m; m = CARD_CANDIDATE.exec(text)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** The Luhn checksum used by payment card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
