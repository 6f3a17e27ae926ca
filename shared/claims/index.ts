// Claims: defects, shortages, wrong items, transit damage and late delivery against a PO (and
// line), from report to settlement. Statuses move only along TRANSITIONS, each move one guarded
// update (status + version) that records who, when and why: of concurrent moves exactly one
// wins, a forbidden one changes nothing. Sending a claim tells the supplier's chat in Chinese;
// reminders follow daily until answered (outbox rules: quiet hours, holidays, once per day).
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Manager } from '../managers/model.js';
import { Decimal } from '../money/index.js';
import { cancelQueuedNotices, enqueueNotice } from '../notices/index.js';
import { CURRENCIES, findOrderByNumber, getOrder, type OrderDoc } from '../orders/index.js';
import { onClaimWritten } from '../performance/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Counter } from '../suppliers/model.js';
import { Thread, type ThreadDoc } from '../threads/index.js';
import { detectLang, type TranslationService } from '../translation/index.js';
import { Claim, CLAIM_TYPES, SETTLEMENT_KINDS, type ClaimDoc, type ClaimFile, type ClaimStatus, type ClaimType, type SettlementKind } from './model.js';
import { claimReminderText, claimTextForSupplier, claimWithdrawnText } from './texts.js';

export * from './model.js';
export * from './texts.js';

const log = getLogger('claims');
const DAY = 86_400_000;

export type Actor = { kind: 'manager'; id: string } | { kind: 'supplier'; supplierId: string; openid: string };
const actorTag = (a: Actor) => (a.kind === 'manager' ? `manager:${a.id}` : `supplier:${a.openid}`);

/**
 * The allowed moves and who makes them:
 *   draft → sent | closed (dropped before sending)            manager
 *   sent → supplier_answered                                   supplier (answer, accept or dispute)
 *   sent → closed (withdrawn: filed by mistake; reason)        manager, the supplier is told
 *   supplier_answered → agreed | disputed | sent (asked again)  manager
 *   disputed → agreed | rejected                               manager (after negotiation / claim dropped)
 *   agreed → settled (with a settlement kind)                  manager
 *   settled → closed, rejected → closed                        manager
 */
export const TRANSITIONS: Record<ClaimStatus, Partial<Record<ClaimStatus, 'manager' | 'supplier'>>> = {
  draft: { sent: 'manager', closed: 'manager' },
  sent: { supplier_answered: 'supplier', closed: 'manager' },
  supplier_answered: { agreed: 'manager', disputed: 'manager', sent: 'manager' },
  disputed: { agreed: 'manager', rejected: 'manager' },
  agreed: { settled: 'manager' },
  settled: { closed: 'manager' },
  rejected: { closed: 'manager' },
  closed: {},
};

export const canMove = (from: ClaimStatus, to: ClaimStatus, who: Actor['kind']) => TRANSITIONS[from]?.[to] === who;

/** Moves that need a reason in the history (the other side will ask why). */
const NEEDS_REASON = (from: ClaimStatus, to: ClaimStatus) => to === 'disputed' || to === 'rejected' || (from === 'supplier_answered' && to === 'sent') || (from === 'sent' && to === 'closed');
const OPEN: ClaimStatus[] = ['draft', 'sent', 'supplier_answered', 'agreed', 'disputed'];
const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;


// ---- filing ---------------------------------------------------------------------------------

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
}

export type ClaimTranslation = Pick<TranslationService, 'translateText'> & Partial<Pick<TranslationService, 'detect'>>;

/** A failed translation is tried again when someone looks at the claim, at most this often. */
export const TRANSLATION_RETRY_MS = 10 * 60_000;
const MAX_PHOTOS = 10;

async function supplierChat(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
  return Thread.findOne({ supplierId, thirdParty: { $ne: true } }).sort({ lastMessageAt: -1 }).lean<ThreadDoc>(); // the factory's chat, not a forwarder's
}

