// Purchase orders and their milestones. The domain's only door: plain inputs in, plain objects
// out; idempotent writes (client keys + version guards); full change history.
import { Types } from 'mongoose';
import { ConflictError, isDuplicateKey, NotFoundError, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Manager } from '../managers/model.js';
import { Supplier, findSupplierByCode } from '../suppliers/index.js';
import { IdempotencyKey, MILESTONES, Order, OrderEvent, OrderIndex, OrderIndexHead, type MilestoneDoc, type MilestoneName, type OrderDoc, type OrderLine, type OrderIndexEntry } from './model.js';

export { MILESTONES, CURRENCIES, INCOTERMS, Order, OrderEvent, OrderIndex, OrderIndexHead, IdempotencyKey, type MilestoneName, type OrderDoc, type MilestoneDoc, type OrderLine } from './model.js';

const log = getLogger('orders');

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

export interface Scope {
  /** A supplier sees and changes only its own orders. */
  supplierId?: Types.ObjectId | string;
}

export type OrderLineInput = OrderLine;

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

async function assertManager(id: string): Promise<void> {
  if (!Types.ObjectId.isValid(id) || !(await Manager.exists({ _id: new Types.ObjectId(id) }))) {
    throw new ValidationError('no such manager', { field: 'managerId' });
  }
}

/**
 * Called after every order write with the order before (null when created) and after: the
 * supplier KPIs (shared/performance) register here. A hook's failure never fails the write.
 */
export const orderWriteHooks: ((before: OrderDoc | null, after: OrderDoc, now: Date) => Promise<void>)[] = [];
async function afterWrite(before: OrderDoc | null, after: OrderDoc, now: Date): Promise<void> {
  for (const h of orderWriteHooks) await h(before, after, now).catch((err) => log.warn({ err: (err as Error).message }, 'order write hook failed'));
}

export async function createOrder(input: NewOrder, by: string, now = new Date()): Promise<OrderDoc> {
  const supplier = await findSupplierByCode(input.supplierCode); // plain, tagged or former code
  if (!supplier) throw new ValidationError(`no supplier with code ${input.supplierCode}`, { field: 'supplierCode' });
  if (input.managerId) await assertManager(input.managerId);
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
      dueDay: computeNext(milestones as never)?.dueDay ?? null,
    });
    await OrderEvent.create({ orderId: doc._id, at: now, by, kind: 'created', after: { number: doc.number } });
    const created = doc.toObject() as unknown as OrderDoc;
    await syncAfterWrite(created);
    await afterWrite(null, created, now);
    return created;
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

// ---- the supplier's order list (read model) --------------------------------------------------

const entryOf = (o: OrderDoc): OrderIndexEntry => ({ n: o.number, v: o.version, nm: o.next?.milestone ?? null, np: o.next?.planned ?? null, c: o.customs?.status ?? 'none' });

type IndexDoc = { supplierId: Types.ObjectId; data: string; rev: number };

const snapshotOf = async (sid: Types.ObjectId) =>
  JSON.stringify(
    Object.fromEntries(
      (await Order.find({ supplierId: sid, status: 'open' }, { number: 1, version: 1, next: 1, customs: 1 }).lean<OrderDoc[]>()).map((o) => [String(o._id), entryOf(o)]),
    ),
  );

/** First build of a supplier's read model; false when another writer built it first. */
async function createIndex(sid: Types.ObjectId): Promise<boolean> {
  try {
    // Revisions only grow, even when the list is rebuilt from nothing: caches are keyed by them.
    const head = await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
    const rev = (head?.rev ?? 0) + 1;
    await OrderIndex.create({ supplierId: sid, data: await snapshotOf(sid), rev });
    await raiseHead(sid, rev);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Publish a new revision of the supplier's list (never lowers it). */
async function raiseHead(sid: Types.ObjectId, rev: number): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await OrderIndexHead.updateOne({ supplierId: sid }, { $max: { rev } }, { upsert: true });
      return;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // two first upserts: the second goes round as an update
    }
  }
}

// The read model is one document per supplier, so writers to one supplier's orders contend
// on it: retries are many and jittered (a burst of N writers needs about N rounds).
const INDEX_ATTEMPTS = 60;
const backoff = (attempt: number) => sleep(Math.random() * Math.min(50, 2 + attempt * 2));

