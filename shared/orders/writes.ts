// Writing orders: create, milestones, customs, photos, patches. Each write is guarded by the
// order's version, recorded in its history, synced into the supplier's list, and told as
// `order.written` on the process's bus (shared/events) — the KPIs and price history listen there.
import { Types } from 'mongoose';
import { ConflictError, isDuplicateKey, issue, msg, NotFoundError, ValidationError } from '../errors/index.js';
import { events } from '../events/index.js';
import { Manager } from '../managers/model.js';
import { findSupplierByCode } from '../suppliers/index.js';
import { fingerprintOf, onceByKey } from './idempotency.js';
import { syncAfterWrite } from './list.js';
import { MILESTONES, Order, OrderEvent, type MilestoneDoc, type MilestoneName, type OrderDoc, type OrderLine, type Via } from './model.js';
import { getOrder, scoped, type Scope } from './queries.js';
import { dayOf, scanFields } from './rules.js';

type Milestone = MilestoneDoc;

/** Where a change came from, when the writer did not say: a supplier writes from the mini-program. */
export const viaOf = (by: string): Via | undefined => (by.startsWith('supplier:') ? 'miniprogram' : by === 'import' || by.startsWith('import:') ? 'import' : undefined);

export type OrderLineInput = OrderLine;

export interface NewOrder {
  number: string;
  supplierCode: string;
  managerId?: string;
  incoterms?: string;
  paymentTerms?: string;
  currency?: string;
  lines?: OrderLineInput[];
  planned?: Partial<Record<MilestoneName, Date>>;
  /** Where it came from (history): console, api, command, import. */
  via?: Via;
}

async function assertManager(id: string): Promise<void> {
  if (!Types.ObjectId.isValid(id) || !(await Manager.exists({ _id: new Types.ObjectId(id) }))) {
    throw new ValidationError(msg('noSuchManager'), [issue('managerId', 'noSuchManager')]);
  }
}

/** Tell the listeners (KPIs, price history); a failing listener is logged, never fails the write. */
const written = (before: OrderDoc | null, after: OrderDoc, now: Date) => events.emit('order.written', { before, after, now });

export async function createOrder(input: NewOrder, by: string, now = new Date()): Promise<OrderDoc> {
  const supplier = await findSupplierByCode(input.supplierCode); // plain, tagged or former code
  if (!supplier) throw new ValidationError(msg('noSupplierCode', { code: input.supplierCode }), [issue('supplierCode', 'noSupplierCode', { code: input.supplierCode })]);
  if (input.managerId) await assertManager(input.managerId);
  const milestones = Object.fromEntries(MILESTONES.map((m) => [m, { status: 'pending', planned: input.planned?.[m], baseline: input.planned?.[m], photos: [], replanned: 0 }]));
  try {
    const doc = await Order.create({
      number: input.number.trim(),
      supplierId: supplier._id,
      supplierCode: supplier.code,
      managerId: input.managerId ? new Types.ObjectId(input.managerId) : supplier.managerId,
      incoterms: input.incoterms,
      paymentTerms: input.paymentTerms,
      currency: input.currency ?? input.lines?.[0]?.currency ?? 'USD',
      lines: input.lines ?? [],
      milestones,
      ...scanFields(milestones as never),
    });
    await OrderEvent.create({ orderId: doc._id, at: now, by, kind: 'created', after: { number: doc.number }, via: input.via ?? viaOf(by) });
    const created = doc.toObject() as unknown as OrderDoc;
    await syncAfterWrite(created);
    await written(null, created, now);
    return created;
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(msg('orderExists', { po: input.number }), [issue('number', 'orderExists', { po: input.number })]);
    throw err;
  }
}

export interface MilestoneUpdate {
  orderId: string | Types.ObjectId;
  milestone: MilestoneName;
  /** Mark done (actual date defaults to today) or not done. */
  done?: boolean;
  actual?: Date;
  /** A new planned (expected) date; moving an existing date needs a reason. */
  planned?: Date;
  reason?: string;
  note?: string;
  by: string;
  idempotencyKey?: string;
  scope?: Scope;
  now?: Date;
}

export interface WriteResult {
  order: OrderDoc;
  /** false when nothing was written: a replayed key, or the order already in that state. */
  changed: boolean;
}

