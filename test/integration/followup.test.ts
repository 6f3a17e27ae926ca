// Follow-up a 跟单 can trust (#22): every milestone watched, owner sides, "needs a date",
// customs clear, baselines in the KPIs, supplier changes and claim answers reaching the manager
// translated. Real database, injected clocks, the fake TMT behind the real SDK, supertest.
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { answerClaim, fileClaim } from '../../shared/claims/index.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice, createDeliveryWorker, DEFAULT_PACING } from '../../shared/notices/index.js';
import { Order, createOrder, reconcileScanFields, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import { SupplierKpi } from '../../shared/performance/index.js';
import { scanOverdue, scanPreShipment, scanReadiness, scanUndated } from '../../shared/scheduler/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { Thread } from '../../shared/threads/index.js';
import type { TranslationService } from '../../shared/translation/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { tmtTranslation } from '../support/translation.js';
import { makeManager, makeOrder, makeSupplierSession, plannedChain, testConfig } from '../support/api.js';
import { wireTestReactions } from '../support/reactions.js';
import { recordingMessenger } from '../support/messenger.js';

const at = (iso: string) => new Date(iso);
const day = (s: string) => new Date(`${s}T00:00:00Z`);

async function supplierWithChat(name = '奥吉电器', wechat = 'sup-wang') {
  const s = await createSupplier({ name, wechatIds: [wechat] });
  await Thread.create({ key: `dm:${wechat}`, kind: 'dm', contactWechatId: wechat, supplierId: s._id, lastMessageAt: new Date() });
  return s;
}

describe('follow-up: every milestone watched', function () {
  this.timeout(30_000);

  it('a third milestone late while the first is done (and the second on time) is noticed', async () => {
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await supplierWithChat();
    // confirmed done; materials planned later; production_start already late.
    const o = await createOrder(
      {
        number: 'PO-3RD',
        supplierCode: s.code,
        managerId: String(mgr._id),
        lines: [{ item: 'Fan 40W', qty: 10, unitPrice: '3.00', currency: 'USD' }],
        planned: { confirmed: day('2026-11-01'), materials: day('2026-12-10'), production_start: day('2026-11-18') },
      },
      'test',
      at('2026-11-01T00:00:00Z'),
    );
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, by: 'test', now: at('2026-11-02T09:00:00Z') });
    expect((await Order.findOne({ _id: o._id }).lean())!.dueDay).to.equal('2026-11-18'); // the earliest undone planned day
    const r = await scanOverdue(at('2026-11-24T09:00:00Z'));
    expect(r.enqueued).to.equal(2);
    const texts = (await Notice.find({ kind: 'overdue' }).lean()).map((n) => n.text);
    expect(texts.find((t) => t.startsWith('⏰')))
      .to.include('production start planned 2026-11-18 is 6 day(s) late')
      .and.include('Fan 40W')
      .and.include('Responsible: Anna');
    expect(texts.find((t) => t.startsWith('【Gendan')))
      .to.include('开始生产')
      .and.include('已逾期 6 天');
    // Two milestones late at once: ONE message each to the supplier chat and to the manager,
    // listing both; one done, the waiting messages are replaced by one about the other alone.
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.materials.planned': day('2026-11-20'), dueDay: '2026-11-18' } });
    expect((await scanOverdue(at('2026-11-25T09:00:00Z'))).enqueued).to.equal(2);
    const both = (await Notice.find({ kind: 'overdue', status: 'queued' }).lean()).filter((n) => n.key.includes(':2026-11-25:'));
    expect(both).to.have.length(2);
    const toManager = both.find((n) => n.to === 'dm:mgr-anna')!.text;
    expect(toManager).to.include('PO-3RD').and.include('2 milestones late');
    expect(toManager).to.include('• materials planned 2026-11-20 is 5 day(s) late').and.include('• production start planned 2026-11-18 is 7 day(s) late');
    const toSupplier = both.find((n) => n.to === 'dm:sup-wang')!.text;
    expect(toSupplier).to.include('有 2 个节点已逾期').and.include('「原材料采购」计划日期 2026-11-20，已逾期 5 天').and.include('「开始生产」计划日期 2026-11-18，已逾期 7 天');
    expect((await scanOverdue(at('2026-11-25T09:15:00Z'))).enqueued).to.equal(0); // the scan runs every 15 min: once a day
    await updateMilestone({ orderId: o._id, milestone: 'production_start', done: true, by: 'test', now: at('2026-11-25T10:00:00Z') });
    expect((await scanOverdue(at('2026-11-25T10:15:00Z'))).enqueued).to.equal(2);
    const queued = await Notice.find({ status: 'queued' }).lean();
    expect(queued).to.have.length(2);
    expect(queued.every((n) => n.key.split(':')[3] === 'materials' && !n.text.includes('开始生产') && !n.text.includes('production start'))).to.equal(true);
  });

  it('orders stored before (dueDay of the first unfinished milestone, no undated flag) are repaired by the nightly upkeep', async () => {
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await supplierWithChat();
    const o = await createOrder({ number: 'PO-OLD', supplierCode: s.code, managerId: String(mgr._id), planned: { confirmed: day('2026-12-20'), materials: day('2026-11-18') } }, 'test');
    await Order.updateOne({ _id: o._id }, { $set: { dueDay: '2026-12-20' }, $unset: { undated: 1 } }); // as the old code stored it
    expect(await reconcileScanFields()).to.equal(1);
    expect(await reconcileScanFields()).to.equal(0);
    const fixed = (await Order.findOne({ _id: o._id }).lean())!;
    expect([fixed.dueDay, fixed.undated]).to.deep.equal(['2026-11-18', true]);
    expect((await scanOverdue(at('2026-11-24T09:00:00Z'))).enqueued).to.equal(2);
  });

  it('an open order with milestones lacking a date is listed to its manager once a day', async () => {
    const mgr = await Manager.create({ name: 'Oleg', wechatId: 'mgr-oleg', language: 'ru', timezone: 'UTC' });
    const s = await supplierWithChat();
    await createOrder({ number: 'PO-NODATE', supplierCode: s.code, managerId: String(mgr._id), planned: plannedChain(day('2026-12-01')) }, 'test');
    const undated = await createOrder({ number: 'PO-UNDATED', supplierCode: s.code, managerId: String(mgr._id), planned: { confirmed: day('2026-12-01') } }, 'test');
    expect((await Order.findOne({ _id: undated._id }).lean())!.undated).to.equal(true);
    expect(await scanUndated(at('2026-11-24T09:00:00Z'))).to.equal(1);
    expect(await scanUndated(at('2026-11-24T15:00:00Z'))).to.equal(0); // once a day
    const n = (await Notice.findOne({ kind: 'undated' }).lean())!;
    expect(n.to).to.equal('dm:mgr-oleg');
    expect(n.text).to.include('Нужна дата (1)').and.include('PO-UNDATED').and.include('закупка сырья').and.not.include('PO-NODATE');
    expect(await scanUndated(at('2026-11-25T09:00:00Z'))).to.equal(1); // the next day again
  });

  it('a buyer-side stage late reaches the manager only; customs clear completes it and stops its reminders', async () => {
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await supplierWithChat();
    const planned = plannedChain(day('2026-10-01'));
    planned.customs_cleared = day('2026-11-20');
    planned.delivered = day('2026-12-20');
    const o = await createOrder({ number: 'PO-BUYER', supplierCode: s.code, managerId: String(mgr._id), planned }, 'test');
    for (const m of ['confirmed', 'materials', 'production_start', 'production_done', 'inspection', 'shipped'] as const) {
      await updateMilestone({ orderId: o._id, milestone: m, done: true, by: 'test', now: at('2026-11-10T09:00:00Z') });
    }
    expect((await scanOverdue(at('2026-11-24T09:00:00Z'))).enqueued).to.equal(1);
    const n = (await Notice.find({ kind: 'overdue' }).lean())!;
    expect(n.map((x) => x.to)).to.deep.equal(['dm:mgr-anna']); // never the factory's chat
    expect(n[0]!.text).to.include('customs cleared');
    // The next morning's reminder is queued while the manager sleeps; /customs clear completes the milestone.
    await Manager.updateOne({ _id: mgr._id }, { $set: { timezone: 'Asia/Tokyo' } });
    await scanOverdue(at('2026-11-25T16:00:00Z')); // 01:00 in Tokyo: waits for the morning
    expect(await Notice.countDocuments({ status: 'queued' })).to.be.greaterThan(0);
    const res = await reportCustoms({ orderId: o._id, status: 'cleared', by: `manager:${mgr._id}`, now: at('2026-11-25T17:00:00Z') });
    expect(res.order.milestones.customs_cleared.status).to.equal('done');
    expect(res.order.dueDay).to.equal('2026-12-20');
    await scanOverdue(at('2026-11-25T17:15:00Z'));
    expect(await Notice.countDocuments({ status: 'queued' })).to.equal(0);
    expect((await scanOverdue(at('2026-11-26T09:00:00Z'))).enqueued).to.equal(0);
  });
});

