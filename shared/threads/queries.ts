// Threads, messages and contacts as callers find them, scoped by shared/access.
import { Types } from 'mongoose';
import { assertVisible, supplierFilter, type Viewer } from '../access/index.js';
import { NotFoundError } from '../errors/index.js';
import { Contact, Message, Thread, threadDay, type ContactDoc, type MessageDoc, type ThreadDoc } from './model.js';

const PAGE = 50;

const oid = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined);

/** Threads the viewer may see, latest first, 50 a page; optionally of one supplier. */
export async function listThreads(v: Viewer, f: { supplierId?: Types.ObjectId | string; page?: number }, size = 50): Promise<{ items: ThreadDoc[]; page: number; hasMore: boolean }> {
  const page = f.page ?? 1;
  const filter = f.supplierId ? { supplierId: new Types.ObjectId(String(f.supplierId)) } : await supplierFilter(v);
  const items = await Thread.find(filter)
    .sort({ lastMessageAt: -1 })
    .skip((page - 1) * size)
    .limit(size + 1)
    .lean<ThreadDoc[]>();
  return { items: items.slice(0, size), page, hasMore: items.length > size };
}

/** The thread a message belongs to, when the viewer may see it. */
export async function messageFor(v: Viewer, messageId: string): Promise<MessageDoc> {
  const id = oid(messageId);
  const m = id ? await Message.findOne({ _id: id }).lean<MessageDoc>() : null;
  if (!m) throw new NotFoundError('no such message');
  const t = await Thread.findOne({ _id: m.threadId }, { supplierId: 1 }).lean<ThreadDoc>();
  await assertVisible(v, t, 'no such message');
  return m;
}

export interface ContactPatch {
  timezone?: string;
  /** The language replies and notices go out in to this person: zh (default) or en. */
  language?: 'zh' | 'en';
  role?: string;
  phone?: string;
}

/** Change a contact the viewer may see (its supplier's). */
export async function updateContact(v: Viewer, contactId: string, patch: ContactPatch): Promise<ContactDoc> {
  const id = oid(contactId);
  const c = id ? await Contact.findOne({ _id: id }).lean<ContactDoc>() : null;
  await assertVisible(v, c, 'no such contact');
  if (Object.keys(patch).length) await Contact.updateOne({ _id: id }, { $set: patch });
  return (await Contact.findOne({ _id: id }).lean<ContactDoc>())!;
}

/**
 * Newest first, `limit` messages older than `before`; or, with `after`, the ones newer (oldest
 * first, at most 200). Read a day at a time through the thread's `days` (one equality on
 * `Message.td` each), so a page costs what a few days hold, not what the thread holds.
 */
export async function threadMessages(thread: Pick<ThreadDoc, '_id' | 'days'>, opts: { before?: Date; after?: Date; limit?: number }): Promise<MessageDoc[]> {
  const days = [...(thread.days ?? [])].sort();
  if (!days.length) {
    // A thread whose days are not known (older data before its backfill): the plain query.
    const q: Record<string, unknown> = { threadId: thread._id };
    if (opts.after) q.ts = { $gt: opts.after };
    else if (opts.before) q.ts = { $lt: opts.before };
    if (opts.after) return Message.find(q).sort({ ts: 1 }).limit(200).lean<MessageDoc[]>();
    return Message.find(q)
      .sort({ ts: -1 })
      .limit(opts.limit ?? PAGE)
      .lean<MessageDoc[]>();
  }
  const dayOf = (d: Date) => d.toISOString().slice(0, 10);
  const out: MessageDoc[] = [];
  if (opts.after) {
    const after = opts.after;
    for (const day of days.filter((d) => d >= dayOf(after))) {
      const got = await Message.find({ td: threadDay(thread._id, new Date(`${day}T00:00:00Z`)) }).lean<MessageDoc[]>();
      out.push(...got.filter((m) => m.ts > after).sort((a, b) => a.ts.getTime() - b.ts.getTime()));
      if (out.length >= 200) break;
    }
    return out.slice(0, 200);
  }
  const limit = opts.limit ?? PAGE;
  const before = opts.before;
  for (const day of days.filter((d) => !before || d <= dayOf(before)).reverse()) {
    const got = await Message.find({ td: threadDay(thread._id, new Date(`${day}T00:00:00Z`)) }).lean<MessageDoc[]>();
    out.push(...got.filter((m) => !before || m.ts < before).sort((a, b) => b.ts.getTime() - a.ts.getTime()));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}