/** Bring the order's entry in the supplier's read model up to this version (never back). */
export async function syncOrderIndex(o: OrderDoc): Promise<void> {
  const id = String(o._id);
  const sid = new Types.ObjectId(String(o.supplierId));
  for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
    const idx = await OrderIndex.findOne({ supplierId: sid }).lean<IndexDoc>();
    if (!idx) {
      // Built from the orders themselves, this one included; if another writer built it
      // first, go round and merge into theirs.
      if (await createIndex(sid)) return;
      continue;
    }
    const entries = JSON.parse(idx.data) as Record<string, OrderIndexEntry>;
    const cur = entries[id];
    if (cur && cur.v >= o.version) return;
    if (o.status === 'open') entries[id] = entryOf(o);
    else if (cur) delete entries[id];
    else return;
    const res = await OrderIndex.updateOne({ supplierId: sid, rev: idx.rev }, { $set: { data: JSON.stringify(entries), rev: idx.rev + 1 } });
    if (res.modifiedCount === 1) return raiseHead(sid, idx.rev + 1);
    await backoff(attempt);
  }
  throw new ConflictError('order list busy; try again');
}

/**
 * After an order write: the order is stored, so the request succeeds even if its list entry
 * cannot be written now (a burst, the database gone); reconcileOrderIndexes() repairs it.
 */
async function syncAfterWrite(o: OrderDoc): Promise<void> {
  try {
    await syncOrderIndex(o);
  } catch (err) {
    log.warn({ orderId: String(o._id), supplierId: String(o.supplierId), err: (err as Error).message }, 'order list entry not updated; reconciliation will');
  }
}

/** Rebuild every supplier's order list from the orders (a periodic job; repairs crash gaps). */
export async function reconcileOrderIndexes(): Promise<number> {
  const ids = await OrderIndex.find({}, { supplierId: 1 }).lean<{ supplierId: Types.ObjectId }[]>();
  for (const { supplierId } of ids) await rebuildOrderIndex(supplierId);
  return ids.length;
}

// Reconciliation (first use, or after a crash between an order write and its sync). The rev is
// read BEFORE the orders and the write is guarded by it: a sync landing in between sends us
// round with a fresh snapshot; an order written after our snapshot is synced after us (newer
// version wins). So a rebuild never puts an old entry back.
export async function rebuildOrderIndex(supplierId: Types.ObjectId | string): Promise<void> {
  const sid = new Types.ObjectId(String(supplierId));
  for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
    const idx = await OrderIndex.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
    if (!idx) {
      if (await createIndex(sid)) return;
      continue;
    }
    const data = await snapshotOf(sid);
    const res = await OrderIndex.updateOne({ supplierId: sid, rev: idx.rev }, { $set: { data, rev: idx.rev + 1 } });
    if (res.modifiedCount === 1) return raiseHead(sid, idx.rev + 1);
    await backoff(attempt);
  }
  throw new ConflictError('order list busy; try again');
}

export interface OrderListItem {
  _id: Types.ObjectId;
  number: string;
  supplierCode: string;
  status: 'open';
  version: number;
  next: { milestone: MilestoneName; planned?: Date | null } | null;
  customs: { status: string };
}

// Parsed and sorted lists by supplier, valid while the head's rev is unchanged. Every list read
// checks the head (one tiny document), so a write in any process is seen by the next read.
// MAX_AGE bounds what a crash between the list write and the head raise could leave stale.
const listCache = new Map<string, { rev: number; at: number; code: string; sorted: [string, OrderIndexEntry][] }>();
const LIST_CACHE_MAX_AGE_MS = 30_000;
const LIST_CACHE_SUPPLIERS = 2_000;

export function clearOrderListCache(): void {
  listCache.clear();
}

