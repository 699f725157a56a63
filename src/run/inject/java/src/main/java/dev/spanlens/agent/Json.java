package dev.spanlens.agent;

/** JSON text helpers shared by every record writer. */
public final class Json {
  private Json() {}

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Append {@code s} as a JSON string (control characters escaped; null as {@code null}). */
  public static StringBuilder string(StringBuilder out, String s) {
    if (s == null) return out.append("null");
    out.append('"');
    int from = 0;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) continue;
      out.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          out.append("\\u").append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
      }
    }
    return out.append(s, from, n).append('"');
  }

  /** Append a double: a JSON number, or {"$float": ...} for NaN and the infinities (SCHEMA.md). */
  public static StringBuilder number(StringBuilder out, double d) {
    if (Double.isNaN(d)) return out.append("{\"$float\":\"NaN\"}");
    if (Double.isInfinite(d)) return out.append(d > 0 ? "{\"$float\":\"Infinity\"}" : "{\"$float\":\"-Infinity\"}");
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return out.append((long) d).append(".0");
    return out.append(d);
  }
}
