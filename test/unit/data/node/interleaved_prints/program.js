'use strict';
// The program prints between and around spans: plain lines, a lone { and }, a JSON line, a
// partial line that the next span's { is glued to, and a console.dir of an object that looks
// a little like a span (trace ids, a name) but is not one.
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'chatty-svc' }),
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
provider.register();
const tracer = trace.getTracer('chatty');

console.log('starting up');
tracer.startActiveSpan('first', (span) => {
  console.log('inside first');
  span.end();
});
console.log('{');
console.log('}');
console.log(JSON.stringify({ traceId: 'not-a-span', level: 'info', msg: 'json log line' }));
console.dir({ traceId: '0af7651916cd43dd8448eb211c80319c', name: 'lookalike', id: 'b7ad6b7169203331', note: 'not a span' }, { depth: 3 });
console.dir({ request: { method: 'GET', path: '/x' }, ok: true, list: ['a', "b'c"] });
process.stdout.write('partial line without newline: ');
tracer.startActiveSpan('second', (span) => {
  span.setAttribute('note', '{ not a block }');
  span.end();
});
console.log('{ "msg": "brace-shaped JSON line" }');
tracer.startActiveSpan('third', (span) => span.end());
console.log('done');
