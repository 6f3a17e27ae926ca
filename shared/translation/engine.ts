// The translation engine: memory first, then the providers in order of preference (quota errors
// pause a provider and fall back), identical texts sent once, long texts chunked, protected
// terms verified and put back.
import { raiseAlert } from '../health/index.js';
import { getLogger } from '../log/index.js';
import { metrics } from '../metrics/index.js';
import type { Memory } from './memory.js';
import { ProviderError, type ProviderLang, type TranslationProvider } from './providers.js';
import { chunkText, memoryKey, normalise } from './text.js';
import { nothingToTranslate, protect, restore, segments } from './terms.js';

const log = getLogger('translation');

export interface Unit {
  text: string;
  from: ProviderLang;
  to: ProviderLang;
}
export interface UnitResult {
  text: string;
  source: 'memory' | 'phrasebook' | 'correction' | 'machine' | 'unchanged';
  provider?: string;
}

export interface Engine {
  /** Translate units; a unit with no result (no provider, provider down) is undefined. */
  translateUnits(units: Unit[]): Promise<(UnitResult | undefined)[]>;
  /** The providers not paused for quota now. */
  usable(): TranslationProvider[];
}

export function createEngine(opts: { providers: TranslationProvider[]; memory: Memory; clock: () => Date; quotaPauseMs: number }): Engine {
  const { providers, memory, clock, quotaPauseMs } = opts;
  const { recall, remember } = memory;
  const pausedUntil = new Map<string, number>();

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
          const res = await p.translate(
            batch.map((i) => texts[i]!),
            from,
            to,
          );
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
          metrics.providerErrors.inc({ provider: p.name, kind: 'quota' });
          log.error({ provider: p.name, err: err.message }, 'translation provider out of quota; falling back');
          await raiseAlert(`translation_quota:${p.name}:${day}`, 'translation_quota', `Translation provider ${p.name} is out of quota (${err.message}). Messages wait as pending.`, clock()).catch(
            () => undefined,
          );
          continue;
        }
        metrics.providerErrors.inc({ provider: p.name, kind: 'error' });
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
    const answer = idx.length
      ? await callProviders(
          idx.map((i) => parts[i]!.trim()),
          from,
          to,
        )
      : { out: [], provider: '' };
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

  return { translateUnits, usable };
}
