// Manager commands through Wechaty + wechaty-puppet-mock against the real database.
import { expect } from 'chai';
import { commandListener } from '../../bot/commands.js';
import { Manager } from '../../shared/managers/model.js';
import { BindingCode } from '../../shared/auth/index.js';
import { Order, OrderEvent } from '../../shared/orders/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message } from '../../shared/threads/index.js';
import { createMirror } from '../../shared/threads/index.js';
import type { CommandOutcome } from '../../shared/commands/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { tmtTranslation } from '../support/translation.js';
import { createDeliveryWorker } from '../../shared/notices/index.js';
import { makeOrder } from '../support/api.js';
import { sortAllAsSuppliers, startTestBot, waitForMessages, type TestBot } from '../support/bot.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { DEFAULT_PACING } from '../../shared/notices/index.js';

describe('commands: managers drive Gendan from WeChat', function () {
  this.timeout(30_000);
  let t: TestBot;
  let tmt: TmtFake;
  let outcomes: CommandOutcome[];
  let clockNow: Date;
  let delivery: ReturnType<typeof createDeliveryWorker>;

  async function command(text: string, inRoom = false): Promise<CommandOutcome> {
    const before = outcomes.length;
    t.sb.say('m', text, inRoom);
    for (let i = 0; i < 200 && outcomes.length === before; i++) await new Promise((ok) => setTimeout(ok, 25));
    expect(outcomes.length, `no outcome for ${text}`).to.equal(before + 1);
    return outcomes[outcomes.length - 1]!;
  }

  beforeEach(async () => {
    tmt = await startTmtFake();
    clockNow = new Date(Date.now());
    const { translation } = tmtTranslation(tmt);
    outcomes = [];
    let bot: TestBot['bot'] | undefined;
    const listener = commandListener({ weights: DEFAULT_SETTINGS.weights, translation, messenger: () => bot!.messenger, clock: () => clockNow });
    t = await startTestBot({ mirror: createMirror(), onCommand: async (ctx) => outcomes.push(await listener(ctx)) });
    bot = t.bot;
    delivery = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: t.bot.messenger });
    delivery.start(100);
    await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
    t.mirror.clearCaches();
  });
  afterEach(async () => {
    await delivery.stop();
    await t.stop();
    await tmt.close();
  });

  async function supplierWithChat() {
    t.sb.say(0, '您好'); // 王经理 writes first, and is sorted as a new supplier: 001
    await waitForMessages({ senderKind: 'supplier' }, 1);
    await sortAllAsSuppliers();
    const s = await Supplier.findOne({}).lean();
    return s!;
  }

  it('answers /help and /po, accepts the full-width slash', async () => {
    const s = await supplierWithChat();
    await makeOrder(s.code, { number: 'PO-2026-001' });
    const help = await command('/help');
    expect(help.reply).to.include('/po <po number>');
    const po = await command('／po PO-2026-001');
    expect(po.status).to.equal('done');
    expect(po.reply).to.match(/^PO-2026-001 · supplier 001 · open/);
    expect(po.reply).to.include('⏰ confirmed: 2026-11-01');
    await waitForMessages({ direction: 'out', text: po.reply }, 1); // the reply reached the chat
  });

  it('marks a milestone done and re-plans one; the order changes once per command', async () => {
    const s = await supplierWithChat();
    const o = await makeOrder(s.code, { number: 'PO-7' });
    const done = await command('/done PO-7 confirmed 2026-11-03');
    expect(done.reply).to.equal('PO-7: confirmed marked done (2026-11-03).');
    const plan = await command('/plan PO-7 materials 2026-12-10');
    expect(plan.reply).to.equal('PO-7: materials planned for 2026-12-10.');
    const saved = await Order.findOne({ _id: o._id }).lean();
    expect(saved!.milestones.confirmed.status).to.equal('done');
    expect(saved!.milestones.materials.planned!.toISOString().slice(0, 10)).to.equal('2026-12-10');
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(2);
    const bad = await command('/plan PO-7 painting 2026-12-10');
    expect(bad.status).to.equal('failed');
    expect(bad.reply).to.match(/unknown milestone/);
    expect(bad.reply).to.match(/Usage: \/plan/);
  });

  it('records a customs hold with expected days', async () => {
    const s = await supplierWithChat();
    const o = await makeOrder(s.code, { number: 'PO-C1' });
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    const r = await command('/customs PO-C1 hold 5 海关查验 documents');
    expect(r.status).to.equal('done');
    const saved = await Order.findOne({ _id: o._id }).lean();
    expect(saved!.customs.status).to.equal('held');
    expect(saved!.customs.reason).to.equal('海关查验 documents');
  });

  it('/reply sends the Chinese translation into the supplier chat and keeps the original', async () => {
    await supplierWithChat();
    const r = await command('/reply 001 Please confirm the shipment date of PO-2026-001');
    expect(r.reply).to.include('Sent to 001 in Chinese');
    await waitForMessages({ direction: 'out', text: /^〔zh〕/ }, 1);
    const sent = await Message.findOne({ direction: 'out', text: /^〔zh〕/ }).lean();
    expect(sent!.text).to.equal('〔zh〕Please confirm the shipment date of PO-2026-001');
    const thread = await Message.findOne({ senderKind: 'supplier' }).lean();
    expect(String(sent!.threadId)).to.equal(String(thread!.threadId)); // into the supplier's chat
    expect(await Message.countDocuments({ text: '/reply 001 Please confirm the shipment date of PO-2026-001' })).to.equal(1); // original kept
  });

  it('/thread shows the last messages with translations; /tr translates', async () => {
    await supplierWithChat();
    await Message.updateOne({ senderKind: 'supplier' }, { $set: { 'translations.en': { text: 'Hello', source: 'phrasebook' } } });
    const r = await command('/thread 001 5');
    expect(r.reply).to.match(/Last 1 messages with 001:\n\[\d\d-\d\d \d\d:\d\d\] 王经理: 您好\n {3}→ Hello/);
    const tr = await command('/tr 大货什么时候好');
    expect(tr.reply).to.equal('〔en〕大货什么时候好');
  });

  it('/bind sends a binding code to the supplier chat in Chinese', async () => {
    await supplierWithChat();
    const r = await command('/bind 001');
    const code = (await BindingCode.findOne({}).lean())!.code;
    expect(r.reply).to.include(code);
    await waitForMessages({ direction: 'out', text: /^您好！这是 Gendan 小程序的绑定码/ }, 1);
    expect((await Message.findOne({ direction: 'out', text: /^您好！这是 Gendan 小程序的绑定码/ }).lean())!.text).to.include(code);
  });

  it('/assign and /segment change the supplier; /overdue lists my late orders', async () => {
    const s = await supplierWithChat();
    const boris = await Manager.create({ name: 'Boris', language: 'ru' });
    expect((await command('/assign 001 boris')).reply).to.equal('001 is now handled by Boris.');
    expect(String((await Supplier.findOne({ _id: s._id }).lean())!.managerId)).to.equal(String(boris._id));
    expect((await command('/segment 001 strategic')).reply).to.equal('001 is now strategic.');
    const anna = await Manager.findOne({ name: 'Anna' }).lean();
    await makeOrder(s.code, { number: 'PO-LATE', managerId: String(anna!._id) });
    const od = await command('/overdue');
    expect(od.reply).to.match(/^Overdue \(1\):\nPO-LATE · 001 · late: confirmed 2026-11-01 \(\d+ d late\), materials 2026-11-08 \(\d+ d late\), /);
  });

  it('/overdue names the late milestones in the manager’s language, days late and the tagged code (an order planning only its shipment)', async () => {
    const s = await supplierWithChat();
    await Supplier.updateOne({ _id: s._id }, { $set: { tag: 'CNNB' } });
    const anna = (await Manager.findOne({ name: 'Anna' }).lean())!;
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await makeOrder(s.code, { number: 'PO-IMP-1', managerId: String(anna._id), planned: { shipped: twoDaysAgo } });
    const day = twoDaysAgo.toISOString().slice(0, 10);
    expect((await command('/overdue')).reply).to.equal(`Overdue (1):\nPO-IMP-1 · 001 CNNB · late: shipped ${day} (2 d late)`);
    // The same text within seconds is a redelivery to the mirror: a space tells them apart.
    await Manager.updateOne({ _id: anna._id }, { $set: { language: 'az' } });
    expect((await command('/overdue ')).reply).to.equal(`Gecikənlər (1):\nPO-IMP-1 · 001 CNNB · gecikir: yükləmə ${day} (2 gün gecikmə)`);
    await Manager.updateOne({ _id: anna._id }, { $set: { language: 'ru' } });
    expect((await command('/overdue  ')).reply).to.equal(`Просрочено (1):\nPO-IMP-1 · 001 CNNB · просрочено: отгрузка ${day} (опоздание 2 дн.)`);
    // /orders says it is late too (its next milestone, confirmed, has no date).
    await Manager.updateOne({ _id: anna._id }, { $set: { language: 'en' } });
    expect((await command('/orders')).reply).to.include('(2 d late)');
  });

  it('answers in Russian to a Russian-speaking manager', async () => {
    await Manager.updateOne({ wechatId: 'mgr-anna' }, { $set: { language: 'ru' } });
    const r = await command('/po NOPE');
    expect(r.reply).to.equal('Заказа NOPE нет.');
  });

  it('does not execute a command from an offline backlog older than five minutes, nor one replayed', async () => {
    const s = await supplierWithChat();
    await makeOrder(s.code, { number: 'PO-OLD' });
    clockNow = new Date(Date.now() + 10 * 60_000); // the bot comes back ten minutes later
    const r = await command('/done PO-OLD confirmed');
    expect(r.status).to.equal('stale');
    expect((await Order.findOne({ number: 'PO-OLD' }).lean())!.milestones.confirmed.status).to.equal('pending');
    expect((await Message.findOne({ text: '/done PO-OLD confirmed' }).lean())!.commandStatus).to.equal('stale');
    // The same message handed over again: claimed already, nothing runs.
    clockNow = new Date();
    const msg = await Message.findOne({ text: '/done PO-OLD confirmed' }).lean();
    const listener = commandListener({
      weights: DEFAULT_SETTINGS.weights,
      translation: {
        translateText: async () => {
          throw new Error('unused');
        },
      },
      messenger: () => t.bot.messenger,
    });
    const again = await listener({ message: msg! as never, inbound: {} as never, chatKey: 'dm:mgr-anna' });
    expect(again.status).to.equal('duplicate');
  });

  it('gives a supplier who types a slash nothing to run', async () => {
    t.sb.say(0, '/orders');
    await waitForMessages({ senderKind: 'supplier' }, 1);
    await t.idle(); // handled to the end: no command ran
    expect(outcomes).to.deep.equal([]);
    expect(await Message.countDocuments({ direction: 'out' })).to.equal(0);
  });
});
