// Reports per period (week, month, quarter, custom): orders and values (converted to one
// currency at the rate of each order's date), milestones on time, overdue now, customs delays,
// claims, supplier scorecards, the manager benchmark and price changes. One pass over the orders
// (a cursor; order rows stream straight into the export), so a report over 100k orders stays in
// bounded memory. Exports: CSV (UTF-8 with BOM), XLSX (exceljs streaming writer), PDF (pdfkit
// with an embedded CJK font).
import { Types } from 'mongoose';
import { Claim } from '../claims/model.js';
import { issue, msg, ValidationError } from '../errors/index.js';
import { Manager, type ManagerDoc, type ManagerLang } from '../managers/model.js';
import { convert, Decimal, fmt, type Currency } from '../money/index.js';
import { MILESTONES, Order, daysBehind, overdueMilestones, type OrderDoc } from '../orders/index.js';
import { managerRanking, periodOf, scorecardOf, SupplierKpi, type KpiWeights, type ManagerRow, type SupplierKpiDoc } from '../performance/index.js';
import { PricePoint, type PricePointDoc } from '../prices/index.js';
import { displayCode, Supplier, type SupplierDoc } from '../suppliers/index.js';

export const PERIOD_KINDS = ['week', 'month', 'quarter', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);

/** [from, to) of the week (Monday first), month or quarter containing `anchor` (YYYY-MM-DD). */
export function periodRange(kind: Exclude<PeriodKind, 'custom'>, anchor: string): { from: string; to: string; label: string } {
  const d = new Date(`${anchor}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new ValidationError(msg('notADate', { date: anchor }));
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (kind === 'week') {
    const monday = d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY;
    return { from: iso(monday), to: iso(monday + 7 * DAY), label: `week of ${iso(monday)}` };
  }
  if (kind === 'month') return { from: iso(Date.UTC(y, m, 1)), to: iso(Date.UTC(y, m + 1, 1)), label: `${y}-${String(m + 1).padStart(2, '0')}` };
  const q = Math.floor(m / 3);
  return { from: iso(Date.UTC(y, q * 3, 1)), to: iso(Date.UTC(y, q * 3 + 3, 1)), label: `${y} Q${q + 1}` };
}

export interface ReportRequest {
  from: string; // inclusive, YYYY-MM-DD
  to: string; // exclusive
  label: string;
  currency: Currency;
  /** Only this manager's orders and suppliers (the weekly report to each manager). */
  managerId?: string;
  now: Date;
  /** Scorecard weights (config.performance.weights). */
  weights: KpiWeights;
  /** CJK font for PDF (config.reports.pdfCjkFont; default: Debian's fonts-noto-cjk). */
  pdfCjkFont?: string;
  /** The reader's language: column, sheet and figure names (default English). */
  lang?: ManagerLang;
}

export interface OrderRow {
  po: string;
  supplierCode: string;
  supplierName: string;
  manager: string;
  created: string;
  status: string;
  currency: string;
  value: string;
  converted: string | null;
  rateDay: string | null;
  nextMilestone: string | null;
  nextPlanned: string | null;
  overdue: boolean;
  daysLate: number;
}

export interface ReportData {
  title: string;
  from: string;
  to: string;
  label: string;
  currency: Currency;
  generatedAt: string;
  rateNote: string;
  orders: number;
  valueByCurrency: Record<string, string>;
  converted: string;
  unconverted: Record<string, string>;
  milestones: { done: number; onTime: number; onTimeRate: number | null; avgDaysLate: number | null; replanned: number };
  overdue: { po: string; supplierCode: string; milestone: string; planned: string; daysLate: number; manager: string }[];
  customs: { po: string; supplierCode: string; heldAt: string; status: string; reason: string }[];
  claims: { count: number; byCurrency: Record<string, string> } | null;
  suppliers: { code: string; name: string; orders: number; value: string; onTimeRate: number | null; score: number | null; class: string | null; reasons: string }[];
  managers: ManagerRow[];
  prices: { item: string; supplierCode: string; po: string; day: string; unitPrice: string; currency: string; previous: string; change: string }[];
}

const pctOrNull = (a: number, b: number) => (b ? a / b : null);

/**
 * Compute a report; every order created in the period is handed to `onOrder` as it is read
 * (exports stream them), the rest is summarised in memory (bounded by suppliers, not orders).
 */
export async function buildReport(req: ReportRequest, onOrder?: (row: OrderRow) => void | Promise<void>): Promise<ReportData> {
  if (!(req.from < req.to)) throw new ValidationError(msg('periodOrder'), [issue('to', 'field.afterFrom')]);
  const fromT = Date.parse(`${req.from}T00:00:00Z`);
  const toT = Date.parse(`${req.to}T00:00:00Z`);
  const inRange = (d?: Date | null) => Boolean(d) && new Date(d!).getTime() >= fromT && new Date(d!).getTime() < toT;

  const suppliers = new Map<string, SupplierDoc>();
  for (const s of await Supplier.find({}, { code: 1, tag: 1, name: 1, managerId: 1 }).lean<SupplierDoc[]>()) suppliers.set(String(s._id), s);
  // Codes as people see them (`D12 AUGI` once tagged), in every sheet and export.
  const shown = (supplierId: unknown, code: string) => {
    const s = suppliers.get(String(supplierId));
    return s ? displayCode(s) : code;
  };
  const managers = new Map<string, ManagerDoc>();
  for (const m of await Manager.find({}, { name: 1 }).lean<ManagerDoc[]>()) managers.set(String(m._id), m);

  const value = new Map<string, Decimal>();
  const unconverted = new Map<string, Decimal>();
  let converted = new Decimal(0);
  const perSupplier = new Map<string, { orders: number; value: Decimal }>();
  let orders = 0;
  let done = 0;
  let onTime = 0;
  let replanned = 0;
  let lateDays = 0;
  let late = 0;
  const overdue: ReportData['overdue'] = [];
  const overdueByManager = new Map<string, number>();
  const customs: ReportData['customs'] = [];

  const filter = req.managerId ? { managerId: new Types.ObjectId(req.managerId) } : {};
  const cursor = Order.find(filter).lean<OrderDoc[]>().cursor({ batchSize: 500 });
  for await (const doc of cursor) {
    const o = doc as unknown as OrderDoc & { createdAt?: Date };
    const sid = String(o.supplierId);
    const manager = o.managerId ? (managers.get(String(o.managerId))?.name ?? '') : '';
    // Overdue and days late by one rule (the board's, the overdue scan's): any milestone not done
    // past its planned day; days late of the most late (the next milestone may have no date).
    // Computed once per order for the row, the managers' counts and the overdue sheet.
    const lateMs = overdueMilestones(o, req.now);
    const od = lateMs.length > 0;
    if (inRange(o.createdAt)) {
      orders++;
      const day = new Date(o.createdAt!).toISOString().slice(0, 10);
      let total = new Decimal(0);
      const cur = o.lines?.[0]?.currency ?? o.currency;
      let conv: Decimal | null = new Decimal(0);
      let rateDay: string | null = null;
      for (const l of o.lines ?? []) {
        const v = new Decimal(l.unitPrice).times(l.qty);
        value.set(l.currency, (value.get(l.currency) ?? new Decimal(0)).plus(v));
        if (l.currency === cur) total = total.plus(v);
        try {
          const c = await convert(v, l.currency, req.currency, day);
          if (conv) conv = conv.plus(c.amount);
          rateDay = c.rate.day;
        } catch {
          unconverted.set(l.currency, (unconverted.get(l.currency) ?? new Decimal(0)).plus(v));
          conv = null;
        }
      }
      if (conv) converted = converted.plus(conv);
      const ps = perSupplier.get(sid) ?? { orders: 0, value: new Decimal(0) };
      ps.orders++;
      if (conv) ps.value = ps.value.plus(conv);
      perSupplier.set(sid, ps);
      await onOrder?.({
        po: o.number,
        supplierCode: shown(sid, o.supplierCode),
        supplierName: suppliers.get(sid)?.name ?? '',
        manager,
        created: day,
        status: o.status,
        currency: cur,
        value: fmt(total),
        converted: conv ? fmt(conv) : null,
        rateDay,
        nextMilestone: o.next?.milestone ?? null,
        nextPlanned: o.next?.planned ? new Date(o.next.planned).toISOString().slice(0, 10) : null,
        overdue: od,
        daysLate: daysBehind(o, req.now, lateMs),
      });
    }
    for (const name of MILESTONES) {
      const ms = o.milestones?.[name];
      if (ms?.status !== 'done' || !inRange(ms.actual)) continue;
      done++;
      // Against the first agreed date (baseline); re-plans are counted apart (replanned).
      const agreed = ms.baseline ?? ms.planned;
      if (ms.replanned) replanned += ms.replanned;
      const d = agreed ? Math.round((new Date(ms.actual!).getTime() - new Date(agreed).getTime()) / DAY) : 0;
      if (d <= 0) onTime++;
      else {
        late++;
        lateDays += d;
      }
    }
    const c = o.customs as { status?: string; heldAt?: Date; reason?: string } | undefined;
    if (c?.heldAt && inRange(c.heldAt))
      customs.push({ po: o.number, supplierCode: shown(o.supplierId, o.supplierCode), heldAt: new Date(c.heldAt).toISOString().slice(0, 10), status: c.status ?? '', reason: c.reason ?? '' });
    if (od && o.managerId) overdueByManager.set(String(o.managerId), (overdueByManager.get(String(o.managerId)) ?? 0) + 1);
    if (od && overdue.length < 5000) {
      // Every late milestone of the order, not only the next one.
      for (const l of lateMs)
        overdue.push({ po: o.number, supplierCode: shown(o.supplierId, o.supplierCode), milestone: l.milestone, planned: l.planned.toISOString().slice(0, 10), daysLate: l.daysLate, manager });
    }
  }
  overdue.sort((a, b) => b.daysLate - a.daysLate);

  // Claims filed in the period.
  const byCurrency = new Map<string, Decimal>();
  let claimCount = 0;
  for await (const cl of Claim.find({}).lean().cursor() as AsyncIterable<{
    createdAt?: Date;
    supplierId?: Types.ObjectId;
    managerId?: Types.ObjectId;
    amount?: string;
    currency?: string;
    status?: string;
  }>) {
    if (!inRange(cl.createdAt) || cl.status === 'draft') continue;
    if (req.managerId && String(cl.managerId ?? suppliers.get(String(cl.supplierId))?.managerId ?? '') !== req.managerId) continue;
    claimCount++;
    if (cl.amount && cl.currency) byCurrency.set(cl.currency, (byCurrency.get(cl.currency) ?? new Decimal(0)).plus(cl.amount));
  }
  const claims: ReportData['claims'] = { count: claimCount, byCurrency: Object.fromEntries([...byCurrency].map(([k, v]) => [k, fmt(v)])) };

  // Scorecards of the month the period ends in, for the suppliers with orders in it.
  const month = periodOf(new Date(toT - DAY));
  const kpis = await SupplierKpi.find({ period: { $in: [month, previousMonth(month)] } }).lean<SupplierKpiDoc[]>();
  const kpiBy = new Map<string, SupplierKpiDoc[]>();
  for (const k of kpis) kpiBy.set(String(k.supplierId), [...(kpiBy.get(String(k.supplierId)) ?? []), k]);
  const supplierRows: ReportData['suppliers'] = [...perSupplier.entries()]
    .map(([sid, ps]) => {
      const s = suppliers.get(sid);
      const sc = scorecardOf(sid, month, kpiBy.get(sid) ?? [], req.weights);
      return {
        code: s ? displayCode(s) : '?',
        name: s?.name ?? '',
        orders: ps.orders,
        value: fmt(ps.value),
        onTimeRate: sc.kpis.onTimeRate,
        score: sc.score,
        class: sc.class,
        reasons: sc.reasons.join('; '),
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));

  // With a manager filter the pass saw only that manager's orders: count the others' too.
  const ranking = await managerRanking(month, req.now, req.managerId ? undefined : overdueByManager);

  // Price changes: lines ordered in the period at a price other than the supplier's previous one.
  const prices: ReportData['prices'] = [];
  const points = await PricePoint.find({}).lean<PricePointDoc[]>();
  const byItem = new Map<string, PricePointDoc[]>();
  for (const p of points) {
    if (req.managerId && String(p.managerId ?? '') !== req.managerId) continue;
    const k = `${p.itemKey}|${p.supplierCode}|${p.currency}`;
    byItem.set(k, [...(byItem.get(k) ?? []), p]);
  }
  for (const list of byItem.values()) {
    list.sort((a, b) => a.day.localeCompare(b.day) || String(a._id).localeCompare(String(b._id)));
    for (let i = 1; i < list.length; i++) {
      const p = list[i]!;
      const prev = list[i - 1]!;
      if (p.day < req.from || p.day >= req.to || p.unitPrice === prev.unitPrice) continue;
      if (new Decimal(p.unitPrice).eq(prev.unitPrice)) continue;
      prices.push({
        item: p.item,
        supplierCode: shown(p.supplierId, p.supplierCode),
        po: p.orderNumber,
        day: p.day,
        unitPrice: p.unitPrice,
        currency: p.currency,
        previous: prev.unitPrice,
        change: new Decimal(p.unitPrice).minus(prev.unitPrice).div(prev.unitPrice).times(100).toDecimalPlaces(1).toString(),
      });
    }
  }
  prices.sort((a, b) => Math.abs(Number(b.change)) - Math.abs(Number(a.change)));

  return {
    title: `Gendan report ${req.label}${req.managerId ? ` · ${managers.get(req.managerId)?.name ?? ''}` : ''}`,
    from: req.from,
    to: req.to,
    label: req.label,
    currency: req.currency,
    generatedAt: req.now.toISOString(),
    rateNote: `Values converted to ${req.currency} at the exchange rate of each order's date (the latest rate on or before it, from the rates table)${unconverted.size ? '; amounts without a rate are listed as not converted' : ''}.`,
    orders,
    valueByCurrency: Object.fromEntries([...value].map(([k, v]) => [k, fmt(v)])),
    converted: fmt(converted),
    unconverted: Object.fromEntries([...unconverted].map(([k, v]) => [k, fmt(v)])),
    milestones: { done, onTime, onTimeRate: pctOrNull(onTime, done), avgDaysLate: late ? Math.round((lateDays / late) * 10) / 10 : null, replanned },
    overdue,
    customs,
    claims,
    suppliers: supplierRows,
    managers: ranking,
    prices,
  };
}

function previousMonth(p: string) {
  const [y, m] = p.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