async function nextNumber(po: string): Promise<string> {
  const c = await Counter.findOneAndUpdate({ _id: `claim:${po}` }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean<{ seq: number }>();
  return `CL-${po}-${c!.seq}`;
}

function checkMoney(amount: string | undefined, currency: string | undefined, field: string) {
  if ((amount === undefined) !== (currency === undefined)) throw new ValidationError('an amount needs its currency', [{ field: amount === undefined ? `${field}amount` : `${field}currency`, message: 'give both' }]);
  if (amount !== undefined && (!AMOUNT.test(amount) || new Decimal(amount).lte(0))) throw new ValidationError('the amount must be a positive decimal such as 120.50', [{ field: `${field}amount`, message: 'positive decimal' }]);
  if (currency !== undefined && !(CURRENCIES as readonly string[]).includes(currency)) throw new ValidationError(`unknown currency ${currency}`, [{ field: `${field}currency`, message: CURRENCIES.join(', ') }]);
}

/**
 * File a claim (a manager): stored first, then its description translated into Chinese for the
 * supplier (a failure leaves it filed, marked 'failed'), then sent unless `send: false`.
 */
export async function fileClaim(input: NewClaim, manager: { id: string; language?: 'en' | 'ru' }, translation: ClaimTranslation | undefined, now = new Date()): Promise<ClaimDoc> {
  if (!CLAIM_TYPES.includes(input.type)) throw new ValidationError(`unknown claim type ${input.type}`, [{ field: 'type', message: `one of ${CLAIM_TYPES.join(', ')}` }]);
  if (!Number.isInteger(input.qty) || input.qty <= 0) throw new ValidationError('the quantity must be a positive whole number', [{ field: 'qty', message: 'positive integer' }]);
  checkMoney(input.amount, input.currency, '');
  const description = (input.description ?? '').trim();
  if (!description) throw new ValidationError('describe the problem', [{ field: 'description', message: 'required' }]);
  const photos: ClaimFile[] = (input.photos ?? []).map((p) => {
    if (!/^https?:\/\/\S+$/.test(p.url)) throw new ValidationError('a photo link must be an http(s) URL', [{ field: 'photos', message: 'http(s) URL' }]);
    return { id: randomUUID(), name: (p.name ?? p.url.split('/').pop() ?? 'photo').slice(0, 200), url: p.url, at: now, by: `manager:${manager.id}` };
  });
  if (photos.length > MAX_PHOTOS) throw new ValidationError(`at most ${MAX_PHOTOS} photos`, [{ field: 'photos', message: 'too many' }]);
  let order: OrderDoc | null = null;
  if (input.orderId) order = await getOrder(input.orderId);
  else if (input.orderNumber) order = await findOrderByNumber(input.orderNumber);
  if (!order) throw new NotFoundError(`no order ${input.orderNumber ?? input.orderId ?? ''}`.trim());
  if (input.line !== undefined && !(order.lines ?? [])[input.line]) throw new ValidationError(`order ${order.number} has no line ${input.line + 1}`, [{ field: 'line', message: 'no such line' }]);

  // The manager wrote it: when detection is unsure (short English lines often read as another
  // Latin language), the source is the manager's own language.
  let lang = (translation?.detect ?? detectLang)(description);
  if (lang === 'other') lang = manager.language ?? ((await Manager.findOne({ _id: new Types.ObjectId(manager.id) }, { language: 1 }).lean<{ language?: string }>())?.language === 'ru' ? 'ru' : 'en');
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
    ...(lang === 'zh' ? { descriptionZh: description, translationStatus: 'skipped' } : lang === 'en' || lang === 'ru' ? { translationStatus: 'pending' } : { translationStatus: 'skipped' }),
    photos,
    answerDue: new Date(now.getTime() + (input.answerDays ?? 5) * DAY),
    status: send ? 'sent' : 'draft',
    history: send ? [{ from: 'draft', to: 'sent', by: `manager:${manager.id}`, at: now, reason: 'filed and sent' }] : [],
    sentAt: send ? now : undefined,
    createdAt: now,
    updatedAt: now,
  });
  let c = doc.toObject() as unknown as ClaimDoc;
  if (c.translationStatus === 'pending' && translation) c = await translateClaim(c, translation, now);
  await onClaimWritten(null, c, now);
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
  const from = c.descriptionLang === 'en' || c.descriptionLang === 'ru' ? c.descriptionLang : undefined;
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

