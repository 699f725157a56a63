/**
 * Span Lens frames: the members every span of a process prints alike (resource, serviceName,
 * scope; for a plain span also its counts, empty events and links, status and trace state) are
 * read once and shared. Whatever is shared, a run of frames must read exactly as each frame read
 * alone, by a parser that has seen nothing before it.
 */
import * as assert from 'assert';
import { parseText } from '../../src/core/parse';
import { SPAN_LENS_MARKER } from '../../src/core/parse/spanLens';
import { emptySpan, type Span } from '../../src/core/model';
import { spanToSchema } from '../../src/core/schema';
import { stringifyJson } from '../../src/core/json';

const NONCE = 'sh4red';

function span(i: number, over: Partial<Span> = {}): Span {
  return {
    ...emptySpan(),
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: (0x1000 + i).toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? null : '0000000000001000',
    name: `op-${i}`,
    kind: 'INTERNAL',
    startTimeUnixNano: 1795592759793000000n + BigInt(i * 1000),
    endTimeUnixNano: 1795592759794000000n + BigInt(i * 1000),
    attributes: { i },
    resource: { 'service.name': 'checkout', 'telemetry.sdk.language': 'nodejs', 'process.pid': 4242 },
    scope: { name: 'shop', version: '1.0.0', schemaUrl: null },
    location: { file: '/w/shop/checkout.js', line: 10 + i, column: 4, function: 'checkout' },
    ...over,
  };
}

/** A frame as the Node injection prints it; `edit` changes the record's JSON text. */
function frame(s: Span, edit?: (json: string) => string): string {
  const json = stringifyJson({ type: s.endTimeUnixNano === null ? 'unended' : 'span', span: spanToSchema(s) });
  return `${SPAN_LENS_MARKER}${NONCE} ${edit ? edit(json) : json}`;
}

const strip = (spans: Span[]) => spans.map((s) => ({ ...s, origin: undefined }));
const together = (frames: string[]) => strip(parseText(frames.join('\n') + '\n', { nonce: NONCE }).spans);
const alone = (frames: string[]) => frames.flatMap((f) => strip(parseText(f + '\n', { nonce: NONCE }).spans));

