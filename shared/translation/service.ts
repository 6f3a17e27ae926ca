// The translation service: every stored message queued and translated in micro-batches, never
// blocking the store and never lost (a backlog job picks up what a provider outage left
// pending); corrections and bad-translation flags feed the memory.
import type { Types } from 'mongoose';
import type { Config } from '../config/index.js';
import { msg as errMsg, NotFoundError, UnavailableError, ValidationError } from '../errors/index.js';
import { getLogger } from '../log/index.js';
import { touchThread } from '../live/index.js';
import { Message, type Lang, type MessageDoc, type ThreadDoc } from '../threads/model.js';
import { detectLang } from './detect.js';
import { createEngine } from './engine.js';
import { createMemory } from './memory.js';
import { createMessageTranslator } from './messages.js';
import { TranslationMemory } from './model.js';
import { providerFromConfig, type ProviderLang, type TranslationProvider } from './providers.js';
import { checkRoutes, createRouter } from './routes.js';
import { protect } from './terms.js';
import { maskLike, memoryKey } from './text.js';

const log = getLogger('translation');

export type TargetLang = ProviderLang;

export interface TranslationServiceOptions {
  config: Config;
  /** Providers in order of preference; default: TRANSLATION_PROVIDER then TRANSLATION_FALLBACK. */
  providers?: TranslationProvider[];
  clock?: () => Date;
  /** Messages arriving within this window go to the provider together. */
  batchWindowMs?: number;
  /** How long a provider out of quota is left alone before it is tried again. */
  quotaPauseMs?: number;
}

export interface TranslatedText {
  text: string;
  source: 'memory' | 'phrasebook' | 'correction' | 'machine' | 'unchanged';
  provider?: string;
  from: Lang;
}

export interface TranslationService {
  /** Queue a stored message for translation; returns at once (micro-batched). */
  onMessageStored(message: MessageDoc, thread?: ThreadDoc): void;
  /** Translate what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  /** The backlog job: translate up to `limit` pending messages, oldest first. Returns how many got done. */
  translatePending(limit?: number): Promise<number>;
  /** Run translatePending every `everyMs` until the returned function is called. */
  startBacklog(everyMs?: number): () => void;
  correct(messageId: string | Types.ObjectId, lang: TargetLang, text: string, by?: string | Types.ObjectId): Promise<void>;
  flagBad(messageId: string | Types.ObjectId, lang: TargetLang, by?: string | Types.ObjectId): Promise<void>;
  /** `from` defaults to the detected language; `prefer` (the writer's own language) decides when detection is unsure. */
  translateText(text: string, to: TargetLang, from?: Lang, prefer?: Lang): Promise<TranslatedText>;
  detect(text: string, prefer?: Lang): Lang | undefined;
  seedPhrasebook(): Promise<number>;
  stop(): Promise<void>;
  /** Requests and characters sent to each provider since start (metrics). */
  providerStats?(): { provider: string; requests: number; chars: number }[];
}

