// Everything the web console talks to, for API and browser tests and the console bench: the
// real server on a free port (with its live hub), the real bot over wechaty-puppet-mock, the
// translation service against the TMT fake, and a delivery worker on the real clock.
import supertest from 'supertest';
import type { Config } from '../../shared/config/index.js';
import { createEvents } from '../../shared/events/index.js';
import { createLiveHub } from '../../shared/live/index.js';
import { wireReactions } from '../../shared/reactions.js';
import { createAccount, type ConsoleUser } from '../../shared/managers/accounts.js';
import { createDeliveryWorker, deliverableFrom, type DeliveryWorker } from '../../shared/notices/index.js';
import { createMirror, Thread, type ThreadDoc } from '../../shared/threads/index.js';
import { createTranslationService, type TranslationService } from '../../shared/translation/index.js';
import { startServer } from '../../server/index.js';
import { commandListener } from '../../bot/commands.js';
import { startTmtFake, type TmtFake } from '../fakes/tmt.js';
import { startOpenAiFake, type OpenAiFake } from '../fakes/openai.js';
import { testConfig } from './api.js';
import { startTestBot, waitForMessages, withTimeout, type TestBot, sortAllAsSuppliers } from './bot.js';

export interface ConsoleRig {
  config: Config;
  url: string;
  tmt: TmtFake;
  /** With `openai`: the OpenAI fake that zh⇄az is routed to. */
  openai?: OpenAiFake;
  bot: TestBot;
  translation: TranslationService;
  delivery: DeliveryWorker;
  admin: ConsoleUser & { password: string };
  stop(): Promise<void>;
}

export const ADMIN = { login: 'admin', password: 'admin-password-1', name: 'Alice Admin' };

/**
 * `commands`: the bot runs manager commands (`/link`, `/orders`…) as scripts/start.ts wires them.
 * `openai`: Azerbaijani too, zh⇄az routed to the OpenAI fake (TMT has no az).
 */
/**
 * A console rig for each test of the calling suite (started before each, stopped after, bounded);
 * call the returned function inside a test for the current one.
 */
/**
 * 09:00 UTC (12:00 in Moscow) on `from`'s day, or on the first day after it when a notice to a
 * manager in Moscow goes out at once (a weekday, not a holiday): a test that runs the overdue scan
 * and waits for its notice must not depend on the day it runs (on a Sunday the notice rightly
 * waits for Monday). Give the same moment to the rig's delivery (`deliveryClock`).
 */
export function workingNoon(from = new Date()): Date {
  let at = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), 9));
  while (deliverableFrom(at, 'Europe/Moscow', { respectHolidays: true }).getTime() !== at.getTime()) at = new Date(at.getTime() + 86_400_000);
  return at;
}

export function consoleRigPerTest(opts?: Parameters<typeof startConsoleRig>[0]): () => ConsoleRig {
  let rig: ConsoleRig | undefined;
  beforeEach(async () => {
    rig = await withTimeout(startConsoleRig(opts), 30_000, 'console rig');
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });
  return () => rig!;
}

