package dev.spanlens.agent.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

/** A tracer of the lent provider: one instrumentation scope. */
final class LentTracer implements Tracer {
  private static final Attributes RESOURCE = Attributes.of(AttributeKey.stringKey("service.name"), "unknown_service:java",
      AttributeKey.stringKey("telemetry.sdk.name"), "span-lens");
  final ApiSide side;
  final String resourceAndScope;

  LentTracer(ApiSide side, String name, String version, String schemaUrl) {
    this.side = side;
    this.resourceAndScope = SpanJson.resourceAndScope(RESOURCE, name, version, schemaUrl);
  }

  @Override
  public SpanBuilder spanBuilder(String spanName) {
    return new LentSpanBuilder(this, spanName);
  }
}
