#!/usr/bin/env node
'use strict';
/**
 * Runs the editor test tier inside a real VS Code extension host, offline: code-server serves
 * the workbench, headless Chromium (playwright-core) renders it, and VS Code's extension-test
 * mode calls test/vscode/index.js in code-server's Node extension host.
 *
 *   npm run test:vscode                       both passes (see plan.js), after `npm run build`
 *   node test/vscode/runCodeServer.js --pass untrusted
 *   node test/vscode/runCodeServer.js --suite suite --workspace examples --untrusted
 *   node test/vscode/runCodeServer.js --grep smoke
 *
 * Builds nothing: it loads dist/ as it is. Exits with the suites' result; code-server and
 * Chromium are always stopped. Output lands in test-results/: vscode-workbench.png (the final
 * workbench), vscode-<name>.png (screenshots the tests asked for), vscode-logs/<pass>/.
 *
 * Environment:
 *   SPAN_LENS_CODE_SERVER_DIR      code-server install (default <repo>/.code-server)
 *   SPAN_LENS_CODE_SERVER_PORT     a fixed port instead of a free one
 *   SPAN_LENS_CHROMIUM             the Chromium binary (default: Debian's)
 *   SPAN_LENS_VSCODE_TIMEOUT_MS    whole run, per pass (default 600000)
 *   SPAN_LENS_VSCODE_STARTUP_TIMEOUT_MS   until the first test output (default 120000)
 *   SPAN_LENS_VSCODE_VERBOSE=1     also print code-server's output and the workbench's info log
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const codeServer = require('./codeServer');
const plan = require('./plan');

const repoRoot = plan.repoRoot;
const resultsDir = path.join(repoRoot, 'test-results');
const verbose = process.env.SPAN_LENS_VSCODE_VERBOSE === '1';
const overallTimeoutMs = Number(process.env.SPAN_LENS_VSCODE_TIMEOUT_MS) || 600_000;
const startupTimeoutMs = Number(process.env.SPAN_LENS_VSCODE_STARTUP_TIMEOUT_MS) || 120_000;

/** Everything that must die with this process, whatever way it ends. */
const live = { codeServer: undefined, browser: undefined, tempRoot: undefined };

function say(message) {
  process.stdout.write(`[vscode] ${message}\n`);
}

function seconds(fromMs) {
  return `${((Date.now() - fromMs) / 1000).toFixed(1)}s`;
}

function findChromium() {
  const chosen = process.env.SPAN_LENS_CHROMIUM;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`SPAN_LENS_CHROMIUM=${chosen} does not exist`);
    return chosen;
  }
  const candidates = [
    '/usr/lib/chromium/chromium', // Debian's binary behind the /usr/bin/chromium shell wrapper
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error('Chromium not found: apt-get install chromium, or set SPAN_LENS_CHROMIUM to a Chrome/Chromium binary');
  return found;
}

/** Whatever the workbench logged, as one line. */
function formatLogMessage(message) {
  const parts = Array.isArray(message) ? message : [message];
  return parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
}

/**
 * Decides which workbench log messages reach stdout. The extension host's console output
 * (mocha's report, the tests' own console.log) arrives through the same log as the workbench's
 * chatter, in order; index.js brackets the run with "span-lens vscode tests:" lines, and what
 * lies between them is shown. Outside that window only errors are shown.
 */
function createLogFilter() {
  const banner = 'span-lens vscode tests:';
  // Workbench messages seen inside the window that say nothing about the tests.
  const noise = [/^Ignoring fetching additional builtin extensions from gallery/, /^Updating additional builtin extensions cache/];
  let inside = false;
  let seenBanner = false;
  return {
    get started() {
      return seenBanner;
    },
    /** The text to print for one message, or undefined. */
    filter(level, line) {
      if (line.startsWith(banner)) {
        seenBanner = true;
        if (line.startsWith(`${banner} suite `)) inside = true;
        else if (/^span-lens vscode tests: (PASSED|FAILED)/.test(line)) inside = false;
        return line;
      }
      if (inside) return noise.some((pattern) => pattern.test(line)) ? undefined : line;
      if (level === 'error') return `[workbench error] ${line}`;
      return verbose ? `[workbench ${level}] ${line}` : undefined;
    },
  };
}

/**
 * Answers the screenshot requests written by test/vscode/screenshot.js.
 * Returns stop(); requests still pending then are answered with an error.
 */
