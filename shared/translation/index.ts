// Translation: every stored message translated automatically, terms intact, memory first,
// never blocking the store and never lost. The domain's only door.
import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Config } from '../config/index.js';
import { NotFoundError, UnavailableError, ValidationError } from '../errors/index.js';
import { raiseAlert } from '../health/index.js';
import { getLogger } from '../log/index.js';
import { Manager } from '../managers/model.js';
import { Message, Thread, type Lang, type MessageDoc, type ThreadDoc } from '../threads/model.js';
import { detectLang } from './detect.js';
import { TranslationMemory } from './model.js';
import { MANAGER_PHRASES, PHRASEBOOK } from './phrasebook.js';
import { ProviderError, providerFromConfig, type ProviderLang, type TranslationProvider } from './providers.js';
import { nothingToTranslate, placeholder, protect, restore, segments } from './terms.js';

import { touchThread } from '../live/index.js';
export { detectLang } from './detect.js';
export { protect, restore } from './terms.js';
export { TranslationMemory } from './model.js';
export { createTmtProvider, createOpenAiProvider, ProviderError, RateLimiter, type TranslationProvider, type ProviderLang } from './providers.js';

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
  translateText(text: string, to: TargetLang, from?: Lang): Promise<TranslatedText>;
  detect(text: string): Lang | undefined;
  seedPhrasebook(): Promise<number>;
  stop(): Promise<void>;
}

/** Normalised for exact-match memory: NFKC, trimmed, spaces folded, case folded, end punctuation dropped. */
export function normalise(s: string): string {
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase().replace(/[\s.!?。！？~～…]+$/u, '');
}

export const memoryKey = (from: string, to: string, maskedSource: string) =>
  createHash('sha256').update(`${from}>${to}\n${normalise(maskedSource)}`).digest('base64url');

interface Unit {
  text: string;
  from: ProviderLang;
  to: ProviderLang;
}
interface UnitResult {
  text: string;
  source: TranslatedText['source'];
  provider?: string;
}

/** Split a long text at sentence ends (then at spaces, then hard) into pieces of at most max. */
export function chunkText(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const sentences = text.match(/[^。！？!?.\n]+[。！？!?.\n]*/gu) ?? [text];
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (s.length > max) {
      if (cur) out.push(cur);
      cur = '';
      for (let i = 0; i < s.length; i += max) out.push(s.slice(i, i + max));
      continue;
    }
    if (cur.length + s.length > max) {
      out.push(cur);
      cur = '';
    }
    cur += s;
  }
  if (cur) out.push(cur);
  return out;
}

/** Replace each term in a human-written correction by its placeholder; undefined if one is missing. */
function maskLike(text: string, terms: string[]): string | undefined {
  let out = text;
  for (let i = 0; i < terms.length; i++) {
    const at = out.indexOf(terms[i]!);
    if (at < 0) return undefined;
    out = out.slice(0, at) + placeholder(i) + out.slice(at + terms[i]!.length);
  }
  return out;
}

