#!/usr/bin/env node
'use strict';
/**
 * The same editor suites as runCodeServer.js, in desktop VS Code through @vscode/test-electron
 * (which downloads VS Code into .vscode-test/ the first time; needs network, and a display on
 * Linux: `xvfb-run -a npm run test:electron`).
 *
 *   npm run test:electron                     both passes (see plan.js), after `npm run build`
 *   node test/vscode/runElectron.js --pass untrusted
 *
 * Environment:
 *   SPAN_LENS_VSCODE_VERSION      'stable' (default), 'insiders' or e.g. '1.100.3'
 *   SPAN_LENS_VSCODE_EXECUTABLE   an installed VS Code (the Electron binary) instead of a download
 *   SPAN_LENS_VSCODE_TIMEOUT_MS   per pass (default 600000)
 *
 * Screenshots are not taken here: screenshot() in a suite resolves undefined.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests, downloadAndUnzipVSCode, TestRunFailedError } = require('@vscode/test-electron');
const plan = require('./plan');

const repoRoot = plan.repoRoot;
const extensionTestsPath = path.join(__dirname, 'index.js');
const version = process.env.SPAN_LENS_VSCODE_VERSION || 'stable';
const vscodeExecutablePath = process.env.SPAN_LENS_VSCODE_EXECUTABLE || undefined;
const timeoutMs = Number(process.env.SPAN_LENS_VSCODE_TIMEOUT_MS) || 600_000;

function say(message) {
  process.stdout.write(`[vscode-electron] ${message}\n`);
}

/** Environment for index.js and the suites, as runCodeServer.js sets it (minus screenshots). */
function testEnv(pass, grep, reportFile) {
  return {
    SPAN_LENS_VSCODE_SUITE: pass.suite,
    SPAN_LENS_VSCODE_REPORT: reportFile,
    // Only a pinned version is worth asserting; 'stable' moves.
    SPAN_LENS_EXPECT_VSCODE_VERSION: /^\d+\.\d+\.\d+$/.test(version) ? version : undefined,
    SPAN_LENS_VSCODE_GREP: grep,
    SPAN_LENS_SCREENSHOT_DIR: undefined,
  };
}

/**
 * The trusted pass goes through runTests() as documented. runTests() always adds
 * --disable-workspace-trust, which would make every workspace trusted, so the untrusted pass
 * downloads through the same API and starts VS Code itself with runTests()'s other flags.
 */
async function runPass(pass, grep) {
  plan.preparePass(pass, (m) => console.log(`${pass.name}: ${m}`));
  const started = Date.now();
  const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), `span-lens-electron-${pass.name}-`));
  const userDataDir = path.join(tempRoot, 'user-data');
  const extensionsDir = path.join(tempRoot, 'extensions');
  plan.writeUserSettings(userDataDir, plan.userSettings({ trusted: pass.trusted }));
  const resultsDir = path.join(repoRoot, 'test-results', 'vscode-electron-logs', pass.name);
  fs.mkdirSync(resultsDir, { recursive: true });
  const reportFile = path.join(resultsDir, 'report.txt');
  fs.rmSync(reportFile, { force: true });

  const launchArgs = [
    pass.workspace,
    // Only Span Lens (the development extension) and the built-in ones.
    '--disable-extensions',
    `--user-data-dir=${userDataDir}`,
    `--extensions-dir=${extensionsDir}`,
  ];
  const env = testEnv(pass, grep, reportFile);
  say(`${pass.name}: VS Code ${vscodeExecutablePath || version}, suite test/vscode/${pass.suite} on ${path.relative(repoRoot, pass.workspace) || '.'}, ${pass.trusted ? 'trusted' : 'untrusted (Restricted Mode)'}`);

  try {
    let code;
    if (pass.trusted) {
      code = await withTimeout(
        runTests({ version, vscodeExecutablePath, extensionDevelopmentPath: repoRoot, extensionTestsPath, extensionTestsEnv: env, launchArgs })
          .catch((err) => {
            if (err instanceof TestRunFailedError) return err.code ?? 1;
            throw err;
          }),
      );
    } else {
      const executable = vscodeExecutablePath || (await downloadAndUnzipVSCode({ version }));
      code = await runWithoutTrustOverride(executable, [
        ...launchArgs,
        '--no-sandbox',
        '--disable-gpu-sandbox',
        '--disable-updates',
        '--skip-welcome',
        '--skip-release-notes',
        `--extensionTestsPath=${extensionTestsPath}`,
        `--extensionDevelopmentPath=${repoRoot}`,
      ], env);
    }
    say(`${pass.name}: ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return code;
  } finally {
    fs.rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  }
}

/**
 * runTests() gives no handle on the VS Code process; on timeout its own Ctrl-C handling stops
 * it: a first SIGINT closes VS Code gracefully, a second one kills its process tree.
 */
function withTimeout(promise) {
  let timedOut = false;
  const timers = [
    setTimeout(() => {
      timedOut = true;
      say(`the suite did not finish within ${timeoutMs / 1000}s: closing VS Code`);
      process.emit('SIGINT');
    }, timeoutMs),
    setTimeout(() => process.emit('SIGINT'), timeoutMs + 10_000),
  ];
  return promise.finally(() => timers.forEach(clearTimeout)).then((code) => {
    if (timedOut) throw new Error(`the suite did not finish within ${timeoutMs / 1000}s`);
    return code;
  });
}

/** Starts VS Code as runTests() would, minus --disable-workspace-trust; resolves its exit code. */
function runWithoutTrustOverride(executable, args, extraEnv) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    for (const [key, value] of Object.entries(extraEnv)) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const windows = process.platform === 'win32';
    // Its own process group, so a timeout can take the renderer and extension host with it.
    const child = spawn(executable, args, { env, stdio: ['ignore', 'inherit', 'inherit'], shell: windows, detached: !windows });
    const killAll = (signal) => {
      try {
        if (windows) child.kill(signal);
        else process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const onSignal = () => killAll('SIGINT');
    process.once('SIGINT', onSignal);
    const timer = setTimeout(() => {
      killAll('SIGKILL');
      reject(new Error(`the suite did not finish within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${executable}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onSignal);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  const { passes, grep } = plan.parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('dist/extension.js is missing: run `npm run build` first');
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('no DISPLAY: VS Code needs one on Linux; try `xvfb-run -a npm run test:electron` (offline, use `npm run test:vscode`)');
  }
  let exitCode = 0;
  for (const pass of passes) {
    if ((await runPass(pass, grep)) !== 0) exitCode = 1;
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    say(`ERROR: ${err.message}`);
    process.exit(1);
  },
);
