'use strict';
/**
 * Makes examples/ runnable as a user's projects would be after their first setup step, so that
 * Run with Span Lens works in every language without touching a setting: the Python example's
 * virtualenv (requirements.txt from PyPI), the Node and TypeScript examples' node_modules (npm).
 * Go, Java and Rust fetch their dependencies themselves on the first run (go run, mvn, cargo).
 * Each step is skipped when done already, and said (not fatal) when its tool is missing.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const examplesDir = path.resolve(__dirname, '..', '..', 'examples');

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(say, command, args, cwd) {
  say(`${path.relative(examplesDir, cwd) || '.'}: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) say(`  (failed: Run on that example will say what is missing)`);
  return r.status === 0;
}

/** Install what the examples need; `say` prints a line. */
function prepareExamples(say) {
  const python = path.join(examplesDir, 'python');
  const venv = path.join(python, '.venv');
  if (!fs.existsSync(path.join(venv, 'bin', 'python'))) {
    if (has('python3')) {
      if (run(say, 'python3', ['-m', 'venv', '.venv'], python)) run(say, path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '-r', 'requirements.txt'], python);
    } else say('python3 not found: the Python example will not run');
  }
  for (const name of fs.readdirSync(examplesDir)) {
    const dir = path.join(examplesDir, name);
    if (!fs.existsSync(path.join(dir, 'package.json')) || fs.existsSync(path.join(dir, 'node_modules'))) continue;
    run(say, 'npm', fs.existsSync(path.join(dir, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], dir);
  }
}

module.exports = { prepareExamples, examplesDir };
