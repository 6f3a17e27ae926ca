// `npm run bench -- scheduler`:
// 1. The overdue scan with 1,000 overdue orders among 10,000 and then among 100,000 open orders
//    (800k milestones): the ratio shows whether cost follows the overdue count (target <= 2).
// 2. 1,000 notices delivered through the real bot (wechaty-puppet-mock) by the worker's own
//    loop at a configured account rate (25/s; production is 40/min): delivered rate ÷ configured
//    rate (target >= 0.95), the rate measured from the first to the last send.
import mongoose from 'mongoose';
import { loadConfig } from '../shared/config/index.js';
import { createBot } from '../bot/index.js';
import { createSandbox } from '../bot/sandbox.js';
import { Notice, OverdueWatch, ScanState, createDeliveryWorker, enqueueNotice } from '../shared/notices/index.js';
import { MILESTONES, Order, computeNext } from '../shared/orders/index.js';
import { scanOverdue } from '../shared/scheduler/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { createMirror, Thread } from '../shared/threads/index.js';
import { Manager } from '../shared/managers/model.js';
import { round, rssMb, startBenchDb, type Figures } from './support.js';
import { DEFAULT_SETTINGS } from '../shared/performance/index.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-24T04:00:00Z');
const OVERDUE = 1000;
const LARGE = Number(process.env.BENCH_SCHEDULER_ORDERS ?? 100_000);

async function addOrders(from: number, to: number, supplierIds: mongoose.Types.ObjectId[]) {
  for (let i = from; i < to; i += 2000) {
    const batch = [];
    for (let k = i; k < Math.min(to, i + 2000); k++) {
      // The first OVERDUE orders are late (next milestone 1–60 days ago); all others are due later.
      const firstPlanned = k < OVERDUE ? NOW.getTime() - (1 + (k % 60)) * DAY : NOW.getTime() + (5 + (k % 120)) * DAY;
      const milestones = Object.fromEntries(MILESTONES.map((m, j) => [m, { status: 'pending', planned: new Date(Math.floor(firstPlanned / DAY) * DAY + j * 7 * DAY), photos: [] }]));
      batch.push({
        number: `PO-S-${String(k).padStart(6, '0')}`,
        supplierId: supplierIds[k % supplierIds.length],
        supplierCode: `S${String(k % supplierIds.length).padStart(2, '0')}`,
        currency: 'USD',
        lines: [],
        milestones,
        next: computeNext(milestones as never),
        dueDay: computeNext(milestones as never)?.dueDay,
        status: 'open',
        customs: { status: 'none' },
        version: 0,
      });
    }
    await Order.insertMany(batch, { ordered: false });
  }
}

async function timeScan(): Promise<{ ms: number; watched: number; enqueued: number }> {
  await Promise.all([OverdueWatch.deleteMany({}), ScanState.deleteMany({}), Notice.deleteMany({})]);
  const t = performance.now();
  const r = await scanOverdue(NOW);
  return { ms: performance.now() - t, watched: r.watched, enqueued: r.enqueued };
}

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  try {
    // Every supplier has a chat and a responsible manager on WeChat, so the scan enqueues real
    // notices (supplier in Chinese + manager) for each overdue order.
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'bench-mgr', language: 'en', timezone: 'UTC' });
    const suppliers = await Promise.all(Array.from({ length: 20 }, (_, i) => Supplier.create({ code: `S${String(i).padStart(2, '0')}`, name: `工厂${i}`, managerId: mgr._id })));
    await Thread.insertMany(suppliers.map((s, i) => ({ key: `room:bench-${i}@chatroom`, kind: 'room', roomId: `bench-${i}@chatroom`, supplierId: s._id, lastMessageAt: new Date() })));
    const ids = suppliers.map((s) => s._id as mongoose.Types.ObjectId);
    let t = performance.now();
    await addOrders(0, 10_000, ids);
    console.error(`inserted 10k orders in ${Math.round(performance.now() - t)} ms`);
    await new Promise((ok) => setTimeout(ok, 1500)); // GIN twins of the order indexes
    const at10k = await timeScan();
    console.error(`scan at 10k: ${Math.round(at10k.ms)} ms`);
    t = performance.now();
    await addOrders(10_000, LARGE, ids);
    console.error(`inserted ${LARGE - 10_000} more orders in ${Math.round(performance.now() - t)} ms`);
    if (db.embedded) {
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: db.embedded.pgUrl });
      await c.connect();
      await c.query('VACUUM ANALYZE');
      await c.end();
    }
    const at100k = await timeScan();
    // The same scan again later that day (it runs every 15 minutes): nothing new to enqueue.
    const t2 = performance.now();
    const again = await scanOverdue(new Date(NOW.getTime() + 15 * 60_000));
    const rerunMs = performance.now() - t2;

    // Delivery at a configured rate through the real bot.
    await Notice.deleteMany({});
    const sb = createSandbox();
    const bot = createBot({ config: loadConfig({ BOT_NAME: 'bench-sched', LOG_LEVEL: 'warn' }), puppet: sb.puppet as never, mirror: createMirror({ performance: DEFAULT_SETTINGS }) });
    await bot.start();
    sb.login();
    await bot.ready();
    const chats = Array.from({ length: 100 }, (_, i) => sb.mocker.createContact({ id: `bench-n${i}`, name: `联系人${i}` }));
    const ratePerS = 25;
    for (let i = 0; i < 1000; i++) {
      await enqueueNotice({ key: `bench:${i}`, kind: 'message', to: `dm:${chats[i % 100]!.id}`, recipient: { kind: 'manager', timezone: 'UTC' }, text: `通知 ${i}` }, new Date());
    }
    // The worker's own loop on the real clock (as in the bot process): it wakes when pacing
    // allows the next send. Sends are timed where they reach the bot (no polling of the
    // database meanwhile); rate = sends after the first ÷ time from the first to the last.
    const times: number[] = [];
    const counted = {
      isReady: () => bot.messenger.isReady(),
      async sendText(to: string, text: string) {
        const r = await bot.messenger.sendText(to, text);
        times.push(performance.now());
        return r;
      },
    };
    const worker = createDeliveryWorker({ messenger: counted, pacing: { perChatMs: 1000, perAccountPerMin: ratePerS * 60 } });
    const t0 = performance.now();
    worker.start(1000);
    while (times.length < 1000 && performance.now() - t0 < 120_000) await new Promise((ok) => setTimeout(ok, 100));
    await worker.stop();
    const seconds = (performance.now() - t0) / 1000;
    await bot.stop();
    const delivered = await Notice.countDocuments({ status: 'sent' });
    const achieved = (times.length - 1) / Math.max((times[times.length - 1]! - times[0]!) / 1000, 0.001);
    return {
      open_orders_small: 10_000,
      open_orders_large: LARGE,
      overdue_orders: OVERDUE,
      scan_ms_10k: round(at10k.ms, 0),
      scan_ms_100k: round(at100k.ms, 0),
      scan_ratio_100k_to_10k: round(at100k.ms / at10k.ms),
      scan_notices_enqueued: at100k.enqueued,
      scan_rerun_ms_100k: round(rerunMs, 0),
      scan_rerun_enqueued: again.enqueued,
      notices_delivered: delivered,
      delivery_s: round(seconds, 1),
      configured_per_s: ratePerS,
      delivered_per_s: round(achieved, 1),
      delivery_rate_ratio: round(achieved / ratePerS),
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
