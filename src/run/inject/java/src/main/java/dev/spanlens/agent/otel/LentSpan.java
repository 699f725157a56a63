package dev.spanlens.agent.otel;

import dev.spanlens.agent.Agent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A span of the lent provider: records what the program sets and writes its record on end(). */
final class LentSpan implements Span {
  private static final long EPOCH_ANCHOR = System.currentTimeMillis() * 1_000_000L;
  private static final long NANO_ANCHOR = System.nanoTime();

  private final LentTracer tracer;
  private final SpanContext context;
  private final SpanContext parent;
  private final SpanKind kind;
  private final long start;
  private final List<Object[]> links;
  private String name;
  private AttributesBuilder attributes;
  private final List<Object[]> events = new ArrayList<>();
  private StatusCode status = StatusCode.UNSET;
  private String description;
  private long end;
  private boolean ended;

  LentSpan(LentTracer tracer, String name, SpanKind kind, SpanContext parent, AttributesBuilder attributes, List<Object[]> links, long start) {
    this.tracer = tracer;
    this.name = name;
    this.kind = kind;
    this.parent = parent;
    this.attributes = attributes;
    this.links = links;
    this.start = start;
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String traceId = parent.isValid() ? parent.getTraceId() : hex(r.nextLong() | 1, 16) + hex(r.nextLong(), 16);
    this.context = SpanContext.create(traceId, hex(r.nextLong() | 1, 16), TraceFlags.getSampled(), parent.isValid() ? parent.getTraceState() : TraceState.getDefault());
  }

  static long now() {
    return EPOCH_ANCHOR + (System.nanoTime() - NANO_ANCHOR);
  }

  private static String hex(long v, int digits) {
    String s = Long.toHexString(v);
    return "0".repeat(digits - s.length()) + s;
  }

  @Override
  public synchronized <T> Span setAttribute(AttributeKey<T> key, T value) {
    if (!ended && key != null && !key.getKey().isEmpty() && value != null) attributes.put(key, value);
    return this;
  }

  @Override
  public Span addEvent(String eventName, Attributes attrs) {
    return addEvent(eventName, attrs, now(), TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized Span addEvent(String eventName, Attributes attrs, long timestamp, TimeUnit unit) {
    if (!ended && eventName != null) events.add(new Object[] {eventName, unit.toNanos(timestamp), attrs == null ? Attributes.empty() : attrs});
    return this;
  }

  @Override
  public synchronized Span setStatus(StatusCode code, String desc) {
    // As the SDK: OK is final, UNSET changes nothing.
    if (!ended && code != null && code != StatusCode.UNSET && status != StatusCode.OK) {
      status = code;
      description = code == StatusCode.ERROR ? desc : null;
    }
    return this;
  }

  @Override
  public Span recordException(Throwable exception, Attributes additional) {
    if (exception == null) return this;
    StringWriter trace = new StringWriter();
    exception.printStackTrace(new PrintWriter(trace));
    AttributesBuilder b = Attributes.builder().put("exception.type", exception.getClass().getName());
    if (exception.getMessage() != null) b.put("exception.message", exception.getMessage());
    b.put("exception.stacktrace", trace.toString());
    if (additional != null) b.putAll(additional);
    return addEvent("exception", b.build());
  }

  @Override
  public synchronized Span updateName(String newName) {
    if (!ended && newName != null) name = newName;
    return this;
  }

  @Override
  public void end() {
    end(now(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void end(long timestamp, TimeUnit unit) {
    synchronized (this) {
      if (ended) return;
      ended = true;
      end = unit.toNanos(timestamp);
    }
    Object frame = tracer.side.open.remove(this);
    Agent.writeSpan((java.util.function.Supplier<String>) () -> record(true, frame));
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public synchronized boolean isRecording() {
    return !ended;
  }

  /** The record, `frame` being what CallSites.capture() gave at the start. */
  synchronized String record(boolean done, Object frame) {
    String location = dev.spanlens.agent.CallSites.locationOf(frame);
    StringBuilder out = SpanJson.head(done, context, parent, name, kind, start, end, attributes.build());
    SpanJson.eventsStart(out, 0);
    for (int i = 0; i < events.size(); i++) {
      Object[] e = events.get(i);
      SpanJson.event(out, i == 0, (String) e[0], (Long) e[1], (Attributes) e[2], 0);
    }
    SpanJson.linksStart(out, 0);
    for (int i = 0; i < links.size(); i++) SpanJson.link(out, i == 0, (SpanContext) links.get(i)[0], (Attributes) links.get(i)[1], 0);
    return SpanJson.finish(out, 0, status, description, context.getTraceState(), tracer.resourceAndScope, location);
  }
}
