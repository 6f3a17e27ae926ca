// Claims on the real database: the transition table edge by edge (every allowed move, every
// forbidden one with its error and nothing changed), concurrent moves (one winner), supplier
// scoping in the mini-program API (own claims only, never drafts), photos, translation that
// fails without losing the claim, the /claim command reaching the supplier chat in Chinese
// through the bot, daily reminders through the outbox and the Agenda job, and the KPIs.
import { expect } from 'chai';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import { commandListener } from '../../bot/commands.js';
import { Claim, CLAIM_STATUSES, TRANSITIONS, claimStats, fileClaim, moveClaim, scanClaimReminders, type Actor, type ClaimDoc, type ClaimStatus } from '../../shared/claims/index.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createDeliveryWorker, Notice } from '../../shared/notices/index.js';
import { periodOf, reconcileKpis, SupplierKpi, supplierScorecard } from '../../shared/performance/index.js';
import { createScheduler, JOBS } from '../../shared/scheduler/index.js';
import { setSupplierTag, Supplier } from '../../shared/suppliers/index.js';
import { createMirror, Message, Thread } from '../../shared/threads/index.js';
import type { TranslationService } from '../../shared/translation/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { tmtTranslation } from '../support/translation.js';
import { makeManager, makeOrder, makeSupplierSession, testConfig } from '../support/api.js';
import { sortAllAsSuppliers, startTestBot, until, waitForMessages, withTimeout, type TestBot } from '../support/bot.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';

const MGR = { id: '5f00000000000000000000aa' };
const manager: Actor = { kind: 'manager', id: MGR.id };
const DAY = 86_400_000;
// A 1×1 PNG: the upload routes look at the bytes, not at what the client says.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

/** The table as the issue and the code comment state it; the code must agree edge for edge. */
const EDGES: [ClaimStatus, ClaimStatus, 'manager' | 'supplier'][] = [
  ['draft', 'sent', 'manager'],
  ['draft', 'closed', 'manager'],
  ['sent', 'supplier_answered', 'supplier'],
  ['sent', 'closed', 'manager'],
  ['supplier_answered', 'agreed', 'manager'],
  ['supplier_answered', 'disputed', 'manager'],
  ['supplier_answered', 'sent', 'manager'],
  ['disputed', 'agreed', 'manager'],
  ['disputed', 'rejected', 'manager'],
  ['agreed', 'settled', 'manager'],
  ['settled', 'closed', 'manager'],
  ['rejected', 'closed', 'manager'],
];

async function claimFor(status: ClaimStatus = 'sent') {
  const config = testConfig();
  const sup = await makeSupplierSession(config);
  const o = await makeOrder(sup.supplier.code);
  const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 5, amount: '50.00', currency: 'USD', description: '外壳破损' }, MGR, undefined);
  // Put the claim where the test needs it (a factory shortcut; the moves under test are real).
  if (status !== 'sent') await Claim.updateOne({ _id: c._id }, { $set: { status } });
  const supplier: Extract<Actor, { kind: 'supplier' }> = { kind: 'supplier', supplierId: String(sup.supplier._id), openid: sup.openid };
  return { c, sup, supplier, o, config };
}

const optsFor = (to: ClaimStatus) => ({
  reason: 'because',
  settlement: to === 'settled' ? { kind: 'credit_note' as const, amount: '50.00', currency: 'USD' } : undefined,
  answer: to === 'supplier_answered' ? { decision: 'accept' as const } : undefined,
});

