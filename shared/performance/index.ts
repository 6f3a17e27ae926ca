// Supplier performance: KPIs per supplier and month, kept current by increments (orders,
// milestones, customs, claims as they are written; response times as messages are mirrored) and
// recomputed from the data by a nightly reconcile; scorecards with classes A–D and plain
// reasons; segment proposals; manager benchmarking.
//
// Incremental = recomputed, by construction: each order's KPI contribution is a pure function
// of the order (`orderContribution`); a write applies contribution(after) − contribution(before)
// as $inc. Response times come from one state machine (`ResponseMachine`) that the mirror feeds
// message by message and the reconcile replays over a supplier's messages.
import mongoose, { Types } from 'mongoose';
import { createCache } from '../cache/index.js';
import { loadConfig, type Config } from '../config/index.js';
import { getLogger } from '../log/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { MILESTONES, Order, listOverdue, type OrderDoc } from '../orders/index.js';
import { SEGMENTS, Supplier, type Segment, type SupplierDoc } from '../suppliers/index.js';
import { Message, Thread, type MessageDoc } from '../threads/model.js';
import { periodOf, previousPeriod, workingMinutes } from './hours.js';
import { ManagerKpi, SegmentChange, SegmentProposal, SupplierKpi, type ManagerKpiDoc, type SupplierKpiDoc } from './model.js';

export { ManagerKpi, SupplierKpi, SegmentChange, SegmentProposal, type SupplierKpiDoc, type ManagerKpiDoc } from './model.js';
export * from './hours.js';

const log = getLogger('performance');

/**
 * KPI weights, working hours, escalation and resolution limits: `config.performance`, passed in
 * by the composition root (scripts/start.ts) to whatever needs them; tests pass their own.
 */
export type PerformanceSettings = Config['performance'];
export type KpiWeights = PerformanceSettings['weights'];
type ReplyHours = Pick<PerformanceSettings, 'supplierHours' | 'managerHours'>;

/** The configuration's defaults (an empty environment), for tests and benches. */
export const DEFAULT_SETTINGS: PerformanceSettings = loadConfig({}).performance;

// ---- money ---------------------------------------------------------------------------------

export const MONEY_SCALE = 10_000n;
/** '12.5' → 125000n (1/10,000 units). Exact; throws on a malformed amount. */
export function toUnits(amount: string): bigint {
  const m = /^(\d{1,15})(?:\.(\d{1,4}))?$/.exec(amount.trim());
  if (!m) throw new Error(`not a decimal amount: ${amount}`);
  return BigInt(m[1]!) * MONEY_SCALE + BigInt((m[2] ?? '').padEnd(4, '0'));
}
/** 125000 → '12.50' (at least two decimals). */
export function fromUnits(units: number | bigint): string {
  const u = BigInt(units);
  const neg = u < 0n;
  const a = neg ? -u : u;
  const frac = (a % MONEY_SCALE).toString().padStart(4, '0').replace(/0{1,2}$/, '');
  return `${neg ? '-' : ''}${a / MONEY_SCALE}.${frac.length < 2 ? frac.padEnd(2, '0') : frac}`;
}

// ---- contributions of an order -------------------------------------------------------------

type Counters = Record<string, number>;
/** `${kind}:${id}:${period}` → counters to $inc. */
type Contribution = Map<string, Counters>;

const add = (c: Contribution, key: string, field: string, n: number) => {
  if (!n) return;
  const x = c.get(key) ?? {};
  x[field] = (x[field] ?? 0) + n;
  c.set(key, x);
};
const DAY = 86_400_000;
const daysBetween = (a: Date, b: Date) => Math.round((Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate()) - Date.UTC(a.getUTCFullYear(), a.getUTCMonth(), a.getUTCDate())) / DAY);

