// A third manager language: Azerbaijani, translated by the provider its pair is routed to
// (TMT has no az; zh⇄az goes to OpenAI), through the real SDKs against the local fakes, on the
// real database. Replies go out in the partner's language (Chinese, or English for a supplier who
// reads English), terms intact.
import { expect } from 'chai';
import { managerViewer } from '../../shared/access/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { createEvents } from '../../shared/events/index.js';
import { queueReply } from '../../shared/inbox/index.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice, type NoticeDoc } from '../../shared/notices/index.js';
import { scanOverdue } from '../../shared/scheduler/index.js';
import { wireReactions } from '../../shared/reactions.js';
import { createCommandHandler } from '../../shared/commands/index.js';
import { escalateUnanswered } from '../../shared/performance/routing.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { Supplier } from '../../shared/suppliers/model.js';
import { createMirror, Message, Thread, type InboundMessage, type ThreadDoc } from '../../shared/threads/index.js';
import { createTranslationService, type TranslationService } from '../../shared/translation/index.js';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { makeOrder, plannedChain } from '../support/api.js';

let seq = 0;
const inbound = (text: string, from = 'sup-az-1'): InboundMessage => ({
  puppetId: `az-${++seq}`,
  chat: { kind: 'dm', id: from },
  sender: { wechatId: from, name: '王经理' },
  self: false,
  type: 'text',
  text,
  ts: new Date(Date.UTC(2026, 10, 24, 8, 0, 0) + seq * 7000),
});

type Tr = Record<string, { text: string; provider?: string; source: string }>;

