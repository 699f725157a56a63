/**
 * Static location: spans printed by Go, Java and Rust console exporters land on the line of the
 * span-start call with their literal name; dynamic and ambiguous names stay unlocated.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseText } from '../../src/core/parse';
import { findStartSites, locateStatically } from '../../src/core/locate';
import { fixturesRoot } from './fixtureSupport';

/** The 0-based line of the first line of `text` containing every one of `needles`. */
function lineOf(text: string, ...needles: string[]): number {
  return text.split('\n').findIndex((l) => needles.every((n) => l.includes(n)));
}

describe('static span location', () => {
  const root = fixturesRoot();
  const fixture = (p: string) => path.join(root ?? '', p);
  before(function () {
    if (!root) this.skip();
  });

  it('places Go stdouttrace spans on their tracer.Start lines', () => {
    const program = fs.readFileSync(fixture('go/checkout_pretty_batch/program.go'), 'utf8');
    const { spans } = parseText(fs.readFileSync(fixture('go/checkout_pretty_batch/stdout.txt')));
    const result = locateStatically(spans, new Map([['/src/program.go', program]]));
    assert.strictEqual(result.located, 3);
    for (const s of spans) {
      assert.strictEqual(s.location?.file, '/src/program.go');
      assert.strictEqual(s.location?.line, lineOf(program, 'tracer.Start(', `"${s.name}"`), s.name);
    }
  });

  it('places Java spans on their spanBuilder lines', () => {
    const dir = fixture('java/checkout_simple');
    const program = fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => /^Program\.java$/.test(f))!), 'utf8');
    const { spans } = parseText(fs.readFileSync(path.join(dir, 'stderr.txt')));
    assert.ok(spans.length >= 3);
    locateStatically(spans, new Map([['/src/Program.java', program]]));
    for (const s of spans) assert.strictEqual(s.location?.line, lineOf(program, 'spanBuilder(', `"${s.name}"`), s.name);
  });

  it('finds #[instrument] functions, named spans and span macros in Rust', () => {
    const src = [
      'use tracing::{instrument, info_span, span, Level};',
      '#[instrument]',
      'fn load_cart(user: u64) {}',
      '#[instrument(name = "payment.charge", skip(card))] // the charge',
      '/// Charges the card.',
      'pub async fn charge(card: Card) {}',
      'fn main() {',
      '    let s = info_span!("checkout", user.id = 42);',
      '    let t = span!(Level::DEBUG, "db.query");',
      '}',
    ].join('\n');
    const sites = findStartSites('/src/main.rs', src).map((s) => `${s.name}@${s.location.line}`);
    assert.deepStrictEqual(sites, ['load_cart@1', 'payment.charge@3', 'checkout@7', 'db.query@8']);
  });

  it('leaves dynamic and ambiguous names unlocated, and says why', () => {
    const src = ['_, a := tracer.Start(ctx, "dup")', '_, b := tracer.Start(ctx, "dup")', '_, c := tracer.Start(ctx, fmt.Sprintf("user-%d", id))'].join('\n');
    const { spans } = parseText(
      ['dup', 'user-7'].map((name, i) => JSON.stringify({ Name: name, SpanContext: { TraceID: 'ab'.repeat(16), SpanID: String(i).repeat(16), TraceFlags: '01', TraceState: '', Remote: false }, Parent: { TraceID: '0'.repeat(32), SpanID: '0'.repeat(16), TraceFlags: '00', TraceState: '', Remote: false }, SpanKind: 1, StartTime: '2026-11-25T07:47:04.720651007Z', EndTime: '2026-11-25T07:47:04.735927686Z', Attributes: null, Events: null, Links: null, Status: { Code: 'Unset', Description: '' }, DroppedAttributes: 0, DroppedEvents: 0, DroppedLinks: 0, ChildSpanCount: 0, Resource: null, InstrumentationLibrary: { Name: 'x', Version: '', SchemaURL: '' } })).join('\n'),
    );
    assert.strictEqual(spans.length, 2);
    const r = locateStatically(spans, new Map([['/src/main.go', src]]));
    assert.strictEqual(r.located, 0);
    assert.ok(spans.every((s) => !s.location));
    assert.match(r.unlocated.find((u) => u.name === 'dup')!.reason, /2 places \(main\.go:1, main\.go:2\): ambiguous/);
    assert.match(r.unlocated.find((u) => u.name === 'user-7')!.reason, /no span-start call/);
  });

  it('reads Python and JavaScript start calls for saved console dumps', () => {
    const py = 'with tracer.start_as_current_span("checkout") as s:\n    span = tracer.start_span(\'db.load\')\n';
    assert.deepStrictEqual(findStartSites('/a.py', py).map((s) => `${s.name}@${s.location.line}:${s.location.column}`), ['checkout@0:12', 'db.load@1:18']);
    const js = "tracer.startActiveSpan('checkout', (s) => {\n  const c = tracer.startSpan(`cache.get`);\n  tracer.startSpan(`user-${id}`);\n";
    assert.deepStrictEqual(findStartSites('/a.ts', js).map((s) => s.name), ['checkout', 'cache.get']);
  });
});

describe('resolving relative locations', () => {
  it('finds a path printed relative to a workspace above the crate', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { resolveLocations } = require('../../src/run/sources') as typeof import('../../src/run/sources');
    const os = require('os') as typeof import('os');
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-ws-'));
    fs.mkdirSync(path.join(ws, 'crates', 'shop', 'src'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'crates', 'shop', 'src', 'lib.rs'), '');
    const spans = [{ location: { file: 'crates/shop/src/lib.rs' } }, { location: { file: 'src/missing.rs' } }, { location: { file: '/abs/x.rs' } }];
    resolveLocations(spans, path.join(ws, 'crates', 'shop'));
    assert.strictEqual(spans[0].location.file, path.join(ws, 'crates', 'shop', 'src', 'lib.rs'));
    assert.strictEqual(spans[1].location.file, path.join(ws, 'crates', 'shop', 'src', 'missing.rs'));
    assert.strictEqual(spans[2].location.file, '/abs/x.rs');
    fs.rmSync(ws, { recursive: true, force: true });
  });
});
