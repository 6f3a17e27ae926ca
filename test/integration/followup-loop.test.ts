// Follow-up a 跟单 can trust (#22), the loops closed: chat media kept and served (access
// checked, over the limit metadata only), claim facts and analytics over HTTP, the buyer warned
// of an overdue claim answer, manager working hours, readiness answered by a chat reply, and the
// done-when path (mini-program → manager in WeChat and the console, the photo served).
// Real database, wechaty-puppet-mock, the fake TMT behind the real SDK, injected clocks.
import { expect } from 'chai';
import { FileBox } from 'file-box';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApi } from '../../miniprogram/lib/api.js';
import { createApp } from '../../server/app.js';
import { clearAuthCaches, issueBindingCode, managerToken } from '../../shared/auth/index.js';
import { answerClaim, fileClaim, moveClaim, scanClaimAnswersOverdue } from '../../shared/claims/index.js';
import { readinessReply } from '../../shared/followup/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createDeliveryWorker, DEFAULT_PACING, enqueueNotice, Notice } from '../../shared/notices/index.js';
import { createOrder, dayOf, markReadinessAsked, Order } from '../../shared/orders/index.js';
import { createLocalStorage } from '../../shared/storage/index.js';
import { createSupplier, Supplier } from '../../shared/suppliers/index.js';
import { Message, Thread } from '../../shared/threads/index.js';
import type { TranslationService } from '../../shared/translation/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { tmtTranslation } from '../support/translation.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeOrder, plannedChain, testConfig } from '../support/api.js';
import { startTestBot, until, waitForMessages, type TestBot } from '../support/bot.js';
import { wireTestReactions } from '../support/reactions.js';
import { stubWx } from '../miniprogram/wx.js';

