// Translation through the real SDKs against local fakes of TMT and OpenAI, on the real database.
import { expect } from 'chai';
import { loadConfig } from '../../shared/config/index.js';
import { createEvents } from '../../shared/events/index.js';
import { Alert } from '../../shared/health/index.js';
import { wireReactions } from '../../shared/reactions.js';
import { createMirror, Message, Thread, type InboundMessage } from '../../shared/threads/index.js';
import { createOpenAiProvider, createTmtProvider, createTranslationService, TranslationMemory, type TranslationService } from '../../shared/translation/index.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { startOpenAiFake } from '../fakes/openai.js';

let seq = 0;
const inbound = (text: string, over: Partial<InboundMessage> = {}): InboundMessage => ({
  puppetId: `tr-${++seq}`,
  chat: { kind: 'dm', id: 'sup-zhang' },
  sender: { wechatId: 'sup-zhang', name: '张经理' },
  self: false,
  type: 'text',
  text,
  ts: new Date(Date.UTC(2026, 10, 24, 8, 0, 0) + seq * 7000),
  ...over,
});

function tmtConfig(fake: TmtFake, extra: Record<string, string> = {}) {
  return loadConfig({
    TRANSLATION_PROVIDER: 'tmt',
    TENCENT_SECRET_ID: fake.secretId,
    TENCENT_SECRET_KEY: fake.secretKey,
    TMT_ENDPOINT: fake.endpoint,
    TMT_PROTOCOL: 'http://',
    MANAGER_LANGS: 'en,ru',
    ...extra,
  });
}

/** A bus on which stored messages go to `svc` (as the composition root wires it). */
function translating(svc: TranslationService) {
  const bus = createEvents();
  wireReactions(bus, { settings: loadConfig({}), translation: svc });
  return bus;
}

async function store(svc: TranslationService, texts: (string | InboundMessage)[]) {
  const mirror = createMirror({ events: translating(svc) });
  const out = [];
  for (const t of texts) out.push((await mirror.ingest(typeof t === 'string' ? inbound(t) : t))!.message);
  await mirror.flush();
  return out;
}

