'use strict';
// Attribute values, span names, messages and links that stress util.inspect: quoting switches,
// escapes, unicode, HTML, NaN/Infinity/-0/2**63-1, 10 kB strings, > 100 items, [Array], [TraceStateImpl].
// Runs unchanged on @opentelemetry/sdk-trace-base 1.x and 2.x.
const api = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const resources = require('@opentelemetry/resources');
const { trace, context, SpanKind, SpanStatusCode } = api;

const attrs = { 'service.name': 'tricky-svc', 'deployment.tags': ['a', "b'c"] };
const resource = resources.resourceFromAttributes ? resources.resourceFromAttributes(attrs) : new resources.Resource(attrs);
const processor = new SimpleSpanProcessor(new ConsoleSpanExporter());
const provider = BasicTracerProvider.prototype.addSpanProcessor
  ? new BasicTracerProvider({ resource })
  : new BasicTracerProvider({ resource, spanProcessors: [processor] });
if (provider.addSpanProcessor) provider.addSpanProcessor(processor);
const tracer = provider.getTracer('tricky', '0.0.1');

const root = tracer.startSpan("it's a \"root\" <span>");
const ctx = trace.setSpan(context.active(), root);

const s1 = tracer.startSpan('quotes', {}, ctx);
s1.setAttributes({
  single: "it's",
  double: 'say "hi"',
  both: `it's "both"`,
  all3: 'it\'s "all" `three`',
  templ: 'it\'s "x" ${y}',
  backslash: 'C:\\path\\to\\file',
  escapes: 'tab\there\rcr\nnl\x00nul\x1b[31mred\x1b[0m\x7f\x08\x0b\x0c',
  unicode: 'héllo wörld — 日本語 😀 \u2028 \u00a0 \u200b',
  lone: 'lone \ud83d surrogate',
  html: '<script>alert("x&y")</script>',
  empty: '',
  "it's key": 1,
  'key "dq"': 2,
  'key\nnl': 3,
  'weird key with spaces': 'v',
  '123start': 4,
  _under: 5,
  $dollar: 6,
  'a => b': 'arrow',
  '{': '}',
});
s1.end();

const s2 = tracer.startSpan('numbers', {}, ctx);
s2.setAttributes({
  nan: NaN, inf: Infinity, ninf: -Infinity, negzero: -0, maxint: 2 ** 63 - 1, safe: Number.MAX_SAFE_INTEGER,
  big: 1e21, tiny: 1.5e-7, sum: 0.1 + 0.2, neg: -12.5, exp: 6.02e23,
  arr_mixed_null: [1, null, 3], arr_nan: [NaN, Infinity, -0],
  many: Array.from({ length: 150 }, (_, i) => i * 3),
  floats: Array.from({ length: 20 }, (_, i) => i / 7),
  strs: Array.from({ length: 30 }, (_, i) => 'item-' + i),
  strs_long: Array.from({ length: 105 }, (_, i) => "it's " + i),
  bools: Array.from({ length: 12 }, (_, i) => i % 2 === 0),
});
s2.end();

const s3 = tracer.startSpan('long strings', {}, ctx);
s3.setAttribute('ten_k', 'x'.repeat(10050));
s3.setAttribute('exactly_10k', 'y'.repeat(10000));
s3.setAttribute('multiline_long', Array.from({ length: 8 }, (_, i) => `line ${i}: ${"it's ".repeat(6)}`).join('\n'));
s3.setAttribute('multiline_huge', ('z'.repeat(3000) + '\n').repeat(4));
s3.setAttribute('short_multiline', 'a\nb');
s3.setAttribute('trailing_nl', 'ends with newline, and is longer than the break length of eighty columns....\n');
s3.setAttribute('quote_pieces', "first line with it's\n" + 'second "line" here, long enough to be split by util.inspect\n' + 'third `line` with it\'s and "both"');
s3.addEvent('big event', { 'ev.list': ['p', 'q'], 'ev.nums': [1, 2, 3], 'ev.str': "o'k", 'ev.long': 'w'.repeat(10020) });
s3.setStatus({ code: SpanStatusCode.ERROR, message: 'failed: "quoted" it\'s\nsecond line' });
s3.end();

const remote = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
  isRemote: true,
  traceState: api.createTraceState('vendor1=abc,vendor2=xyz'),
};
const s4 = tracer.startSpan('child of remote', {
  kind: SpanKind.SERVER,
  links: [
    { context: remote, attributes: { 'link.list': ['a', 'b'], 'link.s': 'x' } },
    { context: s1.spanContext() },
  ],
}, trace.setSpanContext(context.active(), remote));
for (let i = 0; i < 3; i++) s4.addEvent(`ev ${i}`, { i, list: [i, i + 1] });
s4.end();

const s5 = tracer.startSpan('x'.repeat(10005) + ' long name', { kind: SpanKind.CONSUMER }, ctx);
s5.end();

const s6 = tracer.startSpan('many events', { kind: SpanKind.PRODUCER }, ctx);
for (let i = 0; i < 110; i++) s6.addEvent('tick', { n: i });
s6.end();

const s7 = tracer.startSpan('many links', {
  kind: SpanKind.CLIENT,
  links: Array.from({ length: 104 }, (_, i) => ({ context: { ...s1.spanContext(), spanId: (i + 1).toString(16).padStart(16, '0') } })),
}, ctx);
s7.end();

root.end();