export function createTranslationService(opts: TranslationServiceOptions): TranslationService {
  const { config } = opts;
  const clock = opts.clock ?? (() => new Date());
  const chain =
    opts.providers ??
    [providerFromConfig(config.translation.provider, config), config.translation.fallback !== config.translation.provider ? providerFromConfig(config.translation.fallback, config) : undefined].filter(
      (p): p is TranslationProvider => Boolean(p),
    );
  // Start check: a pair between Chinese and a configured manager language that no provider can
  // translate stops the start (scripts/start.ts checks the managers' own languages too).
  checkRoutes(config, config.translation.managerLangs);
  const { route, all: providers } = createRouter(config, chain, (name) => providerFromConfig(name, config));
  const windowMs = opts.batchWindowMs ?? 200;
  const quotaPauseMs = opts.quotaPauseMs ?? 60 * 60 * 1000;
  const memory = createMemory(clock);
  const { remember } = memory;
  const engine = createEngine({ providers, route, memory, clock, quotaPauseMs });
  const { translateUnits, usable } = engine;
  const { translateMessages } = createMessageTranslator({ config, engine, providers, clock });

  // ---- queue (micro-batching) --------------------------------------------------------------
  const queue: { id: Types.ObjectId; thread?: ThreadDoc }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (running) await running;
    if (!queue.length) return;
    const batch = queue.splice(0, 500);
    running = (async () => {
      const list = (await Promise.all(batch.map(async (b) => ({ msg: await Message.findOne({ _id: b.id }).lean<MessageDoc>(), thread: b.thread })))).filter(
        (x): x is { msg: MessageDoc; thread: ThreadDoc | undefined } => Boolean(x.msg),
      );
      await translateMessages(list);
    })()
      .catch((err) => log.error({ err }, 'translation batch failed; messages stay pending for the backlog job'))
      .finally(() => {
        running = undefined;
      });
    await running;
    if (queue.length && !stopped) schedule();
  }
  function schedule() {
    timer ??= setTimeout(() => void flush(), windowMs);
  }

  async function translatePending(limit = 200): Promise<number> {
    const pending = await Message.find({ translationStatus: 'pending' }).sort({ ts: 1 }).limit(limit).lean<MessageDoc[]>();
    if (!pending.length) return 0;
    return translateMessages(pending.map((msg) => ({ msg })));
  }

  async function loadMessage(id: string | Types.ObjectId): Promise<MessageDoc> {
    const msg = await Message.findOne({ _id: id }).lean<MessageDoc>();
    if (!msg) throw new NotFoundError(errMsg('messageNotFound'));
    return msg;
  }

  return {
    providerStats: () => providers.map((p) => ({ provider: p.name, ...p.stats() })),
    onMessageStored(message, thread) {
      if (stopped) return;
      queue.push({ id: message._id, thread });
      schedule();
    },
    flush,
    translatePending,
    startBacklog(everyMs = 60_000) {
      let busy = false;
      const t = setInterval(() => {
        if (busy || usable().length === 0) return;
        busy = true;
        translatePending()
          .catch((err) => log.warn({ err: (err as Error).message }, 'backlog run failed'))
          .finally(() => (busy = false));
      }, everyMs);
      t.unref();
      return () => clearInterval(t);
    },
    async correct(messageId, lang, text, by) {
      if (!text.trim()) throw new ValidationError(errMsg('correctionEmpty'));
      const msg = await loadMessage(messageId);
      const from = msg.lang ?? detectLang(msg.text);
      await Message.updateOne({ _id: msg._id }, { $set: { [`translations.${lang}`]: { text, source: 'correction', by, at: clock() }, flaggedBad: false } });
      await touchThread({ _id: msg.threadId }, clock()).catch(() => undefined);
      if (!from || from === 'other' || from === lang) return;
      const m = protect(msg.text);
      const maskedCorrection = maskLike(text, m.terms);
      if (maskedCorrection === undefined) {
        log.info({ messageId: String(msg._id) }, 'correction kept on the message only: it does not contain every protected term');
        return;
      }
      await remember(from, lang, m.text, maskedCorrection, 'correction', undefined, by);
    },
    async flagBad(messageId, lang, by) {
      const msg = await loadMessage(messageId);
      await Message.updateOne({ _id: msg._id }, { $set: { flaggedBad: true } });
      const from = msg.lang ?? detectLang(msg.text);
      if (!from) return;
      await TranslationMemory.updateOne({ key: memoryKey(from, lang, protect(msg.text).text) }, { $set: { bad: true, by, updatedAt: clock() } });
    },
    async translateText(text, to, from, prefer) {
      const src = from ?? detectLang(text, prefer);
      if (!src) return { text, source: 'unchanged', from: 'other' };
      if (src === 'other') throw new ValidationError(errMsg('languageNotSupported'));
      const [r] = await translateUnits([{ text, from: src as ProviderLang, to }]);
      if (!r) throw new UnavailableError(route(src as ProviderLang, to).length ? errMsg('translationUnavailable') : errMsg('noTranslationProvider'));
      return { ...r, from: src };
    },
    detect: detectLang,
    seedPhrasebook: memory.seedPhrasebook,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
  };
}
