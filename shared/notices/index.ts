// Notices: an outbox of texts for WeChat chats. Enqueued once per event and day (unique key),
// delivered by the bot process only, paced per chat and per account, deferred past quiet hours
// and (for supplier reminders) Chinese public holidays, retried with backoff, then failed and
// visible.
//
// Once-only delivery (docs/reliability.md 5–7, 20). WeChat has no idempotency key, so after a crash
// between "claimed" and "recorded as sent" nobody can ask WeChat whether the text went out.
// We choose AT MOST ONCE, and recover what is knowable:
//   1. a claim is a guarded update (queued -> sending, owner, claim number) PLUS a unique insert
//      of the send key `<notice id>:<claim>` into NoticeSend before the messenger is called —
//      two workers (two bot processes, an Agenda job run twice, a front-less engine) can never
//      both send the same claim;
//   2. a claim left 'sending' past its lease (the worker died or the send timed out) is checked
//      against the mirror: the bot records its own outgoing messages, so a matching outgoing
//      message in that chat since the claim means it WAS delivered -> 'sent' (confirmedBy
//      'mirror'); otherwise it is marked 'failed' with the reason, never resent automatically,
//      and shown in the console (listFailedNotices / retryNotice) for a person to decide.
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { isDuplicateKey, msg, NotFoundError } from '../errors/index.js';
import { Manager } from '../managers/model.js';
import { getLogger } from '../log/index.js';
import { createCache } from '../cache/index.js';
import { metrics } from '../metrics/index.js';
import { retry } from '../retry/index.js';
import type { Messenger } from '../messenger.js';
import { touchThread } from '../live/index.js';
import { Message, Thread } from '../threads/model.js';
import { deliverableFrom, respectsHolidays, safeZone, URGENT_FOR_MANAGER, workingFrom } from './calendar.js';
import { Notice, NoticeFile, NoticeSend, ScanState, type NoticeDoc, type NoticeStatus } from './model.js';
import { backoffMs, createPacer, type Pacing } from './pacing.js';

export { Notice, NoticeFile, NoticeSend, OverdueWatch, ScanState, NOTICE_KINDS, NOTICE_STATUSES, type NoticeDoc, type NoticeKind, type NoticeStatus, type NoticeSendDoc } from './model.js';
export * from './texts.js';
export * from './calendar.js';
export * from './pacing.js';
export * from './visible.js';

const log = getLogger('notices');

const defaultZone = (kind: 'supplier' | 'manager') => (kind === 'supplier' ? 'Asia/Shanghai' : 'UTC');

export type NewNotice = Pick<NoticeDoc, 'key' | 'kind' | 'to' | 'recipient' | 'text' | 'orderId' | 'topic'> &
  Partial<Pick<NoticeDoc, 'original' | 'by' | 'fileId'>> & {
    /** Not before this (a batch's next slot); quiet hours still apply after it. */
    notBefore?: Date;
  };

/** `at`, or the manager's next working start when `at` is outside their working hours (none set: `at`). */
async function managerWorkingFrom(id: string, at: Date, tz: string): Promise<Date> {
  if (!Types.ObjectId.isValid(id)) return at;
  let h = workingHoursOf.get(id);
  if (h === undefined) {
    const m = await Manager.findOne({ _id: new Types.ObjectId(id) }, { workingHours: 1 }).lean<{ workingHours?: { from?: string | null; to?: string | null } | null }>();
    h = m?.workingHours?.from && m.workingHours.to ? { from: m.workingHours.from, to: m.workingHours.to } : false;
    workingHoursOf.set(id, h);
  }
  return h ? workingFrom(at, tz, h) : at;
}
/** Managers' working hours, read at most every few seconds per manager (a burst of notices reads once). */
const workingHoursOf = createCache<string, { from: string; to: string } | false>('notices.workingHours', { max: 1000, ttl: 5_000 });

/**
 * Add a notice unless one with the same key exists (upsert by key, `$setOnInsert`). Returns true
 * when it was new. Of several due notices with one `topic`, the worker sends only the newest:
 * after days offline or a holiday week, a supplier gets today's reminder, not eight.
 */
