import mongoose, { Schema, type Types } from 'mongoose';

// Supplier KPIs per calendar month, kept current by increments as orders, milestones, customs,
// claims and messages change (shared/performance/index.ts); a nightly job recomputes them from
// the data and overwrites (reconcile). Money in 1/10,000 of the currency unit as integers: exact
// sums, no float money.
const supplierKpiSchema = new Schema(
  {
    supplierId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true }, // YYYY-MM (UTC)
    orders: { type: Number, default: 0 },
    value: { type: Schema.Types.Mixed, default: {} }, // { USD: 125000000 } = 12,500.0000 USD
    msDone: { type: Number, default: 0 },
    msOnTime: { type: Number, default: 0 },
    msLate: { type: Number, default: 0 },
    msDaysLate: { type: Number, default: 0 }, // sum over the late ones
    msReplanned: { type: Number, default: 0 },
    customsDelayed: { type: Number, default: 0 },
    claims: { type: Number, default: 0 },
    claimValue: { type: Schema.Types.Mixed, default: {} },
    claimsSettled: { type: Number, default: 0 },
    settleDays: { type: Number, default: 0 }, // sum of days from filing to settlement
    // Supplier response times in working minutes (their hours, their zone), one per reply.
    rt: { type: [Number], default: [] },
    at: { type: Date },
  },
  { versionKey: false, minimize: false },
);
// Serves: one document per supplier and month (upsert with $inc), and a supplier's scorecard
// (`find({supplierId})`: a few dozen months at most).
supplierKpiSchema.index({ supplierId: 1, period: 1 }, { unique: true });

const managerKpiSchema = new Schema(
  {
    managerId: { type: Schema.Types.ObjectId, required: true },
    period: { type: String, required: true },
    orders: { type: Number, default: 0 },
    // Overdue milestones of this manager's orders that got done, and how many of them within
    // RESOLVE_WITHIN_DAYS of their planned date.
    resolved: { type: Number, default: 0 },
    resolvedInTime: { type: Number, default: 0 },
    // Manager response times to suppliers, in the manager's working minutes.
    rt: { type: [Number], default: [] },
    at: { type: Date },
  },
  { versionKey: false },
);
// Serves: one document per manager and month (upsert), the ranking of a month (`find({period})`).
managerKpiSchema.index({ managerId: 1, period: 1 }, { unique: true });
managerKpiSchema.index({ period: 1 });

export const SupplierKpi = mongoose.model('SupplierKpi', supplierKpiSchema);
export const ManagerKpi = mongoose.model('ManagerKpi', managerKpiSchema);

export interface SupplierKpiDoc {
  _id: Types.ObjectId;
  supplierId: Types.ObjectId;
  period: string;
  orders: number;
  value: Record<string, number>;
  msDone: number;
  msOnTime: number;
  msLate: number;
  msDaysLate: number;
  msReplanned: number;
  customsDelayed: number;
  claims: number;
  claimValue: Record<string, number>;
  claimsSettled: number;
  settleDays: number;
  rt: number[];
}
export interface ManagerKpiDoc {
  _id: Types.ObjectId;
  managerId: Types.ObjectId;
  period: string;
  orders: number;
  resolved: number;
  resolvedInTime: number;
  rt: number[];
}

// Segment changes (who, when, why) and proposals from the rules, for a manager to accept.
const segmentChangeSchema = new Schema(
  {
    supplierId: { type: Schema.Types.ObjectId, required: true },
    from: { type: String },
    to: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
    reason: { type: String },
  },
  { versionKey: false },
);
// Serves: a supplier's segment history.
segmentChangeSchema.index({ supplierId: 1, at: -1 });
export const SegmentChange = mongoose.model('SegmentChange', segmentChangeSchema);

const proposalSchema = new Schema(
  {
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    proposed: { type: String, required: true },
    reason: { type: String, required: true },
    status: { type: String, enum: ['open', 'accepted', 'rejected'], default: 'open' },
    // `<supplier>:<segment>` while open: one open proposal per supplier and segment.
    openKey: { type: String },
    at: { type: Date, required: true },
    decidedBy: { type: String },
    decidedAt: { type: Date },
  },
  { versionKey: false },
);
proposalSchema.index({ openKey: 1 }, { unique: true, sparse: true });
// Serves: the open proposals list (`find({status:'open'})`).
proposalSchema.index({ status: 1 });
export const SegmentProposal = mongoose.model('SegmentProposal', proposalSchema);