async function supplierList(sid: Types.ObjectId) {
  const key = String(sid);
  const head = await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
  const hit = listCache.get(key);
  if (hit && head && hit.rev === head.rev && Date.now() - hit.at < LIST_CACHE_MAX_AGE_MS) return hit;
  let idx = await OrderIndex.findOne({ supplierId: sid }).lean<IndexDoc>();
  if (!idx) {
    await rebuildOrderIndex(sid);
    idx = await OrderIndex.findOne({ supplierId: sid }).lean<IndexDoc>();
  }
  const code = (await Supplier.findOne({ _id: sid }, { code: 1 }).lean<{ code: string }>())?.code ?? '';
  const sorted = Object.entries(JSON.parse(idx?.data ?? '{}') as Record<string, OrderIndexEntry>).sort(([, a], [, b]) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  const entry = { rev: idx?.rev ?? 0, at: Date.now(), code, sorted };
  if (head && head.rev < entry.rev) await raiseHead(sid, entry.rev); // a raise lost to a crash
  if (listCache.size >= LIST_CACHE_SUPPLIERS) listCache.clear();
  listCache.set(key, entry);
  return entry;
}

/** A supplier's open orders by number, a page of `size`, from the read model. */
export async function listOrdersForSupplier(supplierId: Types.ObjectId | string, page = 1, size = 50): Promise<Page<OrderListItem> & { rev: number }> {
  const list = await supplierList(new Types.ObjectId(String(supplierId)));
  const slice = list.sorted.slice((page - 1) * size, page * size);
  return {
    items: slice.map(([id, e]) => ({
      _id: new Types.ObjectId(id),
      number: e.n,
      supplierCode: list.code,
      status: 'open',
      version: e.v,
      next: e.nm ? { milestone: e.nm as MilestoneName, planned: e.np ? new Date(e.np) : null } : null,
      customs: { status: e.c },
    })),
    page,
    size,
    hasMore: list.sorted.length > page * size,
    rev: list.rev, // the list's revision: what a rendered page may be cached under
  };
}

export async function listOrders(filter: { supplierCode?: string; managerId?: string; status?: 'open' | 'closed' }, page = 1, size = 50): Promise<Page<OrderDoc>> {
  const q: Record<string, unknown> = {};
  if (filter.supplierCode) {
    const s = await findSupplierByCode(filter.supplierCode);
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
  // Equality first (a manager's orders, or open ones), the date range is applied after it.
  const q: Record<string, unknown> = filter.managerId ? { managerId: new Types.ObjectId(filter.managerId), status: 'open' } : { status: 'open' };
  q['next.planned'] = { $lt: new Date(`${dayOf(now)}T00:00:00Z`) };
  const open = await Order.find(q, { number: 1, supplierCode: 1, supplierId: 1, managerId: 1, next: 1, status: 1, customs: 1 }).lean<OrderDoc[]>();
  return open.filter((o) => isOverdue(o, now)).sort((a, b) => a.next!.planned!.getTime() - b.next!.planned!.getTime());
}

/** Every open order overdue at `now` (the brief's `overdue(now)`). */
export const overdue = (now: Date) => listOverdue(now);

/** Open orders whose next milestone falls due on `day` ('YYYY-MM-DD', UTC): the scheduler's scan. */
export async function ordersDueOn(day: string): Promise<OrderDoc[]> {
  // A top-level field: FerretDB v1 pushes only top-level equality down to PostgreSQL (a dotted
  // `next.dueDay` was filtered in the engine after reading every open order — measured).
  return Order.find({ dueDay: day, status: 'open' }).lean<OrderDoc[]>();
}

/** Forget idempotency keys older than `before` (no TTL indexes on FerretDB: a job calls this). */
export async function pruneIdempotencyKeys(before: Date): Promise<number> {
  const r = await IdempotencyKey.deleteMany({ at: { $lt: before } });
  return r.deletedCount ?? 0;
}

/** A key whose first request has not finished after this long is taken as abandoned (crash). */
const KEY_STALE_MS = 60_000;
const KEY_WAIT_MS = 5_000;

/**
 * Run a write once per client idempotency key. The key is claimed by a unique insert; a replay
 * waits for the first request to finish and answers with the order as it is then (changed:
 * false). A key reused for a different request is a conflict. A failed write releases the key;
 * a key left behind by a crashed process is taken over after KEY_STALE_MS.
 */
async function onceByKey(
  key: string | undefined,
  actor: string,
  orderId: Types.ObjectId,
  fingerprint: string,
  now: Date,
  write: () => Promise<WriteResult>,
): Promise<WriteResult> {
  if (!key) return write();
  const k = `${actor}:${key}`;
  const started = Date.now();
  for (;;) {
    try {
      await IdempotencyKey.create({ key: k, orderId, fingerprint, at: now });
      break; // ours
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const seen = await IdempotencyKey.findOne({ key: k }).lean<{ orderId?: Types.ObjectId; fingerprint?: string; at: Date; done?: boolean }>();
    if (!seen) continue; // released by a failed first attempt: claim again
    if (String(seen.orderId) !== String(orderId) || (seen.fingerprint && seen.fingerprint !== fingerprint)) {
      throw new ConflictError('this Idempotency-Key was used for a different request', { field: 'Idempotency-Key' });
    }
    if (seen.done) return { order: await getOrder(orderId), changed: false };
    if (now.getTime() - new Date(seen.at).getTime() > KEY_STALE_MS) {
      // Abandoned: only one taker wins the guarded delete, the others find it claimed again.
      await IdempotencyKey.deleteOne({ key: k, done: false, at: seen.at });
      continue;
    }
    if (Date.now() - started > KEY_WAIT_MS) throw new ConflictError('a request with this Idempotency-Key is still in progress; retry later');
    await sleep(25);
  }
  try {
    const res = await write();
    await IdempotencyKey.updateOne({ key: k }, { $set: { done: true } });
    return res;
  } catch (err) {
    await IdempotencyKey.deleteOne({ key: k });
    throw err;
  }
}

const fingerprintOf = (x: Record<string, unknown>) =>
  JSON.stringify(Object.entries(x).filter(([k, v]) => v !== undefined && !['by', 'idempotencyKey', 'scope', 'now'].includes(k)).sort(([a], [b]) => a.localeCompare(b)));

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
      const fresh = await getOrder(order._id);
      await syncAfterWrite(fresh);
      await afterWrite(order, fresh, now);
      return { order: fresh, changed: true };
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
          set: { [`milestones.${u.milestone}`]: next, next: computeNext(milestones as never) ?? null, dueDay: computeNext(milestones as never)?.dueDay ?? null },
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
  return onceByKey(u.idempotencyKey, u.by, first._id, fingerprintOf({ ...u, orderId: String(first._id) }), now, () =>
    guardedChange(
      first._id,
      u.scope,
      (o) => {
        const cur = o.customs ?? { status: 'none' };
        // heldAt: when customs first held it (a customs delay, counted in the supplier's KPIs).
        const heldAt = (cur as { heldAt?: Date }).heldAt ?? (u.status === 'held' ? now : undefined);
        const next = { status: u.status, reason: u.reason, expectedDate: u.expectedDate, updatedAt: now, updatedBy: u.by, ...(heldAt ? { heldAt } : {}) };
        if (cur.status === next.status && cur.reason === next.reason && String(cur.expectedDate ?? '') === String(next.expectedDate ?? '')) return undefined;
        return { set: { customs: next }, event: { kind: 'customs', before: cur, after: next, reason: u.reason } };
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
  if (!MILESTONES.includes(milestone)) throw new ValidationError(`unknown milestone ${milestone}`, { field: 'milestone' });
  const order = await getOrder(orderId, scope);
  // A re-sent upload (same key, same milestone and bytes count) adds nothing: changed false.
  return onceByKey(idempotencyKey, by, order._id, fingerprintOf({ milestone, size: photo.size, mimeType: photo.mimeType, name: photo.name }), now, async () => {
    const cur = await getOrder(order._id, scope);
    if ((cur.milestones?.[milestone]?.photos?.length ?? 0) >= MAX_PHOTOS) throw new ConflictError(`a milestone keeps at most ${MAX_PHOTOS} photos`, { field: 'photo' });
    const res = await Order.updateOne(scoped(order._id, scope), { $push: { [`milestones.${milestone}.photos`]: { ...photo, at: now } }, $inc: { version: 1 } });
    if (res.matchedCount !== 1) throw new NotFoundError('order not found');
    await OrderEvent.create({ orderId: order._id, at: now, by, kind: 'photo', milestone, after: { id: photo.id, name: photo.name } });
    return { order: await getOrder(order._id), changed: true };
  });
}

export interface OrderPatch {
  managerId?: string;
  incoterms?: string;
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

export async function orderHistory(id: string, scope: Scope = {}) {
  const order = await getOrder(id, scope);
  return OrderEvent.find({ orderId: order._id }).sort({ at: -1, _id: -1 }).limit(200).lean();
}