/** Read, change, write guarded by version; retried on a concurrent write (bounded). */
export async function guardedChange(
  orderId: string | Types.ObjectId,
  scope: Scope | undefined,
  change: (o: OrderDoc) => { set: Record<string, unknown>; event: Record<string, unknown> } | undefined,
  by: string,
  now: Date,
): Promise<WriteResult> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const order = await getOrder(orderId, scope);
    const c = change(order);
    if (!c) return { order, changed: false };
    const res = await Order.updateOne({ _id: order._id, version: order.version }, { $set: { ...c.set, updatedAt: now }, $inc: { version: 1 } });
    if (res.modifiedCount === 1) {
      await OrderEvent.create({ orderId: order._id, at: now, by, via: viaOf(by), ...c.event });
      const fresh = await getOrder(order._id);
      await syncAfterWrite(fresh);
      await written(order, fresh, now);
      return { order: fresh, changed: true };
    }
  }
  throw new ConflictError(msg('orderBusy'));
}

export async function updateMilestone(u: MilestoneUpdate): Promise<WriteResult> {
  const now = u.now ?? new Date();
  if (!MILESTONES.includes(u.milestone)) throw new ValidationError(msg('unknownMilestone', { milestone: u.milestone }), [issue('milestone', 'unknownMilestone', { milestone: u.milestone })]);
  if (u.done === undefined && !u.actual && !u.planned && u.note === undefined) throw new ValidationError(msg('nothingToUpdate'), [issue('body', 'nothingToUpdate')]);
  if (u.actual && dayOf(u.actual) > dayOf(now)) throw new ValidationError(msg('actualInFuture'), [issue('actual', 'actualInFuture')]);
  const first = await getOrder(u.orderId, u.scope);
  if (first.status !== 'open') throw new ConflictError(msg('orderClosed'));
  return onceByKey(u.idempotencyKey, u.by, first._id, fingerprintOf({ ...u, orderId: String(first._id) }), now, () =>
    guardedChange(
      first._id,
      u.scope,
      (o) => {
        const cur = (o.milestones?.[u.milestone] ?? {}) as Milestone;
        const next = { ...cur } as Record<string, unknown>;
        if (u.done === true) {
          next.status = 'done';
          next.actual = u.actual ?? cur.actual ?? new Date(`${dayOf(now)}T00:00:00Z`);
        } else if (u.done === false) {
          next.status = 'pending';
          next.actual = undefined;
        } else if (u.actual) next.actual = u.actual;
        if (u.planned && (!cur.planned || dayOf(cur.planned) !== dayOf(u.planned))) {
          if (cur.planned && !u.reason?.trim()) throw new ValidationError(msg('replanReason'), [issue('reason', 'replanReason')]);
          next.planned = u.planned;
          next.reason = u.reason;
          if (cur.planned) next.replanned = (cur.replanned ?? 0) + 1;
          // The first agreed date stays: an order from before baselines takes the date it had.
          next.baseline = cur.baseline ?? cur.planned ?? u.planned;
        }
        if (u.note !== undefined) next.note = u.note;
        const same = next.status === cur.status && String(next.actual ?? '') === String(cur.actual ?? '') && String(next.planned ?? '') === String(cur.planned ?? '') && next.note === cur.note;
        if (same) return undefined; // already so: a concurrent identical update, no second write
        next.updatedBy = u.by;
        next.updatedAt = now;
        const milestones = { ...o.milestones, [u.milestone]: next };
        return {
          set: { [`milestones.${u.milestone}`]: next, ...scanFields(milestones as never) },
          event: { kind: 'milestone', milestone: u.milestone, before: pick(cur), after: pick(next), reason: u.reason },
        };
      },
      u.by,
      now,
    ),
  );
}

const pick = (m: Record<string, unknown> | Milestone) => {
  const x = m as Record<string, unknown>;
  return { status: x.status, planned: x.planned, actual: x.actual, note: x.note, baseline: x.baseline };
};

export interface CustomsUpdate {
  orderId: string | Types.ObjectId;
  status: 'held' | 'cleared';
  reason?: string;
  expectedDate?: Date;
  by: string;
  idempotencyKey?: string;
  scope?: Scope;
  now?: Date;
}

