// Duplicate handling for new contacts (docs/product-rules.md "Suppliers"): a new contact is checked
// against known suppliers by WeChat id, phone and name + company before a supplier is created.
// A WeChat id listed on a supplier is the same identity (linked); a phone or a name + company
// match is only a *possible* duplicate: flagged for a person to decide, never merged silently.
import type { Types } from 'mongoose';
import { Contact } from '../threads/model.js';
import { Supplier, type SupplierDoc } from './model.js';

export interface ContactFacts {
  wechatId: string;
  name: string;
  phone?: string;
  company?: string;
}

export interface DuplicateCheck {
  /** A supplier this identity certainly belongs to (its WeChat id is on record). */
  same?: SupplierDoc;
  /** Suppliers that may be the same company: for a manager to confirm or reject. */
  possible: SupplierDoc[];
  reasons: string[];
}

export const normalisePhone = (p: string) => p.replace(/[^\d]/g, '').replace(/^86(?=1\d{10}$)/, '');
const normaliseName = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

export async function checkDuplicates(c: ContactFacts): Promise<DuplicateCheck> {
  const same = await Supplier.findOne({ wechatIds: c.wechatId, mergedInto: { $exists: false } }).lean<SupplierDoc>();
  if (same) return { same, possible: [], reasons: ['wechat id on record'] };

  const possible = new Map<string, SupplierDoc>();
  const reasons: string[] = [];
  if (c.phone) {
    const phone = normalisePhone(c.phone);
    for (const s of await Supplier.find({ phones: phone }).lean<SupplierDoc[]>()) {
      possible.set(String(s._id), s);
      reasons.push(`phone ${phone} of ${s.code}`);
    }
    for (const other of await Contact.find({ phone }).lean<{ supplierId?: Types.ObjectId; wechatId: string }[]>()) {
      if (other.wechatId === c.wechatId || !other.supplierId) continue;
      const s = await Supplier.findOne({ _id: other.supplierId }).lean<SupplierDoc>();
      if (s) {
        possible.set(String(s._id), s);
        reasons.push(`phone ${phone} of a contact of ${s.code}`);
      }
    }
  }
  if (c.company) {
    // Equality on the contact's name first (selective), then the company compared here.
    for (const other of await Contact.find({ name: c.name.trim() }).lean<{ supplierId?: Types.ObjectId; wechatId: string; company?: string }[]>()) {
      if (other.wechatId === c.wechatId || !other.supplierId || !other.company) continue;
      if (normaliseName(other.company) !== normaliseName(c.company)) continue;
      const s = await Supplier.findOne({ _id: other.supplierId }).lean<SupplierDoc>();
      if (s) {
        possible.set(String(s._id), s);
        reasons.push(`name + company of a contact of ${s.code}`);
      }
    }
    for (const s of await Supplier.find({ name: c.company.trim() }).lean<SupplierDoc[]>()) {
      possible.set(String(s._id), s);
      reasons.push(`company name of ${s.code}`);
    }
  }
  return { possible: [...possible.values()].filter((s) => !s.mergedInto), reasons };
}
