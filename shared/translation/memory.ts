// Translation memory: exact-match entries keyed by the masked, normalised source (machine
// results, phrasebook lines, human corrections), flagged bad by staff.
import { TranslationMemory } from './model.js';
import { MANAGER_PHRASES, PHRASEBOOK } from './phrasebook.js';
import { memoryKey } from './text.js';
import { protect } from './terms.js';

export interface Memory {
  recall(key: string): Promise<{ text: string; origin: 'phrasebook' | 'machine' | 'correction'; bad?: boolean; provider?: string } | null>;
  remember(from: string, to: string, source: string, text: string, origin: 'machine' | 'correction', provider?: string, by?: unknown): Promise<void>;
  /** Load the phrasebook (never overwriting an entry); returns how many were added. */
  seedPhrasebook(): Promise<number>;
}

export function createMemory(clock: () => Date): Memory {
  async function recall(key: string) {
    return TranslationMemory.findOne({ key }).lean<{ text: string; origin: 'phrasebook' | 'machine' | 'correction'; bad?: boolean; provider?: string }>();
  }
  async function remember(from: string, to: string, source: string, text: string, origin: 'machine' | 'correction', provider?: string, by?: unknown) {
    const key = memoryKey(from, to, source);
    await TranslationMemory.updateOne({ key }, { $set: { from, to, source, text, origin, provider, by, bad: false, updatedAt: clock() } }, { upsert: true }).catch((err) => {
      if ((err as { code?: number }).code !== 11000) throw err;
    });
  }
  async function seedPhrasebook() {
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
  }

  return { recall, remember, seedPhrasebook };
}
