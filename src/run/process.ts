/**
 * Run one program and own its whole process tree: it starts in a process group of its own, its
 * stdout and stderr are always drained (a full pipe would stall it), and stopping it (abort,
 * timeout, or children left behind when it exits) ends every process it started: SIGTERM first,
 * SIGKILL after a grace period.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';

/** What to start. */
export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ProcessOptions {
  /** Aborting stops the program and everything it started. */
  signal?: AbortSignal;
  /** Stop the program after this many milliseconds (0 or undefined: no limit). */
  timeoutMs?: number;
  /** How long processes get between SIGTERM and SIGKILL. Default 1000 ms. */
  killGraceMs?: number;
  /**
   * After the program exits, how long its children may keep stdout/stderr open before they are
   * stopped too (a daemon that inherited the pipes would otherwise keep the run going). Default 1000 ms.
   */
  lingerMs?: number;
  /**
   * The program's standard input: what this stream gives is written to it, and its end closes it.
   * Default: none (the program reads end-of-file at once).
   */
  stdin?: NodeJS.ReadableStream;
  onStdout(chunk: Buffer): void;
  onStderr(chunk: Buffer): void;
  /** Called once the program is running, with its pid (also the id of its process group). */
  onSpawn?(pid: number): void;
  /** Aborting stops the program and everything it started at once (SIGKILL, no grace): a second Ctrl-C. */
  hardSignal?: AbortSignal;
  /**
   * A `NAME=value` variable of the program's environment that only this run has (the run's
   * nonce): processes that escaped the process group and lost their parent are found by it.
   */
  marker?: string;
}

/** How a run ended. */
export interface ProcessOutcome {
  /** The program's exit code; null when a signal ended it or it never started. */
  exitCode: number | null;
  /** The signal that ended the program, e.g. `SIGTERM`. */
  signal: NodeJS.Signals | null;
  /** Set when Span Lens stopped the program. */
  stopped?: 'aborted' | 'timeout';
  /** Set when the program could not be started (ENOENT: the command does not exist). */
  spawnError?: NodeJS.ErrnoException;
  pid?: number;
  durationMs: number;
}

const isWindows = process.platform === 'win32';

/** Start a program and resolve when it and its output are finished. Never rejects. */
export function runProcess(spec: ProcessSpec, opts: ProcessOptions): Promise<ProcessOutcome> {
  const started = Date.now();
  const grace = opts.killGraceMs ?? 1000;
  const linger = opts.lingerMs ?? 1000;
  return new Promise<ProcessOutcome>((resolve) => {
    let settled = false;
    let stopped: ProcessOutcome['stopped'];
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let killing: Promise<void> | null = null;
    const timers: NodeJS.Timeout[] = [];

    if (opts.signal?.aborted) {
      resolve({ exitCode: null, signal: null, stopped: 'aborted', durationMs: 0 });
      return;
    }

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        // Its own process group, so the whole tree can be signalled at once.
        detached: !isWindows,
        stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      resolve({ exitCode: null, signal: null, spawnError: err as NodeJS.ErrnoException, durationMs: Date.now() - started });
      return;
    }
    const pid = child.pid;
    const input = opts.stdin;
    if (input && child.stdin) {
      // A program that exits, or closes its stdin, without reading everything: not an error of ours.
      child.stdin.on('error', () => undefined);
      input.pipe(child.stdin);
    }

    const finish = (extra: Partial<ProcessOutcome> = {}) => {
      if (settled) return;
      settled = true;
      if (input && child.stdin) {
        input.unpipe(child.stdin);
        // Stop reading (a terminal's stdin would otherwise keep this process alive).
        input.pause();
      }
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      opts.hardSignal?.removeEventListener('abort', onHardAbort);
      resolve({ exitCode, signal: exitSignal, stopped, pid, durationMs: Date.now() - started, ...extra });
    };

    const stopTree = (graceMs = grace) => {
      if (!killing && pid !== undefined) {
        killing = killProcessTree(pid, { graceMs, marker: opts.marker }).then(() => {
          // Everything we could reach is gone; a pipe still open belongs to something that
          // escaped us. Stop waiting for it.
          timers.push(
            setTimeout(() => {
              child.stdout?.destroy();
              child.stderr?.destroy();
              finish();
            }, 500),
          );
        });
      }
    };

    const onAbort = () => {
      if (settled) return;
      stopped ??= 'aborted';
      stopTree();
    };
    const onHardAbort = () => {
      if (settled || pid === undefined) return;
      stopped ??= 'aborted';
      // Whatever is under way gets no more grace: everything is killed now.
      void killProcessTree(pid, { graceMs: 0, marker: opts.marker });
      stopTree(0);
    };

    child.stdout!.on('data', (c: Buffer) => opts.onStdout(c));
    child.stderr!.on('data', (c: Buffer) => opts.onStderr(c));
    // A stream error (EPIPE, destroyed) must not crash the host; the close event still comes.
    child.stdout!.on('error', () => undefined);
    child.stderr!.on('error', () => undefined);

    child.on('error', (err: NodeJS.ErrnoException) => {
      if (pid === undefined || err.syscall?.startsWith('spawn')) finish({ spawnError: err, exitCode: null, signal: null });
    });
    child.on('spawn', () => {
      if (pid !== undefined) opts.onSpawn?.(pid);
    });
    child.on('exit', (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      // Children that inherited stdout/stderr keep the pipes open; give them a moment, then stop them.
      timers.push(setTimeout(() => stopTree(), linger));
    });
    // When we are stopping the tree, the program's pipes can close before its other processes
    // are gone: the run is over only when they are.
    child.on('close', () => (killing ? killing.then(() => finish()) : finish()));

    opts.signal?.addEventListener('abort', onAbort, { once: true });
    opts.hardSignal?.addEventListener('abort', onHardAbort, { once: true });
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timers.push(
        setTimeout(() => {
          if (settled) return;
          stopped ??= 'timeout';
          stopTree();
        }, opts.timeoutMs),
      );
    }
  });
}

