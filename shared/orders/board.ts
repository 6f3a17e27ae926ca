// The orders board across suppliers (the manager's morning screen): a read model with one small
// row per order (`OrderBoardRow`: state, supplier, manager, version and the row as one JSON
// string), kept in step after every order write (newer version wins) and rebuilt by
// reconciliation. The board reads rows, never orders: on the embedded engine an order document
// decodes at about 1,500/s (docs/database.md), a row in a fraction of that.
//
// Queries are equalities the engine's GIN twins serve: `{state: 'open'}` (everyone's open
// orders), `{supplierId, state: 'open'}` per visible supplier, `{managerId, state: 'open'}`
// (mine). Filters, counts and the sort by next due day run in memory over the open rows only.
import { Types } from 'mongoose';
import { visibleSupplierIds, type ManagerViewer } from '../access/index.js';
import { NotFoundError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Manager } from '../managers/model.js';
import { normaliseCode } from '../suppliers/codes.js';
import { Supplier } from '../suppliers/model.js';
import { MILESTONES, Order, OrderBoardRow, type MilestoneName, type OrderDoc } from './model.js';
import { dayOf, isOverdue } from './rules.js';

const log = getLogger('orders');


/** What the board shows of one order (days as 'YYYY-MM-DD'). */
export interface BoardRow {
  id: string;
  number: string;
  supplierId: string;
  supplierCode: string;
  managerId: string | null;
  status: string;
  incoterms: string | null;
  paymentTerms: string | null;
  next: { milestone: string; planned: string | null } | null;
  /** Each milestone: planned day, actual day, done. */
  milestones: Record<string, { planned: string | null; actual: string | null; done: boolean }>;
  customs: string;
  lines: number;
}

const day = (d?: Date | string | null) => (d ? dayOf(new Date(d)) : null);

export function boardRowOf(o: OrderDoc): BoardRow {
  return {
    id: String(o._id),
    number: o.number,
    supplierId: String(o.supplierId),
    supplierCode: o.supplierCode,
    managerId: o.managerId ? String(o.managerId) : null,
    status: o.status,
    incoterms: o.incoterms ?? null,
    paymentTerms: o.paymentTerms ?? null,
    next: o.next ? { milestone: o.next.milestone, planned: day(o.next.planned) } : null,
    milestones: Object.fromEntries(
      MILESTONES.map((m) => {
        const x = o.milestones?.[m];
        return [m, { planned: day(x?.planned), actual: day(x?.actual), done: x?.status === 'done' }];
      }),
    ),
    customs: o.customs?.status ?? 'none',
    lines: o.lines?.length ?? 0,
  };
}

/** The stored form of an order's row (also what bulk loads insert). */
export const boardDocOf = (o: OrderDoc) => ({ _id: o._id, state: o.status, supplierId: o.supplierId, managerId: o.managerId ?? undefined, v: o.version ?? 0, row: JSON.stringify(boardRowOf(o)) });