export async function enqueueNotice(n: NewNotice, now: Date): Promise<boolean> {
  const tz = safeZone(n.recipient.timezone, defaultZone(n.recipient.kind));
  // A message a person asked to send (a /reply) goes now; generated notices wait for the day.
  let from = n.notBefore && n.notBefore > now ? n.notBefore : now;
  // A manager's notice outside their working hours waits for their next working start (not the urgent kinds).
  if (n.recipient.kind === 'manager' && !URGENT_FOR_MANAGER.has(n.kind)) from = await managerWorkingFrom(n.recipient.id ?? '', from, tz);
  const notBefore = n.kind === 'message' ? from : deliverableFrom(from, tz, { respectHolidays: respectsHolidays(n.kind, n.recipient) });
  let created: boolean;
  try {
    const r = await Notice.updateOne(
      { key: n.key },
      { $setOnInsert: { ...n, recipient: { ...n.recipient, timezone: tz }, status: 'queued', attempts: 0, claims: 0, notBefore, createdAt: now } },
      { upsert: true },
    );
    created = r.upsertedCount === 1;
  } catch (err) {
    if (isDuplicateKey(err)) return false; // the same event enqueued concurrently
    throw err;
  }
  return created;
}

/**
 * Cancel an order's queued notices that `match` (e.g. overdue reminders once the milestone was
 * updated). Claimed or sent ones are left alone. Returns how many were cancelled.
 */
export async function cancelQueuedNotices(orderId: Types.ObjectId, match: (n: NoticeDoc) => boolean, reason: string): Promise<number> {
  const queued = await Notice.find({ orderId, status: 'queued' }).lean<NoticeDoc[]>();
  let n = 0;
  for (const q of queued.filter(match)) {
    const r = await Notice.updateOne({ _id: q._id, status: 'queued' }, { $set: { status: 'cancelled', lastError: reason } });
    n += r.modifiedCount;
  }
  return n;
}

export async function listNotices(status: NoticeStatus, limit = 100): Promise<NoticeDoc[]> {
  return Notice.find({ status }).sort({ notBefore: -1 }).limit(limit).lean<NoticeDoc[]>();
}

/** Notices that failed for good (after retries, or interrupted mid-send): for the console. */
export const listFailedNotices = (limit = 100) => listNotices('failed', limit);

/** Put a failed notice back in the queue (the console's retry button: a person decided). */
export async function retryNotice(id: string, now: Date): Promise<void> {
  const r = await Notice.updateOne({ _id: id, status: 'failed' }, { $set: { status: 'queued', attempts: 0, notBefore: now }, $unset: { lastError: 1, owner: 1, sendingSince: 1 } });
  if (r.matchedCount !== 1) throw new NotFoundError(msg('noFailedNotice'));
}

/** Remove finished notices and send records older than `before` (no TTL indexes: a job calls this). */
export async function pruneNotices(before: Date): Promise<{ notices: number; sends: number }> {
  let notices = 0;
  for (const status of ['sent', 'cancelled'] as const) {
    notices += (await Notice.deleteMany({ status, createdAt: { $lt: before } })).deletedCount ?? 0;
  }
  const sends = (await NoticeSend.deleteMany({ at: { $lt: before } })).deletedCount ?? 0;
  await NoticeFile.deleteMany({ createdAt: { $lt: before } });
  return { notices, sends };
}

export interface DeliveryOptions {
  messenger: Messenger;
  /** The clock of the start() loop (tests call tick(now) with their own time instead). */
  clock?: () => Date;
  /** Per chat and per account (config.notices: NOTICE_PER_CHAT_MS, NOTICE_PER_MINUTE). */
  pacing: Pacing;
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** A claim older than this is an interrupted send (the worker died or the send hung). */
  leaseMs?: number;
  /** A send that has not answered after this long is left to the lease (outcome unknown). */
  sendTimeoutMs?: number;
  /** Notices read per tick. */
  batch?: number;
}

export interface DeliveryWorker {
  /** Deliver what may be sent at `now`; returns how many were sent. Never throws. */
  tick(now: Date): Promise<number>;
  /** When the last tick said there may be work again (ms since epoch). */
  nextWakeAt(): number;
  /** Deliver on the real clock until stopped: wakes when pacing allows, polls every `idleMs`. */
  start(idleMs?: number): void;
  stop(): Promise<void>;
  /**
   * Resolves after a whole tick that began after the call: every notice queued and due before
   * it has had its turn (sent, deferred by pacing or quiet hours, failed, or taken by another
   * worker). Tests assert "nothing else was sent" after it. Wakes a started loop at once.
   */
  idle(): Promise<void>;
}