export function createTranslationService(opts: TranslationServiceOptions): TranslationService {
  const { config } = opts;
  const clock = opts.clock ?? (() => new Date());
  const providers =
    opts.providers ??
    [providerFromConfig(config.translation.provider, config), config.translation.fallback !== config.translation.provider ? providerFromConfig(config.translation.fallback, config) : undefined].filter(
      (p): p is TranslationProvider => Boolean(p),
    );
  const windowMs = opts.batchWindowMs ?? 200;
  const quotaPauseMs = opts.quotaPauseMs ?? 60 * 60 * 1000;
  const pausedUntil = new Map<string, number>();

  // ---- memory ------------------------------------------------------------------------------
  async function recall(key: string) {
    return TranslationMemory.findOne({ key }).lean<{ text: string; origin: 'phrasebook' | 'machine' | 'correction'; bad?: boolean; provider?: string }>();
  }
  async function remember(from: string, to: string, source: string, text: string, origin: 'machine' | 'correction', provider?: string, by?: unknown) {
    const key = memoryKey(from, to, source);
    await TranslationMemory.updateOne(
      { key },
      { $set: { from, to, source, text, origin, provider, by, bad: false, updatedAt: clock() } },
      { upsert: true },
    ).catch((err) => {
      if ((err as { code?: number }).code !== 11000) throw err;
    });
  }

  // ---- providers ---------------------------------------------------------------------------
  function usable(): TranslationProvider[] {
    const now = Date.now();
    return providers.filter((p) => (pausedUntil.get(p.name) ?? 0) <= now);
  }

  /** Send texts to the first provider that answers; quota errors pause a provider and fall back. */
  async function callProviders(texts: string[], from: ProviderLang, to: ProviderLang): Promise<{ out: string[]; provider: string } | undefined> {
    for (const p of usable()) {
      try {
        const out: string[] = new Array(texts.length);
        // Pack texts into requests under the provider's character limit.
        let batch: number[] = [];
        let size = 0;
        const send = async () => {
          if (!batch.length) return;
          const res = await p.translate(batch.map((i) => texts[i]!), from, to);
          batch.forEach((i, k) => (out[i] = res[k]!));
          batch = [];
          size = 0;
        };
        for (let i = 0; i < texts.length; i++) {
          if (size + texts[i]!.length > p.maxCharsPerRequest) await send();
          batch.push(i);
          size += texts[i]!.length;
        }
        await send();
        return { out, provider: p.name };
      } catch (err) {
        if (err instanceof ProviderError && err.kind === 'quota') {
          pausedUntil.set(p.name, Date.now() + quotaPauseMs);
          const day = clock().toISOString().slice(0, 10);
          log.error({ provider: p.name, err: err.message }, 'translation provider out of quota; falling back');
          await raiseAlert(`translation_quota:${p.name}:${day}`, 'translation_quota', `Translation provider ${p.name} is out of quota (${err.message}). Messages wait as pending.`, clock()).catch(() => undefined);
          continue;
        }
        log.warn({ provider: p.name, err: (err as Error).message }, 'translation provider failed');
        throw err;
      }
    }
    return undefined;
  }

  /**
   * Translate units: memory first, then the providers with identical texts sent once, long texts
   * chunked, terms verified. A unit with no result (no provider, provider down) is undefined.
   */
  async function translateUnits(units: Unit[]): Promise<(UnitResult | undefined)[]> {
    const results: (UnitResult | undefined)[] = new Array(units.length);
    const masked = units.map((u) => protect(u.text));
    const misses = new Map<string, { from: ProviderLang; to: ProviderLang; source: string; idx: number[] }>();
    await Promise.all(
      units.map(async (u, i) => {
        const m = masked[i]!;
        if (u.from === u.to || nothingToTranslate(m.text)) {
          results[i] = { text: u.text, source: 'unchanged' };
          return;
        }
        const key = memoryKey(u.from, u.to, m.text);
        const hit = await recall(key);
        if (hit && !hit.bad) {
          const r = restore(hit.text, m.terms);
          if (r.ok) {
            results[i] = { text: r.text, source: hit.origin === 'machine' ? 'memory' : hit.origin, provider: hit.provider };
            return;
          }
        }
        const mk = `${u.from}>${u.to}\n${normalise(m.text)}`;
        const miss = misses.get(mk) ?? { from: u.from, to: u.to, source: m.text, idx: [] };
        miss.idx.push(i);
        misses.set(mk, miss);
      }),
    );
    if (misses.size === 0 || providers.length === 0) return results;

    // Group by language pair; one provider call sequence per pair.
    const pairs = new Map<string, (typeof misses extends Map<string, infer V> ? V : never)[]>();
    for (const m of misses.values()) {
      const k = `${m.from}>${m.to}`;
      pairs.set(k, [...(pairs.get(k) ?? []), m]);
    }
    for (const list of pairs.values()) {
      const { from, to } = list[0]!;
      const max = Math.min(...providers.map((p) => p.maxCharsPerRequest));
      // Texts to send: each miss as chunks.
      const pieces: string[] = [];
      const spans: [number, number][] = [];
      for (const m of list) {
        const chunks = chunkText(m.source, max);
        spans.push([pieces.length, chunks.length]);
        pieces.push(...chunks);
      }
      const answer = await callProviders(pieces, from, to);
      if (!answer) continue;
      for (let j = 0; j < list.length; j++) {
        const m = list[j]!;
        const [start, n] = spans[j]!;
        const parts = answer.out.slice(start, start + n);
        // Chunks were cut at sentence ends: Latin-script targets need the space back.
        const translatedMasked = parts.reduce((acc, p) => (!acc || to === 'zh' || /\s$/.test(acc) || /^\s/.test(p) ? acc + p : `${acc} ${p}`), '');
        for (const i of m.idx) {
          const terms = masked[i]!.terms;
          let r = restore(translatedMasked, terms);
          if (!r.ok) {
            // The provider dropped or changed a placeholder: translate the words between the
            // terms on their own and put the original terms back in place.
            r = await segmentWise(masked[i]!.text, terms, from, to);
          }
          if (r.ok) results[i] = { text: r.text, source: 'machine', provider: answer.provider };
        }
        if (m.idx.some((i) => results[i])) {
          const sample = results[m.idx[0]!];
          // Memory keeps the masked form only when it came back whole.
          if (sample && restore(translatedMasked, masked[m.idx[0]!]!.terms).ok) {
            await remember(from, to, m.source, translatedMasked, 'machine', answer.provider).catch((err) => log.warn({ err: (err as Error).message }, 'memory not written'));
          }
        }
      }
    }
    return results;
  }

  async function segmentWise(maskedText: string, terms: string[], from: ProviderLang, to: ProviderLang): Promise<{ ok: boolean; text: string }> {
    const { parts, order } = segments(maskedText);
    const idx = parts.map((p, i) => (/\p{L}/u.test(p) ? i : -1)).filter((i) => i >= 0);
    const answer = idx.length ? await callProviders(idx.map((i) => parts[i]!.trim()), from, to) : { out: [], provider: '' };
    if (!answer) return { ok: false, text: '' };
    const translated = [...parts];
    idx.forEach((i, k) => {
      const lead = parts[i]!.match(/^\s*/)![0];
      const trail = parts[i]!.match(/\s*$/)![0];
      translated[i] = lead + answer.out[k]!.replace(/\[\s*\d{1,3}\s*\]/g, '') + trail;
    });
    let text = translated[0]!;
    order.forEach((t, k) => (text += terms[t]! + translated[k + 1]!));
    return { ok: true, text };
  }

  // ---- messages ----------------------------------------------------------------------------
  // Languages of the managers in use (cached briefly), on top of MANAGER_LANGS: adding a
  // Russian-speaking manager makes supplier messages arrive in Russian too.
  let inUse: { at: number; langs: TargetLang[] } | undefined;
  async function managerLangs(): Promise<TargetLang[]> {
    if (inUse && Date.now() - inUse.at < 30_000) return inUse.langs;
    const found = (await Manager.distinct('language', { active: { $ne: false } })) as string[];
    const langs = [...new Set([...config.translation.managerLangs, ...found.filter((l): l is TargetLang => l === 'en' || l === 'ru')])];
    inUse = { at: Date.now(), langs };
    return langs;
  }

  async function targetsOf(msg: MessageDoc, lang: Lang, thread?: ThreadDoc | null): Promise<TargetLang[]> {
    const fromManagerSide = msg.direction === 'out' || msg.senderKind === 'manager' || msg.senderKind === 'bot';
    let langs: TargetLang[];
    if (fromManagerSide) langs = ['zh'];
    else {
      const t = thread ?? (await Thread.findOne({ _id: msg.threadId }, { targetLangs: 1 }).lean<ThreadDoc>());
      langs = (t?.targetLangs?.length ? t.targetLangs : await managerLangs()) as TargetLang[];
    }
    return langs.filter((l) => l !== lang);
  }

  async function translateMessages(list: { msg: MessageDoc; thread?: ThreadDoc | null }[]): Promise<number> {
    const plans: { msg: MessageDoc; lang?: Lang; targets: TargetLang[]; unitIdx: number[] }[] = [];
    const units: Unit[] = [];
    for (const { msg, thread } of list) {
      if (msg.translationStatus !== 'pending') continue;
      const lang = msg.type === 'text' ? detectLang(msg.text ?? '') : undefined;
      if (!lang) {
        await Message.updateOne({ _id: msg._id, translationStatus: 'pending' }, { $set: { translationStatus: 'skipped', translationError: msg.type === 'text' ? 'nothing to translate' : undefined } });
        continue;
      }
      if (lang === 'other') {
        await Message.updateOne({ _id: msg._id, translationStatus: 'pending' }, { $set: { lang, translationStatus: 'skipped', translationError: 'language not supported (zh, en, ru)' } });
        continue;
      }
      const targets = await targetsOf(msg, lang, thread);
      const existing = (msg.translations ?? {}) as Record<string, { source?: string }> | Map<string, { source?: string }>;
      const has = (l: string) => (existing instanceof Map ? existing.get(l) : existing[l])?.source === 'correction';
      const todo = targets.filter((t) => !has(t));
      const plan = { msg, lang, targets: todo, unitIdx: [] as number[] };
      for (const to of todo) {
        plan.unitIdx.push(units.length);
        units.push({ text: msg.text, from: lang as ProviderLang, to });
      }
      plans.push(plan);
    }
    let results: (UnitResult | undefined)[] = [];
    let failure: string | undefined;
    try {
      results = await translateUnits(units);
    } catch (err) {
      failure = (err as Error).message;
    }
    let done = 0;
    for (const p of plans) {
      const set: Record<string, unknown> = { lang: p.lang };
      let complete = true;
      p.targets.forEach((to, k) => {
        const r = results[p.unitIdx[k]!];
        if (!r) {
          complete = false;
          return;
        }
        const source = r.source === 'unchanged' ? 'machine' : r.source;
        set[`translations.${to}`] = { text: r.text, source, provider: r.provider, at: clock() };
      });
      if (complete) {
        set.translationStatus = 'done';
        set.translationError = undefined;
        done++;
        await Message.updateOne({ _id: p.msg._id, translationStatus: 'pending' }, { $set: set, $unset: { translationError: 1 } });
      } else {
        const why = failure ?? (providers.length === 0 ? 'no translation provider configured' : usable().length === 0 ? 'translation providers out of quota' : 'translation failed');
        await Message.updateOne(
          { _id: p.msg._id, translationStatus: 'pending' },
          { $set: { ...set, translationError: why }, $inc: { translationAttempts: 1 } },
        );
      }
    }
    // The console shows translations live: mark the threads changed (best effort).
    const threadIds = new Set(list.map((x) => String(x.msg.threadId)));
    await Promise.all([...threadIds].map((id) => touchThread({ _id: id }, clock()).catch(() => undefined)));
    return done;
  }

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
      const list = (
        await Promise.all(batch.map(async (b) => ({ msg: await Message.findOne({ _id: b.id }).lean<MessageDoc>(), thread: b.thread })))
      ).filter((x): x is { msg: MessageDoc; thread: ThreadDoc | undefined } => Boolean(x.msg));
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
    if (!msg) throw new NotFoundError('message not found');
    return msg;
  }

  return {
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
      if (!text.trim()) throw new ValidationError('the corrected translation is empty');
      const msg = await loadMessage(messageId);
      const from = msg.lang ?? detectLang(msg.text);
      await Message.updateOne(
        { _id: msg._id },
        { $set: { [`translations.${lang}`]: { text, source: 'correction', by, at: clock() }, flaggedBad: false } },
      );
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
    async translateText(text, to, from) {
      const src = from ?? detectLang(text);
      if (!src) return { text, source: 'unchanged', from: 'other' };
      if (src === 'other') throw new ValidationError('language not supported (zh, en, ru)');
      const [r] = await translateUnits([{ text, from: src as ProviderLang, to }]);
      if (!r) throw new UnavailableError(providers.length ? 'translation is unavailable right now' : 'no translation provider configured');
      return { ...r, from: src };
    },
    detect: detectLang,
    async seedPhrasebook() {
      let n = 0;
      const put = async (from: string, to: string, a: string, b: string) => {
        const ma = protect(a);
        const mb = protect(b);
        if (ma.terms.join('\u0000') !== mb.terms.join('\u0000')) return;
        const key = memoryKey(from, to, ma.text);
        const r = await TranslationMemory.updateOne(
          { key },
          { $setOnInsert: { key, from, to, source: ma.text, text: mb.text, origin: 'phrasebook', bad: false, updatedAt: clock() } },
          { upsert: true },
        ).catch((err) => {
          if ((err as { code?: number }).code === 11000) return { upsertedCount: 0 };
          throw err;
        });
        n += r.upsertedCount ?? 0;
      };
      for (const [zh, en, ru] of PHRASEBOOK) {
        await put('zh', 'en', zh, en);
        await put('zh', 'ru', zh, ru);
      }
      for (const [zh, en, ru] of MANAGER_PHRASES) {
        await put('en', 'zh', en, zh);
        await put('ru', 'zh', ru, zh);
      }
      return n;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
  };
}