type OrderLike = Pick<OrderDoc, 'supplierId' | 'managerId' | 'lines' | 'milestones'> & { createdAt?: Date; customs?: { status?: string; heldAt?: Date | null } | null };

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
    if (!ms.planned) {
      add(c, `${s}:${p}`, 'msOnTime', 1);
      continue;
    }
    const late = daysBetween(new Date(ms.planned), new Date(ms.actual));
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
async function upsertInc(Model: typeof SupplierKpi | typeof ManagerKpi, filter: object, update: object): Promise<void> {
  try {
    await (Model as typeof SupplierKpi).updateOne(filter, update, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    await (Model as typeof SupplierKpi).updateOne(filter, update, { upsert: true });
  }
}

/** Called after every order write (shared/orders hook). Never fails the write: the nightly reconcile repairs. */
export async function onOrderWritten(settings: Pick<PerformanceSettings, 'resolveWithinDays'>, before: OrderLike | null, after: OrderLike | null, now = new Date()): Promise<void> {
  const within = settings.resolveWithinDays;
  try {
    await applyContribution(diff(orderContribution(before, within), orderContribution(after, within)), now);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'KPI increment failed; the nightly reconcile repairs it');
  }
}

export async function onClaimWritten(before: ClaimLike | null, after: ClaimLike | null, now = new Date()): Promise<void> {
  try {
    await applyContribution(diff(claimContribution(before), claimContribution(after)), now);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'KPI increment failed; the nightly reconcile repairs it');
  }
}

// ---- response times ------------------------------------------------------------------------

export type Side = 'supplier' | 'manager';
export interface AwaitState {
  awaiting?: Side | null;
  since?: Date | null;
}
export interface ResponseSample {
  side: Side; // who answered
  since: Date;
  at: Date;
}

/**
 * One thread's "who owes an answer" machine. A message from one side starts (or keeps, if that
 * side writes again) the wait for the other; the other side's first message answers it.
 * Bot messages count as our side (a reminder expects an answer too).
 */
export function step(state: AwaitState, side: Side, ts: Date): { state: AwaitState; sample?: ResponseSample } {
  const other: Side = side === 'supplier' ? 'manager' : 'supplier';
  if (!state.awaiting || !state.since) return { state: { awaiting: other, since: ts } };
  if (state.awaiting === side) {
    if (ts < state.since) return { state }; // out of order: leave it to the reconcile
    return { state: { awaiting: other, since: ts }, sample: { side, since: state.since, at: ts } };
  }
  return { state: ts < state.since ? { awaiting: state.awaiting, since: ts } : state };
}

export const sideOf = (m: Pick<MessageDoc, 'direction' | 'senderKind'>): Side | undefined =>
  m.direction === 'out' || m.senderKind === 'manager' || m.senderKind === 'bot' ? 'manager' : m.senderKind === 'supplier' ? 'supplier' : undefined;

const chinaZone = (tz: string) => ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC'].includes(tz);

interface Who {
  supplierTz: string;
  managerId?: string;
  managerTz: string;
}
// Who answers for a supplier, for 30 s (reply-time samples come in bursts per supplier).
const whoCache = createCache<string, Who>('performance.who', { max: 5000, ttl: 30_000 });
async function whoOf(supplierId: string): Promise<Who | undefined> {
  const hit = whoCache.get(supplierId);
  if (hit) return hit;
  const s = await Supplier.findOne({ _id: supplierId }, { timezone: 1, managerId: 1 }).lean<SupplierDoc>();
  if (!s) return undefined;
  const m = s.managerId ? await Manager.findOne({ _id: s.managerId }, { timezone: 1 }).lean<ManagerDoc>() : null;
  const v = { supplierTz: s.timezone ?? 'Asia/Shanghai', managerId: s.managerId ? String(s.managerId) : undefined, managerTz: m?.timezone ?? 'UTC' };
  whoCache.set(supplierId, v);
  return v;
}

/** Minutes of a sample in the answering side's working time; and where it is counted. */
async function sampleTarget(supplierId: string, s: ResponseSample, settings: ReplyHours): Promise<{ key: string; minutes: number } | undefined> {
  const who = await whoOf(supplierId);
  if (!who) return undefined;
  const p = periodOf(s.at);
  if (s.side === 'supplier') return { key: `s:${supplierId}:${p}`, minutes: workingMinutes(s.since, s.at, who.supplierTz, settings.supplierHours, chinaZone(who.supplierTz)) };
  if (!who.managerId) return undefined;
  return { key: `m:${who.managerId}:${p}`, minutes: workingMinutes(s.since, s.at, who.managerTz, settings.managerHours, false) };
}

// Reply-time samples from the mirror are buffered and written every few seconds, grouped per
// supplier (or manager) and month: one $push for many messages, so the KPI work per mirrored
// message stays a fraction of the message's own insert. They are derived data: a crash loses
// at most the buffer, which the nightly reconcile restores.
export const RESPONSE_FLUSH_MS = 5_000;
const pending: { supplierId: string; sample: ResponseSample; settings: ReplyHours }[] = [];
let pendingTimer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | undefined;

