// Claims on the real database: every allowed and every forbidden transition, who may make each,
// concurrent moves (one winner), supplier scoping in the mini-program API, the /claim command
// reaching the supplier chat in Chinese through the bot, daily reminders, and the KPIs.
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import {
  Claim, CLAIM_STATUSES, TRANSITIONS, claimStats, fileClaim, moveClaim, scanClaimReminders, type Actor, type ClaimStatus,
} from '../../shared/claims/index.js';
import { createCommandHandler } from '../../shared/commands/index.js';
import { AppError } from '../../shared/errors/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createDeliveryWorker, Notice } from '../../shared/notices/index.js';
import { periodOf, reconcileKpis, SupplierKpi, supplierScorecard } from '../../shared/performance/index.js';
import { Message, Thread } from '../../shared/threads/index.js';
import { makeManager, makeOrder, makeSupplierSession, testConfig } from '../support/api.js';
import { startTestBot, waitForMessages } from '../support/bot.js';

const MGR = { id: '5f00000000000000000000aa' };

async function claimFor(status: ClaimStatus = 'sent') {
  const config = testConfig();
  const sup = await makeSupplierSession(config);
  const o = await makeOrder(sup.supplier.code);
  const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 5, amount: '50.00', currency: 'USD', description: '外壳破损' }, MGR, undefined);
  if (status !== 'sent') await Claim.updateOne({ _id: c._id }, { $set: { status } });
  const supplier: Actor = { kind: 'supplier', supplierId: String(sup.supplier._id), openid: sup.openid };
  return { c, sup, supplier, o, config };
}

const manager: Actor = { kind: 'manager', id: MGR.id };
const optsFor = (to: ClaimStatus) => ({
  reason: 'because',
  settlement: to === 'settled' ? { kind: 'credit_note' as const, amount: '50.00', currency: 'USD' } : undefined,
  answer: to === 'supplier_answered' ? { decision: 'accept' as const } : undefined,
});

describe('claims: transitions', function () {
  this.timeout(60_000);

  it('every allowed transition succeeds with a history entry; every forbidden one is a clear error and changes nothing', async () => {
    let allowed = 0;
    let forbidden = 0;
    for (const from of CLAIM_STATUSES) {
      for (const to of CLAIM_STATUSES) {
        const { c, supplier } = await claimFor(from);
        const before = (await Claim.findOne({ _id: c._id }).lean())!;
        const who = TRANSITIONS[from][to];
        if (who) {
          const after = await moveClaim(String(c._id), to, who === 'manager' ? manager : supplier, optsFor(to));
          expect(after.status, `${from}→${to}`).to.equal(to);
          expect(after.version).to.equal(before.version + 1);
          expect(after.history.at(-1)).to.include({ from, to });
          allowed++;
        } else {
          for (const actor of [manager, supplier]) {
            let err: unknown;
            await moveClaim(String(c._id), to, actor, optsFor(to)).catch((e) => (err = e));
            expect(err, `${from}→${to} must fail`).to.be.instanceOf(AppError);
            expect((err as AppError).message).to.match(/cannot go from|only the/);
          }
          expect(await Claim.findOne({ _id: c._id }).lean()).to.deep.equal(before);
          forbidden++;
        }
      }
    }
    expect(allowed).to.equal(11); // the edges of TRANSITIONS
    expect(forbidden).to.equal(64 - 11);
  });

  it('only the side named in the table makes a move: a supplier cannot agree, a manager cannot answer for the supplier', async () => {
    const { c, supplier } = await claimFor('supplier_answered');
    const e1 = await moveClaim(String(c._id), 'agreed', supplier).catch((e: Error) => e);
    expect((e1 as Error).message).to.match(/only the manager/);
    const { c: c2 } = await claimFor('sent');
    const e2 = await moveClaim(String(c2._id), 'supplier_answered', manager, { answer: { decision: 'accept' } }).catch((e: Error) => e);
    expect((e2 as Error).message).to.match(/only the supplier/);
    const e3 = await moveClaim(String(c._id), 'disputed', manager, {}).catch((e: Error) => e);
    expect((e3 as Error).message).to.match(/reason is required/);
    const { c: c3 } = await claimFor('agreed');
    const e4 = await moveClaim(String(c3._id), 'settled', manager, {}).catch((e: Error) => e);
    expect((e4 as Error).message).to.match(/settlement kind/);
    expect((await Claim.findOne({ _id: c3._id }).lean())!.status).to.equal('agreed');
  });

  it('ten concurrent moves of one claim: exactly one wins, the others get a conflict', async () => {
    const { c } = await claimFor('agreed');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => moveClaim(String(c._id), 'settled', manager, optsFor('settled'))));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(9);
    expect(rejected.every((r) => /changed by someone else|cannot go from settled/.test((r.reason as Error).message))).to.equal(true);
    const saved = (await Claim.findOne({ _id: c._id }).lean())!;
    expect(saved.history.filter((h) => h.to === 'settled')).to.have.length(1);
    expect(saved.version).to.equal(1);
  });

  it('numbers claims per PO and refuses bad input before anything is stored', async () => {
    const { c, o } = await claimFor();
    const second = await fileClaim({ orderId: String(o._id), type: 'shortage', qty: 1, description: 'one box short' }, MGR, undefined);
    expect(c.number).to.equal(`CL-${o.number}-1`);
    expect(second.number).to.equal(`CL-${o.number}-2`);
    for (const bad of [{ qty: 0 }, { amount: '10' }, { amount: '-3', currency: 'USD' }, { line: 7 }]) {
      const err = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 1, description: 'x', ...bad } as never, MGR, undefined).catch((e: Error) => e);
      expect(err).to.be.instanceOf(AppError);
    }
    expect(await Claim.countDocuments({})).to.equal(2);
  });
});

