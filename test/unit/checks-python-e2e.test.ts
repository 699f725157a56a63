/**
 * The checks over real traced Python programs (test/fixtures/checks-python/<rule>/bad.py and
 * good.py), run with Span Lens's own runFile, its Python injection and the real OpenTelemetry
 * Python SDK: each line marked `# expect: <rule>` gets a finding of that rule, each corrected twin
 * gets no finding at all, and each quick fix applied to a bad program makes its rule go quiet when
 * the program is run again.
 *
 * Python is the virtualenv with opentelemetry-sdk from PyPI that `.ci/install-sdks.sh` makes, as
 * in run-python.test.ts; without it the suite fails, saying how to install it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeRun, type Analysis } from '../../src/core/analyze';
import { RULES } from '../../src/core/checks';
import { FIXABLE_RULES } from '../../src/core/fixes';
import { applyFirstFixes, expectedLines, inPool } from './checks-support';
import { runFile } from '../../src/run/runFile';
import type { RunSettings } from '../../src/run/launch';
import { pythonWithSdk } from './sdks';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'checks-python');
// Bytecode of the SDK goes to a scratch folder, never into the SDK tree or the repository.
const PYCACHE = path.join(os.tmpdir(), 'span-lens-test-pycache');

/** The fixture folders live under test/, which console-exporter-in-code leaves alone by default. */
const CONFIG = { rules: { 'console-exporter-in-code': { ignoredFolders: [] as string[] } } };

/**
 * The run settings a user's editor would pass, minus any OTEL_* variables of the machine running
 * the tests (OTEL_SERVICE_NAME would name the service of a program that must not, a sampler or
 * batch delay would change what the programs export). The injection is taken from the sources,
 * so the test needs no build and never runs a stale copy.
 */
function runSettings(): RunSettings {
  const baseEnv: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTEL_')) baseEnv[k] = v;
  return {
    baseEnv,
    injectDir: path.join(ROOT, 'src', 'run', 'inject'),
    python: { path: pythonWithSdk() },
    env: { PYTHONPYCACHEPREFIX: PYCACHE, PYTHONDONTWRITEBYTECODE: undefined },
  };
}


interface Run {
  file: string;
  text: string;
  analysis: Analysis;
  exitCode: number | null;
  error?: string;
  spans: number;
  /** What the program printed on stderr: the traceback when it failed. */
  stderr: string;
}

async function runAndCheck(file: string): Promise<Run> {
  const text = fs.readFileSync(file, 'utf8');
  const result = await runFile(file, runSettings(), { timeoutMs: 30_000 });
  const analysis = analyzeRun({ spans: result.spans, facts: result.facts, sources: new Map([[file, text]]) }, CONFIG);
  const stderr = result.output.stderr.map((l) => l.text).join('\n');
  return { file, text, analysis, exitCode: result.exitCode, error: result.error, spans: result.spans.length, stderr };
}

function assertRanClean(run: Run): void {
  assert.equal(run.error, undefined);
  assert.equal(run.exitCode, 0, `${path.basename(run.file)} failed:\n${run.stderr}`);
}

const findingsText = (a: Analysis) => a.findings.map((f) => `${(f.location?.line ?? -1) + 1} ${f.rule} ${f.message}`);

const rules = fs.readdirSync(FIXTURES).filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory());

describe('checks: traced Python programs (test/fixtures/checks-python)', function () {
  this.timeout(120_000);
  const runs = new Map<string, Run>();

  // Needs no Python: checked even where the programs cannot run.
  it('has a bad and a good program for every rule', () => {
    assert.deepEqual([...rules].sort(), RULES.map((r) => r.id).sort());
    for (const rule of rules) {
      for (const w of ['bad.py', 'good.py']) assert.ok(fs.existsSync(path.join(FIXTURES, rule, w)), `${rule}/${w} is missing`);
    }
  });

  describe('run with runFile and the Python SDK', function () {
    before(async function () {
      pythonWithSdk();
      const files = rules.flatMap((r) => ['bad.py', 'good.py'].map((w) => path.join(FIXTURES, r, w)));
      const done = await inPool(files, 2, (f) => runAndCheck(f));
      for (const r of done) runs.set(r.file, r);
    });

    for (const rule of rules) {
      const bad = path.join(FIXTURES, rule, 'bad.py');
      const good = path.join(FIXTURES, rule, 'good.py');

      it(`${rule}: bad.py is flagged on each line marked "expect: ${rule}"`, () => {
        const run = runs.get(bad)!;
        assertRanClean(run);
        const lines = expectedLines(run.text, rule, '#');
        assert.ok(lines.length > 0, 'bad.py has no expect marker');
        const found = run.analysis.findings.filter((f) => f.rule === rule);
        for (const line of lines) {
          assert.ok(
            found.some((f) => f.location?.file === bad && f.location.line === line),
            `no ${rule} finding on line ${line + 1}; findings: ${JSON.stringify(findingsText(run.analysis))}`,
          );
        }
        // Nothing of this rule off the marked lines: the marks say all the rule finds.
        const stray = found.filter((f) => !(f.location?.file === bad && lines.includes(f.location.line)));
        assert.deepEqual(stray.map((f) => `${(f.location?.line ?? -1) + 1} ${f.message}`), []);
      });

      it(`${rule}: good.py has no findings at all`, () => {
        const run = runs.get(good)!;
        assertRanClean(run);
        assert.ok(run.spans > 0, 'good.py made no spans');
        assert.deepEqual(findingsText(run.analysis), []);
      });

      if (FIXABLE_RULES.has(rule)) {
        it(`${rule}: the quick fix makes bad.py pass when it runs again`, async function () {
          const run = runs.get(bad)!;
          const findings = run.analysis.findings.filter((f) => f.rule === rule);
          assert.ok(findings.length > 0, 'nothing to fix');
          const fixed = applyFirstFixes(run.text, findings);
          assert.notEqual(fixed, run.text);
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), `span-lens-fix-${rule}-`));
          try {
            const file = path.join(dir, 'bad.py');
            fs.writeFileSync(file, fixed);
            const again = await runAndCheck(file);
            assert.equal(again.error, undefined);
            assert.equal(again.exitCode, 0, `the fixed program fails:\n${again.stderr}\n${fixed}`);
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
});