/** Buffer reply-time samples; their minutes are counted in `settings`' working hours. */
export function queueResponses(samples: { supplierId: string; sample: ResponseSample }[], settings: ReplyHours): void {
  if (!samples.length) return;
  pending.push(...samples.map((x) => ({ ...x, settings })));
  if (pending.length >= 20_000) void flushResponses();
  else if (!pendingTimer) {
    pendingTimer = setTimeout(() => void flushResponses(), RESPONSE_FLUSH_MS);
    pendingTimer.unref();
  }
}

/** Write the buffered reply times now (the timer, mirror.flush(), shutdown, tests). */
export async function flushResponses(): Promise<void> {
  clearTimeout(pendingTimer);
  pendingTimer = undefined;
  while (flushing) await flushing;
  if (!pending.length) return;
  const batch = pending.splice(0);
  // One write pass per settings object (in practice one: the composition root's).
  const bySettings = new Map<ReplyHours, typeof batch>();
  for (const x of batch) bySettings.set(x.settings, [...(bySettings.get(x.settings) ?? []), x]);
  flushing = (async () => {
    for (const [settings, samples] of bySettings) await recordResponses(samples, settings);
  })()
    .catch((err) => log.warn({ err: (err as Error).message, samples: batch.length }, 'reply times not recorded; the nightly reconcile restores them'))
    .finally(() => (flushing = undefined));
  await flushing;
}

/** Load who answers for many suppliers at once (two queries, not two per supplier). */
async function loadWho(supplierIds: string[]): Promise<void> {
  const missing = [...new Set(supplierIds)].filter((id) => !whoCache.has(id));
  if (!missing.length) return;
  const suppliers = await Supplier.find({ _id: { $in: missing.map((id) => new Types.ObjectId(id)) } }, { timezone: 1, managerId: 1 }).lean<SupplierDoc[]>();
  const mids = [...new Set(suppliers.map((s) => s.managerId && String(s.managerId)).filter(Boolean))] as string[];
  const managers = mids.length ? await Manager.find({ _id: { $in: mids.map((id) => new Types.ObjectId(id)) } }, { timezone: 1 }).lean<ManagerDoc[]>() : [];
  const tz = new Map(managers.map((m) => [String(m._id), m.timezone ?? 'UTC']));
  for (const s of suppliers) {
    const managerId = s.managerId ? String(s.managerId) : undefined;
    whoCache.set(String(s._id), { supplierTz: s.timezone ?? 'Asia/Shanghai', managerId, managerTz: (managerId && tz.get(managerId)) || 'UTC' });
  }
}

/**
 * Store response samples: one `$push` per supplier (or manager) and month. One update each, not
 * one bulk command: on the embedded engine a 500-upsert bulk update took ~30 s as a single
 * request (measured), holding its one-request front so long that the driver's monitor timed out.
 */
export async function recordResponses(samples: { supplierId: string; sample: ResponseSample }[], settings: ReplyHours, now = new Date()): Promise<void> {
  await loadWho(samples.map((s) => s.supplierId));
  const grouped = new Map<string, number[]>();
  for (const { supplierId, sample } of samples) {
    const t = await sampleTarget(supplierId, sample, settings);
    if (!t) continue;
    grouped.set(t.key, [...(grouped.get(t.key) ?? []), t.minutes]);
  }
  for (const [key, minutes] of grouped) {
    const [kind, id, period] = key.split(':') as ['s' | 'm', string, string];
    const filter = kind === 's' ? { supplierId: new Types.ObjectId(id), period } : { managerId: new Types.ObjectId(id), period };
    await upsertInc(kind === 's' ? SupplierKpi : ManagerKpi, filter, { $push: { rt: { $each: minutes } }, $set: { at: now } });
  }
}

