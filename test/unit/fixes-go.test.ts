/**
 * Go quick fixes, on a real program run with Span Lens's Go injection (otel-go from the module
 * proxy): the findings it gets are fixed by their quick fixes, and the fixed program, run again,
 * no longer triggers them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../src/core/analyze';
import { applyEdits, quickFixes } from '../../src/core/fixes';
import type { Finding } from '../../src/core/model';
import { runFile } from '../../src/run/runFile';
import { collectSources } from '../../src/run/sources';
import { goWithSdk } from './sdks';

const MODULE = path.resolve(__dirname, '../fixtures/go');
const BAD = path.join(MODULE, 'fixme', 'main.go');

async function findings(file: string): Promise<Finding[]> {
  const result = await runFile(file, { env: { GOFLAGS: undefined } }, { timeoutMs: 240_000 });
  assert.strictEqual(result.error, undefined, result.error);
  return analyzeRun({ spans: result.spans, facts: result.facts, sources: collectSources(file), language: 'go' }).findings;
}

describe('quick fixes for Go', function () {
  this.timeout(300_000);
  // A scratch package of the same module (a leading _ keeps it out of ./...).
  const scratch = path.join(MODULE, `_fixed_${process.pid}`);
  before(() => goWithSdk());
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('defer span.End() and span.SetStatus(codes.Error, …) make the fixed program run clean', async () => {
    const source = fs.readFileSync(BAD, 'utf8');
    const before = await findings(BAD);
    const wanted = before.filter((f) => f.rule === 'unended-span' || f.rule === 'error-status-missing');
    assert.deepStrictEqual(wanted.map((f) => f.rule).sort(), ['error-status-missing', 'unended-span'], JSON.stringify(before.map((f) => [f.rule, f.message])));
    let fixed = source;
    // Apply the fix lowest in the file first, so the line numbers of the other still hold.
    for (const f of [...wanted].sort((a, b) => b.location!.line - a.location!.line)) {
      const [fix] = quickFixes(fixed, f);
      assert.ok(fix, `a quick fix for ${f.rule}`);
      assert.ok(fix.preferred);
      fixed = applyEdits(fixed, fix.edits);
    }
    assert.match(fixed, /_, span := otel\.Tracer\("shop"\)\.Start\(ctx, "load"\) \/\/ span: load\n\tdefer span\.End\(\)\n/);
    assert.match(fixed, /\tspan\.RecordError\(err\)\n\tspan\.SetStatus\(codes\.Error, err\.Error\(\)\)\n/);
    assert.match(fixed, /import \(\n\t"go\.opentelemetry\.io\/otel\/codes"\n/);
    fs.mkdirSync(scratch, { recursive: true });
    const copy = path.join(scratch, 'main.go');
    fs.writeFileSync(copy, fixed);
    const after = await findings(copy);
    assert.deepStrictEqual(after.filter((f) => f.rule === 'unended-span' || f.rule === 'error-status-missing'), [], 'the fixed program runs clean');
  });

  it('no fix where the code is not the shape the fix knows, and none twice', () => {
    const f = (rule: string, line: number): Finding => ({ rule, severity: 'warning', message: '', location: { file: '/w/main.go', line, column: 0 } }) as Finding;
    const src = 'package main\n\nfunc f() {\n\tctx, span := tracer.Start(ctx, "x")\n\tdefer span.End()\n}\n';
    assert.deepStrictEqual(quickFixes(src, f('unended-span', 3)), [], 'already deferred');
    assert.deepStrictEqual(quickFixes('package main\nfunc f() {\n\tspan := start()\n}\n', f('unended-span', 2)), [], 'not a Start call');
    assert.deepStrictEqual(quickFixes(src, f('error-status-missing', 3)), [], 'no RecordError to put the status beside');
  });
});
