package dev.spanlens.agent.otel;

import dev.spanlens.agent.Agent;
import dev.spanlens.agent.ExitReporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider Span Lens lends a program that uses only the OpenTelemetry API: while
 * GlobalOpenTelemetry holds nothing but the no-op, {@code get()} returns this one instead (not
 * registered, so a real SDK the program installs later takes over). Its spans are written as the
 * SDK's are; the facts say nothing would have exported them (noExporter).
 */
public final class ApiSide implements java.util.function.UnaryOperator<Object>, OpenTelemetry, TracerProvider, ExitReporter {
  final Map<LentSpan, Object> open = new ConcurrentHashMap<>();
  private volatile boolean registered;

  @Override
  public Object apply(Object global) {
    OpenTelemetry o = (OpenTelemetry) global;
    if (o.getTracerProvider() != TracerProvider.noop()) return o;
    if (!registered) {
      synchronized (this) {
        if (!registered) {
          Agent.addExitReporter(this);
          registered = true;
        }
      }
    }
    return this;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return this;
  }

  @Override
  public ContextPropagators getPropagators() {
    return ContextPropagators.noop();
  }

  @Override
  public Tracer get(String scopeName) {
    return new LentTracer(this, scopeName, null, null);
  }

  @Override
  public Tracer get(String scopeName, String version) {
    return new LentTracer(this, scopeName, version, null);
  }

  @Override
  public TracerBuilder tracerBuilder(String scopeName) {
    ApiSide side = this;
    return new TracerBuilder() {
      private String version;
      private String schemaUrl;

      @Override
      public TracerBuilder setSchemaUrl(String url) {
        schemaUrl = url;
        return this;
      }

      @Override
      public TracerBuilder setInstrumentationVersion(String v) {
        version = v;
        return this;
      }

      @Override
      public Tracer build() {
        return new LentTracer(side, scopeName, version, schemaUrl);
      }
    };
  }

  @Override
  public boolean hasPendingExports() {
    return false;
  }

  @Override
  public void reportOpen() {
    for (Map.Entry<LentSpan, Object> e : open.entrySet()) Agent.writeSpan(e.getKey().record(false, e.getValue()));
  }

  @Override
  public void collectLost(List<String> out) {
    // nothing of the program's would have exported these: noExporter says so
  }
}
