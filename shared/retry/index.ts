// The one retry helper: bounded tries, exponential backoff with ±25 % jitter, and a per-failure
// decision (stop now, back off, or wait what the server asked). Each caller keeps its own
// timeout per try (an AbortSignal, the SDK's timeout) and its own bounds.
//
// Not p-retry: its delays cannot follow the error (a Retry-After header, a slower start for rate
// limits than for network errors) and it jitters only upwards (×1–2); this is ~40 lines.

/** Exponential backoff with ±25 % jitter: base, 2·base, 4·base, … for attempt 1, 2, 3, … (capped at `maxMs` before jitter). */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random, maxMs = Infinity): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1)) * (0.75 + random() / 2);
}

export interface RetryOptions {
  /** Retries after the first try (at most `retries + 1` tries). */
  retries: number;
  /** Wait before the first retry; doubles for each further one (with jitter). */
  baseMs: number;
  /** Longest wait, whatever the backoff or the server says. */
  maxMs?: number;
  /**
   * What a failure means (`attempt`: tries failed so far, from 1): `false` stops at once (the
   * error is thrown), `true` backs off, a number waits that many ms (a Retry-After). Default: retry.
   */
  shouldRetry?: (err: unknown, attempt: number) => boolean | number;
  /** Told before each wait (logging). */
  onRetry?: (err: unknown, attempt: number, waitMs: number) => void;
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Run `fn` (given the 0-based try number) until it resolves, a failure is final, or the retries are spent (the last error is thrown). */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const maxMs = opts.maxMs ?? Infinity;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const failed = attempt + 1;
      if (failed > opts.retries) throw err;
      const decision = opts.shouldRetry ? opts.shouldRetry(err, failed) : true;
      if (decision === false) throw err;
      const waitMs = typeof decision === 'number' ? Math.min(maxMs, Math.max(0, decision)) : backoffMs(failed, opts.baseMs, opts.random, maxMs);
      opts.onRetry?.(err, failed, waitMs);
      if (waitMs > 0) await sleep(waitMs);
    }
  }
}