function serveScreenshotRequests(requestDir, takeScreenshot) {
  let busy = false;
  const answer = (name, result) => {
    const done = path.join(requestDir, `${name}.done`);
    fs.writeFileSync(`${done}.tmp`, JSON.stringify(result));
    fs.renameSync(`${done}.tmp`, done);
    fs.rmSync(path.join(requestDir, `${name}.request`), { force: true });
  };
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const file of fs.readdirSync(requestDir)) {
        if (!file.endsWith('.request')) continue;
        const name = file.slice(0, -'.request'.length);
        try {
          answer(name, { file: await takeScreenshot(name) });
        } catch (err) {
          answer(name, { error: err.message });
        }
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => poll().catch((err) => say(`screenshot request failed: ${err.message}`)), 150);
  return () => {
    clearInterval(timer);
    for (const file of fs.readdirSync(requestDir)) {
      if (file.endsWith('.request')) answer(file.slice(0, -'.request'.length), { error: 'the test run ended' });
    }
  };
}

/**
 * One pass: a fresh profile, code-server, Chromium, the suite. Resolves with the suite's exit
 * code; rejects when VS Code could not be started or did not finish in time.
 */
async function runPass(pass, { grep, chromiumPath, vscodeVersion }) {
  plan.preparePass(pass, (m) => say(`${pass.name}: ${m}`));
  const started = Date.now();
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), `span-lens-vscode-${pass.name}-`));
  live.tempRoot = tempRoot;
  const logDir = path.join(resultsDir, 'vscode-logs', pass.name);
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const requestDir = path.join(tempRoot, 'screenshot-requests');
  fs.mkdirSync(requestDir);
  const reportFile = path.join(tempRoot, 'report.txt');
  const userDataDir = path.join(tempRoot, 'user-data');
  plan.writeUserSettings(userDataDir, plan.userSettings({ trusted: pass.trusted }));

  const codeServerLog = fs.openSync(path.join(logDir, 'code-server.log'), 'w');
  const workbenchLog = fs.openSync(path.join(logDir, 'workbench.log'), 'w');
  let stopScreenshots = () => {};
  const timers = [];

  try {
    const fixedPort = Number(process.env.SPAN_LENS_CODE_SERVER_PORT);
    const port = fixedPort || (await codeServer.findFreePort());
    const server = await codeServer.startCodeServer({
      port,
      userDataDir,
      extensionsDir: path.join(tempRoot, 'extensions'),
      folder: pass.workspace,
      env: {
        // Read by index.js / screenshot.js / the suites inside the extension host.
        SPAN_LENS_VSCODE_SUITE: pass.suite,
        SPAN_LENS_VSCODE_REPORT: reportFile,
        SPAN_LENS_SCREENSHOT_DIR: requestDir,
        SPAN_LENS_EXPECT_VSCODE_VERSION: vscodeVersion,
        // A suite that reloads the window runs twice; this file tells the second time from the first.
        SPAN_LENS_RELOAD_MARKER: path.join(tempRoot, 'reloaded'),
        ...(grep ? { SPAN_LENS_VSCODE_GREP: grep } : {}),
      },
      onOutput: (text) => {
        fs.writeSync(codeServerLog, text);
        if (verbose) process.stdout.write(text.replace(/^/gm, '[code-server] '));
      },
    }).catch((err) => {
      if (fixedPort && /already in use/.test(err.message)) err.message += `\n  (SPAN_LENS_CODE_SERVER_PORT=${fixedPort}: unset it to let the runner pick a free port)`;
      throw err;
    });
    live.codeServer = server;
    say(`${pass.name}: code-server listening on port ${port} after ${seconds(started)}; suite test/vscode/${pass.suite} on ${path.relative(repoRoot, pass.workspace) || '.'}, ${pass.trusted ? 'trusted' : 'untrusted (Restricted Mode)'}`);

    const { chromium } = require('playwright-core');
    live.browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      // Signals are handled at the bottom of this file, for code-server and Chromium together.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--no-default-browser-check',
      ],
    });
    const page = await live.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const shoot = async (fileName) => {
      const file = path.join(resultsDir, fileName);
      await page.screenshot({ path: file, timeout: 15_000 });
      return file;
    };

    const logFilter = createLogFilter();
    stopScreenshots = serveScreenshotRequests(requestDir, (name) => shoot(`${plan.screenshotPrefix(pass)}${name}.png`));

    let settle;
    const outcome = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    outcome.catch(() => {}); // awaited below; a rejection before that must not crash the process
    // The workbench calls these two when it runs in extension-test mode.
    await page.exposeFunction('codeAutomationLog', (level, message) => {
      const line = formatLogMessage(message);
      fs.writeSync(workbenchLog, `[${level}] ${line}\n`);
      const wasStarted = logFilter.started;
      const shown = logFilter.filter(level, line);
      if (!wasStarted && logFilter.started) say(`${pass.name}: tests started ${seconds(started)} after start`);
      if (shown !== undefined) process.stdout.write(shown + '\n');
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      for (const log of Array.isArray(logs) ? logs : []) {
        const file = path.join(logDir, 'workbench-logs', log.relativePath);
        if (!file.startsWith(logDir)) continue;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, log.contents);
      }
      settle.resolve(code);
    });
    page.on('crash', () => settle.reject(new Error('the workbench page crashed')));
    live.browser.on('disconnected', () => settle.reject(new Error('Chromium exited during the run')));
    server.exited.then(({ code, signal }) =>
      settle.reject(new Error(`code-server exited during the run (exit code ${code}${signal ? `, signal ${signal}` : ''}).\n${codeServer.tail(server.output)}`)));
    timers.push(setTimeout(() => {
      if (!logFilter.started) settle.reject(new Error(`no test output ${startupTimeoutMs / 1000}s after start: the extension host did not run test/vscode/index.js (see ${path.relative(repoRoot, logDir)}/)`));
    }, startupTimeoutMs));
    timers.push(setTimeout(() => settle.reject(new Error(`the suite did not finish within ${overallTimeoutMs / 1000}s`)), overallTimeoutMs));

    const url = codeServer.workbenchUrl({
      port,
      folder: pass.workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(__dirname, 'index.js'),
    });
    fs.writeFileSync(path.join(logDir, 'url.txt'), url + '\n');
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    let code;
    try {
      code = await outcome;
    } finally {
      // The last state of the workbench, even after a timeout: often the quickest diagnosis.
      await shoot(`${plan.screenshotPrefix(pass)}workbench.png`).catch((err) => interrupted || say(`${pass.name}: no final screenshot: ${err.message}`));
    }
    say(`${pass.name}: ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${seconds(started)}`);
    return code;
  } finally {
    timers.forEach(clearTimeout);
    if (fs.existsSync(reportFile)) fs.copyFileSync(reportFile, path.join(logDir, 'report.txt'));
    stopScreenshots();
    await stopEverything();
    // The server side's own logs (remote agent, extension host, language servers).
    const serverLogs = path.join(userDataDir, 'logs');
    if (fs.existsSync(serverLogs)) fs.cpSync(serverLogs, path.join(logDir, 'server-logs'), { recursive: true });
    fs.closeSync(codeServerLog);
    fs.closeSync(workbenchLog);
    fs.rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
    live.tempRoot = undefined;
  }
}