describe('claims: API scoping and validation', function () {
  this.timeout(30_000);

  it('a supplier sees and answers only its own claims; managers file and move them over HTTP', async () => {
    const config = testConfig();
    const { token } = await makeManager(config);
    const a = await makeSupplierSession(config);
    const b = await makeSupplierSession(config);
    const oa = await makeOrder(a.supplier.code, { number: 'PO-CL-A' });
    await makeOrder(b.supplier.code, { number: 'PO-CL-B' });
    const agent = supertest(createApp({ config }).callback());
    const auth = { Authorization: `Bearer ${token}` };
    const filed = await agent.post('/api/claims').set(auth).send({ orderNumber: 'PO-CL-A', line: 1, type: 'shortage', qty: 20, amount: '250.00', currency: 'USD', description: '两箱短缺' });
    expect(filed.status).to.equal(201);
    expect(filed.body).to.include({ status: 'sent', orderNumber: 'PO-CL-A', item: 'Motor 220V', qty: 20 });
    const bad = await agent.post('/api/claims').set(auth).send({ orderNumber: 'PO-CL-A', type: 'shortage', qty: 2, amount: '1', description: 'x' });
    expect(bad.status).to.equal(400);
    expect((await agent.post('/api/claims').set(auth).send({ orderNumber: 'PO-CL-A', type: 'theft', qty: 2, description: 'x' })).status).to.equal(400);
    expect((await agent.post('/api/claims').set(auth).send({ orderNumber: 'PO-NOPE', type: 'defect', qty: 2, description: 'x' })).status).to.equal(404);

    const listA = await agent.get('/api/mp/claims').set('Authorization', `Bearer ${a.token}`);
    expect(listA.body.items.map((i: { number: string }) => i.number)).to.deep.equal([filed.body.number]);
    expect(listA.body.items[0]).not.to.have.property('managerId');
    const listB = await agent.get('/api/mp/claims').set('Authorization', `Bearer ${b.token}`);
    expect(listB.body.items).to.deep.equal([]);
    expect((await agent.get(`/api/mp/claims/${filed.body.id}`).set('Authorization', `Bearer ${b.token}`)).status).to.equal(404);
    const steal = await agent.post(`/api/mp/claims/${filed.body.id}/answer`).set('Authorization', `Bearer ${b.token}`).send({ decision: 'accept' });
    expect(steal.status).to.equal(404);
    expect((await Claim.findOne({ _id: filed.body.id }).lean())!.status).to.equal('sent');

    const ans = await agent.post(`/api/mp/claims/${filed.body.id}/answer`).set('Authorization', `Bearer ${a.token}`).send({ decision: 'accept', text: '同意补发' });
    expect(ans.status).to.equal(200);
    expect(ans.body.status).to.equal('supplier_answered');
    const again = await agent.post(`/api/mp/claims/${filed.body.id}/answer`).set('Authorization', `Bearer ${a.token}`).send({ decision: 'accept' });
    expect(again.status).to.equal(409);
    const wrong = await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'settled' });
    expect(wrong.status).to.equal(409);
    expect(wrong.body.error.message).to.equal('a claim cannot go from supplier_answered to settled');
    expect(wrong.body.error.details.allowed).to.have.members(['agreed', 'disputed', 'sent']);
    expect((await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'agreed' })).body.status).to.equal('agreed');
    const settled = await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'settled', settlement: { kind: 'replacement', note: '下批补发' } });
    expect(settled.body).to.deep.include({ status: 'settled', settlement: { kind: 'replacement', note: '下批补发' } });
    const hist = (await agent.get(`/api/claims/${filed.body.id}`).set(auth)).body.history.map((h: { to: string }) => h.to);
    expect(hist).to.deep.equal(['sent', 'supplier_answered', 'agreed', 'settled']);
    expect(String(oa._id)).to.be.a('string');
  });
});

