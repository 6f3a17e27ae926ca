// Translating stored messages: each message's language detected, its targets chosen (Chinese for
// our side; the thread's or the managers' languages for the supplier's), results written back
// with a status that says why when a translation is missing.
import type { Config } from '../config/index.js';
import { touchThread } from '../live/index.js';
import { metrics } from '../metrics/index.js';
import { Manager } from '../managers/model.js';
import { Message, Thread, type Lang, type MessageDoc, type ThreadDoc } from '../threads/model.js';
import { detectLang } from './detect.js';
import type { Engine, Unit, UnitResult } from './engine.js';
import type { ProviderLang, TranslationProvider } from './providers.js';

type TargetLang = ProviderLang;

export function createMessageTranslator(opts: { config: Config; engine: Engine; providers: TranslationProvider[]; clock: () => Date }) {
  const { config, providers, clock } = opts;
  const { translateUnits, usable } = opts.engine;

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
        await Message.updateOne({ _id: p.msg._id, translationStatus: 'pending' }, { $set: { ...set, translationError: why }, $inc: { translationAttempts: 1 } });
      }
    }
    // The console shows translations live: mark the threads changed (best effort).
    const threadIds = new Set(list.map((x) => String(x.msg.threadId)));
    await Promise.all([...threadIds].map((id) => touchThread({ _id: id }, clock()).catch(() => undefined)));
    metrics.messagesTranslated.inc(done);
    return done;
  }

  return { translateMessages };
}
