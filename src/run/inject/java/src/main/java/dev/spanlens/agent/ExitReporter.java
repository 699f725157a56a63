package dev.spanlens.agent;

import java.util.List;

/** What one of Span Lens's span processors tells at exit. */
public interface ExitReporter {
  /** Whether spans ended that the program's own exporters have not exported yet. */
  boolean hasPendingExports();

  /** Write an `unended` record for every span started and not ended. */
  void reportOpen();

  /** Add the ids of spans ended but never exported by the program's own pipeline. */
  void collectLost(List<String> out);
}
