// Price history: every PO line's unit price per item (SKU, else the normalised name) per
// supplier over time, kept in step with the orders (the `order.written` listener at the end,
// wired by shared/reactions.ts); changes since the previous order and since a year ago; an
// alert to the order's manager when a price jumps beyond PRICE_JUMP_PCT; suppliers compared
// for one item in one currency. The domain's only door (see CONTEXT.md).
import { Types } from 'mongoose';
import { getLogger } from '../log/index.js';
import { UPDATE_BATCH, writeErrorsOf } from '../db/batches.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { dmKey } from '../messenger.js';
import { convert, Decimal, fmt } from '../money/index.js';
import { enqueueNotice, priceJumpsForManager } from '../notices/index.js';
import type { OrderDoc } from '../orders/model.js';
import { PricePoint, type PricePointDoc } from './model.js';

export { PricePoint, type PricePointDoc } from './model.js';

const log = getLogger('prices');

/** SKU when there is one, else the name folded (NFKC, case, spaces, punctuation). */
export function itemKeyOf(l: { item: string; sku?: string | null }): string {
  if (l.sku?.trim()) return `sku:${l.sku.trim().toUpperCase()}`;
  return `name:${l.item
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim()}`;
}

/** The rise over the previous price of the same item and supplier, when above `jumpPct` (same currency only). */
function jumpOf(l: { unitPrice: string; currency: string }, prev: { unitPrice: string; currency: string } | null | undefined, jumpPct: Decimal): string | undefined {
  if (!prev || prev.currency !== l.currency) return undefined;
  const change = new Decimal(l.unitPrice).minus(prev.unitPrice).div(prev.unitPrice).times(100);
  return change.gt(jumpPct) ? change.toDecimalPlaces(1).toString() : undefined;
}

/** What a price point records of an order line. */
const pointFields = (o: OrderDoc, l: OrderDoc['lines'][number], itemKey: string, day: string) => ({
  orderNumber: o.number,
  supplierId: o.supplierId,
  supplierCode: o.supplierCode,
  managerId: o.managerId,
  itemKey,
  item: l.item,
  sku: l.sku,
  day,
  qty: l.qty,
  unitPrice: l.unitPrice,
  currency: l.currency,
});

/** Price settings (config.prices): alert when a unit price rises more than `jumpPct` percent. */
export interface PriceSettings {
  jumpPct: number;
}

/** Keep an order's price points equal to its lines; alert on jumps of new lines. */
export async function syncPricePoints(o: OrderDoc, isNew: boolean, settings: PriceSettings, now = new Date()): Promise<number> {
  const jumpPct = new Decimal(settings.jumpPct);
  const day = (o as unknown as { createdAt?: Date }).createdAt ? new Date((o as unknown as { createdAt: Date }).createdAt).toISOString().slice(0, 10) : now.toISOString().slice(0, 10);
  const lines = o.lines ?? [];
  const jumps: Jumped[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const itemKey = itemKeyOf(l);
    const prev = await previousPoint(itemKey, o.supplierId, day, o._id);
    const jump = jumpOf(l, prev, jumpPct);
    const set = pointFields(o, l, itemKey, day);
    const r = await PricePoint.updateOne({ orderId: o._id, line: i }, jump ? { $set: { ...set, jumpPct: jump } } : { $set: set, $unset: { jumpPct: 1 } }, { upsert: true }).catch(async (err) => {
      if ((err as { code?: number }).code !== 11000) throw err;
      return { upsertedCount: 0 };
    });
    if (jump && (isNew || r.upsertedCount)) jumps.push({ line: l, prev: prev!, pct: jump });
  }
  await PricePoint.deleteMany({ orderId: o._id, line: { $gte: lines.length } });
  return alertJumps(o, jumps, now, new Map());
}

type StoredLite = Pick<PricePointDoc, '_id' | 'orderId' | 'orderNumber' | 'day' | 'unitPrice' | 'currency'>;
/** A point as the batch compares it: its ids as text once (compared many times). */
type PointLite = StoredLite & { id: string; order: string };
const liteOf = (p: StoredLite): PointLite => ({ ...p, id: p._id.toHexString(), order: p.orderId.toHexString() });
const LITE = { orderId: 1, orderNumber: 1, day: 1, unitPrice: 1, currency: 1 } as const;
const BULK = 500;

