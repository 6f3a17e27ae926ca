// `npm run bench -- mixed`: one slow read must not stop the office. Two probes — the console's
// thread page (50 messages of a 2,000-message thread, with its outbox) and a supplier's order
// list (read model, cache cleared before each call) — sampled idle, then while (a) a monthly
// report export (CSV, in a child process) reads 100,000 orders and (b) the mirror ingests 50
// messages/s through Wechaty + the mock puppet. mixed ratio = p99 under load ÷ p99 idle, worst
// of the two probes. Both fronts in the same run, on the same PostgreSQL: the engine as it is
// (reads concurrent) and one that serializes reads too (the front before 2026-11-29).
// Also: the engine's full-scan rate of the orders table beside PostgreSQL's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { MongoClient } from 'mongodb';
import mongoose, { Types } from 'mongoose';
import pg from 'pg';
import { managerViewer } from '../shared/access/index.js';
import { connectMongoose, type EmbeddedDb } from '../shared/db/index.js';
import { threadPage } from '../shared/inbox/index.js';
import { Manager } from '../shared/managers/model.js';
import { ExchangeRate } from '../shared/money/index.js';
import { MILESTONES, Order, computeNext } from '../shared/orders/index.js';
import { clearOrderListCache, listOrdersForSupplier } from '../shared/orders/list.js';
import { periodRange } from '../shared/reports/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { Message, Thread, threadDay } from '../shared/threads/index.js';
import { percentile, pool, round, rssMb, startBenchDb, type Figures } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORDERS = Number(process.env.BENCH_MIXED_ORDERS ?? 100_000);
const SUPPLIERS = 1000;
const THREAD_MESSAGES = 2000;
const INGEST_PER_S = 50;
const IDLE_S = 8;
const LOADED_S = 15;
const DAY = 86_400_000;

/**
 * Seed: the first half of the orders through the front as it is (inserts in the write lane), the
 * second half through an engine with -concurrent-inserts, from 3 writers at once. Both rates are
 * reported: whether letting inserts through concurrently pays on this machine.
 */
