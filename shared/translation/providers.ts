// Translation providers behind one interface: Tencent Cloud TMT and OpenAI. Each call has a
// timeout and bounded retries with jitter; quota exhaustion stops at once (no retry loop) so the
// service can fall back or leave messages pending.
import OpenAI from 'openai';
import * as tmt from 'tencentcloud-sdk-nodejs-tmt';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import { getLogger } from '../log/index.js';
import { backoffMs, retry } from '../retry/index.js';

const log = getLogger('translation.providers');

export type ProviderLang = 'zh' | 'en' | 'ru' | 'az';
export type ProviderName = 'tmt' | 'openai';

export class ProviderError extends Error {
  constructor(
    readonly kind: 'rate' | 'quota' | 'transient' | 'invalid',
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface TranslationProvider {
  name: ProviderName;
  /** Characters one request may carry (sum of its texts). */
  maxCharsPerRequest: number;
  /** Translate texts (each within maxCharsPerRequest), one result per text, in order. */
  translate(texts: string[], from: ProviderLang, to: ProviderLang): Promise<string[]>;
  /** Requests and characters sent, for metrics and benchmarks. */
  stats(): { requests: number; chars: number };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/**
 * At most `rps` requests in any one-second window (a sliding window, not a refilling bucket: a
 * bucket lets a burst of `rps` be followed at once by more, which a per-second quota counts as
 * too many). A small margin absorbs network jitter. Shared by every caller in the process.
 */
export class RateLimiter {
  private sent: number[] = [];
  private chain: Promise<void> = Promise.resolve();
  constructor(
    private readonly rps: number,
    private readonly marginMs = 50,
  ) {}
  take(): Promise<void> {
    const next = this.chain.then(async () => {
      for (;;) {
        const now = Date.now();
        while (this.sent.length && this.sent[0]! <= now - 1000 - this.marginMs) this.sent.shift();
        if (this.sent.length < this.rps) {
          this.sent.push(now);
          return;
        }
        await sleep(this.sent[0]! + 1000 + this.marginMs - now + 1);
      }
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

// ---- Tencent Cloud TMT ------------------------------------------------------------------------

const TMT_QUOTA = new Set(['FailedOperation.NoFreeAmount', 'FailedOperation.ServiceIsolate', 'FailedOperation.UserNotRegistered', 'FailedOperation.StopUsing']);
const TMT_RATE = new Set(['LimitExceeded.LimitedAccessFrequency', 'RequestLimitExceeded']);
export const TMT_MAX_CHARS = 2000;

export function createTmtProvider(cfg: Config['translation']['tmt'], opts: { timeoutSec?: number; retries?: number } = {}): TranslationProvider {
  const client = new tmt.tmt.v20180321.Client({
    credential: { secretId: cfg.secretId, secretKey: cfg.secretKey },
    region: cfg.region,
    profile: { httpProfile: { endpoint: cfg.endpoint, protocol: cfg.protocol, reqTimeout: opts.timeoutSec ?? 10 } },
  });
  const limiter = new RateLimiter(Math.floor(cfg.rps));
  const retries = opts.retries ?? 4;
  let requests = 0;
  let chars = 0;

  return {
    name: 'tmt',
    maxCharsPerRequest: TMT_MAX_CHARS - 1, // "under 2,000 characters"
    stats: () => ({ requests, chars }),
    async translate(texts, from, to) {
      const once = async () => {
        await limiter.take();
        requests++;
        chars += texts.reduce((n, t) => n + t.length, 0);
        try {
          // The newest SDK no longer has a TextTranslateBatch method; the generic request is
          // signed and sent the same way (docs/providers.md, tried 2026-11-24).
          const res = (await (client as unknown as { request(a: string, p: unknown): Promise<{ TargetTextList?: string[] }> }).request('TextTranslateBatch', {
            Source: from,
            Target: to,
            ProjectId: cfg.projectId,
            SourceTextList: texts,
          })) as { TargetTextList?: string[] };
          const out = res.TargetTextList ?? [];
          if (out.length !== texts.length) throw new ProviderError('invalid', `TMT returned ${out.length} texts for ${texts.length}`);
          return out;
        } catch (err) {
          if (err instanceof ProviderError) throw err;
          const code = (err as { code?: string }).code ?? '';
          const msg = (err as Error).message;
          if (TMT_QUOTA.has(code)) throw new ProviderError('quota', `TMT ${code}: ${msg}`);
          const rate = TMT_RATE.has(code);
          const transient = rate || code === '' || code.startsWith('InternalError') || code === 'FailedOperation.ServiceBusy';
          if (!transient) throw new ProviderError('invalid', `TMT ${code}: ${msg}`);
          throw new ProviderError(rate ? 'rate' : 'transient', `TMT ${code || 'network'}: ${msg}`);
        }
      };
      // Rate limits back off from 1 s, other transient failures from 0.3 s; quota and invalid
      // requests are final.
      return retry(once, {
        retries,
        baseMs: 300,
        maxMs: 8000,
        shouldRetry: (err, attempt) =>
          err instanceof ProviderError && (err.kind === 'rate' || err.kind === 'transient') ? backoffMs(attempt, err.kind === 'rate' ? 1000 : 300, Math.random, 8000) : false,
        onRetry: (err, attempt, wait) => log.warn({ err: (err as Error).message, attempt, wait: Math.round(wait) }, 'TMT call failed; retrying'),
      });
    },
  };
}

// ---- OpenAI -----------------------------------------------------------------------------------

const LANG_NAME: Record<ProviderLang, string> = { zh: 'Simplified Chinese', en: 'English', ru: 'Russian', az: 'Azerbaijani (Latin script)' };
const GLOSSARY = [
  '跟单 = order follow-up',
  '供应商 = supplier',
  '采购订单 = purchase order (PO)',
  '交期 = delivery date',
  '大货 = bulk production',
  '验货 = inspection',
  '出货 = shipment',
  '报关 = customs declaration',
  '清关 = customs clearance',
  '海关查验 = customs inspection hold',
  '提单 = bill of lading (B/L)',
  '定金 = deposit',
  '尾款 = balance payment',
  '唛头 = shipping marks',
  '打样 = sampling',
].join('; ');
const Answer = z.object({ translations: z.array(z.string()) });

export function createOpenAiProvider(cfg: Config['translation']['openai'], opts: { timeoutMs?: number; retries?: number } = {}): TranslationProvider {
  // The SDK's own retries are off: 429 insufficient_quota must not be retried, and Retry-After
  // is honoured below with a bound.
  const client = new OpenAI({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeout: opts.timeoutMs ?? 30_000, maxRetries: 0 });
  const retries = opts.retries ?? 3;
  let requests = 0;
  let chars = 0;
  return {
    name: 'openai',
    maxCharsPerRequest: 6000,
    stats: () => ({ requests, chars }),
    async translate(texts, from, to) {
      const system =
        `You translate business chat messages between a buyer and a Chinese factory from ${LANG_NAME[from]} to ${LANG_NAME[to]}. ` +
        `Keep every placeholder such as [0] or [12] exactly as written, once each. Keep the tone short and plain. Glossary: ${GLOSSARY}. ` +
        'Answer with JSON {"translations": [...]}, one string per input, same order.';
      const once = async () => {
        requests++;
        chars += texts.reduce((n, t) => n + t.length, 0);
        try {
          const res = await client.chat.completions.create({
            model: cfg.model,
            temperature: 0,
            response_format: { type: 'json_object' },
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: JSON.stringify({ texts }) },
            ],
          });
          const content = res.choices[0]?.message?.content ?? '';
          let parsed: z.infer<typeof Answer>;
          try {
            parsed = Answer.parse(JSON.parse(content));
          } catch {
            throw new ProviderError('invalid', 'OpenAI answer is not the expected JSON');
          }
          if (parsed.translations.length !== texts.length) throw new ProviderError('invalid', `OpenAI returned ${parsed.translations.length} texts for ${texts.length}`);
          return parsed.translations;
        } catch (err) {
          if (err instanceof ProviderError) throw err;
          const e = err as { status?: number; code?: string; error?: { code?: string }; headers?: Headers | Record<string, string> };
          const code = e.code ?? e.error?.code;
          if (code === 'insufficient_quota') throw new ProviderError('quota', 'OpenAI insufficient_quota');
          const status = e.status;
          const transient = status === undefined || status === 429 || status >= 500;
          if (!transient) throw new ProviderError('invalid', `OpenAI ${status}: ${(err as Error).message}`);
          throw new ProviderError(status === 429 ? 'rate' : 'transient', `OpenAI ${status ?? 'network'}: ${(err as Error).message}`, retryAfterMs(e.headers));
        }
      };
      // Rate limits and transient failures back off from 0.5 s, or wait the Retry-After; a
      // malformed answer gets one more try at once; quota is final.
      return retry(once, {
        retries,
        baseMs: 500,
        maxMs: 30_000,
        shouldRetry: (err, attempt) => {
          if (!(err instanceof ProviderError)) return false;
          if (err.kind === 'invalid') return attempt === 1 ? 0 : false;
          if (err.kind === 'quota') return false;
          return err.retryAfterMs ?? true;
        },
        onRetry: (err, attempt, wait) => log.warn({ err: (err as Error).message, attempt, wait: Math.round(wait) }, 'OpenAI call failed; retrying'),
      });
    },
  };
}

function retryAfterMs(headers: Headers | Record<string, string> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (k: string) => (typeof (headers as Headers).get === 'function' ? (headers as Headers).get(k) : (headers as Record<string, string>)[k]);
  const ms = get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const s = get('retry-after');
  if (s && Number.isFinite(Number(s))) return Number(s) * 1000;
  return undefined;
}

export function providerFromConfig(name: 'none' | ProviderName, config: Config): TranslationProvider | undefined {
  if (name === 'tmt') return createTmtProvider(config.translation.tmt);
  if (name === 'openai') return createOpenAiProvider(config.translation.openai);
  return undefined;
}