export async function startConsoleRig(
  opts: { livePollMs?: number; delivery?: boolean; commands?: boolean; openai?: boolean; /** The delivery worker's clock (a test that fixes the day). */ deliveryClock?: () => Date } = {},
): Promise<ConsoleRig> {
  const tmt = await startTmtFake({ rps: 1000 });
  const openai = opts.openai ? await startOpenAiFake() : undefined;
  const config = testConfig({
    TRANSLATION_PROVIDER: 'tmt',
    TENCENT_SECRET_ID: tmt.secretId,
    TENCENT_SECRET_KEY: tmt.secretKey,
    TMT_ENDPOINT: tmt.endpoint,
    TMT_PROTOCOL: 'http://',
    TMT_RPS: '100',
    MANAGER_LANGS: 'en',
    PORT: '0',
    ...(openai ? { OPENAI_API_KEY: 'sk-fake', OPENAI_BASE_URL: openai.baseURL, OPENAI_MODEL: 'fake', TRANSLATION_ROUTES: 'zh-az:openai' } : {}),
  });
  const translation = createTranslationService({ config, batchWindowMs: 20, ...(openai ? { quotaPauseMs: 0 } : {}) });
  // A bus of the rig's own: the process's reactions (with the rig's configuration) plus this rig's translation service.
  const bus = createEvents();
  wireReactions(bus, { settings: config, translation });
  const mirror = createMirror({ events: bus });
  let bot: TestBot | undefined;
  const onCommand = opts.commands ? commandListener({ translation, weights: config.performance.weights, messenger: () => bot!.bot.messenger }) : undefined;
  bot = await startTestBot({ mirror, ...(onCommand ? { onCommand } : {}) });
  const http = await startServer(config, { translation, live: createLiveHub({ pollMs: opts.livePollMs ?? 100 }) });
  const delivery = createDeliveryWorker({ messenger: bot.bot.messenger, pacing: { perChatMs: 0, perAccountPerMin: 10_000 }, ...(opts.deliveryClock ? { clock: opts.deliveryClock } : {}) });
  if (opts.delivery !== false) delivery.start(100);
  const admin = { ...(await createAccount({ ...ADMIN, role: 'admin', language: 'en' })), password: ADMIN.password };
  return {
    config,
    url: http.url,
    tmt,
    openai,
    bot,
    translation,
    delivery,
    admin,
    async stop() {
      await withTimeout(delivery.stop(), 5000, 'delivery stop').catch(() => undefined);
      await http.close();
      await translation.stop();
      await bot.stop();
      await tmt.close();
      await openai?.close();
    },
  };
}

/** A supplier writes to the bot (demo supplier `who` of the sandbox); resolves with its thread. */
export async function supplierSays(rig: ConsoleRig, who: number, text: string): Promise<ThreadDoc> {
  const before = await waitForMessages({ text }, 0);
  rig.bot.sb.say(who, text);
  await waitForMessages({ text }, before + 1);
  await rig.bot.mirror.flush();
  await sortAllAsSuppliers(); // a person sorted the new contact as a supplier
  const { Message } = await import('../../shared/threads/index.js');
  const m = (await Message.findOne({ text }).lean())!;
  return (await Thread.findOne({ _id: m.threadId }).lean<ThreadDoc>())!;
}

/** A supertest agent signed in to the console; sends the CSRF header on every request. */
export type SignedIn = Awaited<ReturnType<typeof signedInAgent>>;

/** A console POST as the web app sends it (the session's CSRF token). */
export const csrfPost = (a: SignedIn, path: string, body: unknown) =>
  a.agent
    .post(path)
    .set('X-CSRF-Token', a.csrf)
    .send(body as object);

/**
 * The admin creates a buyer (Boris by default) who signs in and links his WeChat with /link from
 * the rig's simulated colleague chat ('c'); returns his signed-in agent once linked.
 */
export async function linkedBuyer(rig: { url: string; bot: { sb: { say(who: 'c', text: string): void } } }, admin: SignedIn, login = 'boris', name = 'Boris', language = 'en'): Promise<SignedIn> {
  const password = `${login}-password-1`;
  const made = await csrfPost(admin, '/api/console/managers', { login, name, password, role: 'manager', language, timezone: 'Europe/Moscow' });
  if (made.status !== 201) throw new Error(`manager not created: ${made.status} ${JSON.stringify(made.body)}`);
  const buyer = await signedInAgent(rig.url, login, password);
  rig.bot.sb.say('c', (await csrfPost(buyer, '/api/console/me/wechat/link-code', {}).expect(201)).body.command);
  const end = Date.now() + 10_000;
  while (!(await buyer.agent.get('/api/console/me/wechat').expect(200)).body.linked) {
    if (Date.now() > end) throw new Error(`${name}'s WeChat not linked within 10 s`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return buyer;
}

export async function signedInAgent(url: string, login = ADMIN.login, password = ADMIN.password) {
  const agent = supertest.agent(url);
  const res = await agent.post('/api/console/session').send({ login, password });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  const csrf = res.body.csrf as string;
  return { agent, csrf, user: res.body.user as ConsoleUser };
}
