// `npm run bench -- performance`: 1,000 suppliers, 100,000 orders, 1,000,000 messages.
//   scorecard p99      — reading one supplier's scorecard (one equality query + scoring);
//   incremental ratio  — KPI work per mirrored message (the response machine plus the grouped
//                        $push of reply times, in batches like the mirror's 200 ms flushes) ÷ a
//                        plain single-message insert, both measured here, one after the other;
//   reconcile_s        — the nightly full recomputation over everything.
import { createHash } from 'node:crypto';
import { Manager } from '../shared/managers/model.js';
import { MILESTONES, Order, computeNext } from '../shared/orders/index.js';
import { flushResponses, queueResponses, reconcileKpis, step, supplierScorecard, type AwaitState, type Side } from '../shared/performance/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { Message, Thread, threadDay } from '../shared/threads/index.js';
import { percentile, round, rssMb, startBenchDb, timeEach, type Figures } from './support.js';
import { DEFAULT_SETTINGS } from '../shared/performance/index.js';

const SUPPLIERS = 1000;
const ORDERS_PER = 100;
const MSGS_PER = 1000;
const DAY = 86_400_000;

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  try {
    const t0 = performance.now();
    const managers = await Manager.insertMany(Array.from({ length: 20 }, (_, i) => ({ name: `Manager ${i}`, timezone: i % 2 ? 'Europe/Moscow' : 'UTC' })));
    const suppliers = await Supplier.insertMany(
      Array.from({ length: SUPPLIERS }, (_, i) => ({ code: `Q${String(i).padStart(4, '0')}`.slice(0, 6), name: `工厂${i}`, managerId: managers[i % 20]!._id })),
    );
    const threads = await Thread.insertMany(suppliers.map((s, i) => ({ key: `dm:perf-${i}`, kind: 'dm', contactWechatId: `perf-${i}`, supplierId: s._id, messageCount: MSGS_PER })));
    const base = Date.UTC(2025, 11, 1);
    const batch: object[] = [];
    const flush = async (M: typeof Message | typeof Order) => {
      if (batch.length) await (M as typeof Message).insertMany(batch.splice(0), { ordered: false, lean: true });
    };
    for (let si = 0; si < SUPPLIERS; si++) {
      const s = suppliers[si]!;
      const th = threads[si]!;
      for (let i = 0; i < MSGS_PER; i++) {
        const ts = new Date(base + i * 8 * 3600_000 + si * 60_000); // ~11 months, 3 a day
        const out = (i * 7 + si) % 3 === 0;
        batch.push({
          threadId: th._id,
          td: threadDay(th._id, ts),
          supplierId: s._id,
          puppetId: `m${si}-${i}`,
          dedupeKey: createHash('sha1').update(`${si}-${i}`).digest('hex'),
          direction: out ? 'out' : 'in',
          senderKind: out ? 'bot' : 'supplier',
          type: 'text',
          text: `第${i}条消息`,
          ts,
          translationStatus: 'done',
        });
        if (batch.length === 5000) await flush(Message);
      }
    }
    await flush(Message);
    const loadMessagesS = (performance.now() - t0) / 1000;
    for (let si = 0; si < SUPPLIERS; si++) {
      const s = suppliers[si]!;
      for (let i = 0; i < ORDERS_PER; i++) {
        const created = new Date(base + ((i * 3 + si) % 330) * DAY);
        const milestones = Object.fromEntries(
          MILESTONES.map((m, k) => {
            const planned = new Date(created.getTime() + (k + 1) * 7 * DAY);
            const done = k < 4;
            return [
              m,
              { status: done ? 'done' : 'pending', planned, actual: done ? new Date(planned.getTime() + (((i + k) % 5) - 1) * DAY) : undefined, replanned: (i + k) % 9 === 0 ? 1 : 0, photos: [] },
            ];
          }),
        );
        batch.push({
          number: `PO-${s.code}-${i}`,
          supplierId: s._id,
          supplierCode: s.code,
          managerId: s.managerId,
          currency: 'USD',
          lines: [{ item: 'Motor', qty: 10 + i, unitPrice: '12.50', currency: 'USD' }],
          milestones,
          next: computeNext(milestones as never),
          dueDay: computeNext(milestones as never)?.dueDay ?? null,
          status: 'open',
          customs: i % 50 === 0 ? { status: 'held', heldAt: created } : { status: 'none' },
          version: 0,
          createdAt: created,
          updatedAt: created,
        });
        if (batch.length === 5000) await flush(Order);
      }
    }
    await flush(Order);
    const loadS = (performance.now() - t0) / 1000;
    await new Promise((ok) => setTimeout(ok, 3000)); // the engine's GIN twins catch up

    const r0 = performance.now();
    const rec = await reconcileKpis({ settings: DEFAULT_SETTINGS });
    const reconcileS = (performance.now() - r0) / 1000;

    // Scorecard reads, random suppliers.
    const reads = await timeEach(1000, (i) => supplierScorecard(suppliers[(i * 7919) % SUPPLIERS]!._id, '2026-06', DEFAULT_SETTINGS.weights));
    const sample = await supplierScorecard(suppliers[1]!._id, '2026-06', DEFAULT_SETTINGS.weights);

    // Incremental cost per message vs a plain insert, 5,000 new messages over 500 threads.
    const N = 5000;
    const fresh = Array.from({ length: N }, (_, i) => ({ si: (i * 13) % 500, side: (i % 3 === 0 ? 'manager' : 'supplier') as Side, ts: new Date(Date.UTC(2026, 10, 1) + i * 60_000) }));
    const insertMs = (
      await timeEach(N, (i) =>
        Message.create({
          threadId: threads[fresh[i]!.si]!._id,
          td: threadDay(threads[fresh[i]!.si]!._id, fresh[i]!.ts),
          supplierId: suppliers[fresh[i]!.si]!._id,
          puppetId: `new-${i}`,
          dedupeKey: `new-${i}`,
          direction: fresh[i]!.side === 'manager' ? 'out' : 'in',
          senderKind: fresh[i]!.side === 'manager' ? 'bot' : 'supplier',
          text: `新消息 ${i}`,
          ts: fresh[i]!.ts,
        }),
      )
    ).reduce((a, b) => a + b, 0);
    // The mirror's KPI part: step each message (in memory), buffer the replies, and write them
    // grouped per supplier and month every RESPONSE_FLUSH_MS (5 s: ~6,000 messages at the
    // mirror's rate; here all 5,000 new ones in one write round). Cold caches included.
    const states = new Map<number, AwaitState>();
    const k0 = performance.now();
    for (const m of fresh) {
      const r = step(states.get(m.si) ?? {}, m.side, m.ts);
      states.set(m.si, r.state);
      if (r.sample) queueResponses([{ supplierId: String(suppliers[m.si]!._id), sample: r.sample }], DEFAULT_SETTINGS);
    }
    await flushResponses();
    const kpiMs = performance.now() - k0;

    return {
      suppliers: SUPPLIERS,
      orders: SUPPLIERS * ORDERS_PER,
      messages: SUPPLIERS * MSGS_PER,
      load_s: round(loadS, 1),
      load_messages_s: round(loadMessagesS, 1),
      kpi_documents: rec.documents,
      reconcile_s: round(reconcileS, 1),
      'scorecard p50 ms': round(percentile(reads, 50)),
      'scorecard p99 ms': round(percentile(reads, 99)),
      scorecard_example: `${sample.class ?? '—'} ${sample.score ?? '—'} (${sample.reasons.slice(0, 2).join('; ')})`,
      insert_ms_per_message: round(insertMs / N, 3),
      kpi_ms_per_message: round(kpiMs / N, 3),
      'incremental ratio': round(kpiMs / insertMs, 3),
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
