/**
 * Go stdouttrace: real otel-go 1.1.0 outputs with tricky values (test/unit/data/go), and inputs
 * built from the printed shape for what that version cannot print (v1.29+ InstrumentationScope,
 * the newer EMPTY/BYTESLICE/SLICE/MAP value types, zone offsets, WithoutTimestamps).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createStreamParser, parseText } from '../../src/core/parse';
import { linesBlock } from '../../src/core/parse/demux';
import { goStdouttracePretty, rfc3339ToUnixNano } from '../../src/core/parse/go';
import type { ParseMemo } from '../../src/core/parse/types';
import type { OutputLine, Span, Unparsed } from '../../src/core/model';

const data = (name: string) => fs.readFileSync(path.join(__dirname, 'data', 'go', name));

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ZERO_CTX = { TraceID: '0'.repeat(32), SpanID: '0'.repeat(16), TraceFlags: '00', TraceState: '', Remote: false };

/** A SpanStub as otel-go 1.1.0 prints it; `over` replaces top-level keys. */
function stub(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Name: 'op',
    SpanContext: { TraceID: TRACE, SpanID: '00f067aa0ba902b7', TraceFlags: '01', TraceState: '', Remote: false },
    Parent: ZERO_CTX,
    SpanKind: 1,
    StartTime: '2026-11-25T07:47:04.720651007Z',
    EndTime: '2026-11-25T07:47:04.735927686Z',
    Attributes: null,
    Events: null,
    Links: null,
    Status: { Code: 'Unset', Description: '' },
    DroppedAttributes: 0,
    DroppedEvents: 0,
    DroppedLinks: 0,
    ChildSpanCount: 0,
    Resource: [{ Key: 'service.name', Value: { Type: 'STRING', Value: 'svc' } }],
    InstrumentationLibrary: { Name: 'shop', Version: '', SchemaURL: '' },
    ...over,
  };
}

/** Go's encoder escapes <, > and & in strings. */
function goCompact(o: unknown): string {
  return JSON.stringify(o).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}
