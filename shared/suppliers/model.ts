import mongoose, { Schema, type InferSchemaType } from 'mongoose';

export const SEGMENTS = ['strategic', 'new', 'problem'] as const;
export type Segment = (typeof SEGMENTS)[number];

const supplierSchema = new Schema(
  {
    // Short stable code managers type in commands: `A01` (trade-fair letter + card sequence),
    // `001` (plain sequence). Unique.
    code: { type: String, required: true },
    // Country + company abbreviation, added once the supplier has orders: `D12 AUGI`.
    tag: { type: String },
    name: { type: String, required: true }, // company name as written by the supplier (often Chinese)
    nameEn: { type: String },
    // Registered name and tax id (统一社会信用代码) from the business licence; e-mails of the company.
    legalName: { type: String },
    taxId: { type: String },
    emails: { type: [String], default: [] },
    port: { type: String }, // port of loading
    phones: { type: [String], default: [] },
    wechatIds: { type: [String], default: [] },
    region: { type: String },
    province: { type: String },
    categories: { type: [String], default: [] },
    certifications: { type: [String], default: [] },
    capacity: { type: String },
    load: { type: String },
    paymentTerms: { type: String },
    language: { type: String, default: 'zh' },
    timezone: { type: String, default: 'Asia/Shanghai' },
    segment: { type: String, enum: SEGMENTS, default: 'new' },
    managerId: { type: Schema.Types.ObjectId },
    backupManagerId: { type: Schema.Types.ObjectId },
    // Duplicate handling: a possible duplicate is flagged for a person to decide, never merged
    // silently; after a merge the later supplier points to the survivor (earliest code wins).
    possibleDuplicateOf: { type: [Schema.Types.ObjectId], default: [] },
    mergedInto: { type: Schema.Types.ObjectId },
    mergedAt: { type: Date },
    mergedBy: { type: String },
    // On a survivor: the codes of suppliers merged into it (and its own code when a merged one's
    // was earlier); every one of them still resolves here (resolveSupplierCode).
    formerCodes: { type: [String], default: [] },
    merges: {
      type: [new Schema({ supplierId: Schema.Types.ObjectId, code: String, by: String, at: Date }, { _id: false })],
      default: [],
    },
    // The trade fair the supplier was met at (letter of the fair register), when coded so.
    fairLetter: { type: String },
  },
  { timestamps: true },
);
// Serves: lookup by code in commands and API (`/po`, `/orders D12`); the uniqueness of codes.
supplierSchema.index({ code: 1 }, { unique: true });
// Serves: duplicate check of a new contact by phone / WeChat id.
supplierSchema.index({ phones: 1 });
supplierSchema.index({ wechatIds: 1 });
// Serves: "my suppliers" lists per responsible manager.
supplierSchema.index({ managerId: 1 });
// Serves: the duplicate check on create and edit (`find({taxId})`, `find({emails})`, `find({legalName})`).
supplierSchema.index({ taxId: 1 }, { sparse: true });
supplierSchema.index({ emails: 1 });
supplierSchema.index({ legalName: 1 }, { sparse: true });
// Serves: a merged supplier's former code typed in a command (`findOne({formerCodes: code})`).
supplierSchema.index({ formerCodes: 1 });

export type SupplierDoc = InferSchemaType<typeof supplierSchema> & { _id: mongoose.Types.ObjectId };
export const Supplier = mongoose.model('Supplier', supplierSchema);

// Sequences for code schemes: one document per counter (`fair:A`, `plain`), advanced with an
// atomic $inc upsert.
const counterSchema = new Schema({ _id: { type: String }, seq: { type: Number, default: 0 } }, { versionKey: false });
export const Counter = mongoose.model('Counter', counterSchema);

// The fair register (PRODUCT.md "Who is a supplier"): one letter per trade fair, never I or O.
// A supplier met at a fair is coded with its letter and the next number (`D12`).
const fairSchema = new Schema(
  {
    _id: { type: String }, // the letter
    name: { type: String, required: true },
    city: { type: String },
    from: { type: String }, // YYYY-MM-DD
    to: { type: String },
    by: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export const Fair = mongoose.model('Fair', fairSchema);
export interface FairDoc {
  _id: string;
  name: string;
  city?: string;
  from?: string;
  to?: string;
  by?: string;
  createdAt: Date;
}
