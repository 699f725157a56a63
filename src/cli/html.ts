/**
 * `span-lens html FILE -o trace.html`: one self-contained HTML file with the same waterfall as
 * the editor panel (script, styles, codicon font and the run inlined; a CSP that allows no
 * network), so a trace can be attached to a bug report.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ParseResult } from '../core/model';
import { parseText } from '../core/parse';
import { checkRun } from '../core/checks';
import { buildRunDto } from '../core/waterfallModel';
import { redactRunDto } from '../core/redactRunDto';
import { buildStandaloneHtml, inlineCodiconFont } from '../webviewHtml';
import type { RunDto } from '../protocol';
import { InputError, parseInput } from './input';
import { parseInputArgs, UsageError } from './parse';

const HELP = `usage: span-lens html FILE [-o OUT.html] [--title TEXT] [--format auto|NAME] [--reveal-secrets]

Writes a self-contained waterfall page for the span output in FILE (stdin when -).
The page needs no network: open it in any browser or attach it to a bug report.
Without -o the page is written to standard output.

Values that look like secrets or personal data (passwords, tokens, emails, card numbers), in
attributes, names, status messages and events, are left out of the page (only their masked
form is in it) unless --reveal-secrets is given.`;

/** The files the standalone page inlines. */
export interface StandaloneAssets {
  script: string;
  styles: string[];
}

/** The extension/package root: the nearest folder above this module with Span Lens's package.json. */
export function findPackageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'span-lens') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the Span Lens installation folder (package.json)');
    dir = up;
  }
}

/** Reads the built webview bundle, codicons and styles. Throws a message a user can act on. */
export function loadStandaloneAssets(root: string = findPackageRoot()): StandaloneAssets {
  const read = (rel: string, encoding?: 'utf8') => {
    const file = path.join(root, rel);
    if (!fs.existsSync(file)) throw new Error(`${rel} is missing from ${root}: run 'npm run build' first`);
    return encoding ? fs.readFileSync(file, encoding) : fs.readFileSync(file);
  };
  const codicons = inlineCodiconFont(
    read('dist/codicons/codicon.css', 'utf8') as string,
    (read('dist/codicons/codicon.ttf') as Buffer).toString('base64'),
  );
  return {
    script: read('dist/webview.js', 'utf8') as string,
    styles: [codicons, read('media/standalone-theme.css', 'utf8') as string, read('media/waterfall.css', 'utf8') as string],
  };
}

/** The standalone page for a run DTO. */
export function renderStandaloneHtml(run: RunDto | undefined, assets: StandaloneAssets, title?: string): string {
  return buildStandaloneHtml({ script: assets.script, styles: assets.styles, run, title });
}

/**
 * The standalone page for parsed output. The page is made to be shared: unless `revealSecrets`,
 * masked values are not in its source, only their masked form.
 */
export function renderParseResultHtml(result: ParseResult, assets: StandaloneAssets, title: string, options: { revealSecrets?: boolean } = {}): string {
  const report = checkRun({ spans: result.spans, facts: result.facts });
  const built = buildRunDto(result.spans, { runId: title, title, checks: { score: report.score, findings: report.findings.length } });
  const run = options.revealSecrets ? built : redactRunDto(built, { keepRevealable: false });
  return renderStandaloneHtml(run, assets, options.revealSecrets ? title : run.title);
}

export async function htmlCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  try {
    let out: string | undefined;
    let title: string | undefined;
    let revealSecrets = false;
    const rest: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '-o' || a === '--output') {
        out = args[++i];
        if (!out) throw new UsageError('html: -o needs a file name');
      } else if (a.startsWith('--output=')) out = a.slice('--output='.length);
      else if (a === '--reveal-secrets') revealSecrets = true;
      else if (a === '--title') {
        title = args[++i];
        if (title === undefined) throw new UsageError('html: --title needs a value');
      } else rest.push(a);
    }
    const input = parseInputArgs(rest, 'html');
    if (input.rest.length) throw new UsageError(`html: unexpected argument '${input.rest[0]}'\n\n${HELP}`);
    if (!out && process.stdout.isTTY) throw new UsageError('html: give -o OUT.html (the page is not written to a terminal)');
    let result: ParseResult;
    try {
      result = await parseInput(input.file, input.format ? { formats: [input.format] } : {});
    } catch (err) {
      throw err instanceof InputError ? new UsageError(err.message) : err;
    }
    if (result.spans.length === 0) {
      process.stderr.write(`span-lens html: no spans found in ${input.file === '-' ? 'standard input' : input.file}\n`);
      return 1;
    }
    const assets = loadStandaloneAssets();
    const pageTitle = title ?? `Span Lens: ${input.file === '-' ? 'trace' : path.basename(input.file)}`;
    const html = renderParseResultHtml(result, assets, pageTitle, { revealSecrets });
    if (out) {
      fs.writeFileSync(out, html);
      const traces = new Set(result.spans.map((s) => s.traceId)).size;
      process.stderr.write(`wrote ${out} (${result.spans.length} spans, ${traces} trace${traces === 1 ? '' : 's'})\n`);
    } else process.stdout.write(html);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`span-lens ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`span-lens html: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