const raw = (id: unknown) => Claim.findOne({ _id: id }).lean<ClaimDoc>();
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('claims: the transition table', function () {
  this.timeout(120_000);

  it('is exactly the documented one', () => {
    const table = CLAIM_STATUSES.flatMap((from) => Object.entries(TRANSITIONS[from]).map(([to, who]) => [from, to, who]));
    expect(table).to.have.deep.members(EDGES);
    expect(table).to.have.length(EDGES.length);
  });

  it('every allowed move succeeds once, with its history entry and its effects', async () => {
    for (const [from, to, who] of EDGES) {
      const { c, supplier } = await claimFor(from);
      const before = (await raw(c._id))!;
      const after = await moveClaim(String(c._id), to, who === 'manager' ? manager : supplier, optsFor(to));
      const saved = (await raw(c._id))!;
      expect(saved.status, `${from}→${to}`).to.equal(to);
      expect(after.status).to.equal(to);
      expect(saved.version).to.equal(before.version + 1);
      expect(saved.history).to.have.length(before.history.length + 1);
      const h = saved.history.at(-1)!;
      expect(h).to.include({ from, to, by: who === 'manager' ? `manager:${MGR.id}` : `supplier:${supplier.openid}` });
      expect(h.at).to.be.instanceOf(Date);
      expect(h.reason, `${from}→${to} reason`).to.be.a('string').and.not.equal('');
      if (to === 'settled') {
        expect(saved.settlement).to.deep.include({ kind: 'credit_note', amount: '50.00', currency: 'USD' });
        expect(saved.settledAt).to.be.instanceOf(Date);
      }
      if (to === 'supplier_answered') expect(saved.answer).to.include({ decision: 'accept', by: `supplier:${supplier.openid}` });
      if (to === 'sent') {
        expect(saved.sentAt!.getTime()).to.be.at.least(before.sentAt!.getTime());
        expect(saved.answerDue!.getTime() - saved.sentAt!.getTime()).to.equal(5 * DAY); // the full time to answer, from now
      }
    }
  });

  it('every forbidden move fails with a clear error, for either side, and changes nothing', async () => {
    let checked = 0;
    for (const from of CLAIM_STATUSES) {
      const { c, supplier } = await claimFor(from);
      const before = await raw(c._id);
      for (const to of CLAIM_STATUSES) {
        const who = TRANSITIONS[from][to];
        for (const actor of [manager, supplier] as Actor[]) {
          if (who === actor.kind) continue; // allowed: the test above
          const err = await failure(moveClaim(String(c._id), to, actor, optsFor(to)));
          const what = `${actor.kind}: ${from}→${to}`;
          if (actor.kind === 'supplier' && from === 'draft') {
            // A draft is not the supplier's to see: not found, not "forbidden".
            expect(err, what).to.be.instanceOf(NotFoundError);
          } else if (!who) {
            expect(err, what).to.be.instanceOf(ConflictError);
            expect(err!.message).to.equal(`a claim cannot go from ${from} to ${to}`);
            expect(err!.details).to.deep.equal([{ field: 'to', message: `allowed from ${from}: ${Object.keys(TRANSITIONS[from]).join(', ') || 'none'}` }]);
          } else {
            expect(err, what).to.be.instanceOf(ForbiddenError);
            expect(err!.message).to.equal(`only the ${who} moves a claim from ${from} to ${to}`);
          }
          expect(await raw(c._id), what).to.deep.equal(before);
          checked++;
        }
      }
    }
    // 8×8 moves for each side, minus the ones that side is allowed to make.
    expect(checked).to.equal(2 * 64 - EDGES.length);
  });

  it('a move missing what it needs is refused before anything is written', async () => {
    const cases: [ClaimStatus, ClaimStatus, 'manager' | 'supplier', object, RegExp][] = [
      ['supplier_answered', 'disputed', 'manager', {}, /reason is required/],
      ['supplier_answered', 'sent', 'manager', { reason: '  ' }, /reason is required/],
      ['disputed', 'rejected', 'manager', {}, /reason is required/],
      ['sent', 'closed', 'manager', {}, /reason is required/],
      ['agreed', 'settled', 'manager', {}, /settlement kind/],
      ['agreed', 'settled', 'manager', { settlement: { kind: 'cash' } }, /settlement kind/],
      ['agreed', 'settled', 'manager', { settlement: { kind: 'refund', amount: '10' } }, /needs its currency/],
      ['agreed', 'settled', 'manager', { settlement: { kind: 'refund', amount: '-1', currency: 'USD' } }, /positive decimal/],
      ['agreed', 'settled', 'manager', { settlement: { kind: 'refund', amount: '10', currency: 'XXX' } }, /unknown currency/],
      ['sent', 'supplier_answered', 'supplier', {}, /decision/],
      ['sent', 'supplier_answered', 'supplier', { answer: { decision: 'dispute', text: ' ' } }, /say why you dispute/],
    ];
    for (const [from, to, who, opts, message] of cases) {
      const { c, supplier } = await claimFor(from);
      const before = await raw(c._id);
      const err = await failure(moveClaim(String(c._id), to, who === 'manager' ? manager : supplier, opts as never));
      expect(err, `${from}→${to} ${JSON.stringify(opts)}`).to.be.instanceOf(ValidationError);
      expect(err!.message).to.match(message);
      expect(await raw(c._id)).to.deep.equal(before);
    }
  });
});

