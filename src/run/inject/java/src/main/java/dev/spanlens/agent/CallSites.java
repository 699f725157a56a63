package dev.spanlens.agent;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a span was started: the first stack frame outside OpenTelemetry, the JDK and Span Lens,
 * as the location JSON of docs/format.md (absolute file, 1-based line and column). A frame names
 * only its file's base name, so the file is looked for under the source roots the launcher passes
 * in SPAN_LENS_JAVA_SOURCES (a Maven module's source folders, or the single file run), then the
 * working folder's. The line is moved up to the {@code spanBuilder(} the {@code startSpan()} call
 * chains from, where a reader of the code looks for the span. Resolved once per class and line.
 */
public final class CallSites {
  private CallSites() {}

  private static final StackWalker WALKER = StackWalker.getInstance();
  private static final List<File> roots = new ArrayList<>();
  /** "class:line" -> location JSON, or "" when the frame's source is not found. */
  private static final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, List<String>> sourceLines = new ConcurrentHashMap<>();
  /** How far above the startSpan() line its spanBuilder( may be. */
  private static final int CHAIN_LINES = 12;

  static void configure(String sources) {
    if (sources != null) {
      for (String s : sources.split(File.pathSeparator)) if (!s.isEmpty()) roots.add(new File(s));
    }
    File cwd = new File(System.getProperty("user.dir", "."));
    roots.add(new File(cwd, "src/main/java"));
    roots.add(new File(cwd, "src/test/java"));
    roots.add(cwd);
  }

  /**
   * The frame of the caller that started a span, or null: called inside onStart, where only the
   * walk happens; {@link #locationOf} reads it later, off the program's thread.
   */
  public static Object capture() {
    return WALKER.walk(s -> s.filter(CallSites::isUserFrame).findFirst()).orElse(null);
  }

  /** The location JSON of a frame from {@link #capture}, or null. */
  public static String locationOf(Object frame) {
    if (!(frame instanceof StackWalker.StackFrame)) return null;
    StackWalker.StackFrame f = (StackWalker.StackFrame) frame;
    int line = f.getLineNumber();
    String key = f.getClassName() + ':' + line;
    String found = cache.get(key);
    if (found == null) {
      found = resolve(f.getClassName(), f.getFileName(), f.getMethodName(), line);
      cache.putIfAbsent(key, found);
    }
    return found.isEmpty() ? null : found;
  }

  private static boolean isUserFrame(StackWalker.StackFrame f) {
    String c = f.getClassName();
    return !(c.startsWith("io.opentelemetry.") || c.startsWith("dev.spanlens.agent.") || c.startsWith("java.")
        || c.startsWith("jdk.") || c.startsWith("sun."));
  }

  private static String resolve(String className, String fileName, String method, int line) {
    if (fileName == null || line <= 0) return "";
    File file = find(className, fileName);
    if (file == null) return "";
    int column = 1;
    List<String> lines = lines(file);
    if (lines != null && line <= lines.size()) {
      int[] at = spanBuilderAbove(lines, line);
      line = at[0];
      column = at[1];
    }
    StringBuilder out = new StringBuilder(96);
    Json.string(out.append("{\"file\":"), file.getPath()).append(",\"line\":").append(line).append(",\"column\":").append(column);
    String simple = className.substring(className.lastIndexOf('.') + 1);
    Json.string(out.append(",\"function\":"), simple + '.' + method);
    return out.append('}').toString();
  }

  private static File find(String className, String fileName) {
    int dot = className.lastIndexOf('.');
    String rel = dot < 0 ? fileName : className.substring(0, dot).replace('.', File.separatorChar) + File.separator + fileName;
    for (File root : roots) {
      if (root.isFile()) {
        if (root.getName().equals(fileName)) return root.getAbsoluteFile();
        continue;
      }
      File f = new File(root, rel);
      if (f.isFile()) return f.getAbsoluteFile();
    }
    return null;
  }

  private static List<String> lines(File file) {
    return sourceLines.computeIfAbsent(file.getPath(), p -> {
      try {
        return Files.readAllLines(file.toPath(), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        return List.of();
      }
    });
  }

  /**
   * {line, column} of the {@code spanBuilder(} the call on {@code line} chains from: on that line
   * or on the lines above it of the same statement; else the line itself at its first non-blank.
   */
  private static int[] spanBuilderAbove(List<String> lines, int line) {
    for (int l = line; l >= 1 && l > line - CHAIN_LINES; l--) {
      String text = lines.get(l - 1);
      if (l < line) {
        String code = stripComment(text).trim();
        if (code.endsWith(";") || code.endsWith("{") || code.endsWith("}")) break;
      }
      int at = text.lastIndexOf("spanBuilder(");
      if (at >= 0) return new int[] {l, at + 1};
    }
    String text = lines.get(line - 1);
    int col = 0;
    while (col < text.length() && Character.isWhitespace(text.charAt(col))) col++;
    return new int[] {line, col + 1};
  }

  private static String stripComment(String text) {
    int at = text.indexOf("//");
    return at >= 0 ? text.substring(0, at) : text;
  }
}