const at = (iso: string) => new Date(iso);
const day = (s: string) => new Date(`${s}T00:00:00Z`);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('follow-up: chat images, videos and files are kept and open from the thread', function () {
  this.timeout(40_000);
  let t: TestBot;
  const dir = mkdtempSync(join(tmpdir(), 'gendan-media-'));
  // 10 KB: a 2 KB photo is kept, a 20 KB file is not.
  const config = testConfig({ MAX_CHAT_MEDIA_MB: '0.01', UPLOAD_DIR: dir, BOT_NAME: 'test-bot' });
  const storage = createLocalStorage(dir);

  beforeEach(async () => {
    t = await startTestBot({ config, storage });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('a chat image sent through the mock puppet is stored and served to a manager who sees the supplier; 404 to one who does not; over the limit: metadata only, said so', async () => {
    const mWith = await Manager.create({ name: 'Mia', language: 'en', seesAll: false });
    const mWithout = await Manager.create({ name: 'Max', language: 'en', seesAll: false });
    const s = await createSupplier({ name: '奥吉电器', managerId: String(mWith._id) });
    const thread = await Thread.create({ key: 'dm:sup-wang', kind: 'dm', contactWechatId: 'sup-wang', supplierId: s._id, lastMessageAt: new Date() });
    const photo = Buffer.alloc(2048, 7);
    t.sb.suppliers[0]!.say(FileBox.fromBase64(photo.toString('base64'), 'qc-photo.jpg')).to(t.sb.bot);
    const big = FileBox.fromBase64(Buffer.alloc(20 * 1024, 1).toString('base64'), 'packing-list.pdf');
    t.sb.mocker.cacheFileBoxPayload.set('file-big', big.toJSON());
    t.sb.mocker.MessageMock.create({ id: 'file-big', talkerId: 'sup-wang', listenerId: 'gendan-bot', timestamp: Date.now(), type: 1 } as never);
    t.sb.puppet.emit('message', { messageId: 'file-big' });
    await waitForMessages({ threadId: thread._id }, 2);
    await t.idle();

    const image = (await Message.findOne({ type: 'image' }).lean())!;
    expect(image.media!.storedKey).to.match(/^chat\/[0-9a-f]{40}$/);
    expect((await storage.stat(image.media!.storedKey!))!.size).to.equal(2048);
    const file = (await Message.findOne({ type: 'file' }).lean())!;
    expect(file.media!.storedKey).to.equal(undefined);
    expect(file.media!.notStored).to.equal('over the 10 KB limit');
    expect(file.media!.size).to.equal(20 * 1024);

    const agent = request(createApp({ config, storage }).callback());
    const with_ = `Bearer ${await managerToken(config, String(mWith._id))}`;
    const without = `Bearer ${await managerToken(config, String(mWithout._id))}`;
    // The thread says where the file is, or why there is none.
    const page = await agent.get(`/api/threads/${thread._id}/messages`).set('Authorization', with_).expect(200);
    const shown = new Map(page.body.items.map((m: { type: string; media: unknown }) => [m.type, m.media]));
    expect(shown.get('image')).to.deep.include({ name: 'qc-photo.jpg', file: `/api/messages/${image._id}/media`, notStored: null });
    expect(shown.get('file')).to.deep.include({ name: 'packing-list.pdf', file: null, notStored: 'over the 10 KB limit' });
    const got = await agent.get(`/api/messages/${image._id}/media`).set('Authorization', with_).buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(got.body as Buffer, photo)).to.equal(0);
    expect(got.headers['content-disposition']).to.match(/^inline; filename="qc-photo.jpg"/);
    await agent.get(`/api/messages/${image._id}/media`).set('Authorization', without).expect(404);
    await agent.get(`/api/messages/${image._id}/media`).expect(401);
    const none = await agent.get(`/api/messages/${file._id}/media`).set('Authorization', with_).expect(404);
    expect(none.body.error.message).to.include('over the 10 KB limit');
  });
});

describe('follow-up: claims carry their facts; analytics', function () {
  this.timeout(40_000);

  it('records batch, date received, cause, losses and decision over HTTP; refuses bad facts; analytics computed from the claims a manager may see', async () => {
    const config = testConfig();
    let now = at('2026-10-06T09:00:00Z');
    const agent = request(createApp({ config, clock: () => now }).callback());
    const mA = await Manager.create({ name: 'Anna', language: 'en', seesAll: false });
    const mB = await Manager.create({ name: 'Boris', language: 'ru', seesAll: false });
    const A = `Bearer ${await managerToken(config, String(mA._id))}`;
    const B = `Bearer ${await managerToken(config, String(mB._id))}`;
    const s1 = await createSupplier({ name: '一厂', managerId: String(mA._id) });
    const s2 = await createSupplier({ name: '二厂', managerId: String(mA._id) });
    const s3 = await createSupplier({ name: '三厂', managerId: String(mB._id) });
    await makeOrder(s1.code, { number: 'PO-CL-1' });
    await makeOrder(s2.code, { number: 'PO-CL-2' });
    const o3 = await makeOrder(s3.code, { number: 'PO-CL-3' });
    const supplierOf = (s: { _id: unknown }) => ({ kind: 'supplier' as const, supplierId: String(s._id), openid: `openid-${String(s._id)}` });

    // 1: S1, filed with its facts; answered, agreed and settled ten days after sending.
    const c1 = await agent
      .post('/api/claims')
      .set('Authorization', A)
      .send({
        orderNumber: 'PO-CL-1',
        type: 'defect',
        qty: 10,
        amount: '100.00',
        currency: 'USD',
        description: 'Scratched housings',
        batch: 'B-2026-09-A',
        receivedOn: '2026-10-05',
        cause: 'material',
        losses: { goods: '80', freight: '20.00', currency: 'USD' },
      })
      .expect(201);
    expect(c1.body).to.deep.include({ batch: 'B-2026-09-A', receivedOn: '2026-10-05', cause: 'material', losses: { goods: '80', freight: '20', other: null, currency: 'USD' }, decision: null });
    now = at('2026-10-08T09:00:00Z');
    await answerClaim(c1.body.id, supplierOf(s1), { decision: 'accept', text: '同意赔偿' }, now);
    await moveClaim(c1.body.id, 'agreed', { kind: 'manager', id: String(mA._id) }, {}, now);
    const decided = await agent
      .patch(`/api/claims/${c1.body.id}`)
      .set('Authorization', A)
      .send({ decision: { kind: 'partial_compensation', amount: '90.00', currency: 'USD', note: 'scratches only' } })
      .expect(200);
    expect(decided.body.decision).to.deep.include({ kind: 'partial_compensation', amount: '90.00', currency: 'USD', note: 'scratches only' });
    expect(decided.body.batch).to.equal('B-2026-09-A'); // the other facts stay
    await moveClaim(c1.body.id, 'settled', { kind: 'manager', id: String(mA._id) }, { settlement: { kind: 'credit_note', amount: '90.00', currency: 'USD' } }, at('2026-10-16T09:00:00Z'));

    // 2: S1, received in November, settled four days after sending.
    now = at('2026-11-03T09:00:00Z');
    const c2 = await agent
      .post('/api/claims')
      .set('Authorization', A)
      .send({ orderNumber: 'PO-CL-1', type: 'shortage', qty: 5, amount: '50', currency: 'USD', description: 'Five cartons missing', receivedOn: '2026-11-02', cause: 'process' })
      .expect(201);
    await answerClaim(c2.body.id, supplierOf(s1), { decision: 'accept' }, at('2026-11-04T09:00:00Z'));
    await moveClaim(c2.body.id, 'agreed', { kind: 'manager', id: String(mA._id) }, {}, at('2026-11-05T09:00:00Z'));
    await moveClaim(c2.body.id, 'settled', { kind: 'manager', id: String(mA._id) }, { settlement: { kind: 'replacement', amount: '50.00', currency: 'USD' } }, at('2026-11-07T09:00:00Z'));

    // 3: S2, open; its facts recorded afterwards. 4: S2, a draft (not counted). 5: S3, Boris's supplier.
    now = at('2026-11-10T09:00:00Z');
    const c3 = await agent
      .post('/api/claims')
      .set('Authorization', A)
      .send({ orderNumber: 'PO-CL-2', type: 'defect', qty: 3, amount: '300', currency: 'CNY', description: 'Cracked during transport' })
      .expect(201);
    const facts = await agent
      .patch(`/api/claims/${c3.body.id}`)
      .set('Authorization', A)
      .send({ cause: 'transport', losses: { goods: '250', other: '30.5', currency: 'CNY' } })
      .expect(200);
    expect(facts.body).to.deep.include({ cause: 'transport', losses: { goods: '250', freight: null, other: '30.5', currency: 'CNY' } });
    await agent.post('/api/claims').set('Authorization', A).send({ orderNumber: 'PO-CL-2', type: 'defect', qty: 1, description: 'draft', send: false }).expect(201);
    await fileClaim(
      { orderNumber: o3.number, type: 'defect', qty: 9, amount: '999', currency: 'USD', description: 'Boris claim', cause: 'other' },
      { id: String(mB._id), language: 'ru' },
      undefined,
      now,
    );

    // Bad facts change nothing and say why.
    const bad = await agent.patch(`/api/claims/${c3.body.id}`).set('Authorization', A).send({ cause: 'weather' }).expect(400);
    expect(JSON.stringify(bad.body.error)).to.include('cause');
    await agent
      .patch(`/api/claims/${c3.body.id}`)
      .set('Authorization', A)
      .send({ losses: { goods: '1' } })
      .expect(400);
    await agent
      .patch(`/api/claims/${c3.body.id}`)
      .set('Authorization', A)
      .send({ decision: { kind: 'partial_compensation' } })
      .expect(400);
    await agent.patch(`/api/claims/${c3.body.id}`).set('Authorization', A).send({ receivedOn: '2026-12-31' }).expect(400);
    expect((await agent.get(`/api/claims/${c3.body.id}`).set('Authorization', A).expect(200)).body).to.deep.include({ cause: 'transport', receivedOn: null, decision: null });

    // Scoped like orders: Boris neither lists nor opens Anna's suppliers' claims, nor edits them.
    const mine = await agent.get('/api/claims').set('Authorization', B).expect(200);
    expect(mine.body.items.map((c: { orderNumber: string }) => c.orderNumber)).to.deep.equal(['PO-CL-3']);
    await agent.get(`/api/claims/${c1.body.id}`).set('Authorization', B).expect(404);
    await agent.patch(`/api/claims/${c1.body.id}`).set('Authorization', B).send({ cause: 'other' }).expect(404);

    const a = (await agent.get('/api/claims/analytics').set('Authorization', A).expect(200)).body;
    expect(a).to.deep.equal({
      total: 3,
      byType: { defect: 2, shortage: 1 },
      byCause: { material: 1, process: 1, transport: 1 },
      bySupplier: [
        { code: s1.code, count: 2, settled: 2 },
        { code: s2.code, count: 1, settled: 0 },
      ],
      byMonth: [
        { month: '2026-10', count: 1 },
        { month: '2026-11', count: 2 },
      ],
      byBatch: { 'B-2026-09-A': 1 },
      byManager: [{ managerId: String(mA._id), name: 'Anna', count: 3 }],
      settled: 2,
      settledShare: 0.6667,
      medianDaysToSettle: 7, // 10 and 4 days from sending
      amounts: {
        USD: { claimed: '150.00', losses: '100.00', settled: '140.00' },
        CNY: { claimed: '300.00', losses: '280.50', settled: '0.00' },
      },
    });
    const november = (await agent.get('/api/claims/analytics?from=2026-11-01&to=2026-12-01').set('Authorization', A).expect(200)).body;
    expect(november).to.deep.include({ total: 2, settled: 1, settledShare: 0.5, medianDaysToSettle: 4 });
    const boris = (await agent.get('/api/claims/analytics').set('Authorization', B).expect(200)).body;
    expect(boris).to.deep.include({ total: 1, byCause: { other: 1 }, byBatch: {}, settled: 0, medianDaysToSettle: null });
    expect(boris.byManager).to.deep.equal([{ managerId: String(mB._id), name: 'Boris', count: 1 }]);
    expect(boris.amounts).to.deep.equal({ USD: { claimed: '999.00', losses: '0.00', settled: '0.00' } });
  });

  it("the buyer is warned once when the supplier's answer is overdue", async () => {
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await createSupplier({ name: '一厂', managerId: String(mgr._id) });
    const o = await makeOrder(s.code, { number: 'PO-CL-LATE', managerId: String(mgr._id) });
    const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 1, description: 'Broken', answerDays: 2 }, { id: String(mgr._id), language: 'en' }, undefined, at('2026-11-02T10:00:00Z'));
    expect(await scanClaimAnswersOverdue(at('2026-11-04T09:00:00Z'))).to.equal(0); // due 11-04 10:00
    expect(await scanClaimAnswersOverdue(at('2026-11-05T09:00:00Z'))).to.equal(1);
    expect(await scanClaimAnswersOverdue(at('2026-11-06T09:00:00Z'))).to.equal(0); // once per deadline
    const n = (await Notice.findOne({ kind: 'claim_overdue' }).lean())!;
    expect(n.to).to.equal('dm:mgr-anna');
    expect(n.text).to.include(c.number).and.include('has not answered by 2026-11-04');
    // Answered: no warning for it any more.
    await answerClaim(String(c._id), { kind: 'supplier', supplierId: String(s._id), openid: 'o' }, { decision: 'accept' }, at('2026-11-06T10:00:00Z'));
    expect(await scanClaimAnswersOverdue(at('2026-11-20T09:00:00Z'))).to.equal(0);
  });
});

