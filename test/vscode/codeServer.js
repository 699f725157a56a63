'use strict';
/**
 * code-server as a local VS Code: install it, start it on a loopback port, stop it with every
 * process it started. Shared by runCodeServer.js (tests) and start.js (`npm start`).
 * Plain Node; never imports 'vscode'.
 */
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const installDir = process.env.SPAN_LENS_CODE_SERVER_DIR
  ? path.resolve(process.env.SPAN_LENS_CODE_SERVER_DIR)
  : path.join(repoRoot, '.code-server');
const codeServerRoot = path.join(installDir, 'node_modules', 'code-server');
const entryScript = path.join(codeServerRoot, 'out', 'node', 'entry.js');

/** Runs .ci/install-code-server.sh (instant once installed); throws with a readable message. */
function ensureCodeServerInstalled() {
  const script = path.join(repoRoot, '.ci', 'install-code-server.sh');
  const result = spawnSync('bash', [script], { stdio: 'inherit', env: { ...process.env, SPAN_LENS_CODE_SERVER_DIR: installDir } });
  if (result.error) throw new Error(`could not run ${script}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`installing code-server failed (${script} exited with ${result.status}; see above)`);
  if (!fs.existsSync(entryScript)) throw new Error(`code-server is not installed: ${entryScript} is missing`);
}

/** The VS Code version code-server bundles, e.g. "1.100.3". */
function bundledVSCodeVersion() {
  return JSON.parse(fs.readFileSync(path.join(codeServerRoot, 'lib', 'vscode', 'package.json'), 'utf8')).version;
}

/** A loopback port nobody listens on right now (the OS picks it). */
function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server and resolves once it listens. It runs as the leader of its own process
 * group, so stop() reaches the extension host, pty host and file watcher it forks.
 *
 * @param {object} options
 * @param {number} options.port
 * @param {string} options.userDataDir
 * @param {string} options.extensionsDir
 * @param {string} options.folder        the folder code-server opens by default
 * @param {Record<string,string>} [options.env]   extra environment; the extension host inherits it
 * @param {(chunk: string) => void} [options.onOutput]  everything code-server prints
 * @param {number} [options.readyTimeoutMs]
 */
function startCodeServer({ port, userDataDir, extensionsDir, folder, env = {}, onOutput = () => {}, readyTimeoutMs = 60_000 }) {
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  // An explicit (empty) config file: otherwise code-server writes ~/.config/code-server/config.yaml.
  const configFile = path.join(userDataDir, 'code-server-config.yaml');
  if (!fs.existsSync(configFile)) fs.writeFileSync(configFile, '');

  const args = [
    entryScript,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    folder,
  ];
  const child = spawn(process.execPath, args, {
    cwd: folder,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // No marketplace: there is no network, and a gallery query only adds errors to the log.
      EXTENSIONS_GALLERY: '{}',
      ...env,
    },
  });

  let output = '';
  let exited = false;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
  });
  const onData = (data) => {
    const text = data.toString();
    output = (output + text).slice(-20_000);
    onOutput(text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const handle = {
    child,
    url: `http://127.0.0.1:${port}/`,
    exited: exitPromise,
    get output() {
      return output;
    },
    /** SIGTERM to the whole group, SIGKILL after graceMs; resolves when code-server is gone. */
    async stop(graceMs = 3000) {
      if (exited) {
        killGroup(child.pid, 'SIGKILL'); // stragglers the dead leader left behind
        return;
      }
      killGroup(child.pid, 'SIGTERM');
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      if ((await Promise.race([exitPromise.then(() => 'exited'), timer])) !== 'exited') {
        killGroup(child.pid, 'SIGKILL');
        await exitPromise;
      }
      killGroup(child.pid, 'SIGKILL');
    },
    /** Synchronous last resort for process.on('exit'). */
    killNow() {
      killGroup(child.pid, 'SIGKILL');
    },
  };

  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`code-server did not start listening on 127.0.0.1:${port} within ${readyTimeoutMs / 1000}s.\n${tail(output)}`));
    }, readyTimeoutMs);
    const check = () => {
      if (output.includes('HTTP server listening on')) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(handle);
      }
    };
    child.stdout.on('data', check);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start code-server (${process.execPath} ${entryScript}): ${err.message}`));
    });
    exitPromise.then(({ code, signal }) => {
      clearTimeout(timer);
      const inUse = /EADDRINUSE/.test(output) ? ` Port ${port} is already in use.` : '';
      reject(new Error(`code-server exited before it was ready (exit code ${code}${signal ? `, signal ${signal}` : ''}).${inUse}\n${tail(output)}`));
    });
  });
  // Callers that never await `ready` (a crash after start) must not see an unhandled rejection.
  ready.catch(() => {});
  return ready;
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function tail(text, lines = 25) {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).map((line) => `  | ${line}`).join('\n');
}

/**
 * The workbench URL that opens `folder` with `extensionDevelopmentPath` loaded, and, when
 * `extensionTestsPath` is given, runs that module's run() in the extension host.
 */
function workbenchUrl({ port, folder, extensionDevelopmentPath, extensionTestsPath }) {
  // Paths in the payload are on the code-server side: vscode-remote://<the page's authority>.
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  payload.push(['skipWelcome', 'true']);
  return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(path.resolve(folder))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

module.exports = {
  repoRoot,
  installDir,
  ensureCodeServerInstalled,
  bundledVSCodeVersion,
  findFreePort,
  startCodeServer,
  workbenchUrl,
  tail,
};
