// Scorecards: a supplier's month scored from its KPI document (delivery, responsiveness,
// quality, weighted), classed A–D, with plain reasons and the trend against the month before.
import { Types } from 'mongoose';
import { previousPeriod } from './hours.js';
import { SupplierKpi, type SupplierKpiDoc } from './model.js';
import { fromUnits } from './money.js';
import type { KpiWeights } from './settings.js';

export const THRESHOLDS = { onTime: 0.9, medianReplyHours: 4, claimRate: 0.05 };

export const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : null);
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

const EMPTY: Omit<SupplierKpiDoc, '_id' | 'supplierId' | 'period'> = {
  orders: 0,
  value: {},
  msDone: 0,
  msOnTime: 0,
  msLate: 0,
  msDaysLate: 0,
  msReplanned: 0,
  customsDelayed: 0,
  claims: 0,
  claimValue: {},
  claimsSettled: 0,
  settleDays: 0,
  rt: [],
};

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
  const money = (v: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(v ?? {})
        .filter(([, n]) => n)
        .map(([c, n]) => [c, fromUnits(n)]),
    );
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
