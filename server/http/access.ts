// The access check a route's `access` declares: who the caller is (mini-program bearer token,
// manager bearer token, or the web console's session cookie with its CSRF header on writes) and
// whether that kind of caller may call the route. What the caller may *see* is shared/access.
import { timingSafeEqual } from 'node:crypto';
import type { Context, Middleware, Next } from 'koa';
import { managerViewer, type ManagerViewer } from '../../shared/access/index.js';
import { cachedManager, verifyToken, type Principal } from '../../shared/auth/index.js';
import type { Config } from '../../shared/config/index.js';
import { ForbiddenError, msg, NotFoundError, UnauthorizedError } from '../../shared/errors/index.js';
import { sessionOf, type ConsoleUser } from '../../shared/managers/accounts.js';
import type { Access } from './route.js';

export const SESSION_COOKIE = 'gendan_sid';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface AppState {
  requestId: string;
  viewer?: ManagerViewer | { kind: 'supplier'; supplierId: string; openid: string };
  principal?: Extract<Principal, { role: 'supplier' }>;
  /** Set when the manager came through the console (cookie session). */
  console?: ConsoleUser;
}

function bearer(ctx: Context): string {
  const h = ctx.get('Authorization');
  const m = /^Bearer ([\w.-]{10,4096})$/.exec(h);
  if (!m) throw new UnauthorizedError('missing or malformed Authorization header');
  return m[1]!;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The console session of a request (cookie), CSRF-checked on state-changing methods. */
export async function consoleSession(ctx: Context): Promise<ConsoleUser | undefined> {
  const token = ctx.cookies.get(SESSION_COOKIE);
  if (!token) return undefined;
  const s = await sessionOf(token);
  if (!s) return undefined;
  if (!SAFE.has(ctx.method) && ctx.get(CSRF_HEADER) !== s.csrf) throw new ForbiddenError(msg('csrf'));
  return s.user;
}

async function managerOf(config: Config, ctx: Context): Promise<ManagerViewer> {
  if (!ctx.get('Authorization')) {
    const user = await consoleSession(ctx);
    if (!user) throw new UnauthorizedError(msg('signInFirst'));
    ctx.state.console = user;
    return { kind: 'manager', id: user.id, role: user.role, seesAll: user.seesAll, language: user.language, via: 'console' };
  }
  const p = await verifyToken(config, bearer(ctx));
  if (p.role === 'supplier') throw new ForbiddenError('manager token required');
  const m = await cachedManager(p.managerId);
  if (!m || m.active === false) throw new UnauthorizedError(msg('tokenRevoked'));
  return managerViewer(m, 'token');
}

const sameToken = (given: string, want: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * A Prometheus scraper: the METRICS_TOKEN bearer token, compared in constant time. Without a
 * token configured the route is off on this port (404, as for any unknown path; METRICS_PORT
 * may still serve it on 127.0.0.1).
 */
function metricsCheck(config: Config): Middleware {
  return async (ctx: Context, next: Next) => {
    const want = config.metrics.token;
    if (!want) throw new NotFoundError(msg('noSuchRoute'));
    const auth = ctx.get('Authorization');
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), want)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedError('metrics need the METRICS_TOKEN bearer token');
    }
    await next();
  };
}

/** The middleware that enforces one kind of access and puts the caller in `ctx.state`. */
export function accessCheck(config: Config, access: Access): Middleware {
  if (access === 'public') return (_ctx, next) => next();
  if (access === 'metrics') return metricsCheck(config);
  if (access === 'supplier' || access === 'supplierLogin') {
    return async (ctx: Context, next: Next) => {
      const p = await verifyToken(config, bearer(ctx));
      if (p.role !== 'supplier') throw new ForbiddenError('supplier token required');
      ctx.state.principal = p;
      if (access === 'supplier') {
        if (!p.supplierId) throw new ForbiddenError('bind this WeChat user to a supplier first');
        ctx.state.viewer = { kind: 'supplier', supplierId: p.supplierId, openid: p.openid };
      }
      await next();
    };
  }
  return async (ctx: Context, next: Next) => {
    const v = await managerOf(config, ctx);
    ctx.state.viewer = v; // before the role check: a refusal is written in this manager's language
    if (access === 'admin' && v.role !== 'admin') throw new ForbiddenError(msg('adminOnly'));
    if (access === 'head' && v.role !== 'admin' && v.role !== 'head') throw new ForbiddenError(msg('headOnly'));
    await next();
  };
}