describe("follow-up: a manager's notices wait for their working hours", function () {
  this.timeout(30_000);

  it('outside 09:00–18:00 Moscow time (and at weekends) a notice waits for the next working start; a supplier change does not', async () => {
    const m = await Manager.create({ name: 'Oleg', wechatId: 'mgr-oleg', language: 'ru', timezone: 'Europe/Moscow', workingHours: { from: '09:00', to: '18:00' } });
    const free = await Manager.create({ name: 'Free', wechatId: 'mgr-free', language: 'en', timezone: 'Europe/Moscow' });
    const note = (key: string, kind: 'overdue' | 'supplier_change', who = m) => ({
      key,
      kind,
      to: `dm:${who.wechatId}`,
      recipient: { kind: 'manager' as const, id: String(who._id), timezone: who.timezone },
      text: key,
    });
    await enqueueNotice(note('tue-early', 'overdue'), at('2026-11-24T04:00:00Z')); // Tue 07:00 MSK
    await enqueueNotice(note('tue-working', 'overdue'), at('2026-11-24T08:00:00Z')); // Tue 11:00
    await enqueueNotice(note('tue-evening', 'overdue'), at('2026-11-24T16:30:00Z')); // Tue 19:30
    await enqueueNotice(note('fri-evening', 'overdue'), at('2026-11-27T15:30:00Z')); // Fri 18:30
    await enqueueNotice(note('urgent', 'supplier_change'), at('2026-11-24T16:30:00Z')); // Tue 19:30, urgent
    await enqueueNotice(note('no-hours', 'overdue', free), at('2026-11-24T16:30:00Z'));
    const when = async (key: string) => (await Notice.findOne({ key }).lean())!.notBefore.toISOString();
    expect(await when('tue-early')).to.equal('2026-11-24T06:00:00.000Z');
    expect(await when('tue-working')).to.equal('2026-11-24T08:00:00.000Z');
    expect(await when('tue-evening')).to.equal('2026-11-25T06:00:00.000Z');
    expect(await when('fri-evening')).to.equal('2026-11-30T06:00:00.000Z'); // Monday 09:00
    expect(await when('urgent')).to.equal('2026-11-24T16:30:00.000Z');
    expect(await when('no-hours')).to.equal('2026-11-24T16:30:00.000Z');
    // The delivery worker on a fixed clock: nothing before the start, then it goes.
    const sent: string[] = [];
    const worker = createDeliveryWorker({
      pacing: { ...DEFAULT_PACING, perChatMs: 0 },
      messenger: {
        isReady: () => true,
        async sendText(_to, text) {
          sent.push(text);
          return {};
        },
      },
    });
    await worker.tick(at('2026-11-24T05:59:00Z'));
    expect(sent).to.deep.equal([]);
    for (const m of ['31', '32', '33', '34']) await worker.tick(at(`2026-11-24T16:${m}:00Z`)); // the account's pace: two at a time
    expect(sent.sort()).to.deep.equal(['no-hours', 'tue-early', 'tue-working', 'urgent']);
  });
});

