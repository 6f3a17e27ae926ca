// A thread as the console shows it: its header (supplier, contact, local time zone) and a page
// of messages with the console replies matched to the mirrored messages they became.
import { Types } from 'mongoose';
import type { ManagerViewer } from '../access/index.js';
import type { NoticeDoc } from '../notices/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/model.js';
import { Contact, type ContactDoc, type MessageDoc, type ThreadDoc } from '../threads/model.js';
import { threadFor, threadMessages, threadOutbox } from './index.js';

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
    supplier: s ? { id: String(s._id), code: s.code, name: s.name, segment: s.segment, timezone: s.timezone } : null,
    contact: contact ? { name: contact.name, role: contact.role ?? null, timezone: contact.timezone ?? 'Asia/Shanghai' } : null,
    timezone: contact?.timezone ?? s?.timezone ?? 'Asia/Shanghai',
  };
}

/**
 * A page of messages and the replies typed in the console. A console reply shows once: as the
 * mirrored message (with what the manager typed beside it) once the bot has sent it, matched by
 * the puppet's id or, when the puppet gives none, by its text; until then as an outbox item with
 * its status.
 */
export async function threadPage(user: ManagerViewer, threadId: string, opts: { before?: Date; after?: Date; limit: number }): Promise<{ items: { message: MessageDoc; original: NoticeDoc['original'] | null }[]; outbox: NoticeDoc[] }> {
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
