// Threads, messages and contacts as callers find them, scoped by shared/access.
import { Types } from 'mongoose';
import { assertVisible, supplierFilter, type Viewer } from '../access/index.js';
import { NotFoundError } from '../errors/index.js';
import { Contact, Message, Thread, type ContactDoc, type MessageDoc, type ThreadDoc } from './model.js';

const oid = (id: string) => (Types.ObjectId.isValid(id) ? new Types.ObjectId(id) : undefined);

/** Threads the viewer may see, latest first, 50 a page; optionally of one supplier. */
export async function listThreads(v: Viewer, f: { supplierId?: Types.ObjectId | string; page?: number }, size = 50): Promise<{ items: ThreadDoc[]; page: number; hasMore: boolean }> {
  const page = f.page ?? 1;
  const filter = f.supplierId ? { supplierId: new Types.ObjectId(String(f.supplierId)) } : await supplierFilter(v);
  const items = await Thread.find(filter).sort({ lastMessageAt: -1 }).skip((page - 1) * size).limit(size + 1).lean<ThreadDoc[]>();
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

export const contactByWechatId = (wechatId: string) => Contact.findOne({ wechatId }).lean<ContactDoc>();

export interface ContactPatch {
  timezone?: string;
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
