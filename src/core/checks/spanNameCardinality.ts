/**
 * span-name-cardinality: span names that carry ids, UUIDs, long hex, emails, IP addresses,
 * numbers or full URLs, and call sites that make many distinct names. Backends index span names
 * as operations; a name per user or per order floods that index and breaks grouping.
 */
import { mask } from '../sensitive';
import type { Hit, Rule, Span } from './types';

/** What kind of variable part a span name holds, in the order messages prefer them. */
export type NamePartKind = 'url' | 'email' | 'uuid' | 'hex' | 'ip' | 'number';

export interface NameAnalysis {
  kinds: NamePartKind[];
  /** The name with each variable part replaced by a placeholder (`GET /users/{id}`). */
  template: string;
}

const VARIABLE_PART = new RegExp(
  [
    /(?<url>\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>]+)/.source,
    /(?<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/.source,
    /(?<uuid>(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z]))/.source,
    /(?<ip>(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]))/.source,
    // 12+ hex characters with at least one digit and one letter (all digits is a number below).
    /(?<hex>(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}(?![0-9A-Za-z]))/.source,
    // A whole path segment of digits (`/users/42`), a value after `=` or `#`, or a free run of 3+
    // digits that is not part of a version (`1.2.300`); after `:` unless it is a host's port
    // (`db.internal:5432`, `localhost:8080` stay; `order:8412` is an id).
    /(?<number>(?<=\/)\d+(?=\/|\?|#|$|\s)|(?<=[=#])\d+(?![0-9A-Za-z])|(?<![0-9A-Za-z.]|(?:localhost|[A-Za-z0-9-]+\.[A-Za-z0-9.-]+):)\d{3,}(?![0-9A-Za-z]|\.\d))/.source,
  ].join('|'),
  'g',
);

const PLACEHOLDER: Record<NamePartKind, string> = {
  url: '',
  email: '{email}',
  uuid: '{id}',
  hex: '{id}',
  ip: '{ip}',
  number: '{id}',
};

const KIND_ORDER: NamePartKind[] = ['url', 'email', 'uuid', 'hex', 'ip', 'number'];

/** Names longer than this are analysed by their start only: linear time whatever the program does. */
const MAX_ANALYSED = 512;

/**
 * The variable parts of a span name, or null when it has none. A full URL is replaced by its
 * path (itself templated), since `GET https://api.example.com/users/8` should be `GET /users/{id}`.
 */
export function analyseSpanName(name: string): NameAnalysis | null {
  if (!mayHoldVariablePart(name)) return null;
  const text = name.length > MAX_ANALYSED ? name.slice(0, MAX_ANALYSED) : name;
  const kinds = new Set<NamePartKind>();
  const template = text.replace(VARIABLE_PART, (...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    for (const kind of KIND_ORDER) {
      const value = groups[kind];
      if (value === undefined) continue;
      kinds.add(kind);
      if (kind === 'url') {
        const path = urlPath(value);
        const inner = analyseSpanName(path);
        if (inner) for (const k of inner.kinds) kinds.add(k);
        return inner ? inner.template : path;
      }
      return PLACEHOLDER[kind];
    }
    return String(args[0]);
  });
  if (!kinds.size) return null;
  return { kinds: KIND_ORDER.filter((k) => kinds.has(k)), template: name.length > MAX_ANALYSED ? template + '…' : template };
}

/** Cheap pre-test: every variable part needs a digit, `@` or `://`. */
function mayHoldVariablePart(name: string): boolean {
  for (let i = 0; i < name.length && i < MAX_ANALYSED; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 64) return true;
  }
  return name.includes('://');
}

/** `https://host:8080/users/8?x=1#top` -> `/users/8`. */
function urlPath(url: string): string {
  const afterScheme = url.indexOf('://') + 3;
  const slash = url.indexOf('/', afterScheme);
  if (slash < 0) return '/';
  let end = url.length;
  for (const stop of ['?', '#']) {
    const i = url.indexOf(stop, slash);
    if (i >= 0 && i < end) end = i;
  }
  return url.slice(slash, end) || '/';
}

