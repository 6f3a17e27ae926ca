// Claims: defects, shortages, wrong items, transit damage and late delivery against a PO (and
// line), from report to settlement. Statuses move only along TRANSITIONS, each move one guarded
// update (status + version) that records who, when and why: of concurrent moves exactly one
// wins, a forbidden one changes nothing. Sending a claim tells the supplier's chat in Chinese;
// reminders follow daily until answered (outbox rules: quiet hours, holidays, once per day).
import { Types } from 'mongoose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Decimal } from '../money/index.js';
import { enqueueNotice } from '../notices/index.js';
import { findOrderByNumber, getOrder, type OrderDoc } from '../orders/index.js';
import { onClaimWritten } from '../performance/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Counter } from '../suppliers/model.js';
import { Thread, type ThreadDoc } from '../threads/index.js';
import type { TranslationService } from '../translation/index.js';
import { Claim, CLAIM_TYPES, SETTLEMENT_KINDS, type ClaimDoc, type ClaimFile, type ClaimStatus, type ClaimType, type SettlementKind } from './model.js';

export * from './model.js';

const log = getLogger('claims');
const DAY = 86_400_000;

export type Actor = { kind: 'manager'; id: string } | { kind: 'supplier'; supplierId: string; openid: string };
const actorTag = (a: Actor) => (a.kind === 'manager' ? `manager:${a.id}` : `supplier:${a.openid}`);

/**
 * The allowed moves and who makes them:
 *   draft → sent | closed (withdrawn before sending)          manager
 *   sent → supplier_answered                                   supplier (answer, accept or dispute)
 *   supplier_answered → agreed | disputed | sent (asked again)  manager
 *   disputed → agreed | rejected                               manager (after negotiation / claim dropped)
 *   agreed → settled (with a settlement kind)                  manager
 *   settled → closed, rejected → closed                        manager
 */
export const TRANSITIONS: Record<ClaimStatus, Partial<Record<ClaimStatus, 'manager' | 'supplier'>>> = {
  draft: { sent: 'manager', closed: 'manager' },
  sent: { supplier_answered: 'supplier' },
  supplier_answered: { agreed: 'manager', disputed: 'manager', sent: 'manager' },
  disputed: { agreed: 'manager', rejected: 'manager' },
  agreed: { settled: 'manager' },
  settled: { closed: 'manager' },
  rejected: { closed: 'manager' },
  closed: {},
};

export const canMove = (from: ClaimStatus, to: ClaimStatus, who: Actor['kind']) => TRANSITIONS[from]?.[to] === who;

// ---- texts (the supplier reads Chinese) ------------------------------------------------------

const TYPE_ZH: Record<ClaimType, string> = { defect: '质量缺陷', shortage: '数量短缺', wrong_item: '错发货品', transit_damage: '运输损坏', late_delivery: '延迟交货' };
export const SETTLEMENT_ZH: Record<SettlementKind, string> = { credit_note: '贷记单', replacement: '补发/换货', rework: '返工/维修', discount_next_order: '下单折扣', refund: '退款' };

export function claimTextForSupplier(c: Pick<ClaimDoc, 'number' | 'orderNumber' | 'supplierCode' | 'type' | 'qty' | 'amount' | 'currency' | 'description' | 'descriptionZh' | 'answerDue'>): string {
  const money = c.amount && c.currency ? `，索赔金额 ${c.amount} ${c.currency}` : '';
  const due = c.answerDue ? `请于 ${c.answerDue.toISOString().slice(0, 10)} 前` : '请尽快';
  return (
    `【Gendan 索赔】${c.number}：订单 ${c.orderNumber}（${c.supplierCode}）${TYPE_ZH[c.type]}，数量 ${c.qty}${money}。\n` +
    `说明：${c.descriptionZh ?? c.description}\n` +
    `${due}在小程序“索赔”页回复（接受或提出异议，可附照片）。`
  );
}

export const claimReminderText = (c: Pick<ClaimDoc, 'number' | 'orderNumber' | 'answerDue'>, now: Date) =>
  `【Gendan 提醒】索赔 ${c.number}（订单 ${c.orderNumber}）尚未回复${c.answerDue && c.answerDue < now ? `，已超过回复期限 ${c.answerDue.toISOString().slice(0, 10)}` : ''}。请在小程序“索赔”页回复。`;

// ---- filing ---------------------------------------------------------------------------------

export interface NewClaim {
  orderNumber?: string;
  orderId?: string;
  line?: number;
  type: ClaimType;
  qty: number;
  amount?: string;
  currency?: string;
  description: string;
  photos?: ClaimFile[];
  /** Days the supplier has to answer (default 5). */
  answerDays?: number;
  /** File and send at once (default), or keep as a draft. */
  send?: boolean;
}

async function supplierChat(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
  return Thread.findOne({ supplierId }).sort({ lastMessageAt: -1 }).lean<ThreadDoc>();
}

