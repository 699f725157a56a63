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

export class FrameWriter {
  private broken = false;
  private sleeper: Int32Array | undefined;

  constructor(
    private readonly nonce: string,
    private readonly fd = 1,
  ) {}

  /** Write one record (its JSON text) as one line. */
  write(json: string): void {
    if (this.broken) return;
    const buf = Buffer.from(`${FRAME_MARKER}${this.nonce} ${json}\n`, 'utf8');
    let off = 0;
    let waits = 0;
    while (off < buf.length) {
      try {
        off += fs.writeSync(this.fd, buf, off, buf.length - off);
      } catch (err) {
        // Another process sharing the pipe may have made it non-blocking again: wait and retry.
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN' && waits++ < 10000) {
          this.pause();
          continue;
        }
        // EPIPE: nobody reads any more. Stop trying; the program goes on.
        this.broken = true;
        return;
      }
    }
  }

  private pause(): void {
    this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(this.sleeper, 0, 0, 1);
  }
}
