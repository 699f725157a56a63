package dev.spanlens.agent.sdk;

import dev.spanlens.agent.Agent;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.List;

/**
 * Called at the start of every {@code SdkTracerProviderBuilder.build()}: notes the program's own
 * processors and exporters, wraps each exporter it can reach so Span Lens sees what the program
 * exported (for lostAtExit), and adds a {@link LensProcessor} last, so it runs after them.
 */
public final class SdkSide implements java.util.function.Consumer<Object> {
  private static final int MAX_DEPTH = 4;

  @Override
  public void accept(Object builder) {
    SdkTracerProviderBuilder b = (SdkTracerProviderBuilder) builder;
    List<?> processors = programProcessors(b);
    Pipeline pipeline = new Pipeline();
    if (processors == null) {
      // A builder whose fields we do not know: spans are reported, lost ones cannot be told.
      pipeline.exports = true;
      pipeline.canTell = false;
    } else {
      for (Object p : processors) if (p instanceof LensProcessor) return; // build() called again
      pipeline.exports = !processors.isEmpty();
      for (Object p : processors) scan(p, pipeline, 0);
    }
    LensProcessor ours = new LensProcessor(pipeline);
    b.addSpanProcessor(ours);
    Agent.addExitReporter(ours);
  }

  private static List<?> programProcessors(SdkTracerProviderBuilder b) {
    try {
      Field f = SdkTracerProviderBuilder.class.getDeclaredField("spanProcessors");
      f.setAccessible(true);
      return (List<?>) f.get(b);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Names a processor, and wraps the exporters in it (SimpleSpanProcessor's, BatchSpanProcessor's worker's, a composite's). */
  private static void scan(Object processor, Pipeline pipeline, int depth) {
    String name = processor.getClass().getSimpleName();
    if (!name.startsWith("Multi")) Agent.programExporter(name);
    if (!wrapExporters(processor, pipeline, depth)) pipeline.canTell = false;
  }

  /** Whether an exporter (or a processor holding one) was found inside {@code holder}. */
  private static boolean wrapExporters(Object holder, Pipeline pipeline, int depth) {
    if (depth > MAX_DEPTH) return false;
    boolean found = false;
    for (Class<?> c = holder.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
        Object value;
        try {
          f.setAccessible(true);
          value = f.get(holder);
        } catch (RuntimeException | IllegalAccessException e) {
          continue;
        }
        if (value == null || value == holder) continue;
        if (value instanceof SpanExporter) {
          if (value instanceof ObservedExporter) {
            found = true;
            continue;
          }
          Agent.programExporter(value.getClass().getSimpleName());
          try {
            f.set(holder, new ObservedExporter((SpanExporter) value, pipeline));
            found = true;
          } catch (RuntimeException | IllegalAccessException e) {
            pipeline.canTell = false;
          }
        } else if (value instanceof SpanProcessor) {
          scan(value, pipeline, depth + 1);
          found = true;
        } else if (value instanceof Collection) {
          for (Object p : (Collection<?>) value) {
            if (p instanceof SpanProcessor) {
              scan(p, pipeline, depth + 1);
              found = true;
            }
          }
        } else if (value.getClass().getName().startsWith("io.opentelemetry.sdk.trace.")) {
          // BatchSpanProcessor keeps its exporter in its worker.
          found |= wrapExporters(value, pipeline, depth + 1);
        }
      }
    }
    return found;
  }
}