/** Bring the order's row up to this version (never back). A duplicate key is an older write losing. */
export async function syncBoardRow(o: OrderDoc): Promise<void> {
  const doc = boardDocOf(o);
  try {
    await OrderBoardRow.updateOne({ _id: doc._id, v: { $lt: doc.v } }, { $set: { state: doc.state, supplierId: doc.supplierId, managerId: doc.managerId ?? null, v: doc.v, row: doc.row } }, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return; // the row is newer already
    log.warn({ orderId: String(o._id), err: (err as Error).message }, 'board row not updated; reconciliation will');
  }
}

/** Rebuild rows for orders (after a bulk load, or a repair): one supplier's, or all. */
export async function rebuildBoard(filter: { supplierId?: Types.ObjectId | string } = {}): Promise<number> {
  const q = filter.supplierId ? { supplierId: new Types.ObjectId(String(filter.supplierId)) } : {};
  let n = 0;
  for await (const o of Order.find(q).lean<OrderDoc[]>().cursor()) {
    await syncBoardRow(o as unknown as OrderDoc);
    n++;
  }
  return n;
}

export const BOARD_VIEWS = ['all', 'overdue', 'thisWeek', 'nextWeek', 'customsHeld', 'noPlan'] as const;
export type BoardView = (typeof BOARD_VIEWS)[number];

export interface BoardFilter {
  view?: BoardView;
  supplierCode?: string;
  segment?: string;
  managerId?: string;
  /** Only the orders I am responsible for. */
  mine?: boolean;
}

export interface BoardItem extends BoardRow {
  supplierName: string | null;
  segment: string | null;
  managerName: string | null;
  overdue: boolean;
  daysLate: number;
}

export interface Board {
  items: BoardItem[];
  counts: Record<BoardView, number>;
  suppliers: { code: string; name: string }[];
  managers: { id: string; name: string }[];
}

/** Monday of the UTC week of `d` as 'YYYY-MM-DD', plus n weeks. */
function weekStart(d: Date, plusWeeks = 0): string {
  const x = new Date(`${dayOf(d)}T00:00:00Z`);
  const dow = (x.getUTCDay() + 6) % 7;
  return dayOf(new Date(x.getTime() + (plusWeeks * 7 - dow) * 86_400_000));
}

function matches(r: BoardItem, view: BoardView, weeks: { now: string; w0: string; w1: string; w2: string }): boolean {
  const ship = r.milestones.shipped;
  const shipDay = ship && !ship.done ? ship.planned : null;
  switch (view) {
    case 'all':
      return true;
    case 'overdue':
      return r.overdue;
    case 'thisWeek':
      return Boolean(shipDay && shipDay >= weeks.w0 && shipDay < weeks.w1);
    case 'nextWeek':
      return Boolean(shipDay && shipDay >= weeks.w1 && shipDay < weeks.w2);
    case 'customsHeld':
      return r.customs === 'held';
    case 'noPlan':
      return MILESTONES.some((m) => !r.milestones[m]?.done && !r.milestones[m]?.planned);
  }
}

type RowDoc = { _id: Types.ObjectId; row: string };

/** The viewer's open orders (everyone's for head/admin or "sees all"), filtered, counted, sorted by next due day. */
export async function boardFor(v: ManagerViewer, f: BoardFilter, now: Date): Promise<Board> {
  const proj = { row: 1 };
  let docs: RowDoc[];
  let supplierId: Types.ObjectId | undefined;
  if (f.supplierCode) {
    const s = await Supplier.findOne({ code: normaliseCode(f.supplierCode) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!s) throw new NotFoundError(`no supplier with code ${normaliseCode(f.supplierCode)}`);
    supplierId = s._id;
  }
  const visible = await visibleSupplierIds(v);
  if (supplierId && visible && !visible.has(String(supplierId))) {
    // Only their own orders at a supplier they do not otherwise see.
    docs = await OrderBoardRow.find({ managerId: new Types.ObjectId(v.id), state: 'open' }, proj).lean<RowDoc[]>();
  } else if (supplierId) {
    docs = await OrderBoardRow.find({ supplierId, state: 'open' }, proj).lean<RowDoc[]>();
  } else if (f.mine || (f.managerId && !visible)) {
    docs = await OrderBoardRow.find({ managerId: new Types.ObjectId(f.mine ? v.id : f.managerId!), state: 'open' }, proj).lean<RowDoc[]>();
  } else if (!visible) {
    docs = await OrderBoardRow.find({ state: 'open' }, proj).lean<RowDoc[]>();
  } else {
    const parts = await Promise.all([
      ...[...visible].map((id) => OrderBoardRow.find({ supplierId: new Types.ObjectId(id), state: 'open' }, proj).lean<RowDoc[]>()),
      OrderBoardRow.find({ managerId: new Types.ObjectId(v.id), state: 'open' }, proj).lean<RowDoc[]>(),
    ]);
    const seen = new Map<string, RowDoc>();
    for (const d of parts.flat()) seen.set(String(d._id), d);
    docs = [...seen.values()];
  }
  let rows = docs.map((d) => JSON.parse(d.row) as BoardRow);
  if (supplierId) rows = rows.filter((r) => r.supplierId === String(supplierId));
  if (f.managerId) rows = rows.filter((r) => r.managerId === f.managerId);
  if (f.mine) rows = rows.filter((r) => r.managerId === v.id);

  // Names and segments: the suppliers and managers these rows mention (small collections).
  const sids = [...new Set(rows.map((r) => r.supplierId))].map((id) => new Types.ObjectId(id));
  const mids = [...new Set(rows.map((r) => r.managerId).filter((x): x is string => Boolean(x)))].map((id) => new Types.ObjectId(id));
  const [sups, mans] = await Promise.all([
    sids.length ? Supplier.find({ _id: sids.length === 1 ? sids[0] : { $in: sids } }, { code: 1, name: 1, segment: 1 }).lean<{ _id: Types.ObjectId; code: string; name: string; segment: string }[]>() : [],
    mids.length ? Manager.find({ _id: mids.length === 1 ? mids[0] : { $in: mids } }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }[]>() : [],
  ]);
  const supById = new Map(sups.map((s) => [String(s._id), s]));
  const manById = new Map(mans.map((m) => [String(m._id), m.name]));
  const today = dayOf(now);
  let items: BoardItem[] = rows.map((r) => {
    const planned = r.next?.planned ? new Date(`${r.next.planned}T00:00:00Z`) : null;
    const overdue = isOverdue({ status: 'open', next: r.next ? { milestone: r.next.milestone as MilestoneName, planned } : null }, now);
    return {
      ...r,
      supplierName: supById.get(r.supplierId)?.name ?? null,
      segment: supById.get(r.supplierId)?.segment ?? null,
      managerName: r.managerId ? (manById.get(r.managerId) ?? null) : null,
      overdue,
      daysLate: overdue && r.next?.planned ? Math.floor((Date.parse(today) - Date.parse(r.next.planned)) / 86_400_000) : 0,
    };
  });
  if (f.segment) items = items.filter((r) => r.segment === f.segment);
  const weeks = { now: today, w0: weekStart(now), w1: weekStart(now, 1), w2: weekStart(now, 2) };
  const counts = Object.fromEntries(BOARD_VIEWS.map((view) => [view, items.filter((r) => matches(r, view, weeks)).length])) as Record<BoardView, number>;
  const suppliers = sups.map((s) => ({ code: s.code, name: s.name })).sort((a, b) => a.code.localeCompare(b.code));
  const managers = mans.map((m) => ({ id: String(m._id), name: m.name })).sort((a, b) => a.name.localeCompare(b.name));
  const view = f.view ?? 'all';
  items = items.filter((r) => matches(r, view, weeks));
  // Next due day first; orders without a next date last; then by number.
  items.sort((a, b) => (a.next?.planned ?? '9999') .localeCompare(b.next?.planned ?? '9999') || a.number.localeCompare(b.number));
  return { items, counts, suppliers, managers };
}
