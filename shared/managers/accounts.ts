// Web console accounts: passwords (argon2id via @node-rs/argon2), lockout after repeated
// failures, and server-side sessions behind an httpOnly cookie. The cookie holds a random
// token; only its SHA-256 is stored, so a database dump does not hand out live sessions.
// Each session carries its own CSRF token, sent back by the console in a header.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import mongoose, { Schema, Types } from 'mongoose';
import { ConflictError, isDuplicateKey, issue, msg, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { seesAllSuppliers } from '../access/index.js';
import { Manager, type ManagerDoc, type ManagerLang } from './model.js';

const log = getLogger('accounts');

/** Failed sign-ins in a row that lock an account, and for how long. */
export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_MS = 12 * 3600_000;
export const MIN_PASSWORD = 10;

const sessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    managerId: { type: Schema.Types.ObjectId, required: true },
    csrf: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Serves: the session of every console request (`findOne({tokenHash})`).
sessionSchema.index({ tokenHash: 1 }, { unique: true });
// Serves: signing a manager out everywhere (`deleteMany({managerId})`).
sessionSchema.index({ managerId: 1 });
export const ConsoleSession = mongoose.model('ConsoleSession', sessionSchema);

export type ConsoleRole = 'admin' | 'head' | 'manager';
export interface ConsoleUser {
  id: string;
  name: string;
  login: string;
  role: ConsoleRole;
  language: ManagerLang;
  /** Shown, marked, while a translation into `language` waits for its provider. */
  secondLanguage: ManagerLang | null;
  timezone: string;
  seesAll: boolean;
}

export const toConsoleUser = (m: ManagerDoc): ConsoleUser => ({
  id: String(m._id),
  name: m.name,
  login: m.login ?? '',
  role: m.role === 'admin' || m.role === 'head' ? m.role : 'manager',
  language: (m.language ?? 'en') as ManagerLang,
  secondLanguage: (m.secondLanguage as ManagerLang | undefined) ?? null,
  timezone: m.timezone ?? 'UTC',
  // Admins and the head of purchasing see every supplier (shared/access).
  seesAll: seesAllSuppliers(m),
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const normaliseLogin = (s: string) => s.trim().toLowerCase();

// Verified against when the login does not exist, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD) throw new ValidationError(msg('passwordTooShort', { n: MIN_PASSWORD }), [issue('password', 'field.minChars', { n: MIN_PASSWORD })]);
  return hash(password);
}

export interface NewAccount {
  login: string;
  name: string;
  password: string;
  role?: ConsoleRole;
  language?: ManagerLang;
  timezone?: string;
  seesAll?: boolean;
  /** Give a console login to a manager who already exists (e.g. known by WeChat id). */
  managerId?: string;
}

/** Create a console account (an admin does this). A taken login is a conflict. */
export async function createAccount(a: NewAccount): Promise<ConsoleUser> {
  const login = normaliseLogin(a.login);
  const passwordHash = await hashPassword(a.password);
  const fields = { login, name: a.name, passwordHash, role: a.role ?? 'manager', language: a.language ?? 'en', seesAll: a.seesAll ?? false, ...(a.timezone ? { timezone: a.timezone } : {}) };
  try {
    if (a.managerId) {
      const m = await Manager.findOneAndUpdate({ _id: a.managerId, login: null }, { $set: fields }, { returnDocument: 'after' }).lean<ManagerDoc>();
      if (!m) throw new ConflictError(msg('noManagerOrHasLogin'));
      return toConsoleUser(m);
    }
    const m = await Manager.create(fields);
    return toConsoleUser(m.toObject() as ManagerDoc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(msg('loginTaken', { login }));
    throw err;
  }
}

/** Create the first admin from configuration, unless that login exists. Returns true when created. */
export async function ensureAdmin(login: string, password: string): Promise<boolean> {
  try {
    await createAccount({ login, name: login, password, role: 'admin' });
    log.info({ login: normaliseLogin(login) }, 'console admin created');
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}

export async function setPassword(managerId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const r = await Manager.updateOne({ _id: managerId }, { $set: { passwordHash, failedLogins: 0 }, $unset: { lockedUntil: 1 } });
  if (r.matchedCount !== 1) throw new NotFoundError(msg('noSuchManager'));
  await ConsoleSession.deleteMany({ managerId: new Types.ObjectId(managerId) });
}

export interface SignedIn {
  token: string;
  csrf: string;
  user: ConsoleUser;
  expiresAt: Date;
}

const WRONG = msg('wrongLogin');

/**
 * Check a password and open a session. Five failures in a row lock the account for 15 minutes
 * (counted atomically, so parallel guesses cannot slip past); a locked account is refused
 * before the password is even checked. The same message for an unknown login and a wrong
 * password.
 */
export async function signIn(loginIn: string, password: string, now = new Date()): Promise<SignedIn> {
  const login = normaliseLogin(loginIn);
  const m = await Manager.findOne({ login }).lean<ManagerDoc>();
  if (!m || !m.passwordHash || m.active === false) {
    dummyHash ??= hash('not a real password, only for timing');
    await verify(await dummyHash, password).catch(() => false);
    throw new UnauthorizedError(WRONG);
  }
  if (m.lockedUntil && m.lockedUntil > now) {
    throw new RateLimitedError(msg('signInLocked', { until: m.lockedUntil.toISOString() }), m.lockedUntil.getTime() - now.getTime());
  }
  const ok = await verify(m.passwordHash, password).catch(() => false);
  if (!ok) {
    const after = await Manager.findOneAndUpdate({ _id: m._id }, { $inc: { failedLogins: 1 } }, { returnDocument: 'after' }).lean<{ failedLogins: number }>();
    if ((after?.failedLogins ?? 0) >= MAX_FAILED_LOGINS) {
      await Manager.updateOne({ _id: m._id }, { $set: { lockedUntil: new Date(now.getTime() + LOCKOUT_MS), failedLogins: 0 } });
      log.warn({ login }, 'console account locked after repeated failed sign-ins');
    }
    throw new UnauthorizedError(WRONG);
  }
  if (m.failedLogins || m.lockedUntil) await Manager.updateOne({ _id: m._id }, { $set: { failedLogins: 0 }, $unset: { lockedUntil: 1 } });
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  await ConsoleSession.create({ tokenHash: sha256(token), managerId: m._id, csrf, createdAt: now, expiresAt });
  return { token, csrf, user: toConsoleUser(m), expiresAt };
}

export interface ActiveSession {
  user: ConsoleUser;
  csrf: string;
}

/** The session of a cookie token, sliding its expiry (at most once a minute); undefined when none. */
export async function sessionOf(token: string, now = new Date()): Promise<ActiveSession | undefined> {
  if (!/^[\w-]{20,100}$/.test(token)) return undefined;
  const s = await ConsoleSession.findOne({ tokenHash: sha256(token) }).lean();
  if (!s || s.expiresAt <= now) return undefined;
  const m = await Manager.findOne({ _id: s.managerId }).lean<ManagerDoc>();
  if (!m || m.active === false || !m.login) return undefined;
  const next = now.getTime() + SESSION_IDLE_MS;
  if (next - s.expiresAt.getTime() > 60_000) await ConsoleSession.updateOne({ _id: s._id }, { $set: { expiresAt: new Date(next) } });
  return { user: toConsoleUser(m), csrf: s.csrf };
}

export async function signOut(token: string): Promise<void> {
  await ConsoleSession.deleteOne({ tokenHash: sha256(token) });
}

/** Remove expired sessions (no TTL indexes: the nightly upkeep calls this). */
export async function pruneSessions(now: Date): Promise<number> {
  return (await ConsoleSession.deleteMany({ expiresAt: { $lt: now } })).deletedCount ?? 0;
}

export async function listAccounts(): Promise<ConsoleUser[]> {
  const ms = await Manager.find({}).sort({ name: 1 }).lean<ManagerDoc[]>();
  return ms.filter((m) => m.login).map(toConsoleUser);
}

/** Every account, active or not, with what the managers page shows. */
export async function listAccountDetails(): Promise<(ConsoleUser & { active: boolean; wechatName: string | null; workingHours: { from: string; to: string } | null })[]> {
  const ms = await Manager.find({ login: { $exists: true } })
    .sort({ name: 1 })
    .lean<ManagerDoc[]>();
  return ms
    .filter((m) => m.login)
    .map((m) => ({
      ...toConsoleUser(m),
      active: m.active !== false,
      wechatName: m.wechatId ? (m.wechatName ?? m.wechatId) : null,
      workingHours: m.workingHours?.from && m.workingHours?.to ? { from: m.workingHours.from, to: m.workingHours.to } : null,
    }));
}

export interface AccountPatch {
  name?: string;
  role?: ConsoleRole;
  language?: ManagerLang;
  secondLanguage?: ManagerLang | null;
  timezone?: string;
  workingHours?: { from: string; to: string } | null;
  seesAll?: boolean;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** An admin edits an account: name, role, language, time zone, working hours, "sees all". */
export async function updateAccount(managerId: string, patch: AccountPatch): Promise<ConsoleUser> {
  if (!Types.ObjectId.isValid(managerId)) throw new NotFoundError(msg('noSuchManager'));
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  if (patch.name !== undefined) {
    if (!patch.name.trim()) throw new ValidationError(msg('nameRequired'), [issue('name', 'field.required')]);
    $set.name = patch.name.trim();
  }
  if (patch.role !== undefined) $set.role = patch.role;
  if (patch.language !== undefined) $set.language = patch.language;
  if (patch.secondLanguage === null) $unset.secondLanguage = 1;
  else if (patch.secondLanguage !== undefined) $set.secondLanguage = patch.secondLanguage;
  if (patch.seesAll !== undefined) $set.seesAll = patch.seesAll;
  if (patch.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: patch.timezone });
    } catch {
      throw new ValidationError(msg('badTimezone'), [issue('timezone', 'field.timezone')]);
    }
    $set.timezone = patch.timezone;
  }
  if (patch.workingHours === null) $unset.workingHours = 1;
  else if (patch.workingHours !== undefined) {
    const { from, to } = patch.workingHours;
    if (!HHMM.test(from) || !HHMM.test(to) || from >= to) throw new ValidationError(msg('badWorkingHours'), [issue('workingHours', 'field.workingHours')]);
    $set.workingHours = { from, to };
  }
  const m = await Manager.findOneAndUpdate(
    { _id: managerId, login: { $exists: true } },
    { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) },
    { returnDocument: 'after' },
  ).lean<ManagerDoc>();
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  return toConsoleUser(m);
}

/** A user changes their own password: the old one must be right; every other session ends. */
export async function changeOwnPassword(managerId: string, oldPassword: string, newPassword: string, keepSessionToken?: string): Promise<void> {
  const m = Types.ObjectId.isValid(managerId) ? await Manager.findOne({ _id: managerId }).lean<ManagerDoc>() : null;
  if (!m) throw new NotFoundError(msg('noSuchManager'));
  if (!m.passwordHash) throw new ConflictError(msg('noConsolePassword'));
  const ok = await verify(m.passwordHash, oldPassword).catch(() => false);
  if (!ok) throw new ValidationError(msg('wrongCurrentPassword'), [issue('oldPassword', 'field.wrongPassword')]);
  if (oldPassword === newPassword) throw new ValidationError(msg('samePassword'), [issue('newPassword', 'field.samePassword')]);
  const passwordHash = await hashPassword(newPassword);
  await Manager.updateOne({ _id: m._id }, { $set: { passwordHash, failedLogins: 0 }, $unset: { lockedUntil: 1 } });
  await ConsoleSession.deleteMany({ managerId: m._id, ...(keepSessionToken ? { tokenHash: { $ne: sha256(keepSessionToken) } } : {}) });
}

export interface SessionInfo {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** A user's own live sessions, newest first; `current` marks the one asking. */
export async function listOwnSessions(managerId: string, currentToken: string | undefined, now: Date): Promise<SessionInfo[]> {
  const current = currentToken ? sha256(currentToken) : undefined;
  const ss = await ConsoleSession.find({ managerId: new Types.ObjectId(managerId) })
    .sort({ createdAt: -1 })
    .lean();
  return ss.filter((s) => s.expiresAt > now).map((s) => ({ id: String(s._id), createdAt: s.createdAt, expiresAt: s.expiresAt, current: s.tokenHash === current }));
}

/** End one of a user's own sessions (another's is "not found"). */
export async function endOwnSession(managerId: string, sessionId: string): Promise<void> {
  const r = Types.ObjectId.isValid(sessionId) ? await ConsoleSession.deleteOne({ _id: new Types.ObjectId(sessionId), managerId: new Types.ObjectId(managerId) }) : { deletedCount: 0 };
  if (r.deletedCount !== 1) throw new NotFoundError(msg('noSuchSession'));
}

/** Active managers for pickers (responsible, backup, colleague). */
export async function listActiveManagers(): Promise<{ id: string; name: string; role: string }[]> {
  const ms = await Manager.find({ active: { $ne: false } }, { name: 1, role: 1 })
    .sort({ name: 1 })
    .lean<ManagerDoc[]>();
  return ms.map((m) => ({ id: String(m._id), name: m.name, role: m.role ?? 'manager' }));
}
