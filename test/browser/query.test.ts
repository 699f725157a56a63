/**
 * The search box's query language (#16 item 3), parsed and matched in plain Node over the same
 * DTO the webview gets (webview/query.ts), then typed into the real page in headless Chromium.
 */
import * as assert from 'assert';
import type { Browser, Page } from 'playwright-core';
import { buildRunDto } from '../../src/core/waterfallModel';
import type { RunDto } from '../../src/protocol';
import { RunView } from '../../webview/data';
import { matchQuery, parseQuery, tokenize } from '../../webview/query';
import { checkoutSpans } from './fixtures';
import { launch, openWaterfall, visibleRows } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The queries and the checkout trace's spans each must find (in tree order). */
const CASES: [string, string[]][] = [
  ['db', ['db.query', 'db.connect']],
  ['DB', ['db.query', 'db.connect']],
  ['http.route=/checkout', ['GET /checkout']],
  ['http.route=/CHECKOUT', ['GET /checkout']],
  ['http.route=/check', []],
  ['http.status_code=500', ['GET /checkout']],
  ['db.statement~^select.*carts', ['db.query']],
  ['db.statement~where\\s+id', ['db.query']],
  ['duration>30ms', ['GET /checkout', 'db.query', 'payment']],
  ['duration<=5ms', ['db.connect', 'render']],
  ['duration>=29000us', ['GET /checkout', 'db.query', 'payment', 'POST /charge']],
  ['duration>=29000µs', ['GET /checkout', 'db.query', 'payment', 'POST /charge']],
  ['duration<0.01s', ['db.connect', 'fraud.check', 'render']],
  ['duration=10ms', ['auth']],
  ['dur>99999999ns', ['GET /checkout']],
  ['status=error', ['payment']],
  ['status=unset', ['GET /checkout', 'auth', 'db.query', 'db.connect', 'POST /charge', 'fraud.check', 'render']],
  ['name:charge', ['POST /charge']],
  ['name:AUTH', ['auth']],
  ['name=db', []],
  ['name~^db\\.', ['db.query', 'db.connect']],
  ['service=payments duration>10ms', ['POST /charge']],
  ['service:pay', ['POST /charge', 'fraud.check']],
  ['kind=client', ['db.query', 'POST /charge']],
  ['service.name=db', ['db.query', 'db.connect']],
  ['"POST /charge"', ['POST /charge']],
  ['POST /charge', ['POST /charge']],
  ['db status=error', []],
  ['cache miss', ['db.query']],
  // Secrets never match, whatever the syntax.
  ['user.email=ada@example.com', []],
  ['db.password~hunter', []],
  ['hunter2', []],
];

describe('search query syntax', () => {
  const run = buildRunDto(checkoutSpans(), { runId: 'run-q', title: 'checkout' });
  const view = new RunView(run);
  const t = run.traces[0];
  const names = (q: string) => {
    const parsed = parseQuery(q);
    assert.deepStrictEqual(parsed.errors, [], q);
    const m = matchQuery(view, parsed, t.first, t.first + t.count);
    const out: string[] = [];
    for (let i = t.first; i < t.first + t.count; i++) if (m[i]) out.push(view.name(i));
    return out;
  };

  for (const [q, want] of CASES) it(`${q} → ${want.length ? want.join(', ') : 'nothing'}`, () => assert.deepStrictEqual(names(q), want));

  it('splits on spaces outside quotes', () => {
    assert.deepStrictEqual(tokenize('  a  "b c" d="e f" '), ['a', 'b c', 'd=e f']);
    assert.deepStrictEqual(tokenize('""'), []);
  });

  it('reads duration units', () => {
    const ns = (q: string) => (parseQuery(q).terms[0] as { ns: number }).ns;
    assert.strictEqual(ns('duration>5ns'), 5);
    assert.strictEqual(ns('duration>1.5us'), 1500);
    assert.strictEqual(ns('duration>2µs'), 2000);
    assert.strictEqual(ns('duration>10ms'), 10e6);
    assert.strictEqual(ns('duration>0.25s'), 250e6);
  });

  it('says what is wrong with a query it cannot read, and then matches nothing', () => {
    const bad: [string, RegExp][] = [
      ['duration>10', /not a duration: a number and a unit/],
      ['duration>10min', /not a duration/],
      ['duration~10ms', /compares with </],
      ['db.statement~(', /invalid regular expression/],
      ['status=broken', /status is error, ok or unset/],
      ['http.status_code>5', /only duration compares/],
      ['kind=sideways', /kind is one of/],
    ];
    for (const [q, why] of bad) {
      const p = parseQuery(q);
      assert.strictEqual(p.errors.length, 1, q);
      assert.match(p.errors[0], why, q);
      assert.ok(matchQuery(view, p, t.first, t.first + t.count).every((x) => x === 0), q);
    }
    // Colons in free text are text: a URL or a time is not a field.
    assert.deepStrictEqual(parseQuery('http://x 12:30').terms, [
      { kind: 'text', text: 'http://x' },
      { kind: 'text', text: '12:30' },
    ]);
  });
});

