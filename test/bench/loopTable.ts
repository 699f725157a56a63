/**
 * What the run benchmarks share: a program times its own span loop and prints it; each way of
 * running it is measured a few times, the best kept, and the ways are printed against the SDK's
 * console exporter and against no exporter, as ratios measured in the same run.
 */

export interface Timing {
  loopMs: number;
  wallMs: number;
  /** Spans Span Lens read (the injected way only). */
  spans?: number;
}

/** The loop time a bench program printed, as `loop_ns=N` (Node, Go) or `loop-ms X` (Java). */
export function loopMsFrom(output: string): number {
  const ns = /loop_ns=(\d+)/.exec(output);
  if (ns) return Number(ns[1]) / 1e6;
  const ms = /loop-ms ([\d.]+)/.exec(output);
  if (ms) return Number(ms[1]);
  throw new Error(`the bench program did not report its loop time: ${output.slice(0, 500)}`);
}

/** The best of several timings (each field on its own). */
export function best(runs: Timing[]): Timing {
  return runs.reduce((a, b) => ({ loopMs: Math.min(a.loopMs, b.loopMs), wallMs: Math.min(a.wallMs, b.wallMs), spans: a.spans ?? b.spans }));
}

/** One way to run the program, as a table row. */
export interface Way {
  label: string;
  run(): Promise<Timing>;
}

/**
 * Runs every way `rounds` times, interleaved (so a busy moment of the machine hits all alike),
 * prints the table and returns the best of each by label.
 */
export async function compareLoops(o: { count: number; injected: Way; exporter: Way; none: Way; more?: Way[]; rounds?: number }): Promise<Map<string, Timing>> {
  const ways = [o.none, ...(o.more ?? []), o.exporter, o.injected];
  const runs = new Map<Way, Timing[]>(ways.map((w) => [w, []]));
  for (let round = 0; round < (o.rounds ?? 3); round++) for (const w of ways) runs.get(w)!.push(await w.run());
  const bestOf = new Map(ways.map((w) => [w.label, best(runs.get(w)!)]));
  const span = bestOf.get(o.injected.label)!;
  if (span.spans !== o.count) throw new Error(`Span Lens read ${span.spans} spans, expected ${o.count}`);
  const exporter = bestOf.get(o.exporter.label)!;
  const none = bestOf.get(o.none.label)!;
  console.log('way                                   loop ms   µs/span   wall ms  loop vs exporter   loop vs none');
  for (const w of [o.injected, o.exporter, o.none, ...(o.more ?? [])]) {
    const t = bestOf.get(w.label)!;
    console.log(
      `${w.label.padEnd(36)} ${t.loopMs.toFixed(1).padStart(8)} ${((t.loopMs * 1e3) / o.count).toFixed(2).padStart(9)} ${String(t.wallMs).padStart(9)} ${(t.loopMs / exporter.loopMs).toFixed(2).padStart(16)}× ${(t.loopMs / none.loopMs).toFixed(2).padStart(13)}×`,
    );
  }
  console.log(
    `targets: loop no slower than ${o.exporter.label}: ${span.loopMs <= exporter.loopMs ? 'met' : 'NOT met'}; ≤ 2× no exporter: ${span.loopMs <= 2 * none.loopMs ? 'met' : 'NOT met'}`,
  );
  return bestOf;
}
