// Follow-up: what a supplier changes outside the chat reaches the responsible manager. Listeners
// of `order.written` and `claim.written` (wired in shared/reactions.ts):
//   - a date moved, a milestone done (with its photos), a customs problem reported from the
//     mini-program → one WeChat message to the manager, batched through the outbox: at most one
//     per order per hour (later changes are added to the message still waiting);
//   - a claim answered or disputed → the manager at once;
// the supplier's words translated into the manager's language (the translation service) with
// the original beside them, and the translations stored beside the original for the API views.
import { Types } from 'mongoose';
import { dmKey } from '../messenger.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import { enqueueNotice, Notice, supplierChangesForManager, claimAnswerForManager, type NoticeDoc, type SupplierChange } from '../notices/index.js';
import { MILESTONES, Order, dayOf, type MilestoneName, type OrderDoc } from '../orders/index.js';
import type { TextTranslation } from '../orders/model.js';
import { displayCode, displayCodes, Supplier, type SupplierDoc } from '../suppliers/index.js';
import type { TranslationService } from '../translation/index.js';
import { Claim, type ClaimDoc } from '../claims/model.js';

const log = getLogger('followup');
const HOUR = 3_600_000;

export type FollowUpTranslation = Pick<TranslationService, 'translateText'>;
export interface FollowUpDeps {
  /** Without one, the manager gets the supplier's words as written. */
  translation?: FollowUpTranslation;
}

type ManagerLang = ReturnType<typeof managerLang>;
const langOf = (m: Pick<ManagerDoc, 'language'>): ManagerLang => managerLang(m.language);
const fromSupplier = (by?: string) => Boolean(by?.startsWith('supplier:'));
const day = (d?: Date | null) => (d ? dayOf(new Date(d)) : undefined);

async function responsibleManager(o: { managerId?: Types.ObjectId | null; supplierId: Types.ObjectId }): Promise<ManagerDoc | null> {
  let id = o.managerId;
  if (!id) id = (await Supplier.findOne({ _id: o.supplierId }, { managerId: 1 }).lean<SupplierDoc>())?.managerId ?? null;
  if (!id) return null;
  return Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>();
}

/** The supplier's text in `lang` (the original when translation is off, fails or is not needed). */
export async function translateFor(text: string, lang: ManagerLang, deps: FollowUpDeps): Promise<string | undefined> {
  if (!deps.translation || !text.trim()) return undefined;
  try {
    const r = await deps.translation.translateText(text, lang);
    return r.from === lang ? undefined : r.text;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'supplier text not translated; the manager gets the original');
    return undefined;
  }
}

/** Changes the manager is messaged about (a note alone is only translated). */
const notifies = (c: SupplierChange) => c.kind !== 'note';

/** What the supplier changed in one order write (nothing for a manager's write). */
export function supplierChanges(before: OrderDoc, after: OrderDoc, now: Date): (SupplierChange & { source?: string; field?: 'reason' | 'note' })[] {
  const out: (SupplierChange & { source?: string; field?: 'reason' | 'note' })[] = [];
  const at = now.toISOString().slice(11, 16);
  for (const name of MILESTONES) {
    const a = after.milestones?.[name];
    const b = before.milestones?.[name];
    if (!a || !fromSupplier(a.updatedBy) || String(a.updatedAt ?? '') === String(b?.updatedAt ?? '')) continue;
    if (day(a.planned) !== day(b?.planned)) {
      out.push({ kind: 'moved', milestone: name, from: day(b?.planned), to: day(a.planned), at, source: a.reason, field: 'reason' });
    }
    if (a.status === 'done' && b?.status !== 'done') {
      out.push({ kind: 'done', milestone: name, to: day(a.actual), photos: a.photos?.length ?? 0, at, source: a.note !== b?.note ? a.note : undefined, field: 'note' });
    } else if (a.note && a.note !== b?.note) {
      out.push({ kind: 'note', milestone: name, at, source: a.note, field: 'note' });
    }
  }
  const r = after.readiness;
  if (r?.answer && fromSupplier(r.by) && String(r.at ?? '') !== String(before.readiness?.at ?? '')) {
    out.push({ kind: 'readiness', ready: r.answer === 'ready', to: day(r.date), at, source: r.note });
  }
  const c = after.customs;
  if (c && fromSupplier(c.updatedBy) && c.status === 'held' && String(c.updatedAt ?? '') !== String(before.customs?.updatedAt ?? '')) {
    out.push({ kind: 'customs', to: day(c.expectedDate), at, source: c.reason });
  }
  return out;
}

/**
 * Add `line` to the manager's waiting message about this order, or queue a new one: sent at once
 * when none went out in the last hour, else when the hour since the last is over.
 */
