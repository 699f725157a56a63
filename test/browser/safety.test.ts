/**
 * Span strings are untrusted. Names, services, attributes and events carrying markup, script
 * breakouts, javascript: URLs, bidi controls, zero-width characters and 10 kB strings must show
 * as text and run nothing — checked with the page's CSP in place (violations are recorded, so an
 * attempted injection would still be caught) and by looking for any element the payloads could
 * have created.
 */
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { buildRunDto } from '../../src/core/waterfallModel';
import { HOSTILE, hostileSpans } from './fixtures';
import { launch, openWaterfall, visibleRows } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('waterfall safety: hostile span strings', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('shows every hostile string as text and runs nothing', async () => {
    const run = buildRunDto(hostileSpans(), { runId: 'hostile', title: HOSTILE.script });
    const { page, observed } = await openWaterfall(browser, run, { name: 'hostile' });
    await page.waitForSelector('.row:not([hidden])');

    // Rows: names as text (rows cut long names to 300 characters + …).
    const names = (await visibleRows(page)).map((r) => r.name);
    const clip = (s: string) => (s.length > 300 ? s.slice(0, 300) + '…' : s);
    assert.deepStrictEqual(names, [HOSTILE.script, HOSTILE.img, HOSTILE.jsUrl, HOSTILE.rtl, HOSTILE.zeroWidth, HOSTILE.long, HOSTILE.svg].map(clip));
    // Several services: each row's chip names its service in its tooltip, the legend as text.
    assert.strictEqual(await page.getAttribute('.row[data-index="0"] .row-service', 'title'), HOSTILE.img);
    assert.ok((await page.$$eval('.legend .legend-name', (n) => n.map((x) => x.textContent))).includes(HOSTILE.img));

    // Detail pane of the root: attributes, event, status as text; the long value behind "Show all".
    await page.click('.row[data-index="0"] .row-name');
    await page.click('.detail-section:has(summary:text("Resource")) summary');
    const cells = await page.$$eval('.detail .kv tr', (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]));
    const find = (k: string) => cells.find((c) => c[0] === k)?.[1];
    assert.strictEqual(find(HOSTILE.img), HOSTILE.svg);
    assert.strictEqual(find('url.full'), HOSTILE.jsUrl);
    assert.strictEqual(find('rtl'), HOSTILE.rtl);
    assert.strictEqual(find('zw'), HOSTILE.zeroWidth);
    assert.strictEqual(find('style'), HOSTILE.style);
    assert.strictEqual(find('payload'), HOSTILE.script);
    assert.strictEqual(find('message'), HOSTILE.svg);
    assert.match(find('big')!, /^L{2000}…Show all 10,003 characters$/);
    await page.click('.detail .text-button:text("Show all")');
    const big = await page.$$eval('.detail .kv tr', (trs) => trs.map((tr) => tr.querySelector('td')!.textContent).find((t) => t!.startsWith('LLLL')));
    assert.strictEqual(big, HOSTILE.long);
    assert.strictEqual(await page.textContent('.detail-title'), HOSTILE.script);

    // The 10 kB name in its own detail pane, whole.
    await page.click('.row[data-index="5"] .row-name');
    assert.strictEqual(await page.textContent('.detail-title'), HOSTILE.long);

    // Trace picker and summary: the page title and option text are text too.
    assert.strictEqual(await page.title(), HOSTILE.script);

    // Hover titles / aria labels carry the strings as attribute values, not markup.
    const label = await page.getAttribute('.row[data-index="1"]', 'aria-label');
    assert.ok(label!.startsWith(HOSTILE.img));

    // Search for markup finds it as text.
    await page.fill('.search-input', '<img');
    await page.keyboard.press('Enter');
    assert.match((await page.textContent('.match-count'))!, /of|match/);

    // Nothing ran, nothing was created, nothing was blocked.
    const state = await page.evaluate(() => {
      const w = globalThis as any;
      const d = w.document;
      return {
        pwned: w.__pwned ?? null,
        imgs: d.querySelectorAll('img').length,
        svgs: d.querySelectorAll('svg').length,
        anchors: d.querySelectorAll('a').length,
        scripts: d.querySelectorAll('script').length,
        styles: d.querySelectorAll('style').length,
        handlers: Array.from(d.querySelectorAll('*')).filter((e: any) => Array.from(e.attributes).some((a: any) => a.name.startsWith('on'))).length,
        bodyVisible: w.getComputedStyle(d.body).display !== 'none',
      };
    });
    assert.deepStrictEqual(state, {
      pwned: null,
      imgs: 0,
      svgs: 0,
      anchors: 0,
      scripts: 2, // the nonce'd bundle and the JSON data block
      styles: 3, // codicons, theme, waterfall
      handlers: 0,
      bodyVisible: true,
    });
    assert.deepStrictEqual(observed.cspViolations, []);
    assert.deepStrictEqual(observed.errors, []);
    assert.deepStrictEqual(observed.dialogs, []);
    await page.context().close();
  });

  it('keeps bidi controls inside their own element', async () => {
    const run = buildRunDto(hostileSpans(), { runId: 'hostile' });
    const { page } = await openWaterfall(browser, run, { name: 'bidi' });
    await page.waitForSelector('.row:not([hidden])');
    const bidi = await page.$eval('.row[data-index="3"] .row-name', (e) => (globalThis as any).getComputedStyle(e).unicodeBidi);
    assert.strictEqual(bidi, 'isolate');
    await page.context().close();
  });
});
