// Pitfall: an orphan span. The work inside setImmediate runs after the active context is gone,
// and the child is started with an explicit empty context, so it lands in a trace of its own.
'use strict';
const { trace, context, ROOT_CONTEXT } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
provider.register();
const tracer = trace.getTracer('pitfalls');

tracer.startActiveSpan('handle-request', (request) => {
  // Wrong: ROOT_CONTEXT drops the request's context, so this span starts a new trace.
  const audit = tracer.startSpan('audit.write', {}, ROOT_CONTEXT);
  audit.end();
  // Right: start it in the active context (or context.with(trace.setSpan(...))).
  const cache = tracer.startSpan('cache.lookup', {}, context.active());
  cache.end();
  request.end();
});
provider.shutdown();
