import mongoose, { Schema, type Types } from 'mongoose';

export const CLAIM_TYPES = ['defect', 'shortage', 'wrong_item', 'transit_damage', 'late_delivery'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];
export const CLAIM_STATUSES = ['draft', 'sent', 'supplier_answered', 'agreed', 'disputed', 'settled', 'rejected', 'closed'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];
export const SETTLEMENT_KINDS = ['credit_note', 'replacement', 'rework', 'discount_next_order', 'refund'] as const;
export type SettlementKind = (typeof SETTLEMENT_KINDS)[number];
/** What the buyer presumes caused the problem (seed 000). */
export const CLAIM_CAUSES = ['material', 'process', 'transport', 'other'] as const;
export type ClaimCause = (typeof CLAIM_CAUSES)[number];
/** What was decided (seed 000): compensation full or partial, replacement, return, discount on the next order. */
export const CLAIM_DECISIONS = ['full_compensation', 'partial_compensation', 'replacement', 'return', 'discount_next_order'] as const;
export type ClaimDecisionKind = (typeof CLAIM_DECISIONS)[number];
/** skipped: already Chinese, or nothing to translate. */
export const TRANSLATION_STATUSES = ['pending', 'done', 'skipped', 'failed'] as const;
export type ClaimTranslationStatus = (typeof TRANSLATION_STATUSES)[number];

// A photo or file: uploaded (id = the stored file's name under the upload dir) or linked (url).
// `key` is the uploader's idempotency key: a re-sent upload is stored once.
const fileSchema = new Schema({ id: String, name: String, url: String, mimeType: String, size: Number, at: Date, by: String, key: String }, { _id: false });

const claimSchema = new Schema(
  {
    number: { type: String, required: true }, // CL-<PO>-<n>
    orderId: { type: Schema.Types.ObjectId, required: true },
    orderNumber: { type: String, required: true },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId },
    line: { type: Number }, // index of the PO line, when the claim is about one
    item: { type: String },
    type: { type: String, enum: CLAIM_TYPES, required: true },
    qty: { type: Number, required: true },
    amount: { type: String }, // decimal string, with currency
    currency: { type: String },
    description: { type: String, required: true },
    descriptionLang: { type: String },
    // The description in Chinese for the supplier (translated like messages). The claim is stored
    // before it is translated ('pending'); when translation fails it stays filed ('failed'), the
    // notice carries the original, and the next look at the claim tries again (translationTriedAt).
    descriptionZh: { type: String },
    translationStatus: { type: String, enum: TRANSLATION_STATUSES, default: 'skipped' },
    translationTriedAt: { type: Date },
    photos: { type: [fileSchema], default: [] },
    // Photos the supplier uploaded for the answer (mini-program), attached when answering.
    supplierPhotos: { type: [fileSchema], default: [] },
    answerDue: { type: Date },
    // Facts of the claim (seed 000): the batch, when the goods were received, the presumed cause,
    // the losses broken down (decimal strings in one currency) and what was decided.
    batch: { type: String },
    receivedOn: { type: Date },
    cause: { type: String, enum: CLAIM_CAUSES },
    losses: { type: new Schema({ goods: String, freight: String, other: String, currency: String }, { _id: false }) },
    decision: {
      type: new Schema({ kind: { type: String, enum: CLAIM_DECISIONS }, amount: String, currency: String, note: String, at: Date, by: String }, { _id: false }),
    },
    status: { type: String, enum: CLAIM_STATUSES, default: 'draft' },
    version: { type: Number, default: 0 },
    history: {
      type: [new Schema({ from: String, to: String, by: String, at: Date, reason: String }, { _id: false })],
      default: [],
    },
    answer: {
      // tr: the answer translated into the managers' languages (original kept beside it).
      type: new Schema(
        {
          text: String,
          decision: { type: String, enum: ['accept', 'dispute'] },
          photos: { type: [fileSchema], default: [] },
          at: Date,
          by: String,
          tr: { type: [new Schema({ lang: String, original: String, text: String }, { _id: false })], default: undefined },
        },
        { _id: false },
      ),
    },
    settlement: {
      type: new Schema({ kind: { type: String, enum: SETTLEMENT_KINDS }, amount: String, currency: String, note: String }, { _id: false }),
    },
    sentAt: { type: Date },
    settledAt: { type: Date },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves: one claim per number (and its lookup).
claimSchema.index({ number: 1 }, { unique: true });
// Serves: a supplier's claims (mini-program, supplier card, KPIs): `find({supplierId})`.
claimSchema.index({ supplierId: 1, status: 1 });
// Serves: the reminder scan (`find({status:'sent'})`) and lists by status.
claimSchema.index({ status: 1 });
// Serves: an order's claims.
claimSchema.index({ orderId: 1 });

export interface ClaimFile {
  id: string;
  name: string;
  url?: string;
  key?: string;
  mimeType?: string;
  size?: number;
  at?: Date;
  by?: string;
}

export interface ClaimLosses {
  goods?: string;
  freight?: string;
  other?: string;
  currency?: string;
}

export interface ClaimDoc {
  _id: Types.ObjectId;
  number: string;
  orderId: Types.ObjectId;
  orderNumber: string;
  supplierId: Types.ObjectId;
  supplierCode: string;
  managerId?: Types.ObjectId;
  line?: number;
  item?: string;
  type: ClaimType;
  qty: number;
  amount?: string;
  currency?: string;
  description: string;
  descriptionLang?: string;
  descriptionZh?: string;
  translationStatus: ClaimTranslationStatus;
  translationTriedAt?: Date;
  photos: ClaimFile[];
  supplierPhotos: ClaimFile[];
  answerDue?: Date;
  batch?: string;
  receivedOn?: Date;
  cause?: ClaimCause;
  losses?: ClaimLosses;
  decision?: { kind: ClaimDecisionKind; amount?: string; currency?: string; note?: string; at?: Date; by?: string };
  status: ClaimStatus;
  version: number;
  history: { from: string; to: string; by: string; at: Date; reason?: string }[];
  answer?: { text?: string; decision: 'accept' | 'dispute'; photos: ClaimFile[]; at: Date; by: string; tr?: { lang: string; original: string; text: string }[] };
  settlement?: { kind: SettlementKind; amount?: string; currency?: string; note?: string };
  sentAt?: Date;
  settledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const Claim = mongoose.model('Claim', claimSchema);
