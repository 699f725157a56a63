'use strict';
// With a batch processor nothing is exported before the exception escapes: stdout stays empty.
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'crashy-svc' }),
  spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())],
});
provider.register();
const tracer = trace.getTracer('crash-demo');

tracer.startActiveSpan('load-config', (span) => span.end());
tracer.startActiveSpan('connect-db', (span) => span.end());
tracer.startActiveSpan('handle-request', () => {
  throw new Error('boom: unhandled in handler');
});
