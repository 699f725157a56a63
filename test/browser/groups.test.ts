/**
 * Repeated siblings (#16 item 3): children of one parent with the same name and call site show
 * as one row "×1000 · p50 · max" until opened. Grouped in plain Node, then in headless Chromium.
 */
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { buildRunDto } from '../../src/core/waterfallModel';
import type { Span } from '../../src/core/model';
import { RunView } from '../../webview/data';
import { findGroups, percentile } from '../../webview/groups';
import { span } from './fixtures';
import { launch, openWaterfall, screenshotPath, visibleRows } from './support';

/* eslint-disable @typescript-eslint/no-explicit-any */

const hex = (n: number) => n.toString(16).padStart(16, '0');
const at = (line: number) => ({ file: '/app/loop.js', line, column: 4 });

/**
 * A request that fetches 1,000 rows in a loop (each fetch decodes), reads the cache three times
 * and validates six times from two different lines: only the fetches are a group.
 */
function loopSpans(): Span[] {
  const out: Span[] = [span({ id: hex(1), name: 'handle request', start: 0, end: 30, location: at(1) })];
  let id = 2;
  for (let k = 0; k < 1000; k++) {
    const start = 1 + k * 0.01;
    const fetch = hex(id++);
    // Durations 10 µs, 20 µs, … 10 ms: the median (nearest rank) is 5 ms, the longest 10 ms.
    out.push(span({ id: fetch, parent: hex(1), name: 'db.fetch_row', start, end: start + (k + 1) * 0.01, location: at(5) }));
    out.push(span({ id: hex(id++), parent: fetch, name: 'decode', start, end: start + 0.005, location: at(9) }));
  }
  for (let k = 0; k < 3; k++) out.push(span({ id: hex(id++), parent: hex(1), name: 'cache.get', start: 20 + k, end: 20.5 + k, location: at(12) }));
  for (let k = 0; k < 6; k++) out.push(span({ id: hex(id++), parent: hex(1), name: 'validate', start: 24 + k * 0.5, end: 24.2 + k * 0.5, location: at(k % 2 ? 20 : 10) }));
  out.push(span({ id: hex(id++), parent: hex(1), name: 'render', start: 28, end: 29.5, location: at(30) }));
  return out;
}

describe('grouping repeated siblings', () => {
  it('groups children of one parent by name and call site, with p50 and max', () => {
    const run = buildRunDto(loopSpans(), { runId: 'g', title: 'loop' });
    const view = new RunView(run);
    const t = run.traces[0];
    const { groups, groupOf } = findGroups(run, t.first, t.first + t.count);
    assert.strictEqual(groups.length, 1);
    const g = groups[0];
    assert.strictEqual(view.name(g.head), 'db.fetch_row');
    assert.strictEqual(g.members.length, 1000);
    assert.ok(Array.from(g.members).every((m) => view.name(m) === 'db.fetch_row' && groupOf[m] === 0));
    assert.ok(Math.abs(g.p50! - 5e6) < 1e3, String(g.p50));
    assert.ok(Math.abs(g.max! - 10e6) < 1e3, String(g.max));
    // cache.get ×3 is too few; validate ×6 comes from two lines (3 + 3); decode has 1000 different parents.
    for (let i = t.first; i < t.first + t.count; i++) if (view.name(i) !== 'db.fetch_row') assert.strictEqual(groupOf[i], -1, view.name(i));
    assert.strictEqual(percentile([1, 2, 3, 4], 0.5), 2);
    assert.strictEqual(percentile([7], 0.5), 7);
  });
});

