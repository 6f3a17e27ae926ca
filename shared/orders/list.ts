// The supplier's order list (read model): one document per supplier holding its open orders'
// entries, kept in step after every write, rebuilt by reconciliation, read through a cache
// checked against a tiny head document.
import { createHash } from 'node:crypto';
import { Types } from 'mongoose';
import { createCache } from '../cache/index.js';
import { ConflictError, isDuplicateKey, msg } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { Supplier } from '../suppliers/model.js';
import { MILESTONES, Order, OrderIndex, OrderIndexHead, type MilestoneName, type OrderDoc, type OrderIndexEntry } from './model.js';
import { dayOf } from './rules.js';
import { boardRowOf, parseIndex, syncBoardRow, type ParsedIndex as Parsed } from './board.js';
import type { Page } from './queries.js';

const log = getLogger('orders');
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * What an import compares of an order (lines, Incoterms, payment terms, planned days), in one
 * short print: an import finds a PO of its file unchanged when the supplier's list holds the
 * same print under its number (one read per supplier instead of one look-up per PO).
 */
export function contentPrint(o: Pick<OrderDoc, 'lines' | 'incoterms' | 'paymentTerms' | 'milestones'>): string {
  const parts = [
    o.incoterms ?? '',
    o.paymentTerms ?? '',
    ...MILESTONES.map((m) => {
      const p = o.milestones?.[m]?.planned;
      return p ? dayOf(new Date(p)) : '';
    }),
    ...(o.lines ?? []).map((l) => [l.item, l.sku ?? '', l.qty, l.unit ?? 'pcs', Number(l.unitPrice), l.currency].join('\u0001')),
  ];
  return createHash('sha1').update(parts.join('\u0002')).digest('base64url').slice(0, 16);
}

const entryOf = (o: OrderDoc): OrderIndexEntry => ({ n: o.number, v: o.version, nm: o.next?.milestone ?? null, np: o.next?.planned ?? null, c: o.customs?.status ?? 'none', f: contentPrint(o) });

// `data`: the entries the mini-program's list pages through; `board`: the same orders' rows on
// the cross-supplier board (board.ts), in a field of their own so that the list's read does
// not carry them (a board row is several times an entry).
type IndexDoc = { supplierId: Types.ObjectId; data: string; board?: string; rev: number };

const put = (p: Parsed, o: OrderDoc) => {
  const id = String(o._id);
  p.entries[id] = entryOf(o);
  p.rows[id] = boardRowOf(o);
};
const drop = (p: Parsed, id: string) => {
  delete p.entries[id];
  delete p.rows[id];
};
const fieldsOf = (p: Parsed) => ({ data: JSON.stringify(p.entries), board: JSON.stringify(p.rows) });

const snapshotOf = async (sid: Types.ObjectId) => {
  const p: Parsed = { entries: {}, rows: {} };
  for (const o of await Order.find({ supplierId: sid, status: 'open' }).lean<OrderDoc[]>()) put(p, o);
  return fieldsOf(p);
};

/** First build of a supplier's read model; false when another writer built it first. */
async function createIndex(sid: Types.ObjectId): Promise<boolean> {
  try {
    // Revisions only grow, even when the list is rebuilt from nothing: caches are keyed by them.
    const head = await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
    const rev = (head?.rev ?? 0) + 1;
    await OrderIndex.create({ supplierId: sid, ...(await snapshotOf(sid)), rev });
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
    const p = parseIndex(idx);
    const cur = p.entries[id];
    if (cur && cur.v >= o.version) return;
    if (o.status === 'open') put(p, o);
    else if (cur) drop(p, id);
    else return;
    const res = await OrderIndex.updateOne({ supplierId: sid, rev: idx.rev }, { $set: { ...fieldsOf(p), rev: idx.rev + 1 } });
    if (res.modifiedCount === 1) return raiseHead(sid, idx.rev + 1);
    await backoff(attempt);
  }
  throw new ConflictError(msg('orderListBusy'));
}

/** Build the supplier's list when it has none yet (before a bulk insert: the snapshot is then cheap). */
export async function ensureOrderIndex(supplierId: Types.ObjectId | string): Promise<void> {
  const sid = new Types.ObjectId(String(supplierId));
  if (!(await OrderIndex.exists({ supplierId: sid }))) await createIndex(sid);
}

/**
 * Bring many orders' entries up to date at once (imports): one read and one guarded write per
 * supplier, merged in memory from the orders given (the orders are not read again). A supplier
 * without a list yet gets one built from `orders` alone when `fromThese` is set (else from a
 * snapshot of its orders, as before); its id is returned, and the caller rebuilds those lists
 * (rebuildOrderIndex) to take in open orders that were stored without a list (written outside
 * the app): the guarded rebuild never puts an older entry back.
 */
