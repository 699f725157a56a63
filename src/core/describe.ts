/**
 * The hover text for a line that started spans, as Markdown. Span data is untrusted: every
 * string from a span is escaped so it renders as text (no links, no HTML, no emphasis), and
 * values that look like secrets are masked.
 */
import type { AttributeValue, Attributes, Span } from './model';
import { formatDuration } from './format';
import { sensitiveKind } from './sensitive';
import type { LineStats } from './lineStats';

/** Escape text for Markdown so it shows literally. */
export function escapeMarkdown(text: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '�').replace(/\r?\n/g, ' ⏎ ');
  return flat.replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'$=^%@]/g, (c) => '\\' + c);
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** A value as hover text, masked when it looks like a secret. */
export function describeValue(key: string, value: AttributeValue): string {
  const kind = sensitiveKind(key, value);
  if (kind) return `••••••  *(${kind}, masked — reveal in the waterfall)*`;
  if (typeof value === 'string') return escapeMarkdown(clip(JSON.stringify(value), 200));
  if (Array.isArray(value)) return escapeMarkdown(clip('[' + value.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ') + ']', 200));
  return escapeMarkdown(String(value));
}

function attributeLines(attrs: Attributes, indent = ''): string[] {
  const keys = Object.keys(attrs);
  const shown = keys.slice(0, 30);
  const out = shown.map((k) => `${indent}- \`${k.replace(/`/g, "'")}\`: ${describeValue(k, attrs[k])}`);
  if (keys.length > shown.length) out.push(`${indent}- … ${keys.length - shown.length} more`);
  return out;
}

export interface HoverOptions {
  /** Builds the `command:` link that opens the waterfall on a span. */
  showInWaterfallLink?(span: Span): string;
}

/** Markdown for one span: name, kind, duration, status, attributes, events, links, trace id. */
export function describeSpan(span: Span, opts: HoverOptions = {}): string {
  const lines: string[] = [];
  const d = span.endTimeUnixNano === null ? 'never ended' : formatDuration(span.endTimeUnixNano - span.startTimeUnixNano);
  const status = span.status.code === 'ERROR' ? `**✗ ERROR**${span.status.message ? ': ' + escapeMarkdown(clip(span.status.message, 300)) : ''}` : span.status.code;
  lines.push(`**${escapeMarkdown(clip(span.name, 200))}** · ${span.kind} · ${d} · ${status}`);
  const attrs = attributeLines(span.attributes);
  if (attrs.length) lines.push('', '**Attributes**', ...attrs);
  if (span.events.length) {
    lines.push('', '**Events**');
    for (const e of span.events.slice(0, 20)) {
      const off = formatDuration(e.timeUnixNano - span.startTimeUnixNano);
      lines.push(`- +${off} ${escapeMarkdown(clip(e.name, 120))}`);
      lines.push(...attributeLines(e.attributes, '  '));
    }
    if (span.events.length > 20) lines.push(`- … ${span.events.length - 20} more events`);
  }
  if (span.links.length) {
    lines.push('', '**Links**');
    for (const l of span.links.slice(0, 10)) lines.push(`- trace \`${l.traceId}\` span \`${l.spanId}\``);
  }
  lines.push('', `trace \`${span.traceId}\` · span \`${span.spanId}\``);
  if (opts.showInWaterfallLink) lines.push('', `[Show in waterfall](${opts.showInWaterfallLink(span)})`);
  return lines.join('\n');
}

/** Markdown for a line: one span in full, or the aggregate and the slowest span for many. */
export function describeLine(st: LineStats, opts: HoverOptions = {}): string {
  if (st.count === 1) return describeSpan(st.spans[0], opts);
  const head = [`**${st.count} spans** started here`];
  if (st.p50 !== null) head.push(`p50 ${formatDuration(st.p50)} · max ${formatDuration(st.max)} · Σ ${formatDuration(st.sum)}`);
  if (st.errors) head.push(`✗ ${st.errors} with ERROR status`);
  if (st.unended) head.push(`${st.unended} never ended`);
  const slowest = st.spans.reduce((a, b) => (dur(b) > dur(a) ? b : a));
  return `${head.join(' · ')}\n\n---\n\nThe slowest:\n\n${describeSpan(slowest, opts)}`;
}

function dur(s: Span): bigint {
  return s.endTimeUnixNano === null ? -1n : s.endTimeUnixNano - s.startTimeUnixNano;
}
