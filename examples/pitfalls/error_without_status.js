// Pitfall: an exception recorded on a span whose status stays UNSET. Backends count errors by
// status, so this failure is invisible in error rates. Set the status to ERROR as well.
'use strict';
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
provider.register();
const tracer = trace.getTracer('pitfalls');

tracer.startActiveSpan('payment.charge', (span) => {
  try {
    throw new Error('card declined');
  } catch (err) {
    span.recordException(err); // missing: span.setStatus({ code: SpanStatusCode.ERROR, message: err.message })
  } finally {
    span.end();
  }
});
provider.shutdown();
