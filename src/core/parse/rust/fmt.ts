/**
 * The fmt reader (`rust-tracing-fmt`): lines of the Full/compact formatter, and the pretty
 * formatter's multi-line records, into spans.
 */
import type { Attributes } from '../../model';
import { LineVerdict, type LineFormat, type LineReader, type Sink } from '../types';
import { ANSI_SEQ, type FmtLine, type Hints, Kind, type LineParse, type Segment, classify, findGluedHeader, parseAnsi, parsePlain } from './fmtLine';
import { type PrettyRecord, clip, isHeader, pairsText, parsePrettyHeader, readPrettyDetail } from './pretty';
import { type Open, SpanTracker, Use } from './spans';
import { fieldsToAttributes, splitPairs } from './values';

/** A line held because its span fields run on into the next lines. */
const MAX_PENDING_LINES = 200;
const MAX_PENDING_CHARS = 1 << 20;

function fmtDecode(seg: Segment): { attrs: Attributes } {
  if (!seg.pairs) {
    const pairs: [string, string][] = [];
    if (seg.fields) splitPairs(seg.fields, 0, pairs);
    seg.pairs = pairs;
  }
  return { attrs: fieldsToAttributes(seg.pairs, false) };
}

const enum Layout {
  Unknown,
  Full,
  Compact,
}

class FmtReader implements LineReader {
  private readonly tracker: SpanTracker;
  /** The pretty record being read (its header seen, its blank line not yet). */
  private pretty: PrettyRecord | null = null;
  /** Full or compact, once a line shows which (a path with `{fields}`, or compact's styling or trailing span fields). */
  private layout = Layout.Unknown;
  private readonly targets = new Set<string>();
  private readonly hints: Hints;
  private pending: string[] | null = null;
  private pendingStart = 0;
  private pendingChars = 0;

  constructor(private readonly sink: Sink) {
    this.tracker = new SpanTracker(sink, 'rust-tracing-fmt', '', fmtCompat, fmtDecode);
    this.hints = {
      isOpenSpanName: (n) => this.tracker.isOpenName(n),
      isKnownTarget: (t) => this.targets.has(t),
    };
  }

  line(text: string, lineNo: number): LineVerdict {
    if (this.pretty) {
      if (text === '') {
        // The blank line that ends every pretty record.
        this.finishPretty(lineNo);
        return LineVerdict.Mine;
      }
      if (text.startsWith('    ') && readPrettyDetail(text, this.pretty)) return LineVerdict.Mine;
      this.finishPretty(lineNo - 1);
    }
    if (text.charCodeAt(0) === 32 && text.charCodeAt(1) === 32 && !this.pending) {
      const rec = parsePrettyHeader(text);
      if (rec) {
        this.pretty = { rec, inner: [], startLine: lineNo };
        return LineVerdict.Mine;
      }
    }
    if (this.pending) {
      if (!isHeader(text)) {
        this.pending.push(text);
        this.pendingChars += text.length + 1;
        const joined = this.pending.join('\n');
        const parsed = this.parse(joined);
        if (parsed !== 'incomplete') {
          const start = this.pendingStart;
          this.pending = null;
          if (parsed) this.apply(parsed, start, lineNo);
          else this.sink.unparsed({ startLine: start, endLine: lineNo, reason: 'a tracing line could not be read', text: clip(joined) });
          return LineVerdict.Mine;
        }
        if (this.pending.length > MAX_PENDING_LINES || this.pendingChars > MAX_PENDING_CHARS) this.dropPending(lineNo);
        return LineVerdict.Mine;
      }
      this.dropPending(lineNo - 1);
    }
    const c = text.charCodeAt(0);
    let s = text;
    if (!((c >= 48 && c <= 57) || c === 27) || !isHeader(text)) {
      // Program text glued before a tracing line (a `print!` without newline).
      if (text.length < 30) return LineVerdict.NotMine;
      const k = findGluedHeader(text);
      if (k < 0) return LineVerdict.NotMine;
      s = text.slice(k);
      const parsed = this.parse(s);
      if (!parsed) return LineVerdict.NotMine;
      this.sink.output?.(lineNo, text.slice(0, k));
      if (parsed === 'incomplete') this.hold(s, lineNo);
      else this.apply(parsed, lineNo, lineNo);
      return LineVerdict.Mine;
    }
    const parsed = this.parse(s);
    if (!parsed) return LineVerdict.NotMine;
    if (parsed === 'incomplete') this.hold(s, lineNo);
    else this.apply(parsed, lineNo, lineNo);
    return LineVerdict.Mine;
  }

