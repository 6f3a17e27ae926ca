// An embedded database of a test's own (its own data directory and ports), for a test that kills
// PostgreSQL or the engine: mongoose's default connection moves to it, and back to the run's
// shared database in release(), so no other test ever sees the outage. Every step of release()
// is bounded, so a run always ends.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose, ensureIndexes, startEmbedded, type EmbeddedDb } from '../../shared/db/index.js';
import { testDb } from './db.js';

export interface OwnDb {
  embedded: EmbeddedDb;
  /** Back to the shared database; this one is stopped (killed when it does not stop) and removed. */
  release(): Promise<void>;
}

const bounded = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} took over ${ms} ms`)), ms).unref())]);

export async function startOwnDb(): Promise<OwnDb> {
  const shared = testDb();
  const dir = mkdtempSync(join(tmpdir(), 'gendan-own-'));
  chmodSync(dir, 0o755); // the postgres user (when run as root) must reach it
  let embedded: EmbeddedDb;
  try {
    embedded = await startEmbedded({ dataDir: dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const backToShared = async () => {
    await bounded(mongoose.disconnect(), 10_000, 'disconnecting from the own database').catch(() => undefined);
    await connectMongoose(shared.uri, shared.name, 5);
  };
  await bounded(mongoose.disconnect(), 10_000, 'disconnecting from the shared database');
  try {
    await connectMongoose(embedded.uri, shared.name, 5);
    await ensureIndexes(); // the unique indexes that make every store exactly-once
  } catch (err) {
    await backToShared();
    await bounded(embedded.stop(), 30_000, 'stopping the own database').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  let released = false;
  return {
    embedded,
    async release() {
      if (released) return;
      released = true;
      try {
        await backToShared();
      } finally {
        await bounded(embedded.stop(), 30_000, 'stopping the own database').catch((err: Error) => {
          // A supervisor still restarting: end its processes rather than leave them running.
          console.error(`own database: ${err.message}; killing it`);
          for (const pid of Object.values(embedded.pids())) {
            try {
              if (pid) process.kill(pid, 'SIGKILL');
            } catch {
              /* gone already */
            }
          }
        });
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
