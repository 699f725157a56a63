/**
 * The few lines of code that finding messages suggest, in the language of the file they point at,
 * so a message reads as the fix the user would type.
 */
import type { SourceLanguage } from './types';

type Snippet = 'end' | 'error-status' | 'shutdown' | 'service-name';

const SNIPPETS: Record<Snippet, Partial<Record<SourceLanguage, string>> & { other: string }> = {
  end: {
    python: 'use `with tracer.start_as_current_span(...)`, or call span.end() in a finally block',
    javascript: 'call span.end() in a finally block (or at the end of the startActiveSpan callback)',
    typescript: 'call span.end() in a finally block (or at the end of the startActiveSpan callback)',
    go: 'add `defer span.End()` right after tracer.Start',
    java: 'call span.end() in a finally block',
    rust: 'keep the span guard alive only as long as the work, and do not forget it',
    other: 'end the span on every path (a finally block, a with/using block, defer)',
  },
  'error-status': {
    python: 'span.set_status(Status(StatusCode.ERROR, str(exc)))',
    javascript: 'span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) })',
    typescript: 'span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) })',
    go: 'span.SetStatus(codes.Error, err.Error())',
    java: 'span.setStatus(StatusCode.ERROR, e.getMessage())',
    other: 'set the span status to ERROR',
  },
  shutdown: {
    python: 'call provider.shutdown() before the program exits (or atexit.register(provider.shutdown))',
    javascript: "await provider.shutdown() before the program exits (or process.once('beforeExit', () => provider.shutdown()))",
    typescript: "await provider.shutdown() before the program exits (or process.once('beforeExit', () => provider.shutdown()))",
    go: 'defer tp.Shutdown(ctx) in main',
    java: 'call sdkTracerProvider.close() (or shutdown()) before exit',
    other: 'shut the tracer provider down (or force a flush) before the program exits',
  },
  'service-name': {
    python: 'Resource.create({"service.name": "checkout"}) on the TracerProvider, or OTEL_SERVICE_NAME=checkout',
    javascript: "resourceFromAttributes({ 'service.name': 'checkout' }) on the provider, or OTEL_SERVICE_NAME=checkout",
    typescript: "resourceFromAttributes({ 'service.name': 'checkout' }) on the provider, or OTEL_SERVICE_NAME=checkout",
    go: 'resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName("checkout")), or OTEL_SERVICE_NAME=checkout',
    java: 'Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "checkout")), or OTEL_SERVICE_NAME=checkout',
    other: 'set service.name on the resource, or OTEL_SERVICE_NAME=checkout',
  },
};

/** The suggestion for `what` in `language`. */
export function snippet(what: Snippet, language: SourceLanguage): string {
  const s = SNIPPETS[what];
  return s[language] ?? s.other;
}
