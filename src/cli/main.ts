/**
 * The `span-lens` command line: parse | tree | run | check | html | diff.
 * Each subcommand lives in its own module and returns an exit code; this file only dispatches.
 */
import { parseCommand, treeCommand } from './parse';
import { runCommand } from './run';
import { checkCommand } from './check';
import { diffCommand } from './diff';
import { htmlCommand } from './html';
import { isOutputClosed, watchOutputs } from './closedOutput';

const USAGE = `usage: span-lens <command> [options]

commands:
  parse [FILE|-] [--format auto|NAME]   print the spans in FILE (or stdin) as JSON
  tree  [FILE|-] [--format auto|NAME]   print each trace as an indented tree
  run   FILE [--json] [-- ARGS...]      run FILE with Span Lens and show its trace
  check FILE [--json] [--from OUTPUT]   run FILE (or read OUTPUT) and report instrumentation problems
  html  FILE -o OUT.html                write a self-contained waterfall page for a saved output
  diff  BEFORE AFTER [--threshold T]    compare two saved runs span by span; exit 1 when one got slower

Run 'span-lens <command> --help' for a command's options.`;

/** Dispatch argv (without node and script) to a subcommand; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'parse':
      return parseCommand(rest);
    case 'tree':
      return treeCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'check':
      return checkCommand(rest);
    case 'html':
      return htmlCommand(rest);
    case 'diff':
      return diffCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    case '--version':
    case '-V':
      process.stdout.write(`span-lens ${VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`span-lens: unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

declare const SPAN_LENS_VERSION: string | undefined;
const VERSION = typeof SPAN_LENS_VERSION === 'string' ? SPAN_LENS_VERSION : '0.1.0';

if (require.main === module) {
  // `span-lens … | head`: a reader that stops early is not an error (see closedOutput.ts).
  watchOutputs();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = isOutputClosed() ? 0 : code;
    },
    (err: unknown) => {
      if (isOutputClosed()) {
        process.exitCode = 0;
        return;
      }
      process.stderr.write(`span-lens: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
