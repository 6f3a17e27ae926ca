// The notice rules (docs/product-rules.md "Notices"), as functions of an injected `now`: each scan is
// idempotent (notice keys carry the event and the day) and starts every query with an equality.
import { Types } from 'mongoose';
import { dmKey } from '../messenger.js';
import { closureOn, localDay } from '../facts/index.js';
import { Alert } from '../health/index.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import {
  ScanState as ScanStateModel,
  alertForManager,
  cancelQueuedNotices,
  customsForManager,
  enqueueNotice,
  getScanState,
  overdueListForManager,
  overdueListForSupplier,
  OverdueWatch,
  preShipmentForSupplier,
  setScanState,
  undatedForManager,
  isChinesePublicHoliday,
  readinessForManager,
  type OverdueFacts,
} from '../notices/index.js';
import { Order, OrderEvent, dayOf, daysLate, markReadinessAsked, ordersDueOn, overdueMilestones, undatedMilestones, undatedOrders, type LateMilestone, type OrderDoc } from '../orders/index.js';
import { displayCode, Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Thread, type ThreadDoc } from '../threads/index.js';
import { partnerLangOf } from '../translation/index.js';

const log = getLogger('scheduler.rules');
const DAY = 86_400_000;
/** Days behind yesterday that every overdue scan looks at again (late edits, new old orders). */
export const RESCAN_DAYS = 30;

const addDays = (day: string, n: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY));

/**
 * The factory's accepted closure (a holiday it announced in the chat, accepted by a manager)
 * covering the supplier's local day at `now`: supplier reminders wait for the day it reopens.
 */
function closedNow(supplierId: Types.ObjectId, tz: string, now: Date, m0?: Memo) {
  const day = localDay(now, tz).day;
  return memo(m0, `closed:${supplierId}:${day}`, () => closureOn(supplierId, day));
}

/** Midnight of `day` in the zone `tz` (the reopening day's start, for a held reminder). */
function startOfDay(day: string, tz: string): Date {
  const guess = Date.parse(`${day}T00:00:00Z`);
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(new Date(guess)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 0;
  return new Date(guess - offset);
}

async function supplierChat(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
  return Thread.findOne({ supplierId, thirdParty: { $ne: true } })
    .sort({ lastMessageAt: -1 })
    .lean<ThreadDoc>(); // the factory's chat, not a forwarder's
}

async function managerOf(o: Pick<OrderDoc, 'managerId' | 'supplierId'>): Promise<ManagerDoc | null> {
  let id = o.managerId;
  if (!id) id = (await Supplier.findOne({ _id: o.supplierId }, { managerId: 1 }).lean<SupplierDoc>())?.managerId ?? null;
  if (!id) return null;
  return Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>();
}

/** Lookups that repeat across the orders of one scan (a supplier's chat, a manager). */
type Memo = Map<string, Promise<unknown>>;
function memo<T>(m: Memo | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!m) return load();
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = Promise.resolve(load()); // a mongoose query is a thenable that runs on every await
    m.set(key, p);
  }
  return p;
}

/** The supplier's code as people see it in a notice (`D12 AUGI` once tagged): displayCode. */
async function shownCode(o: Pick<OrderDoc, 'supplierId' | 'supplierCode'>, m0?: Memo): Promise<string> {
  const s = await memo(m0, `code:${o.supplierId}`, () => Supplier.findOne({ _id: o.supplierId }, { code: 1, tag: 1 }).lean<SupplierDoc>());
  return s ? displayCode(s) : o.supplierCode;
}

/** What a notice names: the supplier (name, English name), the order's items, the manager. */
async function overdueFacts(o: OrderDoc, late: LateMilestone, m: ManagerDoc | null, s: SupplierDoc | null): Promise<OverdueFacts> {
  const baseline = o.milestones?.[late.milestone]?.baseline;
  return {
    po: o.number,
    code: s?.code ? displayCode(s) : o.supplierCode,
    milestone: late.milestone,
    planned: dayOf(late.planned),
    daysLate: late.daysLate,
    supplier: s?.name,
    supplierEn: s?.nameEn ?? undefined,
    items: [...new Set((o.lines ?? []).map((l) => l.item))],
    manager: m?.name,
    baseline: baseline && dayOf(new Date(baseline)) !== dayOf(late.planned) ? dayOf(new Date(baseline)) : undefined,
  };
}

