// Purchase orders. Fields (see the schemas below):
//   number (unique) · supplierId + supplierCode (denormalised) · managerId · incoterms · currency
//   lines[] {item, sku, qty, unit, unitPrice (decimal string), currency}
//   milestones.<name> {planned, baseline (first agreed date), actual, status pending|done, reason, note, replanned, updatedBy,
//     updatedAt, photos[]} for each name of MILESTONES — keyed by name, never an array
//   customs {status none|held|cleared, reason, expectedDate, updatedAt, updatedBy}
//   status open|closed · version (every write is `updateOne({_id, version})` + `$inc`)
//   next {milestone, planned, dueDay 'YYYY-MM-DD'}: the first milestone not done, kept by every
//     milestone write. Scheduler scans are equalities: `{dueDay: day, status: 'open'}`
//     (ordersDueOn) for "became overdue / due on day X"; the daily reminder walks the days it
//     owes (or uses listOverdue(now), which filters `next.planned < today` after `status`).
// Change history is its own append-only collection (OrderEvent); write idempotency keys another
// (IdempotencyKey, unique); the mini-program list a read model (OrderIndex + OrderIndexHead).
import mongoose, { Schema, type Types } from 'mongoose';

// The milestone chain of docs/product-rules.md ("Orders and milestones"), in order.
export const MILESTONES = ['confirmed', 'materials', 'production_start', 'production_done', 'inspection', 'shipped', 'customs_cleared', 'delivered'] as const;
export type MilestoneName = (typeof MILESTONES)[number];

export const CURRENCIES = ['CNY', 'USD', 'EUR', 'RUB', 'HKD', 'GBP'] as const;
export const INCOTERMS = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'] as const;

const trSchema = new Schema({ lang: String, original: String, text: String }, { _id: false });
const photoSchema = new Schema({ id: String, name: String, mimeType: String, size: Number, at: Date }, { _id: false });

// One milestone. Milestones are keyed BY NAME (`milestones.materials.actual`): FerretDB v1
// silently ignores positional `$` updates, so no array of milestones.
const milestoneSchema = new Schema(
  {
    planned: { type: Date },
    // The first agreed date (set with the first planned date, never moved): on-time KPIs and
    // reports count against it; moves are counted apart (`replanned`).
    baseline: { type: Date },
    actual: { type: Date },
    status: { type: String, enum: ['pending', 'done'], default: 'pending' },
    reason: { type: String }, // why the planned date moved
    note: { type: String },
    replanned: { type: Number, default: 0 },
    updatedBy: { type: String }, // `supplier:<openid>` or `manager:<id>`
    updatedAt: { type: Date },
    photos: { type: [photoSchema], default: [] },
    // Translations of the supplier's words (reason, note) for the managers: the original they
    // were made from, so a changed reason never shows a stale translation.
    tr: { type: [trSchema], default: undefined },
  },
  { _id: false },
);

const lineSchema = new Schema(
  {
    item: { type: String, required: true },
    sku: { type: String },
    qty: { type: Number, required: true },
    unit: { type: String, default: 'pcs' },
    // Money as an exact decimal string ("12.50"), never a float.
    unitPrice: { type: String, required: true },
    currency: { type: String, enum: CURRENCIES, required: true },
  },
  { _id: false },
);