/** The point a new one is compared with: the supplier's latest for the item on or before `day`, of another order. */
const latestBefore = (points: PointLite[], day: string, orderId: string) => {
  let best: PointLite | undefined;
  for (const p of points) if (p.day <= day && p.order !== orderId && (!best || p.day > best.day || (p.day === best.day && p.id >= best.id))) best = p;
  return best;
};

/**
 * Many orders' points at once (an import's batch): the same result as `syncPricePoints` order
 * after order, with one read of the stored points per 200 item keys for the whole batch (the
 * points of earlier orders in the batch are compared in memory) and the upserts in bulk writes
 * of up to 500. Returns the number of jump alerts.
 */
export async function syncPricePointsMany(orders: { order: OrderDoc; isNew: boolean }[], settings: PriceSettings, now = new Date()): Promise<number> {
  const jumpPct = new Decimal(settings.jumpPct);
  // Stored points by item and supplier (only what the comparison needs), read per supplier:
  // an equality on supplierId first (the engine narrows by it), the batch's items of that supplier.
  const bySupplierItem = new Map<string, PointLite[]>();
  const group = (itemKey: string, sid: unknown) => {
    const k = `${itemKey}|${String(sid)}`;
    let g = bySupplierItem.get(k);
    if (!g) bySupplierItem.set(k, (g = []));
    return g;
  };
  const wanted = new Map<string, { supplierId: Types.ObjectId; keys: Set<string> }>();
  for (const { order } of orders) {
    const sid = String(order.supplierId);
    let w = wanted.get(sid);
    if (!w) wanted.set(sid, (w = { supplierId: order.supplierId, keys: new Set() }));
    for (const l of order.lines ?? []) w.keys.add(itemKeyOf(l));
  }
  for (const { supplierId, keys } of wanted.values()) {
    const all = [...keys];
    for (let i = 0; i < all.length; i += 200) {
      const chunk = all.slice(i, i + 200);
      const found = await PricePoint.find({ supplierId, itemKey: chunk.length === 1 ? chunk[0] : { $in: chunk } }, { ...LITE, itemKey: 1 }).lean<(StoredLite & { itemKey: string })[]>();
      for (const p of found) group(p.itemKey, supplierId).push(liteOf(p));
    }
  }
  const ops: { updateOne: { filter: object; update: object; upsert: true } }[] = [];
  const inserts: object[] = [];
  const jumps: { op: number; order: OrderDoc; isNew: boolean; line: OrderDoc['lines'][number]; prev: PointLite; pct: string }[] = [];
  for (const { order: o, isNew } of orders) {
    const day = (o as unknown as { createdAt?: Date }).createdAt ? new Date((o as unknown as { createdAt: Date }).createdAt).toISOString().slice(0, 10) : now.toISOString().slice(0, 10);
    const lines = o.lines ?? [];
    const oid = String(o._id);
    const mine: { g: PointLite[]; p: PointLite }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const itemKey = itemKeyOf(l);
      const g = group(itemKey, o.supplierId);
      const prev = latestBefore(g, day, oid);
      const jump = jumpOf(l, prev, jumpPct);
      const set = pointFields(o, l, itemKey, day);
      const clean = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
      if (jump) jumps.push({ op: isNew ? -1 : ops.length, order: o, isNew, line: l, prev: prev!, pct: jump });
      // A new order has no points yet: inserted (an insert is several times cheaper than an
      // upsert on the embedded engine); a changed order's are upserted.
      if (isNew) inserts.push({ orderId: o._id, line: i, ...clean, ...(jump ? { jumpPct: jump } : {}) });
      else ops.push({ updateOne: { filter: { orderId: o._id, line: i }, update: jump ? { $set: { ...clean, jumpPct: jump } } : { $set: clean, $unset: { jumpPct: 1 } }, upsert: true } });
      // Later orders of the batch compare with this one (as they would have one by one).
      const id = new Types.ObjectId();
      mine.push({ g, p: { _id: id, id: id.toHexString(), orderId: o._id, order: oid, orderNumber: o.number, day, unitPrice: l.unitPrice, currency: l.currency } });
    }
    // The order's stored points (a changed order) are replaced by these.
    for (const g of new Set(mine.map((x) => x.g))) for (let k = g.length - 1; k >= 0; k--) if (g[k]!.order === oid) g.splice(k, 1);
    for (const { g, p } of mine) g.push(p);
  }
  for (let i = 0; i < inserts.length; i += BULK) {
    // A point there already (the batch told twice) is a duplicate key, left as it is.
    await PricePoint.collection.insertMany(inserts.slice(i, i + BULK) as never[], { ordered: false }).catch((err: unknown) => {
      const errs = writeErrorsOf(err) ?? [];
      if (!errs.length || errs.some((w) => w.code !== 11000)) throw err;
    });
  }
  const upserted = new Set<number>();
  // Upserts are update statements: at most UPDATE_BATCH per request (shared/db/batches).
  for (let i = 0; i < ops.length; i += UPDATE_BATCH) {
    const res = await PricePoint.bulkWrite(ops.slice(i, i + UPDATE_BATCH) as never, { ordered: false }).catch((err: unknown) => {
      const errs = writeErrorsOf(err) ?? [];
      if (!errs.length || errs.some((w) => w.code !== 11000)) throw err;
      return (err as { result?: { upsertedIds?: Record<number, unknown> } }).result ?? { upsertedIds: {} };
    });
    for (const k of Object.keys((res as { upsertedIds?: Record<number, unknown> }).upsertedIds ?? {})) upserted.add(i + Number(k));
  }
  // Lines an order no longer has (changed orders only: a new one has no points yet).
  const changed = orders.filter((x) => !x.isNew).map((x) => x.order);
  for (const o of changed) await PricePoint.deleteMany({ orderId: o._id, line: { $gte: (o.lines ?? []).length } });
  // One alert per order (its jumped lines together); each manager read once for the batch.
  const byOrder = new Map<OrderDoc, Jumped[]>();
  for (const j of jumps) {
    if (!j.isNew && !upserted.has(j.op)) continue;
    const list = byOrder.get(j.order);
    if (list) list.push(j);
    else byOrder.set(j.order, [j]);
  }
  const managers = new Map<string, Promise<ManagerDoc | null>>();
  let alerts = 0;
  for (const [o, js] of byOrder) alerts += await alertJumps(o, js, now, managers);
  return alerts;
}

