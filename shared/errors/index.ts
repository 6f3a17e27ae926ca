// Typed domain errors. The HTTP layer maps them with one table; the bot renders their message.
export type ErrorCode = 'validation_failed' | 'not_found' | 'forbidden' | 'unauthorized' | 'conflict' | 'upstream_failed' | 'rate_limited' | 'unavailable';

/** One problem with one input field: the only shape `details` ever has (API and bot alike). */
export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: FieldIssue[]) {
    super('validation_failed', message, details);
  }
}
export class NotFoundError extends AppError {
  constructor(message = 'not found', details?: FieldIssue[]) {
    super('not_found', message, details);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'forbidden', details?: FieldIssue[]) {
    super('forbidden', message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'unauthorized', details?: FieldIssue[]) {
    super('unauthorized', message, details);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, details?: FieldIssue[]) {
    super('conflict', message, details);
  }
}
export class UpstreamError extends AppError {
  constructor(
    message: string,
    readonly retryable = true,
    details?: FieldIssue[],
  ) {
    super('upstream_failed', message, details);
  }
}
export class RateLimitedError extends AppError {
  constructor(
    message = 'too many requests',
    readonly retryAfterMs?: number,
  ) {
    super('rate_limited', message);
  }
}
export class UnavailableError extends AppError {
  constructor(message = 'service unavailable', details?: FieldIssue[]) {
    super('unavailable', message, details);
  }
}

/** MongoDB duplicate-key error (11000): for idempotent writes this means "already done". */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
