// Every console locale has every key of the English one (and no stray keys), with the same
// {{placeholders}}; a new English key without its Russian, Chinese or Azerbaijani text fails here.
import { expect } from 'chai';

// The console module reads the browser's language and storage when loaded: minimal stand-ins,
// removed right after (browser-like globals break the OpenAI client other suites use).
const STANDINS: Record<string, unknown> = { navigator: { language: 'en' }, localStorage: { getItem: () => null, setItem: () => undefined }, document: { documentElement: {} } };

type ConsoleI18n = {
  resources: Record<string, Record<string, string>>;
  default: { changeLanguage(l: string): Promise<unknown>; t(key: string, vars?: Record<string, unknown>): string };
  fmtCount(n: unknown): string;
  fmtPercent(n: unknown, digits?: number): string;
  fmtMoney(n: unknown, currency?: string): string;
};

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('console locales: every key in every language', () => {
  let resources: Record<string, Record<string, string>>;
  let ui: ConsoleI18n;
  before(async () => {
    const g = globalThis as Record<string, unknown>;
    const added = Object.keys(STANDINS).filter((k) => !(k in g));
    for (const k of added) Object.defineProperty(g, k, { value: STANDINS[k], configurable: true, writable: true });
    try {
      // A path in a variable: the console is type-checked with its own tsconfig (DOM), not this one.
      const path = '../../server/console/web/src/i18n.js';
      ui = (await import(path)) as ConsoleI18n;
      ({ resources } = ui);
    } finally {
      for (const k of added) delete g[k];
    }
  });

  it('has en, ru, zh and az', () => {
    expect(Object.keys(resources).sort()).to.deep.equal(['az', 'en', 'ru', 'zh']);
  });

  for (const lang of ['ru', 'zh', 'az']) {
    it(`${lang}: the keys of en, no more, none empty, same placeholders`, () => {
      const en = resources.en!;
      const other = resources[lang]!;
      expect(
        Object.keys(en).filter((k) => !(k in other)),
        `missing in ${lang}`,
      ).to.deep.equal([]);
      expect(
        Object.keys(other).filter((k) => !(k in en)),
        `not in en`,
      ).to.deep.equal([]);
      expect(
        Object.keys(other).filter((k) => !other[k]!.trim()),
        'empty',
      ).to.deep.equal([]);
      expect(
        Object.keys(en).filter((k) => placeholders(en[k]!).join() !== placeholders(other[k]!).join()),
        'placeholders differ',
      ).to.deep.equal([]);
    });
  }

  it('az is Azerbaijani, not English copied over', () => {
    const { en, az } = resources as { en: Record<string, string>; az: Record<string, string> };
    const same = Object.keys(en).filter((k) => en[k] === az[k] && /[a-z]{4}/i.test(en[k]!));
    // A few words are the same in both (OK, API, Incoterms, Status …).
    expect(same.length, same.join(', ')).to.be.below(10);
    expect(az.inbox).to.equal('Gələnlər');
  });

  it('one number family in the UI language: counts, shares, amounts and numbers inside UI strings', async () => {
    const { default: i18n, fmtCount, fmtPercent, fmtMoney } = ui;
    const seen: Record<string, string[]> = {};
    for (const lng of ['az', 'ru', 'en']) {
      await i18n.changeLanguage(lng);
      seen[lng] = [fmtCount(1234.5), fmtPercent(0.125), fmtMoney('246900', 'USD'), i18n.t('daysLate', { n: 1234 })];
    }
    await i18n.changeLanguage('en');
    expect(seen.az).to.deep.equal(['1.234,5', '12,5%', '246.900,00 USD', '1.234 gün gecikmə']);
    expect(seen.ru).to.deep.equal(['1\u00a0234,5', '12,5\u00a0%', '246\u00a0900,00 USD', 'опоздание 1\u00a0234 дн.']);
    expect(seen.en).to.deep.equal(['1,234.5', '12.5%', '246,900.00 USD', '1,234 d late']);
  });
});
