import mongoose, { Schema, type Types } from 'mongoose';

export const NOTICE_KINDS = [
  'overdue',
  'undated',
  'pre_shipment',
  'customs',
  'alert',
  'message',
  'claim',
  'claim_reminder',
  'supplier_change',
  'claim_answer',
  'claim_overdue',
  'fact_proposal',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTICE_STATUSES = ['queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

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
    // What a newer notice replaces (the daily reminder of one milestone to one recipient): a
    // reminder still queued when the next day's one arrives is cancelled, not sent late.
    topic: { type: String },
    status: { type: String, enum: NOTICE_STATUSES, default: 'queued' },
    attempts: { type: Number, default: 0 }, // failed sends (reset by a manual retry)
    claims: { type: Number, default: 0 }, // claims ever made; never reset: part of the send key
    sendKey: { type: String }, // `<notice id>:<claim>` of the current claim (see NoticeSend)
    puppetId: { type: String }, // the puppet's id of the sent message, when reported
    confirmedBy: { type: String }, // 'messenger' or 'mirror' (an interrupted send found delivered)
    notBefore: { type: Date, required: true }, // quiet hours, holidays and backoff move it later
    owner: { type: String }, // the worker that claimed it
    sendingSince: { type: Date },
    lastError: { type: String }, // why it failed or was cancelled
    sentAt: { type: Date },
    createdAt: { type: Date, required: true },
    // A reply typed in the web console: what the manager wrote, in their language, and who.
    original: { type: new Schema({ text: String, lang: String }, { _id: false }) },
    // A file to send instead of the text (a report; shared/reports ReportFile); text = its caption.
    fileId: { type: Schema.Types.ObjectId },
    by: { type: Schema.Types.ObjectId },
  },
  { versionKey: false },
);
// Serves: exactly one notice per event and day (upsert by key).
noticeSchema.index({ key: 1 }, { unique: true });
// Serves: the delivery worker (`find({status:'queued'})`), the stale-claim sweep
// (`find({status:'sending'})`) and the failed list (`find({status:'failed'})`).
noticeSchema.index({ status: 1, notBefore: 1 });
// Serves: superseding / cancelling an order's queued reminders (`find({orderId, status})`).
noticeSchema.index({ orderId: 1, status: 1 }, { sparse: true });
// Serves: a chat's outbox in the console's thread view (`find({to}).sort({createdAt:-1})`).
noticeSchema.index({ to: 1, createdAt: -1 });

export interface NoticeDoc {
  _id: Types.ObjectId;
  key: string;
  kind: NoticeKind;
  to: string;
  recipient: { kind: 'supplier' | 'manager'; id?: string; timezone?: string };
  text: string;
  orderId?: Types.ObjectId;
  topic?: string;
  status: NoticeStatus;
  attempts: number;
  claims: number;
  sendKey?: string;
  puppetId?: string;
  confirmedBy?: 'messenger' | 'mirror';
  notBefore: Date;
  owner?: string;
  sendingSince?: Date;
  lastError?: string;
  sentAt?: Date;
  createdAt: Date;
  original?: { text: string; lang: string };
  by?: Types.ObjectId;
  fileId?: Types.ObjectId;
}

export const Notice = mongoose.model('Notice', noticeSchema);

// Files sent through the outbox (weekly reports): stored here so any bot process can deliver
// them; removed with their notices.
const noticeFileSchema = new Schema({ name: { type: String, required: true }, data: { type: Buffer, required: true }, createdAt: { type: Date, required: true } }, { versionKey: false });
export const NoticeFile = mongoose.model('NoticeFile', noticeFileSchema);

// One document per send attempt, inserted BEFORE the messenger is called. The unique insert is
// the real once-only guarantee: it is exact on MongoDB and on the embedded engine even without
// its one-request front (docs/database.md: guarded updates gave 303 wins for 300 there, unique
// inserts 300 of 300). Two workers that both believe they claimed a notice cannot both send.
// Also the account's send log: a restarted worker reads the last minute from it (pacing).
const noticeSendSchema = new Schema(
  {
    sendKey: { type: String, required: true }, // `<notice id>:<claim>`
    noticeId: { type: Schema.Types.ObjectId, required: true },
    to: { type: String, required: true },
    owner: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves: the once-only claim of a send (unique insert).
noticeSendSchema.index({ sendKey: 1 }, { unique: true });
// Serves: the account's sends of the last minute at worker start (`find({at:{$gte}})`) and pruning.
noticeSendSchema.index({ at: 1 });
export interface NoticeSendDoc {
  _id: Types.ObjectId;
  sendKey: string;
  noticeId: Types.ObjectId;
  to: string;
  owner: string;
  at: Date;
}
export const NoticeSend = mongoose.model('NoticeSend', noticeSendSchema);

// Small state of the scans (last day scanned, last customs event seen), one document each.
const scanStateSchema = new Schema({ _id: { type: String }, day: String, at: Date }, { versionKey: false });
export const ScanState = mongoose.model('ScanState', scanStateSchema);

// Orders found overdue and not yet updated: the daily reminders read this small set instead of
// all open orders, so their cost follows the overdue count.
const overdueWatchSchema = new Schema(
  {
    orderId: { type: Schema.Types.ObjectId, required: true },
    milestone: { type: String, required: true }, // the earliest overdue milestone (diagnostics)
    milestones: { type: [String], default: undefined }, // every overdue milestone at the last reminder
    since: { type: String, required: true }, // planned day
    notified: { type: String }, // the day its reminders were last enqueued (reruns skip the upserts)
  },
  { versionKey: false },
);
// Serves: one watch per order (upsert by orderId).
overdueWatchSchema.index({ orderId: 1 }, { unique: true });
export const OverdueWatch = mongoose.model('OverdueWatch', overdueWatchSchema);