function goPretty(o: unknown): string {
  return JSON.stringify(o, null, '\t').replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function only(text: string): Span {
  const r = parseText(text);
  assert.deepStrictEqual(r.unparsed, []);
  assert.strictEqual(r.spans.length, 1, 'one span');
  return r.spans[0];
}

describe('Go stdouttrace times (RFC 3339 with nanoseconds)', () => {
  it('reads UTC nanoseconds exactly', () => {
    assert.strictEqual(rfc3339ToUnixNano('2026-11-25T07:47:04.720651007Z'), 1795592824720651007n);
  });
  it('applies any zone offset, east or west', () => {
    const utc = rfc3339ToUnixNano('2026-11-25T07:47:04.72065Z');
    assert.strictEqual(rfc3339ToUnixNano('2026-11-25T13:17:04.72065+05:30'), utc);
    assert.strictEqual(rfc3339ToUnixNano('2026-11-24T23:47:04.72065-08:00'), utc);
  });
  it('pads a trimmed fraction and accepts none', () => {
    assert.strictEqual(rfc3339ToUnixNano('2026-11-25T07:47:04.5Z'), 1795592824500000000n);
    assert.strictEqual(rfc3339ToUnixNano('2026-11-25T07:47:04Z'), 1795592824000000000n);
  });
  it('handles leap days and times before 1970', () => {
    assert.strictEqual(rfc3339ToUnixNano('2024-02-29T00:00:00Z'), BigInt(Date.UTC(2024, 1, 29)) * 1_000_000n);
    assert.strictEqual(rfc3339ToUnixNano('1969-12-31T23:59:59.999999999Z'), -1n);
  });
  it('refuses what is not a timestamp', () => {
    for (const bad of ['', 'yesterday', '2026-11-25 07:47', '2026-13-25T07:47:04Z', '2026-11-25T07:47:04.Z', '2026-11-25T07:47:04+0530', '2026-11-25T07:47:04Zjunk']) {
      assert.strictEqual(rfc3339ToUnixNano(bad), null, bad);
    }
  });
});

describe('Go stdouttrace real output: tricky values (otel-go 1.1.0, WithSyncer)', () => {
  const compact = parseText(data('tricky_compact.stdout.txt'));
  const pretty = parseText(data('tricky_pretty.stdout.txt'));

  it('finds every exported span in both layouts, and nothing unparsed', () => {
    const names = ['child', 'after-progress', 'goroutine-2', 'goroutine-0', 'goroutine-1', "it's \"quoted\" <b>&amp; ünïcødé 🚀\n\tline2"];
    assert.deepStrictEqual(compact.spans.map((s) => s.name), names);
    assert.deepStrictEqual(pretty.spans.map((s) => s.name), names);
    assert.deepStrictEqual(compact.unparsed, []);
    assert.deepStrictEqual(pretty.unparsed, []);
    assert.deepStrictEqual(compact.formats, ['go-stdouttrace']);
  });

  it('does not invent the span whose NaN attribute broke the encoder', () => {
    // stderr holds "json: unsupported value: NaN"; that span never reached stdout.
    assert.match(data('tricky.stderr.txt').toString(), /unsupported value: NaN/);
    assert.ok(!compact.spans.some((s) => s.name === 'nan-span'));
  });

  it('keeps the program lines, the glued "progress: " and the JSON lookalikes as output', () => {
    const expected = ['progress: ', '', '{', '\t"Name": "not a span",', '\t"SpanContext": {', '\t\t"TraceID": "x"', '\t}', '}', '{', '}'];
    assert.deepStrictEqual(compact.output.map((o) => o.text), expected);
    assert.deepStrictEqual(pretty.output.map((o) => o.text), expected);
  });

  for (const [layout, result] of [['compact', compact], ['pretty', pretty]] as const) {
    it(`${layout}: values arrive exact and unescaped`, () => {
      const child = result.spans[0];
      const a = child.attributes;
      assert.strictEqual(a.html, "<script>alert('x')</script> & \u2028");
      assert.strictEqual(a.ansi, '\u001b[31mred\u001b[0m');
      assert.strictEqual(a.nul, 'a\u0000b');
      assert.strictEqual(a['invalid.utf8'], 'ok\ufffdbad');
      assert.strictEqual((a.long as string).length, 10050);
      assert.strictEqual(a['int.max'], 9223372036854775807n);
      assert.strictEqual(a['int.min'], -9223372036854775808n);
      assert.strictEqual(a['float.whole'], 3);
      assert.strictEqual(a['float.big'], 1e21);
      assert.strictEqual(a['float.small'], 1e-7);
      assert.deepStrictEqual(a.bools, [true, false]);
      assert.deepStrictEqual(a.ints, [1, 9223372036854775807n]);
      assert.deepStrictEqual(a.floats, [1.5, 2]);
      assert.deepStrictEqual(a.strs, ['a, b', 'c"d']);
      assert.strictEqual(child.lossy, undefined);
    });

    it(`${layout}: kinds, parents, status, events and scope`, () => {
      const [child, , , , , root] = result.spans;
      assert.strictEqual(root.kind, 'SERVER');
      assert.strictEqual(root.parentSpanId, null);
      assert.strictEqual(root.parentIsRemote, null);
      assert.strictEqual(child.kind, 'CLIENT');
      assert.strictEqual(child.parentSpanId, root.spanId);
      assert.strictEqual(child.parentIsRemote, false);
      assert.deepStrictEqual(child.status, { code: 'ERROR', message: 'failed: "bad"' });
      assert.deepStrictEqual(
        child.events.map((e) => [e.name, e.attributes]),
        [
          ['evt', { k: 'v' }],
          ['exception', { 'exception.type': '*errors.errorString', 'exception.message': 'boom <err>' }],
        ],
      );
      assert.ok(child.events[0].timeUnixNano >= child.startTimeUnixNano && child.events[0].timeUnixNano <= child.endTimeUnixNano!);
      assert.deepStrictEqual(child.scope, { name: 'tricky', version: '0.1', schemaUrl: '' });
      assert.strictEqual(child.resource['telemetry.sdk.version'], '1.1.0');
      assert.ok(root.endTimeUnixNano! > child.endTimeUnixNano!);
    });
  }

  it('pretty spans carry the line range of their block', () => {
    const s = pretty.spans[1];
    const lines = data('tricky_pretty.stdout.txt').toString().split('\n');
    assert.strictEqual(lines[s.origin!.line], 'progress: {');
    assert.strictEqual(lines[s.origin!.endLine], '}');
  });
});

describe('Go stdouttrace real output: panic after spans (exit 2)', () => {
  const r = parseText(data('panic_after_spans.stdout.txt'));
  it('reads the spans ended while unwinding, with the recorded exception event', () => {
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['step-ok', 'step-bad', 'request']);
    for (const s of r.spans.slice(1)) {
      assert.deepStrictEqual(s.events.map((e) => [e.name, e.attributes['exception.message']]), [['exception', 'assignment to entry in nil map']]);
    }
    assert.deepStrictEqual(r.output.map((o) => o.text), ['about to panic']);
  });
});

