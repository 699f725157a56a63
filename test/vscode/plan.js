'use strict';
/**
 * What the editor test tier runs, shared by runCodeServer.js and runElectron.js: which suite
 * directory, on which fixture folder, with workspace trust granted or not.
 *
 * By default all passes run, each in a fresh profile:
 *   trusted     test/vscode/suite/      on test/fixtures/workspace, trust granted
 *   untrusted   test/vscode/untrusted/  on test/fixtures/workspace, Restricted Mode
 *   examples    test/vscode/examples/   on examples/ (made runnable first, as npm start does), trusted
 *   reload      test/vscode/reload/     on test/fixtures/workspace: a run, Reload Window, the run is back
 *
 * Command line (both runners):
 *   --pass <name>          only that pass (repeatable)
 *   --suite <dir>          a custom pass: suite directory relative to test/vscode/ ...
 *   --workspace <folder>   ... on this folder (default test/fixtures/workspace) ...
 *   --untrusted            ... in Restricted Mode (default: trusted)
 *   --grep <regex>         only tests whose full title matches
 */
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const defaultWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');
const { prepareExamples, examplesDir } = require('./prepareExamples');

/** @typedef {{ name: string, suite: string, workspace: string, trusted: boolean }} Pass */

/** @type {Pass[]} */
const defaultPasses = [
  { name: 'trusted', suite: 'suite', workspace: defaultWorkspace, trusted: true },
  { name: 'untrusted', suite: 'untrusted', workspace: defaultWorkspace, trusted: false },
  { name: 'examples', suite: 'examples', workspace: examplesDir, trusted: true },
  // Runs a file, reloads the window (a new extension host, the same workspace storage), checks it is back.
  { name: 'reload', suite: 'reload', workspace: defaultWorkspace, trusted: true },
];

/** What a pass's folder needs before VS Code opens it (examples/: its virtualenv and npm packages). */
function preparePass(pass, say) {
  if (path.resolve(pass.workspace) === examplesDir) prepareExamples(say);
}

/** Reads the command line above; throws on anything it does not understand. */
function parseArgs(argv) {
  const only = [];
  let suite;
  let workspace;
  let untrusted = false;
  let grep;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--pass': only.push(value()); break;
      case '--suite': suite = value(); break;
      case '--workspace': workspace = value(); break;
      case '--untrusted': untrusted = true; break;
      case '--grep': grep = value(); break;
      default: throw new Error(`unknown argument ${arg}`);
    }
  }

  let passes;
  if (suite || workspace || untrusted) {
    if (only.length) throw new Error('--pass cannot be combined with --suite/--workspace/--untrusted');
    const suiteDir = suite || (untrusted ? 'untrusted' : 'suite');
    passes = [{
      name: untrusted ? 'untrusted' : 'trusted',
      suite: suiteDir,
      workspace: workspace ? path.resolve(workspace) : defaultWorkspace,
      trusted: !untrusted,
    }];
  } else if (only.length) {
    passes = only.map((name) => {
      const pass = defaultPasses.find((p) => p.name === name);
      if (!pass) throw new Error(`no pass named ${name} (passes: ${defaultPasses.map((p) => p.name).join(', ')})`);
      return pass;
    });
  } else {
    passes = defaultPasses;
  }

  for (const pass of passes) {
    if (!fs.existsSync(pass.workspace)) throw new Error(`workspace folder ${pass.workspace} does not exist`);
    if (!fs.existsSync(path.join(__dirname, pass.suite))) throw new Error(`suite directory test/vscode/${pass.suite} does not exist`);
  }
  return { passes, grep };
}

/**
 * User settings for a profile that starts quietly and never waits for a click.
 * Untrusted keeps workspace trust on, so a folder nobody trusted opens in Restricted Mode; the
 * startup prompt is off in both cases because a modal dialog would block the tests.
 */
function userSettings({ trusted }) {
  return {
    'security.workspace.trust.enabled': !trusted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.untrustedFiles': 'open',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    // The fixtures live inside this repo's git checkout; the git extension would ask about it.
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'npm.autoDetect': 'off',
  };
}

/** Writes `<userDataDir>/User/settings.json`, replacing what was there. */
function writeUserSettings(userDataDir, settings) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2) + '\n');
}

/** The file prefix for a pass's screenshots: `vscode-` for the trusted pass, `vscode-<name>-` otherwise. */
function screenshotPrefix(pass) {
  return pass.name === 'trusted' ? 'vscode-' : `vscode-${pass.name}-`;
}

module.exports = { repoRoot, defaultPasses, parseArgs, preparePass, userSettings, writeUserSettings, screenshotPrefix };
