/**
 * Java quick fixes, on a real program run with Span Lens's Java agent (opentelemetry-java from
 * Maven Central): the findings it gets are fixed by their quick fixes, and the fixed program, run
 * again, no longer triggers them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import { applyEdits, quickFixes } from '../../src/core/fixes';
import type { Finding } from '../../src/core/model';
import { runFile } from '../../src/run/runFile';
import { collectSources } from '../../src/run/sources';
import { javaAgentJar, javaSdkClassPath } from './sdks';

const BAD = path.resolve(__dirname, '../fixtures/java/fixme/FixMe.java');
const RULES = ['error-status-missing', 'unended-span'];

async function findings(file: string): Promise<Finding[]> {
  const result = await runFile(file, { java: { classPath: javaSdkClassPath().join(path.delimiter) } }, { timeoutMs: 120_000 });
  assert.strictEqual(result.error, undefined, result.error);
  assert.strictEqual(result.exitCode, 0, result.output.stderr.map((l) => l.text).join('\n'));
  return analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'java' }).findings.filter((f) => RULES.includes(f.rule));
}

describe('quick fixes for Java', function () {
  this.timeout(300_000);
  let scratch: string;
  before(() => {
    javaAgentJar();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-java-fix-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('try/finally span.end() and span.setStatus(StatusCode.ERROR) make the fixed program run clean', async () => {
    const before = await findings(BAD);
    assert.deepStrictEqual(before.map((f) => f.rule).sort(), RULES, JSON.stringify(before.map((f) => [f.rule, f.location?.line])));
    let fixed = fs.readFileSync(BAD, 'utf8');
    for (const f of [...before].sort((a, b) => b.location!.line - a.location!.line)) {
      const [fix] = quickFixes(fixed, f, 'java');
      assert.ok(fix, `a quick fix for ${f.rule}`);
      fixed = applyEdits(fixed, fix.edits);
    }
    assert.match(fixed, /\n {6}span\.recordException\(e\);\n {6}span\.setStatus\(StatusCode\.ERROR\);\n/);
    assert.match(fixed, /\nimport io\.opentelemetry\.api\.trace\.StatusCode;\n/);
    assert.match(fixed, /startSpan\(\); \/\/ span: load\n {4}try \{\n {6}if \(cached\) \{\n {8}span\.end\(\);\n {8}return;\n {6}\}\n {6}System\.out\.println\("loading"\);\n {4}\} finally \{\n {6}span\.end\(\);\n {4}\}\n {2}\}/);
    const copy = path.join(scratch, 'FixMe.java');
    fs.writeFileSync(copy, fixed);
    assert.deepStrictEqual(await findings(copy), [], 'the fixed program runs clean');
  });
});