describe('Go stdouttrace shapes built from the format description', () => {
  it('v1.29+: InstrumentationScope wins over the deprecated duplicate', () => {
    const s = only(
      goCompact(
        stub({
          InstrumentationScope: { Name: 'shop', Version: '1.2.3', SchemaURL: 'https://opentelemetry.io/schemas/1.26.0', Attributes: null },
          InstrumentationLibrary: { Name: 'shop', Version: '1.2.3', SchemaURL: 'https://opentelemetry.io/schemas/1.26.0', Attributes: null },
        }),
      ),
    );
    assert.deepStrictEqual(s.scope, { name: 'shop', version: '1.2.3', schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
  });

  it('newer value types: EMPTY, BYTESLICE (base64, marked lossy), SLICE, MAP (as JSON text, marked lossy)', () => {
    const s = only(
      goPretty(
        stub({
          Attributes: [
            { Key: 'empty', Value: { Type: 'EMPTY', Value: null } },
            { Key: 'bytes', Value: { Type: 'BYTESLICE', Value: 'aGk=' } },
            { Key: 'slice', Value: { Type: 'SLICE', Value: [{ Type: 'INT64', Value: 1 }, { Type: 'STRING', Value: 'two' }] } },
            { Key: 'map', Value: { Type: 'MAP', Value: [{ Key: 'a', Value: { Type: 'BOOL', Value: true } }] } },
          ],
        }),
      ),
    );
    assert.strictEqual(s.attributes.empty, null);
    assert.strictEqual(s.attributes.bytes, 'aGk=');
    assert.deepStrictEqual(s.attributes.slice, [1, 'two']);
    assert.strictEqual(typeof s.attributes.map, 'string');
    assert.match(s.attributes.map as string, /"Key":"a"/);
    assert.deepStrictEqual(
      s.lossy?.map((l) => l.path),
      ['attributes.bytes', 'attributes.map'],
    );
  });

  it('an attribute named __proto__ is an attribute, not a prototype', () => {
    const s = only(goCompact(stub({ Attributes: [{ Key: '__proto__', Value: { Type: 'STRING', Value: 'x' } }] })));
    assert.deepStrictEqual(Object.keys(s.attributes), ['__proto__']);
    assert.strictEqual(Object.getPrototypeOf(s.attributes), Object.prototype);
  });

  it('SpanKind 0..5, with unspecified as INTERNAL', () => {
    const kinds = [0, 1, 2, 3, 4, 5].map((k) => only(goCompact(stub({ SpanKind: k }))).kind);
    assert.deepStrictEqual(kinds, ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']);
  });

  it('a remote parent and link trace state come through', () => {
    const s = only(
      goCompact(
        stub({
          Parent: { TraceID: TRACE, SpanID: 'a3ce929d0e0e4736', TraceFlags: '01', TraceState: 'vendor=abc', Remote: true },
          Links: [{ SpanContext: { TraceID: TRACE, SpanID: '00f067aa0ba902b8', TraceFlags: '01', TraceState: 'vendor=abc,other=x', Remote: true }, Attributes: null, DroppedAttributeCount: 2 }],
          Status: { Code: 'Ok', Description: '' },
          DroppedAttributes: 3,
        }),
      ),
    );
    assert.strictEqual(s.parentSpanId, 'a3ce929d0e0e4736');
    assert.strictEqual(s.parentIsRemote, true);
    assert.deepStrictEqual(s.links, [{ traceId: TRACE, spanId: '00f067aa0ba902b8', traceState: 'vendor=abc,other=x', attributes: {}, droppedAttributesCount: 2 }]);
    assert.strictEqual(s.status.code, 'OK');
    assert.strictEqual(s.droppedAttributesCount, 3);
  });

  it('WithoutTimestamps: zero times are unknown, not year 1', () => {
    const s = only(
      goCompact(stub({ StartTime: '0001-01-01T00:00:00Z', EndTime: '0001-01-01T00:00:00Z', Events: [{ Name: 'e', Attributes: null, DroppedAttributeCount: 0, Time: '0001-01-01T00:00:00Z' }] })),
    );
    assert.deepStrictEqual(s.unknown, ['time']);
    assert.strictEqual(s.startTimeUnixNano, 0n);
    assert.strictEqual(s.events[0].timeUnixNano, 0n);
  });

  it('times in a local zone become the same instant', () => {
    const s = only(goCompact(stub({ StartTime: '2026-11-25T13:17:05.903094155+05:30', EndTime: '2026-11-25T13:17:05.9031+05:30' })));
    assert.strictEqual(s.startTimeUnixNano, rfc3339ToUnixNano('2026-11-25T07:47:05.903094155Z'));
    assert.strictEqual(s.endTimeUnixNano! - s.startTimeUnixNano, 5845n);
  });

  it('Windows line ends and a block cut off by the end of output', () => {
    const one = goPretty(stub({ Name: 'first' })).replace(/\n/g, '\r\n') + '\r\n';
    const cut = goPretty(stub({ Name: 'second' })).split('\n').slice(0, 12).join('\n');
    const r = parseText(one + cut);
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['first']);
    assert.strictEqual(r.unparsed.length, 1);
    assert.match(r.unparsed[0].reason, /never closes/);
  });

  it('a JSON line that is not a span stays program output', () => {
    const r = parseText('{"Name":"x","Other":1}\n' + goCompact(stub()) + '\n{"level":"info","msg":"done"}\n');
    assert.strictEqual(r.spans.length, 1);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['{"Name":"x","Other":1}', '{"level":"info","msg":"done"}']);
  });

  it('a span printed after a partial program line (fmt.Print) in compact mode', () => {
    const r = parseText('progress: ' + goCompact(stub({ Name: 'glued' })) + '\n');
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['glued']);
    assert.deepStrictEqual(r.output.map((o) => o.text), ['progress: ']);
  });
});

