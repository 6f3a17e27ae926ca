// Purchase orders and their milestones. The domain's only door: plain inputs in, plain objects
// out; idempotent writes (client keys + version guards); full change history.
import { Types } from 'mongoose';
import { ConflictError, isDuplicateKey, NotFoundError, ValidationError } from '../errors/index.js';
import { Supplier, normaliseCode, type SupplierDoc } from '../suppliers/index.js';
import { IdempotencyKey, MILESTONES, Order, OrderEvent, type MilestoneDoc, type MilestoneName, type OrderDoc } from './model.js';

export { MILESTONES, CURRENCIES, INCOTERMS, Order, OrderEvent, IdempotencyKey, type MilestoneName, type OrderDoc, type MilestoneDoc, type OrderLine } from './model.js';

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export interface Scope {
  /** A supplier sees and changes only its own orders. */
  supplierId?: Types.ObjectId | string;
}

export interface OrderLineInput {
  item: string;
  sku?: string;
  qty: number;
  unit?: string;
  unitPrice: string;
  currency: string;
}

export interface NewOrder {
  number: string;
  supplierCode: string;
  managerId?: string;
  incoterms?: string;
  currency?: string;
  lines?: OrderLineInput[];
  planned?: Partial<Record<MilestoneName, Date>>;
}

type Milestone = MilestoneDoc;

/** The first milestone not done, with its planned date and day (what the scheduler watches). */
export function computeNext(milestones: Partial<Record<MilestoneName, Partial<Milestone>>> | undefined) {
  for (const name of MILESTONES) {
    const m = milestones?.[name];
    if (m?.status !== 'done') {
      const planned = m?.planned ?? undefined;
      return { milestone: name, planned, dueDay: planned ? dayOf(planned) : undefined };
    }
  }
  return undefined;
}

export function isOverdue(order: Pick<OrderDoc, 'next' | 'status'>, now: Date): boolean {
  return order.status === 'open' && Boolean(order.next?.planned && order.next.planned < now && dayOf(order.next.planned) < dayOf(now));
}

export function daysLate(planned: Date, now: Date): number {
  return Math.max(0, Math.floor((Date.parse(dayOf(now)) - Date.parse(dayOf(planned))) / 86_400_000));
}

function scoped(id: string | Types.ObjectId, scope: Scope = {}) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('order not found');
  return { _id: new Types.ObjectId(String(id)), ...(scope.supplierId ? { supplierId: new Types.ObjectId(String(scope.supplierId)) } : {}) };
}

export async function getOrder(id: string | Types.ObjectId, scope: Scope = {}): Promise<OrderDoc> {
  const o = await Order.findOne(scoped(id, scope)).lean<OrderDoc>();
  // Another supplier's order is "not found": its existence is not theirs to know.
  if (!o) throw new NotFoundError('order not found');
  return o;
}

export async function findOrderByNumber(number: string, scope: Scope = {}): Promise<OrderDoc | null> {
  const o = await Order.findOne({ number: number.trim() }).lean<OrderDoc>();
  if (o && scope.supplierId && String(o.supplierId) !== String(scope.supplierId)) return null;
  return o;
}

export async function createOrder(input: NewOrder, by: string, now = new Date()): Promise<OrderDoc> {
  const supplier = await Supplier.findOne({ code: normaliseCode(input.supplierCode) }).lean<SupplierDoc>();
  if (!supplier) throw new ValidationError(`no supplier with code ${input.supplierCode}`, { field: 'supplierCode' });
  const milestones = Object.fromEntries(MILESTONES.map((m) => [m, { status: 'pending', planned: input.planned?.[m], photos: [], replanned: 0 }]));
  try {
    const doc = await Order.create({
      number: input.number.trim(),
      supplierId: supplier._id,
      supplierCode: supplier.code,
      managerId: input.managerId ? new Types.ObjectId(input.managerId) : supplier.managerId,
      incoterms: input.incoterms,
      currency: input.currency ?? input.lines?.[0]?.currency ?? 'USD',
      lines: input.lines ?? [],
      milestones,
      next: computeNext(milestones as never),
    });
    await OrderEvent.create({ orderId: doc._id, at: now, by, kind: 'created', after: { number: doc.number } });
    return doc.toObject() as unknown as OrderDoc;
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(`order ${input.number} exists already`, { field: 'number' });
    throw err;
  }
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  hasMore: boolean;
}