/**
 * Enqueue today's overdue notices of one order: ONE message per recipient listing every late
 * milestone (not one per milestone). Supplier-side milestones go to the supplier's chat
 * (Chinese) and the manager; buyer-side ones (customs clearance, delivery) to the manager only.
 * A strategic supplier's slip also reaches the head of purchasing. The key carries the day and
 * the late set (`overdue:<order>:<day>:<m1+m2>:<recipient>`): a set that changes during the day
 * is a new message, and the topic (per order and recipient) lets only the newest go out.
 */
async function overdueNotices(o: OrderDoc, late: LateMilestone[], now: Date, m0?: Memo): Promise<number> {
  const today = dayOf(now);
  let n = 0;
  const s = await memo(m0, `sup:${o.supplierId}`, () => Supplier.findOne({ _id: o.supplierId }, { code: 1, tag: 1, timezone: 1, segment: 1, name: 1, nameEn: 1 }).lean<SupplierDoc>());
  const m = await memo(m0, `mgr:${o.managerId ?? ''}:${o.supplierId}`, () => managerOf(o));
  const facts = await Promise.all(late.map((l) => overdueFacts(o, l, m, s)));
  const supplierSide = facts.filter((_, i) => late[i]!.owner === 'supplier');
  const set = (fs: OverdueFacts[]) => fs.map((f) => f.milestone).join('+');
  const notice = async (fs: OverdueFacts[], who: string, to: string, recipient: { kind: 'supplier' | 'manager'; id: string; timezone?: string | null }, text: string) =>
    (await enqueueNotice(
      {
        key: `overdue:${o._id}:${today}:${set(fs)}:${who}`,
        topic: `overdue:${o._id}:${who}`,
        kind: 'overdue',
        to,
        recipient: { ...recipient, timezone: recipient.timezone ?? undefined },
        text,
        orderId: o._id,
      },
      now,
    ))
      ? 1
      : 0;
  // The factory is closed today (an accepted holiday): no reminder to its chat; the daily scan
  // reminds again on the first day after the closure (the manager is told meanwhile).
  const closed = supplierSide.length ? await closedNow(o.supplierId, s?.timezone ?? 'Asia/Shanghai', now, m0) : null;
  if (supplierSide.length && !closed) {
    const chat = await memo(m0, `chat:${o.supplierId}`, () => supplierChat(o.supplierId));
    if (chat)
      n += await notice(
        supplierSide,
        'supplier',
        chat.key,
        { kind: 'supplier', id: String(o.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' },
        overdueListForSupplier(supplierSide, await partnerLangOf(chat)),
      );
  }
  if (m?.wechatId) {
    const lang = managerLang(m.language);
    n += await notice(facts, `manager:${m._id}`, dmKey(m.wechatId), { kind: 'manager', id: String(m._id), timezone: m.timezone }, overdueListForManager(facts, lang));
  }
  if (s?.segment === 'strategic') {
    const heads = await memo(m0, 'heads', () => Manager.find({ role: 'head', active: { $ne: false } }).lean<ManagerDoc[]>());
    for (const h of heads) {
      if (!h.wechatId || String(h._id) === String(m?._id)) continue;
      const lang = managerLang(h.language);
      n += await notice(facts, `head:${h._id}`, dmKey(h.wechatId), { kind: 'manager', id: String(h._id), timezone: h.timezone }, overdueListForManager(facts, lang));
    }
  }
  return n;
}

/** The milestones a queued overdue notice is about (its key is `overdue:<order>:<day>:<m1+m2>:…`). */
const keyMilestones = (key: string) => key.split(':')[3]?.split('+') ?? [];

export interface ScanResult {
  daysScanned: number;
  watched: number;
  enqueued: number;
}

/**
 * Overdue: every milestone whose planned day has passed undone. New late orders are found by an
 * equality on each recent due day (`dueDay`, the earliest undone planned day); the daily
 * reminders then walk only the watched (overdue) orders and remind of each late milestone, so
 * the cost follows the overdue count, not the number of open orders.
 */
export async function scanOverdue(now: Date): Promise<ScanResult> {
  const today = dayOf(now);
  const yesterday = addDays(today, -1);
  const last = await getScanState('overdue');
  let from = addDays(today, -RESCAN_DAYS);
  if (last && last < from) from = addDays(last, 1);
  if (!last) from = addDays(today, -90);
  let days = 0;
  for (let d = from; d <= yesterday; d = addDays(d, 1)) {
    days++;
    for (const o of await ordersDueOn(d)) {
      const late = overdueMilestones(o, now);
      if (!late.length) continue;
      await OverdueWatch.updateOne({ orderId: o._id }, { $setOnInsert: { milestone: late[0]!.milestone, since: d } }, { upsert: true }).catch((err) => {
        if ((err as { code?: number }).code !== 11000) throw err;
      });
    }
  }
  let enqueued = 0;
  const lookups: Memo = new Map();
  const watches = await OverdueWatch.find({}).lean<{ _id: Types.ObjectId; orderId: Types.ObjectId; milestone: string; milestones?: string[]; notified?: string }[]>();
  for (const w of watches) {
    const o = await Order.findOne({ _id: w.orderId }).lean<OrderDoc>();
    const late = o ? overdueMilestones(o, now) : [];
    const names = late.map((l) => l.milestone);
    // A milestone updated, done or no longer late (or the order closed): its reminders stop, and
    // those still waiting (quiet hours, bot offline) are not sent.
    const stale = await cancelQueuedNotices(w.orderId, (n) => n.kind === 'overdue' && keyMilestones(n.key).some((k) => !names.includes(k as never)), 'the milestone was updated');
    if (!o || !late.length) {
      await OverdueWatch.deleteOne({ _id: w._id });
      continue;
    }
    // Today's message exists (the scan runs every 15 min) unless a milestone became late since,
    // or a waiting message named one no longer late (cancelled above: the rest is said again).
    const added = names.some((x) => !(w.milestones ?? [w.milestone]).includes(x));
    if (w.notified === today && !added && !stale) {
      if (names.join(',') !== (w.milestones ?? [w.milestone]).join(',')) await OverdueWatch.updateOne({ _id: w._id }, { $set: { milestone: names[0], milestones: names } });
      continue;
    }
    enqueued += await overdueNotices(o, late, now, lookups);
    await OverdueWatch.updateOne({ _id: w._id }, { $set: { notified: today, milestone: names[0], milestones: names } });
  }
  await setScanState('overdue', yesterday, now);
  return { daysScanned: days, watched: watches.length, enqueued };
}

/**
 * "Needs a date": once a day, each manager gets the list of their open orders with a milestone
 * that has no planned date (never silently skipped by the overdue scan). One equality query
 * (`undated: true, status: 'open'`); one notice per manager and day (key).
 */
export async function scanUndated(now: Date): Promise<number> {
  const today = dayOf(now);
  if ((await getScanState('undated')) === today) return 0;
  const byManager = new Map<string, { po: string; code: string; milestones: string[] }[]>();
  const lookups: Memo = new Map();
  const managers = new Map<string, ManagerDoc>();
  for (const o of await undatedOrders()) {
    const missing = undatedMilestones(o.milestones);
    if (!missing.length) continue;
    const m = await memo(lookups, `mgr:${o.managerId ?? ''}:${o.supplierId}`, () => managerOf(o));
    if (!m?.wechatId) continue;
    managers.set(String(m._id), m);
    byManager.set(String(m._id), [...(byManager.get(String(m._id)) ?? []), { po: o.number, code: await shownCode(o, lookups), milestones: missing }]);
  }
  let n = 0;
  for (const [id, list] of byManager) {
    const m = managers.get(id)!;
    const lang = managerLang(m.language);
    list.sort((a, b) => a.po.localeCompare(b.po));
    if (
      await enqueueNotice(
        {
          key: `undated:${id}:${today}`,
          topic: `undated:${id}`,
          kind: 'undated',
          to: dmKey(m.wechatId!),
          recipient: { kind: 'manager', id, timezone: m.timezone },
          text: undatedForManager(list, lang),
        },
        now,
      )
    )
      n++;
  }
  await setScanState('undated', today, now);
  return n;
}

/** Days before the planned shipment when the supplier is asked to confirm readiness. */
export const PRE_SHIPMENT_DAYS = 7;

/**
 * Seven days before the planned shipment: ask the supplier to confirm readiness. Hourly runs
 * query only a shipment day not covered yet (one query a day); days a stopped scheduler missed
 * are caught up (the reminder then says how many days are left).
 * Note: the shipped milestone's planned date is a dotted field; on the embedded engine that
 * query is filtered in FerretDB over the open orders (see the bench) — a top-level
 * `shipDay` on the order, like `dueDay`, would make it an index-backed equality.
 */
export async function scanPreShipment(now: Date): Promise<number> {
  const today = dayOf(now);
  const target = addDays(today, PRE_SHIPMENT_DAYS);
  const last = await getScanState('pre_shipment');
  let from = last ? addDays(last, 1) : target;
  if (from <= today) from = addDays(today, 1); // a shipment day already past needs no reminder
  let n = 0;
  const lookups: Memo = new Map();
  for (let day = from; day <= target; day = addDays(day, 1)) {
    // Planned dates are calendar days stored at 00:00 UTC: an equality on that instant.
    const orders = await Order.find({ 'milestones.shipped.planned': new Date(`${day}T00:00:00Z`), status: 'open' }).lean<OrderDoc[]>();
    const daysLeft = daysLate(now, new Date(`${day}T00:00:00Z`));
    for (const o of orders) {
      if (o.milestones.shipped.status === 'done') continue;
      const chat = await memo(lookups, `chat:${o.supplierId}`, () => supplierChat(o.supplierId));
      if (!chat) continue;
      const s = await memo(lookups, `tz:${o.supplierId}`, () => Supplier.findOne({ _id: o.supplierId }, { timezone: 1 }).lean<SupplierDoc>());
      // The factory closed today: the question waits for the day it reopens.
      const tz = s?.timezone ?? 'Asia/Shanghai';
      const closed = await closedNow(o.supplierId, tz, now, lookups);
      if (
        await enqueueNotice(
          {
            key: `pre_shipment:${o._id}:${day}`,
            kind: 'pre_shipment',
            to: chat.key,
            recipient: { kind: 'supplier', id: String(o.supplierId), timezone: tz },
            text: preShipmentForSupplier({ po: o.number, code: await shownCode(o, lookups), planned: day, daysLeft }, await partnerLangOf(chat)),
            orderId: o._id,
            ...(closed ? { notBefore: startOfDay(closed.reopens, tz) } : {}),
          },
          now,
        )
      ) {
        n++;
        // Silence is reported to the manager after one working day (scanReadiness).
        const asked = closed && closed.reopens > today ? closed.reopens : today;
        await markReadinessAsked(o._id, asked, nextWorkingDay(asked));
      }
    }
  }
  if (!last || last < target) await setScanState('pre_shipment', target, now);
  return n;
}

/** The first day after `day` that is neither a weekend nor a Chinese public holiday. */
export function nextWorkingDay(day: string): string {
  let d = addDays(day, 1);
  for (let i = 0; i < 30; i++, d = addDays(d, 1)) {
    const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6 && !isChinesePublicHoliday(d)) return d;
  }
  return d;
}

/**
 * Pre-shipment readiness not answered: once the working day after the question has passed, the
 * responsible manager is told "no answer" (one notice per order and question). Equality on the
 * top-level `readinessDue` day, for each day since the last scan.
 */
export async function scanReadiness(now: Date): Promise<number> {
  const today = dayOf(now);
  const last = await getScanState('readiness');
  let from = last ? addDays(last, 1) : addDays(today, -RESCAN_DAYS);
  if (from < addDays(today, -RESCAN_DAYS)) from = addDays(today, -RESCAN_DAYS);
  let n = 0;
  for (let d = from; d < today; d = addDays(d, 1)) {
    for (const o of await Order.find({ readinessDue: d, status: 'open' }).lean<OrderDoc[]>()) {
      if (o.readiness?.answer || o.milestones?.shipped?.status === 'done') continue;
      // "Not ready" answered by moving the shipment date (mini-program): the manager heard of the move.
      const sh = o.milestones?.shipped;
      if (sh?.updatedBy?.startsWith('supplier:') && sh.updatedAt && dayOf(new Date(sh.updatedAt)) >= (o.readiness?.asked ?? d)) continue;
      const m = await managerOf(o);
      if (!m?.wechatId) continue;
      const lang = managerLang(m.language);
      const planned = o.milestones?.shipped?.planned ? dayOf(o.milestones.shipped.planned) : '—';
      if (
        await enqueueNotice(
          {
            key: `readiness-silent:${o._id}:${o.readiness?.asked ?? d}:${m._id}`,
            kind: 'pre_shipment',
            to: dmKey(m.wechatId),
            recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone },
            text: readinessForManager({ po: o.number, code: await shownCode(o), planned, answer: 'none', asked: o.readiness?.asked }, lang),
            orderId: o._id,
          },
          now,
        )
      )
        n++;
    }
  }
  if (!last || last < addDays(today, -1)) await setScanState('readiness', addDays(today, -1), now);
  return n;
}

