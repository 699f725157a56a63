#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a browser VS Code (code-server, offline) with this checkout of Span Lens loaded
 * as a development extension and examples/ open, trusted. Prints the URL and runs until Ctrl-C.
 *
 *   npm start
 *   npm start -- --port 8081 --folder test/fixtures/workspace
 *
 * Builds dist/ first if it is missing; after changing the code, `npm run build` and run
 * "Developer: Reload Window" in the page. The profile (settings, state) is kept in
 * <code-server dir>/dev-profile between runs. code-server listens on 127.0.0.1 only; from
 * another machine, forward the port (ssh -L PORT:127.0.0.1:PORT).
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const codeServer = require('./codeServer');
const plan = require('./plan');
const { prepareExamples } = require('./prepareExamples');

const repoRoot = codeServer.repoRoot;

function say(message) {
  process.stdout.write(`[span-lens] ${message}\n`);
}

function parseArgs(argv) {
  const options = { port: Number(process.env.SPAN_LENS_PORT) || undefined, folder: path.join(repoRoot, 'examples') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--port') options.port = Number(value());
    else if (arg === '--folder') options.folder = path.resolve(value());
    else throw new Error(`unknown argument ${arg} (use --port N, --folder DIR)`);
  }
  if (options.port !== undefined && !(options.port > 0 && options.port < 65536)) throw new Error('--port needs a number between 1 and 65535');
  if (!fs.existsSync(options.folder)) throw new Error(`folder ${options.folder} does not exist`);
  return options;
}

/** 8080 when it is free, so the URL stays the same between runs; any free port otherwise. */
async function choosePort() {
  const free = await new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(8080, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? 8080 : codeServer.findFreePort();
}

/** Our quiet, trusted defaults under whatever the user changed in the profile's settings. */
function writeDevSettings(userDataDir) {
  const file = path.join(userDataDir, 'User', 'settings.json');
  let existing = {};
  if (fs.existsSync(file)) {
    try {
      existing = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      say(`${file} is not plain JSON (comments?); leaving it as it is`);
      return;
    }
  }
  plan.writeUserSettings(userDataDir, { ...plan.userSettings({ trusted: true }), ...existing });
}

/** True when `command` is on PATH. */
function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** What a fresh clone on a fresh Debian machine lacks: npm packages, and ripgrep for code-server. */
function installPrerequisites() {
  if (!fs.existsSync(path.join(repoRoot, 'node_modules', '.package-lock.json'))) {
    say('installing the npm dependencies: npm ci');
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: 'inherit' });
    if (ci.status !== 0) throw new Error('npm ci failed (see above)');
  }
  if (!hasCommand('rg')) {
    if (process.getuid && process.getuid() === 0 && hasCommand('apt-get')) {
      say('installing ripgrep (code-server searches with it): apt-get install ripgrep');
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      const apt = spawnSync('apt-get', ['install', '-y', '-qq', 'ripgrep'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (apt.status !== 0) throw new Error('apt-get install ripgrep failed (see above)');
    } else throw new Error('ripgrep not found: sudo apt-get install ripgrep, then npm start again');
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  installPrerequisites();
  codeServer.ensureCodeServerInstalled();
  if (options.folder === path.join(repoRoot, 'examples')) prepareExamples(say);
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    say('dist/ is not built yet: npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed (see above)');
  }

  const profileDir = path.join(codeServer.installDir, 'dev-profile');
  const userDataDir = path.join(profileDir, 'user-data');
  writeDevSettings(userDataDir);
  const logFile = path.join(profileDir, 'code-server.log');
  const log = fs.openSync(logFile, 'w');

  const port = options.port || (await choosePort());
  const server = await codeServer.startCodeServer({
    port,
    userDataDir,
    extensionsDir: path.join(profileDir, 'extensions'),
    folder: options.folder,
    onOutput: (text) => fs.writeSync(log, text),
  });

  const url = codeServer.workbenchUrl({ port, folder: options.folder, extensionDevelopmentPath: repoRoot });
  say(`VS Code ${codeServer.bundledVSCodeVersion()} with Span Lens from ${repoRoot}, folder ${options.folder}`);
  say(`open:  ${url}`);
  say(`(the plain http://127.0.0.1:${port}/ does not load Span Lens; code-server log: ${logFile})`);
  say('Ctrl-C to stop');

  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping code-server`);
    server.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  process.on('exit', () => server.killNow());

  const { code, signal } = await server.exited;
  if (!stopping) {
    say(`code-server exited unexpectedly (exit code ${code}${signal ? `, signal ${signal}` : ''}):\n${codeServer.tail(server.output)}`);
    process.exit(1);
  }
}

main().catch((err) => {
  say(`ERROR: ${err.message}`);
  process.exit(1);
});
