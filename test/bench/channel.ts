/**
 * Channel ingest: another process writes 200,000 span records (as the injections write them,
 * one-span frames of a real Node span's shape) to a run's channel as fast as it can, and the
 * runner reads them into spans. Spans per second from the first byte to the last span, against
 * a baseline measured in the same run: the same bytes through a bare socket that only counts
 * them (the transport's own ceiling). Target (#13): ≥ 200,000 spans/s.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { openChannel } from '../../src/run/channel';

const COUNT = 200_000;
const NONCE = 'benchNonce_1';

function frames(): string {
  const lines: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const span = {
      traceId: (Math.floor(i / 10) + 1).toString(16).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: i % 10 ? (Math.floor(i / 10) * 10 + 1).toString(16).padStart(16, '0') : null,
      name: 'GET /items/:id',
      kind: 'SERVER',
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1000n + 500n),
      attributes: { 'http.route': '/items/:id', 'http.response.status_code': 200, i },
      events: [],
      links: [],
      status: { code: 'UNSET' },
      resource: { 'service.name': 'bench', 'telemetry.sdk.language': 'nodejs' },
      scope: { name: 'bench', version: '1.0.0' },
      location: { file: '/w/app.js', line: 12, column: 20 },
    };
    lines.push(`@@span-lens/1 ${NONCE} ${JSON.stringify({ type: 'span', span })}\n`);
  }
  return lines.join('');
}

/** A writer process that sends `file` to `address` and exits. */
function send(file: string, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', `const fs=require('fs'),net=require('net');const s=net.connect({path:process.argv[2]},()=>s.end(fs.readFileSync(process.argv[1])));`, file, address], { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
  });
}

async function bare(file: string, dir: string): Promise<number> {
  const address = path.join(dir, 'bare.sock');
  let bytes = 0;
  let t0 = 0;
  const done = new Promise<number>((resolve) => {
    const server = net.createServer((c) => {
      c.on('data', (d: Buffer) => {
        if (!t0) t0 = performance.now();
        bytes += d.length;
      });
      c.on('end', () => {
        resolve(performance.now() - t0);
        server.close();
      });
    });
    server.listen(address);
  });
  await new Promise((r) => setTimeout(r, 50));
  await send(file, address);
  const ms = await done;
  if (bytes !== fs.statSync(file).size) throw new Error('bytes lost');
  return ms;
}

async function channel(file: string): Promise<number> {
  let spans = 0;
  let t0 = 0;
  let last = 0;
  const ch = await openChannel(NONCE, {
    onSpan: () => {
      if (!t0) t0 = performance.now();
      spans++;
      last = performance.now();
    },
    onFacts: () => undefined,
    onFormat: () => undefined,
    onUnparsed: (u) => {
      throw new Error(u.reason);
    },
  });
  await send(file, ch.address);
  await ch.close(5000);
  if (spans !== COUNT) throw new Error(`read ${spans} spans, sent ${COUNT}`);
  return last - t0;
}

export async function benchChannel(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-bench-channel-'));
  try {
    const file = path.join(dir, 'frames.txt');
    fs.writeFileSync(file, frames());
    const mb = fs.statSync(file).size / 1e6;
    console.log(`\n== channel: ${COUNT.toLocaleString()} span records (${mb.toFixed(0)} MB) from another process, best of 3 ==`);
    let bestBare = Infinity;
    let bestChannel = Infinity;
    for (let round = 0; round < 3; round++) {
      bestBare = Math.min(bestBare, await bare(file, dir));
      bestChannel = Math.min(bestChannel, await channel(file));
    }
    const rate = (COUNT / bestChannel) * 1000;
    console.log(`bare socket (bytes counted)   ${bestBare.toFixed(0).padStart(6)} ms   ${((mb / bestBare) * 1000).toFixed(0)} MB/s`);
    console.log(`channel (spans read)          ${bestChannel.toFixed(0).padStart(6)} ms   ${Math.round(rate).toLocaleString()} spans/s   ${(bestChannel / bestBare).toFixed(1)}× the bare socket`);
    console.log(`target (≥ 200,000 spans/s): ${rate >= 200_000 ? 'met' : 'NOT met'}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchChannel().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