async function previousPoint(itemKey: string, supplierId: Types.ObjectId, day: string, orderId: Types.ObjectId): Promise<PricePointDoc | undefined> {
  const all = await PricePoint.find({ supplierId, itemKey }).lean<PricePointDoc[]>();
  return all
    .filter((p) => !p.orderId.equals(orderId) && p.day <= day)
    .sort((a, b) => a.day.localeCompare(b.day) || String(a._id).localeCompare(String(b._id)))
    .pop();
}

/** A jumped line and the point it was compared with. */
interface Jumped {
  line: { item: string; sku?: string | null; unitPrice: string; currency: string };
  prev: Pick<PricePointDoc, 'unitPrice' | 'orderNumber'>;
  pct: string;
}

/** One alert to the order's manager naming its jumped lines (none when no line jumped or the manager has no WeChat). Returns 1 when queued. */
async function alertJumps(o: OrderDoc, jumps: Jumped[], now: Date, managers: Map<string, Promise<ManagerDoc | null>>): Promise<number> {
  if (!jumps.length || !o.managerId) return 0;
  const id = String(o.managerId);
  if (!managers.has(id))
    managers.set(
      id,
      Manager.findOne({ _id: o.managerId, active: { $ne: false } })
        .lean<ManagerDoc>()
        .exec(),
    );
  const m = await managers.get(id)!;
  if (!m?.wechatId) return 0;
  const text = priceJumpsForManager(
    { po: o.number, code: o.supplierCode },
    jumps.map((j) => ({ item: j.line.item, unitPrice: j.line.unitPrice, currency: j.line.currency, was: j.prev.unitPrice, wasPo: j.prev.orderNumber, pct: j.pct })),
    m.language,
  );
  const keys = [...new Set(jumps.map((j) => itemKeyOf(j.line)))].sort().join(',');
  const ok = await enqueueNotice({ key: `price-jump:${o._id}:${keys}`, kind: 'alert', to: dmKey(m.wechatId), recipient: { kind: 'manager', id, timezone: m.timezone }, text, orderId: o._id }, now);
  return ok ? 1 : 0;
}

