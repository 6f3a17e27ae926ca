// The database foundation, through the real server: the embedded engine (FerretDB v1 behind
// Gendan's one-request front, over PostgreSQL), or a real MongoDB when MONGODB_URI is given.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { Supplier, createSupplier } from '../../shared/suppliers/index.js';
import { isDuplicateKey } from '../../shared/errors/index.js';
import { testDb } from '../support/db.js';
import { Thread } from '../../shared/threads/index.js';
import { UPDATE_BATCH, updateManyInBatches } from '../../shared/db/batches.js';

/** 6 workers, each with its own client, claim 300 queued documents; returns claims per doc. */
async function claimRace(uri: string, dbName: string, coll: string, opts: { readers?: number } = {}): Promise<Map<number, number>> {
  const seed = await MongoClient.connect(uri);
  await seed.db(dbName).collection(coll).deleteMany({});
  await seed
    .db(dbName)
    .collection(coll)
    .insertMany(Array.from({ length: 300 }, (_, n) => ({ n, status: 'pending' })));
  await seed.close();
  const claims = new Map<number, number>();
  const workers = Array.from({ length: 6 }, async () => {
    const client = await MongoClient.connect(uri, { maxPoolSize: 4 });
    const c = client.db(dbName).collection(coll);
    try {
      for (;;) {
        const doc = await c.findOneAndUpdate({ status: 'pending' }, { $set: { status: 'sending' } }, { returnDocument: 'after' });
        if (!doc) break;
        claims.set(doc.n as number, (claims.get(doc.n as number) ?? 0) + 1);
      }
    } finally {
      await client.close();
    }
  });
  // Readers beside the claims (reads pass the front concurrently): they must not change the count.
  let racing = true;
  const readers = Array.from({ length: opts.readers ?? 0 }, async () => {
    const client = await MongoClient.connect(uri, { maxPoolSize: 2 });
    const c = client.db(dbName).collection(coll);
    try {
      while (racing) {
        await c.find({ status: 'pending' }).limit(20).toArray();
      }
    } finally {
      await client.close();
    }
  });
  await Promise.all(workers).finally(() => (racing = false));
  await Promise.all(readers);
  return claims;
}

/**
 * A long write (updateMany over `n` documents) on one client while another client reads: how many
 * reads finished while the write was still running, and how long the write took.
 */
async function readsDuringLongWrite(uri: string, dbName: string, n: number): Promise<{ reads: number; writeMs: number; maxReadMs: number }> {
  const writer = await MongoClient.connect(uri);
  const reader = await MongoClient.connect(uri);
  try {
    const big = writer.db(dbName).collection('long_write');
    const small = reader.db(dbName).collection('long_write_side');
    await big.deleteMany({});
    await small.deleteMany({});
    for (let i = 0; i < n; i += 2000) {
      await big.insertMany(Array.from({ length: Math.min(2000, n - i) }, (_, k) => ({ n: i + k, pad: 'x'.repeat(200) })));
    }
    await small.insertOne({ _id: 'side' as never, v: 1 });
    await small.findOne({ _id: 'side' as never }); // connection warmed
    let writing = true;
    const t0 = performance.now();
    const write = big.updateMany({}, { $set: { touched: true } }).finally(() => (writing = false));
    let reads = 0;
    let maxReadMs = 0;
    // The write is on the wire first (the read loop starts a tick later).
    await new Promise((ok) => setTimeout(ok, 100));
    while (writing) {
      const t = performance.now();
      const doc = await small.findOne({ _id: 'side' as never });
      expect(doc?.v).to.equal(1);
      if (writing) {
        reads++;
        maxReadMs = Math.max(maxReadMs, performance.now() - t);
      }
    }
    await write;
    return { reads, writeMs: performance.now() - t0, maxReadMs };
  } finally {
    await writer.close();
    await reader.close();
  }
}

