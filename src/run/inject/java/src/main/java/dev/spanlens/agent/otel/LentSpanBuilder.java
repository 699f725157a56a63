package dev.spanlens.agent.otel;

import dev.spanlens.agent.CallSites;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds a span of the lent provider, parented on the current (or given) context's span. */
final class LentSpanBuilder implements SpanBuilder {
  private static final Object NO_FRAME = new Object();
  private final LentTracer tracer;
  private final String name;
  private Context parent;
  private boolean noParent;
  private SpanKind kind = SpanKind.INTERNAL;
  private final AttributesBuilder attributes = Attributes.builder();
  private final List<Object[]> links = new ArrayList<>();
  private long start;

  LentSpanBuilder(LentTracer tracer, String name) {
    this.tracer = tracer;
    this.name = name == null ? "" : name;
  }

  @Override
  public SpanBuilder setParent(Context context) {
    if (context != null) {
      parent = context;
      noParent = false;
    }
    return this;
  }

  @Override
  public SpanBuilder setNoParent() {
    noParent = true;
    parent = null;
    return this;
  }

  @Override
  public SpanBuilder addLink(SpanContext spanContext) {
    return addLink(spanContext, Attributes.empty());
  }

  @Override
  public SpanBuilder addLink(SpanContext spanContext, Attributes attrs) {
    if (spanContext != null && spanContext.isValid()) links.add(new Object[] {spanContext, attrs == null ? Attributes.empty() : attrs});
    return this;
  }

  @Override
  public SpanBuilder setAttribute(String key, String value) {
    return setAttribute(AttributeKey.stringKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, long value) {
    return setAttribute(AttributeKey.longKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, double value) {
    return setAttribute(AttributeKey.doubleKey(key), value);
  }

  @Override
  public SpanBuilder setAttribute(String key, boolean value) {
    return setAttribute(AttributeKey.booleanKey(key), value);
  }

  @Override
  public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
    if (key != null && !key.getKey().isEmpty() && value != null) attributes.put(key, value);
    return this;
  }

  @Override
  public SpanBuilder setSpanKind(SpanKind spanKind) {
    if (spanKind != null) kind = spanKind;
    return this;
  }

  @Override
  public SpanBuilder setStartTimestamp(long startTimestamp, TimeUnit unit) {
    if (startTimestamp >= 0 && unit != null) start = unit.toNanos(startTimestamp);
    return this;
  }

  @Override
  public Span startSpan() {
    SpanContext parentContext = noParent ? SpanContext.getInvalid() : Span.fromContext(parent != null ? parent : Context.current()).getSpanContext();
    LentSpan span = new LentSpan(tracer, name, kind, parentContext, attributes, links, start > 0 ? start : LentSpan.now());
    Object frame = CallSites.capture();
    tracer.side.open.put(span, frame == null ? NO_FRAME : frame);
    dev.spanlens.agent.Agent.lentProviderUsed();
    return span;
  }
}