// ---- reconcile -----------------------------------------------------------------------------

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
  // Claims (shared/claims) when that module is loaded: by supplier, one equality.
  const Claim = mongoose.models.Claim;
  const claims = claimsOf ? await claimsOf(supplierId) : Claim ? ((await Claim.find({ supplierId }).lean()) as unknown as ClaimLike[]) : [];
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
  const nested = (prefix: string) => Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]).filter(([, v]) => v !== 0));
  const fields = kind === 's' ? SUPPLIER_FIELDS : MANAGER_FIELDS;
  const base = Object.fromEntries(fields.map((f) => [f, c[f] ?? 0]));
  return kind === 's' ? { ...base, value: nested('value.'), claimValue: nested('claimValue.'), rt: [...(c.rt ?? [])].sort((a, b) => a - b) } : { ...base, rt: [...(c.rt ?? [])].sort((a, b) => a - b) };
}

/**
 * Recompute every supplier's KPIs from orders, claims and messages, and overwrite the stored
 * ones (the nightly job). Managers' figures are summed over their suppliers. Returns counts.
 */
export async function reconcileKpis(opts: { settings: PerformanceSettings; claimsOf?: (supplierId: Types.ObjectId) => Promise<ClaimLike[]>; now?: Date }): Promise<{ suppliers: number; documents: number }> {
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

// ---- scorecard -----------------------------------------------------------------------------

export const THRESHOLDS = { onTime: 0.9, medianReplyHours: 4, claimRate: 0.05 };

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : null);
const pct = (x: number) => `${Math.round(x * 100)}%`;
const hours = (min: number) => `${Math.round((min / 60) * 10) / 10} h`;

export interface Scorecard {
  supplierId: string;
  period: string;
  kpis: {
    orders: number;
    value: Record<string, string>;
    onTimeRate: number | null;
    milestonesDone: number;
    avgDaysLate: number | null;
    replanned: number;
    customsDelays: number;
    claims: number;
    claimRate: number | null;
    claimValue: Record<string, string>;
    avgDaysToSettle: number | null;
    replies: number;
    replyMedianMin: number | null;
    replyP90Min: number | null;
  };
  score: number | null;
  class: 'A' | 'B' | 'C' | 'D' | null;
  components: { delivery: number | null; responsiveness: number | null; quality: number | null };
  previous: { period: string; score: number | null; class: string | null };
  trend: number | null;
  reasons: string[];
}

const EMPTY: Omit<SupplierKpiDoc, '_id' | 'supplierId' | 'period'> = { orders: 0, value: {}, msDone: 0, msOnTime: 0, msLate: 0, msDaysLate: 0, msReplanned: 0, customsDelayed: 0, claims: 0, claimValue: {}, claimsSettled: 0, settleDays: 0, rt: [] };

function score(k: Omit<SupplierKpiDoc, '_id' | 'supplierId' | 'period'>, weights: KpiWeights) {
  const rt = [...(k.rt ?? [])].sort((a, b) => a - b);
  const med = quantile(rt, 0.5);
  const delivery = k.msDone ? k.msOnTime / k.msDone : null;
  // ≤ 1 working hour → 1, ≥ 8 working hours → 0, linear between.
  const responsiveness = med === null ? null : Math.max(0, Math.min(1, 1 - (med / 60 - 1) / 7));
  const claimRate = k.orders ? k.claims / k.orders : null;
  const quality = claimRate === null ? (k.claims ? 0 : null) : Math.max(0, 1 - claimRate * 5);
  const parts = [
    [delivery, weights.delivery],
    [responsiveness, weights.responsiveness],
    [quality, weights.quality],
  ] as const;
  const used = parts.filter(([v, w]) => v !== null && w > 0);
  const total = used.reduce((a, [, w]) => a + w, 0);
  const s = used.length && total ? Math.round((used.reduce((a, [v, w]) => a + (v as number) * w, 0) / total) * 1000) / 10 : null;
  const cls = s === null ? null : s >= 85 ? 'A' : s >= 70 ? 'B' : s >= 50 ? 'C' : 'D';
  return { rt, med, delivery, responsiveness, quality, claimRate, score: s, cls: cls as Scorecard['class'] };
}

