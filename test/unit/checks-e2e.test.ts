/**
 * The checks over real traced programs (test/fixtures/checks/<rule>/bad.js and good.js), run with
 * Span Lens's own runFile and the real OpenTelemetry JS SDK: each line marked `// expect: <rule>`
 * gets a finding of that rule, each corrected twin gets no finding at all, and each quick fix
 * applied to a bad program makes its rule go quiet when the program is run again.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Analysis } from '../../src/core/analyze';
import { RULES } from '../../src/core/checks';
import { FIXABLE_RULES } from '../../src/core/fixes';
import { applyFirstFixes, expectedLines, inPool } from './checks-support';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'checks');
const RUN_FILE = path.join(ROOT, 'src', 'run', 'runFile.ts');
const PRELOAD = path.join(ROOT, 'dist', 'inject', 'node-preload.js');

/** The fixture folders live under test/, which console-exporter-in-code leaves alone by default. */
const CONFIG = { rules: { 'console-exporter-in-code': { ignoredFolders: [] as string[] } } };

/** Known gaps outside the checks: the case is skipped with the reason until they are fixed. */
const KNOWN_GAPS: Record<string, string> = {};

function whyUnavailable(): string | null {
  if (!fs.existsSync(RUN_FILE)) return 'src/run/runFile.ts does not exist yet';
  if (!fs.existsSync(PRELOAD)) return 'the Node injection is not built (npm run build:inject)';
  return null;
}

interface Run {
  file: string;
  text: string;
  analysis: Analysis;
  error?: string;
  spans: number;
}

async function runAndCheck(file: string, env?: Record<string, string>): Promise<Run> {
  // Loaded only once the module is known to exist (see whyUnavailable).
  const { runFile } = require('../../src/run/runFile') as typeof import('../../src/run/runFile');
  const { analyzeRun } = require('../../src/core/analyze') as typeof import('../../src/core/analyze');
  const text = fs.readFileSync(file, 'utf8');
  const result = await runFile(file, env ? { env } : {}, { timeoutMs: 30_000 });
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: new Map([[file, text]]) }, CONFIG);
  return { file, text, analysis, error: result.error, spans: result.spans.length };
}

const rules = fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory());

describe('checks: traced programs (test/fixtures/checks)', function () {
  this.timeout(180_000);
  const runs = new Map<string, Run>();

  before(async function () {
    const why = whyUnavailable();
    if (why) {
      console.log(`    SKIP traced programs: ${why}`);
      this.skip();
    }
    const files = rules.flatMap((r) => ['bad.js', 'good.js'].map((w) => path.join(FIXTURES, r, w)));
    const done = await inPool(files, 2, (f) => runAndCheck(f));
    for (const r of done) runs.set(r.file, r);
  });

  it('has a bad and a good program for every rule', () => {
    assert.deepEqual([...rules].sort(), RULES.map((r) => r.id).sort());
  });

  for (const rule of rules) {
    const bad = path.join(FIXTURES, rule, 'bad.js');
    const good = path.join(FIXTURES, rule, 'good.js');

    it(`${rule}: bad.js is flagged on each line marked "expect: ${rule}"`, function () {
      if (KNOWN_GAPS[rule]) {
        console.log(`    SKIP ${rule}: ${KNOWN_GAPS[rule]}`);
        this.skip();
      }
      const run = runs.get(bad)!;
      assert.equal(run.error, undefined);
      const lines = expectedLines(run.text, rule, '//');
      assert.ok(lines.length > 0, 'bad.js has no expect marker');
      const found = run.analysis.findings.filter((f) => f.rule === rule);
      for (const line of lines) {
        assert.ok(
          found.some((f) => f.location?.file === bad && f.location.line === line),
          `no ${rule} finding on line ${line + 1}; findings: ${JSON.stringify(run.analysis.findings.map((f) => [f.rule, f.location?.line]))}`,
        );
      }
    });

    it(`${rule}: good.js has no findings at all`, () => {
      const run = runs.get(good)!;
      assert.equal(run.error, undefined);
      assert.deepEqual(run.analysis.findings.map((f) => `${(f.location?.line ?? -1) + 1} ${f.rule} ${f.message}`), []);
    });

    if (FIXABLE_RULES.has(rule)) {
      it(`${rule}: the quick fix makes bad.js pass when it runs again`, async function () {
        const run = runs.get(bad)!;
        const findings = run.analysis.findings.filter((f) => f.rule === rule);
        assert.ok(findings.length > 0, 'nothing to fix');
        const fixed = applyFirstFixes(run.text, findings);
        assert.notEqual(fixed, run.text);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `span-lens-fix-${rule}-`));
        try {
          const file = path.join(dir, 'bad.js');
          fs.writeFileSync(file, fixed);
          const again = await runAndCheck(file, { NODE_PATH: path.join(ROOT, 'node_modules') });
          assert.equal(again.error, undefined);
          // The fixed program still makes its spans: the fix did not just cut the code out.
          assert.equal(again.spans, run.spans);
          const left = again.analysis.findings.filter((f) => f.rule === rule);
          assert.deepEqual(left.map((f) => f.message), [], `still flagged after the fix:\n${fixed}`);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
});
