// Reading orders: one order in a scope, by number, lists for managers, the overdue and due-today
// scans, an order's history.
import { Types } from 'mongoose';
import { msg, NotFoundError } from '../errors/index.js';
import { findSupplierByCode } from '../suppliers/index.js';
import { Order, OrderEvent, type OrderDoc } from './model.js';
import { dayOf, isOverdue } from './rules.js';

export interface Scope {
  /** A supplier sees and changes only its own orders. */
  supplierId?: Types.ObjectId | string;
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  hasMore: boolean;
}

export function scoped(id: string | Types.ObjectId, scope: Scope = {}) {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError(msg('orderNotFound'));
  return { _id: new Types.ObjectId(String(id)), ...(scope.supplierId ? { supplierId: new Types.ObjectId(String(scope.supplierId)) } : {}) };
}

export async function getOrder(id: string | Types.ObjectId, scope: Scope = {}): Promise<OrderDoc> {
  const o = await Order.findOne(scoped(id, scope)).lean<OrderDoc>();
  // Another supplier's order is "not found": its existence is not theirs to know.
  if (!o) throw new NotFoundError(msg('orderNotFound'));
  return o;
}

export async function findOrderByNumber(number: string, scope: Scope = {}): Promise<OrderDoc | null> {
  const o = await Order.findOne({ number: number.trim() }).lean<OrderDoc>();
  if (o && scope.supplierId && String(o.supplierId) !== String(scope.supplierId)) return null;
  return o;
}

export async function listOrders(filter: { supplierCode?: string; managerId?: string; status?: 'open' | 'closed' }, page = 1, size = 50): Promise<Page<OrderDoc>> {
  const q: Record<string, unknown> = {};
  if (filter.supplierCode) {
    const s = await findSupplierByCode(filter.supplierCode); // plain, tagged or former code
    if (!s) return { items: [], page, size, hasMore: false };
    q.supplierId = s._id;
  }
  if (filter.managerId) q.managerId = new Types.ObjectId(filter.managerId);
  q.status = filter.status ?? 'open';
  const items = await Order.find(q)
    .sort({ number: 1 })
    .skip((page - 1) * size)
    .limit(size + 1)
    .lean<OrderDoc[]>();
  return { items: items.slice(0, size), page, size, hasMore: items.length > size };
}

/** Open orders with any milestone overdue at `now` (optionally one manager's), most late first. */
export async function listOverdue(now: Date, filter: { managerId?: string } = {}): Promise<OrderDoc[]> {
  // Equality first (a manager's orders, or open ones); `dueDay` (the earliest undone planned
  // day) before today is applied after it, then every milestone is checked.
  const q: Record<string, unknown> = filter.managerId ? { managerId: new Types.ObjectId(filter.managerId), status: 'open' } : { status: 'open' };
  q.dueDay = { $lt: dayOf(now) };
  const open = await Order.find(q, { number: 1, supplierCode: 1, supplierId: 1, managerId: 1, next: 1, status: 1, customs: 1, milestones: 1, dueDay: 1 }).lean<OrderDoc[]>();
  return open.filter((o) => isOverdue(o, now)).sort((a, b) => String(a.dueDay).localeCompare(String(b.dueDay)));
}

/** Every open order overdue at `now` (the brief's `overdue(now)`). */
export const overdue = (now: Date) => listOverdue(now);

/** Open orders whose earliest undone milestone falls due on `day` ('YYYY-MM-DD', UTC): the scheduler's scan. */
export async function ordersDueOn(day: string): Promise<OrderDoc[]> {
  // A top-level field: FerretDB v1 pushes only top-level equality down to PostgreSQL (a dotted
  // `next.dueDay` was filtered in the engine after reading every open order — measured).
  return Order.find({ dueDay: day, status: 'open' }).lean<OrderDoc[]>();
}

/** Open orders with a milestone lacking a planned date (the daily "needs a date" list). */
export async function undatedOrders(limit = 5000): Promise<OrderDoc[]> {
  return Order.find({ undated: true, status: 'open' }, { number: 1, supplierCode: 1, supplierId: 1, managerId: 1, milestones: 1, status: 1 }).limit(limit).lean<OrderDoc[]>();
}

/** An order's change history, newest first (the last 200). */
export async function orderHistory(id: string, scope: Scope = {}) {
  const order = await getOrder(id, scope);
  return OrderEvent.find({ orderId: order._id }).sort({ at: -1, _id: -1 }).limit(200).lean();
}
