// The web console's API through the real server, bot (mock puppet), translation (TMT fake),
// outbox and database: sign-in, lockout, CSRF, scoping, inbox, thread pages, corrections,
// replies delivered to the chat, live updates over SSE, supplier card, notices.
import { expect } from 'chai';
import supertest from 'supertest';
import { Types } from 'mongoose';
import { ConsoleSession, createAccount, MAX_FAILED_LOGINS } from '../../shared/managers/accounts.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice } from '../../shared/notices/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message, Thread } from '../../shared/threads/index.js';
import { TranslationMemory } from '../../shared/translation/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { waitForMessages, withTimeout, until } from '../support/bot.js';
import { ADMIN, signedInAgent, startConsoleRig, supplierSays, type ConsoleRig } from '../support/console.js';

/** Opens the SSE stream with a session cookie; collects `thread` events. */
async function openEvents(url: string, cookie: string) {
  const ac = new AbortController();
  const res = await fetch(`${url}/api/console/events`, { headers: { cookie }, signal: ac.signal });
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.match(/^text\/event-stream/);
  const events: { threadId: string; at: number }[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: thread$/m.test(block) && data) events.push({ threadId: JSON.parse(data[1]!).threadId, at: Date.now() });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { events, close: () => ac.abort() };
}

