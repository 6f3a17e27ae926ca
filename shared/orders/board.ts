// The orders board across suppliers (the manager's morning screen). Its rows live in the
// suppliers' order lists (list.ts: one document per supplier holding its open orders' entries,
// each entry carrying its board row), read through a cache checked against each supplier's
// head revision. One small document per order (`OrderBoardRow`: state, supplier, manager,
// version, the row as JSON) is kept as well, for the one question the lists cannot answer
// cheaply: "my own open orders at suppliers I do not otherwise see" (`{managerId, state}`).
// Filters, counts and the sort by next due day run in memory over the open rows only.
import { Types } from 'mongoose';
import { visibleSupplierIds, type ManagerViewer } from '../access/index.js';
import { msg, NotFoundError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Manager } from '../managers/model.js';
import { normaliseCode } from '../suppliers/codes.js';
import { Supplier } from '../suppliers/model.js';
import { MILESTONES, Order, OrderBoardRow, OrderIndex, OrderIndexHead, type OrderDoc, type OrderIndexEntry } from './model.js';
import { dayOf } from './rules.js';

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

/** A supplier's stored order list (list.ts): its entries and the board's rows of the same orders. */
export type ParsedIndex = { entries: Record<string, OrderIndexEntry>; rows: Record<string, BoardRow> };

/** Both maps of a stored list; rows still inside entries (lists written before) move out. */
export function parseIndex(idx: { data?: string; board?: string } | null | undefined): ParsedIndex {
  const entries = JSON.parse(idx?.data ?? '{}') as Record<string, OrderIndexEntry>;
  const rows = JSON.parse(idx?.board ?? '{}') as Record<string, BoardRow>;
  for (const [id, e] of Object.entries(entries)) {
    if (e.b) {
      rows[id] ??= e.b;
      delete e.b;
    }
  }
  return { entries, rows };
}

/** The stored form of an order's row (also what bulk loads insert). */
export const boardDocOf = (o: OrderDoc) => ({ _id: o._id, state: o.status, supplierId: o.supplierId, managerId: o.managerId ?? undefined, v: o.version ?? 0, row: JSON.stringify(boardRowOf(o)) });

