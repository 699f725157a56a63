package dev.spanlens.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point (the jar's Premain-Class). The JVM put the jar on the system class
 * path, so the hooks woven into OpenTelemetry's classes resolve from any class loader that
 * delegates to it (the application's, and the child loaders of frameworks); {@link Weaver} leaves
 * alone classes of a loader that does not. (Not the bootstrap class path: appending to it turns
 * off class data sharing for the program's classes and makes the JVM print a warning.)
 */
public final class Premain {
  private Premain() {}

  /** Called by the JVM before main (-javaagent). Never throws: the program runs either way. */
  public static void premain(String args, Instrumentation inst) {
    try {
      File jar = new File(Premain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Agent.start(inst, jar.getPath());
    } catch (Throwable t) {
      System.err.println("Span Lens: could not start tracing in this JVM: " + t);
    }
  }
}
