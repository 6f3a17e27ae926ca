// The outbox as a manager sees it in the console: notices to suppliers they may see, and their
// own; everything for those who see all.
import { Types } from 'mongoose';
import { visibleSupplierIds, type ManagerViewer } from '../access/index.js';
import { msg, NotFoundError } from '../errors/index.js';
import { Manager } from '../managers/model.js';
import { Notice, type NoticeDoc, type NoticeStatus } from './model.js';

function visibleTo(v: ManagerViewer, supplierIds: Set<string> | undefined) {
  return (n: NoticeDoc) => !supplierIds || (n.recipient?.kind === 'supplier' ? Boolean(n.recipient.id && supplierIds.has(n.recipient.id)) : n.recipient?.id === v.id);
}

export async function noticesFor(v: ManagerViewer, status: NoticeStatus, limit = 200): Promise<NoticeDoc[]> {
  const ids = await visibleSupplierIds(v);
  const items = await Notice.find({ status })
    .sort({ createdAt: -1 })
    .limit(ids ? limit * 5 : limit)
    .lean<NoticeDoc[]>();
  return items.filter(visibleTo(v, ids)).slice(0, limit);
}

export async function noticeFor(v: ManagerViewer, id: string): Promise<NoticeDoc> {
  const n = Types.ObjectId.isValid(id) ? await Notice.findOne({ _id: new Types.ObjectId(id) }).lean<NoticeDoc>() : null;
  if (!n || !visibleTo(v, await visibleSupplierIds(v))(n)) throw new NotFoundError(msg('noSuchNotice'));
  return n;
}

/**
 * The manager's own notifications, newest first: what was (or will be) sent to their WeChat —
 * supplier changes, claim answers, overdue reminders, "needs a date". One equality on the chat
 * (`to`, indexed with `createdAt`).
 */
export async function notificationsFor(v: ManagerViewer, limit = 100): Promise<NoticeDoc[]> {
  const m = await Manager.findOne({ _id: new Types.ObjectId(v.id) }, { wechatId: 1 }).lean<{ wechatId?: string }>();
  if (!m?.wechatId) return [];
  const items = await Notice.find({ to: `dm:${m.wechatId}` })
    .sort({ createdAt: -1 })
    .limit(limit)
    .lean<NoticeDoc[]>();
  return items.filter((n) => n.recipient?.kind === 'manager' && n.recipient.id === v.id && n.status !== 'cancelled');
}