export interface PriceHistoryRow {
  day: string;
  supplierCode: string;
  orderNumber: string;
  unitPrice: string;
  currency: string;
  qty: number;
  changeVsPrevious: string | null; // percent, same supplier and currency
  changeVsYearAgo: string | null;
  jump: boolean;
}

const pctChange = (a: string, b: string) => new Decimal(a).minus(b).div(b).times(100).toDecimalPlaces(1).toString();

/** An item's prices over time (optionally of one supplier), oldest first, with changes. */
/** `visible`: the supplier ids the reader may see (shared/access); undefined = all. */
export async function priceHistory(itemKey: string, supplierCode?: string, visible?: Set<string>): Promise<PriceHistoryRow[]> {
  const all = (await PricePoint.find({ itemKey }).lean<PricePointDoc[]>())
    .filter((p) => (!supplierCode || p.supplierCode === supplierCode) && (!visible || visible.has(String(p.supplierId))))
    .sort((a, b) => a.day.localeCompare(b.day) || String(a._id).localeCompare(String(b._id)));
  return all.map((p, i) => {
    const before = all.slice(0, i).filter((q) => q.supplierCode === p.supplierCode && q.currency === p.currency);
    const prev = before[before.length - 1];
    const yearAgoDay = new Date(Date.parse(`${p.day}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
    const yearAgo = before.filter((q) => q.day <= yearAgoDay).pop();
    return {
      day: p.day,
      supplierCode: p.supplierCode,
      orderNumber: p.orderNumber,
      unitPrice: p.unitPrice,
      currency: p.currency,
      qty: p.qty,
      changeVsPrevious: prev ? pctChange(p.unitPrice, prev.unitPrice) : null,
      changeVsYearAgo: yearAgo ? pctChange(p.unitPrice, yearAgo.unitPrice) : null,
      jump: Boolean(p.jumpPct),
    };
  });
}

/** Each supplier's latest price for the item, converted to `currency` at that order's date. */
export async function compareSuppliers(itemKey: string, currency: string, visible?: Set<string>) {
  const all = (await PricePoint.find({ itemKey }).lean<PricePointDoc[]>()).filter((p) => !visible || visible.has(String(p.supplierId)));
  const latest = new Map<string, PricePointDoc>();
  for (const p of all.sort((a, b) => a.day.localeCompare(b.day))) latest.set(p.supplierCode, p);
  const rows = [];
  for (const p of latest.values()) {
    let converted: string | null = null;
    let rateDay: string | null = null;
    try {
      const c = await convert(p.unitPrice, p.currency, currency, p.day);
      converted = fmt(c.amount);
      rateDay = c.rate.day;
    } catch {
      /* no rate: shown unconverted */
    }
    rows.push({ supplierCode: p.supplierCode, day: p.day, unitPrice: p.unitPrice, currency: p.currency, converted, rateDay, orderNumber: p.orderNumber });
  }
  return rows.sort((a, b) => (a.converted && b.converted ? new Decimal(a.converted).cmp(b.converted) : a.converted ? -1 : 1));
}

/**
 * The `order.written` listener (wired by shared/reactions.ts with the configured settings): keep
 * the order's price points equal to its lines.
 */
export async function onOrderWritten({ before, after, now }: { before: OrderDoc | null; after: OrderDoc; now: Date }, settings: PriceSettings): Promise<void> {
  if (before && JSON.stringify(before.lines ?? []) === JSON.stringify(after.lines ?? [])) return;
  const n = await syncPricePoints(after, !before, settings, now);
  if (n) log.info({ order: after.number, alerts: n }, 'price jump alerts');
}

/**
 * The `orders.imported` listener: the points of a batch of imported orders in bulk (orders whose
 * lines did not change are skipped, as one by one).
 */
export async function onOrdersImported({ written, now }: { written: { before: OrderDoc | null; after: OrderDoc }[]; now: Date }, settings: PriceSettings): Promise<void> {
  const todo = written
    .filter(({ before, after }) => !before || JSON.stringify(before.lines ?? []) !== JSON.stringify(after.lines ?? []))
    .map(({ before, after }) => ({ order: after, isNew: !before }));
  if (!todo.length) return;
  const n = await syncPricePointsMany(todo, settings, now);
  if (n) log.info({ orders: todo.length, alerts: n }, 'price jump alerts (import)');
}
