// The managers' inbox behind the web console: threads a manager may see (own suppliers, or all
// when allowed), unread counts per manager, filters, search, thread pages and replies that go
// out through the notices outbox (paced, retried, status visible).
import { randomUUID } from 'node:crypto';
import mongoose, { Schema, Types } from 'mongoose';
import { AppError, ForbiddenError, msg, UnavailableError } from '../errors/index.js';
import { touchThread } from '../live/index.js';
import { assertVisible, visibleSupplierIds, type ManagerViewer } from '../access/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { enqueueNotice, Notice, type NoticeDoc } from '../notices/index.js';
import { listOverdue, Order, type OrderDoc } from '../orders/index.js';
import { lineTotal, sum } from '../money/index.js';
import { displayCode, SEGMENTS, Supplier, supplierIdsWithFacts, type SupplierDoc, type SupplierFacts } from '../suppliers/index.js';
import { Contact, Message, Thread, threadMessages, type ContactDoc, type Lang, type MessageDoc, type ThreadDoc } from '../threads/index.js';

export { threadMessages };
import { partnerLangOf, type PartnerLang, type TranslationService } from '../translation/index.js';

// What a manager has read of a thread: the thread's message count when they last looked.
const readSchema = new Schema(
  {
    managerId: { type: Schema.Types.ObjectId, required: true },
    threadId: { type: Schema.Types.ObjectId, required: true },
    count: { type: Number, default: 0 },
    at: { type: Date },
  },
  { versionKey: false },
);
// Serves: one marker per manager and thread (upsert), and a manager's markers for the inbox
// (`find({managerId})`).
readSchema.index({ managerId: 1, threadId: 1 }, { unique: true });
export const ThreadRead = mongoose.model('ThreadRead', readSchema);

const intersect = (a: Set<string> | undefined, b: Set<string>) => (a ? new Set([...b].filter((x) => a.has(x))) : b);

export interface InboxFilter extends SupplierFacts {
  mine?: boolean;
  segment?: (typeof SEGMENTS)[number];
  overdue?: boolean;
  needsReply?: boolean;
  /** The "Unsorted" tab: chats nobody has sorted yet (see shared/threads sorting); else they are left out. */
  unsorted?: boolean;
  page?: number;
}

export interface InboxItem {
  id: string;
  key: string;
  kind: string;
  title: string;
  supplier: { id: string; code: string; name: string; segment: string } | null;
  lastMessageAt: Date | null;
  messageCount: number;
  unread: number;
  needsReply: boolean;
}

const PAGE = 50;

