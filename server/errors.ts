// One error middleware, one table, one envelope: { error: { code, message, details? } }.
// Unknown errors get an error id in the log and a 500 without internals.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ZodError } from 'zod';
import { AppError, RateLimitedError, type ErrorCode } from '../shared/errors/index.js';
import { getLogger } from '../shared/log/index.js';

const log = getLogger('http');

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  upstream_failed: 502,
  unavailable: 503,
};

export function zodDetails(err: ZodError) {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

function isDbDown(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|MongoNetworkTimeoutError|MongoClientClosedError|MongoPoolClearedError/.test(name);
}

export async function errorMiddleware(ctx: Context, next: Next) {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { error: { code: 'not_found', message: 'no such route' } };
    } else if ((ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || typeof ctx.body === 'string')) {
      // Set by the router's allowedMethods(): same envelope, the Allow header stays.
      const status = ctx.status;
      ctx.body = { error: { code: status === 405 ? 'method_not_allowed' : 'not_implemented', message: status === 405 ? `allowed: ${ctx.response.get('Allow') || 'none'}` : 'method not implemented' } };
      ctx.status = status;
    }
  } catch (err) {
    const e = err as { status?: number; statusCode?: number; httpCode?: number; expose?: boolean; message?: string; type?: string };
    if (err instanceof AppError) {
      ctx.status = STATUS[err.code];
      ctx.body = { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
      if (err instanceof RateLimitedError && err.retryAfterMs) ctx.set('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    } else if (err instanceof ZodError) {
      ctx.status = 400;
      ctx.body = { error: { code: 'validation_failed', message: 'invalid input', details: zodDetails(err) } };
    } else if ((e.status ?? e.statusCode ?? e.httpCode) === 413 || e.type === 'entity.too.large') {
      ctx.status = 413;
      ctx.body = { error: { code: 'payload_too_large', message: 'request body too large' } };
    } else if ((e.status ?? e.statusCode ?? e.httpCode) === 400 || e.type === 'entity.parse.failed') {
      ctx.status = 400;
      ctx.body = { error: { code: 'validation_failed', message: 'malformed request body' } };
    } else if ((e.status ?? e.statusCode) === 415) {
      ctx.status = 415;
      ctx.body = { error: { code: 'unsupported_media_type', message: e.message ?? 'unsupported media type' } };
    } else if (isDbDown(err)) {
      // Nothing was acknowledged; the client may retry.
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: { code: 'unavailable', message: 'the database is unavailable; try again' } };
      log.warn({ err: (err as Error).message, requestId: ctx.state.requestId }, 'database unavailable');
    } else {
      const errorId = randomUUID();
      log.error({ err, errorId, requestId: ctx.state.requestId, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: 'internal error', errorId } };
    }
  }
}
