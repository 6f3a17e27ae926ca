// One error middleware, one table, one envelope: { error: { code, message, details? } }.
// Unknown errors get an error id in the log and a 500 without internals. Messages and field
// problems are written in the reader's language (errorLangOf): catalog texts (shared/errors)
// and zod's issues by their code; a text without a catalog key stays English.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ZodError, type ZodIssue } from 'zod';
import {
  AppError,
  ERROR_LANGS,
  MESSAGES,
  RateLimitedError,
  detailsIn,
  errorLang,
  messageIn,
  say,
  withText,
  type ErrorCode,
  type ErrorLang,
  type FieldIssue,
  type MessageKey,
} from '../shared/errors/index.js';
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

/** A zod issue as a field problem with a catalog text: by its code, or a schema's own message from the catalog. */
export function zodIssue(i: ZodIssue, where = '(body)'): FieldIssue {
  const d: FieldIssue = { field: i.path.map(String).join('.') || where, message: i.message };
  const known = ENGLISH.get(i.message);
  if (known) return withText(d, known);
  // A schema's own message (a regex's hint…) says more than the generic text: it stays as written.
  if (!ZOD_DEFAULT.test(i.message)) return d;
  switch (i.code) {
    case 'invalid_type': {
      const received = /received (\w+)/.exec(i.message)?.[1];
      if (received === 'undefined') return withText(d, 'field.required');
      if (i.expected === 'int') return withText(d, 'field.integer');
      return received ? withText(d, 'field.expected', { expected: i.expected, received }) : d;
    }
    case 'too_small':
    case 'too_big': {
      const n = Number(i.code === 'too_small' ? i.minimum : i.maximum);
      if (!Number.isFinite(n)) return d;
      const kind = i.origin === 'string' ? 'Chars' : i.origin === 'array' || i.origin === 'set' ? 'Items' : '';
      if (i.origin === 'string' && i.code === 'too_small' && n === 1) return withText(d, 'field.required');
      return withText(d, `field.${i.code === 'too_small' ? 'min' : 'max'}${kind}` as MessageKey, { n });
    }
    case 'invalid_value':
      return withText(d, 'field.oneOf', { options: i.values.map(String).join(', ') });
    case 'unrecognized_keys':
      return withText(d, 'field.unknownKeys', { keys: i.keys.join(', ') });
    case 'invalid_format':
      return withText(d, 'field.invalid');
    default:
      return d;
  }
}
// zod's own messages ("Invalid input: expected string, received undefined", "Too small: …").
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized key)/;
export const zodDetails = (err: ZodError, where?: string) => err.issues.map((i) => zodIssue(i, where));

// Schema messages written in English in server/validation.ts that the catalog has: a zod issue
// keeps only its text, so these are recognised by it (field.* entries only).
const ENGLISH = new Map<string, MessageKey>((Object.keys(MESSAGES) as MessageKey[]).filter((k) => k.startsWith('field.') && !/\{/.test(MESSAGES[k].en)).map((k) => [MESSAGES[k].en, k]));

/**
 * The language errors are written in: the console's UI language (it sends Accept-Language), else
 * the signed-in manager's, else English. Only a language we write is taken from the header.
 */
export function errorLangOf(ctx: Context): ErrorLang {
  const first = /^\s*([a-z]{2})/i.exec(ctx.get('Accept-Language'))?.[1]?.toLowerCase();
  if (first && (ERROR_LANGS as readonly string[]).includes(first)) return first as ErrorLang;
  const viewer = (ctx.state.viewer ?? ctx.state.console) as { kind?: string; language?: string } | undefined;
  return errorLang(viewer && viewer.kind !== 'supplier' ? viewer.language : undefined);
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
      ctx.body = { error: { code: 'not_found', message: say(errorLangOf(ctx), 'noSuchRoute') } };
    } else if ((ctx.status === 405 || ctx.status === 501) && (ctx.body === undefined || typeof ctx.body === 'string')) {
      // Set by the router's allowedMethods(): same envelope, the Allow header stays.
      const status = ctx.status;
      ctx.body = { error: { code: status === 405 ? 'method_not_allowed' : 'not_implemented', message: status === 405 ? `allowed: ${ctx.response.get('Allow') || 'none'}` : 'method not implemented' } };
      ctx.status = status;
    }
  } catch (err) {
    const e = err as { status?: number; statusCode?: number; httpCode?: number; expose?: boolean; message?: string; type?: string };
    const lang = errorLangOf(ctx);
    if (err instanceof AppError) {
      ctx.status = STATUS[err.code];
      ctx.body = { error: { code: err.code, message: messageIn(err, lang), ...(err.details !== undefined ? { details: detailsIn(err.details, lang) } : {}) } };
      if (err instanceof RateLimitedError && err.retryAfterMs) ctx.set('Retry-After', String(Math.ceil(err.retryAfterMs / 1000)));
    } else if (err instanceof ZodError) {
      ctx.status = 400;
      ctx.body = { error: { code: 'validation_failed', message: say(lang, 'invalidInput'), details: detailsIn(zodDetails(err), lang) } };
    } else if ((e.status ?? e.statusCode ?? e.httpCode) === 413 || e.type === 'entity.too.large') {
      ctx.status = 413;
      ctx.body = { error: { code: 'payload_too_large', message: say(lang, 'bodyTooLarge') } };
    } else if ((e.status ?? e.statusCode ?? e.httpCode) === 400 || e.type === 'entity.parse.failed') {
      ctx.status = 400;
      ctx.body = { error: { code: 'validation_failed', message: say(lang, 'malformedBody') } };
    } else if ((e.status ?? e.statusCode) === 415) {
      ctx.status = 415;
      ctx.body = { error: { code: 'unsupported_media_type', message: e.message ?? 'unsupported media type' } };
    } else if (isDbDown(err)) {
      // Nothing was acknowledged; the client may retry.
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { error: { code: 'unavailable', message: say(lang, 'dbUnavailable') } };
      log.warn({ err: (err as Error).message, requestId: ctx.state.requestId }, 'database unavailable');
    } else {
      const errorId = randomUUID();
      log.error({ err, errorId, requestId: ctx.state.requestId, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: { code: 'internal', message: say(lang, 'internal'), errorId } };
    }
  }
}