/** Record or change a customs delay (or its clearance) against a shipped order. */
export async function reportCustoms(u: CustomsUpdate): Promise<WriteResult> {
  const now = u.now ?? new Date();
  const first = await getOrder(u.orderId, u.scope);
  if (first.milestones?.shipped?.status !== 'done') throw new ConflictError(msg('customsOnlyShipped'), [issue('status', 'customsOnlyShipped')]);
  if (u.status === 'held' && !u.reason?.trim()) throw new ValidationError(msg('customsHoldReason'), [issue('reason', 'customsHoldReason')]);
  return onceByKey(u.idempotencyKey, u.by, first._id, fingerprintOf({ ...u, orderId: String(first._id) }), now, () =>
    guardedChange(
      first._id,
      u.scope,
      (o) => {
        const cur = o.customs ?? { status: 'none' };
        // heldAt: when customs first held it (a customs delay, counted in the supplier's KPIs).
        const heldAt = (cur as { heldAt?: Date }).heldAt ?? (u.status === 'held' ? now : undefined);
        const next = { status: u.status, reason: u.reason, expectedDate: u.expectedDate, updatedAt: now, updatedBy: u.by, ...(heldAt ? { heldAt } : {}) };
        // Cleared: the buyer's customs milestone is done (its reminders stop with it).
        const ms = o.milestones?.customs_cleared;
        const completes = u.status === 'cleared' && ms?.status !== 'done';
        if (!completes && cur.status === next.status && cur.reason === next.reason && String(cur.expectedDate ?? '') === String(next.expectedDate ?? '')) return undefined;
        const set: Record<string, unknown> = { customs: next };
        if (completes) {
          const done = { ...(ms ?? {}), status: 'done', actual: new Date(`${dayOf(now)}T00:00:00Z`), updatedBy: u.by, updatedAt: now };
          set['milestones.customs_cleared'] = done;
          Object.assign(set, scanFields({ ...o.milestones, customs_cleared: done } as never));
        }
        return { set, event: { kind: 'customs', before: cur, after: next, reason: u.reason } };
      },
      u.by,
      now,
    ),
  );
}

export const MAX_PHOTOS = 30;

export async function addMilestonePhoto(
  orderId: string | Types.ObjectId,
  milestone: MilestoneName,
  photo: { id: string; name: string; mimeType: string; size: number },
  by: string,
  scope: Scope = {},
  now = new Date(),
  idempotencyKey?: string,
): Promise<WriteResult> {
  if (!MILESTONES.includes(milestone)) throw new ValidationError(msg('unknownMilestone', { milestone }), [issue('milestone', 'unknownMilestone', { milestone })]);
  const order = await getOrder(orderId, scope);
  // A re-sent upload (same key, same milestone and bytes count) adds nothing: changed false.
  return onceByKey(idempotencyKey, by, order._id, fingerprintOf({ milestone, size: photo.size, mimeType: photo.mimeType, name: photo.name }), now, async () => {
    const cur = await getOrder(order._id, scope);
    if ((cur.milestones?.[milestone]?.photos?.length ?? 0) >= MAX_PHOTOS) throw new ConflictError(msg('milestonePhotos', { n: MAX_PHOTOS }), [issue('photo', 'milestonePhotos', { n: MAX_PHOTOS })]);
    const res = await Order.updateOne(scoped(order._id, scope), { $push: { [`milestones.${milestone}.photos`]: { ...photo, at: now } }, $inc: { version: 1 } });
    if (res.matchedCount !== 1) throw new NotFoundError(msg('orderNotFound'));
    await OrderEvent.create({ orderId: order._id, at: now, by, kind: 'photo', milestone, after: { id: photo.id, name: photo.name } });
    const fresh = await getOrder(order._id);
    await written(cur, fresh, now);
    return { order: fresh, changed: true };
  });
}

export interface OrderPatch {
  managerId?: string;
  incoterms?: string;
  paymentTerms?: string;
  currency?: string;
  lines?: OrderLineInput[];
  status?: 'open' | 'closed';
}

