// Filing a claim: stored first, its description translated into Chinese for the supplier,
// then sent (unless kept as a draft). Told as `claim.written` (shared/events).
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { issue, msg, NotFoundError, ValidationError } from '../errors/index.js';
import { events } from '../events/index.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerLang } from '../managers/model.js';
import { findOrderByNumber, getOrder, type OrderDoc } from '../orders/index.js';
import { Counter } from '../suppliers/model.js';
import { detectLang, type TranslationService } from '../translation/index.js';
import { Claim, CLAIM_TYPES, type ClaimDoc, type ClaimFile, type ClaimType } from './model.js';
import { notifySupplier } from './notify.js';
import { checkMoney, DAY, MAX_PHOTOS } from './rules.js';
import { factsUpdate, type ClaimFacts } from './details.js';

const log = getLogger('claims');

export interface NewClaim {
  orderNumber?: string;
  orderId?: string;
  /** Index of the PO line (0-based), when the claim is about one. */
  line?: number;
  type: ClaimType;
  qty: number;
  amount?: string;
  currency?: string;
  description: string;
  /** Photos or files kept elsewhere (http(s) links); uploads go through addClaimPhoto. */
  photos?: { url: string; name?: string }[];
  /** Days the supplier has to answer (default 5). */
  answerDays?: number;
  /** File and send at once (default), or keep as a draft. */
  send?: boolean;
  /** Batch, date received, presumed cause, losses (shared/claims/details.ts). */
  batch?: string;
  receivedOn?: Date;
  cause?: ClaimFacts['cause'];
  losses?: ClaimFacts['losses'];
}

export type ClaimTranslation = Pick<TranslationService, 'translateText'> & Partial<Pick<TranslationService, 'detect'>>;

/** A failed translation is tried again when someone looks at the claim, at most this often. */
export const TRANSLATION_RETRY_MS = 10 * 60_000;

