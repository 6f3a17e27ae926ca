// Day one of a real purchasing team (issue #20), through Wechaty + wechaty-puppet-mock against
// the real database: managers link their WeChat with /link, new contacts are sorted by a person,
// codes follow the numbering rules, duplicates are merged.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { commandListener } from '../../bot/commands.js';
import { loadConfig } from '../../shared/config/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createAccount, sessionOf, signIn } from '../../shared/managers/accounts.js';
import { deactivateManager, issueLinkCode, LinkCode, LINK_ATTEMPTS_PER_HOUR, redeemLinkCode, unlinkWechat } from '../../shared/managers/link.js';
import { BindingCode, MpBinding } from '../../shared/auth/index.js';
import { Claim } from '../../shared/claims/model.js';
import { fileClaim } from '../../shared/claims/index.js';
import { Notice, createDeliveryWorker } from '../../shared/notices/index.js';
import { Order } from '../../shared/orders/index.js';
import { SegmentChange, SupplierKpi, setSegment } from '../../shared/performance/index.js';
import { PricePoint } from '../../shared/prices/index.js';
import { scanOverdue } from '../../shared/scheduler/rules.js';
import { Supplier, createSupplier, listFairs, mergeSuppliers, nextFairLetter, registerFair, resolveSupplierCode, searchSuppliers, setSupplierTag } from '../../shared/suppliers/index.js';
import { Contact, FriendRequest, Message, Thread, createMirror, decideFriendRequest, findUnsorted, listUnsorted, sortContact } from '../../shared/threads/index.js';
import type { CommandOutcome } from '../../shared/commands/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { tmtTranslation } from '../support/translation.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { startTestBot, until, waitForMessages, type TestBot } from '../support/bot.js';

const BY = 'manager:000000000000000000000001';

/** The promise fails with an error of `kind` whose message matches `re`. */
async function rejects(p: Promise<unknown>, kind: new (...a: never[]) => Error, re: RegExp) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').to.be.instanceOf(kind);
  expect((err as Error).message).to.match(re);
}

describe('day one: the sandbox', function () {
  this.timeout(20_000);

  it('seeds its demo suppliers sorted: a fair in the register, A01 with its QC and room, 001; twice changes nothing', async () => {
    const { createSandbox, seedSandboxSuppliers } = await import('../../bot/sandbox.js');
    const sb = createSandbox();
    await seedSandboxSuppliers(sb);
    await seedSandboxSuppliers(sb);
    expect((await listFairs()).map((f) => f._id)).to.deep.equal(['A']);
    const codes = (await Supplier.find({}).lean()).map((s) => `${s.code} ${s.name}`).sort();
    expect(codes).to.deep.equal(['001 义乌李氏工艺品', 'A01 奥吉电器']);
    const a01 = (await Supplier.findOne({ code: 'A01' }).lean())!;
    const chen = (await Contact.findOne({ wechatId: 'sup-chen' }).lean())!;
    expect([String(chen.supplierId), chen.role]).to.deep.equal([String(a01._id), 'qc']);
    const room = (await Thread.findOne({ key: 'room:demo-augi@chatroom' }).lean())!;
    expect(String(room.supplierId)).to.equal(String(a01._id));
    expect(await listUnsorted()).to.deep.equal([]);
  });
});