async function nextNumber(po: string): Promise<string> {
  const c = await Counter.findOneAndUpdate({ _id: `claim:${po}` }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean<{ seq: number }>();
  return `CL-${po}-${c!.seq}`;
}

/** File a claim (a manager); translated for the supplier; sent unless `send: false`. */
export async function fileClaim(input: NewClaim, manager: { id: string }, translation: Pick<TranslationService, 'translateText' | 'detect'> | undefined, now = new Date()): Promise<ClaimDoc> {
  if (!CLAIM_TYPES.includes(input.type)) throw new ValidationError(`unknown claim type ${input.type}`, [{ field: 'type', message: `one of ${CLAIM_TYPES.join(', ')}` }]);
  if (!Number.isInteger(input.qty) || input.qty <= 0) throw new ValidationError('the quantity must be a positive whole number', [{ field: 'qty', message: 'positive integer' }]);
  if ((input.amount === undefined) !== (input.currency === undefined)) throw new ValidationError('an amount needs its currency', [{ field: input.amount ? 'currency' : 'amount', message: 'give both' }]);
  if (input.amount !== undefined && (!/^\d{1,12}(\.\d{1,4})?$/.test(input.amount) || new Decimal(input.amount).lte(0))) throw new ValidationError('the amount must be a positive decimal such as 120.50', [{ field: 'amount', message: 'positive decimal' }]);
  let order: OrderDoc | null = null;
  if (input.orderId) order = await getOrder(input.orderId);
  else if (input.orderNumber) order = await findOrderByNumber(input.orderNumber);
  if (!order) throw new NotFoundError(`no order ${input.orderNumber ?? input.orderId ?? ''}`.trim());
  if (input.line !== undefined && !(order.lines ?? [])[input.line]) throw new ValidationError(`order ${order.number} has no line ${input.line + 1}`, [{ field: 'line', message: 'no such line' }]);
  const lang = translation?.detect(input.description);
  let descriptionZh: string | undefined;
  let translationStatus: ClaimDoc['translationStatus'] = 'skipped';
  if (lang === 'zh') descriptionZh = input.description;
  else if (translation && lang && lang !== 'other') {
    try {
      descriptionZh = (await translation.translateText(input.description, 'zh')).text;
      translationStatus = 'done';
    } catch (err) {
      translationStatus = 'failed'; // filed anyway: the supplier gets the original
      log.warn({ err: (err as Error).message }, 'claim description not translated');
    }
  }
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
    description: input.description,
    descriptionLang: lang,
    descriptionZh,
    translationStatus,
    photos: input.photos ?? [],
    answerDue: new Date(now.getTime() + (input.answerDays ?? 5) * DAY),
    status: send ? 'sent' : 'draft',
    history: send ? [{ from: 'draft', to: 'sent', by: `manager:${manager.id}`, at: now, reason: 'filed and sent' }] : [],
    sentAt: send ? now : undefined,
    createdAt: now,
    updatedAt: now,
  });
  const c = doc.toObject() as unknown as ClaimDoc;
  await onClaimWritten(null, c, now);
  if (send) await notifySupplier(c, now);
  return c;
}

