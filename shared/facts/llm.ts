// The optional language model (an OpenAI-compatible endpoint, FACTS_LLM=on): messages the rules
// cannot read with confidence (a milestone or date word but no fact, or only uncertain ones) are
// asked of it with a strict JSON schema. Messages are batched (one request for those arriving
// within `batchMs`, at most `batchMax`), answers cached by text and day (a repeated text costs
// nothing), every request has a timeout and a bounded retry. The model only proposes: its
// answers are validated (proposals.ts `modelFacts`) and become proposals like any other, marked
// `source: model`. A failure throws to the caller (the reaction logs it): no proposal, the mirror
// unaffected.
import OpenAI from 'openai';
import { z } from 'zod';
import { createCache } from '../cache/index.js';
import { getLogger } from '../log/index.js';
import { MILESTONES, type MilestoneName } from '../orders/index.js';
import { retry } from '../retry/index.js';
import type { Stage } from './recognize.js';

const log = getLogger('facts.llm');

/** A date the model read: validated before it becomes a proposal. */
export interface ModelFact {
  kind: 'date';
  milestone: MilestoneName | null;
  stage: Stage;
  day: string;
  po: string | null;
}

export interface FactsModel {
  /** The facts of one message (`today`: the supplier's day at the message's time). */
  read(text: string, today: string): Promise<ModelFact[]>;
  stats(): { requests: number; messages: number; cached: number };
}

export interface FactsModelConfig {
  apiKey?: string;
  baseURL?: string;
  model: string;
}

// Strict structured output: every property required, no others; "none" as null.
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['results'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'facts'],
        properties: {
          id: { type: 'string' },
          facts: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['milestone', 'stage', 'day', 'po'],
              properties: {
                milestone: { type: ['string', 'null'], enum: [...MILESTONES, null] },
                stage: { type: 'string', enum: ['plan', 'change', 'done'] },
                day: { type: 'string', description: 'YYYY-MM-DD' },
                po: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
  },
} as const;

const Answer = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      facts: z.array(z.object({ milestone: z.string().nullable(), stage: z.enum(['plan', 'change', 'done']), day: z.string(), po: z.string().nullable() })),
    }),
  ),
});

const SYSTEM =
  'You read short WeChat messages from a Chinese factory to its buyer and extract order milestone dates. ' +
  `Milestones: ${MILESTONES.join(', ')} (出货/发货/船期 = shipped, 验货 = inspection, 大货完成 = production_done, 原材料/备料 = materials, 开始生产/上线 = production_start). ` +
  'stage: plan (a date planned), change (moved: 改到, 推迟, 延期), done (already happened). ' +
  'Resolve relative dates against the message\'s "today". day is YYYY-MM-DD. po is a purchase order number the message names, else null. ' +
  'A message that states no date gives an empty facts list. Answer for every id given.';

class ModelError extends Error {
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message);
  }
}

export function createFactsModel(cfg: FactsModelConfig, opts: { timeoutMs?: number; retries?: number; batchMs?: number; batchMax?: number } = {}): FactsModel {
  const client = new OpenAI({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, timeout: opts.timeoutMs ?? 20_000, maxRetries: 0 });
  const retries = opts.retries ?? 2;
  const batchMs = opts.batchMs ?? 50;
  const batchMax = opts.batchMax ?? 20;
  const cache = createCache<string, ModelFact[]>('facts.llm', { max: 5000, ttl: 24 * 3600_000 });
  const inflight = new Map<string, Promise<ModelFact[]>>();
  let queue: { key: string; text: string; today: string; ok: (f: ModelFact[]) => void; fail: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let requests = 0;
  let messages = 0;
  let cached = 0;

  async function ask(batch: typeof queue): Promise<Map<string, ModelFact[]>> {
    const once = async () => {
      requests++;
      try {
        const res = await client.chat.completions.create({
          model: cfg.model,
          temperature: 0,
          response_format: { type: 'json_schema', json_schema: { name: 'chat_facts', strict: true, schema: SCHEMA as unknown as Record<string, unknown> } },
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: JSON.stringify({ messages: batch.map((b, i) => ({ id: String(i), today: b.today, text: b.text })) }) },
          ],
        });
        let parsed: z.infer<typeof Answer>;
        try {
          parsed = Answer.parse(JSON.parse(res.choices[0]?.message?.content ?? ''));
        } catch {
          throw new ModelError('the model answer is not the expected JSON', false);
        }
        const out = new Map<string, ModelFact[]>();
        for (const r of parsed.results) {
          const b = batch[Number(r.id)];
          if (b)
            out.set(
              b.key,
              r.facts.map((f) => ({
                kind: 'date' as const,
                milestone: (MILESTONES as readonly string[]).includes(f.milestone ?? '') ? (f.milestone as MilestoneName) : null,
                stage: f.stage,
                day: f.day,
                po: f.po,
              })),
            );
        }
        return out;
      } catch (err) {
        if (err instanceof ModelError) throw err;
        const e = err as { status?: number; code?: string; error?: { code?: string } };
        const final = (e.code ?? e.error?.code) === 'insufficient_quota' || (e.status !== undefined && e.status !== 429 && e.status < 500);
        throw new ModelError(`facts model ${e.status ?? 'network'}: ${(err as Error).message}`, final);
      }
    };
    return retry(once, {
      retries,
      baseMs: 300,
      maxMs: 5_000,
      shouldRetry: (err) => !(err instanceof ModelError && err.final),
      onRetry: (err, attempt, wait) => log.warn({ err: (err as Error).message, attempt, wait: Math.round(wait) }, 'facts model call failed; retrying'),
    });
  }

  function flush() {
    timer = undefined;
    const batch = queue;
    queue = [];
    if (!batch.length) return;
    ask(batch).then(
      (answers) => {
        for (const b of batch) {
          const facts = answers.get(b.key) ?? [];
          if (answers.has(b.key)) cache.set(b.key, facts);
          b.ok(facts);
        }
      },
      (err) => batch.forEach((b) => b.fail(err)),
    );
  }

  return {
    stats: () => ({ requests, messages, cached }),
    read(text, today) {
      const key = `${today}\u0000${text}`;
      const hit = cache.get(key);
      if (hit) {
        cached++;
        return Promise.resolve(hit);
      }
      const running = inflight.get(key);
      if (running) return running;
      messages++;
      const p = new Promise<ModelFact[]>((ok, fail) => {
        queue.push({ key, text: text.slice(0, 2000), today, ok, fail });
        if (queue.length >= batchMax) {
          clearTimeout(timer);
          flush();
        } else timer ??= setTimeout(flush, batchMs);
      }).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
  };
}
