// The composition root: builds every part from config and runs the roles asked for.
// `npm start` runs all roles in one process on embedded defaults; `--roles server,bot` picks.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadDotEnv, type Config } from '../shared/config/index.js';
import { getLogger } from '../shared/log/index.js';
import { EmbeddedDbError, ensureIndexes, openDatabase, type Database } from '../shared/db/index.js';
import '../shared/models.js';

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

async function main() {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const roles = parseRoles();
  const running: Stoppable[] = [];

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
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
  await ensureIndexes();
  if (db.embedded) {
    log.info({ dataDir: db.embedded.dataDir, uri: db.uri }, `embedded database serving; data lives in ${db.embedded.dataDir}`);
    if (roles.size === 1 && roles.has('db')) {
      console.log(`MONGODB_URI=${db.uri}  (database ${db.name}; other roles may use it)`);
    }
  }

  log.info({ roles: [...roles] }, 'gendan started');
}

main().catch((err) => {
  log.fatal({ err }, 'start failed');
  console.error(err);
  process.exit(1);
});