export async function listInbox(user: ManagerViewer, f: InboxFilter, now: Date): Promise<{ items: InboxItem[]; page: number; hasMore: boolean }> {
  let ids = await visibleSupplierIds(user);
  if (f.mine) {
    const own = await Supplier.find({ managerId: new Types.ObjectId(user.id) }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    ids = intersect(ids, new Set(own.map((s) => String(s._id))));
  }
  if (f.segment) {
    const seg = await Supplier.find({ segment: f.segment }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
    ids = intersect(ids, new Set(seg.map((s) => String(s._id))));
  }
  const withFacts = await supplierIdsWithFacts(f);
  if (withFacts) ids = intersect(ids, withFacts);
  if (f.overdue) {
    const late = await listOverdue(now);
    ids = intersect(ids, new Set(late.map((o) => String(o.supplierId))));
  }
  // Threads are one per chat (thousands, not millions): filtered and sorted over that set.
  const filter = f.unsorted ? { status: 'unsorted' as const } : ids ? { supplierId: { $in: [...ids].map((i) => new Types.ObjectId(i)) } } : {};
  let threads = await Thread.find(filter, { key: 1, kind: 1, topic: 1, supplierId: 1, lastMessageAt: 1, lastInAt: 1, lastOutAt: 1, messageCount: 1, contactWechatId: 1, status: 1 })
    .sort({ lastMessageAt: -1 })
    .lean<ThreadDoc[]>();
  // Unsorted chats have their own tab; ignored ones are not shown; a manager's chat with us is not a supplier's.
  if (!f.unsorted) threads = threads.filter((t) => t.status !== 'unsorted' && t.status !== 'ignored' && t.status !== 'colleague');
  // The bot's own chats with managers (command replies, alerts) are not supplier conversations.
  const managerIds = new Set((await Manager.find({ wechatId: { $exists: true } }, { wechatId: 1 }).lean<ManagerDoc[]>()).map((m) => m.wechatId));
  threads = threads.filter((t) => t.supplierId || !(t.kind === 'dm' && t.contactWechatId && managerIds.has(t.contactWechatId)));
  const needs = (t: ThreadDoc) => Boolean(t.lastInAt && (!t.lastOutAt || t.lastInAt > t.lastOutAt));
  if (f.needsReply) threads = threads.filter(needs);
  const page = f.page ?? 1;
  const slice = threads.slice((page - 1) * PAGE, page * PAGE);
  const supplierIds = [...new Set(slice.map((t) => t.supplierId && String(t.supplierId)).filter(Boolean))] as string[];
  const [suppliers, reads, contacts] = await Promise.all([
    supplierIds.length ? Supplier.find({ _id: { $in: supplierIds } }, { code: 1, tag: 1, name: 1, segment: 1 }).lean<SupplierDoc[]>() : [],
    ThreadRead.find({ managerId: new Types.ObjectId(user.id) }, { threadId: 1, count: 1 }).lean<{ threadId: Types.ObjectId; count: number }[]>(),
    Promise.all(slice.filter((t) => t.kind === 'dm' && !t.topic && t.contactWechatId).map((t) => Contact.findOne({ wechatId: t.contactWechatId }, { name: 1, wechatId: 1 }).lean<ContactDoc>())),
  ]);
  const sById = new Map(suppliers.map((s) => [String(s._id), s]));
  const readBy = new Map(reads.map((r) => [String(r.threadId), r.count]));
  const nameBy = new Map(contacts.filter(Boolean).map((c) => [c!.wechatId, c!.name]));
  return {
    items: slice.map((t) => {
      const s = t.supplierId ? sById.get(String(t.supplierId)) : undefined;
      return {
        id: String(t._id),
        key: t.key,
        kind: t.kind,
        title: t.topic ?? (t.contactWechatId ? nameBy.get(t.contactWechatId) : undefined) ?? t.key,
        supplier: s ? { id: String(s._id), code: s.code, tag: s.tag ?? null, shownCode: displayCode(s), name: s.name, segment: s.segment } : null,
        lastMessageAt: t.lastMessageAt ?? null,
        messageCount: t.messageCount ?? 0,
        unread: Math.max(0, (t.messageCount ?? 0) - (readBy.get(String(t._id)) ?? 0)),
        needsReply: needs(t),
      };
    }),
    page,
    hasMore: threads.length > page * PAGE,
  };
}

/** A thread the user may open, else 404 (not 403: do not confirm it exists). */
export async function threadFor(user: ManagerViewer, threadId: string): Promise<ThreadDoc> {
  const t = Types.ObjectId.isValid(threadId) ? await Thread.findOne({ _id: new Types.ObjectId(threadId) }).lean<ThreadDoc>() : null;
  return assertVisible(user, t, 'no such thread');
}

export async function markRead(user: ManagerViewer, t: ThreadDoc, now: Date): Promise<void> {
  await ThreadRead.updateOne({ managerId: new Types.ObjectId(user.id), threadId: t._id }, { $max: { count: t.messageCount ?? 0 }, $set: { at: now } }, { upsert: true }).catch((err) => {
    if ((err as { code?: number }).code !== 11000) throw err; // two tabs at once: one marker
  });
}

/** Replies typed in the console for this chat, newest first (their delivery status). */
export async function threadOutbox(t: Pick<ThreadDoc, 'key'>, limit = 50): Promise<NoticeDoc[]> {
  return Notice.find({ to: t.key, kind: 'message' }).sort({ createdAt: -1 }).limit(limit).lean<NoticeDoc[]>();
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Search over original and translated text. Not a hot path: a regex over the messages the user
 * may see (on the embedded engine that is a scan; MongoDB would use a text index past a small
 * team), newest first, at most 50.
 */
export async function searchMessages(user: ManagerViewer, q: string): Promise<{ message: MessageDoc; thread: ThreadDoc | null }[]> {
  const ids = await visibleSupplierIds(user);
  const re = { $regex: escapeRegex(q), $options: 'i' };
  const filter: Record<string, unknown> = { $or: [{ text: re }, { 'translations.en.text': re }, { 'translations.ru.text': re }, { 'translations.az.text': re }, { 'translations.zh.text': re }] };
  if (ids) filter.supplierId = { $in: [...ids].map((i) => new Types.ObjectId(i)) };
  const found = await Message.find(filter).sort({ ts: -1 }).limit(50).lean<MessageDoc[]>();
  const threadIds = [...new Set(found.map((m) => String(m.threadId)))];
  const threads = threadIds.length ? await Thread.find({ _id: { $in: threadIds } }).lean<ThreadDoc[]>() : [];
  const byId = new Map(threads.map((t) => [String(t._id), t]));
  return found.map((message) => ({ message, thread: byId.get(String(message.threadId)) ?? null }));
}

/**
 * The manager's text in the partner's language (Chinese unless the supplier reads English):
 * as written when already in it; a provider failure is a clear 503, never a 500.
 */
export async function toPartner(
  translation: Pick<TranslationService, 'translateText' | 'detect'>,
  text: string,
  to: PartnerLang = 'zh',
  writer?: Lang,
): Promise<{ text: string; source: 'unchanged' | 'machine' }> {
  if (translation.detect(text, writer) === to) return { text, source: 'unchanged' };
  try {
    const r = await translation.translateText(text, to, undefined, writer);
    return { text: r.text, source: r.from === to ? 'unchanged' : 'machine' };
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new UnavailableError(msg(to === 'en' ? 'replyNotTranslatedEn' : 'replyNotTranslatedZh', { why: (err as Error).message }));
  }
}

export interface ReplyInput {
  text: string;
  /** What the manager saw in the preview, in the partner's language; translated here when absent. */
  zh?: string;
  idempotencyKey?: string;
}

/**
 * Queue a reply for the chat through the outbox (the bot delivers it, paced, with retries and a
 * visible status). Idempotent by key: a double click or a retried request queues one text.
 * A translation failure refuses the reply (502) and queues nothing: the text stays in the box.
 */
export async function queueReply(user: ManagerViewer, t: ThreadDoc, input: ReplyInput, translation: Pick<TranslationService, 'translateText' | 'detect'>, now: Date): Promise<NoticeDoc> {
  if (!t.supplierId && !user.seesAll) throw new ForbiddenError(msg('chatNotLinked'));
  let zh = input.zh?.trim();
  if (!zh) {
    // Typed in the partner's language already (Chinese, or English for an English-speaking
    // supplier): sent as written. Otherwise translated; a provider failure is a clear 503/502
    // and nothing is queued.
    zh = (await toPartner(translation, input.text, await partnerLangOf(t), user.language as Lang)).text;
  }
  const key = `console:${user.id}:${input.idempotencyKey ?? randomUUID()}`;
  const contact = t.contactWechatId ? await Contact.findOne({ wechatId: t.contactWechatId }, { timezone: 1 }).lean<ContactDoc>() : null;
  await enqueueNotice(
    {
      key,
      kind: 'message',
      to: t.key,
      recipient: { kind: 'supplier', id: t.supplierId ? String(t.supplierId) : undefined, timezone: contact?.timezone ?? 'Asia/Shanghai' },
      text: zh,
      original: { text: input.text, lang: user.language },
      by: new Types.ObjectId(user.id),
    },
    now,
  );
  await touchThread({ _id: t._id }, now).catch(() => undefined);
  return (await Notice.findOne({ key }).lean<NoticeDoc>())!;
}

export interface SupplierCard {
  id: string;
  code: string;
  tag: string | null;
  /** The code as people see it (`D12 AUGI` once tagged): displayCode. */
  shownCode: string;
  name: string;
  nameEn: string | null;
  segment: string;
  timezone: string;
  manager: { id: string; name: string } | null;
  contacts: { id: string; name: string; role: string | null; timezone: string; language: string }[];
  lastContactAt: Date | null;
}

export async function supplierCard(user: ManagerViewer, s: SupplierDoc): Promise<SupplierCard> {
  await assertVisible(user, { supplierId: s._id }, msg('noSupplierCode', { code: s.code }));
  const [contacts, manager, latest] = await Promise.all([
    Contact.find({ supplierId: s._id }).lean<ContactDoc[]>(),
    s.managerId ? Manager.findOne({ _id: s.managerId }, { name: 1 }).lean<ManagerDoc>() : null,
    Thread.find({ supplierId: s._id }, { lastMessageAt: 1 }).sort({ lastMessageAt: -1 }).limit(1).lean<ThreadDoc[]>(),
  ]);
  return {
    id: String(s._id),
    code: s.code,
    tag: s.tag ?? null,
    shownCode: displayCode(s),
    name: s.name,
    nameEn: s.nameEn ?? null,
    segment: s.segment,
    timezone: s.timezone,
    manager: manager ? { id: String(manager._id), name: manager.name } : null,
    contacts: contacts.map((c) => ({ id: String(c._id), name: c.name, role: c.role ?? null, phone: c.phone ?? null, timezone: c.timezone ?? s.timezone, language: c.language ?? 'zh' })),
    lastContactAt: latest[0]?.lastMessageAt ?? null,
  };
}

// ---- a thread as the console shows it ----

export async function threadHeader(user: ManagerViewer, threadId: string) {
  const t = await threadFor(user, threadId);
  const [s, contact] = await Promise.all([
    t.supplierId ? Supplier.findOne({ _id: new Types.ObjectId(String(t.supplierId)) }).lean<SupplierDoc>() : null,
    t.contactWechatId ? Contact.findOne({ wechatId: t.contactWechatId }).lean<ContactDoc>() : null,
  ]);
  return {
    id: String(t._id),
    key: t.key,
    kind: t.kind,
    title: t.topic ?? contact?.name ?? t.key,
    messageCount: t.messageCount ?? 0,
    supplier: s ? { id: String(s._id), code: s.code, tag: s.tag ?? null, shownCode: displayCode(s), name: s.name, segment: s.segment, timezone: s.timezone } : null,
    contact: contact
      ? { id: String(contact._id), name: contact.name, role: contact.role ?? null, timezone: contact.timezone ?? s?.timezone ?? 'Asia/Shanghai', language: contact.language ?? 'zh' }
      : null,
    timezone: contact?.timezone ?? s?.timezone ?? 'Asia/Shanghai',
  };
}

/**
 * A page of messages and the replies typed in the console. A console reply shows once: as the
 * mirrored message (with what the manager typed beside it) once the bot has sent it, matched by
 * the puppet's id or, when the puppet gives none, by its text; until then as an outbox item with
 * its status.
 */
export async function threadPage(
  user: ManagerViewer,
  threadId: string,
  opts: { before?: Date; after?: Date; limit: number },
): Promise<{ items: { message: MessageDoc; original: NoticeDoc['original'] | null }[]; outbox: NoticeDoc[] }> {
  const t: ThreadDoc = await threadFor(user, threadId);
  const [items, outbox] = await Promise.all([threadMessages(t, opts), threadOutbox(t)]);
  const byPuppet = new Map(outbox.filter((n) => n.puppetId).map((n) => [n.puppetId!, n]));
  const byText = new Map(outbox.filter((n) => n.status === 'sent' && !n.puppetId).map((n) => [n.text.trim(), n]));
  const shown = new Set<string>();
  const lookup = new Map<string, NoticeDoc>();
  for (const m of items) {
    const n = (m.puppetId && byPuppet.get(m.puppetId)) || (m.direction === 'out' ? byText.get((m.text ?? '').trim()) : undefined);
    if (!n || shown.has(String(n._id))) continue;
    shown.add(String(n._id));
    lookup.set(m.puppetId, n);
  }
  return {
    items: items.map((message) => ({ message, original: lookup.get(message.puppetId)?.original ?? null })),
    outbox: outbox.filter((n) => !shown.has(String(n._id)) && !(n.status === 'sent' && n.puppetId)),
  };
}

export interface SupplierTotals {
  /** The first order's date (or the supplier's creation when it has none). */
  cooperatingSince: Date | null;
  ordersCount: number;
  openCount: number;
  /** Per currency: orders in it, their total and average value (decimal strings). */
  byCurrency: { currency: string; orders: number; total: string; average: string }[];
}

/** The figures of a supplier card: orders, values per currency, since when. */
export async function supplierTotals(user: ManagerViewer, s: SupplierDoc): Promise<SupplierTotals> {
  await assertVisible(user, { supplierId: s._id }, msg('noSupplierCode', { code: s.code }));
  const orders = await Order.find({ supplierId: s._id }, { lines: 1, status: 1, createdAt: 1, currency: 1 }).lean<OrderDoc[]>();
  const per = new Map<string, { orders: number; totals: string[] }>();
  for (const o of orders) {
    const byCur = new Map<string, string[]>();
    for (const l of o.lines ?? []) byCur.set(l.currency, [...(byCur.get(l.currency) ?? []), lineTotal(l.qty, l.unitPrice).toString()]);
    for (const [cur, xs] of byCur) {
      const e = per.get(cur) ?? { orders: 0, totals: [] };
      e.orders++;
      e.totals.push(sum(xs).toString());
      per.set(cur, e);
    }
  }
  const first = orders.reduce<Date | null>((a, o) => (o.createdAt && (!a || o.createdAt < a) ? o.createdAt : a), null);
  return {
    cooperatingSince: first ?? (s as { createdAt?: Date }).createdAt ?? null,
    ordersCount: orders.length,
    openCount: orders.filter((o) => o.status === 'open').length,
    byCurrency: [...per.entries()].sort().map(([currency, e]) => {
      const total = sum(e.totals);
      return { currency, orders: e.orders, total: total.toFixed(2), average: total.div(e.orders).toFixed(2) };
    }),
  };
}
