/**
 * The run's side channel: a socket only this run listens on — a Unix domain socket in a private
 * (0700) temporary folder, a named pipe on Windows — whose address is SPAN_LENS_CHANNEL in every
 * process of the run. Each injected process connects and writes its framed records there
 * (docs/format.md), so the program's stdout and stderr are its own, byte for byte; a child
 * whose output its parent captures, or a program that closes or redirects its stdout, still
 * reports every span. A record must carry the run's nonce (its token); a line that does not is
 * counted and said, never read as a span.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { randomBytes } from 'crypto';
import type { FormatName, RunFacts, Span, Unparsed } from '../core/model';
import { createStreamParser } from '../core/parse';

/** The environment variable that carries the channel's address. */
export const CHANNEL_ENV = 'SPAN_LENS_CHANNEL';

export interface ChannelSink {
  onSpan(span: Span): void;
  onFacts(facts: RunFacts): void;
  onFormat(format: FormatName): void;
  /** A record that arrived damaged (a process cut off mid-record). */
  onUnparsed(u: Unparsed): void;
}

/** An open channel. */
export interface Channel {
  /** Where processes connect (the value of SPAN_LENS_CHANNEL). */
  readonly address: string;
  /** Lines that were not records of this run (a wrong token, stray text), over all connections. */
  readonly rejected: number;
  /** How many processes connected. */
  readonly connections: number;
  /**
   * Stop listening, once every connection has ended or `graceMs` passed (a process of the run
   * may still be writing its last records as it exits), and remove the socket's folder.
   */
  close(graceMs?: number): Promise<void>;
}

/** Open a channel for a run whose records carry `nonce`. */
export async function openChannel(nonce: string, sink: ChannelSink): Promise<Channel> {
  let dir: string | undefined;
  let address: string;
  if (process.platform === 'win32') address = `\\\\.\\pipe\\span-lens-${randomBytes(12).toString('hex')}`;
  else {
    // mkdtemp makes the folder 0700: no other user can reach the socket inside.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-'));
    fs.chmodSync(dir, 0o700);
    address = path.join(dir, 'channel.sock');
  }
  const open = new Set<net.Socket>();
  const ended = new Set<() => void>();
  const state = { rejected: 0, connections: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    open.add(socket);
    const parser = createStreamParser({
      nonce,
      formats: ['span-lens'],
      onSpan: (s) => sink.onSpan(s),
      onFacts: (f) => sink.onFacts(f),
      onFormat: (f) => sink.onFormat(f),
      onUnparsed: (u) => sink.onUnparsed(u),
      // Nothing but this run's records belongs here.
      onOutput: (line) => {
        if (line.text) state.rejected++;
      },
    });
    socket.on('data', (chunk: Buffer) => parser.write(chunk));
    const done = () => {
      if (!open.delete(socket)) return;
      parser.end();
      if (!open.size) for (const f of ended) f();
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', () => done());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The socket itself: owner only, as its folder.
  if (dir) fs.chmodSync(address, 0o600);

  return {
    address,
    get rejected() {
      return state.rejected;
    },
    get connections() {
      return state.connections;
    },
    async close(graceMs = 1000) {
      if (open.size) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          ended.add(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      // A process that outlived the run (it escaped being stopped) is not read any more.
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
