/**
 * The checks over what real SDKs print (shared/fixtures): parsed from the console text as a user's
 * saved output would be, then checked. Each scenario that shows a mistake gets its finding, the
 * clean tutorial programs get none, and formats that do not show a field (Java logging: no
 * parents, times, status or resource) never produce a finding about it.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkRun } from '../../src/core/checks';
import type { Finding } from '../../src/core/model';
import { parseText } from '../../src/core/parse';
import { fixturesRoot } from './fixtureSupport';

function scenarios(): string[] {
  const root = fixturesRoot();
  const out: string[] = [];
  if (!root) return out;
  for (const lang of fs.readdirSync(root)) {
    const dir = path.join(root, lang);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const sc of fs.readdirSync(dir)) if (fs.statSync(path.join(dir, sc)).isDirectory()) out.push(`${lang}/${sc}`);
  }
  return out.sort();
}

function checkScenario(name: string): { findings: Finding[]; spans: number } {
  const dir = path.join(fixturesRoot()!, name);
  const spans = fs
    .readdirSync(dir)
    .filter((f) => /std(out|err)\.txt$/.test(f))
    .flatMap((f) => parseText(fs.readFileSync(path.join(dir, f))).spans);
  const r = checkRun({ spans, facts: {} });
  assert.deepEqual(r.failures, []);
  return { findings: r.findings, spans: spans.length };
}

const summary = (fs: Finding[]) => fs.map((f) => `${f.rule}: ${f.message.split(':')[0]}`);

describe('checks: real SDK console output (shared/fixtures)', function () {
  this.timeout(60_000);
  const all = scenarios();
  const results = new Map<string, ReturnType<typeof checkScenario>>();
  before(function () {
    if (!all.length) {
      console.log('    SKIP shared fixtures: not found');
      this.skip();
    }
    for (const s of all) results.set(s, checkScenario(s));
  });
  const rulesOf = (s: string) => results.get(s)!.findings.map((f) => f.rule);

  it('finds nothing in the clean tutorial programs', () => {
    for (const s of ['python/checkout_simple', 'python/checkout_batch', 'python/batch_no_shutdown', 'node/checkout_simple', 'node/checkout_batch', 'node/checkout_tty', 'go/checkout_pretty_batch', 'rust/checkout_close']) {
      assert.deepEqual(summary(results.get(s)!.findings), [], s);
    }
  });

  it('judges nothing Java logging does not print (parents, times, status, events, resource)', () => {
    const java = all.filter((s) => s.startsWith('java/'));
    assert.ok(java.length >= 5);
    for (const s of java) assert.deepEqual(summary(results.get(s)!.findings), [], s);
  });

  it("reports the SDK's default service name", () => {
    assert.match(summary(results.get('python/default_resource')!.findings).join('\n'), /missing-service-name: 1 span has the default service name "unknown_service"/);
    assert.match(results.get('node/default_resource')!.findings.map((f) => f.message).join('\n'), /default service name "unknown_service:node"/);
  });

  it('reports the dropped context of new roots started inside a request (Python, Go)', () => {
    const py = results.get('python/orphan_root_context')!.findings.filter((f) => f.rule === 'orphan-span');
    assert.deepEqual(py.map((f) => f.message.split(' starts')[0]), ['span "orphan-from-empty-context"']);
    const go = results.get('go/orphan')!.findings.filter((f) => f.rule === 'orphan-span');
    assert.deepEqual(go.map((f) => f.message.split(' starts')[0]), ['span "audit.write"']);
  });

  it('reports children whose parent was never ended (and so never printed)', () => {
    const go = results.get('go/never_ended')!.findings.filter((f) => f.rule === 'orphan-span');
    assert.deepEqual(go.map((f) => f.message.split(' has parent')[0]), ['span "job.step1"', 'span "job.step2"']);
    assert.ok(rulesOf('rust/span_never_closed').includes('unended-span'));
  });

  it('reports the 10,000-span loops once each', () => {
    for (const s of ['python/flood_10000', 'node/flood_10000', 'rust/flood_10000', 'go/flood_10000']) {
      const flood = results.get(s)!.findings.filter((f) => f.rule === 'span-flood' && f.data?.name);
      assert.equal(flood.length, 1, s);
      assert.equal(Number(flood[0].data!.count), results.get(s)!.spans - (s === 'rust/flood_10000' ? 1 : 0), s);
    }
  });

  it('reports empty attribute values, and only those, in the attribute-type tours', () => {
    for (const s of ['python/attribute_types', 'node/attribute_types']) {
      assert.deepEqual(results.get(s)!.findings.map((f) => `${f.rule} ${f.data?.key}`).sort(), ['empty-attribute arr.empty', 'empty-attribute empty.str'], s);
    }
  });

  it('accepts exceptions recorded on spans whose status is ERROR', () => {
    for (const s of ['python/error_record_exception', 'node/error_record_exception', 'go/error_status']) assert.ok(!rulesOf(s).includes('error-status-missing'), s);
  });
});
