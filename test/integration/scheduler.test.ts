// The scheduler on Agenda against the real database: several instances, delivery beside it,
// event-driven customs notices, reminders cancelled when the order moves, bounded stop.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { FactoryClosure } from '../../shared/facts/index.js';
import { Manager } from '../../shared/managers/model.js';
import { recordingMessenger } from '../support/messenger.js';
import { Notice, createDeliveryWorker, type DeliveryWorker } from '../../shared/notices/index.js';
import { Order, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import { createScheduler, JOBS, onCustomsChanged, scanCustoms, scanOverdue, scanPreShipment, type Scheduler } from '../../shared/scheduler/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { Thread } from '../../shared/threads/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { withTimeout } from '../support/bot.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { DEFAULT_PACING } from '../../shared/notices/index.js';

const at = (iso: string) => new Date(iso);

async function lateOrder(number = 'PO-SCH-1') {
  const mgr = await Manager.create({ name: 'Oleg', wechatId: 'mgr-oleg', language: 'ru', timezone: 'Europe/Moscow' });
  const s = await createSupplier({ name: '宁波工厂', wechatIds: ['sup-zhao'] });
  await Thread.create({ key: 'dm:sup-zhao', kind: 'dm', contactWechatId: 'sup-zhao', supplierId: s._id, lastMessageAt: new Date() });
  const o = await makeOrder(s.code, { number, managerId: String(mgr._id), planned: plannedChain(at('2026-11-20T00:00:00Z')) });
  return { mgr, s, o };
}

/** Poll the real database until `check` holds (bounded); Agenda runs on its own timers. */
async function until(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

describe('scheduler: Agenda instances and delivery', function () {
  this.timeout(60_000);

  it('two scheduler processes, each running the scan and a delivery worker: every notice is sent once', async () => {
    await lateOrder();
    const base = at('2026-11-24T08:00:00Z').getTime(); // 16:00 Shanghai, 11:00 Moscow
    const t0 = Date.now();
    const clock = () => new Date(base + (Date.now() - t0));
    const m = recordingMessenger();
    const workers: DeliveryWorker[] = [createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, clock }), createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, clock })];
    const schedulers: Scheduler[] = [];
    try {
      for (const [i, w] of workers.entries())
        schedulers.push(await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock, processEvery: 100, name: `sched-${i}`, delivery: w, jobs: [] }));
      await Promise.all(schedulers.map((s) => s.start()));
      // Both ask for the scan, twice (Agenda is at-least-once; a double start is harmless).
      await Promise.all(schedulers.flatMap((s) => [s.agenda.now(JOBS.overdue), s.agenda.now(JOBS.overdue)]));
      await until(async () => (await Notice.countDocuments({ status: 'sent' })) >= 2 && m.sent.length >= 2);
      // Every scan asked for has run, and each worker has had a whole tick since: a second send
      // would have happened by now.
      await Promise.all(schedulers.map((s) => s.idle()));
      expect(await Notice.countDocuments({})).to.equal(2);
      expect(m.sent.map((s) => s.to).sort()).to.deep.equal(['dm:mgr-oleg', 'dm:sup-zhao']);
      expect(m.sent.find((s) => s.to === 'dm:mgr-oleg')!.text)
        .to.include('PO-SCH-1')
        .and.include('просрочка 4 дн.');
    } finally {
      await withTimeout(Promise.all(schedulers.map((s) => s.stop())), 25_000, 'scheduler stop');
    }
  });

  it('refuses to be built before the database is connected', async () => {
    const idle = mongoose.createConnection(); // never opened
    let err: Error | undefined;
    await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, connection: idle }).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/connect the database/);
  });

  it("stop() returns even when Agenda's stop hangs", async () => {
    const s = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, processEvery: 100, name: 'hang', stopTimeoutMs: 300, jobs: [] });
    await s.start();
    const realStop = s.agenda.stop.bind(s.agenda);
    s.agenda.stop = () => new Promise(() => undefined);
    const t = Date.now();
    await withTimeout(s.stop(), 5_000, 'bounded stop');
    expect(Date.now() - t).to.be.below(2_000);
    await withTimeout(realStop(), 10_000, 'real stop').catch(() => undefined);
  });
});

