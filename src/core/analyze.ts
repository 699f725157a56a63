/**
 * After a run or an opened trace file: place spans that carry no call site (static location),
 * then run the checks and score the run. One pure step shared by the editor and the CLI.
 */
import type { Finding, RunFacts, Span } from './model';
import { locateStatically, type LocateResult } from './locate';
import { checkRun, type CheckConfig, type SourceLanguage } from './checks';

export interface Analysis {
  findings: Finding[];
  score: number;
  /** Span names static location could not place, with why. */
  unlocated: LocateResult['unlocated'];
  /** Rules that failed (bugs in Span Lens), said to the user rather than hidden. */
  failures: { rule: string; message: string }[];
}

export interface AnalyzeInput {
  spans: Span[];
  facts: RunFacts;
  sources: ReadonlyMap<string, string>;
  language?: SourceLanguage;
}

export function analyzeRun(input: AnalyzeInput, config: CheckConfig = {}): Analysis {
  const located = input.sources.size ? locateStatically(input.spans, input.sources) : { located: 0, unlocated: [] };
  const report = checkRun({ spans: input.spans, facts: input.facts, sources: input.sources, language: input.language }, config);
  return { findings: report.findings, score: report.score, unlocated: located.unlocated, failures: report.failures };
}
