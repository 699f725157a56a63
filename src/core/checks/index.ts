/**
 * The span checks: every rule, the settings that tune them, and the engine that runs them.
 *
 * A rule reports hits; the engine groups hits by rule, location and key so that a loop making
 * 10,000 bad spans on one line gives one finding that says how many ("… (×10000 spans)"), drops
 * what disable comments silence, applies each rule's configured severity, and scores the run.
 * Pure: no vscode, no Node APIs.
 */
import type { Finding, Severity, SourceLocation, Span } from '../model';
import { instrumentationScore } from '../score';
import { childOutlivesParent } from './childOutlivesParent';
import { childStartsBeforeParent } from './childStartsBeforeParent';
import { clientRootSpan } from './clientRootSpan';
import { consoleExporterInCode } from './consoleExporterInCode';
import { CheckContext } from './context';
import { deprecatedAttribute } from './deprecatedAttribute';
import { duplicateSpanId } from './duplicateSpanId';
import { emptyAttribute } from './emptyAttribute';
import { errorStatusMissing } from './errorStatusMissing';
import { missingServiceName } from './missingServiceName';
import { noExporter } from './noExporter';
import { orphanSpan } from './orphanSpan';
import { sensitiveAttribute } from './sensitiveAttribute';
import { spanFlood } from './spanFlood';
import { spanNameCardinality } from './spanNameCardinality';
import { spansLostAtExit } from './spansLostAtExit';
import { isSuppressed, suppressionsOf } from './suppress';
import type { CheckConfig, CheckInput, Hit, Rule, RuleInfo, RuleOptions, RuleSettings } from './types';
import { unendedSpan } from './unendedSpan';

export type { CheckConfig, CheckInput, RuleInfo, RuleOptionInfo, RuleSettings, SourceLanguage } from './types';
export { languageOfFile } from './context';

/** Every rule, in the order the docs list them. */
export const RULES: readonly Rule[] = [
  spanNameCardinality,
  orphanSpan,
  unendedSpan,
  spansLostAtExit,
  errorStatusMissing,
  sensitiveAttribute,
  spanFlood,
  childOutlivesParent,
  childStartsBeforeParent,
  deprecatedAttribute,
  missingServiceName,
  clientRootSpan,
  duplicateSpanId,
  emptyAttribute,
  noExporter,
  consoleExporterInCode,
];

/** The rule table without the code: ids, default severities, docs paths, options and their defaults. */
export const RULE_INFO: readonly RuleInfo[] = RULES.map(({ id, title, defaultSeverity, docs, options, fixable }) => ({
  id,
  title,
  defaultSeverity,
  docs,
  options,
  fixable,
}));

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** The rule with this id, or undefined. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** The result of one check run. */
export interface CheckReport {
  findings: Finding[];
  /** See src/core/score.ts: 100 is a clean run. */
  score: number;
  /** Rules that threw (a bug in Span Lens, not in the user's program); their findings are missing. */
  failures: { rule: string; message: string }[];
}

/** Run every enabled rule; findings sorted by file, line, column, then severity. */
export function runChecks(input: CheckInput, config: CheckConfig = {}): Finding[] {
  return checkRun(input, config).findings;
}

interface Group {
  rule: Rule;
  severity: Severity;
  hit: Hit;
  location?: SourceLocation;
  spans: Span[];
}

/** Run every enabled rule and score the run. */
export function checkRun(input: CheckInput, config: CheckConfig = {}): CheckReport {
  const ctx = new CheckContext(input);
  const groups = new Map<string, Group>();
  const failures: CheckReport['failures'] = [];
  for (const rule of RULES) {
    const settings = config.rules?.[rule.id] ?? {};
    if (settings.enabled === false) continue;
    const severity = SEVERITIES.includes(settings.severity as Severity) ? (settings.severity as Severity) : rule.defaultSeverity;
    const report = (hit: Hit) => {
      const location = hit.location ?? hit.span?.location;
      const where = location ? `${location.file}\u0000${location.line}\u0000${location.column}` : `\u0001${hit.group ?? hit.span?.name ?? ''}`;
      const key = `${rule.id}\u0000${where}\u0000${hit.key ?? ''}`;
      const spans = hit.affects ?? (hit.span ? [hit.span] : []);
      const g = groups.get(key);
      if (g) {
        for (const s of spans) g.spans.push(s);
      } else {
        groups.set(key, { rule, severity, hit, location, spans: spans.slice() });
      }
    };
    try {
      rule.check(ctx, report, optionsFor(rule, settings));
    } catch (err) {
      failures.push({ rule: rule.id, message: err instanceof Error ? err.message : String(err) });
    }
  }

  const suppressions = new Map<string, Map<number, Set<string>>>();
  const silenced = (rule: string, location: SourceLocation | undefined) => {
    if (!location) return false;
    const text = ctx.sources.get(location.file);
    if (text === undefined) return false;
    let map = suppressions.get(location.file);
    if (!map) suppressions.set(location.file, (map = suppressionsOf(text)));
    return isSuppressed(map, location.line, rule);
  };

  const kept: Group[] = [];
  for (const g of groups.values()) if (!silenced(g.rule.id, g.location)) kept.push(g);
  const findings = kept.map(toFinding);
  const order = findings.map((f, i) => ({ f, i }));
  order.sort((a, b) => compareFindings(a.f, b.f) || a.i - b.i);
  const score = instrumentationScore(
    input.spans.length,
    kept.map((g) => ({ severity: g.severity, spans: g.spans })),
  );
  return { findings: order.map((o) => o.f), score, failures };
}

function toFinding(g: Group): Finding {
  const { hit } = g;
  const n = g.spans.length;
  let message = hit.message;
  if (!hit.counted && n > 1) message += ` (×${n} spans${hit.note ? `, ${hit.note}` : ''})`;
  const finding: Finding = { rule: g.rule.id, severity: g.severity, message };
  if (hit.span) {
    finding.spanId = hit.span.spanId;
    finding.traceId = hit.span.traceId;
  }
  if (g.location) finding.location = g.location;
  const data: Record<string, string> = { ...hit.data };
  if (n > 1 && data.count === undefined) data.count = String(n);
  if (Object.keys(data).length) finding.data = data;
  return finding;
}

function compareFindings(a: Finding, b: Finding): number {
  const la = a.location;
  const lb = b.location;
  if (la && !lb) return -1;
  if (!la && lb) return 1;
  if (la && lb) {
    if (la.file !== lb.file) return la.file < lb.file ? -1 : 1;
    if (la.line !== lb.line) return la.line - lb.line;
    if (la.column !== lb.column) return la.column - lb.column;
  }
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
}

/** A rule's options: the setting when it has the right type, else the rule's default. */
function optionsFor(rule: Rule, settings: RuleSettings): RuleOptions {
  const value = (name: string) => {
    const def = rule.options[name]?.default;
    const set = settings[name];
    return set !== undefined && typeof set === typeof def && Array.isArray(set) === Array.isArray(def) ? set : def;
  };
  return {
    number(name) {
      const v = value(name);
      return typeof v === 'number' && Number.isFinite(v) ? v : Number(rule.options[name]?.default ?? 0);
    },
    boolean(name) {
      return value(name) === true;
    },
    strings(name) {
      const v = value(name);
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    },
  };
}
