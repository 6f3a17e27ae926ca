import mongoose, { Schema, type Types } from 'mongoose';

export const NOTICE_KINDS = ['overdue', 'pre_shipment', 'customs', 'alert', 'message'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export type NoticeStatus = 'queued' | 'sending' | 'sent' | 'failed';

// The outbox: one document per notice, unique per event and day, so an event never makes two
// notices however often a scan or an Agenda job runs. Only the bot process delivers.
const noticeSchema = new Schema(
  {
    key: { type: String, required: true }, // e.g. `overdue:<order>:<milestone>:<day>:supplier`
    kind: { type: String, enum: NOTICE_KINDS, required: true },
    to: { type: String, required: true }, // chat key: `dm:<wechat id>` or `room:<room id>`
    recipient: {
      type: new Schema({ kind: { type: String, enum: ['supplier', 'manager'] }, id: String, timezone: String }, { _id: false }),
      required: true,
    },
    text: { type: String, required: true },
    orderId: { type: Schema.Types.ObjectId },
    status: { type: String, enum: ['queued', 'sending', 'sent', 'failed'], default: 'queued' },
    attempts: { type: Number, default: 0 },
    notBefore: { type: Date, required: true }, // quiet hours, holidays and backoff move it later
    owner: { type: String }, // the worker that claimed it
    sendingSince: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves: exactly one notice per event and day (upsert by key).
noticeSchema.index({ key: 1 }, { unique: true });
// Serves: the delivery worker (`find({status:'queued'})`), the stale-claim sweep
// (`find({status:'sending'})`) and the failed list (`find({status:'failed'})`).
noticeSchema.index({ status: 1, notBefore: 1 });

export interface NoticeDoc {
  _id: Types.ObjectId;
  key: string;
  kind: NoticeKind;
  to: string;
  recipient: { kind: 'supplier' | 'manager'; id?: string; timezone?: string };
  text: string;
  orderId?: Types.ObjectId;
  status: NoticeStatus;
  attempts: number;
  notBefore: Date;
  owner?: string;
  sendingSince?: Date;
  lastError?: string;
  sentAt?: Date;
  createdAt: Date;
}

export const Notice = mongoose.model('Notice', noticeSchema);

// Small state of the scans (last day scanned, last customs event seen), one document each.
const scanStateSchema = new Schema({ _id: { type: String }, day: String, at: Date }, { versionKey: false });
export const ScanState = mongoose.model('ScanState', scanStateSchema);

// Orders found overdue and not yet updated: the daily reminders read this small set instead of
// all open orders, so their cost follows the overdue count.
const overdueWatchSchema = new Schema(
  {
    orderId: { type: Schema.Types.ObjectId, required: true },
    milestone: { type: String, required: true },
    since: { type: String, required: true }, // planned day
  },
  { versionKey: false },
);
// Serves: one watch per order (upsert by orderId).
overdueWatchSchema.index({ orderId: 1 }, { unique: true });
export const OverdueWatch = mongoose.model('OverdueWatch', overdueWatchSchema);