export async function updateOrder(id: string, patch: OrderPatch, by: string, now = new Date()): Promise<WriteResult> {
  if (patch.managerId) await assertManager(patch.managerId);
  return guardedChange(
    id,
    undefined,
    (o) => {
      const set: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[k] = k === 'managerId' ? new Types.ObjectId(v as string) : v;
      if (!Object.keys(set).length) return undefined;
      const before = Object.fromEntries(Object.keys(set).map((k) => [k, (o as unknown as Record<string, unknown>)[k]]));
      return { set, event: { kind: patch.status === 'closed' ? 'closed' : 'updated', before, after: set } };
    },
    by,
    now,
  );
}

export interface ReadinessAnswer {
  orderId: string | Types.ObjectId;
  ready: boolean;
  /** Not ready: the new expected shipment date (moves the shipped milestone, the note its reason). */
  date?: Date;
  note?: string;
  by: string;
  idempotencyKey?: string;
  scope?: Scope;
  now?: Date;
}

/**
 * The supplier's answer to the pre-shipment question: ready, or not ready with a new date (the
 * shipped milestone moves to it, the note as its reason). Stops the "no answer" report.
 */
export async function answerReadiness(a: ReadinessAnswer): Promise<WriteResult> {
  const now = a.now ?? new Date();
  if (!a.ready && !a.date) throw new ValidationError(msg('notReadyNeedsDate'), [{ field: 'date', message: 'required when not ready' }]);
  if (a.date && dayOf(a.date) < dayOf(now)) throw new ValidationError(msg('newDateInPast'), [issue('date', 'field.inPast')]);
  const first = await getOrder(a.orderId, a.scope);
  if (first.status !== 'open') throw new ConflictError(msg('orderClosed'));
  if (first.milestones?.shipped?.status === 'done') throw new ConflictError(msg('orderShipped'));
  return onceByKey(a.idempotencyKey, a.by, first._id, fingerprintOf({ ...a, orderId: String(first._id) }), now, async () => {
    const res = await guardedChange(
      first._id,
      a.scope,
      (o) => {
        const readiness = { asked: o.readiness?.asked, answer: a.ready ? 'ready' : 'not_ready', date: a.ready ? undefined : a.date, note: a.note?.trim() || undefined, at: now, by: a.by };
        return { set: { readiness, readinessDue: null }, event: { kind: 'readiness', before: o.readiness ?? null, after: readiness, reason: a.note } };
      },
      a.by,
      now,
    );
    const shipped = res.order.milestones?.shipped?.planned;
    if (!a.ready && a.date && (!shipped || dayOf(shipped) !== dayOf(a.date))) {
      return updateMilestone({ orderId: first._id, milestone: 'shipped', planned: a.date, reason: a.note?.trim() || 'not ready for shipment (readiness check)', by: a.by, scope: a.scope, now });
    }
    return res;
  });
}

/** The scheduler asked the supplier (pre-shipment): remember the day, and when silence is reported. */
export async function markReadinessAsked(orderId: Types.ObjectId, askedDay: string, reportDay: string): Promise<void> {
  // Scan data, not a change of the order: no version bump, no history entry.
  await Order.updateOne({ _id: orderId, status: 'open' }, { $set: { readiness: { asked: askedDay }, readinessDue: reportDay } });
}

/**
 * Nightly repair of the scan fields (`dueDay`, `undated`, `next`) of open orders, from their
 * milestones: orders stored before the fields meant what they mean now (dueDay was the first
 * unfinished milestone's day), or written by a path that missed them. Scan data: no version bump.
 */
export async function reconcileScanFields(): Promise<number> {
  let fixed = 0;
  const open = Order.find({ status: 'open' }, { milestones: 1, dueDay: 1, undated: 1, next: 1 }).lean<OrderDoc[]>().cursor();
  for await (const o of open as AsyncIterable<OrderDoc>) {
    const f = scanFields(o.milestones as never);
    if ((o.dueDay ?? null) === f.dueDay && Boolean(o.undated) === f.undated && (o.next?.milestone ?? null) === (f.next?.milestone ?? null) && (o.next?.dueDay ?? null) === (f.next?.dueDay ?? null))
      continue;
    await Order.updateOne({ _id: o._id }, { $set: f });
    fixed++;
  }
  return fixed;
}
