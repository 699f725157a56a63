/**
 * The hover text for a line that started spans, as Markdown. Span data is untrusted: every
 * string from a span (names, keys, values, messages, ids) is escaped so it renders as text (no
 * links, no images, no HTML, no emphasis, no line breaks that end a block), and secrets are
 * masked in all of them, as the CLI and the waterfall mask them. The only link is our own
 * `command:` link, built here with its argument fully percent-encoded.
 */
import type { AttributeValue, Attributes, Span } from './model';
import { NO_TIMING, formatDuration, hasTiming } from './format';
import { maskSensitiveText, sensitiveKind } from './sensitive';
import type { LineStats } from './lineStats';

/** Control (C0 but tab and newline, DEL, C1) and bidi characters: never shown raw in a hover. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Escape text for Markdown so it shows literally, on one line. */
export function escapeMarkdown(text: string): string {
  const flat = text.replace(/\t/g, ' ').replace(HIDDEN, '\ufffd').replace(/\r?\n|\r|\u2028|\u2029/g, ' ⏎ ');
  return flat.replace(/[\\`*_{}[\]()#+\-.!|<>~&:"'$=^%@/]/g, (c) => '\\' + c);
}

/** Span text for a hover: secrets masked, then escaped. */
function shown(text: string, max: number): string {
  return escapeMarkdown(clip(maskSensitiveText(text), max));
}

/**
 * Span text (an attribute key) as inline code that nothing in it can end: on one line (a blank
 * line in a key ended the code span and made the rest live Markdown, images included), with no
 * backtick, control or bidi character, secrets masked. Inside code nothing else is Markdown.
 */
export function codeSpan(text: string, max: number): string {
  const flat = clip(maskSensitiveText(text), max).replace(/\t/g, ' ').replace(HIDDEN, '\ufffd').replace(/\r?\n|\r|\u2028|\u2029/g, ' ⏎ ');
  return '`' + flat.replace(/`/g, "'") + '`';
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
  const listed = keys.slice(0, 30);
  const out = listed.map((k) => `${indent}- ${codeSpan(k, 120)}: ${describeValue(k, attrs[k])}`);
  if (keys.length > listed.length) out.push(`${indent}- … ${keys.length - listed.length} more`);
  return out;
}

export interface HoverOptions {
  /** The command id of the link that opens the waterfall on a span (its argument is built here). */
  showInWaterfallCommand?: string;
}

/** Markdown for one span: name, kind, duration, status, attributes, events, links, trace id. */
export function describeSpan(span: Span, opts: HoverOptions = {}): string {
  const lines: string[] = [];
  const timed = hasTiming(span);
  const d = !timed ? NO_TIMING : span.endTimeUnixNano === null ? 'never ended' : formatDuration(span.endTimeUnixNano - span.startTimeUnixNano);
  const status = span.status.code === 'ERROR' ? `**✗ ERROR**${span.status.message ? ': ' + shown(span.status.message, 300) : ''}` : escapeMarkdown(span.status.code);
  lines.push(`**${shown(span.name, 200)}** · ${escapeMarkdown(span.kind)} · ${d} · ${status}`);
  const attrs = attributeLines(span.attributes);
  if (attrs.length) lines.push('', '**Attributes**', ...attrs);
  if (span.events.length) {
    lines.push('', '**Events**');
    for (const e of span.events.slice(0, 20)) {
      const off = timed ? `+${formatDuration(e.timeUnixNano - span.startTimeUnixNano)} ` : '';
      lines.push(`- ${off}${shown(e.name, 120)}`);
      lines.push(...attributeLines(e.attributes, '  '));
    }
    if (span.events.length > 20) lines.push(`- … ${span.events.length - 20} more events`);
  }
  if (span.links.length) {
    lines.push('', '**Links**');
    for (const l of span.links.slice(0, 10)) {
      lines.push(`- trace ${escapeMarkdown(clip(l.traceId, 64))} span ${escapeMarkdown(clip(l.spanId, 32))}`);
      lines.push(...attributeLines(l.attributes, '  '));
    }
  }
  lines.push('', `trace ${escapeMarkdown(clip(span.traceId, 64))} · span ${escapeMarkdown(clip(span.spanId, 32))}`);
  if (opts.showInWaterfallCommand) lines.push('', `[Show in waterfall](${commandLink(opts.showInWaterfallCommand, [{ spanId: span.spanId, traceId: span.traceId }])})`);
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

/**
 * A `command:` link whose argument cannot end the link or the Markdown around it: the ids are
 * span data, and encodeURIComponent leaves `(`, `)`, `!`, `'` and `*` as they are.
 */
export function commandLink(command: string, args: unknown[]): string {
  const encoded = encodeURIComponent(JSON.stringify(args)).replace(/[()!'*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `command:${command}?${encoded}`;
}

function dur(s: Span): bigint {
  return s.endTimeUnixNano === null ? -1n : s.endTimeUnixNano - s.startTimeUnixNano;
}