const KIND_WORDS: Record<NamePartKind, string> = {
  url: 'a full URL',
  email: 'an email address',
  uuid: 'a UUID',
  hex: 'a long hex id',
  ip: 'an IP address',
  number: 'an id',
};

/** The name as it may be shown: email addresses in it are masked (they are personal data). */
function displayName(name: string, analysis: NameAnalysis): string {
  if (!analysis.kinds.includes('email')) return name;
  return name.replace(VARIABLE_PART, (m: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    return groups.email !== undefined ? mask(m) : m;
  });
}

function patternMessage(name: string, a: NameAnalysis): string {
  const what = a.kinds.map((k) => KIND_WORDS[k]);
  const list = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what[what.length - 1]}` : what[0];
  const put = a.kinds[0] === 'url' ? 'put the URL in url.full' : a.kinds[0] === 'email' ? "don't record the address" : `put the ${a.kinds[0] === 'ip' ? 'address' : 'id'} in an attribute`;
  return `span name "${displayName(name, a)}" contains ${list}: use a fixed name like "${a.template}" and ${put}`;
}

interface CallSite {
  first: Span;
  /** Distinct names, counted up to the threshold in the first pass. */
  names: Set<string>;
  /** First span whose name has a variable part, and what it has. */
  pattern?: { span: Span; analysis: NameAnalysis; spans: Span[] };
  /** Filled in the second pass for sites that are reported. */
  spans?: Span[];
  /** The site's number among reported sites. */
  number?: number;
  /** How many spans the site started. */
  count: number;
  /** Distinct names and the first two of them, counted exactly in the second pass. */
  distinct: number;
  examples: string[];
}

export const spanNameCardinality: Rule = {
  id: 'span-name-cardinality',
  title: 'Span names with ids, UUIDs, emails, numbers or URLs; call sites that make many distinct names',
  defaultSeverity: 'warning',
  docs: 'docs/rules/span-name-cardinality.md',
  fixable: true,
  options: {
    maxNamesPerCallSite: {
      default: 20,
      description: 'Report a call site that starts spans with at least this many distinct names.',
    },
  },
  check(ctx, report, options) {
    const maxNames = options.number('maxNamesPerCallSite');
    const analysed = new Map<string, NameAnalysis | null>();
    const analyse = (name: string) => {
      // Most names fail the cheap pre-test: cheaper than a map lookup, so test first.
      if (!mayHoldVariablePart(name)) return null;
      let a = analysed.get(name);
      if (a === undefined) analysed.set(name, (a = analyseSpanName(name)));
      return a;
    };
    // Call sites by file, then by line and column as one number: no key string per span. The
    // first pass only counts; the spans and exact name counts are gathered for reported sites.
    const sites = new Map<string, Map<number, CallSite>>();
    const allSites: CallSite[] = [];
    const siteOf: (CallSite | undefined)[] = new Array(ctx.spans.length);
    /** Spans without a location, grouped by their name's template. */
    const unlocated = new Map<string, { span: Span; analysis: NameAnalysis; spans: Span[] }>();
    let last: CallSite | undefined;
    let lastLoc: Span['location'];
    for (let i = 0; i < ctx.spans.length; i++) {
      const span = ctx.spans[i];
      const loc = span.location;
      if (!loc) {
        const a = analyse(span.name);
        if (!a) continue;
        const g = unlocated.get(a.template);
        if (g) g.spans.push(span);
        else unlocated.set(a.template, { span, analysis: a, spans: [span] });
        continue;
      }
      let site: CallSite | undefined;
      // Loops put runs of spans from one line next to each other.
      if (last && lastLoc && loc.line === lastLoc.line && loc.column === lastLoc.column && loc.file === lastLoc.file) site = last;
      else {
        let inFile = sites.get(loc.file);
        if (!inFile) sites.set(loc.file, (inFile = new Map()));
        const key = loc.line * 1_048_576 + loc.column;
        site = inFile.get(key);
        if (!site) {
          inFile.set(key, (site = { first: span, names: new Set(), count: 0, distinct: 0, examples: [] }));
          allSites.push(site);
        }
        last = site;
        lastLoc = loc;
      }
      siteOf[i] = site;
      site.count++;
      const counting = site.names.size < maxNames;
      if (counting) site.names.add(span.name);
      // Once a call site is known to put ids in names (or to make too many names), the rest of
      // its spans need no analysis: it is reported either way.
      if (!site.pattern && counting) {
        const a = analyse(span.name);
        if (a) site.pattern = { span, analysis: a, spans: [] };
      }
    }
    const reported = allSites.filter((site) => site.pattern || site.names.size >= maxNames);
    if (reported.length) {
      let total = 0;
      reported.forEach((site, n) => {
        site.spans = [];
        site.number = n;
        total += site.count;
      });
      const seen = new NameTable(ctx.spans, siteOf, total);
      for (let i = 0; i < ctx.spans.length; i++) {
        const site = siteOf[i];
        if (!site?.spans) continue;
        const span = ctx.spans[i];
        site.spans.push(span);
        if (seen.addFirst(i)) {
          site.distinct++;
          if (site.examples.length < 2) site.examples.push(span.name);
        }
        if (site.pattern) site.pattern.spans.push(span);
      }
    }
    const hit = (g: { span: Span; analysis: NameAnalysis; spans: Span[] }, distinct: number): Hit => ({
      span: g.span,
      message: patternMessage(g.span.name, g.analysis),
      data: { name: g.span.name, template: g.analysis.template, kinds: g.analysis.kinds.join(',') },
      affects: g.spans,
      note: distinct > 1 ? `${distinct} distinct names` : undefined,
    });
    for (const site of reported) {
      if (site.pattern) report(hit(site.pattern, site.distinct));
      else {
        const examples = site.examples.map((n) => `"${n}"`);
        report({
          span: site.first,
          message:
            `this call site starts spans with ${site.distinct} distinct names ` +
            `(e.g. ${examples.join(', ')}): use one fixed name and put the part that varies in an attribute`,
          data: { name: site.first.name },
          affects: site.spans,
        });
      }
    }
    for (const g of unlocated.values()) {
      const names = new Set<string>();
      for (const s of g.spans) names.add(s.name);
      report({ ...hit(g, names.size), group: g.analysis.template });
    }
  },
};

/**
 * The (call site, name) pairs met so far: an open-addressing table of span indexes, each beside
 * its pair's hash. A site that puts ids in names makes tens of thousands of names; a Set of them
 * costs several times more (growth, an entry object per name).
 */
class NameTable {
  /** Pairs of (span index + 1, hash), 0 = empty. */
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(
    private readonly spans: readonly Span[],
    private readonly siteOf: readonly (CallSite | undefined)[],
    capacity: number,
  ) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.mask = size - 1;
    this.table = new Int32Array(2 * size);
  }

  /** True when span `i` is the first of its call site (a reported one, numbered) with its name. */
  addFirst(i: number): boolean {
    const { spans, siteOf, table, mask } = this;
    const site = siteOf[i]!;
    const name = spans[i].name;
    const h = hashName(name, site.number!);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = table[2 * slot];
      if (at === 0) {
        table[2 * slot] = i + 1;
        table[2 * slot + 1] = h;
        return true;
      }
      if (table[2 * slot + 1] === h && siteOf[at - 1] === site && spans[at - 1].name === name) return false;
    }
  }
}

/** FNV-1a of a name and a site number, the high bits mixed down (the table takes the low ones). */
function hashName(name: string, site: number): number {
  let h = Math.imul(0x811c9dc5 ^ site, 0x01000193);
  for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}
