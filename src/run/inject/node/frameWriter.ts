/**
 * Writes framed records to the run's side channel (a Unix domain socket the runner listens on,
 * SPAN_LENS_CHANNEL): batched off the program's hot path and flushed synchronously at exit, so
 * the program's stdout stays its own. Without a channel, or when it fails, to fd 1 synchronously,
 * so a record is on the pipe before the next console.log and survives a crash. docs/format.md
 * describes the frame.
 */
import * as fs from 'fs';
import * as net from 'net';

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
  private readonly channel: ChannelConnection | undefined;

  /**
   * `runStreams` are the identities (streamIdentity) of the run's stdout and stderr, as the
   * first process of the run saw them; undefined in that process itself. `channelPath` is the
   * run's side channel (SPAN_LENS_CHANNEL), when it has one.
   */
  constructor(
    private readonly nonce: string,
    private readonly runStreams?: { stdout?: string; stderr?: string },
    channelPath?: string,
  ) {
    if (channelPath) this.channel = ChannelConnection.open(channelPath, (lost) => this.writeLines(lost));
  }

  /** Write one record (its JSON text) as one line. */
  write(json: string): void {
    const line = `${FRAME_MARKER}${this.nonce} ${json}\n`;
    if (this.channel?.usable) {
      this.channel.add(line);
      if (this.exiting) this.channel.flush();
    } else this.writeLines(line);
  }

  /**
   * Write a record made later: on the channel its JSON is built when the batch is sent (an
   * unref'd timer, after the program's current work), not while the program ends its span. The
   * span it reads must not change any more (an ended span). Without a channel, made at once.
   */
  writeLater(makeJson: () => string): void {
    if (this.channel?.usable && !this.exiting) this.channel.addLater(() => `${FRAME_MARKER}${this.nonce} ${makeJson()}\n`);
    else this.write(makeJson());
  }

  /**
   * Push out what is batched (at exit, before a signal ends the process). From then on every
   * record is written at once: an exit handler running after ours has no timers left to wait for.
   */
  flush(): void {
    this.exiting = true;
    this.channel?.flush();
  }

  private exiting = false;

  /** Frames to the run's stdout (or stderr), synchronously. */
  private writeLines(text: string): void {
    if (this.fd === null) this.fd = this.findOutput();
    const fd = this.fd;
    if (fd === undefined) return;
    const buf = Buffer.from(text, 'utf8');
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

/** Batch size that is written at once, and how long a record may wait for its batch. */
const BATCH_BYTES = 64 * 1024;
const BATCH_DELAY_MS = 20;
/**
 * Ended spans whose records wait to be made at send time: bounds the spans held (a tight loop
 * never lets the timer run) while keeping the JSON work out of the program's own work.
 */
const BATCH_LATER = 65_536;

/**
 * One process's connection to the run's channel. The socket is connected as it is made (a Unix
 * socket connects at once), made blocking, and written with fs.writeSync on its descriptor: the
 * same synchronous write works in an exit handler, where nothing asynchronous runs any more.
 * Records wait in memory until 64 KiB are batched or 20 ms passed (an unref'd timer: it never
 * keeps the program alive). A failed write hands what is not written to `fallback` (stdout).
 */
class ChannelConnection {
  usable = true;
  /** Lines, or functions that make them when the batch is sent. */
  private pending: (string | (() => string))[] = [];
  private pendingBytes = 0;
  private pendingLater = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly fd: number,
    private readonly socket: net.Socket,
    private readonly fallback: (text: string) => void,
  ) {}

  static open(address: string, fallback: (text: string) => void): ChannelConnection | undefined {
    try {
      const socket = net.connect({ path: address });
      socket.unref();
      const handle = (socket as any)._handle;
      const fd = handle?.fd;
      if (typeof fd !== 'number' || fd < 0) {
        socket.destroy();
        return undefined;
      }
      handle.setBlocking?.(true);
      const conn = new ChannelConnection(fd, socket, fallback);
      // A refused or dropped connection: what is batched goes to stdout instead, never lost.
      socket.on('error', () => conn.fail());
      return conn;
    } catch {
      return undefined;
    }
  }

  add(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
    else this.schedule();
  }

  /** A line made when the batch is sent; at most BATCH_LATER wait (they hold their spans). */
  addLater(make: () => string): void {
    this.pending.push(make);
    if (++this.pendingLater >= BATCH_LATER) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), BATCH_DELAY_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const parts = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingLater = 0;
    let text = '';
    for (const p of parts) {
      try {
        text += typeof p === 'string' ? p : p();
      } catch {
        /* a record that cannot be made is left out, as when it is made at once */
      }
    }
    if (!this.usable) {
      this.fallback(text);
      return;
    }
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    } catch {
      this.usable = false;
      // Whole lines only: the reader drops a record cut in half, so resend the one that was cut.
      const lastSent = off > 0 ? buf.lastIndexOf(10, off - 1) : -1;
      this.fallback(buf.subarray(lastSent + 1).toString('utf8'));
    }
  }

  private fail(): void {
    if (!this.usable) return;
    this.usable = false;
    this.socket.destroy();
    this.flush();
  }
}