type CustomsEvent = { _id: Types.ObjectId; orderId: Types.ObjectId; kind: string; at: Date; after?: { status?: string; reason?: string; expectedDate?: Date } };

/** The manager's notice of one customs event (key per event and manager: both paths below agree). */
async function customsNotice(e: CustomsEvent, now: Date): Promise<number> {
  const o = await Order.findOne({ _id: e.orderId }).lean<OrderDoc>();
  if (!o) return 0;
  const m = await managerOf(o);
  if (!m?.wechatId) return 0;
  const lang = managerLang(m.language);
  const text = customsForManager(
    { po: o.number, code: await shownCode(o), status: e.after?.status ?? 'held', reason: e.after?.reason, expected: e.after?.expectedDate ? dayOf(new Date(e.after.expectedDate)) : undefined },
    lang,
  );
  return (await enqueueNotice(
    { key: `customs:${e._id}:${m._id}`, kind: 'customs', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text, orderId: o._id },
    now,
  ))
    ? 1
    : 0;
}

/**
 * Event-driven: call right after a customs delay was recorded or changed (reportCustoms) so the
 * manager hears at once. Enqueues the notice of the order's latest customs event; the periodic
 * scanCustoms is the safety net and makes the same key, so calling both is harmless.
 */
export async function onCustomsChanged(orderId: Types.ObjectId | string, now: Date): Promise<number> {
  const events = await OrderEvent.find({ orderId: new Types.ObjectId(String(orderId)) })
    .sort({ at: -1 })
    .limit(20)
    .lean<CustomsEvent[]>();
  const e = events.find((x) => x.kind === 'customs');
  return e ? customsNotice(e, now) : 0;
}

