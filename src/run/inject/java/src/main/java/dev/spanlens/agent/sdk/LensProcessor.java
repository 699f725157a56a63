package dev.spanlens.agent.sdk;

import dev.spanlens.agent.Agent;
import dev.spanlens.agent.CallSites;
import dev.spanlens.agent.ExitReporter;
import dev.spanlens.agent.otel.SpanJson;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Span Lens's processor, last in every provider: captures the call site when a span starts, writes
 * the span's record when it ends (after the program's processors ran), and at exit the spans still
 * open and those the program's pipeline never exported.
 */
final class LensProcessor implements SpanProcessor, ExitReporter {
  private static final Object NO_FRAME = new Object();
  private final Pipeline pipeline;
  /** Open spans and the frame that started them (CallSites.capture). */
  private final Map<ReadableSpan, Object> open = new ConcurrentHashMap<>();
  /** `,"resource":...,"scope":...` by resource and scope (a provider has one resource, few scopes). */
  private final Map<InstrumentationScopeInfo, String> shared = new ConcurrentHashMap<>();
  private volatile Resource sharedResource;

  LensProcessor(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      Object frame = CallSites.capture();
      open.put(span, frame == null ? NO_FRAME : frame);
      if (!pipeline.exports) Agent.unexportedSpans();
    } catch (Throwable t) {
      // never break startSpan
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      Object frame = open.remove(span);
      pipeline.ended(span);
      // Read and written on the writer's thread: the span is ended, its data no longer changes.
      Agent.writeSpan((Supplier<String>) () -> record(span.toSpanData(), true, CallSites.locationOf(frame)));
    } catch (Throwable t) {
      // never break end
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public boolean hasPendingExports() {
    return pipeline.hasPending();
  }

  @Override
  public void reportOpen() {
    for (Map.Entry<ReadableSpan, Object> e : open.entrySet()) {
      ReadableSpan span = e.getKey();
      if (span.hasEnded()) continue;
      // Left in the map: if the program ends it later (in a hook of its own), that record follows.
      Agent.writeSpan(record(span.toSpanData(), false, CallSites.locationOf(e.getValue())));
    }
  }

  @Override
  public void collectLost(List<String> out) {
    out.addAll(pipeline.lost());
  }

  private String record(SpanData d, boolean ended, String location) {
    StringBuilder out = SpanJson.head(ended, d.getSpanContext(), d.getParentSpanContext(), d.getName(), d.getKind(), d.getStartEpochNanos(), d.getEndEpochNanos(), d.getAttributes());
    SpanJson.eventsStart(out, d.getTotalAttributeCount() - d.getAttributes().size());
    List<EventData> events = d.getEvents();
    for (int i = 0; i < events.size(); i++) {
      EventData e = events.get(i);
      SpanJson.event(out, i == 0, e.getName(), e.getEpochNanos(), e.getAttributes(), e.getTotalAttributeCount() - e.getAttributes().size());
    }
    SpanJson.linksStart(out, d.getTotalRecordedEvents() - events.size());
    List<LinkData> links = d.getLinks();
    for (int i = 0; i < links.size(); i++) {
      LinkData l = links.get(i);
      SpanJson.link(out, i == 0, l.getSpanContext(), l.getAttributes(), l.getTotalAttributeCount() - l.getAttributes().size());
    }
    return SpanJson.finish(out, d.getTotalRecordedLinks() - links.size(), d.getStatus().getStatusCode(), d.getStatus().getDescription(),
        d.getSpanContext().getTraceState(), shared(d.getResource(), d.getInstrumentationScopeInfo()), location);
  }

  private String shared(Resource resource, InstrumentationScopeInfo scope) {
    if (resource != sharedResource) {
      shared.clear();
      sharedResource = resource;
    }
    return shared.computeIfAbsent(scope, s -> SpanJson.resourceAndScope(resource.getAttributes(), s.getName(), s.getVersion(), s.getSchemaUrl()));
  }
}
