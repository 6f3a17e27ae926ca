// Client idempotency keys: a write runs once per key; a replay answers with the order as it is.
import type { Types } from 'mongoose';
import { ConflictError, isDuplicateKey, issue, msg } from '../errors/index.js';
import { IdempotencyKey } from './model.js';
import { getOrder } from './queries.js';
import type { WriteResult } from './writes.js';

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Forget idempotency keys older than `before` (no TTL indexes on FerretDB: a job calls this). */
export async function pruneIdempotencyKeys(before: Date): Promise<number> {
  const r = await IdempotencyKey.deleteMany({ at: { $lt: before } });
  return r.deletedCount ?? 0;
}

/** A key whose first request has not finished after this long is taken as abandoned (crash). */
const KEY_STALE_MS = 60_000;
const KEY_WAIT_MS = 5_000;

/**
 * Run a write once per client idempotency key. The key is claimed by a unique insert; a replay
 * waits for the first request to finish and answers with the order as it is then (changed:
 * false). A key reused for a different request is a conflict. A failed write releases the key;
 * a key left behind by a crashed process is taken over after KEY_STALE_MS.
 */
export async function onceByKey(key: string | undefined, actor: string, orderId: Types.ObjectId, fingerprint: string, now: Date, write: () => Promise<WriteResult>): Promise<WriteResult> {
  if (!key) return write();
  const k = `${actor}:${key}`;
  const started = Date.now();
  for (;;) {
    try {
      await IdempotencyKey.create({ key: k, orderId, fingerprint, at: now });
      break; // ours
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const seen = await IdempotencyKey.findOne({ key: k }).lean<{ orderId?: Types.ObjectId; fingerprint?: string; at: Date; done?: boolean }>();
    if (!seen) continue; // released by a failed first attempt: claim again
    if (String(seen.orderId) !== String(orderId) || (seen.fingerprint && seen.fingerprint !== fingerprint)) {
      throw new ConflictError(msg('idempotencyMismatch'), [issue('Idempotency-Key', 'idempotencyMismatch')]);
    }
    if (seen.done) return { order: await getOrder(orderId), changed: false };
    if (now.getTime() - new Date(seen.at).getTime() > KEY_STALE_MS) {
      // Abandoned: only one taker wins the guarded delete, the others find it claimed again.
      await IdempotencyKey.deleteOne({ key: k, done: false, at: seen.at });
      continue;
    }
    if (Date.now() - started > KEY_WAIT_MS) throw new ConflictError(msg('idempotencyInProgress'));
    await sleep(25);
  }
  try {
    const res = await write();
    await IdempotencyKey.updateOne({ key: k }, { $set: { done: true } });
    return res;
  } catch (err) {
    await IdempotencyKey.deleteOne({ key: k });
    throw err;
  }
}

export const fingerprintOf = (x: Record<string, unknown>) =>
  JSON.stringify(
    Object.entries(x)
      .filter(([k, v]) => v !== undefined && !['by', 'idempotencyKey', 'scope', 'now'].includes(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
