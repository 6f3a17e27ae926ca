// Agenda, constructed only after the database is connected, with every job defined here.
// Several processes may run it: Agenda locks jobs (atomic on MongoDB, and on the embedded
// engine behind its one-request front), and every job is idempotent anyway (notice keys).
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import mongoose from 'mongoose';
import { getLogger } from '../log/index.js';
import { metrics } from '../metrics/index.js';
import { scheduledBackup, type ScheduledBackupSettings } from '../db/backup.js';
import { raiseAlert } from '../health/index.js';
import type { Config } from '../config/index.js';
import { pruneNotices, type DeliveryWorker } from '../notices/index.js';
import { pruneAuthRecords } from '../auth/index.js';
import { pruneSessions } from '../managers/accounts.js';
import { pruneLinkRecords } from '../managers/link.js';
import { pruneIdempotencyKeys, reconcileOrderIndexes, reconcileScanFields } from '../orders/index.js';
import { escalateUnanswered, proposeSegments, reconcileKpis } from '../performance/index.js';
import { sendWeeklyReports } from '../reports/weekly.js';
import { scanClaimAnswersOverdue, scanClaimReminders } from '../claims/index.js';
import { scanAlerts, scanCustoms, scanOverdue, scanPreShipment, scanReadiness, scanUndated } from './rules.js';

export * from './rules.js';

const log = getLogger('scheduler');

export const JOBS = {
  overdue: 'overdue-scan',
  undated: 'undated-scan',
  preShipment: 'pre-shipment-scan',
  customs: 'customs-scan',
  alerts: 'alerts-scan',
  upkeep: 'nightly-upkeep',
  escalate: 'unanswered-escalation',
  kpi: 'nightly-kpi',
  weeklyReports: 'weekly-reports',
  claimReminders: 'claim-reminders',
  backup: 'nightly-backup',
} as const;

export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** How often each periodic job runs (Agenda interval strings). */
export const JOB_INTERVALS: Record<JobName, string> = {
  [JOBS.overdue]: '15 minutes',
  [JOBS.undated]: '1 hour',
  [JOBS.preShipment]: '1 hour',
  [JOBS.customs]: '1 minute',
  [JOBS.alerts]: '1 minute',
  [JOBS.upkeep]: '1 day',
  [JOBS.escalate]: '5 minutes',
  [JOBS.kpi]: '1 day',
  [JOBS.weeklyReports]: '1 hour',
  [JOBS.claimReminders]: '1 hour',
  [JOBS.backup]: '30 2 * * *', // cron: 02:30 server time
};

/**
 * The follow-up checks a person may run at once (console "Run checks now", the sandbox's
 * `checks`) instead of waiting for their interval: the overdue, "needs a date", pre-shipment
 * and customs scans.
 */
export const CHECKS_NOW: readonly JobName[] = [JOBS.overdue, JOBS.undated, JOBS.preShipment, JOBS.customs];

/** Agenda instances that only enqueue (never started, never process), one per database. */
const enqueuers = new WeakMap<object, Agenda>();

/**
 * Ask for jobs to run now, in whichever process runs the scheduler (this one or another): an
 * Agenda job of that name, due now, so the job's own code runs as on its interval, locked
 * like any run. One run-now record per job name, moved to now on each request (asking twice
 * before it ran runs it once). Resolves once queued, not once run (`Scheduler.idle()` waits).
 */
export async function runJobsNow(names: readonly JobName[], connection: mongoose.Connection = mongoose.connection): Promise<{ queued: JobName[]; at: Date }> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) throw new Error('connect the database before asking for a job');
  let agenda = enqueuers.get(db);
  if (!agenda) {
    agenda = new Agenda({ backend: new MongoBackend({ mongo: db as never, collection: 'agendaJobs' }), name: `gendan-enqueue-${process.pid}` } as never);
    enqueuers.set(db, agenda);
  }
  await agenda.ready;
  const at = new Date();
  // The upsert also clears the lock of a run-now record still running: that job may then run
  // twice at once, which the scans allow (their notice keys carry the event and the day).
  for (const name of names) {
    await agenda.create(name, { runNow: true }).unique({ 'data.runNow': true }).schedule(at).save();
  }
  log.info({ jobs: names }, 'jobs asked to run now');
  return { queued: [...names], at };
}

export interface SchedulerOptions {
  /** Settings of the jobs (KPIs, escalation, report scorecards): the configuration's. */
  settings: Pick<Config, 'performance'>;
  /** A connected mongoose connection (default: the global one). Agenda uses its driver db. */
  connection?: mongoose.Connection;
  clock?: () => Date;
  /** Periodic jobs this process schedules (default all); every process can still run them all. */
  jobs?: JobName[];
  /** Bound on agenda.stop() (it once hung a test run). */
  stopTimeoutMs?: number;
  /** Only the bot process delivers notices: give it the delivery worker. */
  delivery?: DeliveryWorker;
  /** How often Agenda looks for due jobs (ms; a number, not a string — docs/database.md). */
  processEvery?: number;
  name?: string;
  /** Nightly backups (npm start gives the configured ones); without it the job is not scheduled. */
  backup?: ScheduledBackupSettings;
}

