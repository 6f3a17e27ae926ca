// The composition root: builds every part from config and runs the roles asked for.
// `npm start` runs all roles in one process on embedded defaults; `--roles server,bot` picks.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigOrExit, type Config } from '../shared/config/index.js';
import { getLogger, setLogLevel } from '../shared/log/index.js';
import { EmbeddedDbError, ensureIndexes, openDatabase, type Database } from '../shared/db/index.js';
import '../shared/models.js';
import { events } from '../shared/events/index.js';
import { wireReactions } from '../shared/reactions.js';
import { createFactsModel } from '../shared/facts/index.js';
import { createBot, type Bot } from '../bot/index.js';
import { commandListener } from '../bot/commands.js';
import {
  createSandbox,
  echoBotMessages,
  playDemo,
  promptWanted,
  registerSandboxManager,
  sandboxLanguages,
  seedSandboxSuppliers,
  SANDBOX_BANNER,
  SANDBOX_DB_NAME,
  startPrompt,
} from '../bot/sandbox.js';
import { backfillThreadDays, createMirror } from '../shared/threads/index.js';
import { checkRoutes, createTranslationService, managerLanguagesInUse } from '../shared/translation/index.js';
import { startServer } from '../server/index.js';
import { createDeliveryWorker, type DeliveryWorker } from '../shared/notices/index.js';
import { createScheduler } from '../shared/scheduler/index.js';
import { ensureAdmin, listAccounts } from '../shared/managers/accounts.js';
import { Manager } from '../shared/managers/model.js';
import { pdfFontProblem } from '../shared/reports/export.js';
import { watchDatabase } from '../shared/health/index.js';

const SANDBOX_ADMIN = { login: 'admin', password: 'sandbox-admin' };

const log = getLogger('start');
const ALL_ROLES = ['db', 'server', 'bot', 'scheduler'] as const;
type Role = (typeof ALL_ROLES)[number];

interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

function parseRoles(): Set<Role> {
  const { values } = parseArgs({ options: { roles: { type: 'string' } }, strict: true });
  const list = (values.roles ?? ALL_ROLES.join(',')).split(',').map((r) => r.trim());
  const bad = list.filter((r) => !(ALL_ROLES as readonly string[]).includes(r));
  if (bad.length) {
    console.error(`unknown role(s): ${bad.join(', ')}; roles are ${ALL_ROLES.join(', ')}`);
    process.exit(2);
  }
  return new Set(list as Role[]);
}

/**
 * The console's first admin: from CONSOLE_ADMIN_PASSWORD, or in the sandbox (its own database)
 * a known demo login. Otherwise a hint when nobody can sign in yet. Passwords are never logged.
 */
async function ensureConsoleAdmin(config: Config) {
  if (config.console.adminPassword) {
    await ensureAdmin(config.console.adminLogin, config.console.adminPassword);
    return;
  }
  if (config.bot.sandbox) {
    // The demo admin reads the sandbox's first manager language (MANAGER_LANGS=az,ru: Azerbaijani, Russian meanwhile).
    if (await ensureAdmin(SANDBOX_ADMIN.login, SANDBOX_ADMIN.password)) await Manager.updateOne({ login: SANDBOX_ADMIN.login }, { $set: sandboxLanguages(config.translation.managerLangs) });
    console.log(`Sandbox console sign-in: ${SANDBOX_ADMIN.login} / ${SANDBOX_ADMIN.password} (sandbox database only)`);
    return;
  }
  if ((await listAccounts()).length === 0) {
    log.warn('nobody can sign in to the web console yet: set CONSOLE_ADMIN_PASSWORD (and CONSOLE_ADMIN_LOGIN) and restart');
  }
}

