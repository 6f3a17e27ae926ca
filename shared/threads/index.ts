// The mirror: every WeChat message stored exactly once in its thread, linked to its supplier
// once a person has sorted the chat (a new contact or room lands unsorted: see sorting.ts).
// Input is plain (the bot adapter turns a Wechaty message into it); no Wechaty types here.
import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import { createCache } from '../cache/index.js';
import { isDuplicateKey, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { backoffMs } from '../retry/index.js';
import { chunks, groupInsert, UPDATE_BATCH } from '../db/batches.js';
import type { Spool } from './spool.js';
import { Manager } from '../managers/model.js';
import { normalisePhone } from '../suppliers/index.js';
import { Contact, Message, Thread, MESSAGE_TYPES, threadDay, type MessageDoc, type ThreadDoc } from './model.js';
import { pulseSet } from '../live/index.js';
import { events as defaultEvents, type Events, type TimedReply } from '../events/index.js';
import { ScanState } from '../notices/model.js';
import { sideOf, step, type AwaitState, type Side } from './awaiting.js';
import { cacheGeneration, UNDECIDED_TTL_MS } from './generation.js';

const awaitSet = (st?: AwaitState) => (st?.awaiting ? { awaiting: st.awaiting, awaitingSince: st.since } : {});

export * from './queries.js';
export { Contact, Message, Thread, MESSAGE_TYPES, LANGS, CONTACT_STATUSES, THREAD_STATUSES, SORT_DECISIONS, threadDay, type ContactDoc, type MessageDoc, type ThreadDoc, type Lang } from './model.js';
export { sideOf, step, type AwaitState, type ResponseSample, type Side } from './awaiting.js';
export { invalidateMirrorCaches } from './generation.js';
export { markRecalled, recordRoomEvent, type RoomEvent } from './rooms.js';
export { FriendRequest, decideFriendRequest, listFriendRequests, markAccepted, recordFriendRequest, takeAcceptances, type FriendRequestDoc, type FriendRequestStatus } from './friends.js';
export {
  CONTACT_ROLES,
  THIRD_PARTY_ROLES,
  findUnsorted,
  listUnsorted,
  sortContact,
  unsortedFor,
  unsortedItemFor,
  type ContactRole,
  type Proposal,
  type SortDecision,
  type SortResult,
  type UnsortedItem,
} from './sorting.js';

const log = getLogger('mirror');

export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface InboundMessage {
  puppetId: string;
  chat: { kind: 'dm' | 'room'; id: string; topic?: string };
  sender: { wechatId: string; name: string; alias?: string; phone?: string; company?: string };
  /** Sent by the bot's own account (from WeChat on the phone, or by Gendan). */
  self: boolean;
  type: MessageType;
  text: string;
  media?: Record<string, string | number | undefined>;
  ts: Date;
}

export interface IngestResult {
  message: MessageDoc;
  created: boolean;
}

/**
 * Redelivery guard for puppets that replay a message under a new id: chat + sender + type +
 * content + WeChat's timestamp floored to DEDUPE_BUCKET_MS. WeChat's own timestamp survives a
 * redelivery, so the bucket only has to absorb a puppet that reports seconds differently; it is
 * kept short (5 s) because a person may well send the same "好的" twice a minute apart, and
 * that second message must not be lost.
 */
export const DEDUPE_BUCKET_MS = 5_000;

export function dedupeKey(m: Pick<InboundMessage, 'chat' | 'sender' | 'type' | 'text' | 'media' | 'ts'>): string {
  const content = m.text || JSON.stringify([m.media?.name, m.media?.size, m.media?.url, m.media?.title]);
  const bucket = Math.floor(m.ts.getTime() / DEDUPE_BUCKET_MS);
  return createHash('sha256').update(`${m.chat.kind}:${m.chat.id}\n${m.sender.wechatId}\n${m.type}\n${content}\n${bucket}`).digest('base64url');
}

export { openSpool, type Spool } from './spool.js';

export const threadKey = (chat: InboundMessage['chat']) => `${chat.kind}:${chat.id}`;

function validate(m: InboundMessage): void {
  const problems: string[] = [];
  if (!m.puppetId) problems.push('puppetId');
  if (!m.chat?.id || (m.chat.kind !== 'dm' && m.chat.kind !== 'room')) problems.push('chat');
  if (!m.sender?.wechatId) problems.push('sender.wechatId');
  if (!(MESSAGE_TYPES as readonly string[]).includes(m.type)) problems.push('type');
  if (!(m.ts instanceof Date) || Number.isNaN(m.ts.getTime())) problems.push('ts');
  if (problems.length)
    throw new ValidationError(
      `inbound message invalid: ${problems.join(', ')}`,
      problems.map((p) => ({ field: p, message: `invalid (puppet message ${m.puppetId})` })),
    );
}

/**
 * Small read-through caches for the hot path: contacts, threads and managers change rarely and
 * every message needs them. Entries expire so changes made elsewhere (a manager registered,
 * a supplier merged) are seen within CACHE_TTL_MS.
 */
const CACHE_TTL_MS = 10_000;
const FLUSH_MS = 200;
const INSERT_BATCH = 64;
const hotCache = <V extends NonNullable<unknown>>(name: string) => createCache<string, V>(`mirror.${name}`, { max: 5000, ttl: CACHE_TTL_MS });

export type SenderKind = 'supplier' | 'manager' | 'bot' | 'unknown';

export interface Mirror {
  /**
   * Store one message exactly once (throws on a database failure: the caller buffers).
   * Undefined: the chat was sorted as "ignore" and is not mirrored.
   */
  ingest(m: InboundMessage): Promise<IngestResult | undefined>;
  /** Write the coalesced thread counters now. */
  flush(): Promise<void>;
  /** Forget cached contacts/threads/managers (tests, admin changes). */
  clearCaches(): void;
}

export interface MirrorOptions {
  /**
   * Where the mirror tells what it stored: `message.stored` for each NEW message (never for a
   * replay; never waited for), `replies.timed` with each counters flush, `mirror.flushed` on
   * flush(). Default: the process's bus (shared/events), wired by the composition root (which
   * gives the KPI reaction the configured working hours).
   */
  events?: Events;
}

type CachedContact = { _id: Types.ObjectId; supplierId?: Types.ObjectId | null; status: string; name: string; alias?: string };
/** A chat nobody has decided on yet: cached for UNDECIDED_TTL_MS only (see generation.ts). */
const undecidedThread = (t: ThreadDoc) => !t.supplierId && t.status !== 'ignored' && t.status !== 'colleague';
const contactStatus = (c: { status?: string | null; supplierId?: unknown }) => c.status ?? (c.supplierId ? 'sorted' : 'unsorted');

export function createMirror(opts: MirrorOptions = {}): Mirror {
  const events = opts.events ?? defaultEvents;
  const managers = hotCache<boolean>('managers');
  const contacts = hotCache<CachedContact>('contacts');
  const threads = hotCache<ThreadDoc>('threads');
  // When each cached contact (sender|thread) and chat (key) was last read from the database.
  const checkedAt = hotCache<number>('checkedAt');
  let generation = cacheGeneration();
  function clearCaches() {
    managers.clear();
    contacts.clear();
    threads.clear();
    checkedAt.clear();
  }

  /** A WeChat id linked to a manager (active or not): ours, never a supplier contact. */
  async function isManager(wechatId: string): Promise<boolean> {
    const hit = managers.get(wechatId);
    if (hit !== undefined) return hit;
    const yes = (await Manager.exists({ wechatId })) !== null;
    managers.set(wechatId, yes);
    return yes;
  }

  /**
   * The supplier-side contact, created 'unsorted' on first sight (a person sorts it), with the
   * chat it wrote in remembered. Decided contacts are cached for the cache's TTL, unsorted ones
   * for UNDECIDED_TTL_MS (while name and alias are unchanged): a contact sorted by another
   * process is seen within seconds.
   */
  async function ensureContact(m: InboundMessage, thread: ThreadDoc): Promise<CachedContact> {
    const pair = `${m.sender.wechatId}|${thread._id}`;
    const hit = contacts.get(pair);
    if (hit && (hit.status !== 'unsorted' || (fresh(pair) && hit.name === (m.sender.name || m.sender.wechatId) && (!m.sender.alias || hit.alias === m.sender.alias)))) return hit;
    // Known and unchanged: a read (which passes the engine's front concurrently), not an upsert
    // in the write lane for every message of an unsorted chat.
    const name = m.sender.name || m.sender.wechatId;
    const seen = await Contact.findOne({ wechatId: m.sender.wechatId }, { supplierId: 1, status: 1, name: 1, alias: 1, threadIds: 1 }).lean<{
      _id: Types.ObjectId;
      supplierId?: Types.ObjectId | null;
      status?: string;
      name?: string;
      alias?: string;
      threadIds?: Types.ObjectId[];
    }>();
    if (seen?.status && seen.name === name && (!m.sender.alias || seen.alias === m.sender.alias) && seen.threadIds?.some((id) => String(id) === String(thread._id))) {
      const entry = { _id: seen._id, supplierId: seen.supplierId, status: contactStatus(seen), name, alias: seen.alias };
      remember(pair, entry);
      return entry;
    }
    const phone = m.sender.phone ? normalisePhone(m.sender.phone) : undefined;
    const contact = await Contact.findOneAndUpdate(
      { wechatId: m.sender.wechatId },
      {
        $setOnInsert: { wechatId: m.sender.wechatId, phone, company: m.sender.company, status: 'unsorted' },
        $set: { name: m.sender.name || m.sender.wechatId, ...(m.sender.alias ? { alias: m.sender.alias } : {}) },
        $addToSet: { threadIds: thread._id },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean<{ _id: Types.ObjectId; supplierId?: Types.ObjectId | null; status?: string }>();
    const entry = { _id: contact!._id, supplierId: contact!.supplierId, status: contactStatus(contact!), name, alias: m.sender.alias };
    if (!contact!.status) await Contact.updateOne({ _id: contact!._id, status: null }, { $set: { status: entry.status } });
    remember(pair, entry);
    return entry;
  }
  function remember(pair: string, entry: CachedContact) {
    contacts.set(pair, entry);
    checkedAt.set(pair, Date.now());
  }
  function rememberThread(t: ThreadDoc) {
    threads.set(t.key, t);
    checkedAt.set(t.key, Date.now());
  }
  /** An undecided entry read from the database within UNDECIDED_TTL_MS. */
  const fresh = (key: string) => Date.now() - (checkedAt.get(key) ?? 0) < UNDECIDED_TTL_MS;

  async function ensureThread(m: InboundMessage): Promise<ThreadDoc> {
    const key = threadKey(m.chat);
    const hit = threads.get(key);
    // Decided chats for the cache's TTL; an undecided one while it is fresh and its topic unchanged.
    if (hit && (!undecidedThread(hit) || (fresh(key) && (!m.chat.topic || hit.topic === m.chat.topic)))) return hit;
    // Known and unchanged: a read (concurrent on the engine), not an upsert per message.
    const seen = hit ? await Thread.findOne({ key }).lean<ThreadDoc>() : null;
    if (seen && (!m.chat.topic || seen.topic === m.chat.topic)) {
      rememberThread(seen);
      return seen;
    }
    const t = await Thread.findOneAndUpdate(
      { key },
      {
        $setOnInsert: {
          key,
          kind: m.chat.kind,
          ...(m.chat.kind === 'room' ? { roomId: m.chat.id } : { contactWechatId: m.chat.id }),
        },
        ...(m.chat.topic ? { $set: { topic: m.chat.topic } } : {}),
      },
      { upsert: true, returnDocument: 'after' },
    ).lean<ThreadDoc>();
    rememberThread(t!);
    return t!;
  }

  async function setThreadSupplier(thread: ThreadDoc, supplierId: Types.ObjectId) {
    await Thread.updateOne({ _id: thread._id, supplierId: null }, { $set: { supplierId, status: 'sorted' } });
    return rereadThread(thread);
  }
  /** Mark a chat nobody decided on (guarded: a decision made meanwhile stands). */
  async function setThreadStatus(thread: ThreadDoc, status: 'unsorted' | 'colleague' | 'ignored') {
    await Thread.updateOne({ _id: thread._id, supplierId: null, status: null }, { $set: { status } });
    return rereadThread(thread);
  }
  async function rereadThread(thread: ThreadDoc) {
    const t = await Thread.findOne({ _id: thread._id }).lean<ThreadDoc>();
    rememberThread(t!);
    return t!;
  }

  // Thread counters (messageCount, lastMessageAt) are coalesced: one update per thread per
  // FLUSH_MS instead of one per message, which halves the writes of the hot path. They are
  // derived figures (recountable from messages); flush() runs on close.
  type Pending = { id: Types.ObjectId; supplierId?: string; n: number; last: Date; lastIn?: Date; lastOut?: Date; days: Set<string>; said: { side: Side; ts: Date }[]; init: AwaitState };
  const counts = new Map<string, Pending>();
  // Who owes an answer per thread (response times, escalation): this process's view, seeded
  // from the stored thread, written with the counters.
  // (Bounded: a thread evicted here is seeded from its stored state again.)
  const awaitState = createCache<string, AwaitState>('mirror.awaitState', { max: 20_000 });
  let flushTimer: NodeJS.Timeout | undefined;
  function countInThread(thread: ThreadDoc, ts: Date, direction: 'in' | 'out', side: Side | undefined) {
    const id = thread._id;
    const k = String(id);
    let c = counts.get(k);
    if (c) {
      c.n++;
      if (ts > c.last) c.last = ts;
    } else counts.set(k, (c = { id, n: 1, last: ts, days: new Set(), said: [], init: { awaiting: thread.awaiting as Side | undefined, since: thread.awaitingSince } }));
    if (thread.supplierId) c.supplierId = String(thread.supplierId);
    if (side) c.said.push({ side, ts });
    c.days.add(ts.toISOString().slice(0, 10));
    const last = direction === 'in' ? 'lastIn' : 'lastOut';
    if (!c[last] || ts > c[last]) c[last] = ts;
    flushTimer ??= setTimeout(() => void flushCounters().catch((err) => log.warn({ err: (err as Error).message }, 'thread counters not flushed')), FLUSH_MS);
  }
  /** Counters now, then whatever listeners buffered from them (reply times): tests, shutdown. */
  async function flush() {
    await flushCounters();
    await events.emit('mirror.flushed', { now: new Date() });
  }
  async function flushCounters() {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = [...counts.values()];
    counts.clear();
    // Replay what each thread said in this batch through the response machine.
    const samples: TimedReply[] = [];
    const states = new Map<string, AwaitState>();
    for (const c of batch) {
      const k = String(c.id);
      let st = awaitState.get(k) ?? c.init;
      for (const e of c.said.sort((a, b) => a.ts.getTime() - b.ts.getTime())) {
        const r = step(st, e.side, e.ts);
        st = r.state;
        if (r.sample && c.supplierId) samples.push({ supplierId: c.supplierId, sample: r.sample });
      }
      states.set(k, st);
      awaitState.set(k, st);
      c.said = []; // consumed: a retry of this batch's counters must not replay them
    }
    if (samples.length) await events.emit('replies.timed', { samples, now: new Date() });
    try {
      const now = new Date();
      // One request for every thread of the batch (bounded like every bulk write: shared/db/batches).
      for (const part of chunks(batch, UPDATE_BATCH))
        await Thread.bulkWrite(
          part.map((c) => ({
            updateOne: {
              filter: { _id: c.id },
              update: {
                $inc: { messageCount: c.n },
                $max: { lastMessageAt: c.last, ...(c.lastIn ? { lastInAt: c.lastIn } : {}), ...(c.lastOut ? { lastOutAt: c.lastOut } : {}) },
                $addToSet: { days: { $each: [...c.days] } },
                $set: { ...pulseSet(now), ...awaitSet(states.get(String(c.id))) },
              },
            },
          })),
          { ordered: false },
        );
    } catch (err) {
      for (const c of batch) {
        const k = String(c.id);
        const cur = counts.get(k);
        if (cur) {
          cur.n += c.n;
          for (const d of c.days) cur.days.add(d);
          if (c.last > cur.last) cur.last = c.last;
          for (const f of ['lastIn', 'lastOut'] as const) if (c[f] && (!cur[f] || c[f]! > cur[f]!)) cur[f] = c[f];
        } else counts.set(k, c);
      }
      throw err;
    }
  }

  // Group commit (shared/db/batches): a busy account costs one write request per batch of
  // messages, not one per message; each message's unique indexes still decide alone.
  const inserts = groupInsert(Message, INSERT_BATCH);
  async function insertMessage(fields: Record<string, unknown>): Promise<MessageDoc> {
    const doc = new Message(fields);
    await doc.validate();
    const stored = doc.toObject({ depopulate: true }) as MessageDoc;
    const [err] = await inserts.insert([stored]);
    if (err) throw err;
    return stored;
  }

  async function ingest(m: InboundMessage): Promise<IngestResult | undefined> {
    validate(m);
    if (generation !== cacheGeneration()) {
      clearCaches();
      generation = cacheGeneration();
    }
    // No read before the write: the unique indexes decide, and a replay costs one failed insert.
    let thread = await ensureThread(m);
    if (thread.status === 'ignored') return undefined; // sorted as "ignore": not mirrored
    let senderKind: SenderKind;
    if (m.self) senderKind = 'bot';
    else if (await isManager(m.sender.wechatId)) senderKind = 'manager';
    else senderKind = 'supplier';

    if (senderKind === 'supplier') {
      const contact = await ensureContact(m, thread);
      if (contact.status === 'ignored' && m.chat.kind === 'dm') {
        await setThreadStatus(thread, 'ignored');
        return undefined;
      }
      if (contact.status === 'colleague') senderKind = 'unknown'; // a colleague no longer linked
      if (m.chat.kind === 'dm' && !thread.supplierId && contact.supplierId) thread = await setThreadSupplier(thread, contact.supplierId);
    }
    if (!thread.supplierId && !thread.status) {
      // A room is a supplier's once a person says so (a known contact in it only proposes);
      // a private chat is the contact's: unsorted until they are, the manager's own with us.
      if (m.chat.kind === 'room') thread = await setThreadStatus(thread, 'unsorted');
      else if (senderKind === 'supplier') thread = await setThreadStatus(thread, 'unsorted');
      else if (senderKind === 'manager' || (senderKind === 'bot' && (await isManager(m.chat.id)))) thread = await setThreadStatus(thread, 'colleague');
      else if (senderKind === 'bot') {
        // The bot writing first to a contact: link the thread once that contact is known.
        const c = await Contact.findOne({ wechatId: m.chat.id }, { supplierId: 1 }).lean<{ supplierId?: Types.ObjectId }>();
        if (c?.supplierId) thread = await setThreadSupplier(thread, c.supplierId);
      }
    }

    const doc = {
      threadId: thread._id,
      td: threadDay(thread._id, m.ts),
      supplierId: thread.supplierId ?? undefined,
      puppetId: m.puppetId,
      dedupeKey: dedupeKey(m),
      direction: (m.self ? 'out' : 'in') as 'out' | 'in',
      senderWechatId: m.sender.wechatId,
      senderName: m.sender.name,
      senderKind,
      type: m.type,
      text: m.text ?? '',
      media: m.media,
      ts: m.ts,
      receivedAt: new Date(),
      translations: {},
      translationStatus: 'pending' as const,
    };
    let message: MessageDoc;
    try {
      message = await insertMessage(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Same id stored concurrently, or a redelivery under a new id: one record.
      const prior = (await Message.findOne({ puppetId: m.puppetId }).lean<MessageDoc>()) ?? (await Message.findOne({ dedupeKey: doc.dedupeKey }).lean<MessageDoc>());
      if (!prior) throw err;
      return { message: prior, created: false };
    }
    const side = sideOf(doc);
    countInThread(thread, m.ts, doc.direction, side);
    // Not awaited: storing never waits for its listeners (the bus logs each one's failure).
    void events.emit('message.stored', { message, thread, side });
    return { message, created: true };
  }

  return {
    ingest,
    flush,
    clearCaches,
  };
}

export interface BufferedMirror {
  /** Store, or buffer and retry while the database is down. Resolves when stored (spilled to the spool only: undefined at once). */
  accept(m: InboundMessage): Promise<IngestResult | undefined>;
  pending(): number;
  /** Messages refused because the buffer was full and there is no spool (each logged as an error). */
  dropped(): number;
  close(): Promise<void>;
}

export interface BufferedMirrorOptions {
  max?: number;
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * Where waiting messages are kept on disk (shared/threads/spool.ts): each is appended before
   * it waits and acknowledged once stored; the unacknowledged are stored again at start. With a
   * spool a full in-memory buffer spills to disk instead of dropping.
   */
  spool?: Spool<InboundMessage>;
}

/**
 * In front of the mirror: when the database is down, messages wait in a bounded in-memory
 * buffer (and in the spool on disk, when given) and are retried in order with backoff; nothing
 * is acknowledged that was not stored. A full buffer without a spool is a visible error
 * (logged, counted), never silent.
 */
export function createBufferedMirror(mirror: Mirror, opts: BufferedMirrorOptions = {}): BufferedMirror {
  const max = opts.max ?? 10_000;
  const base = opts.retryMs ?? 200;
  const cap = opts.maxRetryMs ?? 10_000;
  const spool = opts.spool;
  const queue: { m: InboundMessage; done: (r: IngestResult | undefined) => void }[] = [];
  let draining = false;
  let droppedCount = 0;
  let spilled = 0;
  let closed = false;

  const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
  const noop = () => undefined;

  /** Queue what the spool holds beyond the in-memory queue (after a restart, or a spill). */
  function reload(): void {
    if (!spool) return;
    const waiting = spool.unacked();
    if (!waiting.length) {
      spool.clear();
      return;
    }
    const queued = new Set(queue.map((q) => q.m.puppetId));
    for (const m of waiting) {
      if (queue.length >= max) break;
      if (!queued.has(m.puppetId)) queue.push({ m, done: noop });
    }
    spilled = 0;
    if (waiting.length) log.warn({ pending: waiting.length, spool: spool.path }, 'storing messages kept in the spool');
  }

  async function drain() {
    if (draining) return;
    draining = true;
    let attempt = 0;
    while (queue.length && !closed) {
      const head = queue[0]!;
      try {
        const r = await mirror.ingest(head.m);
        queue.shift();
        spool?.ack(head.m.puppetId);
        attempt = 0;
        head.done(r);
      } catch (err) {
        if (err instanceof ValidationError) {
          queue.shift();
          spool?.ack(head.m.puppetId);
          log.error({ err: err.message, puppetId: head.m.puppetId }, 'message refused as invalid');
          head.done(undefined);
          continue;
        }
        attempt++;
        // Not shared/retry's retry(): a message is retried until stored (bounded buffer, not bounded tries).
        const wait = backoffMs(Math.min(attempt, 10) + 1, base, Math.random, cap);
        log.warn({ err: (err as Error).message, pending: queue.length, attempt }, 'storing a message failed; retrying');
        await sleep(wait);
      }
      if (!queue.length && spool && !closed) reload();
    }
    draining = false;
  }

  if (spool) {
    reload();
    if (queue.length) void drain();
  }

  return {
    async accept(m) {
      if (queue.length === 0 && !draining) {
        try {
          return await mirror.ingest(m);
        } catch (err) {
          if (err instanceof ValidationError) {
            log.error({ err: err.message, puppetId: m.puppetId }, 'message refused as invalid');
            return undefined;
          }
          log.warn({ err: (err as Error).message, puppetId: m.puppetId }, 'storing failed; buffering');
        }
      }
      if (queue.length >= max) {
        if (spool) {
          spool.add(m);
          spilled++;
          if (spilled === 1) log.warn({ pending: queue.length, spool: spool.path }, 'mirror buffer full: messages wait in the spool on disk');
          return undefined;
        }
        droppedCount++;
        log.error({ puppetId: m.puppetId, pending: queue.length }, 'mirror buffer full: message NOT stored');
        throw new Error('mirror buffer full');
      }
      spool?.add(m);
      return new Promise((done) => {
        queue.push({ m, done });
        void drain();
      });
    },
    pending: () => queue.length + spilled,
    dropped: () => droppedCount,
    async close() {
      closed = true;
      await mirror.flush().catch((err) => log.warn({ err: (err as Error).message }, 'thread counters not flushed'));
    },
  };
}

/**
 * Messages stored before `Message.td` existed get it, and their threads their `days`. Runs once
 * per database (recorded in ScanState), at start; idempotent if interrupted. Returns how many
 * messages were updated.
 */
export async function backfillThreadDays(): Promise<number> {
  const done = await ScanState.findOne({ _id: 'backfill:message-td' }).lean();
  if (done) return 0;
  let n = 0;
  const threads = await Thread.find({}, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  for (const t of threads) {
    const missing = await Message.find({ threadId: t._id, td: null }, { ts: 1 }).lean<{ ts: Date }[]>();
    if (!missing.length) continue;
    const days = [...new Set(missing.map((m) => m.ts.toISOString().slice(0, 10)))];
    for (const day of days) {
      const from = new Date(`${day}T00:00:00Z`);
      const r = await Message.updateMany({ threadId: t._id, ts: { $gte: from, $lt: new Date(from.getTime() + 86_400_000) }, td: null }, { $set: { td: threadDay(t._id, from) } });
      n += r.modifiedCount;
    }
    await Thread.updateOne({ _id: t._id }, { $addToSet: { days: { $each: days } } });
  }
  await ScanState.updateOne({ _id: 'backfill:message-td' }, { $set: { at: new Date() } }, { upsert: true });
  if (n) log.info({ messages: n }, 'thread-day keys added to older messages');
  return n;
}
