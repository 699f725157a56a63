import { strict as assert } from 'node:assert';
import { deprecatedAttribute, DEPRECATED_ATTRIBUTES } from '../../src/core/semconv';
import { mask, sensitiveKind } from '../../src/core/sensitive';
import type { SpanEvent } from '../../src/core/model';
import { at, findings, span } from './checks-support';

function event(name: string, attributes: SpanEvent['attributes']): SpanEvent {
  return { name, timeUnixNano: 0n, attributes, droppedAttributesCount: 0 };
}

describe('checks: sensitive-attribute', () => {
  const RULE = 'sensitive-attribute';
  const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const secrets: [string, unknown, string][] = [
    ['user.email', 'jo.doe@example.com', 'an email address'],
    ['http.request.header.authorization', 'Bearer abc123def456ghi789', 'a secret (its name says so)'],
    ['auth.header', `Bearer ${JWT}`, 'a JWT'],
    ['note', 'Bearer 9f8e7d6c5b4a39281706', 'a bearer token'],
    ['config.key', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'an API key'],
    ['aws', 'AKIAIOSFODNN7EXAMPLE', 'an API key'],
    ['db.password', 'hunter2', 'a secret (its name says so)'],
    ['url.full', 'https://api.example.com/cb?code=1&access_token=ya29.a0AfH6SMB', 'a password or token parameter'],
    ['db.connection', 'Server=db;Database=shop;User Id=sa;Password=Pa55word!;', 'a password or token parameter'],
    ['upstream', 'postgres://admin:s3cret@db.internal:5432/shop', 'a URL with a password in it'],
    ['payment.card', '4111 1111 1111 1111', 'a payment card number'],
    ['payment.pan', 4111111111111111, 'a payment card number'],
  ];
  for (const [key, value, words] of secrets) {
    it(`finds ${words} in ${key} and never prints it`, () => {
      const [f] = findings(RULE, [span({ name: 'signup', attributes: { [key]: value as string }, location: at(2) })]);
      assert.ok(f, 'no finding');
      assert.ok(f.message.startsWith(`attribute "${key}" on span "signup" holds ${words} (`), f.message);
      const text = String(value);
      // Neither the value nor any 8-character piece of it past the 2 shown characters appears.
      for (let i = 2; i + 8 <= text.length; i++) assert.ok(!f.message.includes(text.slice(i, i + 8)), `message leaks "${text.slice(i, i + 8)}": ${f.message}`);
      assert.match(f.message, /…\(redacted, \d+ chars\)/);
      assert.equal(f.data?.key, key);
    });
  }

  const clean: [string, unknown][] = [
    ['http.request.method', 'GET'],
    ['user.id', 42],
    ['gen_ai.usage.input_tokens', 1234],
    ['payment.card_last4', '1111'],
    ['order.total_cents', 4111111111111112], // fails Luhn
    ['db.password', '***'],
    ['note', 'the bearer of bad news'],
    ['url.full', 'https://api.example.com/search?q=tokens&page=2'],
    ['db.query.text', 'SELECT * FROM users WHERE password = ?'],
    ['span.count', 1e15],
  ];
  for (const [key, value] of clean) {
    it(`leaves ${key}=${JSON.stringify(value)} alone`, () => {
      assert.equal(findings(RULE, [span({ attributes: { [key]: value as string } })]).length, 0);
    });
  }

  it('looks into event attributes too', () => {
    const s = span({ events: [event('exception', { 'exception.message': 'no user jo.doe@example.com' })], location: at(1) });
    const [f] = findings(RULE, [s]);
    assert.match(f.message, /^attribute "exception\.message" of event "exception" on span "work" holds an email address/);
  });

  it('gives one finding per attribute per call site, however many spans', () => {
    const spans = Array.from({ length: 300 }, (_, i) => span({ attributes: { 'user.email': `user${i}@example.com`, 'db.password': 'pw-' + i }, location: at(4) }));
    const found = findings(RULE, spans);
    assert.deepEqual(found.map((f) => f.data?.key).sort(), ['db.password', 'user.email']);
    assert.ok(found.every((f) => f.message.endsWith('(×300 spans)')));
  });

  it('mask() shows two characters and the length, and nothing for short values', () => {
    assert.equal(mask(JWT), `ey…(redacted, ${JWT.length} chars)`);
    assert.equal(mask('abc'), '…(redacted, 3 chars)');
    assert.equal(mask(['a', 'b']), '[…(redacted, 2 items)]');
  });

  it('is the same detector the waterfall masks with', () => {
    assert.equal(sensitiveKind('note', 'Bearer 9f8e7d6c5b4a39281706'), 'bearer');
    assert.equal(sensitiveKind('url.full', 'https://x.test/?api_key=0123456789'), 'secret-param');
  });
});