async function nextNumber(po: string): Promise<string> {
  const c = await Counter.findOneAndUpdate({ _id: `claim:${po}` }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean<{ seq: number }>();
  return `CL-${po}-${c!.seq}`;
}

/**
 * File a claim (a manager): stored first, then its description translated into Chinese for the
 * supplier (a failure leaves it filed, marked 'failed'), then sent unless `send: false`.
 */
export async function fileClaim(input: NewClaim, manager: { id: string; language?: ManagerLang }, translation: ClaimTranslation | undefined, now = new Date()): Promise<ClaimDoc> {
  if (!CLAIM_TYPES.includes(input.type)) throw new ValidationError(msg('unknownClaimType', { type: input.type }), [issue('type', 'field.oneOf', { options: CLAIM_TYPES.join(', ') })]);
  if (!Number.isInteger(input.qty) || input.qty <= 0) throw new ValidationError(msg('qtyPositive'), [issue('qty', 'field.positiveInteger')]);
  checkMoney(input.amount, input.currency, '');
  const description = (input.description ?? '').trim();
  if (!description) throw new ValidationError(msg('describeProblem'), [issue('description', 'field.required')]);
  const photos: ClaimFile[] = (input.photos ?? []).map((p) => {
    if (!/^https?:\/\/\S+$/.test(p.url)) throw new ValidationError(msg('photoLinkUrl'), [issue('photos', 'field.httpUrl')]);
    return { id: randomUUID(), name: (p.name ?? p.url.split('/').pop() ?? 'photo').slice(0, 200), url: p.url, at: now, by: `manager:${manager.id}` };
  });
  if (photos.length > MAX_PHOTOS) throw new ValidationError(msg('tooManyPhotos', { n: MAX_PHOTOS }), [issue('photos', 'field.tooMany')]);
  let order: OrderDoc | null = null;
  if (input.orderId) order = await getOrder(input.orderId);
  else if (input.orderNumber) order = await findOrderByNumber(input.orderNumber);
  if (!order) throw new NotFoundError(msg('noOrder', { po: String(input.orderNumber ?? input.orderId ?? '') }));
  if (input.line !== undefined && !(order.lines ?? [])[input.line]) throw new ValidationError(msg('noOrderLine', { po: order.number, line: input.line + 1 }), [issue('line', 'field.noSuchLine')]);

  // The manager wrote it: when detection is unsure (short English lines often read as another
  // Latin language), the source is the manager's own language.
  let lang = (translation?.detect ?? detectLang)(description, manager.language);
  if (lang === 'other') lang = manager.language ?? managerLang((await Manager.findOne({ _id: new Types.ObjectId(manager.id) }, { language: 1 }).lean<{ language?: string }>())?.language);
  const facts = factsUpdate({ batch: input.batch, receivedOn: input.receivedOn, cause: input.cause, losses: input.losses }, `manager:${manager.id}`, now).$set;
  const send = input.send ?? true;
  const number = await nextNumber(order.number);
  const doc = await Claim.create({
    number,
    orderId: order._id,
    orderNumber: order.number,
    supplierId: order.supplierId,
    supplierCode: order.supplierCode,
    managerId: new Types.ObjectId(manager.id),
    line: input.line,
    item: input.line !== undefined ? order.lines[input.line]!.item : undefined,
    type: input.type,
    qty: input.qty,
    amount: input.amount,
    currency: input.currency,
    description,
    descriptionLang: lang,
    // Chinese already, or nothing a translator can take (numbers, emoji, other languages).
    ...(lang === 'zh'
      ? { descriptionZh: description, translationStatus: 'skipped' }
      : lang === 'en' || lang === 'ru' || lang === 'az'
        ? { translationStatus: 'pending' }
        : { translationStatus: 'skipped' }),
    photos,
    ...facts,
    answerDue: new Date(now.getTime() + (input.answerDays ?? 5) * DAY),
    status: send ? 'sent' : 'draft',
    history: send ? [{ from: 'draft', to: 'sent', by: `manager:${manager.id}`, at: now, reason: 'filed and sent' }] : [],
    sentAt: send ? now : undefined,
    createdAt: now,
    updatedAt: now,
  });
  let c = doc.toObject() as unknown as ClaimDoc;
  if (c.translationStatus === 'pending' && translation) c = await translateClaim(c, translation, now);
  await events.emit('claim.written', { before: null, after: c, now });
  // A crash right here leaves a sent claim without its notice: the daily reminder still comes.
  if (send) await notifySupplier(c, now);
  return c;
}

/**
 * Translate a claim's description into Chinese. Its own update (not a status move: no version
 * bump, so it never races a transition); a failure is recorded and the claim stays as it was.
 */
export async function translateClaim(c: ClaimDoc, translation: ClaimTranslation, now = new Date()): Promise<ClaimDoc> {
  if (c.translationStatus !== 'pending' && c.translationStatus !== 'failed') return c;
  const from = c.descriptionLang === 'en' || c.descriptionLang === 'ru' || c.descriptionLang === 'az' ? c.descriptionLang : undefined;
  let set: Partial<ClaimDoc>;
  try {
    const zh = (await translation.translateText(c.description, 'zh', from)).text;
    set = { descriptionZh: zh, translationStatus: 'done', translationTriedAt: now };
  } catch (err) {
    log.warn({ claim: c.number, err: (err as Error).message }, 'claim description not translated; filed anyway, tried again later');
    set = { translationStatus: 'failed', translationTriedAt: now };
  }
  const after = await Claim.findOneAndUpdate({ _id: c._id, translationStatus: c.translationStatus }, { $set: set }, { returnDocument: 'after' }).lean<ClaimDoc>();
  return after ?? (await Claim.findOne({ _id: c._id }).lean<ClaimDoc>()) ?? c;
}

/** Try a pending or failed translation again, unless it was tried within TRANSLATION_RETRY_MS. */
export async function retryClaimTranslation(c: ClaimDoc, translation: ClaimTranslation | undefined, now = new Date()): Promise<ClaimDoc> {
  if (!translation || (c.translationStatus !== 'pending' && c.translationStatus !== 'failed')) return c;
  if (c.translationTriedAt && now.getTime() - c.translationTriedAt.getTime() < TRANSLATION_RETRY_MS) return c;
  return translateClaim(c, translation, now);
}