/** Bring the order's row up to this version (never back). A duplicate key is an older write losing. */
export async function syncBoardRow(o: OrderDoc): Promise<void> {
  const doc = boardDocOf(o);
  try {
    await OrderBoardRow.updateOne(
      { _id: doc._id, v: { $lt: doc.v } },
      { $set: { state: doc.state, supplierId: doc.supplierId, managerId: doc.managerId ?? null, v: doc.v, row: doc.row } },
      { upsert: true },
    );
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

// The board reads the suppliers' order lists (list.ts: one document per supplier holding its
// open orders' entries, each with its board row), parsed once and kept while the supplier's
// head revision holds: everyone's board is one read of the tiny heads plus the lists that
// changed. Measured with 1,000 open orders on the embedded engine: reading 1,000 row documents
// took ~140 ms (the engine decodes document by document); 20 list documents a few ms.
const cache = new Map<string, { rev: number; at: number; rows: BoardRow[] }>();
const CACHE_MAX_AGE_MS = 30_000;

/** Forget the parsed lists and names (tests, benchmarks: a cold board). */
export function clearBoardCache(): void {
  cache.clear();
  names.clear();
  boards.clear();
}

const minimalRow = (id: string, e: OrderIndexEntry, sid: string): BoardRow => ({
  id,
  number: e.n,
  supplierId: sid,
  supplierCode: '',
  managerId: null,
  status: 'open',
  incoterms: null,
  paymentTerms: null,
  next: e.nm ? { milestone: e.nm, planned: day(e.np) } : null,
  milestones: {},
  customs: e.c,
  lines: 0,
});

async function rowsOf(heads: { supplierId: Types.ObjectId; rev: number }[]): Promise<BoardRow[]> {
  const out: BoardRow[] = [];
  const stale = heads.filter((h) => {
    const hit = cache.get(String(h.supplierId));
    return !(hit && hit.rev === h.rev && Date.now() - hit.at < CACHE_MAX_AGE_MS);
  });
  const fresh = await Promise.all(stale.map((h) => OrderIndex.findOne({ supplierId: h.supplierId }, { data: 1, board: 1, rev: 1 }).lean<{ data: string; board?: string; rev: number }>()));
  stale.forEach((h, i) => {
    const sid = String(h.supplierId);
    const { entries, rows } = parseIndex(fresh[i]);
    if (cache.size >= 5_000) cache.clear();
    cache.set(sid, { rev: fresh[i]?.rev ?? h.rev, at: Date.now(), rows: Object.entries(entries).map(([id, e]) => rows[id] ?? minimalRow(id, e, sid)) });
  });
  for (const h of heads) out.push(...(cache.get(String(h.supplierId))?.rows ?? []));
  return out;
}

const names = new Map<string, { at: number; value: unknown }>();
async function named<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
  const hit = names.get(key);
  if (hit && Date.now() - hit.at < CACHE_MAX_AGE_MS) return hit.value as T | null;
  const value = await load();
  if (names.size >= 20_000) names.clear();
  names.set(key, { at: Date.now(), value });
  return value;
}

const headOf = async (sid: Types.ObjectId) => OrderIndexHead.findOne({ supplierId: sid }, { supplierId: 1, rev: 1 }).lean<{ supplierId: Types.ObjectId; rev: number }>();

/** The viewer's open orders (everyone's for head/admin or "sees all"), filtered, counted, sorted by next due day. */
export async function boardFor(v: ManagerViewer, f: BoardFilter, now: Date): Promise<Board> {
  let supplierId: Types.ObjectId | undefined;
  if (f.supplierCode) {
    const s = await Supplier.findOne({ code: normaliseCode(f.supplierCode) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!s) throw new NotFoundError(msg('noSupplierCode', { code: normaliseCode(f.supplierCode) }));
    supplierId = s._id;
  }
  const visible = await visibleSupplierIds(v);
  let sids: Types.ObjectId[] | 'all';
  if (supplierId) sids = [supplierId];
  else if (!visible) sids = 'all';
  else {
    // The suppliers I see, and those of my own orders elsewhere (a manager sees their own orders).
    const own = await OrderBoardRow.find({ managerId: new Types.ObjectId(v.id), state: 'open' }, { supplierId: 1 }).lean<{ supplierId: Types.ObjectId }[]>();
    sids = [...new Set([...visible, ...own.map((o) => String(o.supplierId))])].map((id) => new Types.ObjectId(id));
  }
  const heads =
    sids === 'all'
      ? await OrderIndexHead.find({}, { supplierId: 1, rev: 1 }).lean<{ supplierId: Types.ObjectId; rev: number }[]>()
      : (await Promise.all(sids.map(headOf))).filter((h): h is { supplierId: Types.ObjectId; rev: number } => Boolean(h));
  // The finished board for this scope, filter and day while no list changed (the heads' revs)
  // and at most half a minute (names): a warm request is the heads' read and nothing else. The
  // filtering, counting, naming and sorting of 1,000 rows (tens of ms of CPU each time) is what
  // made the tail long on a busy machine.
  const scope = visible ? `${v.id}:${[...visible].sort().join(',')}:${sids === 'all' ? '' : sids.length}` : 'all';
  const key = `${scope}|${JSON.stringify([f.view, f.supplierCode, f.segment, f.managerId, f.mine ? v.id : ''])}|${dayOf(now)}|${heads.map((h) => `${String(h.supplierId)}.${h.rev}`).join(',')}`;
  const done = boards.get(key);
  if (done && Date.now() - done.at < CACHE_MAX_AGE_MS) return done.board;
  const board = await computeBoard(v, f, now, heads, visible, supplierId);
  if (boards.size >= 500) boards.clear();
  boards.set(key, { at: Date.now(), board });
  return board;
}

const boards = new Map<string, { at: number; board: Board }>();

async function computeBoard(
  v: ManagerViewer,
  f: BoardFilter,
  now: Date,
  heads: { supplierId: Types.ObjectId; rev: number }[],
  visible: Set<string> | undefined,
  supplierId: Types.ObjectId | undefined,
): Promise<Board> {
  let rows = (await rowsOf(heads)).filter((r) => r.status === 'open');
  // Outside the suppliers I see, only my own orders.
  if (visible) rows = rows.filter((r) => visible.has(r.supplierId) || r.managerId === v.id);
  if (supplierId) rows = rows.filter((r) => r.supplierId === String(supplierId));
  if (f.managerId) rows = rows.filter((r) => r.managerId === f.managerId);
  if (f.mine) rows = rows.filter((r) => r.managerId === v.id);

  // Names and segments: the suppliers and managers these rows mention, by id (index-backed),
  // remembered for half a minute (a segment or name change shows within that).
  const rowSids = [...new Set(rows.map((r) => r.supplierId))];
  const mids = [...new Set(rows.map((r) => r.managerId).filter((x): x is string => Boolean(x)))];
  const [sups, mans] = await Promise.all([
    Promise.all(
      rowSids.map((id) =>
        named(`s:${id}`, () => Supplier.findOne({ _id: new Types.ObjectId(id) }, { code: 1, name: 1, segment: 1 }).lean<{ _id: Types.ObjectId; code: string; name: string; segment: string }>()),
      ),
    ),
    Promise.all(mids.map((id) => named(`m:${id}`, () => Manager.findOne({ _id: new Types.ObjectId(id) }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }>()))),
  ]).then(([a, b]) => [a.filter((x): x is NonNullable<typeof x> => Boolean(x)), b.filter((x): x is NonNullable<typeof x> => Boolean(x))] as const);
  const supById = new Map(sups.map((s) => [String(s._id), s]));
  const manById = new Map(mans.map((m) => [String(m._id), m.name]));
  const today = dayOf(now);
  let items: BoardItem[] = rows.map((r) => {
    // Late as the overdue scan counts it: ANY milestone not done whose planned day has passed
    // (an imported order may plan only its shipment; the next milestone may have no date).
    const late = Object.values(r.milestones ?? {})
      .filter((m) => !m.done && m.planned && m.planned < today)
      .map((m) => m.planned!)
      .sort()[0];
    const overdue = r.status === 'open' && Boolean(late);
    return {
      ...r,
      supplierName: supById.get(r.supplierId)?.name ?? null,
      segment: supById.get(r.supplierId)?.segment ?? null,
      managerName: r.managerId ? (manById.get(r.managerId) ?? null) : null,
      overdue,
      daysLate: late ? Math.floor((Date.parse(today) - Date.parse(late)) / 86_400_000) : 0,
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
  items.sort((a, b) => (a.next?.planned ?? '9999').localeCompare(b.next?.planned ?? '9999') || a.number.localeCompare(b.number));
  return { items, counts, suppliers, managers };
}
