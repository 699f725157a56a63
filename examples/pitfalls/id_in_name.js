// Pitfall: an id in the span name. Every user makes a new span name, which backends index as a
// new operation (high cardinality). Use a fixed name and put the id in an attribute.
'use strict';
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
provider.register();
const tracer = trace.getTracer('pitfalls');

for (const userId of [8412, 9120, 1337]) {
  const span = tracer.startSpan(`GET /users/${userId}`);
  span.end();
}
provider.shutdown();
