/**
 * The contract between the check engine (index.ts) and the rules (one per file).
 * Pure: no vscode, no Node APIs.
 */
import type { Finding, RunFacts, Severity, SourceLocation, Span } from '../model';
import type { Trace } from '../tree';

/** Languages whose code the checks and quick fixes understand beyond what the spans say. */
export type SourceLanguage = 'python' | 'javascript' | 'typescript' | 'go' | 'java' | 'rust' | 'other';

/** What the checks look at. */
export interface CheckInput {
  spans: readonly Span[];
  /**
   * Accepted so callers can pass what they built for the waterfall; the checks index the spans
   * themselves (a parent map is all they need, and cheaper than a full tree).
   */
  traces?: readonly Trace[];
  facts: RunFacts;
  /** Source text by file path (as span locations name files): for rules that read code and for disable comments. */
  sources?: ReadonlyMap<string, string>;
  /** The language of the program that was run, when known; otherwise taken from file extensions. */
  language?: SourceLanguage;
}

/** A threshold or switch a rule reads from settings. */
export type RuleOptionValue = number | boolean | string | string[];

/** Settings of one rule: on/off, severity, and the rule's own thresholds by name. */
export interface RuleSettings {
  enabled?: boolean;
  severity?: Severity;
  [option: string]: RuleOptionValue | undefined;
}

/** Check settings, e.g. `{ rules: { 'span-flood': { maxSameNameSiblings: 500 }, 'empty-attribute': { enabled: false } } }`. */
export interface CheckConfig {
  rules?: Record<string, RuleSettings | undefined>;
}

/** A rule's option as the settings UI shows it. */
export interface RuleOptionInfo {
  default: number | boolean | string[];
  description: string;
}

/** What the editor, the docs and the CLI need to know about a rule. */
export interface RuleInfo {
  id: string;
  /** One line: what the rule finds. */
  title: string;
  defaultSeverity: Severity;
  /** Path of the rule's page in the repository, e.g. `docs/rules/orphan-span.md`. */
  docs: string;
  options: Readonly<Record<string, RuleOptionInfo>>;
  /** True when src/core/fixes.ts has a quick fix for (some) findings of this rule. */
  fixable: boolean;
}

/**
 * One thing a rule noticed. The engine groups hits by rule, location and `key`: a loop that
 * makes 10,000 bad spans on one line gives one finding that says how many.
 */
export interface Hit {
  /** The span the hit is about: its location, ids and name. */
  span?: Span;
  /** Where to report when that is not the span's start (a line of code, the provider's line). */
  location?: SourceLocation;
  /** Separates hits of one rule on one line (the attribute key, the kind of problem). */
  key?: string;
  /** Groups hits without a location (instead of the span name). */
  group?: string;
  message: string;
  data?: Record<string, string>;
  /** The spans this hit stands for (default: `span`); they are counted and scored. */
  affects?: readonly Span[];
  /** The message already says how many spans: don't append `(×N spans)`. */
  counted?: boolean;
  /** Said after the count when the finding stands for several spans: `(×1000 spans, 1000 distinct names)`. */
  note?: string;
}

/** Options resolved from defaults and settings, as a rule reads them. */
export interface RuleOptions {
  number(name: string): number;
  boolean(name: string): boolean;
  strings(name: string): string[];
}

/** A rule: its description plus the check itself. */
export interface Rule extends RuleInfo {
  check(ctx: CheckContextLike, report: (hit: Hit) => void, options: RuleOptions): void;
}

/** What a rule may ask of the run besides its spans (see context.ts). */
export interface CheckContextLike {
  readonly spans: readonly Span[];
  readonly facts: RunFacts;
  readonly sources: ReadonlyMap<string, string>;
  /** The parent of `span` in its trace, when the parent is in the run. */
  parentOf(span: Span): Span | undefined;
  /** The parent of each span (same index as `spans`), computed once for all rules. */
  parents(): readonly (Span | undefined)[];
  /** Each span whose id repeats that of an earlier span, with the earliest one. */
  repeatedIds(): readonly { span: Span; earlier: Span }[];
  /** The language of a file, from its extension (or the input's language). */
  languageOf(file: string | undefined): SourceLanguage;
  /** The line in the sources that creates the tracer provider, for run-level findings. */
  providerLocation(): SourceLocation | undefined;
  /** The first span with a location, for run-level findings when no provider line is found. */
  firstLocated(spans?: readonly Span[]): Span | undefined;
}

export type { Finding, Severity, Span, SourceLocation };

/** True when the span's format shows `field` (see Span.unknown): a rule must not judge a placeholder. */
export function shows(span: Span, field: NonNullable<Span['unknown']>[number]): boolean {
  return !span.unknown || !span.unknown.includes(field);
}