export function scorecardOf(supplierId: string, period: string, docs: SupplierKpiDoc[], weights: KpiWeights): Scorecard {
  const cur = docs.find((d) => d.period === period) ?? { ...EMPTY };
  const prevPeriod = previousPeriod(period);
  const prev = docs.find((d) => d.period === prevPeriod);
  const a = score(cur, weights);
  const b = prev ? score(prev, weights) : undefined;
  const reasons: string[] = [];
  if (a.delivery !== null && a.delivery < THRESHOLDS.onTime) reasons.push(`on-time ${pct(a.delivery)} < ${pct(THRESHOLDS.onTime)}`);
  if (a.med !== null && a.med / 60 > THRESHOLDS.medianReplyHours) reasons.push(`median reply ${hours(a.med)} > ${THRESHOLDS.medianReplyHours} h (working time)`);
  if (a.claimRate !== null && a.claimRate > THRESHOLDS.claimRate) reasons.push(`claims on ${pct(a.claimRate)} of orders > ${pct(THRESHOLDS.claimRate)}`);
  if (cur.customsDelayed) reasons.push(`${cur.customsDelayed} customs delay(s)`);
  if (cur.msReplanned) reasons.push(`${cur.msReplanned} planned date(s) moved`);
  if (a.score === null) reasons.push('not enough data this month');
  const money = (v: Record<string, number>) => Object.fromEntries(Object.entries(v ?? {}).filter(([, n]) => n).map(([c, n]) => [c, fromUnits(n)]));
  return {
    supplierId,
    period,
    kpis: {
      orders: cur.orders,
      value: money(cur.value),
      onTimeRate: a.delivery,
      milestonesDone: cur.msDone,
      avgDaysLate: cur.msLate ? Math.round((cur.msDaysLate / cur.msLate) * 10) / 10 : null,
      replanned: cur.msReplanned,
      customsDelays: cur.customsDelayed,
      claims: cur.claims,
      claimRate: a.claimRate,
      claimValue: money(cur.claimValue),
      avgDaysToSettle: cur.claimsSettled ? Math.round((cur.settleDays / cur.claimsSettled) * 10) / 10 : null,
      replies: a.rt.length,
      replyMedianMin: a.med,
      replyP90Min: quantile(a.rt, 0.9),
    },
    score: a.score,
    class: a.cls,
    components: { delivery: a.delivery, responsiveness: a.responsiveness, quality: a.quality },
    previous: { period: prevPeriod, score: b?.score ?? null, class: b?.cls ?? null },
    trend: a.score !== null && b?.score != null ? Math.round((a.score - b.score) * 10) / 10 : null,
    reasons,
  };
}

/** One supplier's scorecard for a month (default: this month). One equality query. */
export async function supplierScorecard(supplierId: Types.ObjectId | string, period: string, weights: KpiWeights): Promise<Scorecard> {
  const docs = await SupplierKpi.find({ supplierId: new Types.ObjectId(String(supplierId)) }).lean<SupplierKpiDoc[]>();
  return scorecardOf(String(supplierId), period, docs, weights);
}

// ---- segments ------------------------------------------------------------------------------

/** A manager sets a supplier's segment; the change is recorded; open proposals for it close. */
export async function setSegment(supplierId: Types.ObjectId | string, to: Segment, by: string, reason: string | undefined, now = new Date()): Promise<boolean> {
  if (!SEGMENTS.includes(to)) throw new Error(`unknown segment ${to}`);
  const s = await Supplier.findOne({ _id: supplierId }, { segment: 1 }).lean<SupplierDoc>();
  if (!s) return false;
  if (s.segment === to) return false;
  const r = await Supplier.updateOne({ _id: s._id, segment: s.segment }, { $set: { segment: to } });
  if (r.modifiedCount !== 1) return false;
  await SegmentChange.create({ supplierId: s._id, from: s.segment, to, by, at: now, reason });
  return true;
}

/**
 * Rules that propose a segment for a manager to accept (never applied by themselves):
 * first order less than 90 days ago → new; class D two months running → problem; class A three
 * months running with orders each month → strategic.
 */