describe('translation: TMT through the real SDK', function () {
  this.timeout(30_000);
  let tmt: TmtFake;
  let svc: TranslationService;

  beforeEach(async () => {
    tmt = await startTmtFake();
    svc = createTranslationService({ config: tmtConfig(tmt), batchWindowMs: 50 });
  });
  afterEach(async () => {
    await svc.stop();
    await tmt.close();
  });

  it('translates a supplier message into every manager language, terms intact, signature checked', async () => {
    const [m] = await store(svc, ['PO-2026-001 的大货预计12月5日完成，共500pcs。']);
    await svc.flush();
    const msg = await Message.findOne({ _id: m!._id }).lean();
    expect(tmt.rejected, 'the fake accepted the SDK signature').to.deep.equal([]);
    expect(msg!.translationStatus).to.equal('done');
    expect(msg!.lang).to.equal('zh');
    const tr = msg!.translations as unknown as Record<string, { text: string; source: string; provider: string }>;
    expect(tr.en!.text).to.equal('〔en〕PO-2026-001 的大货预计12月5日完成，共500pcs。');
    expect(tr.ru!.text).to.match(/^〔ru〕PO-2026-001/);
    expect(tr.en!.source).to.equal('machine');
    expect(tr.en!.provider).to.equal('tmt');
    // The provider saw placeholders, never the terms.
    const sent = tmt.requests.flatMap((r) => r.texts).join('\n');
    expect(sent).not.to.include('PO-2026-001');
    expect(sent).not.to.include('500pcs');
  });

  it('translates manager replies into Chinese', async () => {
    const [m] = await store(svc, [inbound('Please send the inspection report for PO-88 today', { self: true, sender: { wechatId: 'gendan-bot', name: 'bot' } })]);
    await svc.flush();
    const msg = await Message.findOne({ _id: m!._id }).lean();
    const tr = msg!.translations as unknown as Record<string, { text: string }>;
    expect(Object.keys(tr)).to.deep.equal(['zh']);
    expect(tr.zh!.text).to.equal('〔zh〕Please send the inspection report for PO-88 today');
  });

  it('micro-batches messages arriving together into one request', async () => {
    await store(
      svc,
      Array.from({ length: 20 }, (_, i) => `第${i}批货的包装方式请确认一下，谢谢`),
    );
    await svc.flush();
    expect(await Message.countDocuments({ translationStatus: 'done' })).to.equal(20);
    // 20 messages × 2 languages in 2 requests (one per language pair), not 40.
    expect(tmt.requests.length).to.equal(2);
  });

  it('makes no call for a repeated text, nor for phrasebook lines', async () => {
    expect(await svc.seedPhrasebook()).to.be.greaterThan(300);
    expect(await svc.seedPhrasebook()).to.equal(0); // idempotent
    await store(svc, ['这批货的唛头请按附件做']);
    await svc.flush();
    const before = tmt.requests.length;
    await store(svc, ['这批货的唛头请按附件做', '好的', '收到，谢谢', 'PO-5 已发货', '👍']);
    await svc.flush();
    expect(tmt.requests.length, 'requests for known text').to.equal(before);
    const shipped = await Message.findOne({ text: 'PO-5 已发货' }).lean();
    const tr = shipped!.translations as unknown as Record<string, { text: string; source: string }>;
    expect(tr.en).to.deep.include({ text: 'PO-5 has been shipped', source: 'phrasebook' });
    expect(tr.ru!.text).to.equal('PO-5 отгружен');
    expect((await Message.findOne({ text: '👍' }).lean())!.translationStatus).to.equal('skipped');
  });

  it('keeps terms when the provider mangles everything but placeholders', async () => {
    tmt.mode = 'mangle';
    const [m] = await store(svc, ['请在2026-12-05前把PO-9的¥3,000.50尾款和40HQ柜号发到 qc@fab.cn']);
    await svc.flush();
    const tr = (await Message.findOne({ _id: m!._id }).lean())!.translations as unknown as Record<string, { text: string }>;
    for (const term of ['2026-12-05', 'PO-9', '¥3,000.50', '40HQ', 'qc@fab.cn']) expect(tr.en!.text).to.include(term);
  });

  it('falls back to segment-wise translation when a provider loses placeholders', async () => {
    tmt.mode = 'drop-placeholders';
    const [m] = await store(svc, ['PO-31 的交期是2026-12-20']);
    await svc.flush();
    const tr = (await Message.findOne({ _id: m!._id }).lean())!.translations as unknown as Record<string, { text: string }>;
    expect(tr.en!.text).to.equal('PO-31 〔en〕的交期是2026-12-20');
  });

  it('chunks a text over 2,000 characters and keeps it whole', async () => {
    const long = Array.from({ length: 250 }, (_, i) => `第${i}项检查已经完成。`).join('');
    const [m] = await store(svc, [long]);
    await svc.flush();
    expect(tmt.rejected.filter((r) => r.code.includes('TextTooLong'))).to.deep.equal([]);
    const tr = (await Message.findOne({ _id: m!._id }).lean())!.translations as unknown as Record<string, { text: string }>;
    expect(tr.en!.text.replace(/ ?〔en〕/g, '')).to.equal(long);
  });

  it('paces requests under 5 per second and loses none', async () => {
    const provider = createTmtProvider(tmtConfig(tmt).translation.tmt);
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => provider.translate([`文本${i}`], 'zh', 'en')));
    expect(tmt.rejected).to.deep.equal([]);
    expect(tmt.requests.length).to.equal(12);
    expect(Date.now() - started).to.be.greaterThan(1400); // 12 requests at 5/s need > 1.4 s
  });

  it('leaves messages pending during an outage and translates all of them after recovery', async () => {
    tmt.mode = 'down';
    svc = createTranslationService({ config: tmtConfig(tmt), batchWindowMs: 10, providers: [createTmtProvider(tmtConfig(tmt).translation.tmt, { retries: 1, timeoutSec: 2 })] });
    await store(
      svc,
      Array.from({ length: 8 }, (_, i) => `停电第${i}天，工厂正在恢复生产`),
    );
    await svc.flush();
    expect(await Message.countDocuments({ translationStatus: 'pending' })).to.equal(8);
    expect((await Message.findOne({}).lean())!.translationError).to.be.a('string');
    tmt.mode = 'ok';
    expect(await svc.translatePending()).to.equal(8);
    expect(await Message.countDocuments({ translationStatus: 'done' })).to.equal(8);
  });

  it('stops at once on NoFreeAmount, raises an alert, falls back to OpenAI', async () => {
    const oa = await startOpenAiFake();
    try {
      tmt.mode = 'quota';
      const cfg = tmtConfig(tmt, { TRANSLATION_FALLBACK: 'openai', OPENAI_API_KEY: 'sk-fake', OPENAI_BASE_URL: oa.baseURL });
      svc = createTranslationService({ config: cfg, batchWindowMs: 10 });
      const [m] = await store(svc, ['模具已经修好了']);
      await svc.flush();
      expect(tmt.rejected.filter((r) => r.code === 'FailedOperation.NoFreeAmount')).to.have.length(1); // no retry loop
      const tr = (await Message.findOne({ _id: m!._id }).lean())!.translations as unknown as Record<string, { text: string; provider: string }>;
      expect(tr.en).to.deep.include({ text: '〔en〕模具已经修好了', provider: 'openai' });
      expect(await Alert.countDocuments({ kind: 'translation_quota' })).to.equal(1);
    } finally {
      await oa.close();
    }
  });

  it('lets a manager correct a translation; the correction is reused for the same text', async () => {
    const [m] = await store(svc, ['打样费可以退吗？PO-3']);
    await svc.flush();
    await svc.correct(m!._id, 'en', 'Can the sampling fee be refunded? PO-3');
    const fixed = (await Message.findOne({ _id: m!._id }).lean())!.translations as unknown as Record<string, { text: string; source: string }>;
    expect(fixed.en).to.deep.include({ text: 'Can the sampling fee be refunded? PO-3', source: 'correction' });
    const calls = tmt.requests.length;
    const [again] = await store(svc, ['打样费可以退吗？PO-4']);
    await svc.flush();
    const tr = (await Message.findOne({ _id: again!._id }).lean())!.translations as unknown as Record<string, { text: string; source: string }>;
    expect(tr.en).to.deep.include({ text: 'Can the sampling fee be refunded? PO-4', source: 'correction' });
    // Only the Russian translation needed the provider again? No: it was in memory already.
    expect(tmt.requests.length).to.equal(calls);
  });

  it('a bad-translation flag keeps that memory entry from being reused', async () => {
    const [m] = await store(svc, ['纸箱要五层的']);
    await svc.flush();
    await svc.flagBad(m!._id, 'en');
    expect((await Message.findOne({ _id: m!._id }).lean())!.flaggedBad).to.equal(true);
    const calls = tmt.requests.length;
    await store(svc, ['纸箱要五层的']);
    await svc.flush();
    expect(tmt.requests.length).to.equal(calls + 1); // en asked again; ru still from memory
    expect(await TranslationMemory.countDocuments({ bad: true })).to.equal(0);
  });
});

