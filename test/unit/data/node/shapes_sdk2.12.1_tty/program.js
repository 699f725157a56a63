'use strict';
// One trace showing every field the exporter prints: parent, kinds, an event with attributes,
// links (one to a remote context with a trace state), a remote parent, an ERROR status.
// Runs unchanged on @opentelemetry/sdk-trace-base 1.0 through 2.x.
const api = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const resources = require('@opentelemetry/resources');
const { trace, context, SpanKind, SpanStatusCode } = api;

const attrs = { 'service.name': 'shape-svc' };
const resource = resources.resourceFromAttributes ? resources.resourceFromAttributes(attrs) : new resources.Resource(attrs);
const processor = new SimpleSpanProcessor(new ConsoleSpanExporter());
const provider = BasicTracerProvider.prototype.addSpanProcessor
  ? new BasicTracerProvider({ resource })
  : new BasicTracerProvider({ resource, spanProcessors: [processor] });
if (provider.addSpanProcessor) provider.addSpanProcessor(processor);
const tracer = provider.getTracer('shapes', '2.0.0');

const root = tracer.startSpan('checkout', { kind: SpanKind.SERVER, attributes: { 'user.id': 42, tags: ['x', 'y'] } });
const ctx = trace.setSpan(context.active(), root);
const child = tracer.startSpan('charge', { kind: SpanKind.CLIENT }, ctx);
child.addEvent('calling provider', { attempt: 1, codes: [200, 201] });
child.setStatus({ code: SpanStatusCode.ERROR, message: "declined: 'insufficient' funds" });
child.end();
const remote = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true,
  traceState: api.createTraceState ? api.createTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7') : undefined,
};
const consumer = tracer.startSpan('handle message', {
  kind: SpanKind.CONSUMER,
  links: [{ context: child.spanContext(), attributes: { 'link.kind': 'follows' } }, { context: remote }],
}, trace.setSpanContext(context.active(), remote));
consumer.end();
root.end();
