// The partner's language: what a supplier (or contact) reads. Chinese by default; English when
// the contact or, failing that, the supplier is marked English. Replies and notices go out in it.
import { Supplier } from '../suppliers/model.js';
import { Contact, type ThreadDoc } from '../threads/model.js';

export type PartnerLang = 'zh' | 'en';

const asPartner = (v: unknown): PartnerLang | undefined => (v === 'en' ? 'en' : v === 'zh' ? 'zh' : undefined);

/** The language a chat's partner reads: the contact's (a private chat) when English, else the supplier's. */
export async function partnerLangOf(thread: Pick<ThreadDoc, 'kind' | 'contactWechatId' | 'supplierId'> | null | undefined): Promise<PartnerLang> {
  if (!thread) return 'zh';
  if (thread.kind === 'dm' && thread.contactWechatId) {
    const c = await Contact.findOne({ wechatId: thread.contactWechatId }, { language: 1 }).lean<{ language?: string }>();
    if (asPartner(c?.language) === 'en') return 'en';
  }
  return supplierLang(thread.supplierId);
}

/** A supplier's language (zh unless marked en). */
export async function supplierLang(supplierId: unknown): Promise<PartnerLang> {
  if (!supplierId) return 'zh';
  const s = await Supplier.findOne({ _id: supplierId }, { language: 1 }).lean<{ language?: string }>();
  return asPartner(s?.language) ?? 'zh';
}