describe('Go stdouttrace: the Resource a process repeats is read once and shared', () => {
  const svc = (name: string, more: Record<string, unknown>[] = []) => [{ Key: 'service.name', Value: { Type: 'STRING', Value: name } }, ...more];
  /** Each record parsed alone: what the shared reading must equal, span for span. */
  const alone = (records: string[]) => records.map((text) => ({ ...only(text + '\n'), origin: undefined }));
  const together = (records: string[], join: string) =>
    parseText(records.join(join) + join).spans.map((s) => ({ ...s, origin: undefined }));

  const withoutTail = ({ Resource: _r, InstrumentationLibrary: _l, ...rest }: Record<string, unknown>) => rest;
  const tailOf = (o: Record<string, unknown>) => ({ Resource: o.Resource, InstrumentationLibrary: o.InstrumentationLibrary });

  for (const [layout, print, join] of [['compact', goCompact, '\n'], ['pretty', goPretty, '\n']] as const) {
    it(`${layout}: two processes interleaved, each span keeps its own resource and scope`, () => {
      // Tails of the same length, so only their text tells them apart.
      const records = [
        print(stub({ Name: 'a1', Resource: svc('alpha') })),
        print(stub({ Name: 'a2', Resource: svc('alpha') })),
        print(stub({ Name: 'b1', Resource: svc('gamma'), InstrumentationLibrary: { Name: 'shoq', Version: '', SchemaURL: '' } })),
        print(stub({ Name: 'a3', Resource: svc('alpha') })),
        print(stub({ Name: 'b2', Resource: svc('gamma'), InstrumentationLibrary: { Name: 'shoq', Version: '', SchemaURL: '' } })),
        print(stub({ Name: 'a4', Resource: svc('alpha'), InstrumentationLibrary: { Name: 'shop', Version: 'v3', SchemaURL: '' } })),
      ];
      const spans = together(records, join);
      assert.deepStrictEqual(spans, alone(records));
      assert.deepStrictEqual(
        spans.map((s) => `${s.name} ${String(s.resource['service.name'])} ${s.scope.name}@${s.scope.version}`),
        ['a1 alpha shop@', 'a2 alpha shop@', 'b1 gamma shoq@', 'a3 alpha shop@', 'b2 gamma shoq@', 'a4 alpha shop@v3'],
      );
    });

    it(`${layout}: a resource that differs in one value, or holds a 64-bit integer, is read anew`, () => {
      const big = { Key: 'pid', Value: { Type: 'INT64', Value: 1 } };
      const records = [
        print(stub({ Name: 'x1', Resource: svc('svc', [big]) })),
        print(stub({ Name: 'x2', Resource: svc('svc', [big]) })),
        print(stub({ Name: 'x3', Resource: svc('svd', [big]) })),
        print(stub({ Name: 'x4', Resource: svc('svc', [big]) })).replace('"Value":1}', '"Value":9223372036854775807}').replace('"Value": 1\n', '"Value": 9223372036854775807\n'),
        print(stub({ Name: 'x5', Resource: svc('svc', [big]) })),
      ];
      const spans = together(records, join);
      assert.deepStrictEqual(spans, alone(records));
      assert.deepStrictEqual(spans.map((s) => s.resource['service.name']), ['svc', 'svc', 'svd', 'svc', 'svc']);
      assert.deepStrictEqual(spans.map((s) => s.resource.pid), [1, 1, 1, 9223372036854775807n, 1]);
    });

    it(`${layout}: a 64-bit attribute and v1.29+ InstrumentationScope before a repeated tail`, () => {
      const records = [
        print(stub({ Name: 'y1' })),
        print(stub({ Name: 'y2', Attributes: [{ Key: 'n', Value: { Type: 'INT64', Value: 1 } }] })).replace(/"Value": ?1\b/, (m) => m.replace('1', '9007199254740993')),
        // InstrumentationScope before the repeated Resource: a member of the record's own part.
        print({ ...withoutTail(stub({ Name: 'y3' })), InstrumentationScope: { Name: 'new', Version: '1.2', SchemaURL: '' }, ...tailOf(stub()) }),
      ];
      const spans = together(records, join);
      assert.deepStrictEqual(spans, alone(records));
      assert.strictEqual(spans[1].attributes.n, 9007199254740993n);
      assert.strictEqual(spans[2].scope.name, 'new');
    });

    it(`${layout}: the scope a repeated tail holds (v1.29+ pair, a null InstrumentationScope) is each span's, as read alone`, () => {
      const lib = (name: string) => ({ Name: name, Version: 'v1', SchemaURL: '' });
      const both = (name: string) => ({ ...withoutTail(stub({ Name: name })), Resource: svc('s'), InstrumentationScope: lib('scope'), InstrumentationLibrary: lib('library') });
      const nullScope = (name: string) => ({ ...withoutTail(stub({ Name: name })), Resource: svc('s'), InstrumentationScope: null, InstrumentationLibrary: lib('fallback') });
      const records = [print(both('z1')), print(both('z2')), print(nullScope('z3')), print(nullScope('z4')), print(both('z5'))];
      const spans = together(records, join);
      assert.deepStrictEqual(spans, alone(records));
      assert.deepStrictEqual(spans.map((s) => s.scope.name), ['scope', 'scope', 'fallback', 'fallback', 'scope']);
    });

    it(`${layout}: events, links, status and counts that change between spans sharing a tail are each span's own`, () => {
      const event = { Name: 'ev', Attributes: null, DroppedAttributeCount: 0, Time: '2026-11-25T07:47:04.736015537Z' };
      const link = { SpanContext: { TraceID: TRACE, SpanID: '00f067aa0ba902b9', TraceFlags: '01', TraceState: '', Remote: false }, Attributes: null, DroppedAttributeCount: 0 };
      const records = [
        print(stub({ Name: 'z1' })),
        print(stub({ Name: 'z2' })),
        print(stub({ Name: 'z3', Status: { Code: 'Error', Description: 'boom' } })),
        print(stub({ Name: 'z4', Status: { Code: 'Error', Description: 'bang' } })),
        print(stub({ Name: 'z5', Events: [event], ChildSpanCount: 2 })),
        print(stub({ Name: 'z6', ChildSpanCount: 3 })),
        print(stub({ Name: 'z7', Links: [link], DroppedEvents: 4 })),
        print(stub({ Name: 'z8', DroppedLinks: 5 })),
        print(stub({ Name: 'z9' })),
      ];
      const spans = together(records, join);
      assert.deepStrictEqual(spans, alone(records));
      assert.deepStrictEqual(
        spans.map((s) => `${s.status.code}:${s.status.message ?? ''} e${s.events.length} l${s.links.length} d${s.droppedEventsCount}${s.droppedLinksCount}`),
        ['UNSET: e0 l0 d00', 'UNSET: e0 l0 d00', 'ERROR:boom e0 l0 d00', 'ERROR:bang e0 l0 d00', 'UNSET: e1 l0 d00', 'UNSET: e0 l0 d00', 'UNSET: e0 l1 d40', 'UNSET: e0 l0 d05', 'UNSET: e0 l0 d00'],
      );
    });

    it(`${layout}: a damaged record after a shared one is reported, not read with the shared tail`, () => {
      const good = print(stub({ Name: 'ok' }));
      const damaged = print(stub({ Name: 'bad' })).replace('"SpanKind":', '"SpanKind" ').replace('"SpanKind": ', '"SpanKind" ');
      const r = parseText([good, good, damaged, good].join(join) + join);
      assert.deepStrictEqual(r.spans.map((s) => s.name), ['ok', 'ok', 'ok']);
      assert.strictEqual(r.unparsed.length, 1);
      const lines = (good + join).split('\n').length - 1;
      assert.strictEqual(r.unparsed[0].startLine, 2 * lines);
    });
  }
});

