// Builds the Span Lens Java agent (this Maven project) into dist/inject/java/span-lens-agent.jar,
// for `npm run build:inject`. Maven resolves what ~/.m2 lacks from Maven Central (offline first).
// Skipped while the jar in dist matches the sources (a hash of pom.xml and src/). Without mvn the
// extension still builds, saying so: its other languages do not need Java, and Java runs then
// fail with "Span Lens's injection for java is missing" (as do the Java tests), never silently.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');
const out = path.join(repo, 'dist', 'inject', 'java', 'span-lens-agent.jar');
const stampFile = path.join(here, 'target', 'span-lens-agent.stamp');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const hash = createHash('sha256');
for (const f of [path.join(here, 'pom.xml'), ...files(path.join(here, 'src')).sort()]) hash.update(path.relative(here, f)).update('\0').update(fs.readFileSync(f));
const stamp = hash.digest('hex').slice(0, 16);
const readStamp = () => {
  try {
    return fs.readFileSync(stampFile, 'utf8').trim();
  } catch {
    return '';
  }
};
if (fs.existsSync(out) && readStamp() === stamp) process.exit(0);

const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
if (mvn.error || mvn.status !== 0) {
  console.warn(`span-lens: the Java agent was not built (mvn not found: ${mvn.error?.message ?? mvn.stderr.trim()}). Java runs need ${path.relative(repo, out)}: install a JDK 17+ and Maven, then run npm run build:inject.`);
  process.exit(0);
}
const maven = (offline) => spawnSync('mvn', ['-B', '-q', ...(offline ? ['-o'] : []), 'package'], { cwd: here, encoding: 'utf8' });
let run = maven(true);
if (run.status !== 0) run = maven(false);
if (run.status !== 0) {
  process.stderr.write(`${run.stdout}${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, ''));
  console.error('span-lens: building the Java agent failed (mvn package in src/run/inject/java)');
  process.exit(1);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.copyFileSync(path.join(here, 'target', 'span-lens-agent.jar'), out);
fs.writeFileSync(stampFile, stamp);