async function batched(o: OrderDoc, m: ManagerDoc, header: string, lines: string[], now: Date): Promise<void> {
  const topic = `supplier-change:${o._id}:${m._id}`;
  for (let attempt = 0; attempt < 6; attempt++) {
    // Equality on the order first (the outbox's `orderId, status` index), topic after.
    const queued = (await Notice.find({ orderId: o._id, status: 'queued' }).lean<NoticeDoc[]>()).find((n) => n.topic === topic);
    if (queued) {
      const r = await Notice.updateOne({ _id: queued._id, status: 'queued', text: queued.text }, { $set: { text: `${queued.text}\n${lines.join('\n')}` } });
      if (r.modifiedCount === 1) return;
      continue; // claimed or extended meanwhile: look again
    }
    const recent = (await Notice.find({ orderId: o._id, status: { $in: ['sending', 'sent'] } }).lean<NoticeDoc[]>()).filter((n) => n.topic === topic);
    const lastAt = Math.max(0, ...recent.map((n) => (n.sentAt ?? n.createdAt).getTime()));
    const slot = new Date(Math.max(now.getTime(), lastAt + HOUR));
    const key = `${topic}:${slot.toISOString().slice(0, 13)}`;
    const created = await enqueueNotice(
      {
        key,
        topic,
        kind: 'supplier_change',
        to: dmKey(m.wechatId!),
        recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone },
        text: `${header}\n${lines.join('\n')}`,
        orderId: o._id,
        notBefore: slot,
      },
      now,
    );
    if (created) return;
    // The same slot was taken concurrently (or already sent): append, or try the next slot.
  }
  log.warn({ order: o.number }, 'supplier change not batched after several tries');
}

/** Store translations of the supplier's words beside the original (no version bump: derived data). */
async function storeTranslation(orderId: Types.ObjectId, path: string, tr: TextTranslation): Promise<void> {
  await Order.updateOne({ _id: orderId }, { $push: { [`${path}.tr`]: tr } }).catch((err) => log.warn({ err: (err as Error).message }, 'translation not stored'));
}

/** The `order.written` listener: a supplier's change reaches the responsible manager. */
export async function onOrderWritten({ before, after, now }: { before: OrderDoc | null; after: OrderDoc; now: Date }, deps: FollowUpDeps): Promise<void> {
  if (!before) return;
  const changes = supplierChanges(before, after, now);
  if (!changes.length) return;
  const m = await responsibleManager(after);
  const lang = m ? langOf(m) : 'en';
  for (const c of changes) {
    if (!c.source?.trim()) continue;
    const translated = await translateFor(c.source, lang, deps);
    c.text = { original: c.source, translated };
    const path = c.kind === 'customs' ? 'customs' : c.kind === 'readiness' ? 'readiness' : `milestones.${c.milestone as MilestoneName}`;
    if (translated) await storeTranslation(after._id, path, { lang, original: c.source, text: translated });
  }
  if (!m?.wechatId) return;
  if (!changes.some(notifies)) return; // a note alone is translated for the views, not messaged
  const s = await Supplier.findOne({ _id: after.supplierId }, { name: 1, nameEn: 1, code: 1, tag: 1 }).lean<SupplierDoc>();
  const text = supplierChangesForManager({ po: after.number, code: s ? displayCode(s) : after.supplierCode, supplier: s?.nameEn ?? s?.name }, changes.filter(notifies), lang);
  const [header, ...lines] = text.split('\n');
  await batched(after, m, header!, lines, now);
}

/** The `claim.written` listener: the supplier answered (accepted or disputed) → the manager, translated. */
export async function onClaimWritten({ before, after, now }: { before: ClaimDoc | null; after: ClaimDoc; now: Date }, deps: FollowUpDeps): Promise<void> {
  if (!before || before.status !== 'sent' || after.status !== 'supplier_answered' || !after.answer) return;
  // The order's responsible manager (the claim's filer when the order names none).
  const o = await Order.findOne({ _id: after.orderId }, { managerId: 1, supplierId: 1 }).lean<OrderDoc>();
  const m = await responsibleManager(o?.managerId ? o : after);
  const lang = m ? langOf(m) : 'en';
  const original = after.answer.text ?? '';
  const translated = original ? await translateFor(original, lang, deps) : undefined;
  if (translated) await Claim.updateOne({ _id: after._id }, { $push: { 'answer.tr': { lang, original, text: translated } } }).catch(() => undefined);
  if (!m?.wechatId) return;
  const text = claimAnswerForManager(
    {
      claim: after.number,
      po: after.orderNumber,
      code: (await displayCodes([after.supplierCode])).get(after.supplierCode)!,
      decision: after.answer.decision,
      original,
      translated,
      photos: after.answer.photos?.length ?? 0,
    },
    lang,
  );
  await enqueueNotice(
    {
      key: `claim-answer:${after._id}:${after.version}:${m._id}`,
      kind: 'claim_answer',
      to: dmKey(m.wechatId),
      recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone },
      text,
      orderId: after.orderId,
    },
    now,
  );
}

/** The translation of `original` into `lang` among stored ones (none when the text changed since). */
export const storedTranslation = (tr: TextTranslation[] | undefined, lang: string, original?: string | null) =>
  original ? tr?.find((t) => t.lang === lang && t.original === original)?.text : undefined;

export { onSupplierMessage, readinessReply, dateIn, type ReadinessReply } from './readiness.js';