describe('Go stdouttrace pretty: records read in place in the stream', () => {
  const event = { Name: 'charge <sent> & "ok"', Attributes: [{ Key: 'n', Value: { Type: 'INT64', Value: 3 } }], DroppedAttributeCount: 0, Time: '2026-11-25T07:47:04.736015537Z' };
  const link = { SpanContext: { TraceID: TRACE, SpanID: '00f067aa0ba902b9', TraceFlags: '01', TraceState: 'k=v', Remote: true }, Attributes: null, DroppedAttributeCount: 0 };
  const attr = (key: string, value: unknown, type = 'STRING') => ({ Key: key, Value: { Type: type, Value: value } });

  /** The whole output at once (records read in place) and line by line (every block collected first). */
  function bothWays(text: string) {
    const whole = parseText(text);
    const spans: Span[] = [];
    const output: OutputLine[] = [];
    const unparsed: Unparsed[] = [];
    const p = createStreamParser({ onSpan: (s) => spans.push(s), onOutput: (o) => output.push(o), onUnparsed: (u) => unparsed.push(u) });
    for (const line of text.split(/(?<=\n)/)) p.write(line);
    p.end();
    return { whole, lineByLine: { spans, output, unparsed } };
  }

  function assertSameBothWays(text: string) {
    const { whole, lineByLine } = bothWays(text);
    assert.deepStrictEqual(whole.spans, lineByLine.spans);
    assert.deepStrictEqual(whole.output, lineByLine.output);
    assert.deepStrictEqual(whole.unparsed, lineByLine.unparsed);
    return whole;
  }

  it('plain records, then values a reader must unescape or keep exact: same spans, lines and output as block by block', () => {
    const records = [
      goPretty(stub({ Name: 'first' })),
      goPretty(stub({ Name: 'second', Attributes: [attr('http.route', '/cart/<id>'), attr('n', 42, 'INT64')] })),
      goPretty(stub({ Name: 'a "quoted"\nname, caf\u00e9 <b> & a long tail', Events: [event, event], Links: [link] })),
      goPretty(stub({
        Name: 'upper',
        SpanContext: { TraceID: TRACE.toUpperCase(), SpanID: '00F067AA0BA902B8', TraceFlags: '01', TraceState: 'a=1,b=\u003c2', Remote: false },
        Parent: { TraceID: TRACE, SpanID: '00F067AA0BA902B7', TraceFlags: '01', TraceState: '', Remote: true },
        SpanKind: 5,
      })),
      goPretty(stub({ Name: 'kind7', SpanKind: 7, ChildSpanCount: 12 })),
      'a program line between records',
      goPretty(stub({ Name: 'last' })),
    ];
    const r = assertSameBothWays(records.join('\n') + '\n');
    assert.deepStrictEqual(r.unparsed, []);
    assert.deepStrictEqual(r.spans.map((s) => s.name), ['first', 'second', 'a "quoted"\nname, café <b> & a long tail', 'upper', 'kind7', 'last']);
    const [, second, third, upper] = r.spans;
    assert.deepStrictEqual(second.attributes, { 'http.route': '/cart/<id>', n: 42 });
    assert.deepStrictEqual(third.events.map((e) => [e.name, e.attributes.n]), [['charge <sent> & "ok"', 3], ['charge <sent> & "ok"', 3]]);
    assert.deepStrictEqual(third.links.map((l) => [l.spanId, l.traceState]), [['00f067aa0ba902b9', 'k=v']]);
    assert.deepStrictEqual([upper.traceId, upper.spanId, upper.parentSpanId, upper.parentIsRemote, upper.traceState, upper.kind], [TRACE, '00f067aa0ba902b8', '00f067aa0ba902b7', true, 'a=1,b=<2', 'CONSUMER']);
    // Each block's line range, as the line path counts it.
    const lines = (records.join('\n') + '\n').split('\n');
    for (const s of r.spans) {
      assert.strictEqual(lines[s.origin!.line], '{');
      assert.strictEqual(lines[s.origin!.endLine], '}');
    }
    assert.deepStrictEqual(r.output.map((o) => o.text), ['a program line between records']);
  });

  it('near misses are read as whole blocks, with the same result: nested keys, a leading zero, an unindented line, CR, a frame marker, a changed status', () => {
    const plain = goPretty(stub({ Name: 'plain' }));
    const nestedChildCount = goPretty(stub({ Name: 'nested', Attributes: [attr('m', { ChildSpanCount: 1, Events: null }, 'MAP')] }));
    const leadingZero = goPretty(stub({ Name: 'zero', ChildSpanCount: 1 })).replace('"ChildSpanCount": 1', '"ChildSpanCount": 01');
    const unindented = goPretty(stub({ Name: 'unindented', Attributes: [attr('k', 'v')] })).replace('\n\t\t{\n', '\n{\n');
    const cr = goPretty(stub({ Name: 'cr' })).replace('"Attributes": null', '"Attributes": null\r');
    const marker = goPretty(stub({ Name: 'marker', Attributes: [attr('k', '@@span-lens/1 x')] }));
    const error = goPretty(stub({ Name: 'error', Status: { Code: 'Error', Description: 'boom' } }));
    const spaced = goPretty(stub({ Name: 'spaced' })) + '  ';
    const nullParent = goPretty(stub({ Name: 'null parent', Parent: null }));
    const badEvents = goPretty(stub({ Name: 'bad events', Events: [event] })).replace('"DroppedAttributeCount": 0,', '"DroppedAttributeCount": 0,,');
    const text = [plain, plain, nestedChildCount, plain, leadingZero, plain, unindented, plain, cr, plain, marker, plain, error, error, plain, spaced, plain, nullParent, badEvents, plain].join('\n') + '\n';
    const r = assertSameBothWays(text);
    assert.deepStrictEqual(
      r.spans.map((s) => s.name),
      // The leading zero is read by the lenient whole-record reader, as before; the unindented line cut its block.
      ['plain', 'plain', 'nested', 'plain', 'zero', 'plain', 'plain', 'cr', 'plain', 'marker', 'plain', 'error', 'error', 'plain', 'spaced', 'plain', 'null parent', 'plain'],
    );
    assert.deepStrictEqual(r.spans[2].attributes.m, '{"ChildSpanCount":1,"Events":null}');
    assert.deepStrictEqual(
      r.unparsed.map((u) => u.reason.replace(/ \(.*/, '').replace(/line \d+/, 'line N')),
      ['a span object starts at line N and is cut off by program output', 'a Go stdouttrace span is not valid JSON'],
    );
  });

  it('a record too long to be read in place (thousands of attributes) is read as a block, the same', () => {
    const plain = goPretty(stub({ Name: 'plain' }));
    const many = Array.from({ length: 2000 }, (_, i) => attr(`k${i}`, i, 'INT64'));
    const long = goPretty(stub({ Name: 'long', Attributes: many }));
    assert.ok(long.length > 100_000);
    const r = assertSameBothWays([plain, plain, long, plain].join('\n') + '\n');
    assert.deepStrictEqual(r.spans.map((s) => [s.name, Object.keys(s.attributes).length]), [['plain', 0], ['plain', 0], ['long', 2000], ['plain', 0]]);
  });

  it('the reader in place gives the block reader\'s span, and declines what it cannot verify', () => {
    const memo: ParseMemo = new Map();
    const block = (text: string) => linesBlock(text.split('\n'));
    const plain = goPretty(stub({ Name: 'plain' }));
    // Nothing remembered yet: declined.
    assert.strictEqual(goStdouttracePretty.readAt!(plain + '\n', 0, 0, memo), undefined);
    // The first record's tail is remembered; the second's status run.
    goStdouttracePretty.parseBlockText!(block(plain), 0, memo);
    assert.strictEqual(goStdouttracePretty.readAt!(plain + '\n', 0, 0, memo), undefined);
    goStdouttracePretty.parseBlockText!(block(plain), 0, memo);
    const withEvents = goPretty(stub({ Name: 'with events', Attributes: [attr('k', 'v')], Events: [event] }));
    const text = 'out\n' + withEvents + '\n';
    const at = goStdouttracePretty.readAt!(text, 4, 1, memo);
    assert.ok(at, 'read in place');
    assert.strictEqual(text[at.close], '}');
    assert.strictEqual(at.close, text.length - 2);
    assert.strictEqual(at.breaks, withEvents.split('\n').length - 1);
    assert.deepStrictEqual(at.span, goStdouttracePretty.parseBlockText!(block(withEvents), 1, new Map())!.spans[0]);
    const nested = goPretty(stub({ Name: 'nested', Attributes: [attr('m', { ChildSpanCount: 1 }, 'MAP')] }));
    assert.strictEqual(goStdouttracePretty.readAt!(nested + '\n', 0, 0, memo), undefined);
    assert.strictEqual(goStdouttracePretty.readAt!(plain + '  \n', 0, 0, memo), undefined, 'text after the closing brace');
    assert.strictEqual(goStdouttracePretty.readAt!(plain, 0, 0, memo), undefined, 'no line break after the closing brace yet');
  });
});
