/**
 * dist/inject/node-fallback.js: the provider Span Lens lends a program that uses only
 * @opentelemetry/api. A separate bundle (the SDK and its semantic conventions are most of its
 * size) loaded only when such a program starts its first span, so other runs do not pay for it.
 */
import * as api from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

/** A provider with no processors (the agent reports its spans) and this copy of the API. */
export function createFallback(): { provider: BasicTracerProvider; contextManager: unknown } {
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any */
  const contextApi = api.context as any;
  return { provider: new BasicTracerProvider(), contextManager: contextApi._getContextManager?.() };
}
