// Performance as callers read it: scorecards over months, segment history, open proposals,
// scoped by shared/access.
import { Types } from 'mongoose';
import { assertVisible, visibleSupplierIds, type Viewer } from '../access/index.js';
import { msg, NotFoundError } from '../errors/index.js';
import { previousPeriod } from './hours.js';
import { SegmentChange, SegmentProposal, SupplierKpi, type SupplierKpiDoc } from './model.js';
import { scorecardOf, type Scorecard } from './scorecard.js';
import type { KpiWeights } from './settings.js';

/** Scorecards of the `months` months up to `until` (default: this month), oldest first, scored with `weights`. One query. */
export async function scorecardHistory(supplierId: Types.ObjectId | string, months: number, until: string, weights: KpiWeights): Promise<Scorecard[]> {
  const docs = await SupplierKpi.find({ supplierId: new Types.ObjectId(String(supplierId)) }).lean<SupplierKpiDoc[]>();
  const periods: string[] = [];
  for (let x = until; periods.length < months; x = previousPeriod(x)) periods.unshift(x);
  return periods.map((p) => scorecardOf(String(supplierId), p, docs, weights));
}

export async function segmentHistory(supplierId: Types.ObjectId | string, limit = 100) {
  const items = await SegmentChange.find({ supplierId: new Types.ObjectId(String(supplierId)) })
    .sort({ at: -1 })
    .limit(limit)
    .lean();
  return items.map((i) => ({ from: i.from ?? null, to: i.to, by: i.by, at: i.at, reason: i.reason ?? null }));
}

/** Open segment proposals for the suppliers the viewer may see, newest first. */
export async function openProposals(v: Viewer, limit = 200) {
  const visible = await visibleSupplierIds(v);
  const items = await SegmentProposal.find({ status: 'open' }).sort({ at: -1 }).limit(limit).lean();
  return items.filter((i) => !visible || visible.has(String(i.supplierId))).map((i) => ({ id: String(i._id), code: i.supplierCode, proposed: i.proposed, reason: i.reason, at: i.at }));
}

/** The open proposal, when the viewer may see its supplier (for deciding it). */
export async function proposalFor(v: Viewer, id: string) {
  const p = Types.ObjectId.isValid(id) ? await SegmentProposal.findOne({ _id: new Types.ObjectId(id), status: 'open' }).lean() : null;
  if (!p) throw new NotFoundError(msg('noOpenProposal'));
  return assertVisible(v, p, 'no open proposal with that id');
}
