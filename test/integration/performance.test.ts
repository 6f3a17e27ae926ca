// Supplier performance on the real database with controlled clocks: working-time reply times
// (weekends, holidays, time zones), on-time rates with re-planned dates, scorecards, segment
// proposals, escalation of unanswered messages, manager ranking, and incremental KPIs equal to
// a full recomputation.
import { expect } from 'chai';
import { sortAllAsSuppliers } from '../support/bot.js';
import { Contact } from '../../shared/threads/index.js';
import supertest from 'supertest';
import { Types } from 'mongoose';
import { createApp } from '../../server/app.js';
import { createCommandHandler } from '../../shared/commands/index.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice } from '../../shared/notices/index.js';
import { reportCustoms, updateMilestone, type OrderDoc } from '../../shared/orders/index.js';
import {
  ManagerKpi,
  SegmentChange,
  SegmentProposal,
  SupplierKpi,
  decideProposal,
  DEFAULT_SETTINGS,
  fromUnits,
  managerRanking,
  periodOf,
  proposeSegments,
  reconcileKpis,
  supplierScorecard,
  toUnits,
  workingMinutes,
} from '../../shared/performance/index.js';
import { escalateUnanswered } from '../../shared/performance/routing.js';
import { scanOverdue } from '../../shared/scheduler/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { createMirror, Message, Thread, type InboundMessage } from '../../shared/threads/index.js';
import { makeManager, makeOrder, plannedChain, testConfig } from '../support/api.js';

const at = (s: string) => new Date(s);
const SH = 'Asia/Shanghai';
let seq = 0;
const msg = (chat: string, who: 'supplier' | 'bot', ts: string, text = `消息 ${++seq}`): InboundMessage => ({
  puppetId: `perf-${++seq}`,
  chat: { kind: 'dm', id: chat },
  sender: who === 'bot' ? { wechatId: 'gendan-bot', name: 'Gendan' } : { wechatId: chat, name: `联系人 ${chat}` },
  self: who === 'bot',
  type: 'text',
  text,
  ts: at(ts),
});

async function supplierOfChat(chat: string) {
  await sortAllAsSuppliers(); // new contacts become suppliers once a person sorts them
  const t = (await Thread.findOne({ key: `dm:${chat}` }).lean())!;
  return (await Supplier.findOne({ _id: t.supplierId }).lean())!;
}

describe('performance: working time', () => {
  it('a Friday 17:30 message answered Monday 09:30 in Shanghai took 60 working minutes; in Moscow the same span is 330', () => {
    expect(workingMinutes(at('2026-11-20T09:30:00Z'), at('2026-11-23T01:30:00Z'), SH, undefined, true)).to.equal(60);
    expect(workingMinutes(at('2026-11-20T09:30:00Z'), at('2026-11-23T01:30:00Z'), 'Europe/Moscow')).to.equal(330);
  });

  it('skips the National Day holiday week and counts the make-up Saturday', () => {
    // Wed 30 Sep 17:00 → Fri 9 Oct 10:00: 60 + (1–7 Oct off) + 540 (Thu 8th) + 60.
    expect(workingMinutes(at('2026-09-30T09:00:00Z'), at('2026-10-09T02:00:00Z'), SH, undefined, true)).to.equal(660);
    // Fri 9 Oct 17:00 → Mon 12 Oct 10:00: Saturday 10 Oct is a working day (调休).
    expect(workingMinutes(at('2026-10-09T09:00:00Z'), at('2026-10-12T02:00:00Z'), SH, undefined, true)).to.equal(660);
    expect(workingMinutes(at('2026-10-09T09:00:00Z'), at('2026-10-12T02:00:00Z'), SH, undefined, false)).to.equal(120);
  });
});

