package dev.spanlens.agent.sdk;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/** The program's exporter, unchanged, with Span Lens told which spans it was given. */
final class ObservedExporter implements SpanExporter {
  private final SpanExporter delegate;
  private final Pipeline pipeline;

  ObservedExporter(SpanExporter delegate, Pipeline pipeline) {
    this.delegate = delegate;
    this.pipeline = pipeline;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    try {
      pipeline.exported(spans);
    } catch (RuntimeException e) {
      // observing must never stop the export
    }
    return delegate.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
