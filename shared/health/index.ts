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
