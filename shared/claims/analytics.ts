// Claims analytics (seed 000): counts by type, presumed cause, supplier, month, batch and the
// employee who filed them; the share
// settled; the median days from sending to settlement; amounts per currency (claimed, losses,
// settled). Over the claims a viewer may see (shared/access), drafts left out.
import { Types } from 'mongoose';
import { supplierFilter, type Viewer } from '../access/index.js';
import { Manager } from '../managers/model.js';
import { Decimal, fmt } from '../money/index.js';
import { Claim, CLAIM_STATUSES, type ClaimDoc } from './model.js';
import { DAY } from './rules.js';

export interface ClaimAnalytics {
  total: number;
  byType: Record<string, number>;
  byCause: Record<string, number>;
  bySupplier: { code: string; count: number; settled: number }[];
  byMonth: { month: string; count: number }[];
  /** Claims that name their batch, by batch. */
  byBatch: Record<string, number>;
  /** By the manager who filed them (the employee). */
  byManager: { managerId: string; name: string | null; count: number }[];
  settled: number;
  /** settled ÷ total, 0..1 with 4 decimals (0 when there are none). */
  settledShare: number;
  /** Median whole-and-fraction days from sending (filing for drafts sent later) to settlement; null when none settled. */
  medianDaysToSettle: number | null;
  /** Per currency: what was claimed, the losses (goods + freight + other), what was settled. */
  amounts: Record<string, { claimed: string; losses: string; settled: string }>;
}

/** The month a claim counts in: when the goods were received, else when it was filed. */
const monthOf = (c: ClaimDoc) => (c.receivedOn ?? c.createdAt).toISOString().slice(0, 7);
const isSettled = (c: ClaimDoc) => Boolean(c.settledAt);

export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The numbers over a set of claims (pure). */
export function analyse(claims: ClaimDoc[]): ClaimAnalytics {
  const count = (key: (c: ClaimDoc) => string) => {
    const m: Record<string, number> = {};
    for (const c of claims) m[key(c)] = (m[key(c)] ?? 0) + 1;
    return m;
  };
  const suppliers = new Map<string, { code: string; count: number; settled: number }>();
  for (const c of claims) {
    const s = suppliers.get(c.supplierCode) ?? { code: c.supplierCode, count: 0, settled: 0 };
    s.count++;
    if (isSettled(c)) s.settled++;
    suppliers.set(c.supplierCode, s);
  }
  const months = count(monthOf);
  const settled = claims.filter(isSettled);
  const days = settled.map((c) => Math.round(((c.settledAt!.getTime() - (c.sentAt ?? c.createdAt).getTime()) / DAY) * 10) / 10);
  const amounts: Record<string, { claimed: Decimal; losses: Decimal; settled: Decimal }> = {};
  const add = (cur: string | undefined, part: 'claimed' | 'losses' | 'settled', v: string | undefined) => {
    if (!cur || !v) return;
    const a = (amounts[cur] ??= { claimed: new Decimal(0), losses: new Decimal(0), settled: new Decimal(0) });
    a[part] = a[part].plus(v);
  };
  for (const c of claims) {
    add(c.currency, 'claimed', c.amount);
    for (const p of ['goods', 'freight', 'other'] as const) add(c.losses?.currency, 'losses', c.losses?.[p]);
    if (isSettled(c)) add(c.settlement?.currency ?? c.decision?.currency, 'settled', c.settlement?.amount ?? c.decision?.amount);
  }
  const filers = new Map<string, number>();
  for (const c of claims) if (c.managerId) filers.set(String(c.managerId), (filers.get(String(c.managerId)) ?? 0) + 1);
  return {
    total: claims.length,
    byType: count((c) => c.type),
    byCause: count((c) => c.cause ?? 'unknown'),
    bySupplier: [...suppliers.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    byMonth: Object.entries(months)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, n]) => ({ month, count: n })),
    byBatch: Object.fromEntries(Object.entries(count((c) => c.batch ?? '')).filter(([b]) => b)),
    byManager: [...filers.entries()].map(([managerId, n]) => ({ managerId, name: null, count: n })).sort((a, b) => b.count - a.count || a.managerId.localeCompare(b.managerId)),
    settled: settled.length,
    settledShare: claims.length ? Math.round((settled.length / claims.length) * 10_000) / 10_000 : 0,
    medianDaysToSettle: median(days),
    amounts: Object.fromEntries(Object.entries(amounts).map(([cur, a]) => [cur, { claimed: fmt(a.claimed), losses: fmt(a.losses), settled: fmt(a.settled) }])),
  };
}

/**
 * Analytics over the claims the viewer may see (a manager: own suppliers, all when allowed),
 * filed in [from, to) when given. One equality query per visible supplier, or per status when
 * the viewer sees all (the embedded engine pushes only equalities down).
 */
export async function claimAnalytics(v: Viewer, f: { from?: Date; to?: Date } = {}): Promise<ClaimAnalytics> {
  const scope = await supplierFilter(v);
  const ids = scope.supplierId as Types.ObjectId | { $in: Types.ObjectId[] } | undefined;
  let claims: ClaimDoc[];
  if (!ids) {
    const statuses = CLAIM_STATUSES.filter((s) => s !== 'draft');
    claims = (await Promise.all(statuses.map((status) => Claim.find({ status }).lean<ClaimDoc[]>()))).flat();
  } else {
    const list = ids instanceof Types.ObjectId ? [ids] : ids.$in;
    claims = (await Promise.all(list.map((supplierId) => Claim.find({ supplierId }).lean<ClaimDoc[]>()))).flat().filter((c) => c.status !== 'draft');
  }
  const inRange = claims.filter((c) => (!f.from || c.createdAt >= f.from) && (!f.to || c.createdAt < f.to));
  const a = analyse(inRange);
  // The employees' names: one lookup of the few filers.
  const names = new Map(
    (await Manager.find({ _id: { $in: a.byManager.map((m) => new Types.ObjectId(m.managerId)) } }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }[]>()).map((m) => [String(m._id), m.name]),
  );
  a.byManager = a.byManager.map((m) => ({ ...m, name: names.get(m.managerId) ?? null }));
  return a;
}
