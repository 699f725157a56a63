/**
 * dist/inject/node-ts-main.js: starts a TypeScript file as the program's main module.
 *
 * `node file.ts` would hand a file in a `"type": "module"` package to the ESM loader, which
 * knows nothing of .ts; loading it through the CommonJS loader (where the preload's TS hook
 * lives) works everywhere. argv is rewritten so the program sees `node file.ts args...`.
 */
import * as path from 'path';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const Module: any = require('module');
/** The preload's agent key (agent.ts AGENT_KEY; not imported, so this file stays tiny). */
const AGENT_KEY = Symbol.for('span-lens.node.agent');

// The program's own NODE_OPTIONS handling may have dropped our --require: load the agent here.
if (!(globalThis as any)[AGENT_KEY]) {
  try {
    require(path.join(__dirname, 'node-preload.js'));
  } catch {
    /* run untraced rather than not at all */
  }
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node node-ts-main.js FILE [ARGS...]\n');
  process.exit(2);
}
const main = path.resolve(file);
process.argv.splice(1, 2, main);
Module._load(main, null, true);
