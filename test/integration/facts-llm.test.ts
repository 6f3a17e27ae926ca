// Chat to facts, the optional language model (#25): messages the rules cannot read go to an
// OpenAI-compatible endpoint (the fake at its network boundary, the real `openai` SDK) with a
// strict JSON schema, batched and cached; its answers are validated (a real day in a sane
// window, a PO of THIS supplier) and become proposals marked `source: model`. The endpoint down:
// no proposal, the mirror stores every message.
import { expect } from 'chai';
import { Types } from 'mongoose';
import { createFactsModel, factsIdle, onMessageStored, Proposal } from '../../shared/facts/index.js';
import { resetCaches } from '../../shared/cache/index.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice } from '../../shared/notices/index.js';
import { Supplier, createSupplier } from '../../shared/suppliers/index.js';
import { Message, Thread, createMirror } from '../../shared/threads/index.js';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.js';
import { makeOrder } from '../support/api.js';
import { sortAllAsSuppliers, startTestBot, waitForMessages } from '../support/bot.js';
import { wireTestReactions } from '../support/reactions.js';

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('facts: the optional language model', function () {
  this.timeout(40_000);
  let fake: OpenAiFake;
  beforeEach(async () => {
    fake = await startOpenAiFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  const model = () => createFactsModel({ apiKey: 'sk-test', baseURL: fake.baseURL, model: 'fake' }, { timeoutMs: 2_000, retries: 1, batchMs: 30 });

  async function setup() {
    const anna = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await createSupplier({ name: '宁波工厂', wechatIds: ['sup-zhao'] });
    const other = await createSupplier({ name: '义乌工厂', wechatIds: ['sup-li'] });
    await Supplier.updateMany({}, { $set: { managerId: anna._id } });
    const thread = await Thread.create({ key: 'dm:sup-zhao', kind: 'dm', contactWechatId: 'sup-zhao', supplierId: s._id, lastMessageAt: new Date() });
    const o1 = await makeOrder(s.code, { number: 'PO-2026-0150', managerId: String(anna._id) });
    const o2 = await makeOrder(s.code, { number: 'PO-2026-0151', managerId: String(anna._id) });
    await makeOrder(other.code, { number: 'PO-2026-0777', managerId: String(anna._id) });
    return { anna, s, thread, o1, o2 };
  }
  const said = (thread: { _id: Types.ObjectId; supplierId?: Types.ObjectId | null }, text: string) => ({
    message: { _id: new Types.ObjectId(), text, ts: new Date(), type: 'text' as const, direction: 'in' as const, senderKind: 'supplier' as const, senderName: '王经理' },
    thread: { _id: thread._id, supplierId: thread.supplierId! },
  });

  it('a message the rules cannot read → one strict json_schema request for the batch → validated proposals marked "model"', async () => {
    const { thread, o1 } = await setup();
    fake.facts = (m) => {
      if (m.text.includes('元旦')) return [{ milestone: 'shipped', stage: 'plan', day: addDays(m.today, 33), po: 'PO-2026-0150' }];
      if (m.text.includes('模具')) return [{ milestone: 'production_start', stage: 'plan', day: '2026-02-30', po: null }]; // impossible
      if (m.text.includes('船公司')) return [{ milestone: 'shipped', stage: 'plan', day: addDays(m.today, 10), po: 'PO-2026-0777' }]; // another supplier's PO
      if (m.text.includes('老板')) return [{ milestone: 'shipped', stage: 'plan', day: addDays(m.today, 1100), po: null }]; // beyond a year
      return [];
    };
    const m = model();
    const msgs = ['PO-2026-0150 元旦前后出货', '模具下礼拜差不多能好', '出货时间要看船公司安排 PO-2026-0777', '出货要看老板安排，很久以后'].map((t) => said(thread, t));
    const n = await Promise.all(msgs.map((x) => onMessageStored(x, new Date(), m)));
    expect(n).to.deep.equal([1, 0, 0, 0]);
    // One request for the four messages, strict schema.
    expect(fake.batches).to.deep.equal([4]);
    expect(fake.schemas).to.deep.equal([{ name: 'chat_facts', strict: true }]);
    const ps = await Proposal.find({}).lean();
    expect(ps).to.have.length(1);
    expect(ps[0]).to.deep.include({ source: 'model', link: 'po', orderNumber: 'PO-2026-0150', status: 'proposed' });
    expect(String(ps[0]!.orderId)).to.equal(String(o1._id));
    expect(ps[0]!.uncertain).to.deep.equal(['read by the language model']);
    expect(ps[0]!.key).to.match(/^date:shipped:plan:\d{4}-\d{2}-\d{2}$/);
    // The same text again: answered from the cache, no request.
    expect(await onMessageStored(said(thread, 'PO-2026-0150 元旦前后出货'), new Date(), m)).to.equal(1);
    expect(fake.batches).to.have.length(1);
    expect(m.stats()).to.deep.include({ requests: 1, messages: 4, cached: 1 });
    // A message the rules read with confidence is not asked about; one without a hint word neither.
    await onMessageStored(said(thread, 'PO-2026-0150 出货时间改到12月20日'), new Date(), m);
    await onMessageStored(said(thread, '好的谢谢'), new Date(), m);
    expect(fake.batches).to.have.length(1);
    expect(await Proposal.countDocuments({ source: 'rules' })).to.equal(1);
  });

  it('the endpoint down: no proposal, the mirror stores every message, the rules still propose', async () => {
    await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    fake.mode = 'down';
    fake.facts = (x) => [{ milestone: 'shipped', stage: 'plan', day: addDays(x.today, 20), po: null }];
    wireTestReactions({ factsModel: model() });
    const t = await startTestBot({ mirror: createMirror() });
    try {
      t.sb.say(0, '您好');
      await waitForMessages({ senderKind: 'supplier' }, 1);
      await sortAllAsSuppliers();
      await t.idle();
      const s = (await Supplier.findOne({}).lean())!;
      await makeOrder(s.code, { number: 'PO-2026-0150' });
      t.sb.say(0, '元旦前后出货');
      t.sb.say(0, '出货时间改到12月20日');
      await waitForMessages({ senderKind: 'supplier' }, 3);
      await t.idle();
      await factsIdle();
      expect(await Message.countDocuments({ text: { $in: ['元旦前后出货', '出货时间改到12月20日'] } })).to.equal(2);
      expect(fake.calls).to.be.greaterThan(1); // asked, retried once, failed
      expect(await Proposal.countDocuments({ source: 'model' })).to.equal(0);
      expect(await Proposal.countDocuments({ source: 'rules' })).to.equal(1);
      // Back up: the next unreadable message is read.
      fake.mode = 'ok';
      t.sb.say(0, '春节前后再出货');
      await waitForMessages({ senderKind: 'supplier' }, 4);
      await t.idle();
      await factsIdle();
      expect(await Proposal.countDocuments({ source: 'model' })).to.equal(1);
    } finally {
      await t.stop();
      wireTestReactions();
    }
  });
});

describe('facts: the proposal write of a burst', function () {
  this.timeout(30_000);

  it('five messages at once: numbers 1–5 from one counter block, ONE WeChat message listing them; a restart leaves a gap', async () => {
    const anna = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
    const s = await createSupplier({ name: '宁波工厂', wechatIds: ['sup-zhao'], managerId: anna._id } as never);
    await Supplier.updateOne({ _id: s._id }, { $set: { managerId: anna._id } });
    const thread = await Thread.create({ key: 'dm:sup-zhao', kind: 'dm', contactWechatId: 'sup-zhao', supplierId: s._id, lastMessageAt: new Date() });
    await makeOrder(s.code, { number: 'PO-2026-0150', managerId: String(anna._id) });
    const say = (text: string) => ({
      message: { _id: new Types.ObjectId(), text, ts: new Date(), type: 'text' as const, direction: 'in' as const, senderKind: 'supplier' as const, senderName: '王经理' },
      thread: { _id: thread._id, supplierId: s._id },
    });
    const texts = ['出货改到12月20日', '验货改到12月15日', '单价改为12.80美元/个', 'SF1234567890123', '大货完成改到12月10日'];
    const n = await Promise.all(texts.map((t) => onMessageStored(say(t))));
    await factsIdle();
    expect(n).to.deep.equal([1, 1, 1, 1, 1]);
    const ps = await Proposal.find({}).sort({ n: 1 }).lean();
    expect(ps.map((p) => p.n)).to.deep.equal([1, 2, 3, 4, 5]);
    const notices = await Notice.find({ kind: 'fact_proposal' }).lean();
    expect(notices).to.have.length(1);
    for (const k of [1, 2, 3, 4, 5]) expect(notices[0]!.text).to.include(`#${k} `);
    for (const t of texts) expect(notices[0]!.text).to.include(t);
    // A lone message later: its own WeChat message, the next number of the block.
    await onMessageStored(say('装柜改到12月22日出货'));
    await factsIdle();
    expect((await Proposal.find({}).sort({ n: -1 }).limit(1).lean())[0]!.n).to.equal(6);
    expect(await Notice.countDocuments({ kind: 'fact_proposal' })).to.equal(2);
    // A restart (the block in memory gone): the counter's next block, numbers stay unique.
    resetCaches();
    await onMessageStored(say('出货改到12月28日'));
    await factsIdle();
    expect((await Proposal.find({}).sort({ n: -1 }).limit(1).lean())[0]!.n).to.equal(11);
  });
});
