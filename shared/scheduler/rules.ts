// The notice rules (docs/product-rules.md "Notices"), as functions of an injected `now`: each scan is
// idempotent (notice keys carry the event and the day) and starts every query with an equality.
import { Types } from 'mongoose';
import { dmKey } from '../messenger.js';
import { Alert } from '../health/index.js';
import { getLogger } from '../log/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import {
  ScanState as ScanStateModel, alertForManager, cancelQueuedNotices, customsForManager, enqueueNotice, getScanState, overdueForManager, overdueForSupplier, OverdueWatch, preShipmentForSupplier, setScanState,
} from '../notices/index.js';
import { Order, OrderEvent, dayOf, daysLate, isOverdue, ordersDueOn, type OrderDoc } from '../orders/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Thread, type ThreadDoc } from '../threads/index.js';

const log = getLogger('scheduler.rules');
const DAY = 86_400_000;
/** Days behind yesterday that every overdue scan looks at again (late edits, new old orders). */
export const RESCAN_DAYS = 30;

const addDays = (day: string, n: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY));

async function supplierChat(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
  return Thread.findOne({ supplierId, thirdParty: { $ne: true } }).sort({ lastMessageAt: -1 }).lean<ThreadDoc>(); // the factory's chat, not a forwarder's
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

/** Enqueue the overdue notices of one order for `day` (supplier chat in Chinese + manager). */
async function overdueNotices(o: OrderDoc, now: Date, m0?: Memo): Promise<number> {
  const ms = o.next!.milestone;
  const planned = dayOf(o.next!.planned!);
  const facts = { po: o.number, code: o.supplierCode, milestone: ms, planned, daysLate: daysLate(o.next!.planned!, now) };
  const base = `overdue:${o._id}:${ms}:${dayOf(now)}`;
  let n = 0;
  const chat = await memo(m0, `chat:${o.supplierId}`, () => supplierChat(o.supplierId));
  const s = await memo(m0, `tz:${o.supplierId}`, () => Supplier.findOne({ _id: o.supplierId }, { timezone: 1, segment: 1 }).lean<SupplierDoc>());
  if (chat) {
    if (await enqueueNotice({ key: `${base}:supplier`, topic: `overdue:${o._id}:${ms}:supplier`, kind: 'overdue', to: chat.key, recipient: { kind: 'supplier', id: String(o.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' }, text: overdueForSupplier(facts), orderId: o._id }, now)) n++;
  }
  const m = await memo(m0, `mgr:${o.managerId ?? ''}:${o.supplierId}`, () => managerOf(o));
  if (m?.wechatId) {
    const lang = m.language === 'ru' ? 'ru' : 'en';
    if (await enqueueNotice({ key: `${base}:manager:${m._id}`, topic: `overdue:${o._id}:${ms}:manager:${m._id}`, kind: 'overdue', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text: overdueForManager(facts, lang), orderId: o._id }, now)) n++;
  }
  // A strategic supplier's slip also goes to the head of purchasing.
  if (s?.segment === 'strategic') {
    const heads = await memo(m0, 'heads', () => Manager.find({ role: 'head', active: { $ne: false } }).lean<ManagerDoc[]>());
    for (const h of heads) {
      if (!h.wechatId || String(h._id) === String(m?._id)) continue;
      const lang = h.language === 'ru' ? 'ru' : 'en';
      if (await enqueueNotice({ key: `${base}:head:${h._id}`, topic: `overdue:${o._id}:${ms}:head:${h._id}`, kind: 'overdue', to: dmKey(h.wechatId), recipient: { kind: 'manager', id: String(h._id), timezone: h.timezone }, text: overdueForManager(facts, lang), orderId: o._id }, now)) n++;
    }
  }
  return n;
}

export interface ScanResult {
  daysScanned: number;
  watched: number;
  enqueued: number;
}

/**
 * Overdue: orders whose next milestone's planned day has passed. New ones are found by an
 * equality on each recent due day; the daily reminders then walk only the watched (overdue)
 * orders, so the cost follows the overdue count, not the number of open orders.
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
      if (!isOverdue(o, now)) continue;
      await OverdueWatch.updateOne({ orderId: o._id }, { $set: { milestone: o.next!.milestone, since: d } }, { upsert: true }).catch((err) => {
        if ((err as { code?: number }).code !== 11000) throw err;
      });
    }
  }
  let enqueued = 0;
  const lookups: Memo = new Map();
  const watches = await OverdueWatch.find({}).lean<{ _id: Types.ObjectId; orderId: Types.ObjectId; milestone: string; notified?: string }[]>();
  for (const w of watches) {
    const o = await Order.findOne({ _id: w.orderId }).lean<OrderDoc>();
    if (!o || !isOverdue(o, now)) {
      // Updated, done or closed: reminders stop, and those still waiting (quiet hours, bot
      // offline) are not sent.
      await cancelQueuedNotices(w.orderId, (n) => n.kind === 'overdue', 'the order was updated');
      await OverdueWatch.deleteOne({ _id: w._id });
      continue;
    }
    if (o.next!.milestone !== w.milestone) {
      await cancelQueuedNotices(w.orderId, (n) => n.kind === 'overdue' && !n.topic?.startsWith(`overdue:${o._id}:${o.next!.milestone}:`), 'the milestone was updated');
      await OverdueWatch.updateOne({ _id: w._id }, { $set: { milestone: o.next!.milestone, since: dayOf(o.next!.planned!) }, $unset: { notified: 1 } });
    } else if (w.notified === today) continue; // today's reminders exist: the scan runs every 15 min
    enqueued += await overdueNotices(o, now, lookups);
    await OverdueWatch.updateOne({ _id: w._id }, { $set: { notified: today } });
  }
  await setScanState('overdue', yesterday, now);
  return { daysScanned: days, watched: watches.length, enqueued };
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
      if (await enqueueNotice({ key: `pre_shipment:${o._id}:${day}`, kind: 'pre_shipment', to: chat.key, recipient: { kind: 'supplier', id: String(o.supplierId), timezone: s?.timezone ?? 'Asia/Shanghai' }, text: preShipmentForSupplier({ po: o.number, code: o.supplierCode, planned: day, daysLeft }), orderId: o._id }, now)) n++;
    }
  }
  if (!last || last < target) await setScanState('pre_shipment', target, now);
  return n;
}

type CustomsEvent = { _id: Types.ObjectId; orderId: Types.ObjectId; kind: string; at: Date; after?: { status?: string; reason?: string; expectedDate?: Date } };

/** The manager's notice of one customs event (key per event and manager: both paths below agree). */
async function customsNotice(e: CustomsEvent, now: Date): Promise<number> {
  const o = await Order.findOne({ _id: e.orderId }).lean<OrderDoc>();
  if (!o) return 0;
  const m = await managerOf(o);
  if (!m?.wechatId) return 0;
  const lang = m.language === 'ru' ? 'ru' : 'en';
  const text = customsForManager({ po: o.number, code: o.supplierCode, status: e.after?.status ?? 'held', reason: e.after?.reason, expected: e.after?.expectedDate ? dayOf(new Date(e.after.expectedDate)) : undefined }, lang);
  return (await enqueueNotice({ key: `customs:${e._id}:${m._id}`, kind: 'customs', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text, orderId: o._id }, now)) ? 1 : 0;
}

/**
 * Event-driven: call right after a customs delay was recorded or changed (reportCustoms) so the
 * manager hears at once. Enqueues the notice of the order's latest customs event; the periodic
 * scanCustoms is the safety net and makes the same key, so calling both is harmless.
 */
export async function onCustomsChanged(orderId: Types.ObjectId | string, now: Date): Promise<number> {
  const events = await OrderEvent.find({ orderId: new Types.ObjectId(String(orderId)) }).sort({ at: -1 }).limit(20).lean<CustomsEvent[]>();
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
  const events = await OrderEvent.find({ kind: 'customs', at: { $gte: since } }).sort({ at: -1 }).limit(limit).lean<CustomsEvent[]>();
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
      const lang = m.language === 'ru' ? 'ru' : 'en';
      // Delivered when the bot is back (the console and /healthz show it meanwhile).
      if (await enqueueNotice({ key: `alert:${a._id}:${m._id}`, kind: 'alert', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text: alertForManager(a.text, lang) }, now)) n++;
    }
    await Alert.updateOne({ _id: a._id, status: 'open' }, { $set: { status: 'delivered' } });
  }
  log.info({ alerts: alerts.length, notices: n }, 'alerts queued for managers');
  return n;
}
