/**
 * How Go files run: `go run .` in the file's folder, so a `package main` spread over several files
 * builds as `go build` would build it, in module mode against the module's own go.mod. A file
 * outside any module runs alone (`go run FILE`).
 *
 * In a module that uses the OpenTelemetry SDK, the prepare step adds `-overlay` files that put
 * Span Lens's span processor into the module's own SDK version (languages/go/overlay.ts): every
 * span is reported as a framed record with its call site. When that cannot apply (no SDK in the
 * module, an SDK written differently), spans come from the program's stdouttrace output and the
 * run says why once.
 */
import * as fs from 'fs';
import * as path from 'path';
import { findUp, type LaunchPlan, type PlanContext } from '../plan';
import { buildGoOverlay } from './go/overlay';
import { explainGoFailure } from './missingSdk';

/** The processor source in the built injection folder. */
export const GO_PROCESSOR = path.join('go', 'span_lens.go');

/** `go run .` in the file's package folder (`go run FILE` outside a module). */
export function planGo(ctx: PlanContext): LaunchPlan {
  const { env } = ctx;
  // autoexport (go.opentelemetry.io/contrib/exporters/autoexport) reads this; stdouttrace ignores it.
  if (env.OTEL_TRACES_EXPORTER === undefined) env.OTEL_TRACES_EXPORTER = 'console';
  const packageDir = path.dirname(ctx.file);
  const inModule = findUp(packageDir, 'go.mod', ctx.host) !== undefined;
  const command = ctx.command || 'go';
  const processor = path.join(ctx.injectDir, GO_PROCESSOR);
  const plan: LaunchPlan = {
    language: 'go',
    command,
    args: ['run', ...ctx.userArgs, inModule ? '.' : ctx.file, ...ctx.programArgs],
    env,
    // `go run .` builds the package of the working folder: the file's own.
    cwd: inModule ? packageDir : ctx.cwd,
    nonce: ctx.nonce,
    // The injection's frames are expected; a run that falls back reads stdouttrace all the same.
    framed: inModule,
    commandSetting: 'spanLens.go.command',
    injectFiles: inModule ? [processor] : [],
    explainFailure: explainGoFailure,
  };
  if (inModule) {
    plan.prepare = async (io) => {
      const overlay = await buildGoOverlay({ command, env, packageDir, signal: io.signal }, fs.readFileSync(processor, 'utf8'));
      if ('reason' in overlay) {
        plan.framed = false;
        plan.notice = `Go: spans are read from the program's stdouttrace output only, without call sites: ${overlay.reason}`;
        return;
      }
      plan.args = ['run', ...overlay.flags, ...plan.args.slice(1)];
    };
  }
  return plan;
}