const orderSchema = new Schema(
  {
    number: { type: String, required: true }, // PO number, e.g. PO-2026-001
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId },
    incoterms: { type: String, enum: INCOTERMS },
    paymentTerms: { type: String }, // e.g. "30% deposit, 70% before shipment"
    currency: { type: String, enum: CURRENCIES, default: 'USD' },
    lines: { type: [lineSchema], default: [] },
    milestones: {
      type: new Schema(Object.fromEntries(MILESTONES.map((m) => [m, { type: milestoneSchema, default: () => ({}) }])), { _id: false }),
      default: () => ({}),
    },
    // open → closed (done) or cancelled (with cancelReason); either can be reopened.
    status: { type: String, enum: ['open', 'closed', 'cancelled'], default: 'open' },
    cancelReason: { type: String },
    customs: {
      type: new Schema(
        {
          status: { type: String, enum: ['none', 'held', 'cleared'], default: 'none' },
          reason: String,
          expectedDate: Date,
          updatedAt: Date,
          updatedBy: String,
          heldAt: Date,
          tr: { type: [trSchema], default: undefined },
        },
        { _id: false },
      ),
      default: () => ({ status: 'none' }),
    },
    // Denormalised for the scheduler: the first milestone not done, its planned date and that
    // date's day ('YYYY-MM-DD', UTC) — so scans are equality queries on a day, never a range.
    // Top-level copy of next.dueDay: the scheduler's equality (FerretDB pushes down only
    // top-level equality, not a dotted path).
    // Now the EARLIEST planned day of any milestone not done (rules.computeDueDay): the scan finds
    // the order on that day and watches every overdue milestone from then on.
    dueDay: { type: String },
    // true while an open order has a milestone not done without a planned date: the daily
    // "needs a date" list is an equality on it (`find({undated: true, status: 'open'})`).
    undated: { type: Boolean },
    next: {
      type: new Schema({ milestone: String, planned: Date, dueDay: String }, { _id: false }),
    },
    // Pre-shipment readiness: asked a week before the planned shipment (`asked`, the day), the
    // supplier's answer (ready, or not ready with a new date and a note).
    readiness: {
      type: new Schema(
        { asked: String, answer: { type: String, enum: ['ready', 'not_ready'] }, date: Date, note: String, at: Date, by: String, tr: { type: [trSchema], default: undefined } },
        { _id: false },
      ),
    },
    // Top-level, for the scan's equality: the day an unanswered readiness question is reported
    // to the manager ("no answer" after one working day); removed once answered.
    readinessDue: { type: String },
    // Shipping references read from the supplier's chat and accepted by a manager (shared/facts):
    // courier tracking numbers (with the carrier's page), container and B/L numbers, shortages.
    refs: {
      type: [
        new Schema(
          { kind: { type: String, enum: ['tracking', 'container', 'bl', 'shortage'] }, carrier: String, number: String, url: String, qty: Number, unit: String, at: Date, by: String },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    // Optimistic concurrency: every write is guarded by the version it read.
    version: { type: Number, default: 0 },
  },
  { timestamps: true },
);
// Serves: `/po <no>`, order lookup by number; one order per number.
orderSchema.index({ number: 1 }, { unique: true });
// Serves: a supplier's open orders (mini-program list, `/orders CODE`).
orderSchema.index({ supplierId: 1, status: 1 });
// Serves: the scheduler's overdue scan (`find({dueDay: day, status: 'open'})`).
orderSchema.index({ dueDay: 1 });
// Serves: the "no readiness answer" scan (`find({readinessDue: day, status: 'open'})`).
orderSchema.index({ readinessDue: 1 }, { sparse: true });
// Serves: the daily "needs a date" list (`find({undated: true, status: 'open'})`).
orderSchema.index({ undated: 1 });
// Serves: a manager's orders (console, overdue list per manager).
orderSchema.index({ managerId: 1, status: 1 });

// Change history, append-only: who changed what, when, why.
const orderEventSchema = new Schema(
  {
    orderId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    kind: { type: String, required: true }, // created, milestone, customs, updated, closed, photo
    milestone: { type: String },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    reason: { type: String },
    // Where the change came from: console, api (bearer token), command (WeChat), miniprogram, import.
    via: { type: String },
  },
  { versionKey: false },
);
// Serves: an order's history, newest first.
orderEventSchema.index({ orderId: 1, at: -1 });

// Idempotency keys of writes: a replayed request returns the first answer, writes nothing.
const idempotencySchema = new Schema(
  {
    key: { type: String, required: true }, // `<actor>:<client key>`
    orderId: { type: Schema.Types.ObjectId },
    fingerprint: { type: String }, // the request's fields: a reused key with other fields is refused
    at: { type: Date, required: true },
    done: { type: Boolean, default: false }, // the first request finished (replays answer then)
  },
  { versionKey: false },
);
// Serves: the claim of a key (unique insert); cleanup is a job, not a TTL index.
idempotencySchema.index({ key: 1 }, { unique: true });

// Read model of a supplier's open orders: one document per supplier, entries keyed by order id
// (in one JSON string). The mini-program list reads one document instead of sorting a
// thousand orders in the engine. Kept in step on every order write (newer version wins);
// rebuilt from the orders when missing.
const orderIndexSchema = new Schema(
  {
    supplierId: { type: Schema.Types.ObjectId, required: true },
    // JSON of { [orderId]: OrderIndexEntry }, one string: the engine (FerretDB v1) decodes a
    // document with a thousand keys field by field (~40 ms); one string costs next to nothing.
    data: { type: String, default: '{}' },
    // JSON of { [orderId]: BoardRow }: the board's rows of the same orders, in a field of their
    // own so that the mini-program's list reads (and parses) only the small entries above.
    board: { type: String },
    rev: { type: Number, default: 0 }, // optimistic concurrency of read-modify-write
  },
  { versionKey: false },
);
// Serves: the supplier's order list (`findOne({supplierId})`).
orderIndexSchema.index({ supplierId: 1 }, { unique: true });
export const OrderIndex = mongoose.model('OrderIndex', orderIndexSchema);

// The read model's revision alone, in a tiny document: a server process keeps the parsed list
// in memory and checks only this per request (a response cache that every write invalidates,
// in every process). Raised with `$max` after each write of OrderIndex, so it never goes back.
const orderIndexHeadSchema = new Schema({ supplierId: { type: Schema.Types.ObjectId, required: true }, rev: { type: Number, default: 0 } }, { versionKey: false });
// Serves: the per-request freshness check of the supplier's cached list (`findOne({supplierId})`).
orderIndexHeadSchema.index({ supplierId: 1 }, { unique: true });
export const OrderIndexHead = mongoose.model('OrderIndexHead', orderIndexHeadSchema);

/** One entry of the read model. */
export interface OrderIndexEntry {
  n: string; // number
  v: number; // order version
  nm?: string | null; // next milestone
  np?: Date | null; // next planned
  c: string; // customs status
  f?: string; // the order's content print (list.ts contentPrint): an import's "unchanged" without reading the order
  b?: import('./board.js').BoardRow; // the board's row in lists written before `board` had a field of its own
}

export const ORDER_STATUSES = ['open', 'closed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Where a change came from (history). */
export const VIAS = ['console', 'api', 'command', 'miniprogram', 'import', 'system', 'chat'] as const;
export type Via = (typeof VIAS)[number];

export interface PhotoDoc {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  at: Date;
}
export interface MilestoneDoc {
  planned?: Date | null;
  baseline?: Date | null;
  actual?: Date | null;
  status: 'pending' | 'done';
  reason?: string;
  note?: string;
  replanned?: number;
  updatedBy?: string;
  updatedAt?: Date;
  photos: PhotoDoc[];
  tr?: TextTranslation[];
}
/** A translation of a supplier's words into a manager's language. */
export interface TextTranslation {
  lang: string;
  original: string;
  text: string;
}
export interface OrderLine {
  item: string;
  sku?: string;
  qty: number;
  unit?: string;
  unitPrice: string;
  currency: string;
}
export interface CustomsDoc {
  status: 'none' | 'held' | 'cleared';
  reason?: string;
  expectedDate?: Date | null;
  updatedAt?: Date;
  updatedBy?: string;
  tr?: TextTranslation[];
}
/** A shipping reference on an order (tracking, container, B/L) or a reported shortage. */
export interface OrderRef {
  kind: 'tracking' | 'container' | 'bl' | 'shortage';
  carrier?: string;
  number?: string;
  url?: string;
  qty?: number;
  unit?: string;
  at?: Date;
  by?: string;
}
export interface OrderDoc {
  _id: Types.ObjectId;
  number: string;
  supplierId: Types.ObjectId;
  supplierCode: string;
  managerId?: Types.ObjectId | null;
  incoterms?: string;
  paymentTerms?: string | null;
  currency: string;
  lines: OrderLine[];
  milestones: Record<MilestoneName, MilestoneDoc>;
  status: OrderStatus;
  cancelReason?: string | null;
  customs: CustomsDoc;
  next?: { milestone: MilestoneName; planned?: Date | null; dueDay?: string | null } | null;
  dueDay?: string | null;
  undated?: boolean;
  readiness?: { asked?: string; answer?: 'ready' | 'not_ready'; date?: Date | null; note?: string; at?: Date; by?: string; tr?: TextTranslation[] } | null;
  readinessDue?: string | null;
  refs?: OrderRef[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
export const Order = mongoose.model('Order', orderSchema);
export const OrderEvent = mongoose.model('OrderEvent', orderEventSchema);
export const IdempotencyKey = mongoose.model('IdempotencyKey', idempotencySchema);

// The cross-supplier board's read model (board.ts): one small row per order.
const boardRowSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true }, // the order's id
    state: { type: String, required: true }, // the order's status: open | closed | cancelled
    supplierId: { type: Schema.Types.ObjectId, required: true },
    managerId: { type: Schema.Types.ObjectId },
    v: { type: Number, required: true }, // the order's version: an older write never overwrites a newer row
    // JSON of BoardRow, one string: the engine decodes one string far faster than a dozen fields.
    row: { type: String, required: true },
  },
  { versionKey: false },
);
// Serves: everyone's open orders (`find({state: 'open'})`, head/admin board).
boardRowSchema.index({ state: 1 });
// Serves: a visible supplier's open orders (`find({supplierId, state: 'open'})`).
boardRowSchema.index({ supplierId: 1, state: 1 });
// Serves: my open orders (`find({managerId, state: 'open'})`).
boardRowSchema.index({ managerId: 1, state: 1 });
export const OrderBoardRow = mongoose.model('OrderBoardRow', boardRowSchema);

// Lead-time templates (leadtimes.ts): the company default and per supplier.
const leadTimeSchema = new Schema(
  {
    // 'default' for the company, or a supplier's id (hex).
    key: { type: String, required: true },
    steps: { type: String, required: true }, // JSON of LeadTemplate
    updatedBy: { type: String },
    updatedAt: { type: Date },
  },
  { versionKey: false },
);
// Serves: the template of a supplier or the company (`findOne({key})`).
leadTimeSchema.index({ key: 1 }, { unique: true });
export const LeadTime = mongoose.model('LeadTime', leadTimeSchema);

// Column mappings of imports, remembered per source (import.ts).
const mappingSchema = new Schema({ source: { type: String, required: true }, mapping: { type: String, required: true }, updatedAt: Date, updatedBy: String }, { versionKey: false });
// Serves: the mapping remembered for an import source (`findOne({source})`).
mappingSchema.index({ source: 1 }, { unique: true });
export const ImportMapping = mongoose.model('ImportMapping', mappingSchema);