async function seed(embedded: EmbeddedDb | undefined, name: string) {
  const managers = await Manager.insertMany(Array.from({ length: 20 }, (_, i) => ({ name: `经理 ${i}`, role: i === 0 ? 'admin' : 'manager' })));
  const suppliers = await Supplier.insertMany(
    Array.from({ length: SUPPLIERS }, (_, i) => ({ code: `M${String(i).padStart(4, '0')}`, name: `深圳市第${i}电子有限公司`, managerId: managers[i % 20]!._id })),
  );
  const month = periodRange('month', '2026-10-15');
  const rates = [];
  for (let d = Date.parse('2026-09-01'); d < Date.parse('2026-11-01'); d += DAY) {
    const day = new Date(d).toISOString().slice(0, 10);
    rates.push({ pair: 'CNY/USD', day, rate: '0.1380', source: 'bench' }, { pair: 'EUR/USD', day, rate: '1.0800', source: 'bench' });
  }
  await ExchangeRate.insertMany(rates);
  const order = (i: number) => {
    const s = suppliers[i % SUPPLIERS]!;
    const created = new Date(Date.parse(`${month.from}T00:00:00Z`) + (i % 31) * DAY + (i % 1000) * 60_000);
    const cur = (['USD', 'CNY', 'EUR'] as const)[i % 3];
    const milestones = Object.fromEntries(
      MILESTONES.map((m, k) => {
        const planned = new Date(created.getTime() + (k - 2) * 7 * DAY);
        return [m, { status: k < 2 ? 'done' : 'pending', planned, actual: k < 2 ? planned : undefined, replanned: 0, photos: [] }];
      }),
    );
    return {
      number: `PO-${String(i).padStart(6, '0')}`,
      supplierId: s._id,
      supplierCode: s.code,
      managerId: s.managerId,
      currency: cur,
      lines: [{ item: '电机 220V', qty: 100 + (i % 50), unitPrice: `${10 + (i % 9)}.${i % 100}`, currency: cur }],
      milestones,
      next: computeNext(milestones as never),
      status: 'open',
      customs: { status: 'none' },
      version: 0,
      createdAt: created,
      updatedAt: created,
    };
  };
  const BATCH = 2500;
  const half = Math.floor(ORDERS / 2);
  const t0 = performance.now();
  for (let i = 0; i < half; i += BATCH) {
    await Order.collection.insertMany(
      Array.from({ length: Math.min(BATCH, half - i) }, (_, k) => order(i + k)),
      { ordered: false },
    );
  }
  const laneRate = half / ((performance.now() - t0) / 1000);
  let concurrentRate = NaN;
  const inserter = embedded ? await embedded.spawnEngine({ concurrentInserts: true }) : undefined;
  const client = await MongoClient.connect(inserter?.uri ?? process.env.MONGODB_URI!);
  try {
    const coll = client.db(name).collection('orders');
    const starts = Array.from({ length: Math.ceil((ORDERS - half) / BATCH) }, (_, k) => half + k * BATCH);
    const t2 = performance.now();
    await pool(starts, 3, (from) =>
      coll.insertMany(
        Array.from({ length: Math.min(BATCH, ORDERS - from) }, (_, k) => order(from + k)),
        { ordered: false },
      ),
    );
    concurrentRate = (ORDERS - half) / ((performance.now() - t2) / 1000);
  } finally {
    await client.close();
    await inserter?.stop();
  }
  const ordersS = (performance.now() - t0) / 1000;

  const supplier = suppliers[7]!;
  const thread = await Thread.create({ key: 'dm:mixed-big', kind: 'dm', contactWechatId: 'mixed-big', supplierId: supplier._id, messageCount: 0 });
  const base = Date.UTC(2026, 5, 1);
  const msgs = Array.from({ length: THREAD_MESSAGES }, (_, i) => {
    const ts = new Date(base + i * 1_728_000);
    return {
      threadId: thread._id,
      supplierId: supplier._id,
      puppetId: `mixed-p${i}`,
      dedupeKey: createHash('sha1').update(`mixed${i}`).digest('hex'),
      direction: i % 5 === 0 ? 'out' : 'in',
      senderKind: i % 5 === 0 ? 'bot' : 'supplier',
      type: 'text',
      text: `第${i}条：大货进度更新`,
      ts,
      td: threadDay(thread._id, ts),
      lang: 'zh',
      translations: { en: { text: `Message ${i}: bulk production update`, source: 'machine', provider: 'tmt', at: new Date() } },
      translationStatus: 'done',
    };
  });
  await Message.insertMany(msgs, { ordered: false, lean: true });
  const days = await Message.distinct('td', { threadId: thread._id });
  await Thread.updateOne({ _id: thread._id }, { $set: { days: days.map((d) => String(d).split('|')[1]!), messageCount: THREAD_MESSAGES, lastMessageAt: msgs.at(-1)!.ts } });
  return { admin: managers[0]!, supplierId: supplier._id as Types.ObjectId, threadId: String(thread._id), month, ordersS, laneRate, concurrentRate };
}

/** Call `fn` back to back (with a short pause) for `seconds`; latencies in ms, sorted. */
async function probe(seconds: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
    await new Promise((ok) => setTimeout(ok, 20));
  }
  return out.sort((a, b) => a - b);
}

