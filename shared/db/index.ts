// The database door: MONGODB_URI when set, otherwise the embedded engine; mongoose connection
// with retries on start; indexes created explicitly; clean shutdown.
import mongoose from 'mongoose';
import type { MongoClient } from 'mongodb';
import { metrics } from '../metrics/index.js';
import type { Config } from '../config/index.js';
import { getLogger, redactUri } from '../log/index.js';
import { retry } from '../retry/index.js';
import { startEmbedded, type EmbeddedDb } from './embedded.js';

export { startEmbedded, EmbeddedDbError, DEFAULT_ENGINE_BIN } from './embedded.js';
export type { EmbeddedDb, EngineProcess, SupervisionEvent } from './embedded.js';

const log = getLogger('db');

const observed = new WeakSet<object>();
/** Every driver command's latency into gendan_db_command_duration_seconds (once per client). */
function observeCommands(client: MongoClient): void {
  if (observed.has(client)) return;
  observed.add(client);
  client.on('commandSucceeded', (e) => metrics.db.observe({ command: e.commandName, ok: 'true' }, e.duration / 1000));
  client.on('commandFailed', (e) => metrics.db.observe({ command: e.commandName, ok: 'false' }, e.duration / 1000));
}

export interface Database {
  /** mongodb:// URI (without database name) that other processes may use. */
  uri: string;
  name: string;
  embedded?: EmbeddedDb;
  connection: mongoose.Connection;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Attempts to connect before giving up (start-up retry). */
  attempts?: number;
}

/** Connect mongoose's default connection to uri/name, retrying with backoff. */
export async function connectMongoose(uri: string, name: string, attempts = 10): Promise<mongoose.Connection> {
  mongoose.set('strictQuery', true);
  // Each try is bounded by serverSelectionTimeoutMS.
  return retry(
    async () => {
      await mongoose.connect(uri, {
        dbName: name,
        autoIndex: false, // indexes are created by ensureIndexes(), once, after connect
        serverSelectionTimeoutMS: 5000,
        heartbeatFrequencyMS: 2000,
        maxPoolSize: 20,
        monitorCommands: true, // command latency for /metrics
      });
      observeCommands(mongoose.connection.getClient());
      return mongoose.connection;
    },
    {
      retries: attempts - 1,
      baseMs: 200,
      maxMs: 5000,
      onRetry: (err, attempt, wait) => log.warn({ attempt, attempts, wait: Math.round(wait), err: (err as Error).message }, 'database connection failed; retrying'),
    },
  );
}

export async function openDatabase(config: Config, opts: OpenOptions = {}): Promise<Database> {
  let embedded: EmbeddedDb | undefined;
  let uri = config.db.uri;
  if (!uri) {
    embedded = await startEmbedded({ dataDir: config.db.dataDir, engineBin: config.db.engineBin });
    uri = embedded.uri;
  }
  try {
    const connection = await connectMongoose(uri, config.db.name, opts.attempts);
    log.info({ db: config.db.name, at: embedded ? `embedded (${embedded.dataDir})` : redactUri(uri) }, 'database connected');
    return {
      uri,
      name: config.db.name,
      embedded,
      connection,
      async close() {
        await mongoose.disconnect().catch(() => undefined);
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** Create every registered model's indexes (the embedded engine then adds its GIN twins). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
}