/** A supplier's open orders, newest planned first page of `size`. */
export async function listOrdersForSupplier(supplierId: Types.ObjectId | string, page = 1, size = 50): Promise<Page<OrderDoc>> {
  const items = await Order.find({ supplierId: new Types.ObjectId(String(supplierId)), status: 'open' })
    .sort({ number: 1 })
    .skip((page - 1) * size)
    .limit(size + 1)
    .lean<OrderDoc[]>();
  return { items: items.slice(0, size), page, size, hasMore: items.length > size };
}

export async function listOrders(filter: { supplierCode?: string; managerId?: string; status?: 'open' | 'closed' }, page = 1, size = 50): Promise<Page<OrderDoc>> {
  const q: Record<string, unknown> = {};
  if (filter.supplierCode) {
    const s = await Supplier.findOne({ code: normaliseCode(filter.supplierCode) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!s) return { items: [], page, size, hasMore: false };
    q.supplierId = s._id;
  }
  if (filter.managerId) q.managerId = new Types.ObjectId(filter.managerId);
  q.status = filter.status ?? 'open';
  const items = await Order.find(q).sort({ number: 1 }).skip((page - 1) * size).limit(size + 1).lean<OrderDoc[]>();
  return { items: items.slice(0, size), page, size, hasMore: items.length > size };
}

/** Open orders whose next milestone is overdue at `now` (optionally one manager's). */
export async function listOverdue(now: Date, filter: { managerId?: string } = {}): Promise<OrderDoc[]> {
  const q: Record<string, unknown> = { status: 'open' };
  if (filter.managerId) q.managerId = new Types.ObjectId(filter.managerId);
  const open = await Order.find(q, { number: 1, supplierCode: 1, supplierId: 1, managerId: 1, next: 1, status: 1, customs: 1 }).lean<OrderDoc[]>();
  return open.filter((o) => isOverdue(o, now)).sort((a, b) => a.next!.planned!.getTime() - b.next!.planned!.getTime());
}

/** Claim a client idempotency key; false means the request was seen already (a replay). */
async function claimKey(key: string | undefined, actor: string, orderId: Types.ObjectId, now: Date): Promise<boolean> {
  if (!key) return true;
  try {
    await IdempotencyKey.create({ key: `${actor}:${key}`, orderId, at: now });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
const releaseKey = (key: string | undefined, actor: string) => (key ? IdempotencyKey.deleteOne({ key: `${actor}:${key}` }) : Promise.resolve());

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
async function guardedChange(
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
      await OrderEvent.create({ orderId: order._id, at: now, by, ...c.event });
      return { order: await getOrder(order._id), changed: true };
    }
  }
  throw new ConflictError('the order is being changed by someone else; try again');
}

export async function updateMilestone(u: MilestoneUpdate): Promise<WriteResult> {
  const now = u.now ?? new Date();
  if (!MILESTONES.includes(u.milestone)) throw new ValidationError(`unknown milestone ${u.milestone}`, { field: 'milestone' });
  if (u.done === undefined && !u.actual && !u.planned && u.note === undefined) throw new ValidationError('nothing to update', { field: 'body' });
  if (u.actual && dayOf(u.actual) > dayOf(now)) throw new ValidationError('the actual date cannot be in the future', { field: 'actual' });
  const first = await getOrder(u.orderId, u.scope);
  if (first.status !== 'open') throw new ConflictError('the order is closed');
  if (!(await claimKey(u.idempotencyKey, u.by, first._id, now))) return { order: await getOrder(first._id), changed: false };
  try {
    return await guardedChange(
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
          if (cur.planned && !u.reason?.trim()) throw new ValidationError('a reason is required to move a planned date', { field: 'reason' });
          next.planned = u.planned;
          next.reason = u.reason;
          if (cur.planned) next.replanned = (cur.replanned ?? 0) + 1;
        }
        if (u.note !== undefined) next.note = u.note;
        const same =
          next.status === cur.status &&
          String(next.actual ?? '') === String(cur.actual ?? '') &&
          String(next.planned ?? '') === String(cur.planned ?? '') &&
          next.note === cur.note;
        if (same) return undefined; // already so: a concurrent identical update, no second write
        next.updatedBy = u.by;
        next.updatedAt = now;
        const milestones = { ...o.milestones, [u.milestone]: next };
        return {
          set: { [`milestones.${u.milestone}`]: next, next: computeNext(milestones as never) ?? null },
          event: { kind: 'milestone', milestone: u.milestone, before: pick(cur), after: pick(next), reason: u.reason },
        };
      },
      u.by,
      now,
    );
  } catch (err) {
    await releaseKey(u.idempotencyKey, u.by);
    throw err;
  }
}

