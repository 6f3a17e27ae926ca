// Daily reminders for claims the supplier has not answered.
import { enqueueNotice } from '../notices/index.js';
import { Claim, type ClaimDoc } from './model.js';
import { supplierChat, supplierRecipient } from './notify.js';
import { claimReminderText } from './texts.js';

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
          text: claimReminderText(c, now),
          orderId: c.orderId,
        },
        now,
      )
    )
      n++;
  }
  return n;
}
