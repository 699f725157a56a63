import { strict as assert } from 'node:assert';
import { analyseSpanName } from '../../src/core/checks/spanNameCardinality';
import { at, findings, span } from './checks-support';

const RULE = 'span-name-cardinality';

describe('checks: span-name-cardinality', () => {
  describe('analyseSpanName', () => {
    const cases: [string, string | null, string[]?][] = [
      ['GET /users/8412', 'GET /users/{id}', ['number']],
      ['GET /users/42/orders', 'GET /users/{id}/orders', ['number']],
      ['load order 123456', 'load order {id}', ['number']],
      ['order-8412', 'order-{id}', ['number']],
      ['search?page=7', 'search?page={id}', ['number']],
      ['fetch 3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'fetch {id}', ['uuid']],
      ['commit 9fceb02d0ae598e95dc970b74767f19372d61af8', 'commit {id}', ['hex']],
      ['notify jo.doe+x@example.co.uk', 'notify {email}', ['email']],
      ['connect 10.0.12.7', 'connect {ip}', ['ip']],
      ['GET https://api.example.com:8443/users/8412?expand=1#top', 'GET /users/{id}', ['url', 'number']],
      ['GET https://api.example.com', 'GET /', ['url']],
      // Fixed names, also the ones with small or structural numbers.
      ['GET /users/{id}', null],
      ['level-1', null],
      ['enqueue order-2', null],
      ['HTTP/1.1 request', null],
      ['GET /api/v2/users', null],
      ['oauth2 token refresh', null],
      ['connect localhost:8080', null],
      ['connect db.internal:5432', null],
      ['cache.get order:12345', 'cache.get order:{id}', ['number']],
      ['upgrade to 1.2.300', null],
      ['s3.put_object', null],
      ['deadbeefcafe', null], // hex letters only: a word, not an id
      ['', null],
    ];
    for (const [name, template, kinds] of cases) {
      it(`${JSON.stringify(name)} -> ${template === null ? 'fixed' : JSON.stringify(template)}`, () => {
        const a = analyseSpanName(name);
        if (template === null) assert.equal(a, null);
        else {
          assert.ok(a);
          assert.equal(a.template, template);
          assert.deepEqual(a.kinds, kinds);
        }
      });
    }

    it('stays linear on a long hostile name', () => {
      const name = 'a'.repeat(200_000) + '@';
      const t = Date.now();
      analyseSpanName(name);
      analyseSpanName('1'.repeat(100_000));
      analyseSpanName('a.'.repeat(100_000));
      assert.ok(Date.now() - t < 500, `took ${Date.now() - t} ms`);
    });
  });

  it('names the span and the fixed name to use', () => {
    const [f] = findings(RULE, [span({ name: 'GET /users/8412', location: at(4) })]);
    assert.equal(f.severity, 'warning');
    assert.equal(f.message, 'span name "GET /users/8412" contains an id: use a fixed name like "GET /users/{id}" and put the id in an attribute');
    assert.deepEqual(f.location, at(4));
    assert.equal(f.data?.template, 'GET /users/{id}');
  });

  it('gives one finding per call site for a loop, saying how many spans and names', () => {
    const spans = Array.from({ length: 1000 }, (_, i) => span({ name: `GET /users/${1000 + i}`, location: at(7) }));
    const found = findings(RULE, spans);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /\(×1000 spans, 1000 distinct names\)$/);
    assert.equal(found[0].data?.count, '1000');
  });

  it('groups spans without a location by their template', () => {
    const spans = [span({ name: 'GET /users/1001' }), span({ name: 'GET /users/1002' }), span({ name: 'GET /orders/555' })];
    const found = findings(RULE, spans);
    assert.deepEqual(found.map((f) => f.data?.template).sort(), ['GET /orders/{id}', 'GET /users/{id}']);
  });

  it('never prints an email found in a span name', () => {
    const [f] = findings(RULE, [span({ name: 'notify jo.doe@example.com', location: at(1) })]);
    assert.doesNotMatch(f.message, /jo\.doe@example\.com/);
    assert.match(f.message, /redacted/);
  });

  it('reports a call site that makes many distinct names without ids in them', () => {
    const fruits = Array.from({ length: 25 }, (_, i) => `process ${'abcdefghijklmnopqrstuvwxyz'[i]}-fruit`);
    const found = findings(RULE, fruits.map((name) => span({ name, location: at(3) })));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /25 distinct names/);
    // Below the threshold, and with a higher threshold, nothing.
    assert.equal(findings(RULE, fruits.slice(0, 19).map((name) => span({ name, location: at(3) }))).length, 0);
    assert.equal(
      findings(RULE, fruits.map((name) => span({ name, location: at(3) })), { config: { rules: { [RULE]: { maxNamesPerCallSite: 30 } } } }).length,
      0,
    );
  });

  it('leaves fixed names alone, however many spans', () => {
    assert.equal(findings(RULE, Array.from({ length: 500 }, () => span({ name: 'GET /users/{id}', location: at(2) }))).length, 0);
  });
});
