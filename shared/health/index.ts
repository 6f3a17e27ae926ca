// Bot health: lifecycle events recorded with time, the state read back for /healthz, and alert
// records raised on logout (delivered by the notices outbox).
import mongoose from 'mongoose';
import { getLogger } from '../log/index.js';
import { Alert, BotEvent } from './model.js';

export { Alert, BotEvent };

const log = getLogger('health');

export type BotEventType = 'scan' | 'login' | 'ready' | 'logout' | 'error' | 'start' | 'stop';
export type BotState = 'starting' | 'waiting_for_scan' | 'logged_in' | 'ready' | 'logged_out' | 'stopped' | 'unknown';

const STATE_OF: Record<BotEventType, BotState | undefined> = {
  start: 'starting',
  scan: 'waiting_for_scan',
  login: 'logged_in',
  ready: 'ready',
  logout: 'logged_out',
  stop: 'stopped',
  error: undefined, // an error does not change the state by itself
};

export async function recordBotEvent(bot: string, type: BotEventType, at: Date, extra: { user?: string; detail?: string } = {}): Promise<void> {
  await BotEvent.create({ bot, type, at, ...extra });
}

export async function raiseAlert(key: string, kind: string, text: string, at: Date): Promise<void> {
  await Alert.updateOne({ key }, { $setOnInsert: { kind, text, at, status: 'open' } }, { upsert: true }).catch((err) => {
    if ((err as { code?: number }).code !== 11000) throw err;
  });
}

export interface BotHealth {
  bot: string;
  state: BotState;
  since?: Date;
  user?: string;
  lastError?: { at: Date; detail?: string };
}

/** The bot's state from its recorded events (works from any process). */
export async function getBotHealth(bot: string): Promise<BotHealth> {
  const events = await BotEvent.find({ bot }).sort({ at: -1, _id: -1 }).limit(20).lean<{ type: BotEventType; at: Date; user?: string; detail?: string }[]>();
  const last = events.find((e) => STATE_OF[e.type]);
  const err = events.find((e) => e.type === 'error');
  return {
    bot,
    state: last ? STATE_OF[last.type]! : 'unknown',
    since: last?.at,
    user: events.find((e) => e.type === 'login')?.user,
    lastError: err ? { at: err.at, detail: err.detail } : undefined,
  };
}

export async function dbHealthy(): Promise<boolean> {
  try {
    await mongoose.connection.db?.admin().ping();
    return mongoose.connection.readyState === 1;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'database ping failed');
    return false;
  }
}

// ---- system alerts: held in the process (the database may be the thing that is down) ----------

export interface SystemAlert {
  key: string;
  kind: string;
  text: string;
  since: Date;
}

const systemAlerts = new Map<string, SystemAlert>();

/** Raise an alert held in this process (shown by /healthz); once per key until cleared. */
export function raiseSystemAlert(key: string, kind: string, text: string, at = new Date()): void {
  if (systemAlerts.has(key)) return;
  systemAlerts.set(key, { key, kind, text, since: at });
  log.error({ key, kind }, text);
}

/** Clear it; true when it was open. */
export function clearSystemAlert(key: string): boolean {
  const had = systemAlerts.delete(key);
  if (had) log.info({ key }, 'alert cleared');
  return had;
}

export function openSystemAlerts(): SystemAlert[] {
  return [...systemAlerts.values()];
}

/** What the embedded database's supervisor says (shared/db SupervisionEvent, structurally). */
type SupervisionEvent =
  { state: 'down'; part: string; detail: string; at: Date } | { state: 'recovered'; ms: number; attempts: number; at: Date } | { state: 'failed'; detail: string; attempts: number; at: Date };

export const DB_ALERT_KEY = 'db_down';

/**
 * Alerts from the embedded database's supervisor: raised when a part dies, cleared when it
 * serves again (then one Alert record tells the managers, through the outbox, what happened),
 * and `onFailed` when it gave up (the composition root exits non-zero, so systemd or Docker
 * restarts the whole thing).
 */
export function watchDatabase(db: { onSupervision(l: (e: SupervisionEvent) => void): () => void }, onFailed: (detail: string) => void): () => void {
  let downSince: Date | undefined;
  let what = '';
  return db.onSupervision((e) => {
    if (e.state === 'down') {
      downSince ??= e.at;
      what = what ? `${what}; ${e.detail}` : e.detail;
      raiseSystemAlert(DB_ALERT_KEY, 'db_down', `The embedded database is down (${e.detail}); restarting it.`, e.at);
    } else if (e.state === 'recovered') {
      clearSystemAlert(DB_ALERT_KEY);
      const since = downSince ?? e.at;
      const text = `The embedded database was down for ${Math.round(e.ms / 100) / 10} s (${what}) and was restarted; messages that arrived meanwhile were kept and stored.`;
      downSince = undefined;
      what = '';
      raiseAlert(`db_outage:${since.toISOString()}`, 'db_outage', text, e.at).catch((err) => log.warn({ err: (err as Error).message }, 'db outage alert not recorded'));
    } else {
      raiseSystemAlert(DB_ALERT_KEY, 'db_down', `The embedded database could not be restarted after ${e.attempts} attempts: ${e.detail}`, e.at);
      onFailed(e.detail);
    }
  });
}
