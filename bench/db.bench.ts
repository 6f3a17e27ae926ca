// `npm run bench -- db`: the baseline every later benchmark compares to. Insert rate, a
// 50-message thread page and an `_id` lookup at 50,000 and at 200,000 messages (the ratio shows
// whether cost follows the collection size; target <= 1.5), and the 6-worker claim race.
import { MongoClient, ObjectId } from 'mongodb';
import pg from 'pg';
import { percentile, pool, round, rssMb, startBenchDb, timeEach, type Figures } from './support.js';

const THREADS = 400; // the threads measured: the first 50,000 messages

async function load(coll: import('mongodb').Collection, from: number, to: number) {
  const base = Date.UTC(2026, 0, 1);
  for (let i = from; i < to; i += 1000) {
    const batch = [];
    for (let j = i; j < Math.min(to, i + 1000); j++) {
      // Threads hold 125 messages each whatever the collection size, so the ratio isolates
      // the cost of the collection's size (a page of a longer thread costs what it holds).
      batch.push({ threadId: `t${Math.floor(j / 125)}`, ts: new Date(base + j * 1000), text: `消息 ${j} 交期确认 please confirm`, direction: 'in', n: j });
    }
    await coll.insertMany(batch, { ordered: false });
  }
}

async function vacuum(pgUrl: string | undefined) {
  // GIN pending lists and stale statistics after a bulk load (docs/database.md): what a nightly job does.
  if (!pgUrl) return;
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  await c.query('VACUUM ANALYZE');
  await c.end();
}

async function measure(coll: import('mongodb').Collection, ids: ObjectId[]) {
  const page = await timeEach(200, (i) =>
    coll
      .find({ threadId: `t${(i * 7) % THREADS}` })
      .sort({ ts: -1 })
      .limit(50)
      .toArray(),
  );
  const byId = await timeEach(500, (i) => coll.findOne({ _id: ids[(i * 7919) % ids.length] }));
  return { pageP50: percentile(page, 50), pageP99: percentile(page, 99), idP50: percentile(byId, 50), idP99: percentile(byId, 99) };
}

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const client = await MongoClient.connect(db.uri, { maxPoolSize: 16 });
  try {
    const coll = client.db(db.name).collection('bench_messages');
    await coll.createIndex({ threadId: 1, ts: -1 });

    // Insert rate: 16 concurrent single inserts.
    const items = Array.from({ length: 2000 }, (_, i) => i);
    const insertMs = await pool(items, 16, (i) => coll.insertOne({ threadId: `w${i % 16}`, ts: new Date(), text: `insert ${i}` }));
    await coll.deleteMany({ threadId: { $in: Array.from({ length: 16 }, (_, i) => `w${i}`) } });
    await new Promise((ok) => setTimeout(ok, 1500)); // let the engine's GIN sync see the index

    await load(coll, 0, 50_000);
    await vacuum(db.embedded?.pgUrl);
    const ids50 = (
      await coll
        .find({}, { projection: { _id: 1 } })
        .limit(5000)
        .toArray()
    ).map((d) => d._id);
    const at50 = await measure(coll, ids50);

    await load(coll, 50_000, 200_000);
    await vacuum(db.embedded?.pgUrl);
    const at200 = await measure(coll, ids50);

    // Claim race: 6 workers, 300 queued documents, each claimed exactly once?
    const q = client.db(db.name).collection('bench_claims');
    await q.insertMany(Array.from({ length: 300 }, (_, n) => ({ n, status: 'pending' })));
    const claims = new Map<number, number>();
    const t = performance.now();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const c = await MongoClient.connect(db.uri, { maxPoolSize: 2 });
        const col = c.db(db.name).collection('bench_claims');
        for (;;) {
          const d = await col.findOneAndUpdate({ status: 'pending' }, { $set: { status: 'sending' } });
          if (!d) break;
          claims.set(d.n, (claims.get(d.n) ?? 0) + 1);
        }
        await c.close();
      }),
    );
    const claimMs = performance.now() - t;
    const total = [...claims.values()].reduce((a, b) => a + b, 0);

    return {
      engine: db.embedded ? 'embedded (FerretDB 1.24.2 + front, PostgreSQL 16)' : 'MONGODB_URI',
      insert_per_s_16_concurrent: round(items.length / (insertMs / 1000), 0),
      page_p50_ms_50k: round(at50.pageP50),
      page_p99_ms_50k: round(at50.pageP99),
      page_p50_ms_200k: round(at200.pageP50),
      page_p99_ms_200k: round(at200.pageP99),
      page_ratio_200k_to_50k: round(at200.pageP50 / at50.pageP50),
      thread_size: 125,
      id_p50_ms_50k: round(at50.idP50),
      id_p50_ms_200k: round(at200.idP50),
      id_ratio_200k_to_50k: round(at200.idP50 / at50.idP50),
      claims_total: total,
      claims_distinct: claims.size,
      claims_duplicates: total - claims.size,
      claim_s: round(claimMs / 1000),
      rss_mb: rssMb(),
    };
  } finally {
    await client.close();
    await db.stop();
  }
}