export async function proposeSegments(weights: KpiWeights, now = new Date()): Promise<number> {
  const suppliers = await Supplier.find({ mergedInto: { $exists: false } }, { code: 1, segment: 1 }).lean<SupplierDoc[]>();
  const p0 = periodOf(now);
  const p1 = previousPeriod(p0);
  const p2 = previousPeriod(p1);
  let n = 0;
  for (const s of suppliers) {
    const docs = await SupplierKpi.find({ supplierId: s._id }).lean<SupplierKpiDoc[]>();
    const first = await Order.findOne({ supplierId: s._id }, { createdAt: 1 }).sort({ createdAt: 1 }).lean<{ createdAt: Date }>();
    const classOf = (p: string) => scorecardOf(String(s._id), p, docs, weights);
    let proposed: Segment | undefined;
    let reason = '';
    const c0 = classOf(p0);
    const c1 = classOf(p1);
    if (c0.class === 'D' && c1.class === 'D') {
      proposed = 'problem';
      reason = `class D in ${p1} and ${p0}: ${c0.reasons.join('; ')}`;
    } else if (first && now.getTime() - new Date(first.createdAt).getTime() < 90 * DAY) {
      proposed = 'new';
      reason = `first order on ${new Date(first.createdAt).toISOString().slice(0, 10)}, less than 90 days ago`;
    } else {
      const c2 = classOf(p2);
      if ([c0, c1, c2].every((c) => c.class === 'A' && c.kpis.orders > 0)) {
        proposed = 'strategic';
        reason = `class A in ${p2}, ${p1} and ${p0}`;
      }
    }
    if (!proposed || proposed === s.segment) continue;
    const openKey = `${s._id}:${proposed}`;
    const r = await SegmentProposal.updateOne(
      { openKey },
      { $setOnInsert: { supplierId: s._id, supplierCode: s.code, proposed, reason, status: 'open', openKey, at: now } },
      { upsert: true },
    ).catch((err) => {
      if ((err as { code?: number }).code === 11000) return { upsertedCount: 0 };
      throw err;
    });
    n += r.upsertedCount ?? 0;
  }
  return n;
}

export async function decideProposal(id: string, accept: boolean, by: string, now = new Date()) {
  const p = await SegmentProposal.findOneAndUpdate(
    { _id: id, status: 'open' },
    { $set: { status: accept ? 'accepted' : 'rejected', decidedBy: by, decidedAt: now }, $unset: { openKey: 1 } },
    { returnDocument: 'after' },
  ).lean();
  if (!p) return null;
  if (accept) await setSegment(p.supplierId, p.proposed as Segment, by, `accepted proposal: ${p.reason}`, now);
  return p;
}

// ---- manager benchmarking ------------------------------------------------------------------

export interface ManagerRow {
  managerId: string;
  name: string;
  replies: number;
  replyMedianMin: number | null;
  overdueOpen: number;
  resolved: number;
  resolvedInTime: number;
  orders: number;
  rank: number;
}

/**
 * Managers of a month, ranked: fewest overdue milestones open now, then most overdue ones
 * resolved in time, then fastest median reply.
 */
export async function managerRanking(period: string, now = new Date(), overdueByManager?: Map<string, number>): Promise<ManagerRow[]> {
  const [docs, managers] = await Promise.all([ManagerKpi.find({ period }).lean<ManagerKpiDoc[]>(), Manager.find({ active: { $ne: false } }, { name: 1, role: 1 }).lean<ManagerDoc[]>()]);
  // Overdue milestones open now per manager: given by a caller that has read the orders already
  // (a report), else counted here.
  let open = overdueByManager;
  if (!open) {
    open = new Map<string, number>();
    for (const o of await listOverdue(now)) if (o.managerId) open.set(String(o.managerId), (open.get(String(o.managerId)) ?? 0) + 1);
  }
  const rows = managers.map((m) => {
    const d = docs.find((x) => String(x.managerId) === String(m._id));
    const rt = [...(d?.rt ?? [])].sort((a, b) => a - b);
    return {
      managerId: String(m._id),
      name: m.name,
      replies: rt.length,
      replyMedianMin: quantile(rt, 0.5),
      overdueOpen: open!.get(String(m._id)) ?? 0,
      resolved: d?.resolved ?? 0,
      resolvedInTime: d?.resolvedInTime ?? 0,
      orders: d?.orders ?? 0,
      rank: 0,
    };
  });
  rows.sort((a, b) => a.overdueOpen - b.overdueOpen || b.resolvedInTime - a.resolvedInTime || (a.replyMedianMin ?? Infinity) - (b.replyMedianMin ?? Infinity) || a.name.localeCompare(b.name));
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

/**
 * Order writes feed the KPIs: the hook for `orderWriteHooks`, registered by the composition root
 * (scripts/start.ts; test/hooks.ts) with the configured settings.
 */
export function kpiOrderHook(settings: Pick<PerformanceSettings, 'resolveWithinDays'>) {
  return (before: OrderDoc | null, after: OrderDoc, now: Date) => onOrderWritten(settings, before as OrderLike | null, after as OrderLike, now);
}
