// Friend requests (issue #20): suppliers add the company's WeChat account. Each request is
// listed with its greeting and the person's details; a manager accepts or declines it (console
// or `/accept <n>`), or every request is accepted at once when FRIEND_AUTO_ACCEPT is on.
// Accepting is WeChat's to do, so a decision is recorded here ('accepting') and the bot process
// carries it out (takeAcceptances → accepted / failed). One decision per request: a guarded
// update on 'pending', so of two managers deciding at once one wins and the other is told.
import mongoose, { Schema, Types } from 'mongoose';
import { ConflictError, isDuplicateKey, NotFoundError, ValidationError } from '../errors/index.js';

export const FRIEND_REQUEST_STATUSES = ['pending', 'accepting', 'accepted', 'declined', 'failed'] as const;
export type FriendRequestStatus = (typeof FRIEND_REQUEST_STATUSES)[number];

const friendRequestSchema = new Schema(
  {
    requestId: { type: String, required: true }, // the puppet's friendship id
    wechatId: { type: String, required: true },
    name: { type: String, required: true },
    hello: { type: String, default: '' },
    status: { type: String, enum: FRIEND_REQUEST_STATUSES, default: 'pending' },
    createdAt: { type: Date, required: true },
    decidedBy: { type: String },
    decidedAt: { type: Date },
    error: { type: String },
  },
  { versionKey: false },
);
// Serves: one record per request however often WeChat delivers it (upsert by requestId).
friendRequestSchema.index({ requestId: 1 }, { unique: true });
// Serves: the pending list (`find({status:'pending'})`) and the bot's accept queue ('accepting').
friendRequestSchema.index({ status: 1, createdAt: 1 });
export const FriendRequest = mongoose.model('FriendRequest', friendRequestSchema);

export interface FriendRequestDoc {
  _id: Types.ObjectId;
  requestId: string;
  wechatId: string;
  name: string;
  hello: string;
  status: FriendRequestStatus;
  createdAt: Date;
  decidedBy?: string;
  decidedAt?: Date;
  error?: string;
}

/** A request as WeChat delivered it; stored once. Returns the record (new or the earlier one). */
export async function recordFriendRequest(r: { requestId: string; wechatId: string; name: string; hello?: string }, now: Date): Promise<FriendRequestDoc> {
  try {
    await FriendRequest.updateOne(
      { requestId: r.requestId },
      { $setOnInsert: { requestId: r.requestId, wechatId: r.wechatId, name: r.name || r.wechatId, hello: r.hello ?? '', status: 'pending', createdAt: now } },
      { upsert: true },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  return (await FriendRequest.findOne({ requestId: r.requestId }).lean<FriendRequestDoc>())!;
}

/** Pending requests, oldest first: `/accept 1` is the first of this list. */
export async function listFriendRequests(status: FriendRequestStatus = 'pending'): Promise<FriendRequestDoc[]> {
  return FriendRequest.find({ status }).sort({ createdAt: 1 }).limit(200).lean<FriendRequestDoc[]>();
}

/**
 * Accept or decline a pending request, by its id or its number in the pending list (1-based).
 * ConflictError when it was decided already (saying by whom and how).
 */
export async function decideFriendRequest(ref: string | number, accept: boolean, by: string, now: Date): Promise<FriendRequestDoc> {
  let doc: FriendRequestDoc | null = null;
  if (typeof ref === 'number' || /^\d{1,3}$/.test(ref)) {
    const n = Number(ref);
    const pending = await listFriendRequests('pending');
    if (!Number.isInteger(n) || n < 1) throw new ValidationError('a request number starts at 1');
    doc = pending[n - 1] ?? null;
    if (!doc) throw new NotFoundError(`no pending friend request number ${n} (${pending.length} pending)`);
  } else if (Types.ObjectId.isValid(ref)) {
    doc = await FriendRequest.findOne({ _id: ref }).lean<FriendRequestDoc>();
  }
  if (!doc) throw new NotFoundError('no such friend request');
  const r = await FriendRequest.updateOne({ _id: doc._id, status: 'pending' }, { $set: { status: accept ? 'accepting' : 'declined', decidedBy: by, decidedAt: now } });
  const after = (await FriendRequest.findOne({ _id: doc._id }).lean<FriendRequestDoc>())!;
  if (r.modifiedCount !== 1)
    throw new ConflictError(`the request of ${doc.name} was ${after.status === 'declined' ? 'declined' : 'accepted'} already${after.decidedBy ? ` by ${after.decidedBy}` : ''}`);
  return after;
}

/** For the bot: requests decided 'accept' and not yet carried out. */
export async function takeAcceptances(): Promise<FriendRequestDoc[]> {
  return FriendRequest.find({ status: 'accepting' }).sort({ createdAt: 1 }).limit(20).lean<FriendRequestDoc[]>();
}

export async function markAccepted(id: Types.ObjectId, ok: boolean, error?: string): Promise<void> {
  await FriendRequest.updateOne({ _id: id, status: 'accepting' }, { $set: ok ? { status: 'accepted' } : { status: 'failed', error: (error ?? '').slice(0, 300) } });
}
