// Authentication: mini-program login (wx.login code → jscode2session → our own signed token),
// one-time binding codes that tie a supplier's openid to a contact, and manager tokens.
// `session_key` never leaves this module: not in a token, a response or a log line.
import { randomBytes, randomInt } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import mongoose, { Schema, Types } from 'mongoose';
import { createCache } from '../cache/index.js';
import type { Config } from '../config/index.js';
import { ConflictError, isDuplicateKey, msg, NotFoundError, RateLimitedError, UnauthorizedError, UnavailableError, ValidationError } from '../errors/index.js';
import { getLogger, type Logger } from '../log/index.js';
import { retry } from '../retry/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
// The suppliers' model and code lookup, not their door: suppliers' merge moves bindings (a cycle otherwise).
import { Supplier, type SupplierDoc } from '../suppliers/model.js';
import { findSupplierByCode } from '../suppliers/resolve.js';

const log = getLogger('auth');
const defaultLog = log;

// ---- models -------------------------------------------------------------------------------------

const bindingSchema = new Schema(
  {
    openid: { type: String, required: true },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId },
    at: { type: Date, required: true },
    // Bumped to revoke every token issued to this openid.
    tokenVersion: { type: Number, default: 1 },
    revoked: { type: Boolean, default: false },
  },
  { versionKey: false },
);
// Serves: the binding of every supplier request (token check) and "already bound".
bindingSchema.index({ openid: 1 }, { unique: true });

const bindingCodeSchema = new Schema(
  {
    code: { type: String, required: true },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    contactId: { type: Schema.Types.ObjectId },
    issuedBy: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    usedBy: { type: String },
  },
  { versionKey: false },
);
// Serves: redeeming a code (`findOneAndUpdate({code, usedAt: null})`); codes are unique.
bindingCodeSchema.index({ code: 1 }, { unique: true });

const attemptSchema = new Schema({ key: { type: String, required: true }, n: { type: Number, default: 0 }, at: { type: Date } }, { versionKey: false });
// Serves: counting binding attempts per openid per hour (`$inc` upsert by key).
attemptSchema.index({ key: 1 }, { unique: true });

export const MpBinding = mongoose.model('MpBinding', bindingSchema);
export const BindingCode = mongoose.model('BindingCode', bindingCodeSchema);
export const BindAttempt = mongoose.model('BindAttempt', attemptSchema);

// ---- tokens ---------------------------------------------------------------------------------

export type Principal =
  | { role: 'supplier'; openid: string; supplierId?: string; ver: number }
  | { role: 'manager' | 'admin'; managerId: string; ver: number }
  // The head of purchasing: sees all, gets strategic suppliers' overdue notices and escalations.
  | { role: 'head'; managerId: string; ver: number };
/** Any of our own people (not a supplier). */
export type ManagerPrincipal = Exclude<Principal, { role: 'supplier' }>;

let devSecret: Uint8Array | undefined;
function secretOf(config: Config): Uint8Array {
  if (config.server.sessionSecret) return new TextEncoder().encode(config.server.sessionSecret);
  if (!devSecret) {
    devSecret = randomBytes(32);
    log.warn('SESSION_SECRET is not set: tokens are signed with a random per-process key and end with this process');
  }
  return devSecret;
}

const ISSUER = 'gendan';