describe('translation: Azerbaijani managers through routed providers', function () {
  this.timeout(60_000);
  let tmt: TmtFake;
  let oa: OpenAiFake;
  let svc: TranslationService;

  const config = () =>
    loadConfig({
      TRANSLATION_PROVIDER: 'tmt',
      TENCENT_SECRET_ID: tmt.secretId,
      TENCENT_SECRET_KEY: tmt.secretKey,
      TMT_ENDPOINT: tmt.endpoint,
      TMT_PROTOCOL: 'http://',
      OPENAI_API_KEY: 'sk-fake',
      OPENAI_BASE_URL: oa.baseURL,
      OPENAI_MODEL: 'fake',
      MANAGER_LANGS: 'en',
      TRANSLATION_ROUTES: 'zh-en:tmt,zh-ru:tmt,zh-az:openai',
    });

  async function store(text: string, from?: string) {
    const bus = createEvents();
    wireReactions(bus, { settings: loadConfig({}), translation: svc });
    const mirror = createMirror({ events: bus });
    const m = (await mirror.ingest(inbound(text, from)))!.message;
    await mirror.flush();
    await svc.flush();
    return (await Message.findOne({ _id: m._id }).lean())!;
  }

  beforeEach(async () => {
    tmt = await startTmtFake();
    oa = await startOpenAiFake();
    await Manager.create([
      { name: 'Emma', language: 'en' },
      { name: 'Oleg', language: 'ru' },
      { name: 'Aysel', language: 'az', secondLanguage: 'ru' },
    ]);
    svc = createTranslationService({ config: config(), batchWindowMs: 20, quotaPauseMs: 0 });
  });
  afterEach(async () => {
    await svc.stop();
    await tmt.close();
    await oa.close();
  });

  it('a supplier message reaches the en, ru and az managers, each pair through its provider, terms intact', async () => {
    const msg = await store('PO-2026-001 的大货预计2026-12-05完成，共500pcs，详情见 https://f.cn/x');
    expect(msg.translationStatus).to.equal('done');
    const tr = msg.translations as unknown as Tr;
    expect(Object.keys(tr).sort()).to.deep.equal(['az', 'en', 'ru']);
    expect(tr.en).to.deep.include({ provider: 'tmt' });
    expect(tr.ru).to.deep.include({ provider: 'tmt' });
    expect(tr.az).to.deep.include({ provider: 'openai' });
    expect(tr.az!.text).to.equal('〔az〕PO-2026-001 的大货预计2026-12-05完成，共500pcs，详情见 https://f.cn/x');
    // TMT was never asked for Azerbaijani; OpenAI only for it, and saw placeholders, not terms.
    expect(tmt.requests.map((r) => r.target).sort()).to.deep.equal(['en', 'ru']);
    expect(oa.requests.map((r) => r.target)).to.deep.equal(['az']);
    const seen = oa.requests.flatMap((r) => r.texts).join('\n');
    for (const term of ['PO-2026-001', '2026-12-05', '500pcs', 'https://f.cn/x']) expect(seen).not.to.include(term);
  });

  it('OpenAI down: the az manager has the Russian meanwhile (pending, never lost), then Azerbaijani once it is back', async () => {
    oa.mode = 'down';
    const msg = await store('模具已经修好了，PO-7 下周出货');
    expect(msg.translationStatus, 'waits for the backlog').to.equal('pending');
    const tr = msg.translations as unknown as Tr;
    expect(tr.ru!.text).to.equal('〔ru〕模具已经修好了，PO-7 下周出货'); // the second language, shown marked in the console
    expect(tr.en!.text).to.match(/^〔en〕/);
    expect(tr.az, 'no Azerbaijani yet').to.equal(undefined);
    expect(msg.translationError).to.be.a('string');
    expect(oa.calls, 'OpenAI was tried').to.be.greaterThan(0);

    oa.mode = 'ok';
    expect(await svc.translatePending()).to.equal(1);
    const after = (await Message.findOne({ _id: msg._id }).lean())!;
    expect(after.translationStatus).to.equal('done');
    expect((after.translations as unknown as Tr).az).to.deep.include({ text: '〔az〕模具已经修好了，PO-7 下周出货', provider: 'openai' });
    // Memory per pair: the same text again costs no call for any pair.
    const [tmtBefore, oaBefore] = [tmt.requests.length, oa.answered];
    await store('模具已经修好了，PO-7 下周出货');
    expect([tmt.requests.length, oa.answered]).to.deep.equal([tmtBefore, oaBefore]);
  });

  it('a correction of the Azerbaijani translation is remembered for the zh>az pair only', async () => {
    const msg = await store('请确认唛头');
    await svc.correct(msg._id, 'az', 'Zəhmət olmasa, markalanmanı təsdiqləyin');
    const again = await store('请确认唛头');
    const tr = again.translations as unknown as Tr;
    expect(tr.az).to.deep.include({ text: 'Zəhmət olmasa, markalanmanı təsdiqləyin', source: 'correction' });
    expect(tr.ru!.text).to.equal('〔ru〕请确认唛头'); // other pairs untouched
  });

  async function supplierThread(language: 'zh' | 'en', contact: string): Promise<ThreadDoc> {
    const s = await createSupplier({ name: language === 'en' ? 'Acme Trading' : '奥吉电器', wechatIds: [contact] });
    if (language === 'en') await Supplier.updateOne({ _id: s._id }, { $set: { language: 'en' } });
    const t = await Thread.create({ key: `dm:${contact}`, kind: 'dm', contactWechatId: contact, supplierId: s._id, status: 'sorted', lastMessageAt: new Date() });
    return t.toObject() as ThreadDoc;
  }

  it('a reply written in Azerbaijani reaches the supplier in Chinese, terms intact', async () => {
    const aysel = (await Manager.findOne({ name: 'Aysel' }).lean())!;
    const t = await supplierThread('zh', 'sup-az-reply');
    const n: NoticeDoc = await queueReply(managerViewer(aysel, 'console'), t, { text: 'Salam! PO-2026-001 üçün yoxlama hesabatını bu gün göndərin, 500pcs, USD 3.50' }, svc, new Date());
    expect(n.text).to.equal('〔zh〕Salam! PO-2026-001 üçün yoxlama hesabatını bu gün göndərin, 500pcs, USD 3.50');
    expect(n.original).to.deep.include({ lang: 'az' });
    const asked = oa.requests.at(-1)!;
    expect(asked.target).to.equal('zh');
    for (const term of ['PO-2026-001', '500pcs', 'USD 3.50']) expect(asked.texts.join()).not.to.include(term);
    expect(
      tmt.requests.filter((r) => r.source === 'az'),
      'TMT never sees az',
    ).to.deep.equal([]);
  });

  it('an English-speaking supplier gets a Russian reply in English, and its notices in English', async () => {
    const oleg = (await Manager.findOne({ name: 'Oleg' }).lean())!;
    const t = await supplierThread('en', 'sup-en-1');
    const n = await queueReply(managerViewer(oleg, 'console'), t, { text: 'Пожалуйста, пришлите отчёт по PO-88 сегодня' }, svc, new Date());
    expect(n.text).to.equal('〔en〕Пожалуйста, пришлите отчёт по PO-88 сегодня');
    expect(tmt.requests.at(-1)).to.deep.include({ source: 'ru', target: 'en' });
    // An English reply to the English supplier goes as written: nothing to translate.
    const calls = tmt.requests.length;
    const same = await queueReply(
      managerViewer(
        await Manager.findOne({ name: 'Emma' })
          .lean()
          .then((m) => m!),
        'console',
      ),
      t,
      { text: 'Please send the report for PO-88 today' },
      svc,
      new Date(),
    );
    expect(same.text).to.equal('Please send the report for PO-88 today');
    expect(tmt.requests.length).to.equal(calls);

    // The overdue reminder in the supplier's chat is English only.
    const o = await makeOrder((await Supplier.findOne({ _id: t.supplierId }).lean())!.code, {
      number: 'PO-EN-1',
      managerId: String(oleg._id),
      planned: plannedChain(new Date('2026-11-20T00:00:00Z')),
    });
    await scanOverdue(new Date('2026-11-24T02:00:00Z'));
    const toSupplier = (await Notice.find({ to: t.key, orderId: o._id }).lean()).map((x) => x.text);
    expect(toSupplier).to.have.length(1);
    expect(toSupplier[0]).to.match(/^\[Gendan reminder\] .*PO-EN-1.*confirmed was planned for 2026-11-20 and is 4 day\(s\) late/);
    expect(toSupplier[0]).not.to.match(/\p{Script=Han}/u);
  });

  it('the az manager is told in WeChat, in Azerbaijani, of a waiting message, the Russian meanwhile marked', async () => {
    oa.mode = 'down';
    const aysel = await Manager.findOneAndUpdate({ name: 'Aysel' }, { $set: { wechatId: 'mgr-aysel', timezone: 'Asia/Baku' } }, { returnDocument: 'after' }).lean();
    const msg = await store('样品明天寄出', 'sup-az-wait');
    const s = await createSupplier({ name: '奥吉电器', wechatIds: ['sup-az-wait'], managerId: String(aysel!._id) });
    await Thread.updateOne({ _id: msg.threadId }, { $set: { supplierId: s._id, status: 'sorted', awaiting: 'manager', awaitingSince: msg.ts } });
    // 150 minutes later, in Baku's working hours.
    expect(await escalateUnanswered(new Date(msg.ts.getTime() + 150 * 60_000), 120)).to.equal(1);
    const n = (await Notice.findOne({ to: 'dm:mgr-aysel' }).lean())!;
    expect(n.text).to.equal(`💬 ${s.code} 奥吉电器 2,5 saatdır cavab gözləyir: “(ru) 〔ru〕样品明天寄出”`);
  });

  it('WeChat commands answer an az manager in Azerbaijani; /reply written in Azerbaijani goes out in Chinese', async () => {
    await Manager.updateOne({ name: 'Aysel' }, { $set: { wechatId: 'mgr-aysel-cmd' } });
    const t = await supplierThread('zh', 'sup-az-cmd');
    const code = (await Supplier.findOne({ _id: t.supplierId }).lean())!.code;
    const sent: { to: string; text: string }[] = [];
    const handle = createCommandHandler({ translation: svc, weights: DEFAULT_SETTINGS.weights, sendToChat: async (to, text) => void sent.push({ to, text }) });
    const say = async (text: string) => {
      const m = await Message.create({ threadId: t._id, puppetId: `cmd-${++seq}`, dedupeKey: `cmd-${seq}`, direction: 'in', type: 'text', text, ts: new Date(), senderWechatId: 'mgr-aysel-cmd' });
      return handle({ message: m.toObject(), chatKind: 'dm' });
    };
    expect((await say('/orders')).reply).to.equal('Açıq sifariş yoxdur.');
    expect((await say('/help')).reply).to.match(/^Əmrlər:\n[\s\S]*Mərhələlər: /);
    const r = await say(`/reply ${code} Sabah PO-2026-9 üçün 300pcs göndərin`);
    expect(r.reply).to.equal(`${code} təchizatçısına çin dilində göndərildi:\n〔zh〕Sabah PO-2026-9 üçün 300pcs göndərin`);
    expect(sent).to.deep.equal([{ to: t.key, text: '〔zh〕Sabah PO-2026-9 üçün 300pcs göndərin' }]);
    expect(oa.requests.at(-1)!.texts.join()).not.to.include('PO-2026-9');
  });
});