async function main() {
  // A language pair no configured provider can translate stops the start at once.
  let config = loadConfigOrExit((c) => checkRoutes(c, c.translation.managerLangs));
  setLogLevel(config.logLevel); // LOG_LEVEL from .env too (module loggers exist before it is loaded)
  const roles = parseRoles();
  const running: Stoppable[] = [];

  let stopping = false;
  // Said first, before anything awaits: the embedded database then restarts nothing the same
  // signal stopped (a process-group signal reaches PostgreSQL and the engine too).
  const onStopSignal: (() => void)[] = [];
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    for (const f of onStopSignal) f();
    log.info({ signal }, 'shutting down');
    const hard = setTimeout(() => {
      log.error('shutdown took over 20 s; exiting');
      process.exit(1);
    }, 20_000);
    hard.unref();
    for (const part of running.reverse()) {
      await part.stop().catch((err) => log.error({ err, part: part.name }, 'stop failed'));
    }
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  // The sandbox (simulated WeChat) never mixes with real data: a database of its own.
  if (config.bot.sandbox) config = { ...config, db: { ...config.db, name: SANDBOX_DB_NAME } };

  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (err) {
    if (err instanceof EmbeddedDbError) {
      console.error(`gendan: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  running.push({ name: 'database', stop: () => db.close() });
  // The embedded database is supervised: a PostgreSQL or engine that dies is restarted, an alert
  // raised and cleared; when it cannot be restarted, exit non-zero so a service manager restarts all.
  if (db.embedded) {
    const embedded = db.embedded;
    onStopSignal.push(() => embedded.stopping());
    watchDatabase(embedded, (detail) => {
      log.fatal({ detail }, 'the embedded database could not be restarted; exiting');
      console.error(`gendan: the embedded database could not be restarted (${detail}); exiting so the service manager restarts Gendan`);
      process.exit(1);
    });
  }
  await ensureIndexes();
  await backfillThreadDays();
  // A bad PDF_CJK_FONT is said at once (PDF exports then answer 503 with it).
  const fontProblem = pdfFontProblem(config.reports.pdfCjkFont);
  if (fontProblem) log.warn(fontProblem);
  if (db.embedded) {
    log.info({ dataDir: db.embedded.dataDir, uri: db.uri }, `embedded database serving; data lives in ${db.embedded.dataDir}`);
    if (roles.size === 1 && roles.has('db')) {
      console.log(`MONGODB_URI=${db.uri}  (database ${db.name}; other roles may use it)`);
    }
  }

  // One translation service for the bot (messages) and the server (console replies, previews).
  let translation: ReturnType<typeof createTranslationService> | undefined;
  if (roles.has('server') || roles.has('bot')) {
    try {
      // Every pair between Chinese and a language the managers read (configured or of an
      // active manager) must have a provider: a gap is a start error naming the pair.
      checkRoutes(config, [...config.translation.managerLangs, ...(await managerLanguagesInUse())]);
      translation = createTranslationService({ config });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      console.error(err.message);
      await db.close().catch(() => undefined);
      process.exit(2);
    }
    running.push({ name: 'translation', stop: () => translation!.stop() });
  }
  // Every reaction (KPIs, price history, translation of stored messages) is wired here, once,
  // before any role can write, with the configured settings (performance, prices).
  // The language model for chat facts the rules cannot read (FACTS_LLM=on; the OpenAI settings).
  const factsModel = config.facts.llm ? createFactsModel(config.translation.openai) : undefined;
  wireReactions(events, { settings: config, translation, factsModel });

  if (roles.has('server')) {
    await ensureConsoleAdmin(config);
    const http = await startServer(config, { translation });
    running.push({ name: 'server', stop: () => http.close() });
    console.log(`Gendan console on ${http.url}/console/ · API health ${http.url}/healthz · OpenAPI ${http.url}/openapi.json`);
  }

  let botRef: Bot | undefined;
  if (roles.has('bot')) {
    // Translation runs beside the mirror: storing never waits for it; a backlog job picks up
    // whatever a provider outage left pending.
    const tr = translation!;
    const seeded = await tr.seedPhrasebook();
    if (seeded) log.info({ entries: seeded }, 'phrasebook loaded into translation memory');
    const stopBacklog = tr.startBacklog(60_000);
    running.push({ name: 'translation backlog', stop: async () => stopBacklog() });
    const sandbox = config.bot.sandbox ? createSandbox() : undefined;
    const mirror = createMirror({ events });
    let bot: Bot | undefined;
    const onCommand = commandListener({ translation: tr, weights: config.performance.weights, messenger: () => bot!.messenger });
    // Messages that arrive while the database is away wait on disk (DATA_DIR/spool) until stored.
    const spoolPath = join(config.db.dataDir, 'spool', `mirror-${config.db.name}-${config.bot.name}.jsonl`);
    bot = createBot({ config, puppet: sandbox?.puppet as never, mirror, onCommand, spoolPath });
    botRef = bot;
    await bot.start();
    running.push({ name: 'bot', stop: () => bot.stop() });
    if (sandbox) {
      console.log(SANDBOX_BANNER);
      await registerSandboxManager(sandbox, sandboxLanguages(config.translation.managerLangs));
      await seedSandboxSuppliers(sandbox);
      sandbox.login();
      await bot.ready();
      playDemo(sandbox);
      // On a terminal, or with lines piped in (`tail -f lines.txt | npm start`): the prompt, and
      // what the bot says in the simulated WeChat printed beside it.
      if (promptWanted()) {
        const stopEcho = echoBotMessages(sandbox);
        const close = startPrompt(sandbox);
        running.push({ name: 'sandbox prompt', stop: async () => (close(), stopEcho()) });
      }
    }
  }

  // Notices: the bot process delivers the outbox (paced, retried); the scheduler fills it.
  let delivery: DeliveryWorker | undefined;
  if (botRef) delivery = createDeliveryWorker({ messenger: botRef.messenger, pacing: config.notices });
  if (roles.has('scheduler')) {
    const scheduler = await createScheduler({ settings: config, delivery, backup: { dir: config.backup.dir, keepDays: config.backup.keepDays, uploadDir: config.server.uploadDir } });
    await scheduler.start();
    running.push({ name: 'scheduler', stop: () => scheduler.stop() });
  } else if (delivery) {
    delivery.start(1000);
    running.push({ name: 'delivery', stop: () => delivery!.stop() });
  }

  log.info({ roles: [...roles], db: config.db.name }, 'gendan started');
}

main().catch((err) => {
  log.fatal({ err }, 'start failed');
  console.error(err);
  process.exit(1);
});
