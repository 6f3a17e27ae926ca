// Guards for the two kinds of caller: suppliers (mini-program, bearer token) and managers
// (bearer token for API clients, or the web console's session cookie + CSRF header).
import type { Context, Next } from 'koa';
import type { Config } from '../shared/config/index.js';
import { verifyToken, type ManagerPrincipal, type Principal } from '../shared/auth/index.js';
import { ForbiddenError, UnauthorizedError } from '../shared/errors/index.js';
import { sessionOf, type ConsoleUser } from '../shared/managers/accounts.js';

export const SESSION_COOKIE = 'gendan_sid';
export const CSRF_HEADER = 'X-CSRF-Token';

export interface AppState {
  requestId: string;
  principal?: Extract<Principal, { role: 'supplier' }>;
  manager?: ManagerPrincipal;
  /** Set when the manager came through the console (cookie session). */
  console?: ConsoleUser;
}

function bearer(ctx: Context): string {
  const h = ctx.get('Authorization');
  const m = /^Bearer ([\w.-]{10,4096})$/.exec(h);
  if (!m) throw new UnauthorizedError('missing or malformed Authorization header');
  return m[1]!;
}

export function requireSupplier(config: Config, opts: { bound?: boolean } = {}) {
  const bound = opts.bound ?? true;
  return async (ctx: Context, next: Next) => {
    const p = await verifyToken(config, bearer(ctx));
    if (p.role !== 'supplier') throw new ForbiddenError('supplier token required');
    if (bound && !p.supplierId) throw new ForbiddenError('bind this WeChat user to a supplier first');
    ctx.state.principal = p;
    await next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The console session of a request (cookie), CSRF-checked on state-changing methods. */
export async function consoleSession(ctx: Context): Promise<ConsoleUser | undefined> {
  const token = ctx.cookies.get(SESSION_COOKIE);
  if (!token) return undefined;
  const s = await sessionOf(token);
  if (!s) return undefined;
  if (!SAFE.has(ctx.method) && ctx.get(CSRF_HEADER) !== s.csrf) throw new ForbiddenError('missing or wrong CSRF token: reload the console');
  return s.user;
}

export function requireManager(config: Config, opts: { admin?: boolean } = {}) {
  return async (ctx: Context, next: Next) => {
    if (!ctx.get('Authorization')) {
      const user = await consoleSession(ctx);
      if (!user) throw new UnauthorizedError('sign in first');
      if (opts.admin && user.role !== 'admin') throw new ForbiddenError('admin only');
      ctx.state.console = user;
      ctx.state.manager = { role: user.role, managerId: user.id, ver: 1 };
      return next();
    }
    const p = await verifyToken(config, bearer(ctx));
    if (p.role === 'supplier') throw new ForbiddenError('manager token required');
    if (opts.admin && p.role !== 'admin') throw new ForbiddenError('admin only');
    ctx.state.manager = p;
    await next();
  };
}
