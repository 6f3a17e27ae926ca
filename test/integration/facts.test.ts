// Chat to facts (#25): a supplier's chat message becomes a proposal for the responsible
// manager in WeChat; `/ok n` applies it through the orders' own re-plan (history, KPIs), `/no n`
// drops it; a PO of another supplier is never linked. Wechaty over wechaty-puppet-mock, the
// real database, the real outbox and delivery worker.
import { expect } from 'chai';
import { commandListener } from '../../bot/commands.js';
import type { CommandOutcome } from '../../shared/commands/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { managerViewer } from '../../shared/access/index.js';
import { FactoryClosure, Proposal, decideById, decideByNumber, factsIdle, factsOfOrder, onMessageStored, proposalsOfThread, viewOf } from '../../shared/facts/index.js';
import type { ProposalDoc } from '../../shared/facts/model.js';
import { Manager } from '../../shared/managers/model.js';
import { DEFAULT_PACING, Notice, createDeliveryWorker } from '../../shared/notices/index.js';
import { Order, OrderEvent } from '../../shared/orders/index.js';
import { DEFAULT_SETTINGS, SupplierKpi } from '../../shared/performance/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message, Thread, createMirror } from '../../shared/threads/index.js';
import { createTranslationService } from '../../shared/translation/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { sortAllAsSuppliers, startTestBot, until, waitForMessages, type TestBot } from '../support/bot.js';

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const dayOf = (d?: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);
/** 12月20日 as the recognizers read it today (this year's, unless more than 60 days back). */
function dec20(): string {
  const now = new Date();
  const y = now.getUTCFullYear();
  return Date.parse(`${y}-12-20`) < now.getTime() - 60 * 86_400_000 ? `${y + 1}-12-20` : `${y}-12-20`;
}

