// `npm run bench -- mirror`: 10,000 messages from 50 mock contacts across 10 rooms, through
// Wechaty + wechaty-puppet-mock into the mirror; messages/s and the ratio to the raw insertOne
// rate of the same database in the same run (target >= 0.5).
import mongoose from 'mongoose';
import { loadConfig } from '../shared/config/index.js';
import { createBot } from '../bot/index.js';
import { createSandbox } from '../bot/sandbox.js';
import { createEvents } from '../shared/events/index.js';
import { wireReactions } from '../shared/reactions.js';
import { createMirror } from '../shared/threads/index.js';
import { pool, round, rssMb, startBenchDb, type Figures } from './support.js';

const TOTAL = 10_000;
const WINDOW = 32; // messages in flight, as a busy account delivers them

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  try {
    // Raw rate: insertOne of message-sized documents at the same concurrency.
    const raw = mongoose.connection.db!.collection('bench_raw');
    await raw.createIndex({ threadId: 1, ts: -1 });
    const rawN = 3000;
    const rawMs = await pool(
      Array.from({ length: rawN }, (_, i) => i),
      WINDOW,
      (i) =>
        raw.insertOne({ threadId: `t${i % 10}`, puppetId: `r${i}`, dedupeKey: `k${i}`, ts: new Date(), text: `消息 ${i} 交期确认`, direction: 'in', translations: {}, translationStatus: 'pending' }),
    );
    const rawRate = rawN / (rawMs / 1000);

    const sb = createSandbox();
    let stored = 0;
    let wake: (() => void) | undefined;
    // The process's reactions (reply-time KPIs, the configuration's defaults), plus a counter of stored messages.
    const bus = createEvents();
    wireReactions(bus, { settings: loadConfig({}) });
    bus.on('message.stored', () => {
      stored++;
      wake?.();
    });
    const mirror = createMirror({ events: bus });
    const bot = createBot({ config: loadConfig({ BOT_NAME: 'bench-bot', LOG_LEVEL: 'warn' }), puppet: sb.puppet as never, mirror });
    await bot.start();
    sb.login();
    await bot.ready();
    const contacts = Array.from({ length: 50 }, (_, i) => sb.mocker.createContact({ id: `bench-c${i}`, name: `供应商联系人${i}` }));
    const rooms = Array.from({ length: 10 }, (_, r) =>
      sb.mocker.createRoom({ id: `bench-r${r}@chatroom`, topic: `工厂群 ${r}`, memberIdList: [sb.bot.id, ...contacts.filter((_, i) => i % 10 === r).map((c) => c.id)] }),
    );

    // Where each stored message spends its requests: every driver command of the timed phase by
    // command and collection (commandStarted; the client monitors commands, shared/db).
    const perCommand = new Map<string, number>();
    let counting = true;
    const onCommand = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (!counting) return;
      const coll = e.command[e.commandName];
      const key = `${e.commandName} ${typeof coll === 'string' ? coll : ''}`.trim();
      perCommand.set(key, (perCommand.get(key) ?? 0) + 1);
    };
    mongoose.connection.getClient().on('commandStarted', onCommand);
    const t0 = performance.now();
    for (let i = 0; i < TOTAL; i++) {
      while (i - stored >= WINDOW) await new Promise<void>((ok) => (wake = ok));
      const c = contacts[i % 50]!;
      const room = rooms[(i % 50) % 10]!;
      c.say(`第${i}条：PO-2026-${String(i % 300).padStart(3, '0')} 的大货进度更新，预计${(i % 28) + 1}号完成。`).to(i % 3 === 0 ? sb.bot : room);
    }
    while (stored < TOTAL) await new Promise<void>((ok) => (wake = ok));
    const ms = performance.now() - t0;
    counting = false;
    mongoose.connection.getClient().off('commandStarted', onCommand);
    const rate = TOTAL / (ms / 1000);
    const top = [...perCommand.entries()].filter(([k]) => !/^(hello|isMaster|ping|endSessions)\b/.test(k)).sort((a, b) => b[1] - a[1]);
    const writes = top.filter(([k]) => /^(insert|update|delete|findAndModify)\b/.test(k)).reduce((a, [, n]) => a + n, 0);
    await bot.stop();
    const count = await mongoose.connection.db!.collection('messages').countDocuments();
    return {
      messages: count,
      mirror_msgs_per_s: round(rate, 0),
      raw_insert_per_s: round(rawRate, 0),
      ratio: round(rate / rawRate),
      'write requests per message': round(writes / TOTAL),
      'requests per message (top)': top
        .slice(0, 8)
        .map(([k, n]) => `${k} ${round(n / TOTAL)}`)
        .join(', '),
      in_flight: WINDOW,
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