describe('translation: without a provider, and through OpenAI', function () {
  this.timeout(30_000);

  it('leaves messages pending with a clear status; memory hits still apply', async () => {
    const svc = createTranslationService({ config: loadConfig({ MANAGER_LANGS: 'en' }), batchWindowMs: 10 });
    await svc.seedPhrasebook();
    const [a, b] = await store(svc, ['收到', '这个颜色偏深了，请调整']);
    await svc.flush();
    const ma = await Message.findOne({ _id: a!._id }).lean();
    const mb = await Message.findOne({ _id: b!._id }).lean();
    expect(ma!.translationStatus).to.equal('done');
    expect(mb!.translationStatus).to.equal('pending');
    expect(mb!.translationError).to.equal('no translation provider configured');
    await svc.stop();
  });

  it('honours 429 Retry-After, then answers; stops on insufficient_quota', async () => {
    const oa = await startOpenAiFake();
    try {
      const p = createOpenAiProvider({ apiKey: 'sk-fake', baseURL: oa.baseURL, model: 'fake' });
      oa.rateLimitNext = 1;
      const t0 = Date.now();
      expect(await p.translate(['你好 [0]'], 'zh', 'en')).to.deep.equal(['〔en〕你好 [0]']);
      expect(Date.now() - t0).to.be.greaterThan(900); // waited the second it was told to
      oa.mode = 'quota';
      const calls = oa.calls;
      let err: unknown;
      await p.translate(['你好'], 'zh', 'en').catch((e) => (err = e));
      expect((err as { kind?: string }).kind).to.equal('quota');
      expect(oa.calls).to.equal(calls + 1);
    } finally {
      await oa.close();
    }
  });

  it('translates into the languages of the managers in use', async () => {
    const tmt = await startTmtFake();
    const { Manager } = await import('../../shared/managers/model.js');
    await Manager.create({ name: 'Boris', language: 'ru' });
    const svc = createTranslationService({ config: tmtConfig(tmt, { MANAGER_LANGS: 'en' }), batchWindowMs: 10 });
    const [m] = await store(svc, ['报关资料明天发']);
    await svc.flush();
    expect(Object.keys((await Message.findOne({ _id: m!._id }).lean())!.translations as object).sort()).to.deep.equal(['en', 'ru']);
    await svc.stop();
    await tmt.close();
  });

  it("uses the thread's own target languages when set", async () => {
    const tmt = await startTmtFake();
    const svc = createTranslationService({ config: tmtConfig(tmt), batchWindowMs: 10 });
    const [m] = await store(svc, ['样品明天寄出']);
    await svc.flush();
    expect(Object.keys((await Message.findOne({ _id: m!._id }).lean())!.translations as object).sort()).to.deep.equal(['en', 'ru']);
    await Thread.updateOne({ key: 'dm:sup-zhang' }, { $set: { targetLangs: ['ru'] } });
    const mirror = createMirror({ events: translating(svc) });
    const { message } = (await mirror.ingest(inbound('样品后天寄出')))!;
    await svc.flush();
    expect(Object.keys((await Message.findOne({ _id: message._id }).lean())!.translations as object)).to.deep.equal(['ru']);
    await svc.stop();
    await tmt.close();
  });
});