describe('grouped rows in the waterfall (headless Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  const durOf = (page: any, name: string) =>
    page.$$eval('.tree .row:not([hidden])', (rs: any[], n: string) => rs.filter((r) => r.querySelector('.row-name').textContent === n).map((r) => r.querySelector('.row-dur').textContent), name);

  it('shows 1,000 loop iterations as one row "×1000 · p50 · max" that opens and shuts', async () => {
    const run = buildRunDto(loopSpans(), { runId: 'run-g', title: 'loop' });
    const { page, observed } = await openWaterfall(browser, run, { width: 900, height: 500 });
    await page.waitForSelector('.row:not([hidden])');
    const names = async () => (await visibleRows(page)).map((r) => r.name);
    assert.deepStrictEqual(await names(), ['handle request', 'db.fetch_row', 'cache.get', 'cache.get', 'cache.get', 'validate', 'validate', 'validate', 'validate', 'validate', 'validate', 'render']);
    assert.deepStrictEqual(await durOf(page, 'db.fetch_row'), ['×1000 · p50 5 ms · max 10 ms']);
    const label = await page.getAttribute('.row[data-index="1"]', 'aria-label');
    assert.match(label!, /^db\.fetch_row, .*1000 repeated spans, median 5 ms, longest 10 ms$/);
    assert.strictEqual(await page.getAttribute('.row[data-index="1"]', 'aria-expanded'), 'false');
    // The group's bar spans all the repeats: from the first start (1 ms) to the last end (~20 ms) of 30 ms.
    const bar = await page.$eval('.row[data-index="1"]', (r) => {
      const t = r.querySelector('.track')!.getBoundingClientRect();
      const b = r.querySelector('.bar')!.getBoundingClientRect();
      return { left: (b.left - t.left) / t.width, right: (b.right - t.left) / t.width };
    });
    assert.ok(Math.abs(bar.left - 1 / 30) < 0.01 && Math.abs(bar.right - 20.99 / 30) < 0.01, JSON.stringify(bar));
    await page.screenshot({ path: screenshotPath('groups-shut.png') });

    // The twisty opens it: every iteration is a row (and each its decode child).
    await page.click('.row[data-index="1"] .twisty');
    assert.strictEqual(await page.$eval('.tree-spacer', (e) => e.getBoundingClientRect().height), (1 + 2000 + 3 + 6 + 1) * 22);
    assert.deepStrictEqual((await names()).slice(0, 5), ['handle request', 'db.fetch_row', 'decode', 'db.fetch_row', 'decode']);
    assert.strictEqual(await page.textContent('.row[data-index="1"] .row-dur'), '10 µs');
    assert.strictEqual(await page.textContent('.row[data-index="1"] .row-group'), '×1000');
    await page.screenshot({ path: screenshotPath('groups-open.png') });

    // Left on an iteration closes its own children first, then groups the iterations again and
    // selects the group's row (as Left closes a parent).
    await page.click('.row[data-index="3"] .row-name');
    await page.keyboard.press('ArrowLeft');
    assert.strictEqual(await page.getAttribute('.row.selected:not([hidden])', 'aria-expanded'), 'false');
    assert.strictEqual(await page.getAttribute('.row.selected:not([hidden])', 'data-index'), '3');
    await page.keyboard.press('ArrowLeft');
    assert.strictEqual(await page.getAttribute('.row.selected:not([hidden])', 'data-index'), '1');
    assert.deepStrictEqual(await durOf(page, 'db.fetch_row'), ['×1000 · p50 5 ms · max 10 ms']);
    // Right opens it again; the badge shuts it.
    await page.keyboard.press('ArrowRight');
    assert.strictEqual(await page.textContent('.row[data-index="1"] .row-group'), '×1000');
    await page.click('.row[data-index="1"] .row-group');
    assert.deepStrictEqual(await durOf(page, 'db.fetch_row'), ['×1000 · p50 5 ms · max 10 ms']);
    assert.deepStrictEqual(observed.errors, []);
    await page.context().close();
  });

  it('opens a group when search goes to a span inside it; filter mode shows matches one by one', async () => {
    const run = buildRunDto(loopSpans(), { runId: 'run-g2', title: 'loop' });
    const { page } = await openWaterfall(browser, run, { width: 900, height: 500 });
    await page.waitForSelector('.row:not([hidden])');
    // A match hidden in a shut group marks the group's row.
    await page.fill('.search-input', 'decode');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.search-input').dataset.applied === 'decode');
    assert.deepStrictEqual(await page.$$eval('.row.match:not([hidden]) .row-name', (r) => r.map((x) => x.textContent)), ['db.fetch_row']);
    await page.keyboard.press('Enter');
    assert.strictEqual(await page.textContent('.row.selected .row-name'), 'decode');
    assert.strictEqual(await page.textContent('.match-count'), '1 of 1000');
    await page.fill('.search-input', 'name=db.fetch_row duration>=9.99ms');
    await page.keyboard.press('Enter');
    await page.click('.search-filter');
    assert.deepStrictEqual((await visibleRows(page)).map((r) => r.name), ['handle request', 'db.fetch_row', 'db.fetch_row']);
    assert.deepStrictEqual(await durOf(page, 'db.fetch_row'), ['10 ms', '10 ms']);
    await page.context().close();
  });
});
