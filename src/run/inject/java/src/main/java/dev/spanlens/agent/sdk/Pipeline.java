package dev.spanlens.agent.sdk;

import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One provider's own export pipeline as Span Lens sees it: whether it exports at all, whether
 * every exporter in it is observed, and which ended spans it has not exported yet.
 */
final class Pipeline {
  /** The program configured a processor. */
  volatile boolean exports;
  /** Every exporter is observed: spans it never exported can be told. */
  volatile boolean canTell = true;

  private final Set<String> pending = new HashSet<>();
  /** Exported before our onEnd saw them end (a SimpleSpanProcessor exports inside its onEnd). */
  private final Set<String> exportedEarly = new HashSet<>();

  void ended(ReadableSpan span) {
    if (!exports || !canTell || !span.getSpanContext().isSampled()) return;
    String id = span.getSpanContext().getSpanId();
    synchronized (this) {
      if (!exportedEarly.remove(id)) pending.add(id);
    }
  }

  void exported(Collection<SpanData> spans) {
    if (spans == null) return;
    synchronized (this) {
      for (SpanData s : spans) {
        String id = s.getSpanId();
        if (!pending.remove(id)) exportedEarly.add(id);
      }
    }
  }

  synchronized boolean hasPending() {
    return canTell && !pending.isEmpty();
  }

  synchronized List<String> lost() {
    return canTell ? new ArrayList<>(pending) : List.of();
  }
}