describe('search query syntax in the waterfall (headless Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let run: RunDto;
  before(async () => {
    browser = await launch();
    run = buildRunDto(checkoutSpans(), { runId: 'run-qb', title: 'checkout' });
  });
  after(async () => {
    await browser?.close();
  });

  async function search(page: Page, q: string): Promise<string> {
    await page.fill('.search-input', q);
    // The box applies what was typed after a pause.
    await page.waitForFunction((want) => (globalThis as any).document.querySelector('.search-input').dataset.applied === want, q);
    return (await page.textContent('.match-count'))!;
  }

  async function highlighted(page: Page): Promise<string[]> {
    return page.$$eval('.row.match:not([hidden])', (rows) =>
      rows
        .map((r) => [r.getBoundingClientRect().top, r.querySelector('.row-name')!.textContent] as const)
        .sort((a, b) => a[0] - b[0])
        .map((x) => x[1]!),
    );
  }

  it('finds each case of the syntax, highlights the rows and counts them', async () => {
    const { page, observed } = await openWaterfall(browser, run, { width: 1000 });
    await page.waitForSelector('.row:not([hidden])');
    for (const [q, want] of CASES) {
      const count = await search(page, q);
      assert.strictEqual(count, want.length === 0 ? 'No results' : `${want.length} ${want.length === 1 ? 'match' : 'matches'}`, q);
      assert.deepStrictEqual(await highlighted(page), want, q);
    }
    assert.deepStrictEqual(observed.errors, []);
    await page.context().close();
  });

  it('marks the matched words inside the names, as text', async () => {
    const { page } = await openWaterfall(browser, run, { width: 1000 });
    await page.waitForSelector('.row:not([hidden])');
    await search(page, 'charge name:fraud');
    assert.deepStrictEqual(await highlighted(page), []); // AND: no span has both
    await search(page, 'CHARGE');
    assert.deepStrictEqual(await page.$$eval('.row:not([hidden]) .row-name .hit', (m) => m.map((x) => x.textContent)), ['charge']);
    assert.strictEqual(await page.textContent('.row.match .row-name'), 'POST /charge');
    await search(page, 'name:db. duration>10ms');
    assert.deepStrictEqual(await page.$$eval('.row:not([hidden]) .row-name .hit', (m) => m.map((x) => x.textContent)), ['db.']);
    await page.context().close();
  });

  it('filter mode keeps the matches and their ancestors', async () => {
    const { page } = await openWaterfall(browser, run, { width: 1000 });
    await page.waitForSelector('.row:not([hidden])');
    await search(page, 'status=error');
    await page.click('.search-filter');
    assert.deepStrictEqual((await visibleRows(page)).map((r) => r.name), ['GET /checkout', 'payment']);
    await search(page, 'service=payments duration<10ms');
    assert.deepStrictEqual((await visibleRows(page)).map((r) => r.name), ['GET /checkout', 'payment', 'fraud.check']);
    await search(page, 'kind=client');
    assert.deepStrictEqual((await visibleRows(page)).map((r) => r.name), ['GET /checkout', 'db.query', 'payment', 'POST /charge']);
    // Enter walks the matches only.
    await page.focus('.search-input');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'db.query');
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'POST /charge');
    await page.context().close();
  });

  it('says what is wrong with a query it cannot read', async () => {
    const { page, observed } = await openWaterfall(browser, run, { width: 1000 });
    await page.waitForSelector('.row:not([hidden])');
    assert.strictEqual(await search(page, 'duration>10'), 'Invalid query');
    assert.match((await page.getAttribute('.match-count', 'title'))!, /not a duration: a number and a unit \(ns, µs, ms, s\)/);
    assert.strictEqual(await page.getAttribute('.search-input', 'aria-invalid'), 'true');
    assert.deepStrictEqual(await highlighted(page), []);
    assert.strictEqual(await search(page, 'duration>10ms'), '4 matches');
    assert.strictEqual(await page.getAttribute('.search-input', 'aria-invalid'), 'false');
    assert.deepStrictEqual(observed.errors, []);
    await page.context().close();
  });
});
