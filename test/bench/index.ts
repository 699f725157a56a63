/**
 * `npm run bench`: every benchmark, each printing its figures as ratios against a baseline
 * measured in the same run. Pass part names to run only some: `npm run bench -- parse checks`.
 */
import { benchChecks } from './checks';
import { benchDto } from './dto';
import { benchChannel } from './channel';
import { benchLive } from './live';
import { benchOtlp } from './otlp';
import { benchParse } from './parse';
import { benchRun } from './run';
import { benchRunGo } from './runGo';
import { benchRunJava } from './runJava';
import { benchWebview } from './webview';

const parts: Record<string, () => Promise<unknown>> = {
  parse: () => benchParse(),
  run: () => benchRun(),
  'run-go': () => benchRunGo(),
  'run-java': () => benchRunJava(),
  checks: () => benchChecks(),
  webview: () => benchWebview(),
  dto: () => benchDto(),
  otlp: () => benchOtlp(),
  live: () => benchLive(),
  channel: () => benchChannel(),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const [name, run] of Object.entries(parts)) {
    if (wanted.length && !wanted.includes(name)) continue;
    await run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