describe('Span Lens frames: repeated members read once and shared', () => {
  it('plain spans share the resource and scope read once, and read as each frame alone', () => {
    const frames = [0, 1, 2, 3].map((i) => frame(span(i)));
    const spans = parseText(frames.join('\n') + '\n', { nonce: NONCE }).spans;
    assert.deepStrictEqual(strip(spans), alone(frames));
    assert.strictEqual(spans.length, 4);
    // Read once from the second frame on (the first teaches the parser what repeats).
    assert.strictEqual(spans[2].resource, spans[1].resource);
    assert.strictEqual(spans[3].scope, spans[1].scope);
    assert.deepStrictEqual(spans[3].resource, { 'service.name': 'checkout', 'telemetry.sdk.language': 'nodejs', 'process.pid': 4242 });
    assert.throws(() => {
      (spans[2].resource as Record<string, unknown>)['service.name'] = 'changed';
    }, TypeError);
  });

  it('spans with their own events, links, status, trace state or counts between plain ones keep them', () => {
    const frames = [
      frame(span(0)),
      frame(span(1)),
      frame(span(2, { events: [{ name: 'retry', timeUnixNano: 1795592759793500000n, attributes: { attempt: 2 }, droppedAttributesCount: 0 }] })),
      frame(span(3, { links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: 'k=v', attributes: {}, droppedAttributesCount: 1 }] })),
      frame(span(4, { status: { code: 'ERROR', message: 'card declined' } })),
      frame(span(5, { traceState: 'rojo=00f067aa0ba902b7' })),
      frame(span(6, { droppedAttributesCount: 3, droppedEventsCount: 1 })),
      frame(span(7)),
    ];
    const spans = together(frames);
    assert.deepStrictEqual(spans, alone(frames));
    assert.deepStrictEqual(
      spans.map((s) => [s.events.length, s.links.length, s.status.code, s.traceState, s.droppedAttributesCount]),
      [
        [0, 0, 'UNSET', null, 0],
        [0, 0, 'UNSET', null, 0],
        [1, 0, 'UNSET', null, 0],
        [0, 1, 'UNSET', null, 0],
        [0, 0, 'ERROR', null, 0],
        [0, 0, 'UNSET', 'rojo=00f067aa0ba902b7', 0],
        [0, 0, 'UNSET', null, 3],
        [0, 0, 'UNSET', null, 0],
      ],
    );
  });

  it('a resource or scope that differs by one character of the same length is read anew', () => {
    const frames = [
      frame(span(0)),
      frame(span(1)),
      frame(span(2, { resource: { 'service.name': 'checkouT', 'telemetry.sdk.language': 'nodejs', 'process.pid': 4242 } })),
      frame(span(3, { scope: { name: 'shop', version: '1.0.1', schemaUrl: null } })),
      frame(span(4)),
    ];
    const spans = together(frames);
    assert.deepStrictEqual(spans, alone(frames));
    assert.deepStrictEqual(
      spans.map((s) => `${String(s.resource['service.name'])} ${s.scope.version}`),
      ['checkout 1.0.0', 'checkout 1.0.0', 'checkouT 1.0.0', 'checkout 1.0.1', 'checkout 1.0.0'],
    );
  });

  it('values JSON.parse cannot keep exact, odd keys and unusual records read as alone', () => {
    const frames = [
      frame(span(0)),
      frame(span(1)),
      // An integer beyond 2^53 and non-finite floats after a shared stretch.
      frame(span(2, { attributes: { big: 9223372036854775807n, nan: NaN, inf: -Infinity } })),
      // An attribute named like the members that are shared, and one named __proto__.
      frame(span(3, { attributes: { resource: 'mine', scope: 1, events: true } })),
      frame(span(4), (j) => j.replace('"attributes":{"i":4}', '"attributes":{"__proto__":"x"}')),
      // The same member printed twice: JSON's last wins, shared or not.
      frame(span(5), (j) => j.replace('"name":"op-5",', '"name":"op-5","resource":{"dup":true},"status":{"code":"ERROR","message":"first"},')),
      // No location; a record with a member after the span; a span never ended.
      frame(span(6, { location: undefined })),
      frame(span(7), (j) => j.slice(0, -1) + ',"extra":1}'),
      frame(span(8, { endTimeUnixNano: null })),
      frame(span(9)),
    ];
    const spans = together(frames);
    assert.deepStrictEqual(spans, alone(frames));
    assert.strictEqual(spans.length, 10);
    assert.strictEqual(spans[2].attributes.big, 9223372036854775807n);
    assert.ok(Number.isNaN(spans[2].attributes.nan));
    assert.ok(Object.prototype.hasOwnProperty.call(spans[4].attributes, '__proto__'));
    assert.strictEqual(Object.getPrototypeOf(spans[4].attributes), Object.prototype);
    assert.strictEqual(spans[5].status.code, 'UNSET');
    assert.strictEqual(spans[6].location, undefined);
    assert.strictEqual(spans[8].endTimeUnixNano, null);
  });
});

