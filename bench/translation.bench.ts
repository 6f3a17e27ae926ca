// `npm run bench -- translation`: a burst of 1,000 distinct supplier messages against the TMT
// fake at 5 requests/s, through the mirror and the translation service. Messages per request
// (target >= 10), characters billed vs unique characters (target <= 1.05), and provider calls
// for 1,000 repeats of known text (target 0).
import { loadConfig } from '../shared/config/index.js';
import { createEvents } from '../shared/events/index.js';
import { wireReactions } from '../shared/reactions.js';
import { createMirror, Message, type InboundMessage } from '../shared/threads/index.js';
import { createTranslationService, protect } from '../shared/translation/index.js';
import { startTmtFake } from '../test/fakes/tmt.js';
import { pool, round, rssMb, startBenchDb, type Figures } from './support.js';

const N = 1000;
const PRODUCTS = ['电机', '插头', '外壳', '纸箱', '线材', '面板', '螺丝', '包装袋'];
const PHRASES = ['的大货什么时候可以完成', '请确认颜色和尺寸', '已经安排质检，明天出报告', '模具需要修改，交期推迟三天', '原材料价格上涨，需要调整报价'];

const COLOURS = ['红色', '蓝色', '白色', '黑色', '灰色'];
const PLACES = ['一号车间', '二号车间', '仓库', '包装线', '质检部'];
// 8 × 5 × 5 × 5 = 1,000 texts that differ in words, not only in numbers (numbers and PO
// numbers are masked before translation, so they alone would not make a text distinct).
const text = (i: number) =>
  `${PLACES[Math.floor(i / 200) % 5]}：${COLOURS[Math.floor(i / 40) % 5]}${PRODUCTS[i % 8]}${PHRASES[Math.floor(i / 8) % 5]}，PO-2026-${String(i).padStart(4, '0')}，数量${(i % 50) * 100 + 100}pcs。`;

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const tmt = await startTmtFake();
  try {
    const config = loadConfig({
      TRANSLATION_PROVIDER: 'tmt',
      TENCENT_SECRET_ID: tmt.secretId,
      TENCENT_SECRET_KEY: tmt.secretKey,
      TMT_ENDPOINT: tmt.endpoint,
      TMT_PROTOCOL: 'http://',
      MANAGER_LANGS: 'en',
    });
    const svc = createTranslationService({ config });
    const bus = createEvents();
    wireReactions(bus, { settings: config, translation: svc });
    const mirror = createMirror({ events: bus });
    const msg = (i: number, t: string): InboundMessage => ({
      puppetId: `b${i}-${t.length}-${Math.random()}`,
      chat: { kind: 'dm', id: `c${i % 50}` },
      sender: { wechatId: `c${i % 50}`, name: `联系人${i % 50}` },
      self: false,
      type: 'text',
      text: t,
      ts: new Date(Date.now() + i),
    });
    const texts = Array.from({ length: N }, (_, i) => text(i));
    const t0 = performance.now();
    await pool(texts, 16, (t, i) => mirror.ingest(msg(i, t)));
    for (;;) {
      await svc.flush();
      if ((await Message.countDocuments({ translationStatus: 'pending' })) === 0) break;
    }
    const ms = performance.now() - t0;
    const done = await Message.countDocuments({ translationStatus: 'done' });
    const requests = tmt.requests.length;
    const billed = tmt.billedChars();
    // The least any provider must see: each distinct text once, terms masked.
    const masked = new Set(texts.map((t) => protect(t).text));
    const unique = [...masked].reduce((n, t) => n + t.length, 0);

    // 1,000 repeats of texts already translated.
    const before = tmt.requests.length;
    await pool(
      Array.from({ length: N }, (_, i) => texts[i % 200]!),
      16,
      (t, i) => mirror.ingest(msg(N + i, t)),
    );
    for (;;) {
      await svc.flush();
      if ((await Message.countDocuments({ translationStatus: 'pending' })) === 0) break;
    }
    const repeatCalls = tmt.requests.length - before;
    await svc.stop();
    return {
      messages_translated: done,
      msgs_per_s: round(N / (ms / 1000), 0),
      requests,
      rejected_by_provider: tmt.rejected.length,
      msgs_per_request: round(done / requests, 1),
      chars_billed: billed,
      distinct_texts: masked.size,
      chars_unique: unique,
      billed_vs_unique: round(billed / unique, 3),
      calls_for_1000_repeats: repeatCalls,
      rss_mb: rssMb(),
    };
  } finally {
    await tmt.close();
    await db.stop();
  }
}