const pick = (m: Record<string, unknown> | Milestone) => {
  const x = m as Record<string, unknown>;
  return { status: x.status, planned: x.planned, actual: x.actual, note: x.note };
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
  if (first.milestones?.shipped?.status !== 'done') throw new ConflictError('customs can be reported only for a shipped order', { field: 'status' });
  if (u.status === 'held' && !u.reason?.trim()) throw new ValidationError('a reason is required for a customs hold', { field: 'reason' });
  if (!(await claimKey(u.idempotencyKey, u.by, first._id, now))) return { order: await getOrder(first._id), changed: false };
  try {
    return await guardedChange(
      first._id,
      u.scope,
      (o) => {
        const cur = o.customs ?? { status: 'none' };
        const next = { status: u.status, reason: u.reason, expectedDate: u.expectedDate, updatedAt: now, updatedBy: u.by };
        if (cur.status === next.status && cur.reason === next.reason && String(cur.expectedDate ?? '') === String(next.expectedDate ?? '')) return undefined;
        return { set: { customs: next }, event: { kind: 'customs', before: cur, after: next, reason: u.reason } };
      },
      u.by,
      now,
    );
  } catch (err) {
    await releaseKey(u.idempotencyKey, u.by);
    throw err;
  }
}

export async function addMilestonePhoto(
  orderId: string | Types.ObjectId,
  milestone: MilestoneName,
  photo: { id: string; name: string; mimeType: string; size: number },
  by: string,
  scope: Scope = {},
  now = new Date(),
): Promise<OrderDoc> {
  const order = await getOrder(orderId, scope);
  const res = await Order.updateOne(scoped(order._id, scope), { $push: { [`milestones.${milestone}.photos`]: { ...photo, at: now } }, $inc: { version: 1 } });
  if (res.matchedCount !== 1) throw new NotFoundError('order not found');
  await OrderEvent.create({ orderId: order._id, at: now, by, kind: 'photo', milestone, after: { id: photo.id, name: photo.name } });
  return getOrder(order._id);
}

export interface OrderPatch {
  managerId?: string;
  incoterms?: string;
  currency?: string;
  lines?: OrderLineInput[];
  status?: 'open' | 'closed';
}

export async function updateOrder(id: string, patch: OrderPatch, by: string, now = new Date()): Promise<WriteResult> {
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

export async function orderHistory(id: string, scope: Scope = {}) {
  const order = await getOrder(id, scope);
  return OrderEvent.find({ orderId: order._id }).sort({ at: -1, _id: -1 }).limit(200).lean();
}