describe('scheduler: rules', function () {
  this.timeout(30_000);

  it('customs: onCustomsChanged tells the manager at once; the periodic scan adds nothing', async () => {
    const { o } = await lateOrder();
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    const now = at('2026-11-24T08:00:00Z');
    await reportCustoms({ orderId: o._id, status: 'held', reason: '海关查验', expectedDate: at('2026-12-01T00:00:00Z'), by: 'test', now });
    expect(await onCustomsChanged(o._id, now)).to.equal(1);
    expect(await scanCustoms(now)).to.equal(0);
    const n = (await Notice.findOne({ kind: 'customs' }).lean())!;
    expect(n.to).to.equal('dm:mgr-oleg');
    expect(n.text).to.include('задержка').and.include('2026-12-01');
    // A change of the expected date is a new event: one more notice.
    const later = at('2026-11-25T08:00:00Z');
    await reportCustoms({ orderId: o._id, status: 'held', reason: '海关查验', expectedDate: at('2026-12-08T00:00:00Z'), by: 'test', now: later });
    expect(await scanCustoms(later)).to.equal(1);
    expect(await onCustomsChanged(o._id, later)).to.equal(0);
  });

  it('pre-shipment: one query per new shipment day; days a stopped scheduler missed are caught up', async () => {
    const { o } = await lateOrder();
    const ship = o.milestones.shipped.planned!; // 2026-11-20 + 5 weeks
    const day = (d: number) => new Date(ship.getTime() + d * 86_400_000 + 3 * 3600_000);
    expect(await scanPreShipment(day(-10))).to.equal(0); // 10 days before: not yet
    // The scheduler was down from 10 days before until 5 days before the shipment.
    expect(await scanPreShipment(day(-5))).to.equal(1);
    expect(await scanPreShipment(day(-5))).to.equal(0);
    expect(await scanPreShipment(day(-4))).to.equal(0);
    const n = (await Notice.findOne({ kind: 'pre_shipment' }).lean())!;
    expect(n.to).to.equal('dm:sup-zhao');
    expect(n.text).to.include('还有 5 天').and.include(ship.toISOString().slice(0, 10));
  });

  it('reminders still waiting are cancelled once the supplier updates the milestone', async () => {
    const { o } = await lateOrder();
    // 02:00 UTC: Moscow is asleep (05:00), so the manager's reminder waits; the supplier's is due.
    await scanOverdue(at('2026-11-24T02:00:00Z'));
    const queued = await Notice.find({ status: 'queued' }).lean();
    expect(queued).to.have.length(2);
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, by: 'test', now: at('2026-11-24T03:00:00Z') });
    await Order.updateOne(
      { _id: o._id },
      { $set: { 'milestones.materials.planned': at('2026-12-20T00:00:00Z'), 'next.planned': at('2026-12-20T00:00:00Z'), 'next.dueDay': '2026-12-20', dueDay: '2026-12-20' } },
    );
    await scanOverdue(at('2026-11-24T03:15:00Z'));
    expect(await Notice.countDocuments({ status: 'cancelled' })).to.equal(2);
    const m = recordingMessenger();
    await createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m }).tick(at('2026-11-24T06:00:00Z'));
    expect(m.sent).to.have.length(0);
  });

  it('a factory closed (accepted holiday): no overdue reminder to its chat during the closure; the day after, there is', async () => {
    const { s: sup } = await lateOrder();
    // Accepted closure 2026-11-23 … 2026-11-26 (Shanghai days); the order is late since 11-20.
    await FactoryClosure.create({ supplierId: sup._id, from: '2026-11-23', to: '2026-11-26', by: 'manager:x', at: at('2026-11-22T00:00:00Z') });
    const toSupplier = () => Notice.find({ to: 'dm:sup-zhao', kind: 'overdue' }).lean();
    await scanOverdue(at('2026-11-24T03:00:00Z'));
    expect(await toSupplier()).to.have.length(0);
    expect(await Notice.countDocuments({ to: 'dm:mgr-oleg', kind: 'overdue' })).to.equal(1); // the manager still hears
    // The last day of the closure, in Shanghai (17:00 UTC on the 25th is 01:00 on the 26th there).
    await scanOverdue(at('2026-11-25T17:00:00Z'));
    expect(await toSupplier()).to.have.length(0);
    // The first day after the closure: the supplier is reminded.
    await scanOverdue(at('2026-11-27T02:00:00Z'));
    const sent = await toSupplier();
    expect(sent).to.have.length(1);
    expect(sent[0]!.key).to.include(':2026-11-27:');
  });

  it('a factory closed: the pre-shipment question waits for the day it reopens', async () => {
    const { o, s: sup } = await lateOrder();
    const ship = o.milestones.shipped.planned!;
    const ask = new Date(ship.getTime() - 7 * 86_400_000 + 3 * 3600_000); // 7 days before, 11:00 Shanghai
    const askDay = ask.toISOString().slice(0, 10);
    const to = new Date(ask.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    await FactoryClosure.create({ supplierId: sup._id, from: askDay, to, by: 'manager:x', at: ask });
    expect(await scanPreShipment(ask)).to.equal(1);
    const n = (await Notice.findOne({ kind: 'pre_shipment' }).lean())!;
    const reopens = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    // Not before the reopening day's working hours in Shanghai (08:00 = 00:00 UTC).
    expect(n.notBefore.toISOString() >= `${reopens}T00:00:00.000Z`).to.equal(true);
    expect(n.notBefore.toISOString() < `${reopens}T12:00:00.000Z`).to.equal(true);
    const after = (await Order.findOne({ _id: o._id }).lean())!;
    expect(after.readiness?.asked).to.equal(reopens);
  });
});