describe('claims: chat, reminders and KPIs', function () {
  this.timeout(60_000);

  it('a claim filed with /claim reaches the supplier chat in Chinese through the bot', async () => {
    const t = await startTestBot();
    try {
      await Manager.create({ name: 'Anna', wechatId: 'mgr-claim', language: 'en' });
      t.sb.say(0, '您好');
      await waitForMessages({ senderKind: 'supplier' }, 1);
      const thread = (await Thread.findOne({}).lean())!;
      const { Supplier } = await import('../../shared/suppliers/index.js');
      const s = (await Supplier.findOne({ _id: thread.supplierId }).lean())!;
      await makeOrder(s.code, { number: 'PO-CMD-CL' });
      const handle = createCommandHandler({
        translation: { translateText: async (text: string) => ({ text: `〔zh〕${text}`, source: 'machine', from: 'en' }), detect: () => 'en' },
        sendToChat: async () => undefined,
      });
      const cmd = await Message.create({ threadId: thread._id, puppetId: 'cmd-claim', dedupeKey: 'cmd-claim', direction: 'in', senderWechatId: 'mgr-claim', senderKind: 'manager', text: '/claim PO-CMD-CL damage 4 four cartons crushed', ts: new Date() });
      const out = await handle({ message: cmd.toObject() });
      expect(out.status).to.equal('done');
      expect(out.reply).to.match(/^Claim CL-PO-CMD-CL-1 filed \(transit_damage, 4 pcs\) and sent to /);
      const w = createDeliveryWorker({ messenger: t.bot.messenger, pacing: { perChatMs: 0, perAccountPerMin: 1000 } });
      const now = new Date();
      await w.tick(new Date(Math.max(now.getTime(), (await Notice.findOne({ kind: 'claim' }).lean())!.notBefore.getTime())));
      await waitForMessages({ direction: 'out', threadId: thread._id }, 1);
      const sent = (await Message.findOne({ direction: 'out', threadId: thread._id }).lean())!;
      expect(sent.text).to.match(/^【Gendan 索赔】CL-PO-CMD-CL-1：订单 PO-CMD-CL/);
      expect(sent.text).to.include('运输损坏').and.include('〔zh〕four cartons crushed');
      const bad = await handle({ message: (await Message.create({ threadId: thread._id, puppetId: 'cmd-claim-2', dedupeKey: 'cmd-claim-2', direction: 'in', senderWechatId: 'mgr-claim', senderKind: 'manager', text: '/claim PO-CMD-CL theft 4 gone', ts: new Date() })).toObject() });
      expect(bad.reply).to.match(/unknown claim type "theft"/);
    } finally {
      await t.stop();
    }
  });

  it('reminds the supplier once a day until answered', async () => {
    const { c, supplier } = await claimFor('sent');
    await Thread.create({ key: 'dm:claim-sup', kind: 'dm', supplierId: c.supplierId, lastMessageAt: new Date() });
    const sentDay = c.sentAt!;
    const d1 = new Date(sentDay.getTime() + 86_400_000);
    expect(await scanClaimReminders(sentDay)).to.equal(0); // not on the day it was sent
    expect(await scanClaimReminders(d1)).to.equal(1);
    expect(await scanClaimReminders(new Date(d1.getTime() + 3600_000))).to.equal(0);
    const r = (await Notice.findOne({ kind: 'claim_reminder' }).lean())!;
    expect(r.to).to.equal('dm:claim-sup');
    expect(r.text).to.include(c.number).and.include('尚未回复');
    await moveClaim(String(c._id), 'supplier_answered', supplier, { answer: { decision: 'accept' } });
    expect(await scanClaimReminders(new Date(d1.getTime() + 86_400_000))).to.equal(0);
  });

  it('feeds the supplier KPIs: claim count, rate, amount and days to settle; the reconcile agrees', async () => {
    const { c, supplier } = await claimFor('sent');
    await moveClaim(String(c._id), 'supplier_answered', supplier, { answer: { decision: 'accept' } });
    await moveClaim(String(c._id), 'agreed', manager);
    await moveClaim(String(c._id), 'settled', manager, { settlement: { kind: 'credit_note', amount: '50.00', currency: 'USD' } });
    const sc = await supplierScorecard(c.supplierId, periodOf(new Date()));
    expect(sc.kpis.claims).to.equal(1);
    expect(sc.kpis.claimRate).to.equal(1);
    expect(sc.kpis.claimValue).to.deep.equal({ USD: '50.00' });
    expect(sc.kpis.avgDaysToSettle).to.equal(0);
    expect(await claimStats(c.supplierId)).to.deep.equal({ count: 1, open: 0, amountByCurrency: { USD: '50.00' }, medianDaysToSettle: 0 });
    const before = (await SupplierKpi.findOne({ supplierId: c.supplierId }).lean())!;
    await reconcileKpis();
    const after = (await SupplierKpi.findOne({ supplierId: c.supplierId }).lean())!;
    for (const k of ['claims', 'claimsSettled', 'settleDays', 'orders'] as const) expect(after[k], k).to.equal(before[k]);
    expect(after.claimValue).to.deep.equal(before.claimValue);
  });
});
