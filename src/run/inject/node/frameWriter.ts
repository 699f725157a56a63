/**
 * Writes framed records to fd 1 synchronously, so a record is on the pipe before the next
 * console.log and survives a crash. docs/format.md describes the frame.
 */
import * as fs from 'fs';

/** The marker every frame starts with (src/core/parse/spanLens.ts reads it). */
export const FRAME_MARKER = '@@span-lens/1 ';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * A piped stdout in Node is non-blocking: a write the pipe cannot take is queued and lost if the
 * program crashes or calls process.exit(). Make the program's stdout and stderr blocking so its
 * own output and our frames stay in order and reach the reader whatever happens.
 */
export function makeStdioBlocking(): void {
  for (const stream of [process.stdout, process.stderr] as any[]) {
    try {
      if (stream && stream._type === 'pipe' && stream._handle && typeof stream._handle.setBlocking === 'function') {
        stream._handle.setBlocking(true);
      }
    } catch {
      /* leave it as it was */
    }
  }
}

/**
 * `dev:ino` of what an fd points at (a pipe has both), or undefined.
 *
 * Asked with `bigint: true` on purpose: a plain fstatSync leaves the pipe's stat in the buffer
 * Node's fs.realpathSync reads for paths it has cached as real (Node 20), which then believes it
 * reached a FIFO and stops resolving. require() then keeps symlinked paths unresolved: pnpm's
 * packages (all symlinks into node_modules/.pnpm) fail to find their dependencies or load twice,
 * and workspace packages look like node_modules. The bigint stat has a buffer of its own.
 */
export function streamIdentity(fd: number): string | undefined {
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Writes frames to the run's own stdout. A child process whose stdout is not that stream (its
 * parent program captures its output, e.g. `execSync('node worker.js')`) must not write frames
 * there: they would land in what the program reads. It uses the run's stderr when that is its
 * own (the parent captured stdout only), else it stays silent and its spans are not seen.
 */
export class FrameWriter {
  private fd: number | undefined | null = null;
  private sleeper: Int32Array | undefined;

  /**
   * `runStreams` are the identities (streamIdentity) of the run's stdout and stderr, as the
   * first process of the run saw them; undefined in that process itself.
   */
  constructor(
    private readonly nonce: string,
    private readonly runStreams?: { stdout?: string; stderr?: string },
  ) {}

  /** Write one record (its JSON text) as one line. */
  write(json: string): void {
    if (this.fd === null) this.fd = this.findOutput();
    const fd = this.fd;
    if (fd === undefined) return;
    const buf = Buffer.from(`${FRAME_MARKER}${this.nonce} ${json}\n`, 'utf8');
    let off = 0;
    let waits = 0;
    while (off < buf.length) {
      try {
        off += fs.writeSync(fd, buf, off, buf.length - off);
      } catch (err) {
        // Another process sharing the pipe may have made it non-blocking again: wait and retry.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && waits++ < 10000) {
          this.pause();
          continue;
        }
        // EPIPE: nobody reads any more. Stop trying; the program goes on.
        this.fd = undefined;
        return;
      }
    }
  }

  private findOutput(): number | undefined {
    if (!this.runStreams) return 1;
    const { stdout, stderr } = this.runStreams;
    if (stdout && streamIdentity(1) === stdout) return 1;
    if (stderr && streamIdentity(2) === stderr) return 2;
    return undefined;
  }

  private pause(): void {
    this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(this.sleeper, 0, 0, 1);
  }
}