describe('follow-up: readiness answered by a chat reply', function () {
  this.timeout(40_000);
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('recognises ready / not ready + date in short Chinese replies, nothing else', () => {
    const today = '2026-11-29';
    expect(readinessReply('好了', today)).to.deep.equal({ ready: true });
    expect(readinessReply('可以出货', today)).to.deep.equal({ ready: true });
    expect(readinessReply('没好', today)).to.deep.equal({ ready: false });
    expect(readinessReply('还没好，推迟到12月20日', today)).to.deep.equal({ ready: false, date: '2026-12-20' });
    expect(readinessReply('推迟到1月5号', today)).to.deep.equal({ ready: false, date: '2027-01-05' });
    expect(readinessReply('延期至2026-12-08', today)).to.deep.equal({ ready: false, date: '2026-12-08' });
    expect(readinessReply('好的，大货都好了，随时可以出货', today)).to.deep.equal({ ready: true });
    expect(readinessReply('大货还没好', today)).to.deep.equal({ ready: false });
    expect(readinessReply('样品明天寄出', today)).to.equal(null);
    expect(readinessReply('报价单已经做好了，请查收附件里的新价格', today)).to.equal(null); // "好了" in a long reply about something else
    expect(readinessReply('我们还没收到你们的付款通知，请帮忙确认一下', today)).to.equal(null);
    expect(readinessReply('', today)).to.equal(null);
  });

  it('one order asked: the reply is recorded (not ready moves the shipment date) and the manager told; several asked: left for the manager', async () => {
    const today = dayOf(new Date());
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await createSupplier({ name: '奥吉电器', managerId: String(mgr._id) });
    await Thread.create({ key: 'dm:sup-wang', kind: 'dm', contactWechatId: 'sup-wang', supplierId: s._id, lastMessageAt: new Date() });
    const planned = plannedChain(new Date(Date.now() - 28 * 86_400_000)); // shipped in about a week
    const a = await createOrder({ number: 'PO-CHAT-A', supplierCode: s.code, managerId: String(mgr._id), planned }, 'test');
    await markReadinessAsked(a._id, today, today);
    // Something else first: not a readiness reply, nothing recorded.
    t.sb.say(0, '样品明天寄出');
    t.sb.say(0, '没好，推迟到12月20日');
    const newDate = (() => {
      const y = Number(today.slice(0, 4));
      const d = `${y}-12-20`;
      return d >= today ? d : `${y + 1}-12-20`;
    })();
    // The answer is stored, then the shipment date moves (two writes): wait for the second.
    const answered = await until('readiness recorded and the date moved', async () => {
      const o = await Order.findOne({ _id: a._id }).lean();
      return o?.readiness?.answer && dayOf(o.milestones.shipped.planned!) === newDate ? o : null;
    });
    expect(answered.readiness).to.deep.include({ answer: 'not_ready', note: '没好，推迟到12月20日', by: 'supplier:chat:sup-wang' });
    expect(dayOf(answered.milestones.shipped.planned!)).to.equal(newDate);
    const told = await until('manager told', () => Notice.findOne({ kind: 'supplier_change' }).lean());
    expect(told.to).to.equal('dm:mgr-anna');
    expect(told.text).to.include('PO-CHAT-A').and.include(newDate);

    // Two orders asked now: the bot cannot tell which one "好了" is about.
    const b = await createOrder({ number: 'PO-CHAT-B', supplierCode: s.code, managerId: String(mgr._id), planned }, 'test');
    const c = await createOrder({ number: 'PO-CHAT-C', supplierCode: s.code, managerId: String(mgr._id), planned }, 'test');
    await markReadinessAsked(b._id, today, today);
    await markReadinessAsked(c._id, today, today);
    t.sb.say(0, '好了');
    const left = await until('left for the manager', async () => (await Notice.find({ kind: 'pre_shipment', to: 'dm:mgr-anna' }).lean()).find((n) => n.key.startsWith('readiness-reply:')));
    expect(left.text).to.include('PO-CHAT-B').and.include('PO-CHAT-C').and.include('好了');
    await t.idle();
    expect((await Order.find({ _id: { $in: [b._id, c._id] } }).lean()).map((o) => o.readiness?.answer ?? null)).to.deep.equal([null, null]);
  });
});