async function supplierRecipient(c: ClaimDoc) {
  const s = await Supplier.findOne({ _id: c.supplierId }, { timezone: 1 }).lean<SupplierDoc>();
  return { kind: 'supplier' as const, id: String(c.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' };
}

/** Tell the supplier's chat (in Chinese, through the outbox): once per claim and version. */
async function notifySupplier(c: ClaimDoc, now: Date, text = claimTextForSupplier(c)): Promise<boolean> {
  const chat = await supplierChat(c.supplierId);
  if (!chat) {
    log.warn({ claim: c.number }, 'claim sent but the supplier has no chat yet; it shows in the mini-program');
    return false;
  }
  return enqueueNotice({ key: `claim:${c._id}:${c.status}:${c.version}`, kind: 'claim', to: chat.key, recipient: await supplierRecipient(c), text, orderId: c.orderId }, now);
}

// ---- reading ---------------------------------------------------------------------------------

/** What an actor may see: a supplier only its own claims, and never a draft. */
function scopeOf(actor: Actor): Record<string, unknown> {
  return actor.kind === 'supplier' ? { supplierId: new Types.ObjectId(actor.supplierId), status: { $ne: 'draft' } } : {};
}

export async function getClaim(id: string, actor?: Actor): Promise<ClaimDoc> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('no such claim');
  const c = await Claim.findOne({ _id: new Types.ObjectId(id), ...(actor ? scopeOf(actor) : {}) }).lean<ClaimDoc>();
  // Another supplier's claim (or a draft) is "not found", not "forbidden": its existence is not disclosed.
  if (!c) throw new NotFoundError('no such claim');
  return c;
}

export async function listClaims(filter: { supplierId?: string; status?: ClaimStatus; orderId?: string; forSupplier?: boolean }, limit = 100): Promise<ClaimDoc[]> {
  const q: Record<string, unknown> = {};
  // Equality on a top-level field first (supplierId, orderId or status): the embedded engine pushes only that down.
  if (filter.supplierId) q.supplierId = new Types.ObjectId(filter.supplierId);
  if (filter.orderId) q.orderId = new Types.ObjectId(filter.orderId);
  if (filter.status) q.status = filter.status;
  if (filter.forSupplier && filter.status === 'draft') return [];
  if (filter.forSupplier && !filter.status) q.status = { $ne: 'draft' };
  return Claim.find(q).sort({ createdAt: -1 }).limit(limit).lean<ClaimDoc[]>();
}

// ---- moves ----------------------------------------------------------------------------------

export interface MoveOptions {
  reason?: string;
  settlement?: { kind: SettlementKind; amount?: string; currency?: string; note?: string };
  answer?: { text?: string; decision: 'accept' | 'dispute'; photos?: ClaimFile[] };
}

/**
 * Move a claim to `to`. Checks the table and the actor, then ONE guarded update on the status
 * and version read: if someone else moved it meanwhile, this one fails with a conflict and
 * changes nothing. A forbidden move is a ConflictError (with the allowed ones), the wrong side
 * a ForbiddenError, missing input a ValidationError — all before anything is written.
 */
export async function moveClaim(id: string, to: ClaimStatus, actor: Actor, opts: MoveOptions = {}, now = new Date()): Promise<ClaimDoc> {
  const c = await getClaim(id, actor);
  const who = TRANSITIONS[c.status]?.[to];
  if (!who) throw new ConflictError(`a claim cannot go from ${c.status} to ${to}`, { from: c.status, to, allowed: Object.keys(TRANSITIONS[c.status] ?? {}) });
  if (who !== actor.kind) throw new ForbiddenError(`only the ${who} moves a claim from ${c.status} to ${to}`);
  const set: Record<string, unknown> = { status: to, updatedAt: now };
  if (to === 'settled') {
    const s = opts.settlement;
    if (!s || !SETTLEMENT_KINDS.includes(s.kind)) throw new ValidationError('settling needs a settlement kind', [{ field: 'settlement.kind', message: SETTLEMENT_KINDS.join(', ') }]);
    checkMoney(s.amount, s.currency, 'settlement.');
    set.settlement = { kind: s.kind, amount: s.amount, currency: s.currency, note: s.note?.trim() || undefined };
    set.settledAt = now;
  }
  if (to === 'supplier_answered') {
    if (!opts.answer || !['accept', 'dispute'].includes(opts.answer.decision)) throw new ValidationError('an answer needs a decision: accept or dispute', [{ field: 'decision', message: 'accept | dispute' }]);
    if (opts.answer.decision === 'dispute' && !opts.answer.text?.trim()) throw new ValidationError('say why you dispute the claim', [{ field: 'text', message: 'required when disputing' }]);
    set.answer = { text: opts.answer.text?.trim() || undefined, decision: opts.answer.decision, photos: opts.answer.photos ?? [], at: now, by: actorTag(actor) };
  }
  if (NEEDS_REASON(c.status, to) && !opts.reason?.trim()) {
    throw new ValidationError(`a reason is required to move a claim from ${c.status} to ${to}`, [{ field: 'reason', message: 'required' }]);
  }
  if (to === 'sent') {
    // Sent now (from a draft, or asked again after an answer): the supplier gets the same time
    // to answer as when it was filed, counted from now.
    set.sentAt = now;
    if (c.answerDue) set.answerDue = new Date(now.getTime() + Math.max(DAY, c.answerDue.getTime() - (c.sentAt ?? c.createdAt).getTime()));
  }
  const reason = opts.reason?.trim() || (opts.answer ? `${opts.answer.decision}${opts.answer.text?.trim() ? `: ${opts.answer.text.trim()}` : ''}` : undefined);
  const entry = { from: c.status, to, by: actorTag(actor), at: now, reason };
  const after = await Claim.findOneAndUpdate(
    { _id: c._id, status: c.status, version: c.version },
    { $set: set, $inc: { version: 1 }, $push: { history: entry } },
    { returnDocument: 'after' },
  ).lean<ClaimDoc>();
  if (!after) throw new ConflictError('the claim was changed by someone else meanwhile; reload it', { from: c.status, to });
  await onClaimWritten(c, after, now);
  if (c.status === 'sent') {
    // Answered or withdrawn: a reminder still waiting for the supplier's morning must not go.
    await cancelQueuedNotices(c.orderId, (n) => n.topic === `claim-reminder:${c._id}`, `claim ${to}`);
    if (to === 'closed') await notifySupplier(after, now, claimWithdrawnText(after));
  }
  if (to === 'sent') await notifySupplier(after, now);
  return after;
}

/**
 * The supplier's answer (mini-program): accept or dispute, with text and photos uploaded before
 * (addClaimPhoto) and named by id.
 */
export async function answerClaim(id: string, actor: Extract<Actor, { kind: 'supplier' }>, answer: { decision: 'accept' | 'dispute'; text?: string; photoIds?: string[] }, now = new Date()): Promise<ClaimDoc> {
  const c = await getClaim(id, actor);
  const photos = (answer.photoIds ?? []).map((pid) => {
    const f = (c.supplierPhotos ?? []).find((x) => x.id === pid);
    if (!f) throw new ValidationError(`unknown photo ${pid}: upload it first`, [{ field: 'photoIds', message: 'unknown photo' }]);
    return f;
  });
  return moveClaim(id, 'supplier_answered', actor, { answer: { decision: answer.decision, text: answer.text, photos } }, now);
}

// ---- photos ---------------------------------------------------------------------------------

/**
 * Record an uploaded photo on a claim: the buyer's (while the claim is open) or the supplier's
 * for its answer (while the claim waits for it). One guarded update, at most MAX_PHOTOS each; a
 * re-sent upload with the same key is a replay (returns the photo stored first, `added: false`).
 */
export async function addClaimPhoto(id: string, actor: Actor, photo: Omit<ClaimFile, 'at' | 'by'>, now = new Date()): Promise<{ photo: ClaimFile; added: boolean }> {
  const c = await getClaim(id, actor);
  const field = actor.kind === 'supplier' ? 'supplierPhotos' : 'photos';
  const existing = photo.key ? (c[field] ?? []).find((p) => p.key === photo.key) : undefined;
  if (existing) return { photo: existing, added: false };
  const statuses: ClaimStatus[] = actor.kind === 'supplier' ? ['sent'] : OPEN;
  if (!statuses.includes(c.status)) throw new ConflictError(actor.kind === 'supplier' ? 'photos can be added while the claim waits for your answer' : `a ${c.status} claim takes no more photos`);
  const entry: ClaimFile = { ...photo, at: now, by: actorTag(actor) };
  const r = await Claim.updateOne(
    { _id: c._id, ...scopeOf(actor), status: { $in: statuses }, [`${field}.${MAX_PHOTOS - 1}`]: { $exists: false }, ...(photo.key ? { [`${field}.key`]: { $ne: photo.key } } : {}) },
    { $push: { [field]: entry } },
  );
  if (r.modifiedCount === 1) return { photo: entry, added: true };
  const again = await getClaim(id, actor);
  const replay = photo.key ? (again[field] ?? []).find((p) => p.key === photo.key) : undefined;
  if (replay) return { photo: replay, added: false };
  throw new ConflictError(`the claim is no longer open for photos, or it has ${MAX_PHOTOS} already`);
}

/** One stored photo of a claim the actor may see (the buyer's or the supplier's). */
export async function getClaimPhoto(id: string, photoId: string, actor?: Actor): Promise<ClaimFile> {
  const c = await getClaim(id, actor);
  const f = [...c.photos, ...(c.supplierPhotos ?? []), ...(c.answer?.photos ?? [])].find((p) => p.id === photoId);
  if (!f) throw new NotFoundError('no such photo');
  return f;
}

// ---- reminders ------------------------------------------------------------------------------

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
    if (await enqueueNotice({ key: `claim-reminder:${c._id}:${day}`, topic: `claim-reminder:${c._id}`, kind: 'claim_reminder', to: chat.key, recipient: await supplierRecipient(c), text: claimReminderText(c, now), orderId: c.orderId }, now)) n++;
  }
  return n;
}

