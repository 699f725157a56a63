package dev.spanlens.agent;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;

/**
 * The run's state inside one JVM (loaded once, by the system class loader): the frame writer, the processors
 * reporting at exit, and the facts record. The OpenTelemetry-facing classes (packages
 * {@code sdk}, {@code otel}) are loaded next to the program's SDK by {@link SideLoader} and talk
 * to this class through java.* types only.
 */
public final class Agent {
  private Agent() {}

  private static volatile Frames frames;
  private static JarFile jar;
  private static final List<ExitReporter> reporters = new CopyOnWriteArrayList<>();
  private static final Set<String> programExporters = new LinkedHashSet<>();
  private static final AtomicInteger written = new AtomicInteger();
  private static final AtomicInteger dropped = new AtomicInteger();
  private static volatile boolean otelSeen;
  private static volatile boolean lent;
  private static volatile boolean unexported;
  private static int maxSpans;

  /** Started by {@link Premain} before the program's main. */
  public static void start(Instrumentation inst, String jarPath) throws Exception {
    Map<String, String> env = System.getenv();
    String nonce = env.get("SPAN_LENS_NONCE");
    if (nonce == null || !nonce.matches("[A-Za-z0-9_-]{1,64}")) return;
    try {
      maxSpans = Math.max(0, Integer.parseInt(env.getOrDefault("SPAN_LENS_MAX_SPANS", "0")));
    } catch (NumberFormatException e) {
      maxSpans = 0;
    }
    jar = new JarFile(jarPath);
    frames = new Frames(nonce, env.get("SPAN_LENS_CHANNEL"));
    CallSites.configure(env.get("SPAN_LENS_JAVA_SOURCES"));
    inst.addTransformer(new Weaver());
    Thread hook = new Thread(Agent::atExit, "span-lens-exit");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The agent jar, for {@link SideLoader}. */
  static JarFile jar() {
    return jar;
  }

  /**
   * Write one span or unended record, unless past SPAN_LENS_MAX_SPANS: its JSON, or a
   * {@code Supplier<String>} of it that the writer's thread calls (off the program's hot path).
   */
  public static void writeSpan(Object json) {
    Frames f = frames;
    if (f == null) return;
    if (maxSpans > 0 && written.get() >= maxSpans) {
      dropped.incrementAndGet();
      return;
    }
    written.incrementAndGet();
    f.add(json);
  }

  /** Report {@code reporter}'s open spans and lost span ids at exit. */
  public static void addExitReporter(ExitReporter reporter) {
    reporters.add(reporter);
  }

  /** The program touched OpenTelemetry (an SDK provider was built, or the API's global asked for). */
  public static void otelSeen() {
    otelSeen = true;
  }

  /** A class name of the program's own span processors or exporters, in the order found. */
  public static synchronized void programExporter(String name) {
    programExporters.add(name);
  }

  /** A provider the program built with no processor at all made spans. */
  public static void unexportedSpans() {
    unexported = true;
  }

  /** Spans came through the provider Span Lens lent to an API-only program. */
  public static void lentProviderUsed() {
    lent = true;
  }

  /** Whether {@link #start} ran (a valid nonce): the hooks do nothing otherwise. */
  public static boolean active() {
    return frames != null;
  }

  private static void atExit() {
    Frames f = frames;
    if (f == null) return;
    try {
      List<String> lost = new ArrayList<>();
      boolean mayLose = false;
      for (ExitReporter r : reporters) mayLose |= r.hasPendingExports();
      // The program's own shutdown hooks run at the same time as this one and may be flushing
      // its batch processor right now: give them a moment before calling anything lost.
      if (mayLose) ExitWait.otherHooks(1000);
      for (ExitReporter r : reporters) {
        try {
          r.reportOpen();
          r.collectLost(lost);
        } catch (Throwable t) {
          // one provider's trouble does not stop the others' report
        }
      }
      boolean hadSpans = written.get() + dropped.get() > 0;
      StringBuilder facts = new StringBuilder("{\"type\":\"facts\",\"sdk\":\"java\"");
      if (hadSpans || otelSeen) {
        facts.append(",\"programExporters\":[");
        synchronized (Agent.class) {
          int i = 0;
          for (String n : programExporters) Json.string(i++ > 0 ? facts.append(',') : facts, n);
        }
        facts.append(']');
        if (hadSpans) facts.append(",\"noExporter\":").append(lent || unexported);
        facts.append(",\"lostAtExit\":[");
        for (int i = 0; i < lost.size(); i++) Json.string(i > 0 ? facts.append(',') : facts, lost.get(i));
        facts.append("],\"droppedSpans\":").append(dropped.get());
      }
      f.add(facts.append('}').toString());
    } catch (Throwable t) {
      // exiting anyway
    } finally {
      f.close();
    }
  }
}