describe('follow-up: done when — a supplier moves a date in the mini-program, the manager reads it translated in WeChat and the console, the photo opens', function () {
  this.timeout(60_000);
  let tmt: TmtFake;
  let svc: TranslationService;
  let wxFake: WechatFake;
  let server: Server;
  let t: TestBot;

  beforeEach(async () => {
    tmt = await startTmtFake();
    ({ translation: svc } = tmtTranslation(tmt, { failFast: true }));
    wireTestReactions({ translation: svc });
    wxFake = await startWechatFake();
    t = await startTestBot();
    clearAuthCaches();
  });
  afterEach(async () => {
    await t.stop();
    server?.closeAllConnections();
    await new Promise((ok) => server?.close(ok));
    await wxFake.close();
    wireTestReactions();
    await svc.stop();
    await tmt.close();
  });

  it('mini-program (wx simulator) → WeChat (mock puppet) and GET /api/notifications, translated with the original; the attached photo served', async () => {
    const config = testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wxFake.url });
    const now = at('2026-11-24T09:00:00Z');
    server = createApp({ config, translation: svc, clock: () => now }).listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The sandbox's manager contact (mgr-anna) is the responsible manager.
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC', seesAll: false });
    const s = await createSupplier({ name: '宁波奥吉电器', managerId: String(mgr._id) });
    const o = await makeOrder(s.code, { number: 'PO-DONE-1', managerId: String(mgr._id), planned: plannedChain(day('2026-12-01')) });
    await Supplier.updateOne({ _id: s._id }, { $set: { tag: 'CNAG' } }); // tagged once it has an order: the manager reads the tagged code
    const wx = stubWx(() => {
      wxFake.codes.set('code-done', 'openid-done');
      return 'code-done';
    });
    const api = createApi(wx as never, base);
    await api.login();
    await api.bind((await issueBindingCode(s.code, 'manager:test')).code);
    const photoPath = join(mkdtempSync(join(tmpdir(), 'gendan-mp-photo-')), 'late-material.png');
    writeFileSync(photoPath, PNG);
    const up = await api.uploadPhoto(String(o._id), 'materials', photoPath, 'photo-key-1');
    await api.updateMilestone(String(o._id), 'materials', { planned: '2026-12-20', reason: '原材料到货延迟' }, 'move-key-1');

    // WeChat: the delivery worker sends through the bot; the mock puppet carries it to Anna.
    const worker = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: t.bot.messenger });
    await worker.tick(at('2026-11-24T09:01:00Z'));
    await waitForMessages({ direction: 'out', text: /PO-DONE-1/ }, 1);
    const inWechat = (await Message.findOne({ direction: 'out', text: /PO-DONE-1/ }).lean())!;
    expect((await Thread.findOne({ _id: inWechat.threadId }).lean())!.key).to.equal('dm:mgr-anna');
    expect(inWechat.text).to.include(`${s.code} CNAG`);
    expect(inWechat.text).to.include('materials: date moved 2026-12-08 → 2026-12-20').and.include('〔en〕原材料到货延迟').and.include('(原材料到货延迟)');

    // The console: the same notice in the manager's notifications, and the photo opens.
    const token = `Bearer ${await managerToken(config, String(mgr._id))}`;
    const list = (await (await fetch(`${base}/api/notifications`, { headers: { Authorization: token } })).json()) as { items: { kind: string; text: string }[] };
    const n = list.items.find((x) => x.kind === 'supplier_change')!;
    expect(n.text).to.include('〔en〕原材料到货延迟').and.include('(原材料到货延迟)');
    const order = (await (await fetch(`${base}/api/orders/${o._id}`, { headers: { Authorization: token } })).json()) as { milestones: { name: string; photos: { id: string }[] }[] };
    const materials = order.milestones.find((m) => m.name === 'materials')!;
    expect(materials).to.deep.include({ planned: '2026-12-20', reasonTranslated: '〔en〕原材料到货延迟' });
    expect(materials.photos.map((p) => p.id)).to.deep.equal([up.photo.id]);
    const photo = await fetch(`${base}/api/orders/${o._id}/milestones/materials/photos/${up.photo.id}`, { headers: { Authorization: token } });
    expect(photo.status).to.equal(200);
    expect(Buffer.compare(Buffer.from(await photo.arrayBuffer()), PNG)).to.equal(0);
    const stranger = await Manager.create({ name: 'Max', language: 'en', seesAll: false });
    const denied = await fetch(`${base}/api/orders/${o._id}/milestones/materials/photos/${up.photo.id}`, { headers: { Authorization: `Bearer ${await managerToken(config, String(stranger._id))}` } });
    expect(denied.status).to.equal(404);
  });
});
