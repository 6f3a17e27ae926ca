// What the recognizers proposed and what the managers decided (proposals.ts), the short numbers
// managers answer with, the order a thread was last about, and factories' closures.
import mongoose, { Schema, type Types } from 'mongoose';
import type { Msg } from '../errors/index.js';

export const PROPOSAL_STATUSES = ['proposed', 'applying', 'applied', 'dropped'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
/** How the proposal found its order: a PO named, the supplier's only open order, the thread's last order, or none (the manager picks). */
export const LINKS = ['po', 'only', 'thread', 'pick'] as const;
export type Link = (typeof LINKS)[number];

// One proposal per message and fact (the fact's key): the reaction may run twice, a message
// never makes two proposals of one fact.
const proposalSchema = new Schema(
  {
    messageId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true }, // factKey(fact)
    fact: { type: String, required: true }, // JSON of Fact
    source: { type: String, enum: ['rules', 'model'], default: 'rules' },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    threadId: { type: Schema.Types.ObjectId, required: true },
    orderId: { type: Schema.Types.ObjectId },
    orderNumber: { type: String },
    // Open orders of this supplier to pick from when the link is not sure (never another supplier's).
    candidates: { type: [String], default: undefined },
    link: { type: String, enum: LINKS, required: true },
    // What is not certain (a week not a day, a check digit, a PO that is not this supplier's …).
    uncertain: { type: [String], default: undefined },
    // The catalog texts of `uncertain`, one each (`{ key, params }`, null when the catalog has none):
    // written in the reader's language. Older proposals have only the English.
    uncertainKeys: { type: [Schema.Types.Mixed], default: undefined },
    managerId: { type: Schema.Types.ObjectId },
    n: { type: Number }, // the short number the manager answers with (/ok n)
    nk: { type: String }, // `<managerId|company>:<n>`: unique
    text: { type: String }, // the message (first 500 characters)
    sender: { type: String },
    at: { type: Date, required: true }, // the message's time
    status: { type: String, enum: PROPOSAL_STATUSES, default: 'proposed' },
    error: { type: String },
    decidedBy: { type: String },
    decidedAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves: idempotency of the reaction (upsert by message and fact).
proposalSchema.index({ messageId: 1, key: 1 }, { unique: true });
// Serves: `/ok n` and `/no n` (`findOne({nk})`).
proposalSchema.index({ nk: 1 }, { unique: true, sparse: true });
// Serves: the proposals beside a thread's messages (`find({threadId})`).
proposalSchema.index({ threadId: 1 });
// Serves: the proposals on an order page (`find({orderId})`).
proposalSchema.index({ orderId: 1 }, { sparse: true });

export interface ProposalDoc {
  _id: Types.ObjectId;
  messageId: Types.ObjectId;
  key: string;
  fact: string;
  source: 'rules' | 'model';
  supplierId: Types.ObjectId;
  threadId: Types.ObjectId;
  orderId?: Types.ObjectId | null;
  orderNumber?: string | null;
  candidates?: string[];
  link: Link;
  uncertain?: string[];
  uncertainKeys?: (Msg | null)[];
  managerId?: Types.ObjectId | null;
  n?: number;
  nk?: string;
  text?: string;
  sender?: string;
  at: Date;
  status: ProposalStatus;
  error?: string;
  decidedBy?: string;
  decidedAt?: Date;
  createdAt: Date;
}
export const Proposal = mongoose.model('Proposal', proposalSchema);

// The short-number counters, one per manager (or 'company' for suppliers without one).
const counterSchema = new Schema({ key: { type: String, required: true }, seq: { type: Number, default: 0 } }, { versionKey: false });
// Serves: the next short number (`findOneAndUpdate({key}, {$inc})`).
counterSchema.index({ key: 1 }, { unique: true });
export const ProposalCounter = mongoose.model('ProposalCounter', counterSchema);

// The order a thread was last about (a PO named in it): the link when a message names none.
const focusSchema = new Schema({ threadId: { type: Schema.Types.ObjectId, required: true }, orderId: { type: Schema.Types.ObjectId, required: true }, at: Date }, { versionKey: false });
// Serves: the thread's last order (`findOne({threadId})`).
focusSchema.index({ threadId: 1 }, { unique: true });
export const ThreadFocus = mongoose.model('ThreadFocus', focusSchema);

// A factory's closure (holiday) accepted by a manager: the supplier's calendar.
const closureSchema = new Schema(
  { supplierId: { type: Schema.Types.ObjectId, required: true }, from: { type: String, required: true }, to: { type: String, required: true }, note: String, by: String, at: Date },
  { versionKey: false },
);
// Serves: a supplier's closures (`find({supplierId})`); one per range.
closureSchema.index({ supplierId: 1, from: 1, to: 1 }, { unique: true });
export const FactoryClosure = mongoose.model('FactoryClosure', closureSchema);
export interface ClosureDoc {
  _id: Types.ObjectId;
  supplierId: Types.ObjectId;
  from: string;
  to: string;
  note?: string;
}
