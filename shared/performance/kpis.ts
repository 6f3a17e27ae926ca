// KPI contributions: what one order or claim adds to its supplier's and manager's monthly
// counters, and the increments applied after a write (order.written / claim.written listeners).
//
// Incremental = recomputed, by construction: each order's KPI contribution is a pure function
// of the order (`orderContribution`); a write applies contribution(after) − contribution(before)
// as $inc. The nightly reconcile (reconcile.ts) sums the same functions over the data.
import { Types } from 'mongoose';
import { getLogger } from '../log/index.js';
import { MILESTONES, type OrderDoc } from '../orders/model.js';
import { periodOf } from './hours.js';
import { ManagerKpi, SupplierKpi } from './model.js';
import { toUnits } from './money.js';
import type { PerformanceSettings } from './settings.js';

const log = getLogger('performance');

export type Counters = Record<string, number>;
/** `${kind}:${id}:${period}` → counters to $inc. */
export type Contribution = Map<string, Counters>;

export const add = (c: Contribution, key: string, field: string, n: number) => {
  if (!n) return;
  const x = c.get(key) ?? {};
  x[field] = (x[field] ?? 0) + n;
  c.set(key, x);
};
export const DAY = 86_400_000;
export const daysBetween = (a: Date, b: Date) => Math.round((Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate()) - Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate())) / DAY);

export type OrderLike = Pick<OrderDoc, 'supplierId' | 'managerId' | 'lines' | 'milestones'> & { createdAt?: Date; customs?: { status?: string; heldAt?: Date | null } | null };

/** What one order adds to the KPIs of its supplier and manager, by month. */
export function orderContribution(o: OrderLike | null | undefined, within: number): Contribution {
  const c: Contribution = new Map();
  if (!o) return c;
  const s = `s:${o.supplierId}`;
  const m = o.managerId ? `m:${o.managerId}` : undefined;
  if (o.createdAt) {
    const p = periodOf(new Date(o.createdAt));
    add(c, `${s}:${p}`, 'orders', 1);
    if (m) add(c, `${m}:${p}`, 'orders', 1);
    for (const l of o.lines ?? []) {
      const units = toUnits(l.unitPrice) * BigInt(l.qty);
      add(c, `${s}:${p}`, `value.${l.currency}`, Number(units));
    }
  }
  for (const name of MILESTONES) {
    const ms = o.milestones?.[name];
    if (!ms) continue;
    if (ms.replanned && ms.planned) add(c, `${s}:${periodOf(new Date(ms.planned))}`, 'msReplanned', ms.replanned);
    if (ms.status !== 'done' || !ms.actual) continue;
    const p = periodOf(new Date(ms.actual));
    add(c, `${s}:${p}`, 'msDone', 1);
    // On time against the FIRST agreed date (the baseline), not a date moved since: a supplier
    // who moves a date stays late (docs/product-rules.md); the moves are counted apart above.
    const agreed = ms.baseline ?? ms.planned;
    if (!agreed) {
      add(c, `${s}:${p}`, 'msOnTime', 1);
      continue;
    }
    const late = daysBetween(new Date(agreed), new Date(ms.actual));
    if (late <= 0) add(c, `${s}:${p}`, 'msOnTime', 1);
    else {
      add(c, `${s}:${p}`, 'msLate', 1);
      add(c, `${s}:${p}`, 'msDaysLate', late);
      if (m) {
        add(c, `${m}:${p}`, 'resolved', 1);
        if (late <= within) add(c, `${m}:${p}`, 'resolvedInTime', 1);
      }
    }
  }
  if (o.customs?.heldAt) add(c, `${s}:${periodOf(new Date(o.customs.heldAt))}`, 'customsDelayed', 1);
  return c;
}

export type ClaimLike = { supplierId: Types.ObjectId | string; createdAt: Date; amount?: string | null; currency?: string | null; settledAt?: Date | null; status?: string };