describe('day one: WeChat side', function () {
  this.timeout(40_000);
  let t: TestBot;
  let tmt: TmtFake;
  let outcomes: CommandOutcome[];
  let clockNow: Date;
  let delivery: ReturnType<typeof createDeliveryWorker>;

  /** `who` says `text` (to the bot, or in the room); resolves with the command's outcome. */
  async function says(who: number | 'm' | 'c', text: string, inRoom = false): Promise<CommandOutcome> {
    const before = outcomes.length;
    t.sb.say(who, text, inRoom);
    for (let i = 0; i < 200 && outcomes.length === before; i++) await new Promise((ok) => setTimeout(ok, 25));
    expect(outcomes.length, `no outcome for ${text}`).to.equal(before + 1);
    return outcomes[outcomes.length - 1]!;
  }
  /** A supplier writes and is stored (no command). */
  async function writes(who: number, text: string, inRoom = false) {
    const n = await Message.countDocuments({ text });
    t.sb.say(who, text, inRoom);
    await waitForMessages({ text }, n + 1);
  }

  beforeEach(async () => {
    tmt = await startTmtFake();
    clockNow = new Date();
    const { config, translation } = tmtTranslation(tmt);
    outcomes = [];
    let bot: TestBot['bot'] | undefined;
    const listener = commandListener({ weights: config.performance.weights, translation, messenger: () => bot!.messenger, clock: () => clockNow });
    t = await startTestBot({ mirror: createMirror(), onCommand: async (ctx) => outcomes.push(await listener(ctx)) });
    bot = t.bot;
    delivery = createDeliveryWorker({ messenger: t.bot.messenger, pacing: { perChatMs: 0, perAccountPerMin: 10_000 } });
  });
  afterEach(async () => {
    await delivery.stop();
    await t.stop();
    await tmt.close();
  });

  describe("linking a manager's WeChat", () => {
    it('a manager links from WeChat with /link, then gets an overdue notice and runs /orders', async () => {
      const anna = await Manager.create({ name: 'Anna', language: 'en', timezone: 'Europe/Moscow' });
      const { code, expiresAt } = await issueLinkCode(String(anna._id), clockNow);
      expect(code).to.match(/^\d{6}$/);
      expect(expiresAt.getTime() - clockNow.getTime()).to.equal(10 * 60_000);
      // Before linking, nothing but /link is taken from this WeChat.
      t.sb.say('m', '/help');
      await waitForMessages({ text: '/help' }, 1);
      await new Promise((ok) => setTimeout(ok, 200));
      expect(outcomes).to.deep.equal([]);
      const r = await says('m', `/link ${code}`);
      expect(r.status).to.equal('done');
      expect(r.reply).to.equal('Linked: this WeChat is now Anna’s in Gendan. Notices come here; type /help for the commands.');
      await waitForMessages({ direction: 'out', text: r.reply! }, 1); // the answer reached the chat
      const linked = (await Manager.findOne({ _id: anna._id }).lean())!;
      expect(linked.wechatId).to.equal('mgr-anna');
      expect(linked.wechatName).to.equal('Anna (buyer)');
      // The /link message did not leave an unsorted contact behind: this is a colleague.
      expect(await listUnsorted()).to.deep.equal([]);
      expect((await Message.findOne({ text: `/link ${code}` }).lean())!.senderKind).to.equal('manager');

      // An overdue order of Anna's: the notice goes to her WeChat.
      const s = await createSupplier({ name: '奥吉电器' });
      await makeOrder(s.code, { number: 'PO-DAY1', managerId: String(anna._id), planned: plannedChain(new Date('2026-11-01T00:00:00Z'), 30) }); // one milestone late
      const monday = new Date('2026-11-30T09:00:00Z'); // 12:00 in Moscow
      expect((await scanOverdue(monday)).enqueued).to.equal(1);
      expect(await delivery.tick(monday)).to.equal(1);
      const notice = await waitForMessages({ direction: 'out', text: /PO-DAY1/ }, 1);
      expect(notice).to.equal(1);
      const out = (await Message.findOne({ direction: 'out', text: /PO-DAY1/ }).lean())!;
      expect((await Thread.findOne({ _id: out.threadId }).lean())!.key).to.equal('dm:mgr-anna');

      const orders = await says('m', '/orders');
      expect(orders.status).to.equal('done');
      expect(orders.reply).to.include('PO-DAY1');
    });

    it("the sandbox path: the admin creates a manager in the console, the colleague's simulated WeChat links to it", async () => {
      const boris = await createAccount({ login: 'boris', name: 'Boris', password: 'a long enough password', role: 'head', language: 'en' });
      expect([boris.role, boris.seesAll]).to.deep.equal(['head', true]);
      const { code } = await issueLinkCode(boris.id, clockNow);
      const r = await says('c', `/link ${code}`);
      expect(r.reply).to.equal('Linked: this WeChat is now Boris’s in Gendan. Notices come here; type /help for the commands.');
      expect((await Manager.findOne({ login: 'boris' }).lean())!.wechatName).to.equal('Boris (new buyer)');
      expect((await says('c', '/overdue')).reply).to.equal('Nothing overdue. 🎉');
    });

    it('answers a Russian-speaking manager in Russian', async () => {
      const olga = await Manager.create({ name: 'Ольга', language: 'ru' });
      const { code } = await issueLinkCode(String(olga._id), clockNow);
      const r = await says('m', `／link ${code}`);
      expect(r.reply).to.equal('Готово: этот WeChat привязан к Ольга в Gendan. Уведомления будут приходить сюда; /help — список команд.');
    });

    it('refuses unknown, expired and twice-used codes clearly, and changes nothing', async () => {
      const anna = await Manager.create({ name: 'Anna', language: 'en' });
      const unknown = await says('m', '/link 000000');
      expect(unknown.status).to.equal('failed');
      // Who asks is not known yet: both languages.
      expect(unknown.reply).to.equal('Unknown link code. Take a new one in the console (My WeChat).\nНеизвестный код привязки. Возьмите новый в консоли («Мой WeChat»).');
      const bad = await says('m', '/link 12ab');
      expect(bad.reply).to.match(/^A link code has six digits: \/link 482913/);

      const { code } = await issueLinkCode(String(anna._id), new Date(clockNow.getTime() - 11 * 60_000)); // issued 11 minutes ago
      const expired = await says('m', `/link ${code}`);
      expect(expired.reply).to.match(/^This link code has expired \(codes live 10 minutes\)/);
      expect((await Manager.findOne({ _id: anna._id }).lean())!.wechatId).to.equal(undefined);

      const fresh = await issueLinkCode(String(anna._id), clockNow);
      expect((await says('m', `/link ${fresh.code}`)).status).to.equal('done');
      // The same code again, from another WeChat: used.
      const again = await says(1, `/link ${fresh.code}`);
      expect(again.reply).to.match(/^This link code was used already/);
      expect((await Manager.findOne({ _id: anna._id }).lean())!.wechatId).to.equal('mgr-anna');
    });

    it("refuses a supplier contact's WeChat and one linked to another manager; the code stays usable", async () => {
      const anna = await Manager.create({ name: 'Anna', language: 'en' });
      await writes(0, '您好');
      const wang = (await Contact.findOne({ wechatId: 'sup-wang' }).lean())!;
      const sorted = await sortContact(String(wang._id), { kind: 'supplier' }, BY, new Date());
      const { code } = await issueLinkCode(String(anna._id), clockNow);
      const r = await says(0, `/link ${code}`);
      expect(r.status).to.equal('failed');
      expect(r.reply).to.include(`This WeChat belongs to a contact of supplier ${sorted.supplier!.code}: it cannot be a manager’s.`);
      expect((await Manager.findOne({ _id: anna._id }).lean())!.wechatId).to.equal(undefined);
      expect((await LinkCode.findOne({ code }).lean())!.usedAt).to.equal(undefined);

      await Manager.create({ name: 'Boris', language: 'en', wechatId: 'mgr-anna' });
      t.mirror.clearCaches();
      const taken = await says('m', `/link ${code}`);
      expect(taken.reply).to.equal('This WeChat is linked to another manager already (Boris). Unlink it there first.');
      expect((await LinkCode.findOne({ code }).lean())!.usedAt).to.equal(undefined);
    });

    it('voids a code typed in a group, and limits attempts per WeChat id', async () => {
      const anna = await Manager.create({ name: 'Anna', language: 'en' });
      const { code } = await issueLinkCode(String(anna._id), clockNow);
      const inRoom = await says('m', `/link ${code}`, true);
      expect(inRoom.status).to.equal('refused');
      expect(inRoom.reply).to.match(/private chat/);
      expect((await LinkCode.findOne({ code }).lean())!.usedAt).to.be.instanceOf(Date);
      let last: unknown;
      for (let i = 0; i <= LINK_ATTEMPTS_PER_HOUR; i++) await redeemLinkCode('wx-guess', 'guesser', String(100000 + i), clockNow).catch((e) => (last = e));
      expect((last as Error).message).to.match(/too many/);
    });

    it('a deactivated manager gets nothing: queued notices cancelled, no new ones, commands refused, sessions ended', async () => {
      const acct = await createAccount({ login: 'anna', name: 'Anna', password: 'correct horse battery', language: 'en' });
      const { code } = await issueLinkCode(acct.id, clockNow);
      expect((await says('m', `/link ${code}`)).status).to.equal('done');
      const session = await signIn('anna', 'correct horse battery');
      const s = await createSupplier({ name: '奥吉电器' });
      await makeOrder(s.code, { number: 'PO-GONE', managerId: acct.id, planned: plannedChain(new Date('2026-11-01T00:00:00Z'), 30) }); // one milestone late
      const night = new Date('2026-11-30T21:00:00Z'); // 00:00 in Moscow: queued for the morning
      expect((await scanOverdue(night)).enqueued).to.equal(1);
      expect(await Notice.countDocuments({ status: 'queued', to: 'dm:mgr-anna' })).to.equal(1);

      await deactivateManager(acct.id, clockNow);
      expect(await Notice.countDocuments({ status: 'queued', to: 'dm:mgr-anna' })).to.equal(0);
      expect(await sessionOf(session.token)).to.equal(undefined);
      expect((await scanOverdue(new Date('2026-12-01T09:00:00Z'))).enqueued).to.equal(0);
      expect(await delivery.tick(new Date('2026-12-01T09:00:00Z'))).to.equal(0);
      expect(await Message.countDocuments({ direction: 'out', text: /PO-GONE/ })).to.equal(0);
      const r = await says('m', '/orders');
      expect(r.status).to.equal('refused');
      expect(r.reply).to.equal('This Gendan account is deactivated: commands are not accepted.');
      // Still ours in a supplier room, not a new contact to sort.
      await Thread.create({ key: 'room:demo-augi@chatroom', kind: 'room', roomId: 'demo-augi@chatroom', supplierId: s._id, status: 'sorted' });
      t.sb.say('m', '大家好', true);
      await waitForMessages({ text: '大家好' }, 1);
      expect((await Message.findOne({ text: '大家好' }).lean())!.senderKind).to.equal('manager');
      expect(await listUnsorted()).to.deep.equal([]);
    });

    it('unlinking stops notices to that WeChat and its commands', async () => {
      const anna = await Manager.create({ name: 'Anna', language: 'en' });
      const { code } = await issueLinkCode(String(anna._id), clockNow);
      await says('m', `/link ${code}`);
      await unlinkWechat(String(anna._id));
      expect((await Manager.findOne({ _id: anna._id }).lean())!.wechatId).to.equal(undefined);
      const before = outcomes.length;
      t.sb.say('m', '/orders');
      await waitForMessages({ text: '/orders' }, 1);
      await new Promise((ok) => setTimeout(ok, 200));
      expect(outcomes.length).to.equal(before); // not a manager's WeChat any more: nothing runs
    });
  });

  describe('friend requests', () => {
    it('a request is listed with its greeting; /accept 1 accepts it in WeChat once; a second decision hears what happened', async () => {
      const accepted: string[] = [];
      const puppet = t.sb.puppet as unknown as { friendshipAccept(id: string): Promise<void>; friendshipPayload(id: string, p: object): Promise<unknown> };
      puppet.friendshipAccept = async (id: string) => void accepted.push(id);
      t.sb.mocker.createContact({ id: 'sup-ningbo', name: '宁波工厂 张' });
      await puppet.friendshipPayload('fr-1', { id: 'fr-1', contactId: 'sup-ningbo', hello: '你好，我是宁波工厂的张', type: 2, timestamp: Date.now() });
      t.sb.puppet.emit('friendship', { friendshipId: 'fr-1' });
      const req = await until('request recorded', () => FriendRequest.findOne({ requestId: 'fr-1' }).lean());
      expect(req.status).to.equal('pending'); // FRIEND_AUTO_ACCEPT is off by default
      await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.mirror.clearCaches();
      const list = await says('m', '/accept');
      expect(list.reply).to.equal('Friend requests (1); /accept <n> or /decline <n>:\n1. 宁波工厂 张 — “你好，我是宁波工厂的张”');
      const r = await says('m', '/accept 1');
      expect(r.reply).to.equal('Accepting 宁波工厂 张 as a WeChat friend. Once they write, sort them with /sort.');
      await until('accepted in WeChat', async () => (await FriendRequest.findOne({ requestId: 'fr-1' }).lean())!.status === 'accepted');
      expect(accepted).to.deep.equal(['fr-1']);
      await rejects(decideFriendRequest(String(req._id), false, BY, new Date()), ConflictError, /of 宁波工厂 张 was accepted already by manager:/);
      t.sb.puppet.emit('friendship', { friendshipId: 'fr-1' }); // delivered again: the same request
      await new Promise((ok) => setTimeout(ok, 300));
      expect(await FriendRequest.countDocuments({})).to.equal(1);
      expect((await says('m', '/decline 1')).reply).to.match(/no pending friend request number 1 \(0 pending\)/);
    });
  });

  describe('sorting new contacts', () => {
    it('unsorted contact → supplier: coded, history attached, later messages follow', async () => {
      await writes(0, '您好，我是奥吉电器的王经理');
      await writes(0, '这是我们的产品目录');
      const [item] = await listUnsorted();
      expect(item!.kind).to.equal('contact');
      expect(item!.name).to.equal('王经理');
      expect(item!.firstMessages.map((m) => m.text)).to.deep.equal(['您好，我是奥吉电器的王经理', '这是我们的产品目录']);
      const anna = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.mirror.clearCaches();
      const r = await says('m', '/sort 王经理 supplier');
      expect(r.reply).to.equal('王经理 is now supplier 001 (2 messages attached).');
      const s = (await Supplier.findOne({ code: '001' }).lean())!;
      expect(s.wechatIds).to.deep.equal(['sup-wang']);
      expect((await Message.find({ senderWechatId: 'sup-wang' }).lean()).map((m) => String(m.supplierId))).to.deep.equal([String(s._id), String(s._id)]);
      const thread = (await Thread.findOne({ key: 'dm:sup-wang' }).lean())!;
      expect(String(thread.supplierId)).to.equal(String(s._id));
      expect(thread.status).to.equal('sorted');
      await writes(0, '交期下周确认');
      expect(String((await Message.findOne({ text: '交期下周确认' }).lean())!.supplierId)).to.equal(String(s._id));
      expect(await listUnsorted()).to.deep.equal([]);
      // Sorted twice: the second hears who did what.
      const twice = await says('m', `/sort ${String((await Contact.findOne({ wechatId: 'sup-wang' }).lean())!._id)} ignore`);
      expect(twice.reply).to.match(/王经理 was sorted already by Anna at .* as a new supplier 001/);
      expect(String(anna._id)).to.be.a('string');
    });

    it("files a forwarder under the client's code with its role; a room proposes the supplier of its known member", async () => {
      await writes(0, '您好');
      const wang = (await Contact.findOne({ wechatId: 'sup-wang' }).lean())!;
      const d = await registerFair({ name: 'Canton Fair 2026', from: '2026-10-15', to: '2026-10-19' }, BY, new Date());
      expect(d._id).to.equal('A');
      const sup = await sortContact(String(wang._id), { kind: 'supplier', fairLetter: 'A' }, BY, new Date());
      expect(sup.supplier!.code).to.equal('A01');
      await writes(1, '我是货代，负责 A01 的出货');
      await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.mirror.clearCaches();
      const r = await says('m', '/sort 李小姐 contact a01 forwarder');
      expect(r.reply).to.equal('李小姐 is filed under A01 (forwarder) (1 messages attached).');
      const li = (await Contact.findOne({ wechatId: 'sup-li' }).lean())!;
      expect(li.role).to.equal('forwarder');
      expect(String(li.supplierId)).to.equal(sup.supplier!.id);
      expect(await Supplier.countDocuments({})).to.equal(1); // no supplier of its own
      // The forwarder's chat is A01's history, but replies to A01 go to the factory's chat.
      expect((await Thread.findOne({ key: 'dm:sup-li' }).lean())!.thirdParty).to.equal(true);
      await t.mirror.flush();
      const reply = await says('m', '/reply A01 请确认');
      expect(reply.status).to.equal('done');
      const queued = await Notice.findOne({ kind: 'message' }).lean();
      expect(queued!.to).to.equal('dm:sup-wang');

      // The group with 王经理 in it: unsorted, proposing A01.
      await writes(0, '大货下周出货', true);
      const room = (await listUnsorted()).find((i) => i.kind === 'room')!;
      expect(room.proposals.map((p) => p.code)).to.deep.equal(['A01']);
      const sorted = await sortContact(room.id, { kind: 'contact', supplier: 'A01' }, BY, new Date());
      expect(sorted.attached).to.deep.equal({ threads: 1, messages: 1 });
      expect(String((await Message.findOne({ text: '大货下周出货' }).lean())!.supplierId)).to.equal(sup.supplier!.id);
    });

    it('ignore stops mirroring a private chat and deletes what was mirrored; colleague makes a manager', async () => {
      await writes(2, '你好，加个微信');
      await writes(1, '我是采购部的同事');
      const chen = await findUnsorted('陈工 QC');
      const ignored = await sortContact(chen.id, { kind: 'ignore' }, BY, new Date());
      expect(ignored.deleted).to.equal(1);
      expect(await Message.countDocuments({ senderWechatId: 'sup-chen' })).to.equal(0);
      t.sb.say(2, '还在吗？');
      await new Promise((ok) => setTimeout(ok, 400));
      expect(await Message.countDocuments({ text: '还在吗？' })).to.equal(0);
      expect((await Thread.findOne({ key: 'dm:sup-chen' }).lean())!.status).to.equal('ignored');

      const li = await findUnsorted('李小姐');
      const col = await sortContact(li.id, { kind: 'colleague', language: 'ru' }, BY, new Date());
      const m = (await Manager.findOne({ _id: col.managerId }).lean())!;
      expect(m.wechatId).to.equal('sup-li');
      expect(m.language).to.equal('ru');
      expect((await Message.findOne({ text: '我是采购部的同事' }).lean())!.senderKind).to.equal('manager');
      expect((await says(1, '/orders')).status).to.equal('done'); // now a manager's commands run
    });

    it('of two people sorting the same contact at once, one wins and the other hears what happened', async () => {
      await writes(0, '您好');
      const wang = (await Contact.findOne({ wechatId: 'sup-wang' }).lean())!;
      const results = await Promise.allSettled([
        sortContact(String(wang._id), { kind: 'supplier' }, 'manager:aaaaaaaaaaaaaaaaaaaaaaaa', new Date()),
        sortContact(String(wang._id), { kind: 'ignore' }, 'manager:bbbbbbbbbbbbbbbbbbbbbbbb', new Date()),
      ]);
      const won = results.filter((x) => x.status === 'fulfilled');
      const lost = results.filter((x) => x.status === 'rejected') as PromiseRejectedResult[];
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(lost[0]!.reason).to.be.instanceOf(ConflictError);
      expect(lost[0]!.reason.message).to.match(/^王经理 was sorted already by manager:[ab]{24} at .* as (a new supplier( 001)?|ignored)$/);
      expect(await Supplier.countDocuments({})).to.equal((won[0] as PromiseFulfilledResult<{ kind: string }>).value.kind === 'supplier' ? 1 : 0);
    });

    it('refuses bad decisions and changes nothing', async () => {
      await writes(0, '您好');
      const wang = await findUnsorted('王经理');
      await rejects(sortContact(wang.id, { kind: 'contact', supplier: 'Z99' }, BY, new Date()), NotFoundError, /no supplier Z99/);
      await rejects(sortContact(wang.id, { kind: 'supplier', fairLetter: 'I' }, BY, new Date()), ValidationError, /I is never used/);
      await rejects(sortContact(wang.id, { kind: 'supplier', fairLetter: '7' }, BY, new Date()), ValidationError, /not a digit/);
      await rejects(sortContact(wang.id, { kind: 'supplier', fairLetter: 'D' }, BY, new Date()), NotFoundError, /register the fair first/);
      await rejects(sortContact(wang.id, { kind: 'supplier', code: 'O12' }, BY, new Date()), ValidationError, /O is never used/);
      expect((await Contact.findOne({ wechatId: 'sup-wang' }).lean())!.status).to.equal('unsorted');
      expect(await Supplier.countDocuments({})).to.equal(0);
      const explicit = await sortContact(wang.id, { kind: 'supplier', code: 'D12' }, BY, new Date());
      expect(explicit.supplier!.code).to.equal('D12');
    });
  });

  describe('codes', () => {
    it('/reply D12 AUGI … sends only the text; the tagged and plain codes both work', async () => {
      await writes(0, '您好');
      const wang = await findUnsorted('王经理');
      await sortContact(wang.id, { kind: 'supplier', code: 'D12' }, BY, new Date());
      const order = await makeOrder('D12');
      await setSupplierTag('D12', 'AU', 'GI');
      await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.mirror.clearCaches();
      delivery.start(50);
      const r = await says('m', '/reply D12 AUGI 请确认交期');
      expect(r.status).to.equal('done');
      const chat = (await Thread.findOne({ key: 'dm:sup-wang' }).lean())!;
      await waitForMessages({ threadId: chat._id, direction: 'out' }, 1);
      const sent = (await Message.findOne({ threadId: chat._id, direction: 'out' }).lean())!;
      expect(sent.text).to.match(/请确认交期$/);
      expect(sent.text).to.not.include('AUGI');
      const th = await says('m', '/thread d12 augi 5');
      expect(th.reply).to.match(/^Last \d+ messages with D12:/);
      const list = (await says('m', '/orders D12 AUGI')).reply!;
      expect(list).to.match(/^Open orders D12 AUGI \(1\)/); // the header names the tagged code too
      expect(list).to.include(`${order.number} · D12 AUGI ·`); // order lines show the tagged code
      expect((await says('m', `/po ${order.number}`)).reply).to.include('D12 AUGI');
      expect((await resolveSupplierCode('d12-augi')).code).to.equal('D12');
      expect((await searchSuppliers('d12 augi')).map((x) => x.code)).to.deep.equal(['D12']);
      expect((await searchSuppliers('王经')).map((x) => x.code)).to.deep.equal(['D12']); // by name
    });

    it('keeps a fair register: next letter offered, never I or O, digits refused, a letter once', async () => {
      expect(await nextFairLetter()).to.equal('A');
      await registerFair({ name: 'Canton Fair 2026 (autumn)', city: 'Guangzhou' }, BY, new Date());
      await registerFair({ letter: 'h', name: 'Yiwu Fair' }, BY, new Date());
      expect(await nextFairLetter()).to.equal('B');
      for (const l of 'BCDEFG') await registerFair({ letter: l, name: `Fair ${l}` }, BY, new Date());
      expect(await nextFairLetter()).to.equal('J'); // H taken, I never
      await rejects(registerFair({ letter: 'I', name: 'x' }, BY, new Date()), ValidationError, /I is never used/);
      await rejects(registerFair({ letter: 'o', name: 'x' }, BY, new Date()), ValidationError, /O is never used/);
      await rejects(registerFair({ letter: '1', name: 'x' }, BY, new Date()), ValidationError, /not a digit/);
      await rejects(registerFair({ letter: 'H', name: 'again' }, BY, new Date()), ConflictError, /H is taken by Yiwu Fair; the next free letter is J/);
      expect((await listFairs()).map((f) => f._id).join('')).to.equal('ABCDEFGH');
    });
  });

  describe('merging duplicates', () => {
    it('moves every kind of record, keeps the earliest code, and the old code still works in /thread', async () => {
      const early = await createSupplier({ name: '奥吉电器', code: 'D12' });
      await new Promise((ok) => setTimeout(ok, 5));
      // The same company met again, written in as a new contact.
      await writes(0, '您好，我们是奥吉');
      const wang = await findUnsorted('王经理');
      const late = (await sortContact(wang.id, { kind: 'supplier' }, BY, new Date())).supplier!;
      expect(late.code).to.equal('001');
      const o = await makeOrder('001', { number: 'PO-LATE-1' });
      await makeOrder('D12', { number: 'PO-EARLY-1' }); // both have KPIs for the same month
      const anna = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
      t.mirror.clearCaches();
      const claim = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 3, description: 'scratches' }, { id: String(anna._id) }, undefined);
      await setSegment(late.id, 'problem', BY, 'test', new Date());
      await MpBinding.create({ openid: 'openid-late', supplierId: new Types.ObjectId(late.id), at: new Date() });
      await BindingCode.create({ code: 'ABCDEFGH', supplierId: new Types.ObjectId(late.id), issuedBy: BY, expiresAt: new Date(Date.now() + 3600_000) });
      await until(
        'kpis and price points',
        async () => (await SupplierKpi.countDocuments({ supplierId: new Types.ObjectId(late.id) })) && (await PricePoint.countDocuments({ supplierId: new Types.ObjectId(late.id) })),
      );

      // Refused first: into itself (also by its former or tagged code), and nothing changes.
      await rejects(mergeSuppliers('001', '001', BY, new Date()), ValidationError, /into itself/);

      const r = await mergeSuppliers(late.code, early.code, BY, new Date());
      expect(r.code).to.equal('D12'); // the earliest code, though 001 was named the survivor
      expect(r.formerCodes).to.deep.equal(['001']);
      const sid = String(r.survivor._id);
      expect(sid).to.equal(late.id);
      const gone = (await Supplier.findOne({ _id: early._id }).lean())!;
      expect(String(gone.mergedInto)).to.equal(sid);
      expect(gone.mergedBy).to.equal(BY);
      expect(gone.mergedAt).to.be.instanceOf(Date);
      expect(r.survivor.merges!.map((m) => m.code)).to.deep.equal(['D12']);
      const oid = new Types.ObjectId(sid);
      expect((await Order.findOne({ number: 'PO-LATE-1' }).lean())!.supplierCode).to.equal('D12');
      expect((await Claim.findOne({ _id: claim._id }).lean())!.supplierCode).to.equal('D12');
      expect(await PricePoint.countDocuments({ supplierId: oid, supplierCode: 'D12' })).to.be.greaterThan(0);
      expect(await SegmentChange.countDocuments({ supplierId: oid })).to.equal(1);
      expect(String((await MpBinding.findOne({ openid: 'openid-late' }).lean())!.supplierId)).to.equal(sid);
      expect(String((await BindingCode.findOne({ code: 'ABCDEFGH' }).lean())!.supplierId)).to.equal(sid);
      const kpis = await SupplierKpi.find({ supplierId: oid }).lean();
      expect(kpis.reduce((n, k) => n + k.orders, 0)).to.equal(2); // summed, not overwritten
      expect(await SupplierKpi.countDocuments({ supplierId: early._id })).to.equal(0);
      expect((await Order.findOne({ number: 'PO-EARLY-1' }).lean())!.supplierId.toString()).to.equal(sid);

      // Now merge a third one into it: its threads, messages and contacts move.
      await writes(1, '我是李小姐，也是奥吉的');
      const li = await findUnsorted('李小姐');
      const third = (await sortContact(li.id, { kind: 'supplier' }, BY, new Date())).supplier!;
      await mergeSuppliers('D12', third.code, BY, new Date());
      expect(String((await Contact.findOne({ wechatId: 'sup-li' }).lean())!.supplierId)).to.equal(sid);
      expect(String((await Thread.findOne({ key: 'dm:sup-li' }).lean())!.supplierId)).to.equal(sid);
      expect(String((await Message.findOne({ text: '我是李小姐，也是奥吉的' }).lean())!.supplierId)).to.equal(sid);
      expect((await resolveSupplierCode(third.code)).code).to.equal('D12');
      expect((await resolveSupplierCode('001')).code).to.equal('D12');
      expect((await searchSuppliers('001')).map((x) => x.code)).to.deep.equal(['D12']);
      expect(await searchSuppliers('奥吉电器')).to.deep.equal([]); // the merged record is not listed (its code is)

      // The old codes still work in commands.
      await t.mirror.flush();
      const th = await says('m', `/thread ${third.code} 5`);
      expect(th.reply).to.match(/^Last \d+ messages with D12:/);
      expect(th.reply).to.include('我是李小姐，也是奥吉的');
      expect((await says('m', '/orders 001')).reply).to.include('PO-LATE-1');

      // Into a merged one, or the merged one again elsewhere: refused.
      const other = await createSupplier({ name: 'Other' });
      await rejects(mergeSuppliers(early._id, other._id, BY, new Date()), ConflictError, /was merged into D12 already/);
      await rejects(mergeSuppliers(other._id, early._id, BY, new Date()), ConflictError, /was merged into D12 already/);
      await rejects(mergeSuppliers('D12', '001', BY, new Date()), ValidationError, /into itself \(001 is a former code of D12\)/);
    });
  });
});

