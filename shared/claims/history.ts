// A supplier's claim history for its scorecard.
import { Types } from 'mongoose';
import { Decimal } from '../money/index.js';
import { Claim, type ClaimDoc } from './model.js';
import { DAY, OPEN } from './rules.js';

export interface ClaimStats {
  /** Claims filed against the supplier (drafts not counted). */
  count: number;
  /** Not yet settled, rejected or closed. */
  open: number;
  /** Claimed amounts per currency, decimal strings with two places. */
  amountByCurrency: Record<string, string>;
  /** From sending to settlement, in days (one decimal); null when none is settled. */
  medianDaysToSettle: number | null;
}

/** A supplier's claims for its scorecard: count, amounts, open ones, median days to settle. */
export async function claimStats(supplierId: Types.ObjectId | string): Promise<ClaimStats> {
  const all = await Claim.find({ supplierId: new Types.ObjectId(String(supplierId)) }, { status: 1, amount: 1, currency: 1, sentAt: 1, settledAt: 1, createdAt: 1, history: 1 }).lean<ClaimDoc[]>();
  // A claim closed straight from draft was never filed against the supplier.
  const filed = all.filter((c) => c.status !== 'draft' && (c.sentAt || c.history.some((h) => h.to === 'sent')));
  const amount = new Map<string, Decimal>();
  for (const c of filed) if (c.amount && c.currency) amount.set(c.currency, (amount.get(c.currency) ?? new Decimal(0)).plus(c.amount));
  const days = filed
    .filter((c) => c.settledAt)
    .map((c) => (c.settledAt!.getTime() - (c.sentAt ?? c.createdAt).getTime()) / DAY)
    .sort((a, b) => a - b);
  const mid = days.length >> 1;
  const median = days.length === 0 ? null : days.length % 2 ? days[mid]! : (days[mid - 1]! + days[mid]!) / 2;
  return {
    count: filed.length,
    open: filed.filter((c) => OPEN.includes(c.status)).length,
    amountByCurrency: Object.fromEntries([...amount].map(([k, v]) => [k, v.toFixed(2)])),
    medianDaysToSettle: median === null ? null : Math.round(median * 10) / 10,
  };
}
