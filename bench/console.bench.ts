// `npm run bench -- console`: the web console's thread page — one thread of 5,000 messages among
// 100,000, page of 50 with translations — at 20 connections (autocannon, signed in with a session
// cookie), against the same database queries issued straight through the driver in the same run
// (session, manager, thread, message page, the chat's outbox). console ratio = API ÷ raw.
// live p99: a supplier writes through the mock puppet → the thread event on the SSE stream → the
// browser's refetch (`messages?after=`) returns the new message.
import autocannon from 'autocannon';
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { createBot } from '../bot/index.js';
import { createSandbox } from '../bot/sandbox.js';
import { loadConfig } from '../shared/config/index.js';
import { createLiveHub } from '../shared/live/index.js';
import { ConsoleSession, createAccount, signIn } from '../shared/managers/accounts.js';
import { Manager } from '../shared/managers/model.js';
import { Supplier } from '../shared/suppliers/index.js';
import { createMirror, Message, Thread, threadDay, type ThreadDoc } from '../shared/threads/index.js';
import { threadMessages, threadOutbox } from '../shared/inbox/index.js';
import { startServer } from '../server/index.js';
import { percentile, pool, round, rssMb, startBenchDb, type Figures } from './support.js';

const TOTAL = 100_000;
const BIG = 5_000;
const OTHER_THREADS = 190;
const CONNECTIONS = 20;
const DURATION_S = 10;
const LIVE_SAMPLES = 40;

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const config = loadConfig({ SESSION_SECRET: 'bench-secret-0123456789-0123456789-abc', PORT: '0', LOG_LEVEL: 'warn' });
  try {
    const supplier = await Supplier.create({ code: 'C01', name: '奥吉电器' });
    const threads = await Thread.insertMany(
      Array.from({ length: OTHER_THREADS + 1 }, (_, i) => ({ key: `dm:bench-${i}`, kind: 'dm', contactWechatId: `bench-${i}`, supplierId: supplier._id, messageCount: 0 })),
    );
    const big = threads[0]!;
    const base = Date.UTC(2026, 5, 1);
    const t0 = performance.now();
    const batch: object[] = [];
    const flush = async () => {
      if (batch.length) await Message.insertMany(batch.splice(0), { ordered: false, lean: true });
    };
    for (let i = 0; i < TOTAL; i++) {
      const inBig = i < BIG;
      const thread = inBig ? big : threads[1 + (i % OTHER_THREADS)]!;
      // The big thread: 5,000 messages over 100 days (50 a day); the others share 100 days too.
      const ts = new Date(base + (inBig ? i * 1_728_000 : (i - BIG) * 90_000));
      const text = `第${i}条：PO-2026-${String(i % 300).padStart(3, '0')} 的大货进度更新，预计${(i % 28) + 1}号完成。`;
      batch.push({
        threadId: thread._id,
        supplierId: supplier._id,
        puppetId: `p${i}`,
        dedupeKey: createHash('sha1').update(`d${i}`).digest('hex'),
        direction: i % 5 === 0 ? 'out' : 'in',
        senderKind: i % 5 === 0 ? 'bot' : 'supplier',
        senderName: '李小姐',
        type: 'text',
        text,
        ts,
        td: threadDay(thread._id, ts),
        lang: 'zh',
        translations: { en: { text: `Message ${i}: bulk production update for PO-2026-${i % 300}, expected on day ${(i % 28) + 1}.`, source: 'machine', provider: 'tmt', at: new Date() } },
        translationStatus: 'done',
      });
      if (batch.length === 2000) await flush();
    }
    await flush();
    const loadS = (performance.now() - t0) / 1000;
    for (const t of threads) {
      const days = await Message.distinct('td', { threadId: t._id });
      await Thread.updateOne({ _id: t._id }, { $set: { days: days.map((d) => String(d).split('|')[1]!), messageCount: await Message.countDocuments({ threadId: t._id }) } });
    }
    await Thread.updateOne({ _id: big._id }, { $set: { lastMessageAt: new Date(base + (BIG - 1) * 1_728_000) } });
    const bigThread = (await Thread.findOne({ _id: big._id }).lean<ThreadDoc>())!;
    await createAccount({ login: 'bench', name: 'Bench Admin', password: 'bench-password-1', role: 'admin' });
    const session = await signIn('bench', 'bench-password-1');
    const cookie = `gendan_sid=${session.token}`;
    await new Promise((ok) => setTimeout(ok, 2000)); // the engine's GIN twins catch up

    // Raw: what one API page costs in queries, through the driver, same concurrency.
    const tokenHash = createHash('sha256').update(session.token).digest('hex');
    const bigId = new Types.ObjectId(String(big._id));
    const rawPage = async () => {
      const s = await ConsoleSession.findOne({ tokenHash }).lean();
      await Manager.findOne({ _id: s!.managerId }).lean();
      const t = (await Thread.findOne({ _id: bigId }).lean<ThreadDoc>())!;
      await Promise.all([threadMessages(t, { limit: 50 }), threadOutbox(t)]);
    };
    for (let i = 0; i < 20; i++) await rawPage(); // warm up
    // For the record: the plain `find({threadId}).sort({ts:-1}).limit(50)` the day keys replace.
    const plainMs = await pool(
      Array.from({ length: 40 }, (_, i) => i),
      CONNECTIONS,
      () => Message.find({ threadId: bigId }).sort({ ts: -1 }).limit(50).lean(),
    );
    const rawN = 4000;
    const rawMs = await pool(
      Array.from({ length: rawN }, (_, i) => i),
      CONNECTIONS,
      rawPage,
    );
    const rawRate = rawN / (rawMs / 1000);

    const server = await startServer(config, { live: createLiveHub() });
    const url = `${server.url}/api/console/threads/${big._id}/messages?limit=50`;
    const check = await fetch(url, { headers: { cookie } });
    const body = (await check.json()) as { items: { translations: { en?: { text: string } } }[] };
    if (check.status !== 200 || body.items.length !== 50 || !body.items[0]!.translations.en) throw new Error(`thread page not as expected: ${check.status}`);
    const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers: { cookie }, workers: 1 });

    // Live: the real bot over the mock puppet, the real server's SSE stream, the browser's refetch.
    const sb = createSandbox();
    const mirror = createMirror();
    const bot = createBot({ config: loadConfig({ BOT_NAME: 'bench-console', LOG_LEVEL: 'warn' }), puppet: sb.puppet as never, mirror });
    await bot.start();
    sb.login();
    await bot.ready();
    const contact = sb.mocker.createContact({ id: 'bench-live', name: '王经理' });
    contact.say('你好').to(sb.bot);
    let liveThread: string | undefined;
    for (let i = 0; i < 100 && !liveThread; i++) {
      await new Promise((ok) => setTimeout(ok, 50));
      liveThread = String((await Thread.findOne({ key: 'dm:bench-live' }, { _id: 1 }).lean())?._id ?? '') || undefined;
    }
    const ac = new AbortController();
    const sse = await fetch(`${server.url}/api/console/events`, { headers: { cookie }, signal: ac.signal });
    const reader = sse.body!.getReader();
    const dec = new TextDecoder();
    let waiting: ((at: number) => void) | undefined;
    void (async () => {
      let buf = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += dec.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (block.includes(`"threadId":"${liveThread}"`)) waiting?.(performance.now());
          }
        }
      } catch {
        /* closed */
      }
    })();
    await new Promise((ok) => setTimeout(ok, 500));
    const live: number[] = [];
    const eventOnly: number[] = [];
    for (let i = 0; i < LIVE_SAMPLES; i++) {
      const text = `实时消息 ${i}`;
      const since = new Date(Date.now() - 60_000).toISOString();
      const evt = new Promise<number>((ok) => (waiting = ok));
      const t = performance.now();
      contact.say(text).to(sb.bot);
      // The browser refetches on each event until the message is there (a first event may be
      // the previous message's translation or delivery).
      for (;;) {
        const at = await Promise.race([evt, new Promise<number>((_, fail) => setTimeout(() => fail(new Error('no live event within 5 s')), 5000))]);
        const r = await fetch(`${server.url}/api/console/threads/${liveThread}/messages?after=${encodeURIComponent(since)}`, { headers: { cookie } });
        const items = ((await r.json()) as { items: { text: string }[] }).items;
        if (items.some((m) => m.text === text)) {
          eventOnly.push(at - t);
          live.push(performance.now() - t);
          break;
        }
      }
      waiting = undefined;
      await new Promise((ok) => setTimeout(ok, 150 + (i % 7) * 37));
    }
    ac.abort();
    await bot.stop();
    await server.close();
    live.sort((a, b) => a - b);
    eventOnly.sort((a, b) => a - b);
    return {
      messages_in_db: TOTAL,
      thread_messages: BIG,
      load_s: round(loadS, 1),
      connections: CONNECTIONS,
      page_size: 50,
      api_req_per_s: round(result.requests.average, 1),
      api_p50_ms: result.latency.p50,
      api_p99_ms: result.latency.p99,
      api_non_2xx: result.non2xx,
      raw_pages_per_s: round(rawRate, 1),
      plain_sorted_query_per_s: round(40 / (plainMs / 1000), 1),
      big_thread_days: bigThread.days.length,
      'console ratio': round(result.requests.average / rawRate),
      live_samples: live.length,
      'live p50 ms': round(percentile(live, 50), 0),
      'live p99 ms': round(percentile(live, 99), 0),
      live_event_p99_ms: round(percentile(eventOnly, 99), 0),
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
