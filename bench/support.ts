// Shared by benchmarks: a database of their own (embedded in a temp dir, or MONGODB_URI), RSS,
// timing helpers. Benchmarks measure; tests assert. Never the other way round.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../shared/config/index.js';
import { connectMongoose, ensureIndexes, startEmbedded, type EmbeddedDb } from '../shared/db/index.js';
import '../shared/models.js';
import { events } from '../shared/events/index.js';
import { wireReactions } from '../shared/reactions.js';

// Benchmarks measure the process as it runs: with its reactions (KPIs, price history) wired,
// with the configuration's defaults.
wireReactions(events, { settings: loadConfig({}) });

export interface BenchDb {
  uri: string;
  name: string;
  embedded?: EmbeddedDb;
  stop(): Promise<void>;
}

export async function startBenchDb(name = `gendan_bench_${process.pid}`): Promise<BenchDb> {
  let embedded: EmbeddedDb | undefined;
  let uri = process.env.MONGODB_URI;
  let dir: string | undefined;
  if (!uri) {
    dir = mkdtempSync(join(tmpdir(), 'gendan-bench-'));
    chmodSync(dir, 0o755);
    // BENCH_SERIALIZE_READS=1: the engine's front as before 2026-11-29 (reads in the write lane too), to compare.
    embedded = await startEmbedded({ dataDir: dir, lanes: { serializeReads: process.env.BENCH_SERIALIZE_READS === '1' } });
    uri = embedded.uri;
  }
  await connectMongoose(uri, name, 5);
  await ensureIndexes();
  return {
    uri,
    name,
    embedded,
    async stop() {
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
      await embedded?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Run fn n times, return per-call latencies in ms (sorted). */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/** Run fn over items with `concurrency` workers; returns the elapsed ms. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<unknown>): Promise<number> {
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
  return performance.now() - t;
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** What a benchmark returns: printed last as `key: value` lines. */
export type Figures = Record<string, string | number>;
