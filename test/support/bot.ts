// A Gendan bot over wechaty-puppet-mock against the real database, for tests.
import { loadConfig } from '../../shared/config/index.js';
import { createBot, type Bot, type BotOptions } from '../../bot/index.js';
import { createSandbox, type Sandbox } from '../../bot/sandbox.js';
import { createMirror, Message, type Mirror } from '../../shared/threads/index.js';

export interface TestBot {
  bot: Bot;
  sb: Sandbox;
  mirror: Mirror;
  stop(): Promise<void>;
  /** Every message delivered so far handled to the end (bounded): then assert what did not happen. */
  idle(): Promise<void>;
}

export const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what}: no result within ${ms} ms`)), ms).unref())]);

export async function startTestBot(opts: Partial<BotOptions> = {}): Promise<TestBot> {
  const sb = createSandbox();
  const mirror = opts.mirror ?? createMirror();
  const bot = createBot({ config: loadConfig({ BOT_NAME: 'test-bot', DATA_DIR: '/tmp/gendan-test-uploads' }), puppet: sb.puppet as never, mirror, ...opts });
  await withTimeout(bot.start(), 10_000, 'bot start');
  sb.login();
  await withTimeout(bot.ready(), 10_000, 'bot ready');
  return {
    bot,
    sb,
    mirror,
    stop: () => withTimeout(bot.stop(), 15_000, 'bot stop'),
    idle: () => withTimeout(bot.idle(), 10_000, 'bot idle'),
  };
}

/** Poll `fn` until it gives something truthy (bounded); the value is returned. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/** Wait until `n` messages match `filter` (polls the real DB; bounded). */
export async function waitForMessages(filter: Record<string, unknown>, n: number, ms = 10_000): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const count = await Message.countDocuments(filter);
    if (count >= n) return count;
    if (Date.now() > until) throw new Error(`expected ${n} messages matching ${JSON.stringify(filter)}, found ${count}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

/**
 * Day one done by a person, for tests that need suppliers behind their chats: every unsorted
 * contact becomes a new supplier (plain codes in the order they first wrote: 001, 002, …) and
 * every unsorted room joins the supplier of a known member (else becomes one).
 */
export async function sortAllAsSuppliers(by = 'test'): Promise<void> {
  const { Contact, Thread, listUnsorted, sortContact } = await import('../../shared/threads/index.js');
  const contacts = await Contact.find({ status: 'unsorted' }).sort({ createdAt: 1, _id: 1 }).lean();
  for (const c of contacts) await sortContact(String(c._id), { kind: 'supplier' }, by, new Date());
  const rooms = await Thread.find({ status: 'unsorted', kind: 'room' }).lean();
  const items = rooms.length ? await listUnsorted() : [];
  for (const r of rooms) {
    const proposal = items.find((i) => i.id === String(r._id))?.proposals[0];
    await sortContact(String(r._id), proposal ? { kind: 'contact', supplier: proposal.code } : { kind: 'supplier' }, by, new Date());
  }
}
