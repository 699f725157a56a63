/**
 * Spotting attribute values that should not be shown at a glance: passwords, tokens, API keys,
 * email addresses, card numbers. The waterfall masks them until the user reveals them, and the
 * `sensitive-attribute` check warns about them: this is the one detector both use.
 * Pure: no vscode, no Node APIs.
 *
 * Runs on every attribute of every span (100k spans in a run), so each regex sits behind a cheap
 * substring test and attribute-name verdicts are remembered.
 */

/** Why a value counts as sensitive. */
export type SensitiveKind =
  | 'secret-key' // the attribute name says so (password, token, authorization, api_key, ...)
  | 'bearer' // `Bearer …` credentials
  | 'jwt'
  | 'api-key' // a well-known provider key format (sk-…, ghp_…, AKIA…, …)
  | 'url-credentials' // scheme://user:password@host
  | 'secret-param' // password=…, access_token=…, api_key=… inside a URL or connection string
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
/** Parameter names whose value is a secret in `name=value` (query strings, form bodies, `;Password=…;` connection strings). */
const SECRET_PARAMS = new Set([
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'api_key',
  'api-key',
  'apikey',
  'sig',
  'signature',
  'x-amz-signature',
]);
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
    if (typeof value === 'number' && value < 1e12 && value > -1e12) return null; // fewer than 13 digits: no card number
    return cardNumberIn(String(value)) ? 'card-number' : null;
  }
  if (typeof value !== 'string' || value.length === 0) return null;
  if (isSecretKey(key) && !isPlaceholder(value)) return 'secret-key';
  return sensitiveTextKind(value);
}

/** The kind of secret or personal data found in a free text (no attribute name to go by), or null. */
export function sensitiveTextKind(value: string): SensitiveKind | null {
  const n = value.length;
  // The shortest match of any pattern is 6 characters (`a@b.co`, `pwd=1234`); below 13 only an
  // email, a `scheme://user:pass@` URL or a `name=value` pair fits (tokens, keys and card
  // numbers are longer). Most attribute values are short: these tests cost next to nothing.
  if (n < 6) return null;
  if (n < 13) {
    const at = value.includes('@');
    if (at && value.includes('://') && URL_CREDENTIALS.test(value)) return 'url-credentials';
    if (value.includes('=') && hasSecretParam(value)) return 'secret-param';
    if (at && EMAIL.test(value)) return 'email';
    return null;
  }
  // Each pattern runs only when a substring it cannot match without is present.
  if (value.includes('eyJ') && JWT.test(value)) return 'jwt';
  if ((value.includes('earer') || value.includes('EARER')) && BEARER.test(value)) return 'bearer';
  if (mayHoldApiKey(value) && API_KEY.test(value)) return 'api-key';
  const at = value.includes('@');
  if (at && value.includes('://') && URL_CREDENTIALS.test(value)) return 'url-credentials';
  if (value.includes('=') && hasSecretParam(value)) return 'secret-param';
  if (at && EMAIL.test(value)) return 'email';
  if (hasDigits(value, 13) && cardNumberIn(value)) return 'card-number';
  return null;
}

function mayHoldApiKey(v: string): boolean {
  return (
    v.includes('sk-') ||
    v.includes('k_') || // sk_live_, pk_test_, rk_live_
    v.includes('gh') || // ghp_, gho_, github_pat_
    v.includes('glpat-') ||
    v.includes('xox') ||
    v.includes('AKIA') ||
    v.includes('AIza')
  );
}

/** True when some `name=value` in `text` names a secret and the value is 4+ characters and not a placeholder. */
function hasSecretParam(text: string): boolean {
  for (let eq = text.indexOf('='); eq > 0; eq = text.indexOf('=', eq + 1)) {
    let start = eq;
    while (start > 0 && eq - start < 20 && isParamNameChar(text.charCodeAt(start - 1))) start--;
    if (start === eq || (start > 0 && isParamNameChar(text.charCodeAt(start - 1)))) continue;
    if (!SECRET_PARAMS.has(text.slice(start, eq).toLowerCase())) continue;
    let end = eq + 1;
    while (end < text.length && !PARAM_END.has(text.charCodeAt(end))) end++;
    if (end - eq - 1 >= 4 && !isPlaceholder(text.slice(eq + 1, end))) return true;
  }
  return false;
}

/** Characters that end a parameter value: `&`, `;`, `,`, whitespace, quotes. */
const PARAM_END = new Set([38, 59, 44, 32, 9, 10, 13, 34, 39]);

function isParamNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** True when `text` holds at least `n` ASCII digits. */
function hasDigits(text: string, n: number): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++count >= n) return true;
  }
  return false;
}

/** True when the attribute value should be masked until the user asks to see it. */
export function isSensitive(key: string, value: unknown): boolean {
  return sensitiveKind(key, value) !== null;
}

/** True when the attribute name says its value is a secret (`db.password`, `http.request.header.authorization`). */
export function isSecretKey(key: string): boolean {
  let verdict = secretKeyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = secretKeyWords(key);
    // Attribute names repeat across spans; a run with unbounded distinct names must not grow this forever.
    if (secretKeyVerdicts.size >= 10_000) secretKeyVerdicts.clear();
    secretKeyVerdicts.set(key, verdict);
  }
  return verdict;
}

const secretKeyVerdicts = new Map<string, boolean>();

function secretKeyWords(key: string): boolean {
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

/**
 * A value shown without revealing it: the first two characters (only for values long enough that
 * two characters give nothing away) and the length, e.g. `ey…(redacted, 212 chars)`.
 */
export function mask(value: unknown): string {
  if (Array.isArray(value)) return `[…(redacted, ${value.length} item${value.length === 1 ? '' : 's'})]`;
  const text = typeof value === 'string' ? value : String(value);
  const shown = text.length >= 8 ? Array.from(text.slice(0, 4)).slice(0, 2).join('') : '';
  return `${shown}…(redacted, ${text.length} char${text.length === 1 ? '' : 's'})`;
}

/** The patterns of sensitiveTextKind, global, for finding every occurrence in a text. */
const JWT_ALL = new RegExp(JWT.source, 'g');
const BEARER_ALL = /\b(bearer\s+)((?=[A-Za-z\-._~+/]*\d)[A-Za-z0-9\-._~+/]{16,}=*)/gi;
const API_KEY_ALL = new RegExp(API_KEY.source, 'g');
const URL_CREDENTIALS_ALL = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)([^\s/@]+)@/gi;
const EMAIL_ALL = new RegExp(EMAIL.source, 'g');
/** What mask() writes after the characters it shows. */
const MASKED = /…\(redacted, \d+ (?:chars?|items?)\)/g;

/**
 * Free text (a span name, a status message, an event name, a finding's message) with every
 * secret or personal datum in it masked as `mask` shows an attribute value: the rest of the
 * text stays readable, e.g. `charge al…(redacted, 17 chars)`. Text with nothing sensitive is
 * returned as is (the common case costs one sensitiveTextKind call). Every place that shows span
 * text uses this, so a value hidden in one place is hidden in all of them.
 */
export function maskSensitiveText(text: string): string {
  if (sensitiveTextKind(text) === null) return text;
  let out = text
    .replace(JWT_ALL, (m) => mask(m))
    .replace(BEARER_ALL, (_m, word: string, credential: string) => word + mask(credential))
    .replace(API_KEY_ALL, (m) => mask(m))
    .replace(URL_CREDENTIALS_ALL, (_m, head: string, password: string) => `${head}${mask(password)}@`);
  out = maskSecretParams(out).replace(EMAIL_ALL, (m) => mask(m));
  out = maskCardNumbers(out);
  // The gate and the replacements are separate patterns: if anything is still found outside
  // the masks just made, hide it all.
  return sensitiveTextKind(out.replace(MASKED, ' ')) === null ? out : mask(text);
}

/** `password=…`-style values masked, with the same rules as hasSecretParam. */
function maskSecretParams(text: string): string {
  let out = '';
  let from = 0;
  for (let eq = text.indexOf('='); eq > 0; eq = text.indexOf('=', eq + 1)) {
    if (eq < from) continue;
    let start = eq;
    while (start > 0 && eq - start < 20 && isParamNameChar(text.charCodeAt(start - 1))) start--;
    if (start === eq || (start > 0 && isParamNameChar(text.charCodeAt(start - 1)))) continue;
    if (!SECRET_PARAMS.has(text.slice(start, eq).toLowerCase())) continue;
    let end = eq + 1;
    while (end < text.length && !PARAM_END.has(text.charCodeAt(end))) end++;
    const value = text.slice(eq + 1, end);
    if (value.length < 4 || isPlaceholder(value)) continue;
    out += text.slice(from, eq + 1) + mask(value);
    from = end;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Luhn-valid card-like numbers masked. */
function maskCardNumbers(text: string): string {
  if (!hasDigits(text, 13)) return text;
  return text.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? mask(m) : m;
  });
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
