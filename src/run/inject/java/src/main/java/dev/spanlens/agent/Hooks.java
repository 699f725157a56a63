package dev.spanlens.agent;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The static methods {@link Weaver} calls from OpenTelemetry's own code. They hand the object to
 * the side (loaded next to the program's SDK or API by {@link SideLoader}) and never throw.
 */
public final class Hooks {
  private Hooks() {}

  private static final Map<ClassLoader, Consumer<Object>> builders = new WeakHashMap<>();
  private static final Map<ClassLoader, UnaryOperator<Object>> lenders = new WeakHashMap<>();
  private static final ClassLoader BOOT = new ClassLoader(null) {};

  /** At the start of SdkTracerProviderBuilder.build(): add Span Lens's processor. */
  public static void onBuild(Object builder) {
    if (!Agent.active()) return;
    try {
      Consumer<Object> side;
      ClassLoader loader = loaderOf(builder);
      synchronized (builders) {
        side = builders.get(loader);
        if (side == null) {
          side = SideLoader.create(loader, Consumer.class, "dev.spanlens.agent.sdk.SdkSide");
          builders.put(loader, side);
        }
      }
      side.accept(builder);
    } catch (Throwable t) {
      // the program's provider is built as it would have been
    }
  }

  /** Before GlobalOpenTelemetry.get() returns: Span Lens's provider instead of the no-op one. */
  public static Object lend(Object openTelemetry) {
    if (!Agent.active() || openTelemetry == null) return openTelemetry;
    try {
      Agent.otelSeen();
      UnaryOperator<Object> side;
      ClassLoader loader = loaderOf(openTelemetry);
      synchronized (lenders) {
        side = lenders.get(loader);
        if (side == null) {
          side = SideLoader.create(loader, UnaryOperator.class, "dev.spanlens.agent.otel.ApiSide");
          lenders.put(loader, side);
        }
      }
      return side.apply(openTelemetry);
    } catch (Throwable t) {
      return openTelemetry;
    }
  }

  private static ClassLoader loaderOf(Object o) {
    ClassLoader l = o.getClass().getClassLoader();
    return l != null ? l : BOOT;
  }
}