describe('day one: rooms as a live WeChat account sees them', function () {
  this.timeout(30_000);
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it("joins, leaves and topic changes appear in the thread once; a new member is proposed as the room supplier's contact", async () => {
    const { seedSandboxSuppliers } = await import('../../bot/sandbox.js');
    await seedSandboxSuppliers(t.sb);
    const newbie = t.sb.mocker.createContact({ id: 'sup-zhao-qc', name: '赵跟单' });
    t.sb.room.add(newbie).by(t.sb.suppliers[0]!);
    await until('join event', async () => Message.findOne({ 'roomEvent.kind': 'join' }).lean());
    const join = (await Message.findOne({ 'roomEvent.kind': 'join' }).lean())!;
    expect(join.text).to.equal('➕ 赵跟单 joined (王经理)');
    expect(join.translationStatus).to.equal('skipped');
    const room = (await Thread.findOne({ key: 'room:demo-augi@chatroom' }).lean())!;
    expect(String(join.supplierId)).to.equal(String(room.supplierId));
    const item = (await listUnsorted()).find((i) => i.wechatId === 'sup-zhao-qc')!;
    expect(item.proposals.map((p) => `${p.code}: ${p.reason}`)).to.deep.equal(["A01: in A01's room “奥吉电器 × Gendan 订单群”"]);

    t.sb.room.topic('奥吉 2027 订单').by(t.sb.suppliers[0]!);
    await until('topic event', async () => (await Thread.findOne({ key: 'room:demo-augi@chatroom' }).lean())!.topic === '奥吉 2027 订单');
    expect((await Message.findOne({ 'roomEvent.kind': 'topic' }).lean())!.text).to.equal('✏️ topic: “奥吉电器 × Gendan 订单群” → “奥吉 2027 订单” (王经理)');
    t.sb.room.remove(newbie).by(t.sb.suppliers[0]!);
    await until('leave event', async () => Message.findOne({ 'roomEvent.kind': 'leave' }).lean());
    expect(await Message.countDocuments({ roomEvent: { $exists: true } })).to.equal(3);
    expect(await Contact.countDocuments({ wechatId: 'sup-zhao-qc' })).to.equal(1); // renames and rejoins update, never duplicate
  });
});