describe('claims: concurrent moves', function () {
  this.timeout(60_000);

  it('ten identical moves at once: exactly one wins, nine get a conflict', async () => {
    const { c } = await claimFor('agreed');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => moveClaim(String(c._id), 'settled', manager, optsFor('settled'))));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).to.have.length(9);
    expect(rejected.every((r) => r.reason instanceof ConflictError)).to.equal(true);
    const saved = (await raw(c._id))!;
    expect(saved.history.filter((h) => h.to === 'settled')).to.have.length(1);
    expect(saved.version).to.equal(1);
  });

  it('competing moves from one state (agree, dispute, ask again): one wins, the history has one entry', async () => {
    const { c } = await claimFor('supplier_answered');
    const targets: ClaimStatus[] = ['agreed', 'disputed', 'sent', 'agreed', 'disputed', 'sent', 'agreed', 'disputed', 'sent', 'agreed'];
    // Each mover saw the claim answered (as the console tells with `from`): a move that starts
    // after another has landed must not go on from a state its author never saw.
    const results = await Promise.allSettled(targets.map((to) => moveClaim(String(c._id), to, manager, { ...optsFor(to), from: 'supplier_answered' })));
    const won = results.filter((r): r is PromiseFulfilledResult<ClaimDoc> => r.status === 'fulfilled');
    expect(won).to.have.length(1);
    const saved = (await raw(c._id))!;
    expect(saved.status).to.equal(won[0]!.value.status);
    expect(saved.history).to.have.length(2); // filed and sent, then the one move
    expect(saved.version).to.equal(1);
    // A late mover who saw it answered is refused even where the table would allow the move.
    const next = ({ sent: 'closed', disputed: 'agreed', agreed: 'settled' } as const)[saved.status as 'sent' | 'disputed' | 'agreed'];
    const late = await moveClaim(String(c._id), next, manager, { ...optsFor(next), from: 'supplier_answered' }).catch((e: unknown) => e);
    expect(late).to.be.instanceOf(ConflictError);
    expect((await raw(c._id))!.version).to.equal(1);
  });

  it('ten answers from the mini-program at once: one 200, nine 409', async () => {
    const { c, sup, config } = await claimFor('sent');
    const agent = supertest(createApp({ config }).callback());
    const res = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        agent
          .post(`/api/mp/claims/${c._id}/answer`)
          .set('Authorization', `Bearer ${sup.token}`)
          .send({ decision: i % 2 ? 'accept' : 'dispute', text: `answer ${i}` }),
      ),
    );
    expect(res.map((r) => r.status).sort()).to.deep.equal([200, ...Array(9).fill(409)]);
    const saved = (await raw(c._id))!;
    expect(saved.history.filter((h) => h.to === 'supplier_answered')).to.have.length(1);
    expect(saved.answer!.text).to.equal(res.find((r) => r.status === 200)!.body.answer.text);
  });
});

describe('claims: filing', function () {
  this.timeout(30_000);

  it('numbers claims per PO and refuses bad input before anything is stored', async () => {
    const { c, o } = await claimFor();
    const second = await fileClaim({ orderId: String(o._id), type: 'shortage', qty: 1, description: 'one box short' }, MGR, undefined);
    expect(c.number).to.equal(`CL-${o.number}-1`);
    expect(second.number).to.equal(`CL-${o.number}-2`);
    const bad: [object, RegExp][] = [
      [{ qty: 0 }, /positive whole number/],
      [{ qty: 1.5 }, /positive whole number/],
      [{ amount: '10' }, /needs its currency/],
      [{ amount: '-3', currency: 'USD' }, /positive decimal/],
      [{ amount: '1e5', currency: 'USD' }, /positive decimal/],
      [{ amount: '10', currency: 'DOGE' }, /unknown currency/],
      [{ line: 7 }, /has no line 8/],
      [{ type: 'theft' }, /unknown claim type/],
      [{ description: '   ' }, /describe the problem/],
      [{ photos: [{ url: 'javascript:alert(1)' }] }, /http\(s\) URL/],
    ];
    for (const [over, message] of bad) {
      const err = await failure(fileClaim({ orderId: String(o._id), type: 'defect', qty: 1, description: 'x', ...over } as never, MGR, undefined));
      expect(err, JSON.stringify(over)).to.be.instanceOf(ValidationError);
      expect(err!.message).to.match(message);
    }
    expect(await failure(fileClaim({ orderNumber: 'PO-NOPE', type: 'defect', qty: 1, description: 'x' }, MGR, undefined))).to.be.instanceOf(NotFoundError);
    expect(await Claim.countDocuments({})).to.equal(2);
  });

  it('a draft is not sent, not notified, and invisible to the supplier until a manager sends it', async () => {
    const config = testConfig();
    const sup = await makeSupplierSession(config);
    const o = await makeOrder(sup.supplier.code);
    await setSupplierTag(sup.supplier.code, 'CN', 'WZ'); // shown tagged in the supplier's notice and the mini-program
    await Thread.create({ key: 'dm:draft-sup', kind: 'dm', supplierId: sup.supplier._id, lastMessageAt: new Date() });
    const d = await fileClaim({ orderId: String(o._id), type: 'wrong_item', qty: 3, description: '发错颜色', send: false }, MGR, undefined);
    expect(d).to.include({ status: 'draft' });
    expect(d.history).to.deep.equal([]);
    expect(await Notice.countDocuments({ kind: 'claim' })).to.equal(0);
    const agent = supertest(createApp({ config }).callback());
    const bearer = { Authorization: `Bearer ${sup.token}` };
    expect((await agent.get('/api/mp/claims').set(bearer)).body.items).to.deep.equal([]);
    expect((await agent.get(`/api/mp/claims/${d._id}`).set(bearer)).status).to.equal(404);
    expect((await agent.post(`/api/mp/claims/${d._id}/answer`).set(bearer).send({ decision: 'accept' })).status).to.equal(404);
    await moveClaim(String(d._id), 'sent', manager);
    const mine = (await agent.get('/api/mp/claims').set(bearer)).body.items as { id: string; supplierShownCode: string }[];
    expect(mine.map((i) => [i.id, i.supplierShownCode])).to.deep.equal([[String(d._id), `${sup.supplier.code} CNWZ`]]);
    const n = (await Notice.findOne({ kind: 'claim' }).lean())!;
    expect(n.to).to.equal('dm:draft-sup');
    expect(n.text).to.include(d.number).and.include('错发货品').and.include('发错颜色').and.include(`（${sup.supplier.code} CNWZ）`);
  });

  it('a supplier who reads English gets the claim, its reminder and its withdrawal in English', async () => {
    const config = testConfig();
    const sup = await makeSupplierSession(config);
    await Supplier.updateOne({ _id: sup.supplier._id }, { $set: { language: 'en' } });
    const o = await makeOrder(sup.supplier.code);
    await Thread.create({ key: 'dm:en-sup', kind: 'dm', supplierId: sup.supplier._id, lastMessageAt: new Date() });
    const c = await fileClaim({ orderId: String(o._id), type: 'shortage', qty: 4, amount: '20.00', currency: 'USD', description: 'Four cartons short on arrival' }, MGR, undefined);
    const sent = (await Notice.findOne({ kind: 'claim', to: 'dm:en-sup' }).lean())!;
    expect(sent.text)
      .to.match(/^\[Gendan claim\] /)
      .and.include(c.number)
      .and.include('shortage, quantity 4, claimed 20.00 USD')
      .and.include('Description: Four cartons short on arrival');
    expect(sent.text).to.not.match(/[\u4e00-\u9fff]/);
    await scanClaimReminders(new Date(c.sentAt!.getTime() + DAY));
    expect((await Notice.findOne({ kind: 'claim_reminder', to: 'dm:en-sup' }).lean())!.text).to.match(/^\[Gendan reminder\] Claim /);
    await moveClaim(String(c._id), 'closed', manager, { reason: 'wrong PO' });
    expect((await Notice.findOne({ kind: 'claim', to: 'dm:en-sup', text: /withdrawn/ }).lean())!.text).to.equal(
      `[Gendan claim] ${c.number} (order ${c.orderNumber}) was withdrawn by the buyer; no answer is needed.`,
    );
  });

  it('a sent claim withdrawn by the buyer: the supplier is told, the waiting reminder is cancelled', async () => {
    const { c, supplier } = await claimFor('sent');
    await Thread.create({ key: 'dm:wd-sup', kind: 'dm', supplierId: c.supplierId, lastMessageAt: new Date() });
    await scanClaimReminders(new Date(c.sentAt!.getTime() + DAY));
    expect(await Notice.countDocuments({ kind: 'claim_reminder', status: 'queued' })).to.equal(1);
    await moveClaim(String(c._id), 'closed', manager, { reason: 'filed against the wrong PO' });
    expect(await Notice.countDocuments({ kind: 'claim_reminder', status: 'queued' })).to.equal(0);
    expect((await Notice.findOne({ kind: 'claim_reminder' }).lean())!.status).to.equal('cancelled');
    const told = (await Notice.findOne({ kind: 'claim', text: /撤回/ }).lean())!;
    expect(told.text).to.equal(`【Gendan 索赔】${c.number}（订单 ${c.orderNumber}）已由买方撤回，无需回复。`);
    expect(await failure(moveClaim(String(c._id), 'supplier_answered', supplier, optsFor('supplier_answered')))).to.be.instanceOf(ConflictError);
  });
});

