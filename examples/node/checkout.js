// The OpenTelemetry tutorial's checkout, in Node. Press "Run with Span Lens" (the pulse icon in
// the editor title bar) to see its trace: a waterfall, durations above the lines that started
// each span, and hovers with attributes and events. Run `npm install` in this folder first (the
// OpenTelemetry SDK from npm, package.json).
'use strict';
const { trace } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor, ConsoleSpanExporter } = require('@opentelemetry/sdk-trace-base');

const provider = new NodeTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())],
});
provider.register();
const tracer = trace.getTracer('checkout-tutorial', '1.0.0');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadCart(userId) {
  return tracer.startActiveSpan('db.load_cart', async (span) => {
    span.setAttribute('user.id', userId);
    await sleep(15);
    span.end();
    return [{ sku: 'A1', qty: 2 }];
  });
}

async function charge(amount) {
  return tracer.startActiveSpan('payment.charge', async (span) => {
    span.setAttribute('payment.amount', amount);
    span.addEvent('calling payment provider');
    await sleep(30);
    span.end();
  });
}

async function main() {
  await tracer.startActiveSpan('checkout', async (span) => {
    span.setAttribute('user.id', 42);
    await loadCart(42);
    await charge(19.99);
    span.end();
  });
  console.log('order placed');
  await provider.shutdown();
}

main();