export interface Scheduler {
  agenda: Agenda;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Resolves once no job is due or running in any process (every job asked for so far has run
   * to its end), then once the delivery worker, if any, has had a whole tick after that. Tests
   * assert "nothing else happened" after it. Bounded: rejects after `timeoutMs`.
   */
  idle(timeoutMs?: number): Promise<void>;
}

export async function createScheduler(opts: SchedulerOptions): Promise<Scheduler> {
  const { performance } = opts.settings;
  const conn = opts.connection ?? mongoose.connection;
  const db = conn.db;
  if (!db || conn.readyState !== 1) throw new Error('connect the database before creating the scheduler');
  const clock = opts.clock ?? (() => new Date());
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db as never, collection: 'agendaJobs' }),
    processEvery: opts.processEvery ?? 5000,
    name: opts.name ?? `gendan-${process.pid}`,
    defaultLockLifetime: 5 * 60_000,
  } as never);

  const job = (name: string, fn: () => Promise<unknown>) =>
    agenda.define(name, async () => {
      metrics.jobRuns.inc({ job: name });
      try {
        const r = await fn();
        log.debug({ job: name, result: r }, 'job done');
      } catch (err) {
        metrics.jobFailures.inc({ job: name });
        log.error({ err, job: name }, 'job failed');
        throw err;
      }
    });
  job(JOBS.overdue, () => scanOverdue(clock()));
  job(JOBS.undated, () => scanUndated(clock()));
  job(JOBS.preShipment, async () => ({ asked: await scanPreShipment(clock()), silent: await scanReadiness(clock()) }));
  job(JOBS.customs, () => scanCustoms(clock()));
  job(JOBS.alerts, () => scanAlerts(clock()));
  // No TTL indexes on the embedded engine: old keys and codes are removed by a job, and the
  // suppliers' order lists are reconciled with the orders.
  job(JOBS.upkeep, async () => {
    const now = clock();
    return {
      keys: await pruneIdempotencyKeys(new Date(now.getTime() - 7 * 86_400_000)),
      auth: await pruneAuthRecords(now),
      orderLists: await reconcileOrderIndexes(),
      scanFields: await reconcileScanFields(),
      notices: await pruneNotices(new Date(now.getTime() - 90 * 86_400_000)),
      consoleSessions: await pruneSessions(now),
      wechatLinks: await pruneLinkRecords(now),
    };
  });

  job(JOBS.escalate, () => escalateUnanswered(clock(), performance.escalateAfterMin));
  // Last week's report to each manager, once (the job runs hourly; keys make it once).
  job(JOBS.weeklyReports, () => sendWeeklyReports(clock(), performance.weights));
  job(JOBS.claimReminders, async () => (await scanClaimReminders(clock())) + (await scanClaimAnswersOverdue(clock())));
  // KPIs are kept current by increments; once a night they are recomputed from the data (repairs
  // anything a crash or a failed increment left), then segment proposals are made.
  job(JOBS.kpi, async () => {
    const now = clock();
    const t = Date.now();
    const r = await reconcileKpis({ settings: performance, now });
    return { ...r, ms: Date.now() - t, proposals: await proposeSegments(performance.weights, now) };
  });

  // A logical backup into BACKUP_DIR, kept BACKUP_KEEP_DAYS; a failure raises an alert for the
  // managers (like a bot logout) and fails the job.
  job(JOBS.backup, async () => {
    if (!opts.backup) return { skipped: 'no backup settings' };
    const now = clock();
    try {
      const r = await scheduledBackup(db, opts.backup, now);
      return { path: r.path, ms: r.ms, pruned: r.pruned, documents: r.manifest.collections.reduce((a, c) => a + c.count, 0) };
    } catch (err) {
      await raiseAlert(`backup_failed:${now.toISOString().slice(0, 10)}`, 'backup_failed', `The nightly backup into ${opts.backup.dir} failed: ${(err as Error).message}`, now).catch(() => undefined);
      throw err;
    }
  });

  return {
    agenda,
    async start() {
      await agenda.start();
      const all = (Object.values(JOBS) as JobName[]).filter((n) => n !== JOBS.backup || opts.backup);
      for (const name of opts.jobs ?? all) await agenda.every(JOB_INTERVALS[name], name);
      // Delivering the outbox is not an Agenda job: it runs in the bot process only (it holds
      // the WeChat login), on its own loop that wakes when pacing allows a send — pacing needs
      // sub-second timing and Agenda polls every few seconds. It idles 1 s between polls.
      opts.delivery?.start(1000);
    },
    async idle(timeoutMs = 20_000) {
      const jobs = db.collection('agendaJobs');
      const end = Date.now() + timeoutMs;
      // Due (not yet taken) or locked (running): Agenda's own records, shared by every process.
      const busy = () => jobs.countDocuments({ $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $ne: null, $lte: new Date() }, disabled: { $ne: true } }] });
      while ((await busy()) > 0) {
        if (Date.now() > end) throw new Error(`scheduler not idle within ${timeoutMs} ms`);
        await new Promise((ok) => setTimeout(ok, 25));
      }
      await opts.delivery?.idle();
    },
    async stop() {
      await opts.delivery?.stop();
      // agenda.stop() once hung a test run here: bounded.
      await Promise.race([agenda.stop(), new Promise((ok) => setTimeout(ok, opts.stopTimeoutMs ?? 10_000).unref())]).catch(() => undefined);
    },
  };
}
