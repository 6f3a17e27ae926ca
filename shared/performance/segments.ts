// Segments: a manager sets a supplier's segment (recorded); rules propose changes that a manager
// accepts or rejects, never applied by themselves.
import type { Types } from 'mongoose';
import { Order } from '../orders/model.js';
import { SEGMENTS, Supplier, type Segment, type SupplierDoc } from '../suppliers/model.js';
import { periodOf, previousPeriod } from './hours.js';
import { DAY } from './kpis.js';
import { SegmentChange, SegmentProposal, SupplierKpi, type SupplierKpiDoc } from './model.js';
import { scorecardOf } from './scorecard.js';
import type { KpiWeights } from './settings.js';

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
    const r = await SegmentProposal.updateOne({ openKey }, { $setOnInsert: { supplierId: s._id, supplierCode: s.code, proposed, reason, status: 'open', openKey, at: now } }, { upsert: true }).catch(
      (err) => {
        if ((err as { code?: number }).code === 11000) return { upsertedCount: 0 };
        throw err;
      },
    );
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