describe('claims: translation for the supplier', function () {
  this.timeout(30_000);
  let tmt: TmtFake;
  let svc: TranslationService;

  beforeEach(async () => {
    tmt = await startTmtFake();
    ({ translation: svc } = tmtTranslation(tmt, { failFast: true }));
  });
  afterEach(async () => {
    await svc.stop();
    await tmt.close();
  });

  it('translated into Chinese when the provider works: the supplier reads Chinese, the manager both', async () => {
    const { o, sup, config } = await claimFor();
    const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 2, description: 'Scratches on 2 housings of PO lot' }, MGR, svc);
    expect(c).to.include({ translationStatus: 'done', descriptionLang: 'en', descriptionZh: '〔zh〕Scratches on 2 housings of PO lot' });
    const agent = supertest(createApp({ config, translation: svc }).callback());
    const mine = await agent.get(`/api/mp/claims/${c._id}`).set('Authorization', `Bearer ${sup.token}`);
    expect(mine.body.description).to.equal('〔zh〕Scratches on 2 housings of PO lot');
    expect(mine.body).not.to.have.property('descriptionZh');
  });

  it('a provider failure does not lose the claim: stored, marked failed, sent with the original, translated on a later look', async () => {
    const { o, sup, config } = await claimFor();
    await Thread.create({ key: 'dm:tr-sup', kind: 'dm', supplierId: o.supplierId, lastMessageAt: new Date() });
    tmt.mode = 'down';
    const t0 = new Date();
    const c = await fileClaim({ orderId: String(o._id), type: 'shortage', qty: 40, description: 'Two cartons missing on arrival' }, MGR, svc, t0);
    const saved = (await raw(c._id))!;
    expect(saved).to.include({ status: 'sent', translationStatus: 'failed', description: 'Two cartons missing on arrival' });
    expect(saved.descriptionZh).to.equal(undefined);
    const n = (await Notice.findOne({ kind: 'claim' }).lean())!;
    expect(n.text).to.include('说明：Two cartons missing on arrival'); // the original, never nothing

    tmt.mode = 'ok';
    const agent = supertest(createApp({ config, translation: svc, clock: () => new Date(t0.getTime() + 60_000) }).callback());
    const bearer = { Authorization: `Bearer ${sup.token}` };
    // Tried again at most every 10 minutes (a provider that is down is not hammered per view).
    expect((await agent.get(`/api/mp/claims/${c._id}`).set(bearer)).body.description).to.equal('Two cartons missing on arrival');
    const later = supertest(createApp({ config, translation: svc, clock: () => new Date(t0.getTime() + 11 * 60_000) }).callback());
    expect((await later.get(`/api/mp/claims/${c._id}`).set(bearer)).body.description).to.equal('〔zh〕Two cartons missing on arrival');
    expect((await raw(c._id))!).to.include({ translationStatus: 'done', status: 'sent', version: saved.version });
  });
});

