// Agenda, constructed only after the database is connected, with every job defined here.
// Several processes may run it: Agenda locks jobs (atomic on MongoDB, and on the embedded
// engine behind its one-request front), and every job is idempotent anyway (notice keys).
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import mongoose from 'mongoose';
import { getLogger } from '../log/index.js';
import type { DeliveryWorker } from '../notices/index.js';
import { pruneAuthRecords } from '../auth/index.js';
import { pruneIdempotencyKeys, reconcileOrderIndexes } from '../orders/index.js';
import { scanAlerts, scanCustoms, scanOverdue, scanPreShipment } from './rules.js';

export * from './rules.js';

const log = getLogger('scheduler');

export const JOBS = {
  overdue: 'overdue-scan',
  preShipment: 'pre-shipment-scan',
  customs: 'customs-scan',
  alerts: 'alerts-scan',
  upkeep: 'nightly-upkeep',
} as const;

export interface SchedulerOptions {
  clock?: () => Date;
  /** Only the bot process delivers notices: give it the delivery worker. */
  delivery?: DeliveryWorker;
  /** How often Agenda looks for due jobs (ms; a number, not a string — DATABASE.md). */
  processEvery?: number;
  name?: string;
}

export interface Scheduler {
  agenda: Agenda;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createScheduler(opts: SchedulerOptions = {}): Promise<Scheduler> {
  const db = mongoose.connection.db;
  if (!db || mongoose.connection.readyState !== 1) throw new Error('connect the database before creating the scheduler');
  const clock = opts.clock ?? (() => new Date());
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db as never, collection: 'agendaJobs' }),
    processEvery: opts.processEvery ?? 5000,
    name: opts.name ?? `gendan-${process.pid}`,
    defaultLockLifetime: 5 * 60_000,
  } as never);

  const job = (name: string, fn: () => Promise<unknown>) =>
    agenda.define(name, async () => {
      try {
        const r = await fn();
        log.debug({ job: name, result: r }, 'job done');
      } catch (err) {
        log.error({ err, job: name }, 'job failed');
        throw err;
      }
    });
  job(JOBS.overdue, () => scanOverdue(clock()));
  job(JOBS.preShipment, () => scanPreShipment(clock()));
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
    };
  });

  return {
    agenda,
    async start() {
      await agenda.start();
      await agenda.every('15 minutes', JOBS.overdue);
      await agenda.every('1 hour', JOBS.preShipment);
      await agenda.every('1 minute', JOBS.customs);
      await agenda.every('1 minute', JOBS.alerts);
      await agenda.every('1 day', JOBS.upkeep);
      // Delivery runs in the bot process only, on its own 1 s tick: pacing needs seconds,
      // and Agenda polls every few.
      opts.delivery?.start(1000);
    },
    async stop() {
      await opts.delivery?.stop();
      // agenda.stop() once hung a test run here: bounded.
      await Promise.race([agenda.stop(), new Promise((ok) => setTimeout(ok, 10_000).unref())]).catch(() => undefined);
    },
  };
}