describe('database: the real MongoDB-wire server', () => {
  it('rejects a duplicate supplier code through the unique index', async () => {
    await Supplier.create({ code: 'A01', name: '宁波奥吉电器' });
    let err: unknown;
    try {
      await Supplier.create({ code: 'A01', name: 'another' });
    } catch (e) {
      err = e;
    }
    expect(isDuplicateKey(err), String(err)).to.equal(true);
    expect(await Supplier.countDocuments({ code: 'A01' })).to.equal(1);
  });

  it('keeps an upsert idempotent under 20 concurrent calls', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Supplier.updateOne({ code: 'D12' }, { $setOnInsert: { name: '义乌工厂', segment: 'new' }, $addToSet: { phones: `1380000${i % 3}` } }, { upsert: true }).catch((e) => {
          // Two upserts racing on a unique key: the loser's duplicate-key error is a replay.
          if (!isDuplicateKey(e)) throw e;
        }),
      ),
    );
    const docs = await Supplier.find({ code: 'D12' }).lean();
    expect(docs).to.have.length(1);
    expect(docs[0]!.name).to.equal('义乌工厂');
  });

  it('allocates distinct codes to 20 suppliers created at once', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => createSupplier({ name: `厂 ${i}`, fairLetter: 'B' })));
    const codes = made.map((s) => s.code).sort();
    expect(new Set(codes).size).to.equal(20);
    expect(codes[0]).to.equal('B01');
    expect(codes[19]).to.equal('B20');
  });

  it('lets 6 concurrent workers claim 300 queued documents exactly once each', async function () {
    this.timeout(120_000);
    const { uri, name } = testDb();
    const claims = await claimRace(uri, name, 'claim_race');
    expect(claims.size).to.equal(300);
    const dupes = [...claims.values()].filter((n) => n > 1).length;
    expect(dupes, 'documents claimed more than once').to.equal(0);
  });

  it('keeps the claim race at 0 duplicates while readers read the same collection', async function () {
    this.timeout(120_000);
    const { uri, name } = testDb();
    const claims = await claimRace(uri, name, 'claim_race_read', { readers: 3 });
    expect(claims.size).to.equal(300);
    expect([...claims.values()].filter((n) => n > 1).length, 'documents claimed more than once').to.equal(0);
  });

  it('(embedded) lets reads progress while a long write holds the write lane; the old front made them wait', async function () {
    const { embedded, uri, name } = testDb();
    if (!embedded) return this.skip();
    this.timeout(180_000);
    const now = await readsDuringLongWrite(uri, name, 6000);
    // The same scenario on an engine whose front serializes reads too (the front before
    // 2026-11-29): the reads wait for the write, so none (at most the one in flight) finishes.
    const old = await embedded.spawnEngine({ serializeReads: true });
    let before: Awaited<ReturnType<typeof readsDuringLongWrite>>;
    try {
      before = await readsDuringLongWrite(old.uri, name, 6000);
    } finally {
      await old.stop();
    }
    expect(before.reads, `old front: reads during a ${Math.round(before.writeMs)} ms write`).to.be.at.most(1);
    expect(now.reads, `reads during a ${Math.round(now.writeMs)} ms write (max read ${Math.round(now.maxReadMs)} ms)`).to.be.at.least(5);
  });

  it('(embedded) never sends FerretDB an update with more statements than its connection pool holds', async function () {
    const { embedded, name } = testDb();
    if (!embedded) return this.skip();
    this.timeout(60_000);
    // Why the bound: FerretDB v1 keeps a PostgreSQL connection per statement of one `update`
    // command until the command ends. An engine with a pool of 8 never answers a 12-statement bulk.
    const small = await embedded.spawnEngine({ poolMaxConns: 8 });
    const client = new MongoClient(small.uri, { serverSelectionTimeoutMS: 5000 });
    try {
      const coll = client.db(name).collection('pool_bound');
      await coll.insertMany(Array.from({ length: 12 }, (_, i) => ({ _id: i, n: 0 })) as never[]);
      const bulk = coll.bulkWrite(Array.from({ length: 12 }, (_, i) => ({ updateOne: { filter: { _id: i }, update: { $inc: { n: 1 } } } })) as never[]).then(() => 'answered');
      bulk.catch(() => undefined);
      const outcome = await Promise.race([bulk, new Promise((ok) => setTimeout(() => ok('stuck'), 4000))]);
      expect(outcome, 'a 12-statement update on a pool of 8').to.equal('stuck');
    } finally {
      await client.close(true).catch(() => undefined);
      await small.stop();
    }
    // The app's bound on the real pool (50): 300 documents updated in requests of UPDATE_BATCH.
    expect(UPDATE_BATCH).to.be.at.most(25);
    await Thread.insertMany(Array.from({ length: 300 }, (_, i) => ({ key: `pool-${i}`, kind: 'dm', status: 'unsorted' })));
    const done = await Promise.race([updateManyInBatches(Thread, { status: 'unsorted' }, { $set: { status: 'ignored' } }), new Promise<string>((ok) => setTimeout(() => ok('stuck'), 20_000))]);
    expect(done).to.equal(300);
  });

  it('(embedded) needs its one-request front: without it the same race double-claims', async function () {
    const { embedded, name } = testDb();
    if (!embedded) return this.skip(); // a real MongoDB is atomic by itself
    this.timeout(120_000);
    const bare = await embedded.spawnEngine({ serialize: false });
    try {
      const claims = await claimRace(bare.uri, name, 'claim_race_bare');
      const total = [...claims.values()].reduce((a, b) => a + b, 0);
      // Measured here: 1,243 claims for 300 documents. This is what the front prevents.
      expect(total, 'claims without the front').to.be.greaterThan(300);
    } finally {
      await bare.stop();
    }
  });

  it('(embedded) keeps a GIN index beside each of the app indexes, so equality queries use them', async function () {
    const { embedded, name } = testDb();
    if (!embedded) return this.skip();
    this.timeout(30_000);
    const client = new pg.Client({ connectionString: embedded.pgUrl });
    await client.connect();
    try {
      const meta = await client.query(`SELECT _jsonb->>'table' AS t FROM "${name}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'suppliers'`);
      const table = meta.rows[0]?.t as string;
      expect(table, 'suppliers table').to.be.a('string');
      let defs: string[] = [];
      for (let i = 0; i < 50; i++) {
        const r = await client.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [name, table]);
        defs = r.rows.map((x) => x.indexdef as string).filter((d) => /USING gin/.test(d));
        if (defs.some((d) => d.includes("'code'")) && defs.some((d) => d.includes("'_id'"))) break;
        await new Promise((ok) => setTimeout(ok, 200));
      }
      expect(
        defs.some((d) => d.includes("'code'")),
        defs.join('\n'),
      ).to.equal(true);
      expect(
        defs.some((d) => d.includes("'_id'")),
        defs.join('\n'),
      ).to.equal(true);
      expect(
        defs.some((d) => d.includes("'phones'")),
        defs.join('\n'),
      ).to.equal(true);
      // A compound index {threadId, ts}: the GIN twin is on its FIRST key (JSONB reorders keys,
      // so the engine must read FerretDB's own key order).
      const m = await client.query(`SELECT _jsonb->>'table' AS t FROM "${name}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'messages'`);
      let mdefs: string[] = [];
      for (let i = 0; i < 50; i++) {
        const r = await client.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [name, m.rows[0]?.t]);
        mdefs = r.rows.map((x) => x.indexdef as string).filter((d) => /USING gin/.test(d));
        if (mdefs.some((d) => d.includes("'threadId'"))) break;
        await new Promise((ok) => setTimeout(ok, 200));
      }
      expect(
        mdefs.some((d) => d.includes("'threadId'")),
        mdefs.join('\n'),
      ).to.equal(true);
      expect(
        mdefs.some((d) => /'ts'/.test(d)),
        'no GIN twin on a second key',
      ).to.equal(false);
    } finally {
      await client.end();
    }
  });

  it('reconnects after the engine restarts mid-run', async function () {
    const { embedded } = testDb();
    if (!embedded) return this.skip();
    this.timeout(60_000);
    await Supplier.create({ code: 'C01', name: 'before restart' });
    await embedded.restartEngine();
    // The driver notices, reconnects, and the retried operation lands.
    let found = null;
    for (let i = 0; i < 40 && !found; i++) {
      try {
        await Supplier.create({ code: 'C02', name: 'after restart' });
        found = await Supplier.findOne({ code: 'C01' }).lean();
      } catch {
        await new Promise((ok) => setTimeout(ok, 250));
      }
    }
    expect(found?.name).to.equal('before restart');
    expect(await Supplier.countDocuments({ code: 'C02' })).to.equal(1);
    expect(mongoose.connection.readyState).to.equal(1);
  });
});
