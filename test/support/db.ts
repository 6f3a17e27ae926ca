// The real database for tests: MONGODB_URI when given (a real MongoDB), otherwise the embedded
// engine in a temporary directory, started once per run.
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose, ensureIndexes, startEmbedded, type EmbeddedDb } from '../../shared/db/index.js';

export interface TestDb {
  uri: string;
  name: string;
  embedded?: EmbeddedDb;
}

let current: TestDb | undefined;
let tmp: string | undefined;

export async function startTestDb(): Promise<TestDb> {
  if (current) return current;
  const name = `gendan_test_${process.pid}`;
  if (process.env.MONGODB_URI) {
    current = { uri: process.env.MONGODB_URI, name };
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'gendan-test-'));
    chmodSync(tmp, 0o755); // the postgres user (when run as root) must reach it
    const embedded = await startEmbedded({ dataDir: tmp });
    current = { uri: embedded.uri, name, embedded };
  }
  await connectMongoose(current.uri, current.name, 5);
  return current;
}

export function testDb(): TestDb {
  if (!current) throw new Error('test database not started (test/hooks.ts)');
  return current;
}

export async function stopTestDb(): Promise<void> {
  if (!current) return;
  const db = current;
  current = undefined;
  await mongoose.connection.dropDatabase().catch(() => undefined);
  await mongoose.disconnect().catch(() => undefined);
  await db.embedded?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

/** Empty every collection (keeps indexes, so tests see the real unique constraints). */
export async function cleanDb(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) return;
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  await Promise.all(collections.filter((c) => !c.name.startsWith('system.')).map((c) => db.collection(c.name).deleteMany({})));
}

export { ensureIndexes };