/** What one claim adds: counted in the month filed; settlement time in the month settled. */
export function claimContribution(cl: ClaimLike | null | undefined): Contribution {
  const c: Contribution = new Map();
  if (!cl || cl.status === 'draft') return c;
  const s = `s:${cl.supplierId}`;
  const p = periodOf(new Date(cl.createdAt));
  add(c, `${s}:${p}`, 'claims', 1);
  if (cl.amount && cl.currency) add(c, `${s}:${p}`, `claimValue.${cl.currency}`, Number(toUnits(cl.amount)));
  if (cl.settledAt) {
    const q = periodOf(new Date(cl.settledAt));
    add(c, `${s}:${q}`, 'claimsSettled', 1);
    add(c, `${s}:${q}`, 'settleDays', Math.max(0, daysBetween(new Date(cl.createdAt), new Date(cl.settledAt))));
  }
  return c;
}

function diff(before: Contribution, after: Contribution): Contribution {
  const out: Contribution = new Map();
  for (const [k, v] of after) for (const [f, n] of Object.entries(v)) add(out, k, f, n);
  for (const [k, v] of before) for (const [f, n] of Object.entries(v)) add(out, k, f, -n);
  return out;
}

async function applyContribution(c: Contribution, now: Date): Promise<void> {
  for (const [key, inc] of c) {
    const nonzero = Object.fromEntries(Object.entries(inc).filter(([, n]) => n !== 0));
    if (!Object.keys(nonzero).length) continue;
    const [kind, id, period] = key.split(':') as ['s' | 'm', string, string];
    const filter = kind === 's' ? { supplierId: new Types.ObjectId(id), period } : { managerId: new Types.ObjectId(id), period };
    const Model = kind === 's' ? SupplierKpi : ManagerKpi;
    await upsertInc(Model, filter, { $inc: nonzero, $set: { at: now } });
  }
}

// An upsert that lost a race to a concurrent first insert is retried as an update.
export async function upsertInc(Model: typeof SupplierKpi | typeof ManagerKpi, filter: object, update: object): Promise<void> {
  try {
    await (Model as typeof SupplierKpi).updateOne(filter, update, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    await (Model as typeof SupplierKpi).updateOne(filter, update, { upsert: true });
  }
}

/**
 * The `order.written` listener (wired by shared/reactions.ts with the configured settings):
 * applies the order's KPI change. Never throws: a failed increment is logged and the nightly
 * reconcile repairs it.
 */
export async function onOrderWritten(
  { before, after, now = new Date() }: { before: OrderLike | null; after: OrderLike | null; now?: Date },
  settings: Pick<PerformanceSettings, 'resolveWithinDays'>,
): Promise<void> {
  const within = settings.resolveWithinDays;
  try {
    await applyContribution(diff(orderContribution(before, within), orderContribution(after, within)), now);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'KPI increment failed; the nightly reconcile repairs it');
  }
}

/**
 * The `orders.imported` listener: the KPI change of a whole batch of orders summed first, then
 * one increment per supplier (manager) and month instead of one per order. Never throws.
 */
export async function onOrdersImported(
  { written, now = new Date() }: { written: { before: OrderLike | null; after: OrderLike | null }[]; now?: Date },
  settings: Pick<PerformanceSettings, 'resolveWithinDays'>,
): Promise<void> {
  const within = settings.resolveWithinDays;
  const sum: Contribution = new Map();
  for (const w of written) for (const [k, v] of diff(orderContribution(w.before, within), orderContribution(w.after, within))) for (const [f, n] of Object.entries(v)) add(sum, k, f, n);
  try {
    await applyContribution(sum, now);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'KPI increment failed; the nightly reconcile repairs it');
  }
}

/** The `claim.written` listener: a claim counted in the month filed, settlement when settled. */
export async function onClaimWritten({ before, after, now = new Date() }: { before: ClaimLike | null; after: ClaimLike | null; now?: Date }): Promise<void> {
  try {
    await applyContribution(diff(claimContribution(before), claimContribution(after)), now);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'KPI increment failed; the nightly reconcile repairs it');
  }
}
