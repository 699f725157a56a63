'use strict';
/**
 * Lets a test in the extension host ask for a screenshot of the workbench.
 *
 * The test runs in Node, the page in Chromium, and only the runner talks to both. So the test
 * drops a request file into SPAN_LENS_SCREENSHOT_DIR; runCodeServer.js polls that directory,
 * takes the screenshot, and answers with `<name>.done` ({ file } or { error }).
 *
 *   const { screenshot } = require('../screenshot');
 *   await screenshot('waterfall-open');   // -> test-results/vscode-waterfall-open.png
 *
 * Under a runner without a page to capture (runElectron.js) it does nothing and resolves undefined.
 */
const fs = require('fs');
const path = require('path');

/**
 * @param {string} name  letters, digits, `.`, `_`, `-`; becomes part of the file name
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<string | undefined>} the PNG's path, or undefined when no runner takes screenshots
 */
async function screenshot(name, { timeoutMs = 30_000 } = {}) {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`screenshot name ${JSON.stringify(name)}: use letters, digits, . _ -`);
  const dir = process.env.SPAN_LENS_SCREENSHOT_DIR;
  if (!dir) return undefined;

  const request = path.join(dir, `${name}.request`);
  const answer = path.join(dir, `${name}.done`);
  fs.rmSync(answer, { force: true });
  // Write then rename, so the runner never sees a half-written request.
  fs.writeFileSync(`${request}.tmp`, JSON.stringify({ name, at: Date.now() }));
  fs.renameSync(`${request}.tmp`, request);

  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(answer)) {
    if (Date.now() > deadline) {
      fs.rmSync(request, { force: true });
      throw new Error(`screenshot ${name}: the runner did not answer within ${timeoutMs / 1000}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const result = JSON.parse(fs.readFileSync(answer, 'utf8'));
  fs.rmSync(answer, { force: true });
  if (result.error) throw new Error(`screenshot ${name}: ${result.error}`);
  return result.file;
}

module.exports = { screenshot };