class SendTimeout extends Error {}

export function createDeliveryWorker(opts: DeliveryOptions): DeliveryWorker {
  const pacing = opts.pacing;
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 5;
  const base = opts.baseBackoffMs ?? 30_000;
  const leaseMs = opts.leaseMs ?? 120_000;
  const sendTimeoutMs = opts.sendTimeoutMs ?? 30_000;
  const batch = opts.batch ?? 200;
  const windowMs = pacing.windowMs ?? 60_000;
  const owner = randomUUID();
  const pacer = createPacer(pacing);
  let seeded = false;
  let wakeAt = 0;
  let idle = 1000;
  let running: Promise<number> | undefined;
  let loop: Promise<void> | undefined;
  let stopped = true;
  let wakeUp: (() => void) | undefined;

  // Whether a manager recipient is still active, read at most every few seconds per manager.
  const activeCache = new Map<string, { at: number; yes: boolean }>();
  async function managerActive(id: string, t: number): Promise<boolean> {
    const hit = activeCache.get(id);
    if (hit && Math.abs(t - hit.at) < 5_000) return hit.yes;
    const m = Types.ObjectId.isValid(id) ? await Manager.findOne({ _id: id }, { active: 1 }).lean<{ active?: boolean }>() : null;
    const yes = !m || m.active !== false; // an unknown id is not ours to cancel
    if (activeCache.size > 1000) activeCache.clear();
    activeCache.set(id, { at: t, yes });
    return yes;
  }

  /** A restarted worker continues the account's pacing from the sends of the last window. */
  async function seed(t: number) {
    const recent = await NoticeSend.find({ at: { $gte: new Date(t - windowMs), $lte: new Date(t) } }).lean<{ to: string; at: Date }[]>();
    for (const s of recent.sort((a, b) => a.at.getTime() - b.at.getTime())) pacer.record(s.to, s.at.getTime());
    seeded = true;
  }

  /** The bot records what it sends: an outgoing message with this text in this chat since the claim. */
  async function mirroredSince(n: NoticeDoc): Promise<Date | undefined> {
    const thread = await Thread.findOne({ key: n.to }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!thread || !n.sendingSince) return undefined;
    const since = new Date(n.sendingSince.getTime() - 60_000); // clocks of puppet and host differ
    const out = await Message.find({ threadId: thread._id, ts: { $gte: since } }, { direction: 1, text: 1, ts: 1 })
      .sort({ ts: 1 })
      .limit(500)
      .lean<{ direction: string; text?: string; ts: Date }[]>();
    return out.find((m) => m.direction === 'out' && m.text?.trim() === n.text.trim())?.ts;
  }

  async function sweepInterrupted(now: Date) {
    const stuck = await Notice.find({ status: 'sending' }).lean<NoticeDoc[]>();
    for (const n of stuck) {
      if (!n.sendingSince || now.getTime() - n.sendingSince.getTime() <= leaseMs) continue;
      const seen = await mirroredSince(n);
      const guard = { _id: n._id, status: 'sending' as const, sendKey: n.sendKey };
      if (seen) {
        await Notice.updateOne(guard, { $set: { status: 'sent', sentAt: seen, confirmedBy: 'mirror' } });
        log.warn({ noticeId: String(n._id) }, 'interrupted send found delivered in the mirror');
      } else {
        await Notice.updateOne(guard, { $set: { status: 'failed', lastError: 'interrupted while sending: it may have been delivered; not resent automatically' } });
        log.warn({ noticeId: String(n._id) }, 'notice interrupted mid-send marked failed');
      }
    }
  }

  /** A write after a successful send must not be lost to a blip: a few tries, else the lease decides. */
  async function sendFileOf(n: NoticeDoc) {
    if (!opts.messenger.sendFile) throw new Error('this messenger cannot send files');
    const f = await NoticeFile.findOne({ _id: n.fileId }).lean<{ name: string; data: Buffer | { buffer: Buffer } }>();
    if (!f) throw new Error('the file of this notice is gone');
    const data = Buffer.isBuffer(f.data) ? f.data : Buffer.from((f.data as { buffer: Buffer }).buffer);
    return opts.messenger.sendFile(n.to, { name: f.name, data });
  }

  /** Record a send's outcome and mark the chat's thread changed (the console shows it live). */
  async function recordAndTouch(to: string, filter: object, update: object) {
    const r = await record(filter, update);
    await touchThread({ key: to }).catch(() => undefined);
    return r;
  }
  function record(filter: object, update: object) {
    return retry(() => Notice.updateOne(filter, update), { retries: 3, baseMs: 200, maxMs: 1000 });
  }

  // The due batch is read once per `idle` and worked through across ticks: at tens of sends a
  // second, re-reading 200 notices per send would cost more than the sends. A cached notice
  // another worker took meanwhile just fails its guarded claim.
  let cache: NoticeDoc[] = [];
  let cachedAt = -Infinity;
  let sweptAt = -Infinity;

  /** Of due notices sharing a topic, all but the newest are cancelled (returns the survivors). */
  async function supersede(due: NoticeDoc[]): Promise<NoticeDoc[]> {
    const newest = new Map<string, NoticeDoc>();
    for (const n of due) {
      if (!n.topic) continue;
      const cur = newest.get(n.topic);
      if (!cur || n.createdAt > cur.createdAt) newest.set(n.topic, n);
    }
    const keep: NoticeDoc[] = [];
    for (const n of due) {
      if (n.topic && newest.get(n.topic) !== n) {
        await Notice.updateOne({ _id: n._id, status: 'queued' }, { $set: { status: 'cancelled', lastError: 'superseded by a newer reminder' } });
      } else keep.push(n);
    }
    return keep;
  }

  async function once(now: Date): Promise<number> {
    const t = now.getTime();
    wakeAt = t + idle;
    if (!opts.messenger.isReady()) return 0; // nothing before login + ready; the queue waits
    if (!seeded) await seed(t);
    if (t - sweptAt >= idle || t < sweptAt) {
      await sweepInterrupted(now);
      sweptAt = t;
    }
    if (!cache.length || t - cachedAt >= idle || t < cachedAt) {
      const queued = await Notice.find({ status: 'queued' }).sort({ notBefore: 1, createdAt: 1 }).limit(batch).lean<NoticeDoc[]>();
      const later = queued.find((n) => n.notBefore.getTime() > t);
      cache = await supersede(queued.filter((n) => n.notBefore.getTime() <= t));
      cachedAt = t;
      if (later) wakeAt = Math.min(wakeAt, later.notBefore.getTime());
    }
    let sent = 0;
    const done = new Set<NoticeDoc>(); // leaves the cache: sent, taken elsewhere, deferred, failed
    try {
      for (const n of cache) {
        const r = await deliverOne(n, now, done);
        if (r === 'stop') break;
        if (r === 'sent') sent++;
      }
    } finally {
      cache = cache.filter((n) => !done.has(n));
    }
    if (cache.length) wakeAt = Math.min(wakeAt, Math.max(t + 1, pacer.accountFreeAt(t)));
    return sent;
  }

  /** Try one cached notice: 'sent', 'next' (go on with the others) or 'stop' (this tick is over). */
  async function deliverOne(n: NoticeDoc, now: Date, done: Set<NoticeDoc>): Promise<'sent' | 'next' | 'stop'> {
    const t = now.getTime();
    // Quiet hours and holidays again at send time: the bot may come back at 23:00.
    if (n.kind !== 'message') {
      const from = deliverableFrom(now, safeZone(n.recipient.timezone, defaultZone(n.recipient.kind)), { respectHolidays: respectsHolidays(n.kind, n.recipient) });
      if (from.getTime() > t) {
        await Notice.updateOne({ _id: n._id, status: 'queued' }, { $set: { notBefore: from } });
        done.add(n);
        return 'next';
      }
    }
    if (!opts.messenger.isReady()) return 'stop';
    if (n.recipient.kind === 'manager' && n.recipient.id && !(await managerActive(n.recipient.id, t))) {
      // Deactivated after this was queued: nothing more reaches them.
      await Notice.updateOne({ _id: n._id, status: 'queued' }, { $set: { status: 'cancelled', lastError: 'the manager is deactivated' } });
      done.add(n);
      return 'next';
    }
    const accountAt = pacer.accountFreeAt(t);
    if (accountAt > t) {
      wakeAt = Math.min(wakeAt, accountAt);
      return 'stop';
    }
    const chatAt = pacer.chatFreeAt(n.to, t);
    if (chatAt > t) {
      wakeAt = Math.min(wakeAt, chatAt);
      return 'next'; // later notices of other chats may go now
    }
    done.add(n); // whatever happens below, this cached copy is spent
    const claim = n.claims + 1;
    const sendKey = `${n._id}:${claim}`;
    const c = await Notice.updateOne({ _id: n._id, status: 'queued', claims: n.claims }, { $set: { status: 'sending', owner, sendingSince: now, sendKey, claims: claim } });
    if (c.modifiedCount !== 1) return 'next'; // another worker has it
    try {
      await NoticeSend.create({ sendKey, noticeId: n._id, to: n.to, owner, at: now });
    } catch (err) {
      if (isDuplicateKey(err)) return 'next'; // the same claim won twice: the other worker sends
      // Not sent, and we know it: give the claim back.
      await Notice.updateOne({ _id: n._id, status: 'sending', sendKey }, { $set: { status: 'queued' } }).catch(() => undefined);
      throw err;
    }
    pacer.record(n.to, t);
    const mine = { _id: n._id, status: 'sending' as const, sendKey };
    let timer: NodeJS.Timeout | undefined;
    const sendTimer = metrics.outboxSend.startTimer();
    try {
      const r = await Promise.race([
        n.fileId ? sendFileOf(n) : opts.messenger.sendText(n.to, n.text),
        new Promise<never>((_, fail) => {
          timer = setTimeout(() => fail(new SendTimeout(`no answer from WeChat within ${sendTimeoutMs} ms`)), sendTimeoutMs);
        }),
      ]);
      sendTimer({ result: 'sent' });
      await recordAndTouch(n.to, mine, { $set: { status: 'sent', sentAt: now, confirmedBy: 'messenger', ...(r?.puppetId ? { puppetId: r.puppetId } : {}) }, $inc: { attempts: 1 } });
      return 'sent';
    } catch (err) {
      sendTimer({ result: err instanceof SendTimeout ? 'timeout' : 'error' });
      const msg = (err as Error).message.slice(0, 300);
      if (err instanceof SendTimeout) {
        // Outcome unknown: left 'sending'; after the lease the mirror tells whether it went out.
        log.warn({ noticeId: String(n._id), err: msg }, 'send timed out; the lease decides');
        return 'next';
      }
      if (!opts.messenger.isReady()) {
        // Logged out under us: not the notice's fault, no attempt counted; it waits for login.
        await recordAndTouch(n.to, mine, { $set: { status: 'queued', lastError: msg } });
        return 'stop';
      }
      const attempts = n.attempts + 1;
      if (attempts >= maxAttempts) {
        await recordAndTouch(n.to, mine, { $set: { status: 'failed', lastError: msg, attempts } });
        log.error({ noticeId: String(n._id), err: msg }, 'notice failed for good');
      } else {
        await recordAndTouch(n.to, mine, { $set: { status: 'queued', lastError: msg, attempts, notBefore: new Date(t + backoffMs(attempts, base)) } });
        log.warn({ noticeId: String(n._id), err: msg, attempts }, 'notice send failed; will retry');
      }
      return 'next';
    } finally {
      clearTimeout(timer);
    }
  }

  // idle() callers, released by the end of the next tick that starts after them.
  let idleWaiters: (() => void)[] = [];

  async function tick(now: Date): Promise<number> {
    while (running) await running.catch(() => 0);
    const waiters = idleWaiters;
    idleWaiters = [];
    running = once(now).catch((err) => {
      log.error({ err }, 'delivery tick failed');
      return 0;
    });
    try {
      return await running;
    } finally {
      running = undefined;
      waiters.forEach((w) => w());
    }
  }

  return {
    tick,
    nextWakeAt: () => wakeAt,
    start(idleMs = 1000) {
      if (loop) return;
      idle = idleMs;
      stopped = false;
      loop = (async () => {
        while (!stopped) {
          await tick(clock());
          const wait = idleWaiters.length ? 0 : Math.min(idle, Math.max(10, wakeAt - clock().getTime()));
          await new Promise<void>((ok) => {
            const timer = setTimeout(ok, wait);
            wakeUp = () => (clearTimeout(timer), ok());
          });
        }
      })();
    },
    idle() {
      if (!loop) return tick(clock()).then(() => undefined);
      const done = new Promise<void>((ok) => idleWaiters.push(ok));
      wakeUp?.();
      return done;
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      // A send in flight is bounded by sendTimeoutMs; the loop ends after it.
      await loop;
      loop = undefined;
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