describe('day one: friend requests accepted automatically when configured', function () {
  this.timeout(30_000);

  it('FRIEND_AUTO_ACCEPT=true accepts at once, recorded as auto-accept', async () => {
    const t = await startTestBot({ config: loadConfig({ BOT_NAME: 'test-bot', FRIEND_AUTO_ACCEPT: 'true' }) });
    try {
      const accepted: string[] = [];
      const puppet = t.sb.puppet as unknown as { friendshipAccept(id: string): Promise<void>; friendshipPayload(id: string, p: object): Promise<unknown> };
      puppet.friendshipAccept = async (id: string) => void accepted.push(id);
      t.sb.mocker.createContact({ id: 'sup-auto', name: '自动' });
      await puppet.friendshipPayload('fr-auto', { id: 'fr-auto', contactId: 'sup-auto', hello: '你好', type: 2, timestamp: Date.now() });
      t.sb.puppet.emit('friendship', { friendshipId: 'fr-auto' });
      await until('accepted', async () => (await FriendRequest.findOne({ requestId: 'fr-auto' }).lean())?.status === 'accepted');
      expect((await FriendRequest.findOne({ requestId: 'fr-auto' }).lean())!.decidedBy).to.equal('auto-accept');
      expect(accepted).to.deep.equal(['fr-auto']);
    } finally {
      await t.stop();
    }
  });
});

