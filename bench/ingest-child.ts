// Mirror ingest in a process of its own (the mixed bench's load (b)): a real bot over the mock
// puppet, contacts saying RATE messages/s until SIGTERM; prints one JSON line {said, stored}.
import mongoose from 'mongoose';
import { createBot } from '../bot/index.js';
import { createSandbox } from '../bot/sandbox.js';
import { loadConfig } from '../shared/config/index.js';
import { connectMongoose } from '../shared/db/index.js';
import { createEvents } from '../shared/events/index.js';
import '../shared/models.js';
import { wireReactions } from '../shared/reactions.js';
import { createMirror } from '../shared/threads/index.js';

const [uri, name, rateArg, tag] = process.argv.slice(2) as [string, string, string, string];
const rate = Number(rateArg);
await connectMongoose(uri, name, 5);
const bus = createEvents();
wireReactions(bus, { settings: loadConfig({}) });
let stored = 0;
bus.on('message.stored', () => void stored++);
const sb = createSandbox();
const bot = createBot({ config: loadConfig({ BOT_NAME: `bench-ingest-${tag}`, LOG_LEVEL: 'error' }), puppet: sb.puppet as never, mirror: createMirror({ events: bus }) });
await bot.start();
sb.login();
await bot.ready();
const contacts = Array.from({ length: 20 }, (_, i) => sb.mocker.createContact({ id: `ingest-${tag}-c${i}`, name: `联系人${i}` }));
let said = 0;
const timer = setInterval(() => {
  for (let k = 0; k < rate / 10; k++) {
    contacts[said % contacts.length]!.say(`第${said}条：PO-2026-${said % 300} 大货进度更新`).to(sb.bot);
    said++;
  }
}, 100);
console.log('STARTED');
process.once('SIGTERM', () => {
  clearInterval(timer);
  void (async () => {
    for (let i = 0; i < 100 && stored < said; i++) await new Promise((ok) => setTimeout(ok, 100));
    console.log(JSON.stringify({ said, stored }));
    await bot.stop().catch(() => undefined);
    await mongoose.disconnect().catch(() => undefined);
    process.exit(0);
  })();
});