describe('performance: KPIs', function () {
  this.timeout(30_000);

  it('reply times from mirrored messages: the supplier in its working hours, the manager in theirs', async () => {
    const mirror = createMirror();
    const mgr = await Manager.create({ name: 'Olga', language: 'ru', timezone: 'Europe/Moscow' });
    await mirror.ingest(msg('sup-rt', 'supplier', '2026-11-16T02:00:00Z', '你好')); // Mon 10:00 Shanghai
    await mirror.flush();
    const s = await supplierOfChat('sup-rt');
    await Supplier.updateOne({ _id: s._id }, { $set: { managerId: mgr._id } });
    // Our reply Mon 11:30 Shanghai = 06:30 Moscow: before the manager's day starts → 0 working minutes.
    await mirror.ingest(msg('sup-rt', 'bot', '2026-11-16T03:30:00Z'));
    // The supplier answers Mon 14:00 Shanghai → 150.
    await mirror.ingest(msg('sup-rt', 'supplier', '2026-11-16T06:00:00Z'));
    // We answer Fri 17:00 Shanghai = 12:00 Moscow: Mon 09:00 → Fri 12:00 Moscow = 4 × 540 + 180.
    await mirror.ingest(msg('sup-rt', 'bot', '2026-11-20T09:00:00Z'));
    // The supplier answers Mon 10:00 Shanghai → 60 + 60 across the weekend.
    await mirror.ingest(msg('sup-rt', 'supplier', '2026-11-23T02:00:00Z'));
    // Our two messages in a row: the wait starts at the first one (Mon 14:00 → reply 15:30 = 90).
    await mirror.ingest(msg('sup-rt', 'bot', '2026-11-23T06:00:00Z'));
    await mirror.ingest(msg('sup-rt', 'bot', '2026-11-23T07:00:00Z'));
    await mirror.ingest(msg('sup-rt', 'supplier', '2026-11-23T07:30:00Z'));
    await mirror.flush();
    const k = (await SupplierKpi.findOne({ supplierId: s._id, period: '2026-11' }).lean())!;
    expect([...k.rt].sort((a, b) => a - b)).to.deep.equal([90, 120, 150]);
    const mk = (await ManagerKpi.findOne({ managerId: mgr._id, period: '2026-11' }).lean())!;
    // Manager replies: 0 (Moscow night), 2340, and the supplier's Mon 10:00 Shanghai (05:00 Moscow) → our 14:00 Shanghai (09:00 Moscow) = 0.
    expect([...mk.rt].sort((a, b) => a - b)).to.deep.equal([0, 0, 2340]);
    const t = (await Thread.findOne({ key: 'dm:sup-rt' }).lean())!;
    expect(t.awaiting).to.equal('manager');
    expect(t.awaitingSince!.toISOString()).to.equal('2026-11-23T07:30:00.000Z');
    const sc = await supplierScorecard(s._id, '2026-11', DEFAULT_SETTINGS.weights);
    expect(sc.kpis.replies).to.equal(3);
    expect(sc.kpis.replyMedianMin).to.equal(120);
    expect(sc.kpis.replyP90Min).to.equal(150);
  });

  it('on-time rate counts re-planned milestones against their baseline (first agreed date); days late, re-plans and customs delays', async () => {
    const { manager } = await makeManager(testConfig());
    const sup = await Supplier.create({ code: 'K01', name: '宁波精工' });
    const o = await makeOrder('K01', { number: 'PO-K-1', managerId: String(manager._id), planned: plannedChain(at('2026-11-02T00:00:00Z')) });
    const now = at('2026-11-30T10:00:00Z');
    const by = 'manager:test';
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, actual: at('2026-11-02T00:00:00Z'), by, now }); // on time
    await updateMilestone({ orderId: o._id, milestone: 'materials', done: true, actual: at('2026-11-12T00:00:00Z'), by, now }); // planned 11-09: 3 days late
    await updateMilestone({ orderId: o._id, milestone: 'production_start', planned: at('2026-11-20T00:00:00Z'), reason: 'mould repair', by, now }); // re-planned from 11-16
    await updateMilestone({ orderId: o._id, milestone: 'production_start', done: true, actual: at('2026-11-19T00:00:00Z'), by, now }); // 3 days late against the baseline 11-16 (on time against the moved date: not counted so)
    for (const m of ['production_done', 'inspection', 'shipped'] as const) await updateMilestone({ orderId: o._id, milestone: m, done: true, actual: at('2026-11-27T00:00:00Z'), by, now });
    await reportCustoms({ orderId: o._id, status: 'held', reason: '查验', by, now });
    await reportCustoms({ orderId: o._id, status: 'cleared', by, now });
    const sc = await supplierScorecard(sup._id, '2026-11', DEFAULT_SETTINGS.weights);
    // done: confirmed, materials, production_start (3 late against its baseline) + production_done (planned 11-23 → 4 late),
    // inspection (11-30 → on time), shipped (12-07 → on time), customs_cleared (completed by the clearance, planned 12-14 → on time).
    expect(sc.kpis.milestonesDone).to.equal(7);
    expect(sc.kpis.onTimeRate).to.be.closeTo(4 / 7, 1e-9);
    expect(sc.kpis.avgDaysLate).to.be.closeTo(10 / 3, 0.05);
    expect(sc.kpis.replanned).to.equal(1);
    expect(sc.kpis.customsDelays).to.equal(1);
    expect(sc.reasons).to.include('on-time 57% < 90%');
    expect(sc.reasons).to.include('1 customs delay(s)');
    // Undoing a milestone takes its contribution back out.
    await updateMilestone({ orderId: o._id, milestone: 'materials', done: false, by, now });
    const after = await supplierScorecard(sup._id, '2026-11', DEFAULT_SETTINGS.weights);
    expect(after.kpis.milestonesDone).to.equal(6);
    expect(after.kpis.onTimeRate).to.be.closeTo(4 / 6, 1e-9);
  });

  it('order values are exact decimal sums per currency', async () => {
    await Supplier.create({ code: 'K02', name: '义乌小商品' });
    const { createOrder } = await import('../../shared/orders/index.js');
    for (let i = 0; i < 10; i++) {
      await createOrder(
        {
          number: `PO-V-${i}`,
          supplierCode: 'K02',
          lines: [
            { item: 'Cup', qty: 3, unitPrice: '0.1', currency: 'USD' },
            { item: '杯子', qty: 7, unitPrice: '1.0003', currency: 'CNY' },
          ],
        },
        'manager:t',
      );
    }
    const s = (await Supplier.findOne({ code: 'K02' }).lean())!;
    const sc = await supplierScorecard(s._id, periodOf(new Date()), DEFAULT_SETTINGS.weights);
    expect(sc.kpis.orders).to.equal(10);
    expect(sc.kpis.value).to.deep.equal({ USD: '3.00', CNY: '70.021' });
    expect(fromUnits(toUnits('0.1') * 3n)).to.equal('0.30');
  });

  it('scores A–D from weighted components with a trend against last month', async () => {
    const sup = await Supplier.create({ code: 'K03', name: '佛山家具' });
    const base = { supplierId: sup._id, value: {}, claimValue: {}, msLate: 0, msDaysLate: 0, msReplanned: 0, customsDelayed: 0, claimsSettled: 0, settleDays: 0 };
    await SupplierKpi.create({ ...base, period: '2026-10', orders: 10, msDone: 10, msOnTime: 10, claims: 0, rt: [30, 45, 60] });
    await SupplierKpi.create({ ...base, period: '2026-11', orders: 10, msDone: 10, msOnTime: 5, claims: 2, rt: [300, 600, 900] });
    const oct = await supplierScorecard(sup._id, '2026-10', DEFAULT_SETTINGS.weights);
    expect(oct.class).to.equal('A');
    expect(oct.score).to.equal(100);
    const nov = await supplierScorecard(sup._id, '2026-11', DEFAULT_SETTINGS.weights);
    // delivery 0.5·0.5 + responsiveness 0.3·max(0, 1 − (10 h − 1)/7) = 0 + quality 0.2·(1 − 0.2·5) = 0 → 25.
    expect(nov.score).to.equal(25);
    expect(nov.class).to.equal('D');
    expect(nov.trend).to.equal(-75);
    expect(nov.reasons).to.deep.include.members(['on-time 50% < 90%', 'median reply 10 h > 4 h (working time)', 'claims on 20% of orders > 5%']);
    expect((await supplierScorecard(sup._id, '2026-11', { delivery: 1, responsiveness: 0, quality: 0 })).score).to.equal(50);
  });
});