  private hold(s: string, lineNo: number): void {
    this.pending = [s];
    this.pendingStart = lineNo;
    this.pendingChars = s.length;
  }

  private dropPending(endLine: number): void {
    const text = this.pending!.join('\n');
    this.pending = null;
    this.sink.unparsed({ startLine: this.pendingStart, endLine, reason: 'a tracing line whose span fields never close (cut off, or a value the text cannot delimit)', text: clip(text) });
  }

  private parse(s: string): LineParse {
    if (s.charCodeAt(0) === 27) {
      const a = parseAnsi(s);
      if (a) return a;
      return parsePlain(s.replace(ANSI_SEQ, ''), this.hints);
    }
    return parsePlain(s, this.hints);
  }

  private apply(rec: FmtLine, startLine: number, lineNo: number): void {
    const t = this.tracker;
    if (rec.path.length) {
      if (this.layout === Layout.Unknown) {
        if (rec.compact || rec.spanPairsFrom !== undefined) this.layout = Layout.Compact;
        else if (rec.path.some((seg) => seg.fields !== '')) this.layout = Layout.Full;
      }
      if (this.layout === Layout.Compact) this.assignCompactFields(rec);
      else if (rec.spanPairsFrom !== undefined) {
        // Full: a `new` or `close` message with fields of its own is an event that says so.
        rec.kind = Kind.Event;
        rec.busyIdle = undefined;
      }
    }
    if (rec.target !== undefined && rec.path.length === 0) this.targets.add(rec.target);
    const location = rec.file !== undefined || rec.line !== undefined ? { file: rec.file ?? '', line: rec.line !== undefined ? rec.line - 1 : 0, column: 0 } : undefined;
    switch (rec.kind) {
      case Kind.Close:
        if (rec.target !== undefined) this.targets.add(rec.target);
        t.closed(t.resolve(rec.path, rec.time, rec.thread, lineNo, Use.Close, false), rec.time, rec.target, location, rec.busyIdle);
        return;
      case Kind.New:
        if (rec.target !== undefined) this.targets.add(rec.target);
        t.opened(rec.path, rec.time, rec.thread, startLine, rec.target, location, false);
        return;
      case Kind.Enter:
      case Kind.Exit:
        t.resolve(rec.path, rec.time, rec.thread, lineNo, Use.Other, false);
        return;
      default:
        t.event(rec.path, rec.time, rec.thread, lineNo, rec.message ?? '', fieldsToAttributes(rec.pairs, true));
    }
  }

