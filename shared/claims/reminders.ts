// Daily reminders for claims the supplier has not answered.
import { dmKey } from '../messenger.js';
import { supplierLang } from '../translation/partner.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import { enqueueNotice } from '../notices/index.js';
import { Order, type OrderDoc } from '../orders/index.js';
import { Claim, type ClaimDoc } from './model.js';
import { supplierChat, supplierRecipient } from './notify.js';
import { claimOverdueForManager, claimReminderText } from './texts.js';

/**
 * Daily reminders for claims the supplier has not answered, from the day after sending: one
 * per claim and day (key), the newest replacing a queued older one (topic). The outbox holds
 * them for the supplier's working hours and Chinese holidays.
 */
export async function scanClaimReminders(now: Date): Promise<number> {
  const open = await Claim.find({ status: 'sent' }).lean<ClaimDoc[]>();
  const day = now.toISOString().slice(0, 10);
  let n = 0;
  for (const c of open) {
    if (!c.sentAt || c.sentAt.toISOString().slice(0, 10) >= day) continue;
    const chat = await supplierChat(c.supplierId);
    if (!chat) continue;
    if (
      await enqueueNotice(
        {
          key: `claim-reminder:${c._id}:${day}`,
          topic: `claim-reminder:${c._id}`,
          kind: 'claim_reminder',
          to: chat.key,
          recipient: await supplierRecipient(c),
          text: claimReminderText(c, now, await supplierLang(c.supplierId)),
          orderId: c.orderId,
        },
        now,
      )
    )
      n++;
  }
  return n;
}

/**
 * The buyer is warned when a supplier's answer is overdue: once the answer deadline has passed
 * on a claim still waiting ('sent'), its manager (the order's responsible manager, else who filed
 * it) gets one notice per claim and deadline (key; a claim sent again gets a new deadline).
 */
export async function scanClaimAnswersOverdue(now: Date): Promise<number> {
  const waiting = await Claim.find({ status: 'sent' }).lean<ClaimDoc[]>();
  let n = 0;
  for (const c of waiting) {
    if (!c.answerDue || c.answerDue.getTime() > now.getTime()) continue;
    const o = await Order.findOne({ _id: c.orderId }, { managerId: 1 }).lean<OrderDoc>();
    const id = o?.managerId ?? c.managerId;
    const m = id ? await Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>() : null;
    if (!m?.wechatId) continue;
    const lang = managerLang(m.language);
    if (
      await enqueueNotice(
        {
          key: `claim-overdue:${c._id}:${c.answerDue.toISOString()}:${m._id}`,
          kind: 'claim_overdue',
          to: dmKey(m.wechatId),
          recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone },
          text: claimOverdueForManager(c, lang, now),
          orderId: c.orderId,
        },
        now,
      )
    )
      n++;
  }
  return n;
}