describe('performance: segments', function () {
  this.timeout(30_000);

  it('proposes new for a first order under 90 days and problem after two D months; a manager accepts; history kept; no duplicates', async () => {
    const fresh = await Supplier.create({ code: 'S01', name: '新厂', segment: 'strategic' });
    await makeOrder('S01', { number: 'PO-S-1' });
    const bad = await Supplier.create({ code: 'S02', name: '问题厂', segment: 'new' });
    const base = { supplierId: bad._id, value: {}, claimValue: {}, msLate: 5, msDaysLate: 20, msReplanned: 0, customsDelayed: 0, claimsSettled: 0, settleDays: 0, orders: 5, claims: 2, rt: [600] };
    const now = new Date();
    const p0 = periodOf(now);
    const p1 = periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)));
    await SupplierKpi.create({ ...base, period: p1, msDone: 10, msOnTime: 5 });
    await SupplierKpi.create({ ...base, period: p0, msDone: 10, msOnTime: 4 });
    expect(await proposeSegments(DEFAULT_SETTINGS.weights, now)).to.equal(2);
    expect(await proposeSegments(DEFAULT_SETTINGS.weights, now)).to.equal(0);
    const open = await SegmentProposal.find({ status: 'open' }).sort({ supplierCode: 1 }).lean();
    expect(open.map((p) => [p.supplierCode, p.proposed])).to.deep.equal([
      ['S01', 'new'],
      ['S02', 'problem'],
    ]);
    expect(open[1]!.reason).to.match(/class D/);
    await decideProposal(String(open[1]!._id), true, 'manager:olga', now);
    expect((await Supplier.findOne({ _id: bad._id }).lean())!.segment).to.equal('problem');
    const hist = await SegmentChange.find({ supplierId: bad._id }).lean();
    expect(hist.map((h) => [h.from, h.to, h.by])).to.deep.equal([['new', 'problem', 'manager:olga']]);
    expect(await decideProposal(String(open[1]!._id), true, 'manager:olga', now)).to.equal(null);
    await decideProposal(String(open[0]!._id), false, 'manager:olga', now);
    expect((await Supplier.findOne({ _id: fresh._id }).lean())!.segment).to.equal('strategic');
  });
});

