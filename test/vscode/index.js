'use strict';
/**
 * The extensionTestsPath module: VS Code loads it inside the extension host and calls run().
 *
 * It runs one suite directory (default `suite/`, or `SPAN_LENS_VSCODE_SUITE`, relative to this
 * folder) with mocha's BDD interface. Test files are plain CommonJS `*.test.js` that
 * `require('vscode')`, so nothing has to be compiled first.
 *
 * Used by both runners: runCodeServer.js (code-server + Chromium, offline) and
 * runElectron.js (@vscode/test-electron, downloads VS Code).
 */
const fs = require('fs');
const path = require('path');
const util = require('util');
const Mocha = require('mocha');

/** Every `*.test.js` under dir, sorted so the order is the same on every machine. */
function findTestFiles(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) files.push(full);
  }
  return files.sort();
}

/**
 * Mocha's reporters print through `Base.consoleLog`. Formatting each line here means the
 * workbench log (which runCodeServer.js streams) gets finished lines rather than `%s` templates
 * and their arguments; reportFile, when given, keeps a copy of the report as an artifact.
 * (console itself cannot be wrapped: the extension host defines its methods with a no-op setter.)
 */
function formatReporterOutput(reportFile) {
  Mocha.reporters.Base.consoleLog = (...args) => {
    const line = util.format(...args);
    console.log(line);
    if (reportFile) fs.appendFileSync(reportFile, line + '\n');
  };
}

/** Called by VS Code once the extension host is up; a rejection makes the test run fail. */
async function run() {
  const suiteName = process.env.SPAN_LENS_VSCODE_SUITE || 'suite';
  const suiteDir = path.resolve(__dirname, suiteName);
  formatReporterOutput(process.env.SPAN_LENS_VSCODE_REPORT);
  const log = Mocha.reporters.Base.consoleLog;

  const files = fs.existsSync(suiteDir) ? findTestFiles(suiteDir) : [];
  if (files.length === 0) {
    // Printed too: VS Code only writes a rejection to the extension host's log file.
    log(`span-lens vscode tests: FAILED: no *.test.js files in ${suiteDir}`);
    throw new Error(`no *.test.js files in ${suiteDir}`);
  }

  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.SPAN_LENS_VSCODE_TEST_TIMEOUT_MS) || 30_000,
    grep: process.env.SPAN_LENS_VSCODE_GREP || undefined,
  });
  for (const file of files) mocha.addFile(file);

  log(`span-lens vscode tests: suite ${suiteName}, ${files.length} file(s), VS Code ${require('vscode').version}`);

  // mocha.run() throws synchronously when a test file fails to load (syntax error, bad require).
  const failures = await new Promise((resolve, reject) => {
    try {
      mocha.run(resolve);
    } catch (err) {
      // The full stack follows in the workbench's log of the rejection.
      log(`span-lens vscode tests: FAILED: could not load the suite: ${String(err.message || err).split('\n')[0]}`);
      reject(err);
    }
  });
  log(`span-lens vscode tests: ${failures === 0 ? 'PASSED' : `FAILED (${failures} failing)`}`);
  if (failures > 0) {
    throw new Error(`${failures} test(s) failed`);
  }
}

module.exports = { run };