describe('facts: supplier chat becomes proposed order updates', function () {
  this.timeout(40_000);
  let t: TestBot;
  let outcomes: CommandOutcome[];
  let delivery: ReturnType<typeof createDeliveryWorker>;

  async function command(text: string): Promise<CommandOutcome> {
    const before = outcomes.length;
    t.sb.say('m', text);
    for (let i = 0; i < 200 && outcomes.length === before; i++) await new Promise((ok) => setTimeout(ok, 25));
    expect(outcomes.length, `no outcome for ${text}`).to.equal(before + 1);
    return outcomes[outcomes.length - 1]!;
  }
  async function supplierSays(i: number, text: string) {
    const n = await Message.countDocuments({ senderKind: 'supplier' });
    t.sb.say(i, text);
    await waitForMessages({ senderKind: 'supplier' }, n + 1);
    await t.idle();
    await factsIdle();
  }

  beforeEach(async () => {
    const config = loadConfig({});
    const translation = createTranslationService({ config, batchWindowMs: 10 });
    outcomes = [];
    let bot: TestBot['bot'] | undefined;
    const listener = commandListener({ weights: DEFAULT_SETTINGS.weights, translation, messenger: () => bot!.messenger });
    t = await startTestBot({ mirror: createMirror(), onCommand: async (ctx) => outcomes.push(await listener(ctx)) });
    bot = t.bot;
    delivery = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: t.bot.messenger });
    delivery.start(100);
  });
  afterEach(async () => {
    await delivery.stop();
    await t.stop();
  });

  async function setup() {
    const anna = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    t.sb.say(0, '您好'); // 王经理 → supplier 001
    await waitForMessages({ senderKind: 'supplier' }, 1);
    t.sb.say(1, '你好'); // 李小姐 → supplier 002
    await waitForMessages({ senderKind: 'supplier' }, 2);
    await sortAllAsSuppliers();
    await t.idle();
    const [s1, s2] = await Supplier.find({}).sort({ code: 1 }).lean();
    await Supplier.updateMany({}, { $set: { managerId: anna._id } });
    const o = await makeOrder(s1!.code, { number: 'PO-2026-0148', managerId: String(anna._id), planned: plannedChain(day('2026-11-01')) });
    const other = await makeOrder(s2!.code, { number: 'PO-2026-0999', managerId: String(anna._id) });
    return { anna, s1: s1!, s2: s2!, o, other };
  }

  it('出货时间改到12月20日 → a WeChat proposal → /ok n re-plans the order (history "chat", KPIs); /no n drops', async () => {
    const { anna, s1, o } = await setup();
    const before = dayOf(o.milestones.shipped.planned);
    await supplierSays(0, '出货时间改到12月20日');
    const p = await until('a proposal', () => Proposal.findOne({ key: `date:shipped:change:${dec20()}` }).lean());
    expect(p).to.deep.include({ link: 'only', orderNumber: 'PO-2026-0148', status: 'proposed', n: 1 });
    // The manager gets it in WeChat, through the outbox.
    const notice = await until('the proposal sent', () => Notice.findOne({ kind: 'fact_proposal', status: 'sent' }).lean());
    expect(notice.to).to.equal('dm:mgr-anna');
    expect(notice.text).to.include(`#1 PO-2026-0148 · shipped ${before} → ${dec20()}`).and.include('/ok 1').and.include('出货时间改到12月20日');
    // Nothing changed before the manager said so.
    expect(dayOf((await Order.findOne({ _id: o._id }).lean())!.milestones.shipped.planned)).to.equal(before);
    const ok = await command('/ok 1');
    expect(ok.status, ok.reply).to.equal('done');
    expect(ok.reply).to.equal(`✅ #1 applied: PO-2026-0148: shipped → ${dec20()}.`);
    const saved = (await Order.findOne({ _id: o._id }).lean())!;
    expect(dayOf(saved.milestones.shipped.planned)).to.equal(dec20());
    expect(dayOf(saved.milestones.shipped.baseline)).to.equal(before); // the baseline never moves
    expect(saved.milestones.shipped.replanned).to.equal(1);
    const ev = await OrderEvent.findOne({ orderId: o._id, kind: 'replan' }).lean();
    expect(ev).to.deep.include({ via: 'chat' });
    expect(ev!.reason).to.match(/^from chat: “出货时间改到12月20日”/);
    const kpi = await SupplierKpi.findOne({ supplierId: s1._id, period: dec20().slice(0, 7) }).lean();
    expect(kpi!.msReplanned).to.equal(1);
    expect((await Proposal.findOne({ _id: p._id }).lean())!.status).to.equal('applied');
    // Said twice (the mirror takes the same text within 5 s as a redelivery, so straight to the domain): nothing more changes.
    expect((await decideByNumber(anna, 1, { decision: 'ok' })).summary).to.equal('applied');
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'replan' })).to.equal(1);

    // /no drops: the order stays as it is.
    await supplierSays(0, '验货改到12月15日');
    const p2 = await until('a second proposal', () => Proposal.findOne({ n: 2 }).lean());
    expect(p2.key).to.match(/^date:inspection:change:\d{4}-12-15$/);
    const no = await command('/no 2');
    expect(no.reply).to.equal('#2 dropped.');
    expect((await Proposal.findOne({ _id: p2._id }).lean())!.status).to.equal('dropped');
    expect(dayOf((await Order.findOne({ _id: o._id }).lean())!.milestones.inspection.planned)).to.equal(dayOf(o.milestones.inspection.planned));
    expect((await command('/ok 2')).status).to.equal('failed'); // dropped stays dropped
    // Replayed reaction: one proposal per message and fact.
    const msg = await Message.findOne({ text: '验货改到12月15日' }).lean();
    const thread = await Thread.findOne({ _id: msg!.threadId }).lean();
    expect(await onMessageStored({ message: msg!, thread: thread! })).to.equal(0);
    expect(await Proposal.countDocuments({ messageId: msg!._id })).to.equal(1);
  });

  it("a PO of another supplier is never linked; the manager is asked to pick one of this supplier's orders", async () => {
    const { o, other } = await setup();
    await makeOrder((await Supplier.findOne({ _id: o.supplierId }).lean())!.code, { number: 'PO-2026-0150' }); // two open orders now
    await supplierSays(0, 'PO-2026-0999 出货改到12月22日');
    const p = await until('a proposal', () => Proposal.findOne({ key: /^date:shipped:change:/ }).lean());
    expect(p.link).to.equal('pick');
    expect(p.orderId ?? null).to.equal(null);
    expect(p.candidates).to.have.members(['PO-2026-0148', 'PO-2026-0150']);
    expect(p.uncertain!.join(' ')).to.include('not an open order of this supplier');
    const notice = await until('the proposal queued', () => Notice.findOne({ kind: 'fact_proposal' }).lean());
    expect(notice.text).to.include('which order? answer /ok 1 <PO>');
    expect((await command('/ok 1')).reply).to.include('which order');
    expect((await command('/ok 1 PO-2026-0999')).reply).to.include('not an open order of this supplier');
    expect(dayOf((await Order.findOne({ _id: other._id }).lean())!.milestones.shipped.planned)).to.equal(dayOf(other.milestones.shipped.planned));
    // Picking one of its own orders applies it there.
    const ok = await command('/ok 1 PO-2026-0150');
    expect(ok.status, ok.reply).to.equal('done');
    expect(ok.reply).to.include('PO-2026-0150: shipped →');
  });

  it("the doubts of a proposal are in the reader's language: WeChat in the manager's, the console in the reader's; old proposals too", async () => {
    const { anna } = await setup();
    await Manager.updateOne({ _id: anna._id }, { $set: { language: 'az' } });
    await supplierSays(0, 'PO-2026-0999 下周出货');
    const p = await until('a proposal', () => Proposal.findOne({ key: /^date:shipped:/ }).lean());
    // The English stays stored (older readers, logs); the catalog texts beside it.
    expect(p.uncertain).to.deep.equal(['a week, not a day', 'PO 2026-0999 is not an open order of this supplier']);
    expect(p.uncertainKeys).to.deep.equal([{ key: 'doubt.week' }, { key: 'doubt.poNotOpen', params: { po: '2026-0999' } }]);
    const notice = await until('the proposal queued', () => Notice.findOne({ kind: 'fact_proposal' }).lean());
    expect(notice.text).to.include('⚠️ dəqiq deyil: gün deyil, həftə; PO 2026-0999 bu təchizatçının açıq sifarişi deyil');
    const v = managerViewer({ ...(await Manager.findOne({ _id: anna._id }).lean())!, seesAll: true }, 'console');
    expect((await proposalsOfThread(v, String(p.threadId)))[0]!.uncertain).to.deep.equal(['gün deyil, həftə', 'PO 2026-0999 bu təchizatçının açıq sifarişi deyil']);
    expect((await proposalsOfThread(v, String(p.threadId), 'ru'))[0]!.uncertain).to.deep.equal(['неделя, а не день', 'PO 2026-0999 — не открытый заказ этого поставщика']);
    // A proposal stored before the catalog texts (English only) reads in the reader's language too; an unknown doubt stays as stored.
    const old = { ...(p as unknown as ProposalDoc), uncertain: ['milestone not named', 'read by the language model', 'something new'], uncertainKeys: undefined };
    expect(viewOf(old, 'az').uncertain).to.deep.equal(['mərhələ göstərilməyib', 'dil modeli tərəfindən oxunub', 'something new']);
    expect(viewOf(old).uncertain).to.deep.equal(old.uncertain);
  });

  it('tracking numbers go on the order with the carrier link; a factory holiday flags due dates inside it', async () => {
    const { anna, o } = await setup();
    await supplierSays(0, '样品已寄顺丰，单号 SF1408821937263');
    await supplierSays(0, '工厂12月5日到12月7日放假');
    const tr = await until('tracking proposal', () => Proposal.findOne({ key: 'tracking:SF:SF1408821937263' }).lean());
    expect((await command(`/ok ${tr.n}`)).status).to.equal('done');
    const saved = (await Order.findOne({ _id: o._id }).lean())!;
    expect(saved.refs).to.have.length(1);
    expect(saved.refs![0]).to.deep.include({ kind: 'tracking', carrier: 'SF', number: 'SF1408821937263' });
    expect(saved.refs![0]!.url).to.include('SF1408821937263');
    // The holiday through the console's button (the same decision as /ok).
    const hol = await until('holiday proposal', () => Proposal.findOne({ key: /^holiday:/ }).lean());
    const v = managerViewer(anna, 'console');
    expect((await decideById(v, String(hol._id), { decision: 'ok' })).summary).to.match(/^closed \d{4}-12-05 – \d{4}-12-07$/);
    expect(await FactoryClosure.countDocuments({ supplierId: o.supplierId })).to.equal(1);
    // shipped is planned 2026-12-06 (plannedChain from 2026-11-01): inside the closure, flagged on the order page.
    const facts = await factsOfOrder(v, String(o._id));
    if (dec20().startsWith('2026')) expect(facts.flagged.map((f) => f.milestone)).to.include('shipped');
    expect(facts.refs[0]).to.deep.include({ kind: 'tracking', carrier: 'SF', number: 'SF1408821937263' });
    expect(facts.proposals.map((p) => p.status)).to.deep.equal(['applied']);
  });

  it('the mirror never throws on bad input; impossible dates propose nothing', async () => {
    await setup();
    const bad = ['出货时间改到2月30日', '🚢'.repeat(3000), '１２．５号'.repeat(400), 'Ｐ０ 出货 ½ ⅓ \u202e反向', '出货 PO-'];
    for (const text of bad) await supplierSays(0, text);
    expect(await Message.countDocuments({ senderKind: 'supplier' })).to.equal(2 + bad.length);
    expect(await Proposal.countDocuments({})).to.equal(0);
    // Called with broken payloads directly: no exception, nothing stored.
    expect(await onMessageStored({ message: { _id: null, text: null, ts: 'x', type: 'text', direction: 'in' } as never, thread: { _id: null, supplierId: null } as never })).to.equal(0);
    expect(await onMessageStored(undefined as never)).to.equal(0);
  });
});