export async function signToken(config: Config, p: Principal, ttl = p.role === 'supplier' ? '7d' : '30d'): Promise<string> {
  return new SignJWT({ ...p }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setIssuedAt().setExpirationTime(ttl).sign(secretOf(config));
}

/** Verify signature, expiry and that the token is not revoked. Throws UnauthorizedError. */
export async function verifyToken(config: Config, token: string): Promise<Principal> {
  // A token whose signature was checked lately is not checked again (same bytes, same secret,
  // same answer) until it expires or a minute passes; revocation is checked every time below.
  const key = `${config.server.sessionSecret ?? ''}\u0000${token}`;
  let payload = verifiedTokens.get(key);
  if (!payload) {
    let verified: Record<string, unknown>;
    try {
      ({ payload: verified } = await jwtVerify(token, secretOf(config), { issuer: ISSUER, algorithms: ['HS256'] }));
    } catch (err) {
      verifiedTokens.delete(key);
      throw new UnauthorizedError(err instanceof joseErrors.JWTExpired ? 'token expired' : 'invalid token');
    }
    payload = { claims: verified };
    const untilExpiry = typeof verified.exp === 'number' ? verified.exp * 1000 - Date.now() : Infinity;
    verifiedTokens.set(key, payload, { ttl: Math.max(1, Math.min(60_000, untilExpiry)) });
  }
  const p = payload.claims as unknown as Principal;
  if (p.role === 'supplier') {
    if (p.supplierId) {
      const b = await cachedBinding(p.openid);
      if (!b || b.revoked || b.tokenVersion !== p.ver || String(b.supplierId) !== p.supplierId) throw new UnauthorizedError(msg('tokenRevoked'));
    }
    return p;
  }
  if (p.role === 'manager' || p.role === 'admin' || p.role === 'head') {
    const m = await cachedManager(p.managerId);
    if (!m || m.active === false) throw new UnauthorizedError(msg('tokenRevoked'));
    return p;
  }
  throw new UnauthorizedError('invalid token');
}

// Verified token claims, until the token's expiry and at most a minute.
const verifiedTokens = createCache<string, { claims: Record<string, unknown> }>('auth.verifiedTokens', { max: 20_000, ttl: 60_000 });

// A short cache: every API request checks revocation; a revoke takes effect within CACHE_MS.
// Lookups that found nothing are cached too (`{ v: null }`).
const CACHE_MS = 3000;
const bindingCache = createCache<string, { v: { supplierId: Types.ObjectId; tokenVersion: number; revoked: boolean } | null }>('auth.bindings', { max: 10_000, ttl: CACHE_MS });
async function cachedBinding(openid: string) {
  const hit = bindingCache.get(openid);
  if (hit) return hit.v;
  const v = await MpBinding.findOne({ openid }, { supplierId: 1, tokenVersion: 1, revoked: 1 }).lean<{ supplierId: Types.ObjectId; tokenVersion: number; revoked: boolean }>();
  bindingCache.set(openid, { v });
  return v;
}
const managerCache = createCache<string, { v: Pick<ManagerDoc, '_id' | 'active' | 'role' | 'seesAll' | 'language'> | null }>('auth.managers', { max: 10_000, ttl: CACHE_MS });
/** What a manager token's checks need (active) and what its viewer needs (role, scope, language); cached CACHE_MS. */
export async function cachedManager(id: string) {
  const hit = managerCache.get(id);
  if (hit) return hit.v;
  const v = Types.ObjectId.isValid(id)
    ? await Manager.findOne({ _id: id }, { active: 1, role: 1, seesAll: 1, language: 1 }).lean<Pick<ManagerDoc, '_id' | 'active' | 'role' | 'seesAll' | 'language'>>()
    : null;
  managerCache.set(id, { v });
  return v;
}
export function clearAuthCaches() {
  verifiedTokens.clear();
  bindingCache.clear();
  managerCache.clear();
}

export async function revokeSupplierTokens(openid: string): Promise<void> {
  await MpBinding.updateOne({ openid }, { $inc: { tokenVersion: 1 } });
  bindingCache.delete(openid);
}

// ---- WeChat jscode2session ------------------------------------------------------------------

export interface WechatSession {
  openid: string;
  unionid?: string;
}

export interface WechatAuth {
  /** Exchange a wx.login code for the user's openid (session_key stays inside). */
  codeToSession(code: string): Promise<WechatSession>;
}

/** The real adapter: HTTP to `${WECHAT_API_BASE}/sns/jscode2session`, timeout + bounded retry on -1. */
export function createWechatAuth(config: Config, opts: { timeoutMs?: number; retries?: number; logger?: Logger } = {}): WechatAuth {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const retries = opts.retries ?? 2;
  const log = opts.logger ?? defaultLog;
  return {
    async codeToSession(code) {
      if (!config.wechat.appId || !config.wechat.secret) throw new UnavailableError('mini-program login is not configured (WECHAT_APPID, WECHAT_SECRET)');
      const url = new URL('/sns/jscode2session', config.wechat.apiBase);
      url.search = new URLSearchParams({ appid: config.wechat.appId, secret: config.wechat.secret, js_code: code, grant_type: 'authorization_code' }).toString();
      // Unreachable (network, timeout) and busy (-1) are retried; every other answer is final.
      const unreachable = new UnavailableError('WeChat login is unavailable; try again');
      const busy = new UnavailableError('WeChat login is busy; try again');
      let lastNetworkError = '';
      const once = async (): Promise<WechatSession> => {
        let body: { openid?: string; unionid?: string; session_key?: string; errcode?: number; errmsg?: string };
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
          body = (await res.json()) as typeof body;
        } catch (err) {
          lastNetworkError = (err as Error).message;
          throw unreachable;
        }
        if (body.openid && !body.errcode) return { openid: body.openid, unionid: body.unionid };
        const errcode = body.errcode ?? -2;
        log.info({ errcode }, 'jscode2session refused'); // errmsg may echo the code: not logged
        if (errcode === 40029 || errcode === 40163) throw new UnauthorizedError('invalid or used login code');
        if (errcode === 45011) throw new RateLimitedError('too many login attempts; wait a minute', 60_000);
        if (errcode === 40226) throw new UnauthorizedError('login refused by WeChat (high-risk user)');
        if (errcode === -1) throw busy;
        throw new UnavailableError('WeChat login is busy; try again');
      };
      try {
        return await retry(once, { retries, baseMs: 200, shouldRetry: (err) => err === unreachable || err === busy });
      } catch (err) {
        if (err === unreachable) log.warn({ err: lastNetworkError }, 'jscode2session unreachable');
        throw err;
      }
    },
  };
}

// ---- mini-program login and binding -------------------------------------------------------------

export interface LoginResult {
  token: string;
  bound: boolean;
  supplier?: { code: string; name: string };
}

