/**
 * Tiny benchmark harness: runs a function in rounds and reports the median per-op time, so
 * a noisy neighbour on the machine moves one round, not the figure. Benchmarks live in
 * bench/*.bench.ts and export `benchmarks: Benchmark[]`; `npm run bench` runs them all.
 */
import { performance } from 'node:perf_hooks';

export interface BenchResult {
  readonly name: string;
  /** Median over rounds of the mean time of one operation, in milliseconds. */
  readonly medianMs?: number;
  readonly p90Ms?: number;
  readonly opsPerSecond?: number;
  /** Free-form figures (sizes in KiB, MB/s, RSS…), printed as given. */
  readonly figures?: Readonly<Record<string, string | number>>;
}

export interface Benchmark {
  readonly name: string;
  run(): Promise<BenchResult[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Time `fn` over `rounds` rounds of `opsPerRound` calls each, after a warm-up round. */
export async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  { rounds = 15, opsPerRound = 200, warmup = 1 }: { rounds?: number; opsPerRound?: number; warmup?: number } = {},
): Promise<BenchResult> {
  const perOp: number[] = [];
  for (let r = 0; r < rounds + warmup; r++) {
    const start = performance.now();
    for (let i = 0; i < opsPerRound; i++) await fn();
    const elapsed = performance.now() - start;
    if (r >= warmup) perOp.push(elapsed / opsPerRound);
  }
  const med = median(perOp);
  return { name, medianMs: med, p90Ms: percentile(perOp, 90), opsPerSecond: 1000 / med };
}

/** Synchronous variant with no await per op, for CPU-bound pure functions. */
export function measureSync(
  name: string,
  fn: () => unknown,
  { rounds = 15, opsPerRound = 1000, warmup = 1 }: { rounds?: number; opsPerRound?: number; warmup?: number } = {},
): BenchResult {
  const perOp: number[] = [];
  let sink: unknown;
  for (let r = 0; r < rounds + warmup; r++) {
    const start = performance.now();
    for (let i = 0; i < opsPerRound; i++) sink = fn();
    const elapsed = performance.now() - start;
    if (r >= warmup) perOp.push(elapsed / opsPerRound);
  }
  void sink;
  const med = median(perOp);
  return { name, medianMs: med, p90Ms: percentile(perOp, 90), opsPerSecond: 1000 / med };
}