async function notifySupplier(c: ClaimDoc, now: Date): Promise<boolean> {
  const chat = await supplierChat(c.supplierId);
  if (!chat) {
    log.warn({ claim: c.number }, 'claim sent but the supplier has no chat yet; it shows in the mini-program');
    return false;
  }
  const s = await Supplier.findOne({ _id: c.supplierId }, { timezone: 1 }).lean<SupplierDoc>();
  return enqueueNotice({ key: `claim:${c._id}:sent:${c.version}`, kind: 'claim', to: chat.key, recipient: { kind: 'supplier', id: String(c.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' }, text: claimTextForSupplier(c), orderId: c.orderId }, now);
}

// ---- moves ----------------------------------------------------------------------------------

export interface MoveOptions {
  reason?: string;
  settlement?: { kind: SettlementKind; amount?: string; currency?: string; note?: string };
  answer?: { text?: string; decision: 'accept' | 'dispute'; photos?: ClaimFile[] };
}

function scopeOf(actor: Actor) {
  return actor.kind === 'supplier' ? { supplierId: new Types.ObjectId(actor.supplierId) } : {};
}

export async function getClaim(id: string, actor?: Actor): Promise<ClaimDoc> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('no such claim');
  const c = await Claim.findOne({ _id: id, ...(actor ? scopeOf(actor) : {}) }).lean<ClaimDoc>();
  // Another supplier's claim is "not found", not "forbidden": its existence is not disclosed.
  if (!c) throw new NotFoundError('no such claim');
  return c;
}

/**
 * Move a claim to `to`. Checks the table and the actor, then one guarded update on the status
 * and version read: if someone else moved it meanwhile, this one fails with a conflict and
 * changes nothing.
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
    if ((s.amount === undefined) !== (s.currency === undefined)) throw new ValidationError('a settlement amount needs its currency', [{ field: 'settlement', message: 'amount and currency' }]);
    if (s.amount !== undefined && !/^\d{1,12}(\.\d{1,4})?$/.test(s.amount)) throw new ValidationError('the settlement amount must be a decimal', [{ field: 'settlement.amount', message: 'decimal' }]);
    set.settlement = s;
    set.settledAt = now;
  }
  if (to === 'supplier_answered') {
    if (!opts.answer || !['accept', 'dispute'].includes(opts.answer.decision)) throw new ValidationError('an answer needs a decision: accept or dispute', [{ field: 'decision', message: 'accept | dispute' }]);
    if (opts.answer.decision === 'dispute' && !opts.answer.text?.trim()) throw new ValidationError('say why you dispute the claim', [{ field: 'text', message: 'required when disputing' }]);
    set.answer = { text: opts.answer.text, decision: opts.answer.decision, photos: opts.answer.photos ?? [], at: now, by: actorTag(actor) };
  }
  if ((to === 'disputed' || to === 'rejected' || (c.status === 'supplier_answered' && to === 'sent')) && !opts.reason?.trim()) {
    throw new ValidationError(`a reason is required to move a claim to ${to}`, [{ field: 'reason', message: 'required' }]);
  }
  if (to === 'sent') set.sentAt = now;
  const entry = { from: c.status, to, by: actorTag(actor), at: now, reason: opts.reason ?? (opts.answer ? `${opts.answer.decision}${opts.answer.text ? `: ${opts.answer.text}` : ''}` : undefined) };
  const after = await Claim.findOneAndUpdate(
    { _id: c._id, status: c.status, version: c.version },
    { $set: set, $inc: { version: 1 }, $push: { history: entry } },
    { returnDocument: 'after' },
  ).lean<ClaimDoc>();
  if (!after) throw new ConflictError('the claim was changed by someone else meanwhile; reload it');
  await onClaimWritten(c, after, now);
  if (to === 'sent') await notifySupplier(after, now);
  return after;
}

/** The supplier's answer (mini-program): accept or dispute, with text and photos. */
export const answerClaim = (id: string, actor: Extract<Actor, { kind: 'supplier' }>, answer: NonNullable<MoveOptions['answer']>, now = new Date()) =>
  moveClaim(id, 'supplier_answered', actor, { answer }, now);

export async function listClaims(filter: { supplierId?: string; status?: ClaimStatus; orderId?: string }, limit = 100): Promise<ClaimDoc[]> {
  const q: Record<string, unknown> = {};
  if (filter.supplierId) q.supplierId = new Types.ObjectId(filter.supplierId);
  if (filter.status) q.status = filter.status;
  if (filter.orderId) q.orderId = new Types.ObjectId(filter.orderId);
  return Claim.find(q).sort({ createdAt: -1 }).limit(limit).lean<ClaimDoc[]>();
}

/**
 * Daily reminders for claims the supplier has not answered, from the day after sending: one
 * per claim and day (key), the newest replacing a queued older one (topic).
 */
export async function scanClaimReminders(now: Date): Promise<number> {
  const open = await Claim.find({ status: 'sent' }).lean<ClaimDoc[]>();
  const day = now.toISOString().slice(0, 10);
  let n = 0;
  for (const c of open) {
    if (!c.sentAt || c.sentAt.toISOString().slice(0, 10) >= day) continue;
    const chat = await supplierChat(c.supplierId);
    if (!chat) continue;
    const s = await Supplier.findOne({ _id: c.supplierId }, { timezone: 1 }).lean<SupplierDoc>();
    if (await enqueueNotice({ key: `claim-reminder:${c._id}:${day}`, topic: `claim-reminder:${c._id}`, kind: 'claim_reminder', to: chat.key, recipient: { kind: 'supplier', id: String(c.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' }, text: claimReminderText(c, now), orderId: c.orderId }, now)) n++;
  }
  return n;
}

/** A supplier's claims for its scorecard: count, amounts, open ones, median days to settle. */
export async function claimStats(supplierId: Types.ObjectId | string) {
  const all = await Claim.find({ supplierId: new Types.ObjectId(String(supplierId)) }).lean<ClaimDoc[]>();
  const filed = all.filter((c) => c.status !== 'draft');
  const amount = new Map<string, Decimal>();
  for (const c of filed) if (c.amount && c.currency) amount.set(c.currency, (amount.get(c.currency) ?? new Decimal(0)).plus(c.amount));
  const days = filed.filter((c) => c.settledAt).map((c) => Math.round((c.settledAt!.getTime() - c.createdAt.getTime()) / DAY)).sort((a, b) => a - b);
  return {
    count: filed.length,
    open: filed.filter((c) => !['settled', 'rejected', 'closed'].includes(c.status)).length,
    amountByCurrency: Object.fromEntries([...amount].map(([k, v]) => [k, v.toFixed(2)])),
    medianDaysToSettle: days.length ? days[Math.floor((days.length - 1) / 2)]! : null,
  };
}

