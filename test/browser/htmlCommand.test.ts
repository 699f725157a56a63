/**
 * `span-lens html FILE -o trace.html` on real console exporter output: the file is one
 * self-contained page that shows the waterfall offline.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { htmlCommand } from '../../src/cli/html';
import { ensureBuilt, launch, RESULTS, ROOT } from './support';

const FIXTURE = path.resolve(ROOT, '../shared/fixtures/python/checkout_simple/stdout.txt');

describe('span-lens html', function () {
  this.timeout(60_000);
  let browser: Browser;
  before(async function () {
    ensureBuilt();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let stderr = '';
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    }) as typeof process.stderr.write;
    try {
      return { value: await fn(), stderr };
    } finally {
      process.stderr.write = write;
    }
  }

  it('writes a self-contained page that shows the trace offline', async function () {
    if (!fs.existsSync(FIXTURE)) this.skip();
    fs.mkdirSync(RESULTS, { recursive: true });
    const out = path.join(RESULTS, 'checkout_simple.html');
    const { value: code, stderr } = await quietly(() => htmlCommand([FIXTURE, '-o', out]));
    assert.strictEqual(code, 0, stderr);
    assert.match(stderr, /wrote .*checkout_simple\.html \(\d+ spans, 1 trace\)/);
    const html = fs.readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /<link|src="http|url\(["']?http/);

    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('file://' + out);
    await page.waitForSelector('.row:not([hidden])');
    const rows = await page.$$eval('.row:not([hidden]) .row-name', (r) => r.map((x) => x.textContent));
    assert.ok(rows.length >= 2, JSON.stringify(rows));
    assert.deepStrictEqual(requests, ['file://' + out]);
    assert.deepStrictEqual(errors, []);
    await page.close();
  });

  it('fails in the user’s words on a missing file, no spans, or bad arguments', async () => {
    let r = await quietly(() => htmlCommand(['/nonexistent/run.txt', '-o', '/tmp/x.html']));
    assert.strictEqual(r.value, 2);
    assert.match(r.stderr, /no such file/);
    const empty = path.join(RESULTS, 'empty.txt');
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(empty, 'hello world\n');
    r = await quietly(() => htmlCommand([empty, '-o', path.join(RESULTS, 'empty.html')]));
    assert.strictEqual(r.value, 1);
    assert.match(r.stderr, /no spans found/);
    r = await quietly(() => htmlCommand([empty, '-o']));
    assert.strictEqual(r.value, 2);
  });
});