export async function miniProgramLogin(config: Config, auth: WechatAuth, code: string): Promise<LoginResult> {
  if (!/^[\w-]{1,128}$/.test(code)) throw new ValidationError('invalid login code', [{ field: 'code', message: 'invalid login code' }]);
  const { openid } = await auth.codeToSession(code);
  const b = await MpBinding.findOne({ openid, revoked: { $ne: true } }).lean<{ supplierId: Types.ObjectId; tokenVersion: number }>();
  if (!b) return { token: await signToken(config, { role: 'supplier', openid, ver: 0 }, '1h'), bound: false };
  const s = await Supplier.findOne({ _id: b.supplierId }).lean<SupplierDoc>();
  return {
    token: await signToken(config, { role: 'supplier', openid, supplierId: String(b.supplierId), ver: b.tokenVersion }),
    bound: true,
    supplier: s ? { code: s.code, name: s.name } : undefined,
  };
}

// Human-typable: no 0/O, 1/I/L.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
export const BIND_ATTEMPTS_PER_HOUR = 5;
export const BINDING_CODE_TTL_MS = 72 * 3600_000;

export async function issueBindingCode(supplierCode: string, issuedBy: string, opts: { contactId?: string; now?: Date } = {}) {
  const now = opts.now ?? new Date();
  const s = await findSupplierByCode(supplierCode); // plain, tagged or former code
  if (!s) throw new NotFoundError(msg('noSupplierCode', { code: supplierCode }));
  for (let i = 0; i < 5; i++) {
    const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    try {
      await BindingCode.create({ code, supplierId: s._id, contactId: opts.contactId, issuedBy, expiresAt: new Date(now.getTime() + BINDING_CODE_TTL_MS) });
      return { code, supplierCode: s.code, expiresAt: new Date(now.getTime() + BINDING_CODE_TTL_MS) };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ConflictError('could not issue a binding code; try again');
}

/** Redeem a binding code for this openid: consumed once, atomically; attempts limited. */
export async function bindOpenid(config: Config, openid: string, rawCode: string, now = new Date()): Promise<LoginResult> {
  const hour = now.toISOString().slice(0, 13);
  const attempts = await BindAttempt.findOneAndUpdate({ key: `${openid}:${hour}` }, { $inc: { n: 1 }, $setOnInsert: { at: now } }, { upsert: true, returnDocument: 'after' }).lean<{ n: number }>();
  if (attempts!.n > BIND_ATTEMPTS_PER_HOUR) throw new RateLimitedError('too many binding attempts; try again in an hour', 3600_000);
  const code = rawCode.trim().toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z0-9]{6,12}$/.test(code)) throw new ValidationError('a binding code has 8 letters and digits', [{ field: 'code', message: 'a binding code has 8 letters and digits' }]);
  if (await MpBinding.exists({ openid, revoked: { $ne: true } })) throw new ConflictError('this WeChat user is bound already');
  // One atomic claim: of concurrent redeemers exactly one gets the document back.
  const claimed = await BindingCode.findOneAndUpdate({ code, usedAt: null }, { $set: { usedAt: now, usedBy: openid } }, { returnDocument: 'after' }).lean<{
    supplierId: Types.ObjectId;
    contactId?: Types.ObjectId;
    expiresAt: Date;
    usedBy: string;
  }>();
  if (!claimed || claimed.usedBy !== openid) throw new UnauthorizedError('binding code invalid or used');
  if (claimed.expiresAt < now) throw new UnauthorizedError('binding code expired');
  try {
    await MpBinding.create({ openid, supplierId: claimed.supplierId, contactId: claimed.contactId, at: now });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError('this WeChat user is bound already');
    throw err;
  }
  bindingCache.delete(openid);
  const s = await Supplier.findOne({ _id: claimed.supplierId }).lean<SupplierDoc>();
  return {
    token: await signToken(config, { role: 'supplier', openid, supplierId: String(claimed.supplierId), ver: 1 }),
    bound: true,
    supplier: s ? { code: s.code, name: s.name } : undefined,
  };
}

export async function managerToken(config: Config, managerId: string): Promise<string> {
  const m = await Manager.findOne({ _id: managerId }).lean<{ _id: Types.ObjectId; role: string }>();
  if (!m) throw new NotFoundError('manager not found');
  const role = m.role === 'admin' || m.role === 'head' ? m.role : 'manager';
  return signToken(config, { role, managerId: String(m._id), ver: 1 });
}

/** Housekeeping for a daily job (no TTL indexes on FerretDB): old attempt counters, dead codes. */
export async function pruneAuthRecords(now = new Date()): Promise<{ attempts: number; codes: number }> {
  const a = await BindAttempt.deleteMany({ at: { $lt: new Date(now.getTime() - 2 * 3600_000) } });
  const c = await BindingCode.deleteMany({ expiresAt: { $lt: new Date(now.getTime() - 30 * 86_400_000) } });
  return { attempts: a.deletedCount ?? 0, codes: c.deletedCount ?? 0 };
}
