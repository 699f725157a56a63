// The tutorial's checkout in TypeScript, an ES module (package.json "type": "module") with a
// top-level await. Span Lens runs it with the project's own tsx (npm install first) and maps
// every span back to the .ts line that started it.
import { trace, SpanStatusCode, type Span } from '@opentelemetry/api';
import { SimpleSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

interface CartItem {
  sku: string;
  qty: number;
}

const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
provider.register();
const tracer = trace.getTracer('checkout-tutorial', '1.0.0');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function loadCart(userId: number): Promise<CartItem[]> {
  return tracer.startActiveSpan('db.load_cart', async (span: Span) => {
    span.setAttribute('user.id', userId);
    await sleep(12);
    span.end();
    return [{ sku: 'A1', qty: 2 }];
  });
}

async function charge(amount: number): Promise<void> {
  return tracer.startActiveSpan('payment.charge', async (span: Span) => {
    span.setAttribute('payment.amount', amount);
    span.addEvent('calling payment provider');
    await sleep(25);
    if (amount > 1000) span.setStatus({ code: SpanStatusCode.ERROR, message: 'amount over limit' });
    span.end();
  });
}

await tracer.startActiveSpan('checkout', async (span: Span) => {
  const cart = await loadCart(42);
  span.setAttribute('cart.items', cart.length);
  await charge(19.99);
  span.end();
});
console.log('order placed');
await provider.shutdown();