/** Customs events looked at again behind the last scan (clock skew between processes, slow writes). */
export const CUSTOMS_OVERLAP_MS = 60 * 60_000;

/**
 * A customs delay recorded or changed: the responsible manager (one notice per change). Reads
 * the customs events since the last scan (with an overlap), so its work follows the changes.
 */
export async function scanCustoms(now: Date, limit = 500): Promise<number> {
  const last = (await ScanStateModel.findOne({ _id: 'customs' }).lean<{ at?: Date }>())?.at;
  const since = new Date((last ?? new Date(now.getTime() - 7 * DAY)).getTime() - CUSTOMS_OVERLAP_MS);
  const events = await OrderEvent.find({ kind: 'customs', at: { $gte: since } })
    .sort({ at: -1 })
    .limit(limit)
    .lean<CustomsEvent[]>();
  let n = 0;
  for (const e of events) n += await customsNotice(e, now);
  await ScanStateModel.updateOne({ _id: 'customs' }, { $set: { at: now } }, { upsert: true });
  return n;
}

/** Open alerts (bot logged out, translation quota gone) to every active manager on WeChat. */
export async function scanAlerts(now: Date): Promise<number> {
  const alerts = await Alert.find({ status: 'open' }).limit(50).lean<{ _id: Types.ObjectId; text: string }[]>();
  if (!alerts.length) return 0;
  const managers = await Manager.find({ active: { $ne: false } }).lean<ManagerDoc[]>();
  let n = 0;
  for (const a of alerts) {
    for (const m of managers) {
      if (!m.wechatId) continue;
      const lang = managerLang(m.language);
      // Delivered when the bot is back (the console and /healthz show it meanwhile).
      if (
        await enqueueNotice(
          { key: `alert:${a._id}:${m._id}`, kind: 'alert', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text: alertForManager(a.text, lang) },
          now,
        )
      )
        n++;
    }
    await Alert.updateOne({ _id: a._id, status: 'open' }, { $set: { status: 'delivered' } });
  }
  log.info({ alerts: alerts.length, notices: n }, 'alerts queued for managers');
  return n;
}
