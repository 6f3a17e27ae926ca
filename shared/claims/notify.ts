// Telling the supplier's chat about a claim (in Chinese, through the outbox).
import type { Types } from 'mongoose';
import { supplierLang } from '../translation/partner.js';
import { getLogger } from '../log/index.js';
import { enqueueNotice } from '../notices/index.js';
import { displayCodes, Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Thread, type ThreadDoc } from '../threads/model.js';
import type { ClaimDoc } from './model.js';
import { claimTextForSupplier } from './texts.js';

const log = getLogger('claims');

export async function supplierChat(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
  return Thread.findOne({ supplierId, thirdParty: { $ne: true } })
    .sort({ lastMessageAt: -1 })
    .lean<ThreadDoc>(); // the factory's chat, not a forwarder's
}

export async function supplierRecipient(c: ClaimDoc) {
  const s = await Supplier.findOne({ _id: c.supplierId }, { timezone: 1 }).lean<SupplierDoc>();
  return { kind: 'supplier' as const, id: String(c.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' };
}

/** Tell the supplier's chat (in Chinese, through the outbox): once per claim and version. The supplier's code as people see it (`D12 AUGI`). */
export async function notifySupplier(c: ClaimDoc, now: Date, given?: string): Promise<boolean> {
  const chat = await supplierChat(c.supplierId);
  if (!chat) {
    log.warn({ claim: c.number }, 'claim sent but the supplier has no chat yet; it shows in the mini-program');
    return false;
  }
  const text = given ?? claimTextForSupplier({ ...c, supplierCode: (await displayCodes([c.supplierCode])).get(c.supplierCode) ?? c.supplierCode }, await supplierLang(c.supplierId));
  return enqueueNotice({ key: `claim:${c._id}:${c.status}:${c.version}`, kind: 'claim', to: chat.key, recipient: await supplierRecipient(c), text, orderId: c.orderId }, now);
}