// ---- supplier history -----------------------------------------------------------------------

export interface ClaimStats {
  /** Claims filed against the supplier (drafts not counted). */
  count: number;
  /** Not yet settled, rejected or closed. */
  open: number;
  /** Claimed amounts per currency, decimal strings with two places. */
  amountByCurrency: Record<string, string>;
  /** From sending to settlement, in days (one decimal); null when none is settled. */
  medianDaysToSettle: number | null;
}

/** A supplier's claims for its scorecard: count, amounts, open ones, median days to settle. */
export async function claimStats(supplierId: Types.ObjectId | string): Promise<ClaimStats> {
  const all = await Claim.find({ supplierId: new Types.ObjectId(String(supplierId)) }, { status: 1, amount: 1, currency: 1, sentAt: 1, settledAt: 1, createdAt: 1, history: 1 }).lean<ClaimDoc[]>();
  // A claim closed straight from draft was never filed against the supplier.
  const filed = all.filter((c) => c.status !== 'draft' && (c.sentAt || c.history.some((h) => h.to === 'sent')));
  const amount = new Map<string, Decimal>();
  for (const c of filed) if (c.amount && c.currency) amount.set(c.currency, (amount.get(c.currency) ?? new Decimal(0)).plus(c.amount));
  const days = filed
    .filter((c) => c.settledAt)
    .map((c) => (c.settledAt!.getTime() - (c.sentAt ?? c.createdAt).getTime()) / DAY)
    .sort((a, b) => a - b);
  const mid = days.length >> 1;
  const median = days.length === 0 ? null : days.length % 2 ? days[mid]! : (days[mid - 1]! + days[mid]!) / 2;
  return {
    count: filed.length,
    open: filed.filter((c) => OPEN.includes(c.status)).length,
    amountByCurrency: Object.fromEntries([...amount].map(([k, v]) => [k, v.toFixed(2)])),
    medianDaysToSettle: median === null ? null : Math.round(median * 10) / 10,
  };
}