async function cookieLogin(url: string, login = ADMIN.login, password = ADMIN.password) {
  const res = await fetch(`${url}/api/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
  const set = res.headers.get('set-cookie') ?? '';
  return { status: res.status, cookie: set.split(';')[0]!, setCookie: set, body: (await res.json()) as { csrf: string } };
}

describe('console API', function () {
  this.timeout(60_000);
  let rig: ConsoleRig;

  beforeEach(async () => {
    rig = await withTimeout(startConsoleRig(), 30_000, 'console rig');
  });
  afterEach(async () => {
    await rig?.stop();
  });

  describe('sign-in', () => {
    it('sets an httpOnly SameSite=Strict session cookie; the password is stored as an argon2id hash only', async () => {
      const r = await cookieLogin(rig.url);
      expect(r.status).to.equal(200);
      expect(r.setCookie)
        .to.match(/gendan_sid=[\w-]{40,}/)
        .and.match(/httponly/i)
        .and.match(/samesite=strict/i);
      const m = (await Manager.findOne({ login: 'admin' }).lean())!;
      expect(m.passwordHash).to.match(/^\$argon2id\$/);
      expect(JSON.stringify(r.body)).not.to.include('argon2').and.not.to.include(ADMIN.password);
      // The cookie token is not what the database holds (only its hash).
      const token = r.cookie.split('=')[1]!;
      expect(await ConsoleSession.countDocuments({ tokenHash: token })).to.equal(0);
      expect(await ConsoleSession.countDocuments({})).to.equal(1);
      const me = await fetch(`${rig.url}/api/console/session`, { headers: { cookie: r.cookie } });
      expect(((await me.json()) as { user: { role: string } }).user.role).to.equal('admin');
    });

    it('refuses a wrong password and an unknown login with the same message', async () => {
      const a = await supertest(rig.url).post('/api/console/session').send({ login: 'admin', password: 'wrong-password' });
      const b = await supertest(rig.url).post('/api/console/session').send({ login: 'nobody', password: 'wrong-password' });
      expect(a.status).to.equal(401);
      expect(b.status).to.equal(401);
      expect(a.body.error.message).to.equal(b.body.error.message);
      expect(a.headers['set-cookie']).to.equal(undefined);
    });

    it(`locks the account after ${MAX_FAILED_LOGINS} failures in a row, even against parallel guesses; the right password is refused while locked`, async () => {
      const tries = await Promise.all(Array.from({ length: MAX_FAILED_LOGINS + 3 }, () => supertest(rig.url).post('/api/console/session').send({ login: 'admin', password: 'guess-guess' })));
      expect(tries.every((t) => t.status === 401 || t.status === 429)).to.equal(true);
      const m = (await Manager.findOne({ login: 'admin' }).lean())!;
      expect(m.lockedUntil!.getTime()).to.be.above(Date.now() + 10 * 60_000);
      const right = await supertest(rig.url).post('/api/console/session').send({ login: 'admin', password: ADMIN.password });
      expect(right.status).to.equal(429);
      expect(right.body.error.message).to.match(/locked until/);
      expect(Number(right.headers['retry-after'])).to.be.above(60);
    });

    it('refuses state-changing requests without the CSRF token; nothing changes', async () => {
      const { agent, csrf } = await signedInAgent(rig.url);
      const bad = await agent.post('/api/console/managers').send({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      expect(bad.status).to.equal(403);
      expect(bad.body.error.message).to.match(/CSRF/);
      expect(await Manager.countDocuments({ login: 'boris' })).to.equal(0);
      const ok = await agent.post('/api/console/managers').set('X-CSRF-Token', csrf).send({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      expect(ok.status).to.equal(201);
      expect(ok.body).to.include({ login: 'boris', role: 'manager', seesAll: false });
    });

    it('only an admin creates managers; sign-out ends the session', async () => {
      await createAccount({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      const { agent, csrf } = await signedInAgent(rig.url, 'boris', 'boris-password-1');
      const r = await agent.post('/api/console/managers').set('X-CSRF-Token', csrf).send({ login: 'eve', name: 'Eve', password: 'eve-password-12' });
      expect(r.status).to.equal(403);
      expect((await agent.delete('/api/console/session').set('X-CSRF-Token', csrf)).status).to.equal(204);
      expect((await agent.get('/api/console/inbox')).status).to.equal(401);
      expect(await ConsoleSession.countDocuments({})).to.equal(0);
    });

    it('refuses a short password and a taken login clearly', async () => {
      const { agent, csrf } = await signedInAgent(rig.url);
      const short = await agent.post('/api/console/managers').set('X-CSRF-Token', csrf).send({ login: 'cat', name: 'Cat', password: 'short' });
      expect(short.status).to.equal(400);
      expect(short.body.error.details[0].field).to.equal('password');
      const taken = await agent.post('/api/console/managers').set('X-CSRF-Token', csrf).send({ login: 'ADMIN', name: 'X', password: 'another-password' });
      expect(taken.status).to.equal(409);
    });
  });

  describe('inbox and threads', () => {
    it('shows threads newest first with translations, unread counts that clear on read, and needs-reply', async () => {
      const t0 = await supplierSays(rig, 0, '你好，样品已经寄出');
      const t1 = await supplierSays(rig, 1, '请确认付款');
      await until('translations', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 2);
      // The bot's chat with a manager (command replies) is not a supplier conversation.
      await Manager.create({ name: 'Anna', wechatId: 'mgr-inbox' });
      await Thread.create({ key: 'dm:mgr-inbox', kind: 'dm', contactWechatId: 'mgr-inbox', lastMessageAt: new Date(Date.now() + 60_000), messageCount: 3 });
      const { agent, csrf } = await signedInAgent(rig.url);
      const inbox = await agent.get('/api/console/inbox');
      expect(inbox.status).to.equal(200);
      expect(inbox.body.items.map((i: { id: string }) => i.id)).to.deep.equal([String(t1._id), String(t0._id)]);
      expect(inbox.body.items[0]).to.include({ unread: 1, needsReply: true });
      expect(inbox.body.items[0].supplier.code).to.be.a('string');

      const page = await agent.get(`/api/console/threads/${t0._id}/messages`);
      expect(page.body.items[0].text).to.equal('你好，样品已经寄出');
      expect(page.body.items[0].translations.en).to.deep.equal({ text: '〔en〕你好，样品已经寄出', source: 'machine' });

      expect((await agent.post(`/api/console/threads/${t0._id}/read`).set('X-CSRF-Token', csrf)).status).to.equal(204);
      const after = await agent.get('/api/console/inbox');
      const row = after.body.items.find((i: { id: string }) => i.id === String(t0._id));
      expect(row.unread).to.equal(0);
      const needs = await agent.get('/api/console/inbox?needsReply=true');
      expect(needs.body.items).to.have.length(2);
    });

    it('filters by segment and by overdue orders; searches original and translated text', async () => {
      const t0 = await supplierSays(rig, 0, '货已经装柜了');
      const t1 = await supplierSays(rig, 1, '明天发货');
      await until('translations', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 2);
      await Supplier.updateOne({ _id: t1.supplierId }, { $set: { segment: 'strategic' } });
      const s0 = (await Supplier.findOne({ _id: t0.supplierId }).lean())!;
      await makeOrder(s0.code, { planned: plannedChain(new Date(Date.now() - 30 * 86_400_000)) });
      const { agent } = await signedInAgent(rig.url);
      const seg = await agent.get('/api/console/inbox?segment=strategic');
      expect(seg.body.items.map((i: { id: string }) => i.id)).to.deep.equal([String(t1._id)]);
      const late = await agent.get('/api/console/inbox?overdue=true');
      expect(late.body.items.map((i: { id: string }) => i.id)).to.deep.equal([String(t0._id)]);
      const zh = await agent.get(`/api/console/search?q=${encodeURIComponent('装柜')}`);
      expect(zh.body.items.map((i: { message: { text: string } }) => i.message.text)).to.deep.equal(['货已经装柜了']);
      const en = await agent.get('/api/console/search?q=%E3%80%94en%E3%80%95%E6%98%8E'); // 〔en〕明 — only in the translation
      expect(en.body.items.map((i: { thread: { id: string } }) => i.thread.id)).to.deep.equal([String(t1._id)]);
      const bad = await agent.get('/api/console/search?q=x');
      expect(bad.status).to.equal(400);
      const op = await agent.get('/api/console/inbox?segment[$ne]=x');
      expect(op.status).to.equal(400);
    });

    it("a manager sees only their suppliers' threads; another's thread is 404", async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      const t1 = await supplierSays(rig, 1, '在吗');
      const boris = await createAccount({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      await Supplier.updateOne({ _id: t0.supplierId }, { $set: { managerId: new Types.ObjectId(boris.id) } });
      const { agent, csrf } = await signedInAgent(rig.url, 'boris', 'boris-password-1');
      const inbox = await agent.get('/api/console/inbox');
      expect(inbox.body.items.map((i: { id: string }) => i.id)).to.deep.equal([String(t0._id)]);
      expect((await agent.get(`/api/console/threads/${t1._id}/messages`)).status).to.equal(404);
      expect((await agent.post(`/api/console/threads/${t1._id}/replies`).set('X-CSRF-Token', csrf).send({ text: 'hello' })).status).to.equal(404);
      expect(await Notice.countDocuments({})).to.equal(0);
      const s1 = (await Supplier.findOne({ _id: t1.supplierId }).lean())!;
      expect((await agent.get(`/api/console/suppliers/${s1.code}`)).status).to.equal(404);
      const search = await agent.get(`/api/console/search?q=${encodeURIComponent('在吗')}`);
      expect(search.body.items).to.have.length(0);
    });

    it('a corrected translation replaces the machine one and goes to translation memory; flag marks it bad', async () => {
      const t0 = await supplierSays(rig, 0, '交期推迟一周');
      await until('translation', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 1);
      const m = (await Message.findOne({ threadId: t0._id }).lean())!;
      const { agent, csrf } = await signedInAgent(rig.url);
      const fix = await agent.put(`/api/console/messages/${m._id}/translations/en`).set('X-CSRF-Token', csrf).send({ text: 'Delivery postponed by one week' });
      expect(fix.status).to.equal(204);
      const page = await agent.get(`/api/console/threads/${t0._id}/messages`);
      expect(page.body.items[0].translations.en).to.deep.equal({ text: 'Delivery postponed by one week', source: 'correction' });
      expect(await TranslationMemory.countDocuments({ to: 'en', text: 'Delivery postponed by one week' })).to.equal(1);
      const flag = await agent.post(`/api/console/messages/${m._id}/flag`).set('X-CSRF-Token', csrf).send({ lang: 'en' });
      expect(flag.status).to.equal(204);
      expect((await Message.findOne({ _id: m._id }).lean())!.flaggedBad).to.equal(true);
      const empty = await agent.put(`/api/console/messages/${m._id}/translations/en`).set('X-CSRF-Token', csrf).send({ text: '  ' });
      expect(empty.status).to.equal(400);
    });
  });

  describe('replies', () => {
    it('previews the Chinese, queues the reply once per key, the bot sends the Chinese and the status becomes sent', async () => {
      const t0 = await supplierSays(rig, 0, '请问什么时候付款');
      const { agent, csrf } = await signedInAgent(rig.url);
      const prev = await agent.post(`/api/console/threads/${t0._id}/preview`).set('X-CSRF-Token', csrf).send({ text: 'We pay on Friday' });
      expect(prev.status).to.equal(200);
      expect(prev.body.zh).to.equal('〔zh〕We pay on Friday');
      const send = () => agent.post(`/api/console/threads/${t0._id}/replies`).set('X-CSRF-Token', csrf).set('Idempotency-Key', 'reply-key-0001').send({ text: 'We pay on Friday' });
      const [a, b] = await Promise.all([send(), send()]);
      expect(a.status).to.equal(202);
      expect(b.status).to.equal(202);
      expect(a.body.id).to.equal(b.body.id);
      expect(a.body).to.include({ text: '〔zh〕We pay on Friday' });
      expect(a.body.original).to.deep.equal({ text: 'We pay on Friday', lang: 'en' });
      await waitForMessages({ direction: 'out', text: '〔zh〕We pay on Friday' }, 1);
      const n = await until('sent', async () => {
        const x = await Notice.findOne({ _id: a.body.id }).lean();
        return x?.status === 'sent' ? x : undefined;
      });
      expect(n.to).to.equal(t0.key);
      expect(await Message.countDocuments({ direction: 'out' })).to.equal(1);
      // The thread shows the sent message with what the manager typed beside it.
      const page = await until('mirrored reply', async () => {
        const p = await agent.get(`/api/console/threads/${t0._id}/messages`);
        return p.body.items.some((m: { direction: string }) => m.direction === 'out') ? p : undefined;
      });
      const out = page.body.items.find((m: { direction: string }) => m.direction === 'out');
      expect(out.text).to.equal('〔zh〕We pay on Friday');
      if (n.puppetId) expect(out.original).to.deep.equal({ text: 'We pay on Friday', lang: 'en' });
    });

    it('sends what the manager edited in the preview; Chinese typed directly is sent as is', async () => {
      const t0 = await supplierSays(rig, 0, '好的');
      const { agent, csrf } = await signedInAgent(rig.url);
      const a = await agent.post(`/api/console/threads/${t0._id}/replies`).set('X-CSRF-Token', csrf).send({ text: 'Thanks', zh: '谢谢您' });
      expect(a.body.text).to.equal('谢谢您');
      const b = await agent.post(`/api/console/threads/${t0._id}/replies`).set('X-CSRF-Token', csrf).send({ text: '明天见' });
      expect(b.body.text).to.equal('明天见');
      expect(rig.tmt.requests.filter((r) => r.target === 'zh')).to.have.length(0);
      await waitForMessages({ direction: 'out' }, 2);
    });

    it('a translation outage refuses the reply clearly and queues nothing', async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      rig.tmt.mode = 'down';
      const { agent, csrf } = await signedInAgent(rig.url);
      const r = await agent.post(`/api/console/threads/${t0._id}/replies`).set('X-CSRF-Token', csrf).send({ text: 'Hello there' });
      expect(r.status).to.be.oneOf([502, 503]);
      expect(r.body.error.message).to.be.a('string');
      expect(await Notice.countDocuments({})).to.equal(0);
    });
  });

  describe('live updates', () => {
    it('pushes a thread event over SSE when a supplier writes, and when the reply is delivered', async () => {
      const t0 = await supplierSays(rig, 0, '第一条');
      const login = await cookieLogin(rig.url);
      const ev = await openEvents(rig.url, login.cookie);
      try {
        await new Promise((ok) => setTimeout(ok, 300));
        const sent = Date.now();
        rig.bot.sb.say(0, '第二条');
        const e = await until('live event', async () => ev.events.find((x) => x.threadId === String(t0._id) && x.at >= sent));
        expect(e.at - sent).to.be.below(5000);
        const n0 = ev.events.length;
        const agent = supertest(rig.url);
        const r = await agent.post(`/api/console/threads/${t0._id}/replies`).set('cookie', login.cookie).set('X-CSRF-Token', login.body.csrf).send({ text: '收到' });
        expect(r.status).to.equal(202);
        await until('delivery event', async () => (await Notice.findOne({ _id: r.body.id }).lean())?.status === 'sent');
        await until('event after delivery', async () => ev.events.length > n0);
      } finally {
        ev.close();
      }
    });

    it("does not push other managers' threads", async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      const boris = await createAccount({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      // Boris is responsible for supplier 1: its events are the barrier that proves absence.
      const t1 = await supplierSays(rig, 1, '在吗');
      await Supplier.updateOne({ _id: t1.supplierId }, { $set: { managerId: new Types.ObjectId(boris.id) } });
      const login = await cookieLogin(rig.url, 'boris', 'boris-password-1');
      const ev = await openEvents(rig.url, login.cookie);
      const adminLogin = await cookieLogin(rig.url);
      const evAdmin = await openEvents(rig.url, adminLogin.cookie);
      try {
        rig.bot.sb.say(0, '还在吗');
        await until('admin event', async () => evAdmin.events.find((x) => x.threadId === String(t0._id)));
        // Everything the hub fanned out before this later change has reached Boris's stream too.
        rig.bot.sb.say(1, '样品寄出了');
        await until("Boris's own event", async () => ev.events.find((x) => x.threadId === String(t1._id)));
        expect(ev.events.filter((x) => x.threadId === String(t0._id))).to.have.length(0);
        expect(ev.events.every((x) => x.threadId === String(t1._id))).to.equal(true);
      } finally {
        ev.close();
        evAdmin.close();
      }
    });
  });

  describe('supplier card, binding codes, notices', () => {
    it('shows the supplier card with contacts and open orders, and issues a binding code with a QR image', async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      const s = (await Supplier.findOne({ _id: t0.supplierId }).lean())!;
      await makeOrder(s.code, { number: 'PO-CARD-1' });
      const { agent, csrf } = await signedInAgent(rig.url);
      const card = await agent.get(`/api/console/suppliers/${s.code}`);
      expect(card.status).to.equal(200);
      expect(card.body.code).to.equal(s.code);
      expect(card.body.contacts).to.have.length(1);
      expect(card.body.contacts[0].timezone).to.equal('Asia/Shanghai');
      expect(card.body.openOrders.map((o: { number: string }) => o.number)).to.deep.equal(['PO-CARD-1']);
      const b = await agent.post(`/api/console/suppliers/${s.code}/binding-code`).set('X-CSRF-Token', csrf).send({});
      expect(b.status).to.equal(201);
      expect(b.body.code).to.match(/^[A-Z0-9]{6,12}$/);
      expect(b.body.qr).to.match(/^data:image\/png;base64,/);
      expect(Buffer.from(b.body.qr.split(',')[1], 'base64').subarray(1, 4).toString()).to.equal('PNG');
    });

    it("a contact's time zone can be set (shown on the card); a manager who sees only own suppliers gets only their orders", async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      const t1 = await supplierSays(rig, 1, '在吗');
      const s0 = (await Supplier.findOne({ _id: t0.supplierId }).lean())!;
      const s1 = (await Supplier.findOne({ _id: t1.supplierId }).lean())!;
      const boris = await createAccount({ login: 'boris', name: 'Boris', password: 'boris-password-1' });
      await Supplier.updateOne({ _id: s0._id }, { $set: { managerId: new Types.ObjectId(boris.id) } });
      await makeOrder(s0.code, { number: 'PO-SCOPE-0', managerId: boris.id });
      await makeOrder(s1.code, { number: 'PO-SCOPE-1' });
      const { agent, csrf } = await signedInAgent(rig.url, 'boris', 'boris-password-1');
      expect((await agent.get(`/api/orders?supplier=${s1.code}`)).status).to.equal(404);
      const mine = await agent.get('/api/orders');
      expect(mine.body.items.map((o: { number: string }) => o.number)).to.deep.equal(['PO-SCOPE-0']);
      const { Order } = await import('../../shared/orders/index.js');
      const other = (await Order.findOne({ number: 'PO-SCOPE-1' }).lean())!;
      const own = (await Order.findOne({ number: 'PO-SCOPE-0' }).lean())!;
      expect((await agent.get(`/api/orders/${other._id}`)).status).to.equal(404);
      const sneaky = await agent.post(`/api/orders/${other._id}/milestones/confirmed`).set('X-CSRF-Token', csrf).send({ done: true });
      expect(sneaky.status).to.equal(404);
      expect((await Order.findOne({ _id: other._id }).lean())!.version).to.equal(other.version);
      expect((await agent.get(`/api/orders/${own._id}`)).status).to.equal(200);
      expect((await agent.get('/api/orders/overdue')).status).to.equal(200);
      const card = await agent.get(`/api/console/suppliers/${s0.code}`);
      const contactId = card.body.contacts[0].id;
      const bad = await agent.put(`/api/contacts/${contactId}`).set('X-CSRF-Token', csrf).send({ timezone: 'Mars/Olympus' });
      expect(bad.status).to.equal(400);
      const ok = await agent.put(`/api/contacts/${contactId}`).set('X-CSRF-Token', csrf).send({ timezone: 'Asia/Ho_Chi_Minh', role: 'QC' });
      expect(ok.body).to.include({ timezone: 'Asia/Ho_Chi_Minh', role: 'QC' });
      expect((await agent.get(`/api/console/suppliers/${s0.code}`)).body.contacts[0]).to.include({ timezone: 'Asia/Ho_Chi_Minh', role: 'QC' });
      expect((await agent.get(`/api/console/threads/${t0._id}`)).body.timezone).to.equal('Asia/Ho_Chi_Minh');
    });

    it('lists failed notices and retries one', async () => {
      const { agent, csrf } = await signedInAgent(rig.url);
      const n = await Notice.create({
        key: 'k1',
        kind: 'overdue',
        to: 'dm:nobody',
        recipient: { kind: 'supplier', timezone: 'Asia/Shanghai' },
        text: '提醒',
        status: 'failed',
        lastError: 'WeChat said no',
        notBefore: new Date(),
        createdAt: new Date(),
      });
      const list = await agent.get('/api/console/notices?status=failed');
      expect(list.body.items.map((i: { id: string; lastError: string }) => [i.id, i.lastError])).to.deep.equal([[String(n._id), 'WeChat said no']]);
      const r = await agent.post(`/api/console/notices/${n._id}/retry`).set('X-CSRF-Token', csrf);
      expect(r.status).to.equal(200);
      expect(r.body.status).to.be.oneOf(['queued', 'sending', 'failed', 'sent']);
      expect((await agent.post(`/api/console/notices/${n._id}/retry`).set('X-CSRF-Token', csrf)).status).to.be.oneOf([200, 404]);
    });

    it('the orders API accepts the console cookie (milestone edit with a reason)', async () => {
      const t0 = await supplierSays(rig, 0, '你好');
      const s = (await Supplier.findOne({ _id: t0.supplierId }).lean())!;
      const o = await makeOrder(s.code, { number: 'PO-BOARD-1' });
      const { agent, csrf } = await signedInAgent(rig.url);
      const list = await agent.get(`/api/orders?supplier=${s.code}`);
      expect(list.body.items.map((x: { number: string }) => x.number)).to.deep.equal(['PO-BOARD-1']);
      const noCsrf = await agent.post(`/api/orders/${o._id}/milestones/production_start`).send({ planned: '2026-12-20', reason: 'factory holiday' });
      expect(noCsrf.status).to.equal(403);
      const ok = await agent.post(`/api/orders/${o._id}/milestones/production_start`).set('X-CSRF-Token', csrf).send({ planned: '2026-12-20', reason: 'factory holiday' });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      const ms = ok.body.order.milestones.find((m: { name: string }) => m.name === 'production_start');
      expect(ms).to.include({ planned: '2026-12-20', reason: 'factory holiday' });
      expect(await Thread.countDocuments({})).to.equal(1);
    });
  });
});

describe('console: the built single-page app', () => {
  it('is served under /console/ (client routes answered with index.html), assets cached for good, / redirects', async () => {
    const { existsSync, readdirSync } = await import('node:fs');
    const { CONSOLE_DIST } = await import('../../server/console/static.js');
    const { createApp } = await import('../../server/app.js');
    const { testConfig } = await import('../support/api.js');
    expect(existsSync(`${CONSOLE_DIST}/index.html`), 'npm test builds the console first').to.equal(true);
    const agent = supertest(createApp({ config: testConfig() }).callback());
    const root = await agent.get('/');
    expect(root.status).to.equal(302);
    expect(root.headers.location).to.equal('/console/');
    for (const path of ['/console/', '/console/threads/abc']) {
      const page = await agent.get(path);
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.match(/text\/html/);
      expect(page.headers['cache-control']).to.equal('no-cache');
      expect(page.text).to.include('<div id="root"></div>');
    }
    const asset = readdirSync(`${CONSOLE_DIST}/assets`).find((f) => f.endsWith('.js'))!;
    const js = await agent.get(`/console/assets/${asset}`);
    expect(js.status).to.equal(200);
    expect(js.headers['cache-control']).to.match(/immutable/);
    expect((await agent.get('/console/assets/nope.js')).status).to.equal(404);
    expect((await agent.get('/elsewhere')).status).to.equal(404);
  });
});

describe('console: thread pages a day at a time', () => {
  it('pages through a thread over several days exactly like one sorted query, and older messages are backfilled once', async () => {
    const { createMirror } = await import('../../shared/threads/index.js');
    const { backfillThreadDays } = await import('../../shared/threads/index.js');
    const { threadMessages } = await import('../../shared/inbox/index.js');
    const mirror = createMirror();
    const base = Date.UTC(2026, 10, 20, 22, 0, 0);
    // 40 messages over 4 days (crossing UTC midnights), stored out of order.
    const order = Array.from({ length: 40 }, (_, i) => i).sort((a, b) => ((a * 17) % 40) - ((b * 17) % 40));
    for (const i of order) {
      await mirror.ingest({
        puppetId: `d${i}`,
        chat: { kind: 'dm', id: 'sup-days' },
        sender: { wechatId: 'sup-days', name: '赵' },
        self: false,
        type: 'text',
        text: `消息${i}`,
        ts: new Date(base + i * 2.5 * 3600_000),
      });
    }
    await mirror.flush();
    const t = (await Thread.findOne({ key: 'dm:sup-days' }).lean())!;
    expect(t.days).to.have.length(5);
    const all = await Message.find({ threadId: t._id }).sort({ ts: -1 }).lean();
    const paged: string[] = [];
    let before: Date | undefined;
    for (;;) {
      const page = await threadMessages(t, { before, limit: 7 });
      if (!page.length) break;
      paged.push(...page.map((m) => m.text));
      before = page[page.length - 1]!.ts;
    }
    expect(paged).to.deep.equal(all.map((m) => m.text));
    const after = await threadMessages(t, { after: all[5]!.ts });
    expect(after.map((m) => m.text)).to.deep.equal(
      all
        .slice(0, 5)
        .reverse()
        .map((m) => m.text),
    );

    // Messages from before the thread-day key: backfilled once, then paged the same way.
    await Message.updateMany({ threadId: t._id }, { $unset: { td: 1 } });
    await Thread.updateOne({ _id: t._id }, { $set: { days: [] } });
    expect(await backfillThreadDays()).to.equal(40);
    expect(await backfillThreadDays()).to.equal(0);
    const t2 = (await Thread.findOne({ _id: t._id }).lean())!;
    expect([...t2.days].sort()).to.deep.equal([...t.days].sort());
    expect((await threadMessages(t2, { limit: 40 })).map((m) => m.text)).to.deep.equal(all.map((m) => m.text));
  });
});
