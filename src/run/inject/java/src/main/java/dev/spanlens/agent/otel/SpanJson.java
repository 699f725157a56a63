package dev.spanlens.agent.otel;

import dev.spanlens.agent.Json;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import java.util.List;
import java.util.Map;

/**
 * A span as the record JSON of docs/format.md (the SCHEMA.md span object plus its location), in
 * the key order the reader's fast path expects. Built from OpenTelemetry API types only, so both
 * the SDK side and the lent provider write through it.
 */
public final class SpanJson {
  private SpanJson() {}

  /** The head of a record up to and including the attributes. */
  public static StringBuilder head(boolean ended, SpanContext ctx, SpanContext parent, String name, SpanKind kind, long start, long end, Attributes attributes) {
    StringBuilder out = new StringBuilder(512);
    out.append(ended ? "{\"type\":\"span\",\"span\":{\"traceId\":\"" : "{\"type\":\"unended\",\"span\":{\"traceId\":\"");
    out.append(ctx.getTraceId()).append("\",\"spanId\":\"").append(ctx.getSpanId()).append("\",\"parentSpanId\":");
    if (parent != null && parent.isValid()) {
      out.append('"').append(parent.getSpanId()).append("\",\"parentIsRemote\":").append(parent.isRemote());
    } else {
      out.append("null,\"parentIsRemote\":null");
    }
    Json.string(out.append(",\"name\":"), name);
    out.append(",\"kind\":\"").append(kind == null ? "INTERNAL" : kind.name()).append("\",\"startTimeUnixNano\":\"").append(Long.toUnsignedString(start)).append('"');
    if (ended) {
      out.append(",\"endTimeUnixNano\":\"").append(Long.toUnsignedString(end)).append("\",\"durationNano\":\"").append(end - start).append('"');
    } else {
      out.append(",\"endTimeUnixNano\":null,\"durationNano\":null");
    }
    return attributes(out.append(",\"attributes\":"), attributes);
  }

  /** `"droppedAttributesCount":n,"events":[` — then {@link #event}s, then {@link #linksStart}. */
  public static void eventsStart(StringBuilder out, int droppedAttributes) {
    out.append(",\"droppedAttributesCount\":").append(Math.max(0, droppedAttributes)).append(",\"events\":[");
  }

  /** One event (after the first, with its comma). */
  public static void event(StringBuilder out, boolean first, String name, long epochNanos, Attributes attributes, int dropped) {
    if (!first) out.append(',');
    Json.string(out.append("{\"name\":"), name).append(",\"timeUnixNano\":\"").append(Long.toUnsignedString(epochNanos)).append('"');
    attributes(out.append(",\"attributes\":"), attributes).append(",\"droppedAttributesCount\":").append(Math.max(0, dropped)).append('}');
  }

  /** Ends the events, starts the links. */
  public static void linksStart(StringBuilder out, int droppedEvents) {
    out.append("],\"droppedEventsCount\":").append(Math.max(0, droppedEvents)).append(",\"links\":[");
  }

  /** One link (after the first, with its comma). */
  public static void link(StringBuilder out, boolean first, SpanContext ctx, Attributes attributes, int dropped) {
    if (!first) out.append(',');
    out.append("{\"traceId\":\"").append(ctx.getTraceId()).append("\",\"spanId\":\"").append(ctx.getSpanId()).append("\",\"traceState\":");
    traceState(out, ctx.getTraceState());
    attributes(out.append(",\"attributes\":"), attributes).append(",\"droppedAttributesCount\":").append(Math.max(0, dropped)).append('}');
  }

  /**
   * Ends the links and the record: status, trace state, then {@code resourceAndScope} (from
   * {@link #resourceAndScope}, shared by the spans of a provider) and the location JSON, if any.
   */
  public static String finish(StringBuilder out, int droppedLinks, StatusCode code, String description, TraceState traceState, String resourceAndScope, String location) {
    out.append("],\"droppedLinksCount\":").append(Math.max(0, droppedLinks));
    out.append(",\"status\":{\"code\":\"").append(code == null ? "UNSET" : code.name()).append("\",\"message\":");
    Json.string(out, description == null || description.isEmpty() ? null : description).append("},\"traceState\":");
    traceState(out, traceState);
    out.append(resourceAndScope);
    if (location != null) out.append(",\"location\":").append(location);
    return out.append("}}").toString();
  }

  /** `,"resource":{...},"serviceName":...,"scope":{...}` for one resource and scope. */
  public static String resourceAndScope(Attributes resource, String scopeName, String scopeVersion, String schemaUrl) {
    StringBuilder out = new StringBuilder(256);
    attributes(out.append(",\"resource\":"), resource);
    Object service = resource == null ? null : resource.asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals("service.name")).map(Map.Entry::getValue).findFirst().orElse(null);
    Json.string(out.append(",\"serviceName\":"), service instanceof String ? (String) service : null);
    Json.string(out.append(",\"scope\":{\"name\":"), scopeName == null ? "" : scopeName);
    Json.string(out.append(",\"version\":"), scopeVersion);
    Json.string(out.append(",\"schemaUrl\":"), schemaUrl).append('}');
    return out.toString();
  }

  private static void traceState(StringBuilder out, TraceState ts) {
    if (ts == null || ts.isEmpty()) {
      out.append("null");
      return;
    }
    StringBuilder w3c = new StringBuilder();
    ts.forEach((k, v) -> (w3c.length() > 0 ? w3c.append(',') : w3c).append(k).append('=').append(v));
    Json.string(out, w3c.toString());
  }

  /** An attribute map as a JSON object. */
  public static StringBuilder attributes(StringBuilder out, Attributes attributes) {
    if (attributes == null || attributes.isEmpty()) return out.append("{}");
    out.append('{');
    boolean[] first = {true};
    attributes.forEach((k, v) -> {
      if (!first[0]) out.append(',');
      first[0] = false;
      Json.string(out, k.getKey()).append(':');
      value(out, v);
    });
    return out.append('}');
  }

  private static void value(StringBuilder out, Object v) {
    if (v instanceof String) {
      Json.string(out, (String) v);
    } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      Json.number(out, ((Number) v).doubleValue());
    } else if (v instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object e : (List<?>) v) {
        if (!first) out.append(',');
        first = false;
        value(out, e);
      }
      out.append(']');
    } else if (v == null) {
      out.append("null");
    } else {
      Json.string(out, String.valueOf(v));
    }
  }
}