describe('day one: recalled messages', function () {
  this.timeout(30_000);

  it('a recalled message is marked, kept with its text, never translated, and a recalled command never runs', async () => {
    const t = await startTestBot();
    try {
      t.sb.mocker.MessageMock.create({ id: 'orig-r1', talkerId: 'sup-wang', listenerId: 'gendan-bot', timestamp: Date.now(), type: 7, text: '价格写错了' } as never);
      t.sb.puppet.emit('message', { messageId: 'orig-r1' });
      await waitForMessages({ puppetId: 'orig-r1' }, 1);
      t.sb.mocker.MessageMock.create({ id: 'recall-r1', talkerId: 'sup-wang', listenerId: 'gendan-bot', timestamp: Date.now(), type: 13, text: 'orig-r1' } as never);
      t.sb.puppet.emit('message', { messageId: 'recall-r1' });
      // The recall is handled to its end (marked, translation skipped, command closed) before we look.
      await t.bot.idle();
      const m = await Message.findOne({ puppetId: 'orig-r1' }).lean();
      expect(m!.recalledAt).to.be.instanceOf(Date);
      expect(m!.text).to.equal('价格写错了');
      expect(m!.translationStatus).to.equal('skipped');
      expect(m!.commandStatus).to.equal('recalled');
      expect(await Message.countDocuments({})).to.equal(1); // the recall itself is not a message
    } finally {
      await t.stop();
    }
  });
});
