// Pitfall: a span that is never ended. It is never exported, so no backend ever sees it — and
// neither do its children's parent link targets. Span Lens reports it at exit.
'use strict';
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] });
provider.register();
const tracer = trace.getTracer('pitfalls');

function parseOrder(raw) {
  const span = tracer.startSpan('order.parse');
  if (!raw) return null; // returns early: span.end() below is never reached
  const order = JSON.parse(raw);
  span.end();
  return order;
}

parseOrder('');
parseOrder('{"id": 1}');
