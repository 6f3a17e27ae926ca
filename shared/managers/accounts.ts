// Web console accounts: passwords (argon2id via @node-rs/argon2), lockout after repeated
// failures, and server-side sessions behind an httpOnly cookie. The cookie holds a random
// token; only its SHA-256 is stored, so a database dump does not hand out live sessions.
// Each session carries its own CSRF token, sent back by the console in a header.
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import mongoose, { Schema, Types } from 'mongoose';
import { ConflictError, isDuplicateKey, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors/index.js';
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
  timezone: string;
  seesAll: boolean;
}

export const toConsoleUser = (m: ManagerDoc): ConsoleUser => ({
  id: String(m._id),
  name: m.name,
  login: m.login ?? '',
  role: m.role === 'admin' || m.role === 'head' ? m.role : 'manager',
  language: (m.language ?? 'en') as ManagerLang,
  timezone: m.timezone ?? 'UTC',
  // Admins and the head of purchasing see every supplier (shared/access).
  seesAll: seesAllSuppliers(m),
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
export const normaliseLogin = (s: string) => s.trim().toLowerCase();

// Verified against when the login does not exist, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD) throw new ValidationError(`the password needs at least ${MIN_PASSWORD} characters`, [{ field: 'password', message: `at least ${MIN_PASSWORD} characters` }]);
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
      if (!m) throw new ConflictError('no such manager, or it has a login already');
      return toConsoleUser(m);
    }
    const m = await Manager.create(fields);
    return toConsoleUser(m.toObject() as ManagerDoc);
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(`the login ${login} is taken`);
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
  if (r.matchedCount !== 1) throw new NotFoundError('no such manager');
  await ConsoleSession.deleteMany({ managerId: new Types.ObjectId(managerId) });
}

export interface SignedIn {
  token: string;
  csrf: string;
  user: ConsoleUser;
  expiresAt: Date;
}

const WRONG = 'wrong login or password';

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
    throw new RateLimitedError(`too many failed sign-ins: locked until ${m.lockedUntil.toISOString()}`, m.lockedUntil.getTime() - now.getTime());
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
