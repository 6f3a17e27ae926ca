// Typed domain errors. The HTTP layer maps them with one table; the bot renders their message.
// An error may carry a catalog text (`msg(key, params)`, messages.ts): then the adapter that
// knows the reader writes it in their language (`messageIn`, `detailsIn`); `.message` is English.
import { errorLang, msg, say, type ErrorLang, type MessageKey, type Msg, type Params } from './messages.js';

export { ERROR_LANGS, MESSAGES, errorLang, msg, say, type ErrorLang, type MessageKey, type Msg, type Params } from './messages.js';

export type ErrorCode = 'validation_failed' | 'not_found' | 'forbidden' | 'unauthorized' | 'conflict' | 'upstream_failed' | 'rate_limited' | 'unavailable';

/** One problem with one input field: the only shape `details` ever has (API and bot alike). */
export interface FieldIssue {
  field: string;
  message: string;
}

/** What an error says: an English text as before, or a catalog text. */
export type ErrorMessage = string | Msg;

// The catalog text rides along without being enumerable: `details` stay `{ field, message }` for
// JSON, deep-equal checks and every reader that spreads them.
const TEXT = Symbol('text');
type WithText = { [TEXT]?: Msg };
const attach = <T extends object>(o: T, text: Msg): T => Object.defineProperty(o, TEXT, { value: text, enumerable: false });

/** A field problem with a catalog text (English in `.message`). */
export function issue(field: string, key: MessageKey, params?: Params): FieldIssue {
  const text = msg(key, params);
  return attach({ field, message: say('en', key, params) }, text);
}

export class AppError extends Error {
  /** The catalog text, when the message came from the catalog. */
  readonly text?: Msg;
  constructor(
    readonly code: ErrorCode,
    message: ErrorMessage,
    readonly details?: FieldIssue[],
  ) {
    super(typeof message === 'string' ? message : say('en', message.key, message.params));
    if (typeof message !== 'string') this.text = message;
    this.name = new.target.name;
  }
}

/** The error's message in `lang` (its English message when it has no catalog text). */
export function messageIn(err: { message: string; text?: Msg }, lang: ErrorLang | string): string {
  return err.text ? say(errorLang(lang), err.text.key, err.text.params) : err.message;
}

/** Field problems in `lang`; each stays `{ field, message }`. */
export function detailsIn(details: readonly FieldIssue[], lang: ErrorLang | string): FieldIssue[] {
  return details.map((d) => {
    const text = (d as WithText)[TEXT];
    return { field: d.field, message: text ? say(errorLang(lang), text.key, text.params) : d.message };
  });
}

/** Attach a catalog text to a field problem built elsewhere (zod issues at the HTTP boundary, an import's row problems). */
export const withText = <T extends FieldIssue>(d: T, key: MessageKey, params?: Params): T => attach(d, msg(key, params));

/**
 * Problems of a larger shape (an import's `{ row, column, field, message }`) in `lang`: each keeps
 * its other fields, the message written from its catalog text (else left as it is).
 */
export function problemsIn<T extends FieldIssue>(problems: readonly T[], lang: ErrorLang | string): T[] {
  const l = errorLang(lang);
  return problems.map((p) => {
    const text = (p as WithText)[TEXT];
    return text ? { ...p, message: say(l, text.key, text.params) } : p;
  });
}

export class ValidationError extends AppError {
  constructor(message: ErrorMessage, details?: FieldIssue[]) {
    super('validation_failed', message, details);
  }
}
export class NotFoundError extends AppError {
  constructor(message: ErrorMessage = msg('notFound'), details?: FieldIssue[]) {
    super('not_found', message, details);
  }
}
export class ForbiddenError extends AppError {
  constructor(message: ErrorMessage = msg('forbidden'), details?: FieldIssue[]) {
    super('forbidden', message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message: ErrorMessage = msg('unauthorized'), details?: FieldIssue[]) {
    super('unauthorized', message, details);
  }
}
export class ConflictError extends AppError {
  constructor(message: ErrorMessage, details?: FieldIssue[]) {
    super('conflict', message, details);
  }
}
export class UpstreamError extends AppError {
  constructor(
    message: ErrorMessage,
    readonly retryable = true,
    details?: FieldIssue[],
  ) {
    super('upstream_failed', message, details);
  }
}
export class RateLimitedError extends AppError {
  constructor(
    message: ErrorMessage = msg('rateLimited'),
    readonly retryAfterMs?: number,
  ) {
    super('rate_limited', message);
  }
}
export class UnavailableError extends AppError {
  constructor(message: ErrorMessage = msg('unavailable'), details?: FieldIssue[]) {
    super('unavailable', message, details);
  }
}

/** MongoDB duplicate-key error (11000): for idempotent writes this means "already done". */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
