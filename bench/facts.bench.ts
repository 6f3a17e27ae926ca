// `npm run bench -- facts`: the chat-to-facts recognizers (#25).
//   - precision and recall of the rules alone over test/fixtures/chat-facts.tsv (labeled facts);
//   - µs per message of the recognizers alone (every labeled message, many rounds);
//   - facts ratio: mirror throughput (Wechaty + puppet-mock → mirror → reactions) WITH the
//     facts reaction ÷ WITHOUT it, measured side by side in the same run (alternating segments of 300,
//     same suppliers and orders), until every proposal of the run is stored. Traffic: one labeled
//     message in five, the others ordinary chat lines (most chat carries no order fact).
import mongoose from 'mongoose';
import { createBot } from '../bot/index.js';
import { createSandbox } from '../bot/sandbox.js';
import { loadConfig } from '../shared/config/index.js';
import { createEvents } from '../shared/events/index.js';
import { factsIdle, recognize } from '../shared/facts/index.js';
import { Manager } from '../shared/managers/model.js';
import { wireReactions } from '../shared/reactions.js';
import { Supplier } from '../shared/suppliers/index.js';
import { Contact, createMirror, sortContact } from '../shared/threads/index.js';
import { loadLabels, scoreLabels } from '../test/support/chat-facts.js';
import { makeOrder } from '../test/support/api.js';
import { round, rssMb, startBenchDb, type Figures } from './support.js';

const SEGMENT = 1000; // messages per segment; alternating without, with … (ROUNDS times each): load drifts, alternation averages it
const ROUNDS = 4;
const WINDOW = 32;
const CHAT = ['好的，收到', '谢谢王总', '图片已发，请查收', '包装要用纸箱吗？', '明白了，我跟老板说一下', '您好，在吗？', '样品今天拍照给您', '付款收到了，谢谢'];

export default async function run(): Promise<Figures> {
  const labels = loadLabels();
  const score = scoreLabels(labels);
  // The recognizers alone.
  const rounds = 40;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const l of labels) recognize(l.text, l.at, l.tz);
  const usPerMessage = ((performance.now() - t0) * 1000) / (rounds * labels.length);

  const db = await startBenchDb();
  try {
    const sb = createSandbox();
    const buses = { with: createEvents(), without: createEvents() };
    wireReactions(buses.with, { settings: loadConfig({}) });
    wireReactions(buses.without, { settings: loadConfig({}), facts: false });
    let stored = 0;
    let wake: (() => void) | undefined;
    for (const bus of Object.values(buses))
      bus.on('message.stored', () => {
        stored++;
        wake?.();
      });
    // One mirror per bus over one bot each would double the bots: one bot, the mirror's bus switched per segment.
    let current = buses.without;
    const relay = createEvents();
    relay.on('message.stored', (e) => current.emit('message.stored', e));
    relay.on('replies.timed', (e) => current.emit('replies.timed', e));
    relay.on('mirror.flushed', (e) => current.emit('mirror.flushed', e));
    const mirror = createMirror({ events: relay });
    const bot = createBot({ config: loadConfig({ BOT_NAME: 'bench-bot', LOG_LEVEL: 'warn' }), puppet: sb.puppet as never, mirror });
    await bot.start();
    sb.login();
    await bot.ready();
    // 20 factories, each sorted as a supplier with one open order and a manager with WeChat.
    const anna = await Manager.create({ name: 'Anna', wechatId: 'bench-mgr', language: 'en' });
    const contacts = Array.from({ length: 20 }, (_, i) => sb.mocker.createContact({ id: `bench-f${i}`, name: `工厂${i}` }));
    for (const c of contacts) c.say('您好').to(sb.bot);
    while (stored < contacts.length) await new Promise<void>((ok) => (wake = ok));
    await bot.idle();
    for (const c of await Contact.find({ status: 'unsorted' }).lean()) await sortContact(String(c._id), { kind: 'supplier' }, 'bench', new Date());
    await Supplier.updateMany({}, { $set: { managerId: anna._id } });
    for (const s of await Supplier.find({}).lean()) await makeOrder(s.code, { managerId: String(anna._id) });

    let sent = 0;
    const segment = async (facts: boolean) => {
      current = facts ? buses.with : buses.without;
      await bot.idle();
      const base = stored;
      const start = performance.now();
      for (let i = 0; i < SEGMENT; i++) {
        while (sent - stored >= WINDOW) await new Promise<void>((ok) => (wake = ok));
        const n = sent++;
        const text = n % 5 === 0 ? labels[(n / 5) % labels.length]!.text : CHAT[n % CHAT.length]!;
        contacts[n % contacts.length]!.say(`${text} (${n})`).to(sb.bot);
      }
      while (stored - base < SEGMENT) await new Promise<void>((ok) => (wake = ok));
      await factsIdle();
      return performance.now() - start;
    };
    // Write requests per mode (driver commandStarted): where the reaction's cost is.
    const writes = { with: 0, without: 0 };
    const byKind = { with: new Map<string, number>(), without: new Map<string, number>() };
    let mode: 'with' | 'without' = 'without';
    const onCommand = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (/^(hello|isMaster|ping|endSessions)$/.test(e.commandName)) return;
      if (/^(insert|update|delete|findAndModify)$/.test(e.commandName)) writes[mode]++;
      const k = `${e.commandName} ${String(e.command[e.commandName])}`;
      byKind[mode].set(k, (byKind[mode].get(k) ?? 0) + 1);
    };
    const top = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([k, n]) => `${k} ${round(n / (ROUNDS * SEGMENT), 3)}`)
        .join(', ');
    mongoose.connection.getClient().on('commandStarted', onCommand);
    let msWith = 0;
    let msWithout = 0;
    for (let k = 0; k < ROUNDS; k++) {
      mode = 'without';
      msWithout += await segment(false);
      mode = 'with';
      msWith += await segment(true);
    }
    mongoose.connection.getClient().off('commandStarted', onCommand);
    await bot.stop();
    const rateWith = (ROUNDS * SEGMENT) / (msWith / 1000);
    const rateWithout = (ROUNDS * SEGMENT) / (msWithout / 1000);
    const proposals = await mongoose.connection.db!.collection('proposals').countDocuments();
    return {
      labeled_messages: score.messages,
      labeled_facts: score.labeled,
      facts_found: score.found,
      mirror_messages: 2 * ROUNDS * SEGMENT,
      proposals_stored: proposals,
      mirror_msgs_per_s_without: round(rateWithout, 0),
      mirror_msgs_per_s_with: round(rateWith, 0),
      precision: round(score.precision, 3),
      recall: round(score.recall, 3),
      us_per_message: round(usPerMessage, 1),
      'write requests per message without': round(writes.without / (ROUNDS * SEGMENT)),
      'write requests per message with': round(writes.with / (ROUNDS * SEGMENT)),
      'requests per message with (top)': top(byKind.with),
      'requests per message without (top)': top(byKind.without),
      'facts ratio': round(rateWith / rateWithout),
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
