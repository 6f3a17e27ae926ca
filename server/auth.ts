// Bearer-token guards for the two kinds of caller: suppliers (mini-program) and managers.
import type { Context, Next } from 'koa';
import type { Config } from '../shared/config/index.js';
import { verifyToken, type Principal } from '../shared/auth/index.js';
import { ForbiddenError, UnauthorizedError } from '../shared/errors/index.js';

export interface AppState {
  requestId: string;
  principal?: Extract<Principal, { role: 'supplier' }>;
  manager?: Extract<Principal, { role: 'manager' | 'admin' }>;
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

export function requireManager(config: Config, opts: { admin?: boolean } = {}) {
  return async (ctx: Context, next: Next) => {
    const p = await verifyToken(config, bearer(ctx));
    if (p.role !== 'manager' && p.role !== 'admin') throw new ForbiddenError('manager token required');
    if (opts.admin && p.role !== 'admin') throw new ForbiddenError('admin only');
    ctx.state.manager = p;
    await next();
  };
}
