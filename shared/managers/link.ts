// Linking a manager's own WeChat to their Gendan account. The console issues a one-time code;
// the manager sends `/link 482913` to the bot from their WeChat, which proves they hold that
// WeChat. Codes are six digits, live ten minutes, are consumed once (a guarded update: of two
// concurrent redeemers exactly one wins) and attempts are counted per WeChat id, so the
// million codes cannot be walked. Deactivation lives here too: it ends what linking started.
import { randomInt } from 'node:crypto';
import mongoose, { Schema, Types } from 'mongoose';
import { clearAuthCaches } from '../auth/index.js';
import { AppError, ConflictError, ForbiddenError, isDuplicateKey, msg, NotFoundError, RateLimitedError, ValidationError, type FieldIssue } from '../errors/index.js';
import { updateManyInBatches } from '../db/batches.js';
import { getLogger } from '../log/index.js';
import { dmKey } from '../messenger.js';
import { Notice } from '../notices/model.js';
import { Supplier } from '../suppliers/model.js';
import { invalidateMirrorCaches } from '../threads/generation.js';
import { Contact, Message, Thread } from '../threads/model.js';
import { ConsoleSession } from './accounts.js';
import { Manager, managerLang, type ManagerDoc, type ManagerLang } from './model.js';

const log = getLogger('managers.link');

export const LINK_CODE_TTL_MS = 10 * 60_000;
/** Redeem attempts per WeChat id per hour (right or wrong). */
export const LINK_ATTEMPTS_PER_HOUR = 5;

const linkCodeSchema = new Schema(
  {
    code: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    usedBy: { type: String }, // the WeChat id that redeemed it
  },
  { versionKey: false },
);
// Serves: redeeming (`updateOne({code, usedAt: null})`); one live document per code.
linkCodeSchema.index({ code: 1 }, { unique: true });
// Serves: a new code replaces the manager's unused one (`deleteMany({managerId, usedAt: null})`).
linkCodeSchema.index({ managerId: 1 });
export const LinkCode = mongoose.model('LinkCode', linkCodeSchema);

const linkAttemptSchema = new Schema({ key: { type: String, required: true }, n: { type: Number, default: 0 }, at: { type: Date } }, { versionKey: false });
// Serves: counting `/link` attempts per WeChat id per hour (`$inc` upsert by key).
linkAttemptSchema.index({ key: 1 }, { unique: true });
export const LinkAttempt = mongoose.model('LinkAttempt', linkAttemptSchema);

/** Why a link was refused: the bot words each reason in the reader's language. */
export type LinkRefusal = 'format' | 'unknown_code' | 'expired' | 'used' | 'wechat_taken' | 'supplier_contact' | 'inactive' | 'rate_limited';
/** What a refused link says besides its message: the reason (and the supplier, for `supplier_contact`). */
export interface LinkRefused {
  reason: LinkRefusal;
  supplierCode?: string;
}
const refusals = new WeakMap<AppError, LinkRefused>();
/** The field a refusal is about, for the error's `details` (always `[{ field, message }]`). */
const REFUSAL_FIELD: Record<LinkRefusal, string> = {
  format: 'code',
  unknown_code: 'code',
  expired: 'code',
  used: 'code',
  wechat_taken: 'wechatId',
  supplier_contact: 'wechatId',
  inactive: 'managerId',
  rate_limited: 'wechatId',
};
/** The error, remembered as a link refusal for `linkRefusalOf`; details name the field. */
function refused<E extends AppError>(Err: new (message: string, details?: FieldIssue[]) => E, message: string, reason: LinkRefusal, supplierCode?: string): E {
  const err = new Err(message, [{ field: REFUSAL_FIELD[reason], message }]);
  refusals.set(err, { reason, ...(supplierCode ? { supplierCode } : {}) });
  return err;
}
/** Why `/link` was refused, when the error is a refusal (the bot words it in the reader's language). */
export const linkRefusalOf = (err: unknown): LinkRefused | undefined => (err instanceof AppError ? refusals.get(err) : undefined);

export interface IssuedLinkCode {
  code: string;
  expiresAt: Date;
}

/**
 * A fresh six-digit code for this manager; their earlier unused code stops working. A code
 * still live for someone else is never handed out twice (unique index; a used or expired
 * document holding the digits is cleared first).
 */