describe('claims: API scoping, photos and validation', function () {
  this.timeout(30_000);

  it('a supplier sees and answers only its own claims; managers file and move them over HTTP', async () => {
    const config = testConfig();
    const { token } = await makeManager(config);
    const a = await makeSupplierSession(config);
    const b = await makeSupplierSession(config);
    await makeOrder(a.supplier.code, { number: 'PO-CL-A' });
    await makeOrder(b.supplier.code, { number: 'PO-CL-B' });
    const agent = supertest(createApp({ config }).callback());
    const auth = { Authorization: `Bearer ${token}` };
    const filed = await agent
      .post('/api/claims')
      .set(auth)
      .send({ orderNumber: 'PO-CL-A', line: 1, type: 'shortage', qty: 20, amount: '250.00', currency: 'USD', description: '两箱短缺', photos: [{ url: 'https://files.example/arrival-1.jpg' }] });
    expect(filed.status).to.equal(201);
    expect(filed.body).to.include({ status: 'sent', orderNumber: 'PO-CL-A', line: 1, item: 'Motor 220V', qty: 20, amount: '250.00', currency: 'USD' });
    expect(filed.body.photos).to.have.length(1);
    expect(filed.body.photos[0]).to.include({ url: 'https://files.example/arrival-1.jpg', name: 'arrival-1.jpg' });
    for (const bad of [
      { orderNumber: 'PO-CL-A', type: 'shortage', qty: 2, amount: '1', description: 'x' },
      { orderNumber: 'PO-CL-A', type: 'theft', qty: 2, description: 'x' },
      { orderNumber: 'PO-CL-A', type: 'defect', qty: 2, description: 'x', amount: '1.00', currency: 'DOGE' },
      { orderNumber: 'PO-CL-A', type: 'defect', qty: { $gt: 0 }, description: 'x' },
      { orderNumber: 'PO-CL-A', type: 'defect', qty: 2, description: 'x', status: 'settled' },
      { type: 'defect', qty: 2, description: 'x' },
    ])
      expect((await agent.post('/api/claims').set(auth).send(bad)).status, JSON.stringify(bad)).to.equal(400);
    expect((await agent.post('/api/claims').set(auth).send({ orderNumber: 'PO-NOPE', type: 'defect', qty: 2, description: 'x' })).status).to.equal(404);
    expect((await agent.post('/api/claims').send({ orderNumber: 'PO-CL-A', type: 'defect', qty: 2, description: 'x' })).status).to.equal(401);
    expect((await agent.get('/api/claims').set('Authorization', `Bearer ${a.token}`)).status).to.be.oneOf([401, 403]); // a supplier token is no manager
    expect(await Claim.countDocuments({})).to.equal(1);

    const listA = await agent.get('/api/mp/claims').set('Authorization', `Bearer ${a.token}`);
    expect(listA.body.items.map((i: { number: string }) => i.number)).to.deep.equal([filed.body.number]);
    expect(listA.body.items[0]).not.to.have.property('managerId');
    const listB = await agent.get('/api/mp/claims').set('Authorization', `Bearer ${b.token}`);
    expect(listB.body.items).to.deep.equal([]);
    const asB = { Authorization: `Bearer ${b.token}` };
    expect((await agent.get(`/api/mp/claims/${filed.body.id}`).set(asB)).status).to.equal(404);
    expect((await agent.post(`/api/mp/claims/${filed.body.id}/answer`).set(asB).send({ decision: 'accept' })).status).to.equal(404);
    expect((await agent.post(`/api/mp/claims/${filed.body.id}/photos`).set(asB).attach('photo', PNG, 'x.png')).status).to.equal(404);
    expect((await agent.get(`/api/mp/claims/${filed.body.id}/photos/${filed.body.photos[0].id}`).set(asB)).status).to.equal(404);
    expect((await agent.get(`/api/mp/claims/5f00000000000000000000ff`).set(asB)).status).to.equal(404);
    expect((await agent.get(`/api/mp/claims/not-an-id`).set(asB)).status).to.equal(400);
    expect((await raw(filed.body.id))!.status).to.equal('sent');

    // Supplier A: a photo (re-sent with the same key: stored once), then the answer with it.
    const asA = { Authorization: `Bearer ${a.token}` };
    const up1 = await agent.post(`/api/mp/claims/${filed.body.id}/photos`).set(asA).set('Idempotency-Key', 'claim-photo-key-1').attach('photo', PNG, '包装.png');
    expect(up1.status).to.equal(201);
    const up2 = await agent.post(`/api/mp/claims/${filed.body.id}/photos`).set(asA).set('Idempotency-Key', 'claim-photo-key-1').attach('photo', PNG, '包装.png');
    expect(up2.status).to.equal(200);
    expect(up2.body).to.deep.equal({ photo: up1.body.photo, added: false });
    expect((await agent.post(`/api/mp/claims/${filed.body.id}/photos`).set(asA).attach('photo', Buffer.from('not an image at all'), 'x.png')).status).to.equal(400);
    expect((await raw(filed.body.id))!.supplierPhotos).to.have.length(1);
    const unknownPhoto = await agent
      .post(`/api/mp/claims/${filed.body.id}/answer`)
      .set(asA)
      .send({ decision: 'accept', photoIds: ['00000000-0000-4000-8000-000000000000'] });
    expect(unknownPhoto.status).to.equal(400);
    const ans = await agent
      .post(`/api/mp/claims/${filed.body.id}/answer`)
      .set(asA)
      .send({ decision: 'accept', text: '同意补发', photoIds: [up1.body.photo.id] });
    expect(ans.status).to.equal(200);
    expect(ans.body.status).to.equal('supplier_answered');
    expect(ans.body.answer).to.deep.include({ decision: 'accept', text: '同意补发' });
    expect(ans.body.answer.photos).to.deep.equal([{ id: up1.body.photo.id, name: '包装.png' }]);
    expect(ans.body.history.map((h: { by: string }) => h.by)).to.deep.equal(['buyer', 'supplier']); // no manager ids for suppliers
    const img = await agent.get(`/api/claims/${filed.body.id}/photos/${up1.body.photo.id}`).set(auth).buffer(true);
    expect(img.status).to.equal(200);
    expect(img.headers['content-type']).to.equal('image/png');
    expect(Buffer.compare(img.body as Buffer, PNG)).to.equal(0);
    expect((await agent.post(`/api/mp/claims/${filed.body.id}/photos`).set(asA).attach('photo', PNG, 'late.png')).status).to.equal(409); // answered: no more
    expect((await agent.post(`/api/mp/claims/${filed.body.id}/answer`).set(asA).send({ decision: 'accept' })).status).to.equal(409);

    // The manager side of the table, over HTTP, with clear errors.
    const wrong = await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'settled' });
    expect(wrong.status).to.equal(409);
    expect(wrong.body.error.message).to.equal('a claim cannot go from supplier_answered to settled');
    expect(wrong.body.error.details).to.deep.equal([{ field: 'to', message: 'allowed from supplier_answered: agreed, disputed, sent' }]);
    expect((await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'disputed' })).status).to.equal(400); // no reason
    expect((await agent.post(`/api/claims/${filed.body.id}/transitions`).set(auth).send({ to: 'agreed' })).body.status).to.equal('agreed');
    const settled = await agent
      .post(`/api/claims/${filed.body.id}/transitions`)
      .set(auth)
      .send({ to: 'settled', settlement: { kind: 'replacement', note: '下批补发' } });
    expect(settled.body).to.deep.include({ status: 'settled', settlement: { kind: 'replacement', note: '下批补发' } });
    const one = (await agent.get(`/api/claims/${filed.body.id}`).set(auth)).body;
    expect(one.history.map((h: { to: string }) => h.to)).to.deep.equal(['sent', 'supplier_answered', 'agreed', 'settled']);
    expect(one.history.every((h: { by: string }) => /^(manager|supplier):/.test(h.by))).to.equal(true);
    const bySupplier = await agent.get(`/api/claims?supplier=${a.supplier.code}&status=settled`).set(auth);
    expect(bySupplier.body.items.map((i: { id: string }) => i.id)).to.deep.equal([filed.body.id]);
    expect((await agent.get(`/api/claims?supplier=${b.supplier.code}`).set(auth)).body.items).to.deep.equal([]);
    expect((await agent.get('/api/claims?status=open').set(auth)).status).to.equal(400);
  });
});