function startExport(uri: string, name: string, from: string, to: string, path: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(here, 'report-child.ts'), 'csv', uri, name, from, to, path], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'warn' } });
}

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const embedded = db.embedded;
  const dir = mkdtempSync(join(tmpdir(), 'gendan-bench-mixed-'));
  const figures: Figures = { orders: ORDERS, thread_messages: THREAD_MESSAGES, ingest_per_s: INGEST_PER_S };
  const children: ChildProcess[] = [];
  const oldFront = embedded ? await embedded.spawnEngine({ serializeReads: true }) : undefined;
  try {
    const s = await seed(embedded, db.name);
    figures.seed_orders_s = round(s.ordersS, 1);
    figures['insert docs/s, write lane (1 writer)'] = round(s.laneRate, 0);
    figures['insert docs/s, concurrent inserts (3 writers)'] = round(s.concurrentRate, 0);
    await new Promise((ok) => setTimeout(ok, 2000)); // the engine's GIN twins catch up
    const viewer = managerViewer(s.admin, 'console');
    const threadProbe = () => threadPage(viewer, s.threadId, { limit: 50 });
    const orderProbe = () => {
      clearOrderListCache();
      return listOrdersForSupplier(s.supplierId, 1, 50);
    };
    const page = await threadProbe();
    const list = await orderProbe();
    if (page.items.length !== 50 || list.items.length !== Math.min(50, Math.floor(ORDERS / SUPPLIERS)))
      throw new Error(`probes not as expected: ${page.items.length} messages, ${list.items.length} orders`);

    // Full scan: the engine (driver cursor, up to 15 s) beside PostgreSQL's own SELECT of the same table.
    {
      let n = 0;
      const t = performance.now();
      const cursor = Order.collection.find({}, { batchSize: 1000 });
      for await (const _ of cursor) {
        n++;
        if (performance.now() - t > 15_000) break;
      }
      await cursor.close();
      figures['engine full scan docs/s'] = round(n / ((performance.now() - t) / 1000), 0);
      if (embedded) {
        const client = new pg.Client({ connectionString: embedded.pgUrl });
        await client.connect();
        try {
          const meta = await client.query(`SELECT _jsonb->>'table' AS t FROM "${db.name}"._ferretdb_database_metadata WHERE _jsonb->>'_id' = 'orders'`);
          const t2 = performance.now();
          const r = await client.query(`SELECT _jsonb FROM "${db.name}"."${meta.rows[0].t}"`);
          figures['postgres full scan rows/s'] = round(r.rowCount! / ((performance.now() - t2) / 1000), 0);
        } finally {
          await client.end();
        }
      }
    }

    // The mirror: a real bot over the mock puppet in a child process, INGEST_PER_S while loaded.
    const ingest = async (uri: string, tag: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'ingest-child.ts'), uri, db.name, String(INGEST_PER_S), tag], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, LOG_LEVEL: 'error' },
      });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      for (let i = 0; i < 600 && !out.includes('STARTED'); i++) await new Promise((ok) => setTimeout(ok, 100));
      return async () => {
        child.kill('SIGTERM');
        await exited;
        return JSON.parse(out.trim().split('\n').pop() ?? '{}') as { said?: number; stored?: number };
      };
    };
    let said = 0;
    let stored = 0;

    const fronts: [string, string][] = [['now', db.uri]];
    if (oldFront) fronts.unshift(['before', oldFront.uri]);
    for (const [label, uri] of fronts) {
      await mongoose.disconnect();
      await connectMongoose(uri, db.name, 5);
      await threadProbe();
      const [idleThread, idleOrders] = await Promise.all([probe(IDLE_S, threadProbe), probe(IDLE_S, orderProbe)]);
      const stopIngest = await ingest(uri, label);
      const child = startExport(uri, db.name, s.month.from, s.month.to, join(dir, `${label}.csv`));
      children.push(child);
      await new Promise((ok) => setTimeout(ok, 1500)); // the export is reading
      const [loadThread, loadOrders] = await Promise.all([probe(LOADED_S, threadProbe), probe(LOADED_S, orderProbe)]);
      const ingested = await stopIngest();
      said += ingested.said ?? 0;
      stored += ingested.stored ?? 0;
      const exportDone = child.exitCode !== null;
      child.kill('SIGKILL');
      const p99 = (x: number[]) => round(percentile(x, 99), 1);
      const threadRatio = p99(loadThread) / p99(idleThread);
      const ordersRatio = p99(loadOrders) / p99(idleOrders);
      Object.assign(figures, {
        [`${label}: thread page p99 idle ms`]: p99(idleThread),
        [`${label}: thread page p99 loaded ms`]: p99(loadThread),
        [`${label}: order list p99 idle ms`]: p99(idleOrders),
        [`${label}: order list p99 loaded ms`]: p99(loadOrders),
        [`${label}: samples loaded (thread/orders)`]: `${loadThread.length}/${loadOrders.length}`,
        [`${label}: export finished within the window`]: String(exportDone),
        [`mixed ratio ${label}`]: round(Math.max(threadRatio, ordersRatio)),
      });
    }
    figures.messages_ingested = said;
    figures.messages_stored = stored;
    figures.messages_in_db = (await Message.countDocuments()) - THREAD_MESSAGES;
    figures.rss_mb = rssMb();
    return figures;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await oldFront?.stop();
    await mongoose.disconnect().catch(() => undefined);
    await connectMongoose(db.uri, db.name, 5).catch(() => undefined);
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
