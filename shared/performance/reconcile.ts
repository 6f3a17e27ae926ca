// The nightly reconcile: every supplier's KPIs recomputed from orders, claims and messages with
// the same functions the increments use, overwriting the stored ones.
import { Types } from 'mongoose';
import { Claim } from '../claims/model.js';
import { Order, type OrderDoc } from '../orders/model.js';
import { Supplier } from '../suppliers/model.js';
import { sideOf, step, type AwaitState } from '../threads/index.js';
import { Message, Thread, type MessageDoc } from '../threads/model.js';
import { claimContribution, orderContribution, type ClaimLike, type Contribution, type Counters, type OrderLike } from './kpis.js';
import { ManagerKpi, SupplierKpi } from './model.js';
import { sampleTarget } from './responses.js';
import type { PerformanceSettings } from './settings.js';

type Totals = Map<string, Counters & { rt?: number[] }>;

/** The KPI documents of one supplier (and its share of managers' figures), from the data. */
async function recomputeSupplier(supplierId: Types.ObjectId, settings: PerformanceSettings, claimsOf?: (supplierId: Types.ObjectId) => Promise<ClaimLike[]>): Promise<Totals> {
  const totals: Totals = new Map();
  const merge = (c: Contribution) => {
    for (const [k, v] of c) {
      const x = totals.get(k) ?? {};
      for (const [f, n] of Object.entries(v)) x[f] = (x[f] ?? 0) + n;
      totals.set(k, x);
    }
  };
  const orders = await Order.find({ supplierId }).lean<OrderDoc[]>();
  for (const o of orders) merge(orderContribution(o as OrderLike, settings.resolveWithinDays));
  // Claims by supplier, one equality.
  const claims = claimsOf ? await claimsOf(supplierId) : await Claim.find({ supplierId }).lean<ClaimLike[]>();
  for (const cl of claims) merge(claimContribution(cl));
  // By thread, like the mirror: a thread's messages from before it was linked to the supplier
  // (the bot wrote first) still start a wait.
  const threads = await Thread.find({ supplierId }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const msgs: MessageDoc[] = [];
  for (const t of threads) msgs.push(...(await Message.find({ threadId: t._id }, { threadId: 1, ts: 1, direction: 1, senderKind: 1 }).lean<MessageDoc[]>()));
  msgs.sort((a, b) => String(a.threadId).localeCompare(String(b.threadId)) || a.ts.getTime() - b.ts.getTime() || String(a._id).localeCompare(String(b._id)));
  let thread = '';
  let state: AwaitState = {};
  for (const m of msgs) {
    if (String(m.threadId) !== thread) {
      thread = String(m.threadId);
      state = {};
    }
    const side = sideOf(m);
    if (!side) continue;
    const r = step(state, side, m.ts);
    state = r.state;
    if (!r.sample) continue;
    const t = await sampleTarget(String(supplierId), r.sample, settings);
    if (!t) continue;
    const x = totals.get(t.key) ?? {};
    (x.rt ??= []).push(t.minutes);
    totals.set(t.key, x);
  }
  return totals;
}

const SUPPLIER_FIELDS = ['orders', 'msDone', 'msOnTime', 'msLate', 'msDaysLate', 'msReplanned', 'customsDelayed', 'claims', 'claimsSettled', 'settleDays'] as const;
const MANAGER_FIELDS = ['orders', 'resolved', 'resolvedInTime'] as const;

function docOf(kind: 's' | 'm', c: Counters & { rt?: number[] }) {
  const nested = (prefix: string) =>
    Object.fromEntries(
      Object.entries(c)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, v]) => [k.slice(prefix.length), v])
        .filter(([, v]) => v !== 0),
    );
  const fields = kind === 's' ? SUPPLIER_FIELDS : MANAGER_FIELDS;
  const base = Object.fromEntries(fields.map((f) => [f, c[f] ?? 0]));
  return kind === 's' ? { ...base, value: nested('value.'), claimValue: nested('claimValue.'), rt: [...(c.rt ?? [])].sort((a, b) => a - b) } : { ...base, rt: [...(c.rt ?? [])].sort((a, b) => a - b) };
}

/**
 * Recompute every supplier's KPIs from orders, claims and messages, and overwrite the stored
 * ones (the nightly job). Managers' figures are summed over their suppliers. Returns counts.
 */
export async function reconcileKpis(opts: {
  settings: PerformanceSettings;
  claimsOf?: (supplierId: Types.ObjectId) => Promise<ClaimLike[]>;
  now?: Date;
}): Promise<{ suppliers: number; documents: number }> {
  const now = opts.now ?? new Date();
  const suppliers = await Supplier.find({}, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const managers: Totals = new Map();
  let documents = 0;
  for (const s of suppliers) {
    const totals = await recomputeSupplier(s._id, opts.settings, opts.claimsOf);
    const keep = new Set<string>();
    for (const [key, c] of totals) {
      const [kind, id, period] = key.split(':') as ['s' | 'm', string, string];
      if (kind === 'm') {
        const x = managers.get(key) ?? {};
        for (const [f, n] of Object.entries(c)) if (f !== 'rt') x[f] = (x[f] ?? 0) + (n as number);
        if (c.rt) (x.rt ??= []).push(...c.rt);
        managers.set(key, x);
        continue;
      }
      keep.add(period);
      await SupplierKpi.replaceOne({ supplierId: new Types.ObjectId(id), period }, { supplierId: new Types.ObjectId(id), period, ...docOf('s', c), at: now }, { upsert: true });
      documents++;
    }
    const stale = await SupplierKpi.find({ supplierId: s._id }, { period: 1 }).lean<{ _id: Types.ObjectId; period: string }[]>();
    for (const d of stale) if (!keep.has(d.period)) await SupplierKpi.deleteOne({ _id: d._id });
  }
  const seen = new Set<string>();
  for (const [key, c] of managers) {
    const [, id, period] = key.split(':') as ['m', string, string];
    seen.add(`${id}:${period}`);
    await ManagerKpi.replaceOne({ managerId: new Types.ObjectId(id), period }, { managerId: new Types.ObjectId(id), period, ...docOf('m', c), at: now }, { upsert: true });
    documents++;
  }
  const all = await ManagerKpi.find({}, { managerId: 1, period: 1 }).lean<{ _id: Types.ObjectId; managerId: Types.ObjectId; period: string }[]>();
  for (const d of all) if (!seen.has(`${d.managerId}:${d.period}`)) await ManagerKpi.deleteOne({ _id: d._id });
  return { suppliers: suppliers.length, documents };
}
