/**
 * A closed standard output (`span-lens … | head`) ends the CLI quietly with exit status 0, as a
 * Unix tool ends on SIGPIPE. Node ignores SIGPIPE, so the failed write surfaces as an EPIPE
 * 'error' event, which unhandled printed a stack trace. A command running a program registers a
 * stop here, so the program's whole tree is stopped before the CLI exits.
 */

const stops = new Set<() => void>();
let closed = false;

/** True once standard output was found closed: whatever the command returns, the exit status is 0. */
export function isOutputClosed(): boolean {
  return closed;
}

/**
 * Call `stop` if standard output closes while it is registered (a run stops its program); returns
 * the unregister function. With nothing registered, a closed output exits at once.
 */
export function onOutputClosed(stop: () => void): () => void {
  stops.add(stop);
  return () => void stops.delete(stop);
}

/** Install the handlers on the process's stdout and stderr; once, from the CLI entry point. */
export function watchOutputs(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): void {
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') {
      // A real write failure (a full disk): say so once, not as a stack trace.
      if (!closed) stderr.write(`span-lens: cannot write the output: ${err.message}\n`);
      closed = true;
      process.exit(1);
    }
    if (closed) return;
    closed = true;
    if (stops.size === 0) process.exit(0);
    for (const stop of stops) stop();
  });
  // A closed stderr leaves nothing to tell: ignore its errors rather than crash on them.
  stderr.on('error', () => undefined);
}