describe('performance: routing and escalation', function () {
  this.timeout(30_000);

  it('an unanswered supplier message goes to the responsible manager after the configured time, then to the backup, each once', async () => {
    const main = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', timezone: 'UTC' });
    const backup = await Manager.create({ name: 'Boris', wechatId: 'mgr-boris', language: 'ru', timezone: 'UTC' });
    const mirror = createMirror();
    await mirror.ingest(msg('sup-esc', 'supplier', '2026-11-24T09:00:00Z', '样品什么时候确认？'));
    await mirror.flush();
    const s = await supplierOfChat('sup-esc');
    await Supplier.updateOne({ _id: s._id }, { $set: { managerId: main._id, backupManagerId: backup._id } });
    expect(await escalateUnanswered(at('2026-11-24T09:59:00Z'), 60)).to.equal(0);
    expect(await escalateUnanswered(at('2026-11-24T10:01:00Z'), 60)).to.equal(1);
    expect(await escalateUnanswered(at('2026-11-24T10:30:00Z'), 60)).to.equal(0);
    expect(await escalateUnanswered(at('2026-11-24T11:01:00Z'), 60)).to.equal(1);
    const notices = await Notice.find({}).sort({ createdAt: 1 }).lean();
    expect(notices.map((n) => n.to)).to.deep.equal(['dm:mgr-anna', 'dm:mgr-boris']);
    expect(notices[0]!.text).to.include(s.code).and.include('样品什么时候确认？');
    expect(notices[1]!.text).to.match(/^⚠️ Эскалация/);
    // Answered: nothing more, and a new wait starts a new round.
    await mirror.ingest(msg('sup-esc', 'bot', '2026-11-24T11:05:00Z'));
    await mirror.flush();
    expect(await escalateUnanswered(at('2026-11-24T15:00:00Z'), 60)).to.equal(0);
  });

  it('without a backup the head of purchasing is told; a strategic supplier’s overdue notice also reaches the head', async () => {
    const head = await Manager.create({ name: 'Head', wechatId: 'mgr-head', role: 'head', timezone: 'UTC' });
    const main = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', timezone: 'UTC' });
    const mirror = createMirror();
    await mirror.ingest(msg('sup-head', 'supplier', '2026-11-24T09:00:00Z'));
    await mirror.flush();
    const s = await supplierOfChat('sup-head');
    await Supplier.updateOne({ _id: s._id }, { $set: { managerId: main._id, segment: 'strategic' } });
    expect(await escalateUnanswered(at('2026-11-24T10:01:00Z'), 30)).to.equal(2);
    expect((await Notice.find({}).lean()).map((n) => n.to).sort()).to.deep.equal(['dm:mgr-anna', 'dm:mgr-head']);
    await Notice.deleteMany({});
    await makeOrder(s.code, { number: 'PO-STRAT', managerId: String(main._id), planned: plannedChain(at('2026-11-01T00:00:00Z')) });
    await scanOverdue(at('2026-11-24T09:00:00Z'));
    const to = (await Notice.find({ kind: 'overdue' }).lean()).map((n) => n.to);
    expect(to).to.include('dm:mgr-head');
    expect(to).to.include('dm:mgr-anna');
    expect(String(head._id)).to.be.a('string');
  });
});

