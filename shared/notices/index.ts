// Notices: an outbox of texts for WeChat chats. Enqueued once per event and day (unique key),
// delivered by the bot process only, paced per chat and per account, deferred past quiet hours
// and (for supplier reminders) Chinese public holidays, retried with backoff, then failed and
// visible. A worker killed mid-send never causes a second send: see sweepInterrupted().
import { randomUUID } from 'node:crypto';
import chineseDays from 'chinese-days';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import { isDuplicateKey, NotFoundError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import type { Messenger } from '../messenger.js';
import { Notice, ScanState, type NoticeDoc } from './model.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export { Notice, OverdueWatch, ScanState, NOTICE_KINDS, type NoticeDoc, type NoticeKind } from './model.js';
export * from './texts.js';

const log = getLogger('notices');

export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

/** A Chinese public holiday (not a plain weekend: factories often work Saturdays). */
export function isChinesePublicHoliday(day: string): boolean {
  try {
    const d = chineseDays.getDayDetail(day);
    return !d.work && d.name.includes(',');
  } catch {
    return false; // outside the library's years: no holiday known
  }
}

/**
 * The earliest moment at or after `at` when this notice may be sent: not in the recipient's
 * night (22:00–08:00 local) and, for supplier reminders, not on a Chinese public holiday.
 */
export function deliverableFrom(at: Date, tz: string, opts: { respectHolidays: boolean }): Date {
  let t = dayjs(at).tz(tz);
  for (let i = 0; i < 60; i++) {
    const h = t.hour();
    if (h >= QUIET_FROM_HOUR) {
      t = t.add(1, 'day').hour(QUIET_UNTIL_HOUR).minute(0).second(0).millisecond(0);
      continue;
    }
    if (h < QUIET_UNTIL_HOUR) {
      t = t.hour(QUIET_UNTIL_HOUR).minute(0).second(0).millisecond(0);
      continue;
    }
    if (opts.respectHolidays && isChinesePublicHoliday(t.format('YYYY-MM-DD'))) {
      t = t.add(1, 'day').hour(9).minute(0).second(0).millisecond(0);
      continue;
    }
    return t.toDate();
  }
  return t.toDate();
}

export type NewNotice = Pick<NoticeDoc, 'key' | 'kind' | 'to' | 'recipient' | 'text' | 'orderId'>;

/** Add a notice unless one with the same key exists. Returns true when it was new. */
export async function enqueueNotice(n: NewNotice, now: Date): Promise<boolean> {
  const tz = n.recipient.timezone ?? (n.recipient.kind === 'supplier' ? 'Asia/Shanghai' : 'UTC');
  // A message a person asked to send (a /reply) goes now; generated notices wait for the day.
  const notBefore = n.kind === 'message' ? now : deliverableFrom(now, tz, { respectHolidays: n.recipient.kind === 'supplier' });
  try {
    const r = await Notice.updateOne(
      { key: n.key },
      { $setOnInsert: { ...n, recipient: { ...n.recipient, timezone: tz }, status: 'queued', attempts: 0, notBefore, createdAt: now } },
      { upsert: true },
    );
    return r.upsertedCount === 1;
  } catch (err) {
    if (isDuplicateKey(err)) return false; // the same event enqueued concurrently
    throw err;
  }
}

export async function listNotices(status: 'queued' | 'sending' | 'sent' | 'failed', limit = 100): Promise<NoticeDoc[]> {
  return Notice.find({ status }).sort({ notBefore: -1 }).limit(limit).lean<NoticeDoc[]>();
}

/** Put a failed notice back in the queue (console's retry button). */
export async function retryNotice(id: string, now: Date): Promise<void> {
  const r = await Notice.updateOne({ _id: id, status: 'failed' }, { $set: { status: 'queued', attempts: 0, notBefore: now }, $unset: { lastError: 1, owner: 1 } });
  if (r.matchedCount !== 1) throw new NotFoundError('no failed notice with that id');
}

export interface Pacing {
  /** Minimum gap between two sends into the same chat. */
  perChatMs: number;
  /** Sends per rolling minute for the whole account. */
  perAccountPerMin: number;
  /** The account window (default one minute; benchmarks use a shorter one). */
  windowMs?: number;
}

export interface DeliveryOptions {
  messenger: Messenger;
  pacing?: Pacing;
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** A claim older than this is an interrupted send (the worker died). */
  leaseMs?: number;
}

export interface DeliveryWorker {
  /** Deliver what may be sent at `now`; returns how many were sent. Never throws. */
  tick(now: Date): Promise<number>;
  /** Run tick() every `everyMs` on the real clock until stopped. */
  start(everyMs?: number): void;
  stop(): Promise<void>;
}

export function createDeliveryWorker(opts: DeliveryOptions): DeliveryWorker {
  const pacing = opts.pacing ?? { perChatMs: 1000, perAccountPerMin: 40 };
  const maxAttempts = opts.maxAttempts ?? 5;
  const base = opts.baseBackoffMs ?? 30_000;
  const leaseMs = opts.leaseMs ?? 120_000;
  const owner = randomUUID();
  const lastPerChat = new Map<string, number>();
  const sentAt: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  /**
   * A notice left 'sending' by a worker that died: it may or may not have reached WeChat, and
   * WeChat has no idempotency key, so it is NOT resent automatically (that could send twice).
   * It is marked failed with the reason, visible in the console with a retry button.
   */
  async function sweepInterrupted(now: Date) {
    const stuck = await Notice.find({ status: 'sending' }).lean<NoticeDoc[]>();
    for (const n of stuck) {
      if (n.sendingSince && now.getTime() - n.sendingSince.getTime() > leaseMs) {
        await Notice.updateOne(
          { _id: n._id, status: 'sending', owner: n.owner },
          { $set: { status: 'failed', lastError: 'interrupted while sending: it may have been delivered; not resent automatically' } },
        );
        log.warn({ noticeId: String(n._id) }, 'notice interrupted mid-send marked failed');
      }
    }
  }

  async function once(now: Date): Promise<number> {
    if (!opts.messenger.isReady()) return 0; // nothing before login + ready; the queue waits
    await sweepInterrupted(now);
    const t = now.getTime();
    const windowMs = pacing.windowMs ?? 60_000;
    while (sentAt.length && sentAt[0]! <= t - windowMs) sentAt.shift();
    const due = (await Notice.find({ status: 'queued' }).sort({ notBefore: 1, createdAt: 1 }).limit(200).lean<NoticeDoc[]>()).filter((n) => n.notBefore.getTime() <= t);
    let sent = 0;
    for (const n of due) {
      if (sentAt.length >= pacing.perAccountPerMin) break;
      const last = lastPerChat.get(n.to);
      if (last !== undefined && t - last < pacing.perChatMs) continue;
      const claim = await Notice.updateOne({ _id: n._id, status: 'queued' }, { $set: { status: 'sending', owner, sendingSince: now } });
      if (claim.modifiedCount !== 1) continue; // another worker has it
      lastPerChat.set(n.to, t);
      sentAt.push(t);
      try {
        await opts.messenger.sendText(n.to, n.text);
        await Notice.updateOne({ _id: n._id, owner }, { $set: { status: 'sent', sentAt: now }, $inc: { attempts: 1 } });
        sent++;
      } catch (err) {
        const attempts = n.attempts + 1;
        const msg = (err as Error).message.slice(0, 300);
        if (attempts >= maxAttempts) {
          await Notice.updateOne({ _id: n._id, owner }, { $set: { status: 'failed', lastError: msg, attempts } });
          log.error({ noticeId: String(n._id), err: msg }, 'notice failed for good');
        } else {
          const wait = base * 2 ** (attempts - 1) * (0.75 + Math.random() / 2);
          await Notice.updateOne({ _id: n._id, owner }, { $set: { status: 'queued', lastError: msg, attempts, notBefore: new Date(t + wait) } });
          log.warn({ noticeId: String(n._id), err: msg, attempts }, 'notice send failed; will retry');
        }
      }
    }
    return sent;
  }

  async function tick(now: Date): Promise<number> {
    while (running) await running.catch(() => 0);
    running = once(now).catch((err) => {
      log.error({ err }, 'delivery tick failed');
      return 0;
    });
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  return {
    tick,
    start(everyMs = 1000) {
      timer ??= setInterval(() => void tick(new Date()), everyMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      while (running) await running.catch(() => 0);
    },
  };
}

/** Last value of a named scan (e.g. the last day the overdue scan covered). */
export async function getScanState(id: string): Promise<string | undefined> {
  return (await ScanState.findOne({ _id: id }).lean<{ day?: string }>())?.day;
}
export async function setScanState(id: string, day: string, now: Date): Promise<void> {
  await ScanState.updateOne({ _id: id }, { $set: { day, at: now } }, { upsert: true });
}