export async function issueLinkCode(managerId: string, now: Date): Promise<IssuedLinkCode> {
  if (!Types.ObjectId.isValid(managerId)) throw new NotFoundError(msg('noSuchManager'));
  const m = await Manager.findOne({ _id: managerId }, { active: 1 }).lean<{ active?: boolean }>();
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  if (m.active === false) throw refused(ForbiddenError, 'this manager is deactivated', 'inactive');
  await LinkCode.deleteMany({ managerId: new Types.ObjectId(managerId), usedAt: null });
  const expiresAt = new Date(now.getTime() + LINK_CODE_TTL_MS);
  for (let i = 0; i < 8; i++) {
    const code = String(randomInt(1_000_000)).padStart(6, '0');
    const stale = await LinkCode.findOne({ code }, { usedAt: 1, expiresAt: 1 }).lean<{ _id: Types.ObjectId; usedAt?: Date; expiresAt: Date }>();
    if (stale && (stale.usedAt || stale.expiresAt <= now)) await LinkCode.deleteOne({ _id: stale._id, expiresAt: stale.expiresAt });
    else if (stale) continue;
    try {
      await LinkCode.create({ code, managerId: new Types.ObjectId(managerId), createdAt: now, expiresAt });
      return { code, expiresAt };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ConflictError('could not issue a link code; try again');
}

export interface LinkedWechat {
  managerId: string;
  name: string;
  language: ManagerLang;
  wechatId: string;
  wechatName: string;
}

/**
 * Redeem a code sent from WeChat id `wechatId`: that WeChat becomes the code's manager's.
 * Refused (and nothing changes, the code stays usable) when the WeChat id belongs to another
 * manager or to a supplier's contact; an unknown, expired or used code is refused too.
 * A refusal's reason (LinkRefusal) is `linkRefusalOf(err)`.
 */
export async function redeemLinkCode(wechatId: string, wechatName: string, rawCode: string, now: Date): Promise<LinkedWechat> {
  if (!wechatId) throw refused(ValidationError, 'no WeChat id', 'format');
  const hour = now.toISOString().slice(0, 13);
  const attempts = await LinkAttempt.findOneAndUpdate({ key: `${wechatId}:${hour}` }, { $inc: { n: 1 }, $setOnInsert: { at: now } }, { upsert: true, returnDocument: 'after' }).lean<{ n: number }>();
  if (attempts!.n > LINK_ATTEMPTS_PER_HOUR) throw new RateLimitedError('too many /link attempts; try again in an hour', 3600_000);
  const code = rawCode.trim().replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(code)) throw refused(ValidationError, 'a link code has six digits', 'format');

  const doc = await LinkCode.findOne({ code }).lean<{ _id: Types.ObjectId; managerId: Types.ObjectId; expiresAt: Date; usedAt?: Date; usedBy?: string }>();
  if (!doc) throw refused(ValidationError, 'unknown link code: take a new one in the console (My WeChat)', 'unknown_code');
  if (doc.usedAt) throw refused(ConflictError, 'this link code was used already: take a new one in the console', 'used');
  if (doc.expiresAt <= now) throw refused(ValidationError, 'this link code has expired (codes live 10 minutes): take a new one in the console', 'expired');
  const m = await Manager.findOne({ _id: doc.managerId }).lean<ManagerDoc>();
  if (!m || m.active === false) throw refused(ForbiddenError, 'this manager is deactivated', 'inactive');

  const holder = await Manager.findOne({ wechatId }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }>();
  if (holder && String(holder._id) !== String(m._id)) {
    throw refused(ConflictError, `this WeChat is linked to another manager (${holder.name}) already: unlink it there first`, 'wechat_taken');
  }
  await assertNotSupplierSide(wechatId);

  // The atomic part: of concurrent redeemers of this code exactly one gets it.
  const claim = await LinkCode.updateOne({ _id: doc._id, usedAt: null }, { $set: { usedAt: now, usedBy: wechatId } });
  if (claim.modifiedCount !== 1) throw refused(ConflictError, 'this link code was used already: take a new one in the console', 'used');
  try {
    await Manager.updateOne({ _id: m._id }, { $set: { wechatId, wechatName: wechatName || wechatId, wechatLinkedAt: now } });
  } catch (err) {
    // The same WeChat linked to another manager a moment ago: give the code back.
    await LinkCode.updateOne({ _id: doc._id, usedBy: wechatId }, { $unset: { usedAt: 1, usedBy: 1 } });
    if (isDuplicateKey(err)) throw refused(ConflictError, 'this WeChat is linked to another manager already', 'wechat_taken');
    throw err;
  }
  if (m.wechatId && m.wechatId !== wechatId) await cancelManagerNotices(m.wechatId, 'the manager linked another WeChat');
  await becomeColleague(wechatId, String(m._id), now);
  log.info({ managerId: String(m._id) }, 'manager WeChat linked');
  return { managerId: String(m._id), name: m.name, language: managerLang(m.language), wechatId, wechatName: wechatName || wechatId };
}

/** A code shown where others saw it (typed in a group): nobody may use it any more. */
export async function voidLinkCode(rawCode: string, now: Date): Promise<void> {
  const code = rawCode.trim().replace(/[\s-]/g, '');
  if (/^\d{6}$/.test(code)) await LinkCode.updateOne({ code, usedAt: null }, { $set: { usedAt: now, usedBy: 'void: typed in a group' } });
}

/** A WeChat id on a supplier's record, or of a contact sorted under a supplier, is not a manager's. */
export async function assertNotSupplierSide(wechatId: string): Promise<void> {
  const c = await Contact.findOne({ wechatId }, { supplierId: 1, name: 1, status: 1 }).lean<{ supplierId?: Types.ObjectId; name: string; status?: string }>();
  const supplierId = c?.status === 'colleague' ? undefined : (c?.supplierId ?? (await Supplier.findOne({ wechatIds: wechatId }, { _id: 1 }).lean<{ _id: Types.ObjectId }>())?._id);
  if (!supplierId) return;
  const s = await Supplier.findOne({ _id: supplierId }, { code: 1 }).lean<{ code: string }>();
  throw refused(ConflictError, `this WeChat belongs to a contact of supplier ${s?.code ?? '?'}: a supplier's WeChat cannot be a manager's`, 'supplier_contact', s?.code);
}

/**
 * The WeChat id is a colleague's: a contact the mirror made of it (they wrote before being
 * linked, e.g. the `/link` itself) leaves the unsorted list, and their private chat with the
 * bot is the manager's chat, not a supplier's.
 */
export async function becomeColleague(wechatId: string, managerId: string, now: Date): Promise<void> {
  await Contact.updateOne({ wechatId, supplierId: null }, { $set: { status: 'colleague', sortedAs: 'colleague', managerId: new Types.ObjectId(managerId), sortedAt: now } });
  const dm = await Thread.findOneAndUpdate({ key: dmKey(wechatId), supplierId: null }, { $set: { status: 'colleague' } }, { returnDocument: 'after' }).lean<{ _id: Types.ObjectId }>();
  if (dm) await updateManyInBatches(Message, { threadId: dm._id, senderWechatId: wechatId, direction: 'in' }, { $set: { senderKind: 'manager' } });
  invalidateMirrorCaches();
}

/** Queued notices to a manager's WeChat are not sent (unlinked, relinked or deactivated). */
async function cancelManagerNotices(wechatId: string, reason: string): Promise<number> {
  const r = await Notice.updateMany({ to: dmKey(wechatId), status: 'queued', 'recipient.kind': 'manager' }, { $set: { status: 'cancelled', lastError: reason } });
  return r.modifiedCount;
}

/** The manager's WeChat is no longer theirs: no notices to it, its commands are refused. */
export async function unlinkWechat(managerId: string): Promise<void> {
  if (!Types.ObjectId.isValid(managerId)) throw new NotFoundError(msg('noSuchManager'));
  const m = await Manager.findOneAndUpdate({ _id: managerId }, { $unset: { wechatId: 1, wechatName: 1, wechatLinkedAt: 1 } }).lean<ManagerDoc>();
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  if (m.wechatId) {
    await cancelManagerNotices(m.wechatId, 'the manager unlinked this WeChat');
    invalidateMirrorCaches();
  }
}

/**
 * Deactivate a manager: console sessions end at once, queued notices to them are cancelled,
 * new ones are not addressed to them (every recipient lookup filters `active`), and their
 * WeChat commands are refused. The WeChat link is kept, so what they write in a supplier room
 * still reads as ours, not as a new contact.
 */
export async function deactivateManager(managerId: string, now: Date): Promise<void> {
  if (!Types.ObjectId.isValid(managerId)) throw new NotFoundError(msg('noSuchManager'));
  const m = await Manager.findOneAndUpdate({ _id: managerId }, { $set: { active: false, deactivatedAt: now } }).lean<ManagerDoc>();
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  await ConsoleSession.deleteMany({ managerId: m._id });
  await LinkCode.deleteMany({ managerId: m._id, usedAt: null });
  if (m.wechatId) await cancelManagerNotices(m.wechatId, 'the manager was deactivated');
  clearAuthCaches();
  log.info({ managerId }, 'manager deactivated');
}

export async function reactivateManager(managerId: string): Promise<void> {
  if (!Types.ObjectId.isValid(managerId)) throw new NotFoundError(msg('noSuchManager'));
  const r = await Manager.updateOne({ _id: managerId }, { $set: { active: true }, $unset: { deactivatedAt: 1 } });
  if (r.matchedCount !== 1) throw new NotFoundError(msg('noSuchManager'));
}

/** The link state shown on "My WeChat". */
export async function wechatLinkOf(managerId: string): Promise<{ linked: boolean; wechatName?: string; linkedAt?: Date }> {
  const m = Types.ObjectId.isValid(managerId) ? await Manager.findOne({ _id: managerId }, { wechatId: 1, wechatName: 1, wechatLinkedAt: 1 }).lean<ManagerDoc>() : null;
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  return m.wechatId ? { linked: true, wechatName: m.wechatName ?? m.wechatId, linkedAt: m.wechatLinkedAt ?? undefined } : { linked: false };
}

/** Housekeeping for the nightly job (no TTL indexes): old codes and attempt counters. */
export async function pruneLinkRecords(now: Date): Promise<{ codes: number; attempts: number }> {
  const codes = await LinkCode.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 86_400_000) } });
  const attempts = await LinkAttempt.deleteMany({ at: { $lt: new Date(now.getTime() - 2 * 3600_000) } });
  return { codes: codes.deletedCount ?? 0, attempts: attempts.deletedCount ?? 0 };
}