describe('performance: manager benchmarking', function () {
  this.timeout(30_000);

  it('ranks managers by overdue open, then overdue resolved in time, then reply time', async () => {
    const a = await Manager.create({ name: 'Anna' });
    const b = await Manager.create({ name: 'Boris' });
    await Supplier.create({ code: 'R01', name: '甲厂' });
    const now = new Date();
    // Boris has an order overdue now; Anna resolved one late milestone within 3 days.
    await makeOrder('R01', { number: 'PO-R-B', managerId: String(b._id), planned: plannedChain(new Date(now.getTime() - 20 * 86_400_000)) });
    const o = await makeOrder('R01', { number: 'PO-R-A', managerId: String(a._id), planned: plannedChain(new Date(now.getTime() - 3 * 86_400_000), 30) });
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, by: 'manager:a', now });
    const rows = await managerRanking(periodOf(now), now);
    expect(rows.map((r) => [r.name, r.rank])).to.deep.equal([
      ['Anna', 1],
      ['Boris', 2],
    ]);
    expect(rows[0]).to.include({ resolved: 1, resolvedInTime: 1, overdueOpen: 0 });
    expect(rows[1]!.overdueOpen).to.equal(1);
  });
});

describe('performance: incremental figures equal a full recomputation', function () {
  this.timeout(120_000);

  it('on a generated data set of orders, milestone updates, customs and messages', async () => {
    let r = 42;
    const rnd = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    const managers = await Promise.all(['M1', 'M2'].map((n) => Manager.create({ name: n, timezone: pick(['UTC', 'Europe/Moscow']) })));
    const mirror = createMirror();
    const chats = ['g1', 'g2', 'g3', 'g4'];
    // Day one: a person sorted these contacts as suppliers before they wrote.
    for (const c of chats) await Contact.create({ wechatId: c, name: `联系人 ${c}`, status: 'unsorted' });
    await sortAllAsSuppliers();
    // Conversations over three weeks, in order, through the mirror.
    let t = Date.parse('2026-10-26T01:00:00Z');
    for (let i = 0; i < 160; i++) {
      t += Math.floor(rnd() * 10 * 3600_000);
      await mirror.ingest(msg(pick(chats), rnd() < 0.5 ? 'supplier' : 'bot', new Date(t).toISOString()));
      if (i === 10) {
        await mirror.flush();
        for (const c of chats) {
          const s = await Thread.findOne({ key: `dm:${c}` }).lean();
          if (s?.supplierId) await Supplier.updateOne({ _id: s.supplierId }, { $set: { managerId: pick(managers)._id } });
        }
      }
    }
    await mirror.flush();
    const suppliers = await Supplier.find({}).lean();
    expect(suppliers.length).to.be.greaterThan(2);
    const orders: OrderDoc[] = [];
    for (let i = 0; i < 14; i++) {
      const s = pick(suppliers);
      orders.push(
        await makeOrder(s.code, {
          number: `PO-G-${i}`,
          managerId: String(pick(managers)._id),
          planned: plannedChain(new Date(Date.UTC(2026, 9, 1 + Math.floor(rnd() * 40))), 5 + Math.floor(rnd() * 5)),
        }),
      );
    }
    const now = at('2026-12-20T10:00:00Z');
    const { MILESTONES } = await import('../../shared/orders/index.js');
    for (let i = 0; i < 60; i++) {
      const o = pick(orders);
      const m = pick(MILESTONES.slice(0, 6));
      const roll = rnd();
      const day = new Date(Date.UTC(2026, 9, 1 + Math.floor(rnd() * 70)));
      if (roll < 0.5) await updateMilestone({ orderId: o._id, milestone: m, done: true, actual: day, by: 'manager:g', now });
      else if (roll < 0.7) await updateMilestone({ orderId: o._id, milestone: m, planned: day, reason: 'slip', by: 'manager:g', now }).catch(() => undefined);
      else if (roll < 0.8) await updateMilestone({ orderId: o._id, milestone: m, done: false, by: 'manager:g', now });
      else await reportCustoms({ orderId: o._id, status: rnd() < 0.6 ? 'held' : 'cleared', reason: 'check', by: 'manager:g', now }).catch(() => undefined);
    }
    const snapshot = async () => ({
      s: (await SupplierKpi.find({}).lean()).map(norm).sort(byKey),
      m: (await ManagerKpi.find({}).lean()).map(norm).sort(byKey),
    });
    const incremental = await snapshot();
    expect(incremental.s.some((d) => (d.rt as number[]).length > 0)).to.equal(true);
    expect(incremental.s.some((d) => d.msDone)).to.equal(true);
    const res = await reconcileKpis({ settings: DEFAULT_SETTINGS, now });
    expect(res.suppliers).to.equal(suppliers.length);
    const recomputed = await snapshot();
    expect(incremental).to.deep.equal(recomputed);
  });
});

