'use strict';
// Children started together under Promise.all end out of order; one has a grandchild; one is
// started from a setTimeout callback. All belong to one trace (AsyncLocalStorage context).
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { SimpleSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'async-svc' }),
  spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())],
});
provider.register();
const tracer = trace.getTracer('async-demo');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function child(name, ms, withGrandchild) {
  return tracer.startActiveSpan(name, async (span) => {
    if (withGrandchild) {
      await tracer.startActiveSpan(`${name}.inner`, async (inner) => {
        await sleep(ms / 2);
        inner.end();
      });
    }
    await sleep(ms);
    span.setAttribute('slept.ms', ms);
    span.end();
  });
}

tracer.startActiveSpan('request', async (root) => {
  await Promise.all([child('slow', 30, false), child('fast', 5, true), child('medium', 15, false)]);
  await new Promise((resolve) =>
    setTimeout(() => {
      tracer.startActiveSpan('timer-callback', (span) => {
        span.end();
        resolve();
      });
    }, 5),
  );
  root.end();
});