async function stopEverything() {
  const { browser, codeServer: server } = live;
  live.browser = undefined;
  live.codeServer = undefined;
  await Promise.all([
    browser?.close().catch(() => {}),
    server?.stop(),
  ]);
}

async function main() {
  const { passes, grep } = plan.parseArgs(process.argv.slice(2));
  const distMain = path.join(repoRoot, 'dist', 'extension.js');
  if (!fs.existsSync(distMain)) {
    throw new Error(`${path.relative(repoRoot, distMain)} is missing: run \`npm run build\` first (npm test does)`);
  }
  const chromiumPath = findChromium();
  codeServer.ensureCodeServerInstalled();
  const vscodeVersion = codeServer.bundledVSCodeVersion();
  fs.mkdirSync(resultsDir, { recursive: true });

  let exitCode = 0;
  for (const pass of passes) {
    const code = await runPass(pass, { grep, chromiumPath, vscodeVersion });
    if (code !== 0) exitCode = 1;
  }
  return exitCode;
}

// Whatever ends this process, code-server's group goes with it (playwright-core does the same
// for Chromium from its own exit handler).
process.on('exit', () => {
  live.codeServer?.killNow();
  if (live.tempRoot) fs.rmSync(live.tempRoot, { recursive: true, force: true });
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}: stopping code-server and Chromium`);
    setTimeout(() => process.exit(130), 5000).unref();
    stopEverything().finally(() => process.exit(130));
  });
}

main().then(
  (code) => {
    if (!interrupted) process.exit(code);
  },
  (err) => {
    // After Ctrl-C the run fails because its browser went away; that is not news.
    if (interrupted) return;
    say(`ERROR: ${err.message}`);
    stopEverything().finally(() => process.exit(1));
  },
);