function norm(d: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === '_id' || k === 'at') continue;
    if (k === 'rt') {
      if ((v as number[]).length) out[k] = [...(v as number[])].sort((a, b) => a - b);
    } else if (v && typeof v === 'object' && !(v instanceof Types.ObjectId) && !(v instanceof Date)) {
      const o = Object.fromEntries(Object.entries(v as Record<string, number>).filter(([, n]) => n !== 0));
      out[k] = o;
    } else if (v !== 0) out[k] = v instanceof Types.ObjectId ? String(v) : v;
  }
  return out;
}
const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => `${a.supplierId ?? a.managerId}${a.period}`.localeCompare(`${b.supplierId ?? b.managerId}${b.period}`);

describe('performance: API and /kpi', function () {
  this.timeout(30_000);

  it('scorecard, history for charts, segment with history, routing, ranking; /kpi answers in the manager’s language', async () => {
    const config = testConfig();
    const { manager, token } = await makeManager(config, { wechatId: 'mgr-kpi', language: 'ru' });
    const other = await Manager.create({ name: 'Boris' });
    const s = await Supplier.create({ code: 'A07', name: '东莞五金' });
    const o = await makeOrder('A07', { number: 'PO-API-1', planned: plannedChain(at('2026-11-02T00:00:00Z')) });
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, actual: at('2026-11-05T00:00:00Z'), by: 'manager:t', now: at('2026-11-24T00:00:00Z') });
    const agent = supertest(createApp({ config, clock: () => at('2026-11-24T08:00:00Z') }).callback());
    const auth = { Authorization: `Bearer ${token}` };
    const sc = await agent.get('/api/suppliers/A07/scorecard?period=2026-11').set(auth);
    expect(sc.status).to.equal(200);
    expect(sc.body).to.include({ code: 'A07', localTime: '16:00', class: 'D' });
    expect(sc.body.kpis).to.include({ milestonesDone: 1, onTimeRate: 0, avgDaysLate: 3 });
    const hist = await agent.get('/api/suppliers/A07/scorecards?months=3&until=2026-11').set(auth);
    expect(hist.body.items.map((i: { period: string }) => i.period)).to.deep.equal(['2026-09', '2026-10', '2026-11']);
    expect((await agent.get('/api/suppliers/A07/scorecard?period=2026-13').set(auth)).status).to.equal(400);
    const seg = await agent.put('/api/suppliers/A07/segment').set(auth).send({ segment: 'problem', reason: 'late samples' });
    expect(seg.body.changed).to.equal(true);
    const sh = await agent.get('/api/suppliers/A07/segment-history').set(auth);
    expect(sh.body.items[0]).to.include({ from: 'new', to: 'problem', reason: 'late samples' });
    const route = await agent
      .put('/api/suppliers/A07/routing')
      .set(auth)
      .send({ managerId: String(manager._id), backupManagerId: String(other._id) });
    expect(route.body).to.include({ managerId: String(manager._id), backupManagerId: String(other._id) });
    const same = await agent
      .put('/api/suppliers/A07/routing')
      .set(auth)
      .send({ managerId: String(manager._id), backupManagerId: String(manager._id) });
    expect(same.status).to.equal(400);
    const rank = await agent.get('/api/managers/ranking?period=2026-11').set(auth);
    expect(rank.body.items.map((i: { name: string }) => i.name)).to.have.members(['Anna', 'Boris']);

    const handle = createCommandHandler({
      weights: DEFAULT_SETTINGS.weights,
      translation: { translateText: async () => ({ text: '', source: 'unchanged', from: 'zh' }) },
      sendToChat: async () => undefined,
      clock: () => at('2026-11-24T08:00:00Z'),
    });
    const m = await Message.create({
      threadId: new Types.ObjectId(),
      puppetId: 'kpi-cmd',
      dedupeKey: 'kpi-cmd',
      direction: 'in',
      senderWechatId: 'mgr-kpi',
      senderKind: 'manager',
      text: '/kpi a07 2026-11',
      ts: at('2026-11-24T07:59:00Z'),
    });
    const out = await handle({ message: m.toObject() });
    expect(out.status).to.equal('done');
    expect(out.reply)
      .to.match(/^A07 东莞五金 · 2026-11: класс D/)
      .and.include('В срок 0\u00a0% из 1'); // the Russian locale: a no-break space before %
    expect(String(s._id)).to.be.a('string');
  });
});