export async function syncOrderIndexMany(orders: OrderDoc[], opts: { fromThese?: boolean } = {}): Promise<Types.ObjectId[]> {
  const bySupplier = new Map<string, OrderDoc[]>();
  for (const o of orders) {
    const key = String(o.supplierId);
    const list = bySupplier.get(key);
    if (list) list.push(o);
    else bySupplier.set(key, [o]);
  }
  const built: Types.ObjectId[] = [];
  // The suppliers side by side (each its own document).
  await Promise.all(
    [...bySupplier].map(async ([key, list]) => {
      const sid = new Types.ObjectId(key);
      for (let attempt = 0; attempt < INDEX_ATTEMPTS; attempt++) {
        const idx = await OrderIndex.findOne({ supplierId: sid }).lean<IndexDoc>();
        if (!idx) {
          if (opts.fromThese) {
            if (await createIndexFrom(sid, list)) {
              built.push(sid);
              break;
            }
          } else if (await createIndex(sid)) break; // built from the orders, these included
          continue;
        }
        const p = parseIndex(idx);
        let changed = false;
        for (const o of list) {
          const id = String(o._id);
          const cur = p.entries[id];
          if (cur && cur.v >= o.version) continue;
          if (o.status === 'open') put(p, o);
          else if (cur) drop(p, id);
          else continue;
          changed = true;
        }
        if (!changed) break;
        const res = await OrderIndex.updateOne({ supplierId: sid, rev: idx.rev }, { $set: { ...fieldsOf(p), rev: idx.rev + 1 } });
        if (res.modifiedCount === 1) {
          await raiseHead(sid, idx.rev + 1);
          break;
        }
        await backoff(attempt);
      }
    }),
  );
  return built;
}

/** A supplier's first list from the orders given (no snapshot); false when another writer built one first. */
async function createIndexFrom(sid: Types.ObjectId, orders: OrderDoc[]): Promise<boolean> {
  try {
    const head = await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
    const rev = (head?.rev ?? 0) + 1;
    const p: Parsed = { entries: {}, rows: {} };
    for (const o of orders) if (o.status === 'open') put(p, o);
    await OrderIndex.create({ supplierId: sid, ...fieldsOf(p), rev });
    await raiseHead(sid, rev);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * After an order write: the order is stored, so the request succeeds even if its list entry
 * cannot be written now (a burst, the database gone); reconcileOrderIndexes() repairs it.
 */
export async function syncAfterWrite(o: OrderDoc): Promise<void> {
  try {
    await syncOrderIndex(o);
  } catch (err) {
    log.warn({ orderId: String(o._id), supplierId: String(o.supplierId), err: (err as Error).message }, 'order list entry not updated; reconciliation will');
  }
  await syncBoardRow(o); // the cross-supplier board's row (logs its own failure)
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
    const fields = await snapshotOf(sid);
    const res = await OrderIndex.updateOne({ supplierId: sid, rev: idx.rev }, { $set: { ...fields, rev: idx.rev + 1 } });
    if (res.modifiedCount === 1) return raiseHead(sid, idx.rev + 1);
    await backoff(attempt);
  }
  throw new ConflictError(msg('orderListBusy'));
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
const listCache = createCache<string, ListEntry>('orders.supplierLists', { max: 2_000, ttl: 30_000 });

export function clearOrderListCache(): void {
  listCache.clear();
}

// Loads under way, by supplier and head revision: requests that miss the cache together (a
// page opened by many at once, the first requests after a start or a write) share one read.
const loading = new Map<string, Promise<ListEntry>>();
type ListEntry = { rev: number; code: string; sorted: [string, OrderIndexEntry][] };

async function supplierList(sid: Types.ObjectId): Promise<ListEntry> {
  const key = String(sid);
  const head = await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean<{ rev: number }>();
  const hit = listCache.get(key);
  if (hit && head && hit.rev === head.rev) return hit;
  const flight = `${key}:${head?.rev ?? 'none'}`;
  let p = loading.get(flight);
  if (!p) {
    p = loadList(sid, head).finally(() => loading.delete(flight));
    loading.set(flight, p);
  }
  return p;
}

async function loadList(sid: Types.ObjectId, head: { rev: number } | null): Promise<ListEntry> {
  // The entries only (not the board's rows).
  let idx = await OrderIndex.findOne({ supplierId: sid }, { data: 1, rev: 1 }).lean<IndexDoc>();
  if (!idx) {
    await rebuildOrderIndex(sid);
    idx = await OrderIndex.findOne({ supplierId: sid }, { data: 1, rev: 1 }).lean<IndexDoc>();
  }
  const code = (await Supplier.findOne({ _id: sid }, { code: 1 }).lean<{ code: string }>())?.code ?? '';
  const sorted = Object.entries(parseIndex(idx).entries).sort(([, a], [, b]) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  const entry = { rev: idx?.rev ?? 0, code, sorted };
  if (head && head.rev < entry.rev) await raiseHead(sid, entry.rev); // a raise lost to a crash
  listCache.set(String(sid), entry);
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