describe('claims: chat, reminders and KPIs', function () {
  this.timeout(60_000);

  it('/claim typed by a manager in WeChat reaches the supplier chat in Chinese; the reply is in the manager language', async () => {
    const tmt = await startTmtFake();
    const { translation } = tmtTranslation(tmt);
    const outcomes: { status: string; reply?: string }[] = [];
    let t: TestBot | undefined;
    try {
      let bot: TestBot['bot'] | undefined;
      const listener = commandListener({ weights: DEFAULT_SETTINGS.weights, translation, messenger: () => bot!.messenger });
      t = await startTestBot({ mirror: createMirror(), onCommand: async (ctx) => void outcomes.push(await listener(ctx)) });
      bot = t.bot;
      await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.sb.say(0, '您好'); // the supplier's chat exists, sorted as a supplier
      await waitForMessages({ senderKind: 'supplier' }, 1);
      await sortAllAsSuppliers();
      const thread = (await Thread.findOne({ supplierId: { $exists: true } }).lean())!;
      const s = (await Supplier.findOne({ _id: thread.supplierId }).lean())!;
      await makeOrder(s.code, { number: 'PO-CMD-CL' });

      t.sb.say('m', '/claim PO-CMD-CL damage 4 four cartons crushed');
      const out = await until('the /claim outcome', async () => outcomes[0]);
      expect(out.status).to.equal('done');
      expect(out.reply).to.equal(`Claim CL-PO-CMD-CL-1 filed (transit_damage, 4 pcs) and sent to ${s.code} in Chinese.`);
      const claim = (await Claim.findOne({ number: 'CL-PO-CMD-CL-1' }).lean())!;
      expect(claim).to.include({ status: 'sent', type: 'transit_damage', qty: 4, translationStatus: 'done', descriptionZh: '〔zh〕four cartons crushed' });

      // The outbox holds it for the supplier's working hours; deliver it as the bot would then.
      const notice = (await Notice.findOne({ kind: 'claim' }).lean())!;
      const w = createDeliveryWorker({ messenger: t.bot.messenger, pacing: { perChatMs: 0, perAccountPerMin: 1000 } });
      await w.tick(new Date(Math.max(Date.now(), notice.notBefore.getTime())));
      await waitForMessages({ direction: 'out', threadId: thread._id, text: /^【Gendan 索赔】/ }, 1);
      const sent = (await Message.findOne({ direction: 'out', threadId: thread._id, text: /^【Gendan 索赔】/ }).lean())!;
      expect(sent.text).to.equal(
        `【Gendan 索赔】CL-PO-CMD-CL-1：订单 PO-CMD-CL（${s.code}）运输损坏，数量 4。\n说明：〔zh〕four cartons crushed\n请于 ${claim.answerDue!.toISOString().slice(0, 10)} 前在小程序“索赔”页回复（接受或提出异议，可附照片）。`,
      );
      expect((await Notice.findOne({ _id: notice._id }).lean())!.status).to.equal('sent');

      // In Russian for a Russian-speaking manager, a usage error too; a bad type files nothing.
      await Manager.updateOne({ wechatId: 'mgr-anna' }, { $set: { language: 'ru' } });
      t.sb.say('m', '/claim PO-CMD-CL short 2 две коробки недостача');
      expect((await until('the second outcome', async () => outcomes[1])).reply).to.equal(`Претензия CL-PO-CMD-CL-2 заведена (shortage, 2 шт.) и отправлена ${s.code} на китайском.`);
      t.sb.say('m', '/claim PO-CMD-CL theft 4 gone');
      const bad = await until('the third outcome', async () => outcomes[2]);
      expect(bad.status).to.equal('failed');
      expect(bad.reply).to.include('неизвестный тип претензии «theft»').and.include('/claim <po> defect|shortage|wrong|damage|late <qty> <text>');
      expect(await Claim.countDocuments({})).to.equal(2);
      await waitForMessages({ direction: 'out', text: bad.reply }, 1); // replies go back into the manager's chat
    } finally {
      await t?.stop();
      await translation.stop();
      await tmt.close();
    }
  });

  it('reminds the supplier once a day until answered; a queued reminder is cancelled by the answer', async () => {
    const { c, supplier } = await claimFor('sent');
    await Thread.create({ key: 'dm:claim-sup', kind: 'dm', supplierId: c.supplierId, lastMessageAt: new Date() });
    const sentDay = c.sentAt!;
    const d1 = new Date(sentDay.getTime() + DAY);
    expect(await scanClaimReminders(sentDay)).to.equal(0); // not on the day it was sent
    expect(await scanClaimReminders(d1)).to.equal(1);
    expect(await scanClaimReminders(new Date(d1.getTime() + 3600_000))).to.equal(0); // the job runs hourly
    expect(await scanClaimReminders(new Date(d1.getTime() + 2 * 3600_000))).to.equal(0);
    const d2 = new Date(d1.getTime() + DAY);
    expect(await scanClaimReminders(d2)).to.equal(1);
    const reminders = await Notice.find({ kind: 'claim_reminder' }).sort({ createdAt: 1 }).lean();
    expect(reminders.map((r) => r.key)).to.deep.equal([`claim-reminder:${c._id}:${d1.toISOString().slice(0, 10)}`, `claim-reminder:${c._id}:${d2.toISOString().slice(0, 10)}`]);
    expect(reminders.every((r) => r.to === 'dm:claim-sup' && r.topic === `claim-reminder:${c._id}`)).to.equal(true);
    expect(reminders[0]!.text).to.equal(`【Gendan 提醒】索赔 ${c.number}（订单 ${c.orderNumber}）尚未回复。请在小程序“索赔”页回复。`);
    const late = new Date(c.answerDue!.getTime() + DAY);
    await scanClaimReminders(late);
    expect((await Notice.findOne({ kind: 'claim_reminder' }).sort({ createdAt: -1 }).lean())!.text).to.include(`已超过回复期限 ${c.answerDue!.toISOString().slice(0, 10)}`);
    await moveClaim(String(c._id), 'supplier_answered', supplier, { answer: { decision: 'accept' } });
    expect(await Notice.countDocuments({ kind: 'claim_reminder', status: 'queued' })).to.equal(0); // none goes out after the answer
    expect(await scanClaimReminders(new Date(late.getTime() + DAY))).to.equal(0);
  });

  it('the scheduler runs the reminder job (in JOBS): two instances, asked twice, one reminder', async () => {
    const { c } = await claimFor('sent');
    await Thread.create({ key: 'dm:job-sup', kind: 'dm', supplierId: c.supplierId, lastMessageAt: new Date() });
    expect(Object.values(JOBS)).to.include('claim-reminders');
    const clock = () => new Date(c.sentAt!.getTime() + DAY);
    const schedulers = [
      await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock, processEvery: 100, name: 'claims-a', jobs: [] }),
      await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock, processEvery: 100, name: 'claims-b', jobs: [] }),
    ];
    try {
      await Promise.all(schedulers.map((s) => s.start()));
      await Promise.all(schedulers.flatMap((s) => [s.agenda.now(JOBS.claimReminders), s.agenda.now(JOBS.claimReminders)]));
      await until('the reminder', () => Notice.findOne({ kind: 'claim_reminder' }).lean());
      await Promise.all(schedulers.map((s) => s.idle())); // all four runs done
      expect(await Notice.countDocuments({ kind: 'claim_reminder' })).to.equal(1);
    } finally {
      await withTimeout(Promise.all(schedulers.map((s) => s.stop())), 25_000, 'scheduler stop');
    }
  });

  it('feeds the supplier KPIs: claim count, rate, amount and days to settle; the reconcile agrees', async () => {
    const { c, supplier } = await claimFor('sent');
    await moveClaim(String(c._id), 'supplier_answered', supplier, { answer: { decision: 'accept' } });
    await moveClaim(String(c._id), 'agreed', manager);
    await moveClaim(String(c._id), 'settled', manager, { settlement: { kind: 'credit_note', amount: '50.00', currency: 'USD' } });
    const sc = await supplierScorecard(c.supplierId, periodOf(new Date()), DEFAULT_SETTINGS.weights);
    expect(sc.kpis.claims).to.equal(1);
    expect(sc.kpis.claimRate).to.equal(1);
    expect(sc.kpis.claimValue).to.deep.equal({ USD: '50.00' });
    expect(sc.kpis.avgDaysToSettle).to.equal(0);
    const before = (await SupplierKpi.findOne({ supplierId: c.supplierId }).lean())!;
    await reconcileKpis({ settings: DEFAULT_SETTINGS });
    const after = (await SupplierKpi.findOne({ supplierId: c.supplierId }).lean())!;
    for (const k of ['claims', 'claimsSettled', 'settleDays', 'orders'] as const) expect(after[k], k).to.equal(before[k]);
    expect(after.claimValue).to.deep.equal(before.claimValue);
  });

  it('claimStats: count, open, amounts per currency and the median days from sending to settlement', async () => {
    const config = testConfig();
    const sup = await makeSupplierSession(config);
    const other = await makeSupplierSession(config);
    const o = await makeOrder(sup.supplier.code);
    const oo = await makeOrder(other.supplier.code);
    const t0 = new Date('2026-10-01T08:00:00Z');
    const file = (over: object, order = o) => fileClaim({ orderId: String(order._id), type: 'defect', qty: 1, description: '破损', ...over }, MGR, undefined, t0);
    const settle = async (c: ClaimDoc, days: number) => {
      await Claim.updateOne({ _id: c._id }, { $set: { status: 'agreed' } });
      await moveClaim(String(c._id), 'settled', manager, { settlement: { kind: 'refund' } }, new Date(t0.getTime() + days * DAY));
    };
    expect(await claimStats(sup.supplier._id)).to.deep.equal({ count: 0, open: 0, amountByCurrency: {}, medianDaysToSettle: null });
    await settle(await file({ amount: '10.50', currency: 'USD' }), 2);
    await settle(await file({ amount: '0.25', currency: 'USD' }), 5);
    await settle(await file({ amount: '100', currency: 'CNY' }), 9);
    await settle(await file({}), 12);
    await file({ amount: '1.00', currency: 'EUR' }); // open
    await file({ amount: '999.00', currency: 'USD', send: false }); // a draft: not filed against them
    const dropped = await file({ send: false });
    await moveClaim(String(dropped._id), 'closed', manager); // dropped before sending: not counted either
    await file({ amount: '7.00', currency: 'USD' }, oo); // another supplier's
    expect(await claimStats(String(sup.supplier._id))).to.deep.equal({
      count: 5,
      open: 1,
      amountByCurrency: { USD: '10.75', CNY: '100.00', EUR: '1.00' },
      medianDaysToSettle: 7, // (5 + 9) / 2
    });
  });
});