describe('checks: deprecated-attribute', () => {
  const RULE = 'deprecated-attribute';

  it('names the replacement, as information, with the data a rename needs', () => {
    const [f] = findings(RULE, [span({ attributes: { 'http.method': 'GET' }, location: at(3) })]);
    assert.equal(f.message, 'attribute "http.method" is deprecated: use "http.request.method"');
    assert.equal(f.severity, 'information');
    assert.deepEqual(f.data, { key: 'http.method', replacement: 'http.request.method', rename: 'true' });
  });

  it('knows the common renames', () => {
    const pairs: [string, string][] = [
      ['http.status_code', 'http.response.status_code'],
      ['http.url', 'url.full'],
      ['db.statement', 'db.query.text'],
      ['db.system', 'db.system.name'],
      ['net.host.name', 'server.address'],
      ['http.user_agent', 'user_agent.original'],
      ['messaging.destination', 'messaging.destination.name'],
      ['code.filepath', 'code.file.path'],
      ['deployment.environment', 'deployment.environment.name'],
      ['gen_ai.usage.prompt_tokens', 'gen_ai.usage.input_tokens'],
    ];
    for (const [from, to] of pairs) assert.equal(deprecatedAttribute(from)?.replacement, to, from);
    assert.ok(DEPRECATED_ATTRIBUTES.length > 120);
    assert.equal(deprecatedAttribute('http.request.method'), null);
    assert.equal(deprecatedAttribute('state'), null); // too generic to judge
  });

  it('picks the replacement by span kind where the conventions do', () => {
    const client = span({ kind: 'CLIENT', attributes: { 'net.peer.name': 'db' }, location: at(1) });
    const server = span({ kind: 'SERVER', attributes: { 'net.peer.name': 'client-host' }, location: at(2) });
    const found = findings(RULE, [client, server]);
    assert.deepEqual(found.map((f) => f.data?.replacement), ['server.address', 'client.address']);
  });

  it('renames template keys by prefix and explains keys without a 1:1 replacement', () => {
    assert.equal(deprecatedAttribute('k8s.pod.labels.app')?.replacement, 'k8s.pod.label.app');
    const [f] = findings(RULE, [span({ attributes: { 'http.target': '/a?b=1' } })]);
    assert.equal(f.message, 'attribute "http.target" is deprecated: split into url.path and url.query');
    assert.equal(f.data?.rename, undefined);
  });

  it('reports a deprecated resource key once for the run', () => {
    const spans = Array.from({ length: 5 }, () => span({ resource: { 'service.name': 'a', 'deployment.environment': 'prod' }, location: at(9) }));
    const found = findings(RULE, spans);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /"deployment\.environment" is deprecated: use "deployment\.environment\.name" \(on the resource\)/);
  });
});

describe('checks: empty-attribute', () => {
  it('reports empty strings and arrays, not zero, false or lossy values', () => {
    const s = span({ name: 'q', attributes: { a: '', b: [], c: 0, d: false, e: 'x' }, location: at(1) });
    const found = findings('empty-attribute', [s]);
    assert.deepEqual(found.map((f) => f.message), [
      'attribute "a" on span "q" is an empty string: set it only when there is a value',
      'attribute "b" on span "q" is an empty array: set it only when there is a value',
    ]);
    const lossy = span({ attributes: { big: [] }, lossy: [{ path: 'attributes.big', reason: '[Array]' }] });
    assert.equal(findings('empty-attribute', [lossy]).length, 0);
  });

  it('looks into events', () => {
    const s = span({ events: [event('retry', { reason: '' })] });
    assert.match(findings('empty-attribute', [s])[0].message, /attribute "reason" of event "retry"/);
  });
});

describe('checks: error-status-missing', () => {
  const RULE = 'error-status-missing';
  const exception = event('exception', { 'exception.type': 'RuntimeError', 'exception.message': 'card declined' });

  it('reports an exception event on a span whose status is UNSET, with the fix for the language', () => {
    const py = findings(RULE, [span({ name: 'charge', events: [exception], location: at(4, '/app/pay.py') })]);
    assert.equal(py[0].message, 'span "charge" recorded an exception (RuntimeError) but its status is UNSET: set the status to ERROR, e.g. span.set_status(Status(StatusCode.ERROR, str(exc)))');
    const js = findings(RULE, [span({ name: 'charge', events: [exception], location: at(4, '/app/pay.ts') })]);
    assert.match(js[0].message, /span\.setStatus\(\{ code: SpanStatusCode\.ERROR/);
  });

  it('reports error.type and HTTP 5xx, not 4xx and not spans already in ERROR', () => {
    const cases = [
      span({ attributes: { 'error.type': 'timeout' } }),
      span({ attributes: { 'http.response.status_code': 503 } }),
      span({ attributes: { 'http.status_code': '500' } }),
      span({ attributes: { 'http.response.status_code': 404 } }),
      span({ attributes: { 'http.response.status_code': 503 }, status: { code: 'ERROR', message: null } }),
      span({ events: [exception], status: { code: 'ERROR', message: 'x' } }),
    ];
    cases.forEach((s, i) => (s.location = at(i)));
    const found = findings(RULE, cases);
    assert.deepEqual(found.map((f) => [f.location?.line, f.data?.reason]), [[0, 'error.type'], [1, 'http'], [2, 'http']]);
    assert.equal(findings(RULE, [cases[3]], { config: { rules: { [RULE]: { httpStatusMin: 400 } } } }).length, 1);
  });

  it('does not judge formats that show no status or no events', () => {
    const java = span({ attributes: { 'error.type': 'x' }, unknown: ['status', 'events'] });
    const noEvents = span({ events: [exception], unknown: ['events'] });
    assert.equal(findings(RULE, [java]).length, 0);
    assert.equal(findings(RULE, [noEvents]).length, 0);
  });
});