describe('follow-up: supplier changes reach the manager, translated', function () {
  this.timeout(40_000);
  let tmt: TmtFake;
  let svc: TranslationService;

  beforeEach(async () => {
    tmt = await startTmtFake();
    ({ translation: svc } = tmtTranslation(tmt, { failFast: true }));
    wireTestReactions({ translation: svc });
  });
  afterEach(async () => {
    wireTestReactions();
    await svc.stop();
    await tmt.close();
  });

  it('a supplier moves a date in the mini-program: the manager is told once (batched), translated; the KPI counts against the baseline', async () => {
    const config = testConfig();
    let now = at('2026-11-24T09:00:00Z');
    const agent = request(createApp({ config, clock: () => now }).callback());
    const { manager, token: mgrToken } = await makeManager(config, { wechatId: 'mgr-anna', language: 'en' });
    const sup = await makeSupplierSession(config);
    const o = await makeOrder(sup.supplier.code, { managerId: String(manager._id), planned: plannedChain(day('2026-11-20')) });
    const auth = `Bearer ${sup.token}`;
    const materials = o.milestones.materials.planned!.toISOString().slice(0, 10); // 2026-11-27
    await agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', auth).send({ planned: '2026-12-04', reason: '原材料到货延迟' }).expect(200);
    now = at('2026-11-24T09:20:00Z');
    await agent.post(`/api/mp/orders/${o._id}/milestones/confirmed`).set('Authorization', auth).send({ done: true, actual: '2026-11-24' }).expect(200);
    // One message so far: the first change goes at once, the second waits in it (one per order and hour).
    const notices = await Notice.find({ kind: 'supplier_change' }).lean();
    expect(notices).to.have.length(1);
    const text = notices[0]!.text;
    expect(notices[0]!.to).to.equal('dm:mgr-anna');
    expect(text).to.include(`materials: date moved ${materials} → 2026-12-04`).and.include('〔en〕原材料到货延迟').and.include('(原材料到货延迟)');
    expect(text).to.include('confirmed: done 2026-11-24');
    const m = recordingMessenger();
    const worker = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    await worker.tick(at('2026-11-24T09:30:00Z'));
    expect(m.sent.filter((x) => x.to === 'dm:mgr-anna')).to.have.length(1);
    // Another change within the hour after that send: queued for the next slot, not sent now.
    now = at('2026-11-24T09:40:00Z');
    await agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', auth).send({ planned: '2026-12-06', reason: '再推迟两天' }).expect(200);
    await worker.tick(at('2026-11-24T09:45:00Z'));
    expect(m.sent.filter((x) => x.to === 'dm:mgr-anna')).to.have.length(1);
    await worker.tick(at('2026-11-24T10:31:00Z'));
    expect(m.sent.filter((x) => x.to === 'dm:mgr-anna')).to.have.length(2);
    expect(m.sent[1]!.text).to.include('2026-12-04 → 2026-12-06');
    // The console's notification list: the manager's own, newest first.
    const mine = await agent.get('/api/notifications').set('Authorization', `Bearer ${mgrToken}`).expect(200);
    expect(mine.body.items.map((n: { kind: string }) => n.kind)).to.deep.equal(['supplier_change', 'supplier_change']);
    // The manager's view: baseline kept, reason translated beside the original.
    const view = await agent.get(`/api/orders/${o._id}`).set('Authorization', `Bearer ${mgrToken}`).expect(200);
    const ms = view.body.milestones.find((x: { name: string }) => x.name === 'materials');
    expect(ms).to.deep.include({ planned: '2026-12-06', baseline: materials, replanned: 2, reason: '再推迟两天', reasonTranslated: '〔en〕再推迟两天', owner: 'supplier' });
    // Done on the moved date: late against the baseline, the moves counted apart.
    now = at('2026-12-06T09:00:00Z');
    await agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', auth).send({ done: true, actual: '2026-12-06' }).expect(200);
    const kpi = await SupplierKpi.findOne({ supplierId: sup.supplier._id, period: '2026-12' }).lean();
    expect(kpi).to.deep.include({ msDone: 1, msLate: 1, msDaysLate: 9 });
    expect(kpi!.msOnTime ?? 0).to.equal(0);
    expect(kpi!.msReplanned).to.equal(2);
  });

  it("a supplier's note alone is translated for the manager's view, not messaged; a customs problem is", async () => {
    const config = testConfig();
    const { manager, token } = await makeManager(config, { wechatId: 'mgr-oleg', language: 'ru' });
    const s = await createSupplier({ name: '工厂' });
    const o = await makeOrder(s.code, { managerId: String(manager._id) });
    await updateMilestone({ orderId: o._id, milestone: 'materials', note: '布料已订购', by: 'supplier:openid-x' });
    expect(await Notice.countDocuments({ kind: 'supplier_change' })).to.equal(0);
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    await reportCustoms({ orderId: o._id, status: 'held', reason: '海关查验', expectedDate: day('2026-12-01'), by: 'supplier:openid-x' });
    const n = (await Notice.findOne({ kind: 'supplier_change' }).lean())!;
    expect(n.text).to.include('таможня: проблема, ожидается 2026-12-01').and.include('〔ru〕海关查验').and.include('(海关查验)');
    const agent = request(createApp({ config }).callback());
    const view = await agent.get(`/api/orders/${o._id}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(view.body.milestones.find((x: { name: string }) => x.name === 'materials')).to.deep.include({ note: '布料已订购', noteTranslated: '〔ru〕布料已订购' });
    expect(view.body.customsDetail).to.deep.include({ reason: '海关查验', reasonTranslated: '〔ru〕海关查验' });
  });

  it("a manager's own change tells nobody", async () => {
    const config = testConfig();
    const { manager } = await makeManager(config, { wechatId: 'mgr-anna' });
    const s = await createSupplier({ name: '工厂' });
    const o = await makeOrder(s.code, { managerId: String(manager._id) });
    await updateMilestone({ orderId: o._id, milestone: 'materials', planned: day('2026-12-30'), reason: 'buyer asked', by: `manager:${manager._id}` });
    expect(await Notice.countDocuments({ kind: 'supplier_change' })).to.equal(0);
  });

  it('a claim answered in Chinese reaches the manager translated, the original beside it', async () => {
    const config = testConfig();
    const { manager, token } = await makeManager(config, { wechatId: 'mgr-oleg', language: 'ru' });
    const sup = await makeSupplierSession(config);
    const o = await makeOrder(sup.supplier.code, { managerId: String(manager._id) });
    const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 5, description: '外壳破损' }, { id: String(manager._id) }, undefined);
    await answerClaim(String(c._id), { kind: 'supplier', supplierId: String(sup.supplier._id), openid: sup.openid }, { decision: 'dispute', text: '运输途中损坏，不是我们的责任' });
    const n = (await Notice.findOne({ kind: 'claim_answer' }).lean())!;
    expect(n.to).to.equal('dm:mgr-oleg');
    expect(n.text).to.include('оспаривает').and.include('〔ru〕运输途中损坏，不是我们的责任').and.include('(运输途中损坏，不是我们的责任)');
    const agent = request(createApp({ config }).callback());
    const view = await agent.get(`/api/claims/${c._id}`).set('Authorization', `Bearer ${token}`).expect(200);
    expect(view.body.answer).to.deep.include({ text: '运输途中损坏，不是我们的责任', textTranslated: '〔ru〕运输途中损坏，不是我们的责任' });
  });
});

describe('follow-up: milestone photos viewable', function () {
  this.timeout(30_000);
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

  it('a photo the supplier uploads opens for its manager and for itself, for nobody else', async () => {
    const config = testConfig();
    const agent = request(createApp({ config, clock: () => at('2026-11-24T09:00:00Z') }).callback());
    const { manager, token: mgr } = await makeManager(config, { seesAll: false });
    const { token: stranger } = await makeManager(config, { name: 'Other', seesAll: false });
    const sup = await makeSupplierSession(config);
    const other = await makeSupplierSession(config);
    const o = await makeOrder(sup.supplier.code, { managerId: String(manager._id) });
    const up = await agent.post(`/api/mp/orders/${o._id}/milestones/inspection/photos`).set('Authorization', `Bearer ${sup.token}`).attach('photo', PNG, 'qc.png').expect(201);
    const id = up.body.photo.id as string;
    // The order view lists it (the console shows it as a thumbnail from this route).
    const view = await agent.get(`/api/orders/${o._id}`).set('Authorization', `Bearer ${mgr}`).expect(200);
    expect(view.body.milestones.find((m: { name: string }) => m.name === 'inspection').photos.map((p: { id: string }) => p.id)).to.deep.equal([id]);
    const got = await agent
      .get(`/api/orders/${o._id}/milestones/inspection/photos/${id}`)
      .set('Authorization', `Bearer ${mgr}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(got.headers['content-type']).to.equal('image/png');
    expect(Buffer.compare(got.body as Buffer, PNG)).to.equal(0);
    await agent.get(`/api/mp/orders/${o._id}/milestones/inspection/photos/${id}`).set('Authorization', `Bearer ${sup.token}`).expect(200);
    // Not theirs: "not found", never the bytes.
    await agent.get(`/api/mp/orders/${o._id}/milestones/inspection/photos/${id}`).set('Authorization', `Bearer ${other.token}`).expect(404);
    await agent.get(`/api/orders/${o._id}/milestones/inspection/photos/${id}`).set('Authorization', `Bearer ${stranger}`).expect(404);
    await agent.get(`/api/orders/${o._id}/milestones/materials/photos/${id}`).set('Authorization', `Bearer ${mgr}`).expect(404); // another milestone
    await agent.get(`/api/orders/${o._id}/milestones/inspection/photos/${id}`).expect(401);
  });
});

describe('follow-up: pre-shipment readiness', function () {
  this.timeout(30_000);

  it('the supplier answers "not ready" in the mini-program: the manager is told, the shipment date moves; silence is reported after a working day', async () => {
    const config = testConfig();
    const { manager } = await makeManager(config, { wechatId: 'mgr-anna', language: 'en' });
    const sup = await makeSupplierSession(config);
    await Thread.create({ key: 'dm:sup-ready', kind: 'dm', contactWechatId: 'sup-ready', supplierId: sup.supplier._id, lastMessageAt: new Date() });
    const planned = plannedChain(day('2026-10-20')); // shipped: five weeks later, 2026-11-24
    const a = await createOrder({ number: 'PO-READY-A', supplierCode: sup.supplier.code, managerId: String(manager._id), planned }, 'test');
    const b = await createOrder({ number: 'PO-READY-B', supplierCode: sup.supplier.code, managerId: String(manager._id), planned }, 'test');
    const ship = a.milestones.shipped.planned!;
    const asked = new Date(ship.getTime() - 7 * 86_400_000 + 3 * 3600_000); // a week before, 03:00 UTC
    expect(await scanPreShipment(asked)).to.equal(2);
    expect((await Order.findOne({ _id: a._id }).lean())!.readinessDue).to.be.a('string');
    let now = new Date(asked.getTime() + 3600_000);
    const agent = request(createApp({ config, clock: () => now }).callback());
    const newDate = new Date(ship.getTime() + 5 * 86_400_000).toISOString().slice(0, 10);
    const res = await agent.post(`/api/mp/orders/${a._id}/readiness`).set('Authorization', `Bearer ${sup.token}`).send({ ready: false, date: newDate, note: '包装材料未到' }).expect(200);
    expect(res.body.order.readiness).to.deep.include({ answer: 'not_ready', date: newDate, note: '包装材料未到' });
    expect(res.body.order.milestones.find((m: { name: string }) => m.name === 'shipped')).to.deep.include({ planned: newDate, baseline: ship.toISOString().slice(0, 10) });
    const told = await Notice.find({ kind: 'supplier_change' }).lean();
    expect(told).to.have.length(1); // the answer and the date move in one message
    expect(told[0]!.text)
      .to.include('shipment readiness: NOT ready, new date ' + newDate)
      .and.include(`shipped: date moved ${ship.toISOString().slice(0, 10)} → ${newDate}`);
    // B never answered: after the next working day the manager hears "no answer", once; A is not reported.
    now = new Date(asked.getTime() + 4 * 86_400_000);
    expect(await scanReadiness(now)).to.equal(1);
    expect(await scanReadiness(now)).to.equal(0);
    const silent = (await Notice.findOne({ key: { $regex: '^readiness-silent:' } }).lean())!;
    expect(silent.to).to.equal('dm:mgr-anna');
    expect(silent.text).to.include('PO-READY-B').and.include('no answer about readiness');
    expect(String(silent.orderId)).to.equal(String(b._id));
  });
});