/** One row of the process table. */
interface ProcRow {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
}

function readProcessTable(): ProcRow[] {
  if (process.platform === 'linux') {
    const rows: ProcRow[] = [];
    let names: string[];
    try {
      names = fs.readdirSync('/proc');
    } catch {
      return [];
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const row = readProcStat(Number(name));
      if (row) rows.push(row);
    }
    return rows;
  }
  try {
    const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const rows: ProcRow[] = [];
    for (const line of out.split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      rows.push({ pid: Number(f[0]), ppid: Number(f[1]), pgid: Number(f[2]), zombie: f[3].startsWith('Z') });
    }
    return rows;
  } catch {
    return [];
  }
}

function readProcStat(pid: number): ProcRow | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), zombie: f[0] === 'Z' || f[0] === 'X' };
}

/** The processes of a tree: the root's process group plus every descendant by parent link. */
function treeMembers(root: number, known: Set<number>): Set<number> {
  const rows = readProcessTable();
  const children = new Map<number, number[]>();
  for (const r of rows) {
    if (r.zombie) continue;
    const list = children.get(r.ppid);
    if (list) list.push(r.pid);
    else children.set(r.ppid, [r.pid]);
    if (r.pgid === root) known.add(r.pid);
  }
  const queue = [root, ...known];
  const seen = new Set<number>();
  while (queue.length) {
    const p = queue.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    known.add(p);
    for (const c of children.get(p) ?? []) queue.push(c);
  }
  return known;
}

/**
 * Processes (of this user) whose environment holds `marker` (`NAME=value`): every process a run
 * started inherits the run's own variable, so this finds those that left its process group and
 * lost their parent (a double fork, setsid). Linux only (/proc/PID/environ); elsewhere none.
 */
function markedProcesses(marker: string | undefined): Set<number> {
  const out = new Set<number>();
  if (!marker || process.platform !== 'linux') return out;
  const needle = Buffer.from(`\0${marker}\0`);
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57 || Number(name) === process.pid) continue;
    let env: Buffer;
    try {
      env = fs.readFileSync(`/proc/${name}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    // The first variable has no NUL before it.
    if (env.includes(needle) || env.subarray(0, needle.length - 1).equals(needle.subarray(1))) out.add(Number(name));
  }
  return out;
}

/** True while `pid` is a running process (a zombie counts as gone). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform === 'linux') {
    const row = readProcStat(pid);
    return row !== undefined && !row.zombie;
  }
  return true;
}

function signalAll(root: number, pids: Iterable<number>, sig: NodeJS.Signals): void {
  try {
    process.kill(-root, sig);
  } catch {
    /* group already gone */
  }
  for (const p of pids) {
    try {
      process.kill(p, sig);
    } catch {
      /* already gone */
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stop a process and everything it started: SIGTERM to its process group and to every
 * descendant found in the process table, SIGKILL to whatever is left after `graceMs`.
 * Resolves when all are gone (or after a last short wait).
 */
export async function killProcessTree(pid: number, opts: { graceMs?: number; marker?: string } = {}): Promise<void> {
  const grace = opts.graceMs ?? 1000;
  if (isWindows) {
    try {
      execFileSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    } catch {
      /* already gone */
    }
    return;
  }
  const known = treeMembers(pid, markedProcesses(opts.marker));
  signalAll(pid, known, 'SIGTERM');
  const deadline = Date.now() + grace;
  while (Date.now() < deadline) {
    await sleep(50);
    if (![...known].some(isProcessRunning)) {
      // Something may have forked while dying; one more look.
      const again = treeMembers(pid, markedProcesses(opts.marker));
      if (![...again].some(isProcessRunning)) return;
      for (const p of again) known.add(p);
      signalAll(pid, again, 'SIGTERM');
    }
  }
  for (const p of markedProcesses(opts.marker)) known.add(p);
  treeMembers(pid, known);
  signalAll(pid, known, 'SIGKILL');
  const hardDeadline = Date.now() + 500;
  while (Date.now() < hardDeadline && [...known].some(isProcessRunning)) await sleep(25);
}