  /**
   * Compact prints span names alone on the path and every span's fields, root first, after the
   * event's, skipping spans without fields. Give each path segment its fields back, so the tracker
   * matches spans as it does Full paths: walk the open spans down the path, each taking the next
   * fields it printed; the spans not open yet (a `new` line's, or ones first seen on an event) share
   * what is left, the innermost first. With ANSI the groups are exact; plain text has one list of
   * fields, split by what the open spans are known to print (on an event, their fields end it).
   */
  private assignCompactFields(rec: FmtLine): void {
    const path = rec.path;
    const last = path.length - 1;
    const groups = rec.groups;
    const known = rec.kind === Kind.New || rec.kind === Kind.Close;
    // Plain new/close lines: the span fields as one text, consumed from the front.
    let rest = groups || !known ? '' : pairsText(rec.pairs.slice(rec.spanPairsFrom ?? rec.pairs.length));
    if (!groups && rec.spanPairsFrom !== undefined) rec.pairs.length = rec.spanPairsFrom;
    let g = 0;
    let parent: Open | null = null;
    let i = 0;
    for (; i < path.length; i++) {
      if (rec.kind === Kind.New && i === last) break;
      let best: Open | null = null;
      let bestScore = -1;
      for (const o of this.tracker.openChildren(parent, path[i].name)) {
        let fits: boolean;
        if (o.fields === '' || (!groups && !known)) fits = true;
        else if (groups) fits = g < groups.length && (groups[g] === o.fields || groups[g].startsWith(o.fields + ' '));
        else fits = rest === o.fields || rest.startsWith(o.fields + ' ');
        if (!fits) continue;
        const score = rec.thread !== undefined && o.thread === rec.thread ? 1 : 0;
        if (score >= bestScore) {
          best = o;
          bestScore = score;
        }
      }
      if (!best) break;
      if (best.fields === '') path[i].fields = '';
      else if (groups) path[i].fields = groups[g++];
      else if (known && i === last) path[i].fields = rest; // the leaf's fields end the line, with any recorded since
      else {
        path[i].fields = best.fields;
        if (known) rest = rest.slice(best.fields.length + 1);
      }
      parent = best;
    }
    if (!groups && !known) {
      // Plain event: the known spans' fields end the line; the rest are the event's.
      const spanText = path
        .slice(0, i)
        .map((seg) => seg.fields)
        .filter((f) => f !== '')
        .join(' ');
      if (spanText) {
        const eventText = pairsText(rec.pairs);
        let at = eventText === spanText || eventText.endsWith(' ' + spanText) ? eventText.length - spanText.length : -1;
        if (at < 0 && i === path.length && path[last].fields !== '') {
          // Fields recorded into the innermost span since (Span::record) follow its known ones.
          at = (' ' + eventText).lastIndexOf(' ' + spanText + ' ');
          if (at >= 0) path[last].fields += eventText.slice(at + spanText.length);
        }
        if (at >= 0) {
          const spanPairs: [string, string][] = [];
          splitPairs(eventText.slice(at), 0, spanPairs);
          rec.pairs.length -= spanPairs.length;
        }
      }
      for (let k = i; k <= last; k++) path[k].fields = '';
      return;
    }
    // The spans not open yet: the remaining fields go to the innermost of them.
    const left = groups ? groups.slice(g) : rest ? [rest] : [];
    const unknown = last - i + 1;
    if (unknown === 0) return;
    if (left.length <= unknown) {
      for (let k = i; k <= last; k++) path[k].fields = k - (last + 1 - left.length) >= 0 ? left[k - (last + 1 - left.length)] : '';
    } else {
      for (let k = i; k < last; k++) path[k].fields = left[k - i];
      path[last].fields = left.slice(unknown - 1).join(' ');
    }
  }

  private finishPretty(lastLine: number): void {
    const { rec, inner, startLine } = this.pretty!;
    this.pretty = null;
    rec.path = inner.reverse();
    classify(rec, true);
    this.apply(rec, startLine, lastLine);
  }

  end(lastLine: number): void {
    if (this.pretty) this.finishPretty(lastLine);
    if (this.pending) this.dropPending(lastLine);
    this.tracker.end();
  }
}

function fmtCompat(o: Open, seg: Segment): number {
  if (o.fields === seg.fields) return 2;
  if (o.fields === '') return 1;
  return seg.fields.length > o.fields.length && seg.fields.charCodeAt(o.fields.length) === 32 && seg.fields.startsWith(o.fields) ? 1 : 0;
}

/** Rust tracing-subscriber fmt `Full` lines (ANSI or not), with FmtSpan new/close lines when enabled. */
export const rustTracingFmt: LineFormat = {
  name: 'rust-tracing-fmt',
  // Every line must reach the reader: a span field holding a newline continues on lines of any shape.
  mayMatch: () => true,
  createReader: (sink) => new FmtReader(sink),
};
