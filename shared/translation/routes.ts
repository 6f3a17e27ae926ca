// Translation routed per language pair: TRANSLATION_ROUTES names the providers of a pair (in
// order of preference); a pair not named goes to TRANSLATION_PROVIDER then TRANSLATION_FALLBACK,
// each only when it can translate both languages. Checked at start: a pair the managers need that
// no configured provider can translate is a start error naming the pair.
import { ConfigError, type Config } from '../config/index.js';
import type { ProviderLang, ProviderName, TranslationProvider } from './providers.js';

/** The languages each provider translates ('any': a general model). TMT: its TextTranslate list. */
export const PROVIDER_LANGS: Record<ProviderName, readonly string[] | 'any'> = {
  tmt: ['zh', 'zh-TW', 'en', 'ja', 'ko', 'fr', 'es', 'it', 'de', 'tr', 'ru', 'pt', 'vi', 'id', 'th', 'ms', 'ar', 'hi'],
  openai: 'any',
};

export const supports = (p: ProviderName, lang: string): boolean => {
  const langs = PROVIDER_LANGS[p];
  return langs === 'any' || langs.includes(lang);
};

export type RouteFor = (from: ProviderLang, to: ProviderLang) => TranslationProvider[];

/**
 * The providers of each pair. `chain` is the default order (TRANSLATION_PROVIDER, then
 * TRANSLATION_FALLBACK, or the providers a test passes); `make` builds a routed provider the
 * chain does not hold.
 */
export function createRouter(config: Config, chain: TranslationProvider[], make: (name: ProviderName) => TranslationProvider | undefined): { route: RouteFor; all: TranslationProvider[] } {
  const pool = new Map<string, TranslationProvider>(chain.map((p) => [p.name, p]));
  const named = (name: ProviderName) => {
    if (!pool.has(name)) {
      const p = make(name);
      if (p) pool.set(name, p);
    }
    return pool.get(name);
  };
  const table = new Map<string, TranslationProvider[]>();
  for (const r of config.translation.routes) {
    const list = r.providers.map(named).filter((p): p is TranslationProvider => Boolean(p));
    table.set(`${r.a}>${r.b}`, list);
    table.set(`${r.b}>${r.a}`, list);
  }
  const route: RouteFor = (from, to) => table.get(`${from}>${to}`) ?? chain.filter((p) => supports(p.name, from) && supports(p.name, to));
  return { route, all: [...pool.values()] };
}

/** Every provider the configuration names (default chain and routes). */
export function configuredProviders(config: Config): ProviderName[] {
  const names = new Set<ProviderName>();
  for (const n of [config.translation.provider, config.translation.fallback]) if (n !== 'none') names.add(n);
  for (const r of config.translation.routes) for (const p of r.providers) names.add(p);
  return [...names];
}

/**
 * The start check: every route's providers can translate its pair, and every pair between
 * Chinese and a language managers read (`langs`) has a provider. Nothing configured at all is
 * allowed (messages wait as pending, as before). Throws a ConfigError naming each bad pair.
 */
export function checkRoutes(config: Config, langs: readonly string[]): void {
  const problems: string[] = [];
  for (const r of config.translation.routes) {
    for (const p of r.providers) if (!supports(p, r.a) || !supports(p, r.b)) problems.push(`TRANSLATION_ROUTES: ${p} cannot translate ${r.a}-${r.b} (${p} has no ${supports(p, r.a) ? r.b : r.a})`);
  }
  const any = configuredProviders(config);
  if (any.length) {
    const chain = [config.translation.provider, config.translation.fallback].filter((n): n is ProviderName => n !== 'none');
    for (const lang of new Set(langs)) {
      if (lang === 'zh') continue;
      const routed = config.translation.routes.some((r) => (r.a === 'zh' && r.b === lang) || (r.b === 'zh' && r.a === lang));
      if (!routed && !chain.some((p) => supports(p, 'zh') && supports(p, lang)))
        problems.push(`no configured translation provider can translate zh-${lang} (${chain.join(', ') || 'none'}); route it, e.g. TRANSLATION_ROUTES=zh-${lang}:openai`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
}
