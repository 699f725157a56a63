package dev.spanlens.agent;

/** Waiting, at exit, for the program's own shutdown hooks (they run concurrently with ours). */
final class ExitWait {
  private ExitWait() {}

  /**
   * Joins the other live non-daemon threads for at most {@code maxMs} in all: at exit those are
   * the program's shutdown hooks (and threads it never stopped, which only cost the wait).
   */
  static void otherHooks(long maxMs) {
    long deadline = System.currentTimeMillis() + maxMs;
    Thread me = Thread.currentThread();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t == me || t.isDaemon() || !t.isAlive() || exiting(t)) continue;
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return;
      try {
        t.join(left);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The thread running System.exit (or the JVM's end of main) waits for us: never join it. */
  private static boolean exiting(Thread t) {
    if (t.getName().equals("DestroyJavaVM")) return true;
    for (StackTraceElement e : t.getStackTrace()) {
      String c = e.getClassName();
      if (c.equals("java.lang.Shutdown") || c.equals("java.lang.ApplicationShutdownHooks")) return true;
    }
    return false;
  }
}
