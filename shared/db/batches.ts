// Long writes cut into bounded requests. On the embedded engine every write holds the front's
// one-at-a-time write lane for as long as it runs, so one `updateMany` over a big thread (or one
// 500-upsert bulk, measured ~30 s) stops every other writer. These helpers send at most
// WRITE_BATCH operations per request (docs/database.md "Long writes").
import type { AnyBulkWriteOperation, Collection, Document, Filter, UpdateFilter } from 'mongodb';

/** Anything with a driver collection (a mongoose model). */
interface HasCollection {
  collection: Pick<Collection<Document>, 'find' | 'bulkWrite' | 'insertMany'>;
}

/** Operations (or documents) per write request. ~200 × ~2 ms keeps a request under ~0.5 s. */
export const WRITE_BATCH = 200;

/**
 * Update statements per request (a bulkWrite of updateOne/updateMany/upserts). Lower than
 * WRITE_BATCH because FerretDB v1 holds one PostgreSQL connection per statement of an `update`
 * command until the whole command ends (a `defer` inside its loop over statements), out of a
 * pool of 50: measured here, a 40-statement update passed and a 60-statement one stopped the
 * engine for good, every client waiting. 20 leaves the pool room for the reads running beside
 * it. On MongoDB it only costs a few more round trips.
 */
export const UPDATE_BATCH = 20;

/** Split items into arrays of at most `size`. */
export function chunks<T>(items: readonly T[], size = WRITE_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `updateMany(filter, update)` as bulk writes of at most UPDATE_BATCH `_id` updates each. The
 * matching ids are read first (a narrow read, which does not hold the write lane), so the
 * update must not need to be atomic across documents (none may be: no transactions). Returns
 * the number of documents modified.
 */
export async function updateManyInBatches(model: HasCollection, filter: Filter<Document>, update: UpdateFilter<Document>, size = UPDATE_BATCH): Promise<number> {
  const ids = (await model.collection.find(filter, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
  let modified = 0;
  for (const part of chunks(ids, size)) {
    const ops: AnyBulkWriteOperation<Document>[] = part.map((_id) => ({ updateOne: { filter: { ...filter, _id }, update } }));
    modified += (await model.collection.bulkWrite(ops, { ordered: false })).modifiedCount;
  }
  return modified;
}

/** `insertMany(docs, {ordered: false})` in requests of at most WRITE_BATCH documents. */
export async function insertManyInBatches(model: HasCollection, docs: Document[], size = WRITE_BATCH): Promise<number> {
  let inserted = 0;
  for (const part of chunks(docs, size)) inserted += (await model.collection.insertMany(part, { ordered: false })).insertedCount;
  return inserted;
}

/** One write error of an unordered insert: the document's index in the request and its code. */
type WriteErrorLike = { index: number; code?: number; errmsg?: string };
/** The per-document errors of an unordered insert's failure (undefined: the request failed as a whole). */
export function writeErrorsOf(err: unknown): WriteErrorLike[] | undefined {
  const we = (err as { writeErrors?: WriteErrorLike[] | WriteErrorLike }).writeErrors;
  if (Array.isArray(we)) return we.length ? we : undefined;
  return we && typeof we.index === 'number' ? [we] : undefined;
}

export interface GroupInsert {
  /**
   * Insert these documents (one caller's, e.g. one message's) and resolve with each one's
   * error (a duplicate key has code 11000) or undefined when stored; rejects when the request
   * failed as a whole (the database away), so the caller retries as it would a lone insert.
   */
  insert(docs: Document[]): Promise<(Error | undefined)[]>;
}

/**
 * Group commit for one collection: while one insertMany is on its way, the callers arriving
 * meanwhile wait and go together as the next one (unordered, up to `max` documents). A lone
 * caller waits for nothing; a burst costs one write request per batch instead of one per
 * caller. Unique indexes still decide each document alone: a duplicate fails only its own.
 * `lingerMs`: how long the first caller of a quiet moment waits for others (0: not at all).
 */
export function groupInsert(model: HasCollection, max = WRITE_BATCH, lingerMs = 0): GroupInsert {
  const waiting: { docs: Document[]; done: (errs: (Error | undefined)[]) => void; fail: (err: unknown) => void }[] = [];
  let busy = false;
  async function pump() {
    if (busy) return;
    busy = true;
    try {
      // Optionally wait a moment for the callers right behind the first (rare writes in bursts).
      if (lingerMs) await new Promise((ok) => setTimeout(ok, lingerMs));
      while (waiting.length) {
        const batch = [waiting.shift()!];
        let n = batch[0]!.docs.length;
        while (waiting.length && n + waiting[0]!.docs.length <= max) {
          n += waiting[0]!.docs.length;
          batch.push(waiting.shift()!);
        }
        const errs: (Error | undefined)[] = new Array(n).fill(undefined);
        try {
          await model.collection.insertMany(
            batch.flatMap((w) => w.docs),
            { ordered: false },
          );
        } catch (err) {
          const each = writeErrorsOf(err);
          if (!each) {
            for (const w of batch) w.fail(err);
            continue;
          }
          for (const e of each) errs[e.index] = Object.assign(new Error(e.errmsg ?? 'insert failed'), { code: e.code });
        }
        let i = 0;
        for (const w of batch) {
          w.done(errs.slice(i, i + w.docs.length));
          i += w.docs.length;
        }
      }
    } finally {
      busy = false;
    }
  }
  return {
    insert: (docs) =>
      docs.length
        ? new Promise((done, fail) => {
            waiting.push({ docs, done, fail });
            void pump();
          })
        : Promise.resolve([]),
  };
}