describe('Span Lens frames: the head read without JSON.parse', () => {
  it('names, parents, kinds and times read from the head are what JSON.parse reads', () => {
    const frames = [
      frame(span(0)),
      frame(span(1)),
      frame(span(2, { name: 'a "quoted"\nname\u2028 café <b> \\ and a long tail after it' })),
      frame(span(3, { parentSpanId: null, parentIsRemote: true, kind: 'SERVER' })),
      frame(span(4, { parentIsRemote: false, kind: 'CLIENT' })),
      frame(span(5, { kind: 'PRODUCER', endTimeUnixNano: null })),
      frame(span(6, { kind: 'CONSUMER', startTimeUnixNano: 1n, endTimeUnixNano: 99999999999999999999n })),
      // Printed otherwise than the exporters print: read whole, the same.
      frame(span(7), (j) => j.replace('"spanId":"0000000000001007"', '"spanId":"0000000000001AAA"')),
      frame(span(8), (j) => j.replace(/"durationNano":"\d+",/, '')),
      frame(span(9), (j) => j.replace('"kind":"INTERNAL"', '"kind":"SPAN_KIND_SERVER"')),
      frame(span(10)),
    ];
    const spans = together(frames);
    assert.deepStrictEqual(spans, alone(frames));
    assert.deepStrictEqual(
      spans.map((s) => [s.name.length > 20 ? 'long' : s.name, s.spanId.slice(12), s.parentSpanId?.slice(12) ?? null, s.parentIsRemote, s.kind, s.endTimeUnixNano === null]),
      [
        ['op-0', '1000', null, null, 'INTERNAL', false],
        ['op-1', '1001', '1000', null, 'INTERNAL', false],
        ['long', '1002', '1000', null, 'INTERNAL', false],
        ['op-3', '1003', null, true, 'SERVER', false],
        ['op-4', '1004', '1000', false, 'CLIENT', false],
        ['op-5', '1005', '1000', null, 'PRODUCER', true],
        ['op-6', '1006', '1000', null, 'CONSUMER', false],
        ['op-7', '1aaa', '1000', null, 'INTERNAL', false],
        ['op-8', '1008', '1000', null, 'INTERNAL', false],
        ['op-9', '1009', '1000', null, 'SERVER', false],
        ['op-10', '100a', '1000', null, 'INTERNAL', false],
      ],
    );
    assert.strictEqual(spans[2].name, 'a "quoted"\nname\u2028 café <b> \\ and a long tail after it');
    assert.strictEqual(spans[6].endTimeUnixNano, 99999999999999999999n);
  });

  it('members after the attributes and locations read as JSON would: the last printed wins', () => {
    const frames = [
      frame(span(0)),
      frame(span(1)),
      // A member the exporters add after the attributes (lossy marks).
      frame(span(2), (j) => j.replace('"attributes":{"i":2}', '"attributes":{"i":2},"lossy":[{"path":"attributes.x","reason":"cut"}]')),
      // A head member printed again after the attributes: the second one counts.
      frame(span(3), (j) => j.replace('"attributes":{"i":3}', '"attributes":{"i":3},"name":"renamed","kind":"SERVER"')),
      // A location before the shared stretch and another after it; one with no line; none.
      frame(span(4), (j) => j.replace('"attributes":{"i":4}', '"attributes":{"i":4},"location":{"file":"/first.js","line":1}')),
      frame(span(5), (j) => j.replace('"attributes":{"i":5}', '"attributes":{"i":5},"location":{"file":"/first.js","line":1}').replace(/"location":\{"file":"\/w[^}]*\}/, '"location":{"file":"/w/x.js"}')),
      frame(span(6, { location: undefined })),
      frame(span(7, { location: { file: '/w/shop/checkout.js', line: 11, column: 4 } })),
      frame(span(8, { location: { file: '/w/shop/checkout.js', line: 11, column: 4, function: 'checkout' } })),
      frame(span(9, { location: { file: '/w/shop/checkout.js', line: 11, column: 4, function: 'checkout' } })),
      frame(span(10)),
    ];
    const spans = together(frames);
    assert.deepStrictEqual(spans, alone(frames));
    assert.deepStrictEqual(spans[2].lossy, [{ path: 'attributes.x', reason: 'cut' }]);
    assert.deepStrictEqual([spans[3].name, spans[3].kind], ['renamed', 'SERVER']);
    assert.deepStrictEqual(spans[4].location, { file: '/w/shop/checkout.js', line: 14, column: 4, function: 'checkout' });
    assert.strictEqual(spans[5].location, undefined);
    assert.strictEqual(spans[6].location, undefined);
    assert.deepStrictEqual(spans[7].location, { file: '/w/shop/checkout.js', line: 11, column: 4 });
    // One call site, one location object, which nobody can change.
    assert.strictEqual(spans[8].location, spans[9].location);
    assert.ok(Object.isFrozen(spans[9].location));
  });
});
