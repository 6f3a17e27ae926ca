// Azerbaijani detection (from Turkish and Russian; the writer's language when unsure) and the
// per-pair routing table with its start check.
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../shared/config/index.js';
import { checkRoutes, detectLang } from '../../shared/translation/index.js';

describe('translation: Azerbaijani detection', () => {
  const cases: [string, string | undefined, string][] = [
    ['Salam, sifariş nə vaxt hazır olacaq? Zəhmət olmasa tarixi göndərin.', undefined, 'az'],
    ['Sifarişi sabah göndərin', undefined, 'az'],
    ['Çox sağ olun, gözləyirik', undefined, 'az'],
    ['Yaxşı, sabah', undefined, 'az'],
    ['Merhaba, sipariş ne zaman hazır olacak? Lütfen tarihi gönderin.', undefined, 'other'], // Turkish
    ['Merhaba, sipariş ne zaman hazır olacak? Lütfen tarihi gönderin.', 'az', 'other'], // still Turkish
    ['Когда будет готово? Отправьте дату, пожалуйста.', 'az', 'ru'],
    ['When will PO-7 be ready for shipment?', 'az', 'en'],
    ['PO-7 的大货 ready?', 'az', 'zh'],
    ['ok', 'az', 'az'], // too short to tell: the writer's own language
    ['ok', 'en', 'en'],
    ['ok', 'ru', 'en'], // a Russian writer typing Latin letters writes English
    ['Mal hazirdir, qiymet deyisib', 'az', 'az'], // no diacritics, unsure: the writer's language
    ['Next week', 'en', 'en'], // x and q alone say nothing
    ['Next week, quality check of the box', undefined, 'en'],
    ['Next week', 'az', 'az'], // short: the writer's own language
  ];
  for (const [text, prefer, want] of cases) {
    it(`"${text}"${prefer ? ` (writer: ${prefer})` : ''} → ${want}`, () => {
      expect(detectLang(text, prefer as never)).to.equal(want);
    });
  }
});

describe('translation: routes per language pair', () => {
  const base = { TENCENT_SECRET_ID: 'i', TENCENT_SECRET_KEY: 'k', OPENAI_API_KEY: 'k' };

  it('parses pairs in both directions with providers in order', () => {
    const c = loadConfig({ ...base, TRANSLATION_ROUTES: 'zh-en:tmt, zh-ru:tmt|openai ,az-zh:openai' });
    expect(c.translation.routes).to.deep.equal([
      { a: 'zh', b: 'en', providers: ['tmt'] },
      { a: 'zh', b: 'ru', providers: ['tmt', 'openai'] },
      { a: 'az', b: 'zh', providers: ['openai'] },
    ]);
  });

  it('refuses a malformed table, an unknown provider and a pair routed twice', () => {
    for (const bad of ['zh-en', 'zh-xx:tmt', 'zh-en:deepl', 'zh-en:tmt,en-zh:openai', 'zh-zh:tmt']) {
      expect(() => loadConfig({ ...base, TRANSLATION_ROUTES: bad }), bad).to.throw(ConfigError, /TRANSLATION_ROUTES/);
    }
  });

  it('needs the credentials of a routed provider', () => {
    expect(() => loadConfig({ TRANSLATION_ROUTES: 'zh-az:openai' })).to.throw(ConfigError, /OPENAI_API_KEY/);
  });

  it('a route to a provider that lacks a language is a start error naming the pair', () => {
    const c = loadConfig({ ...base, TRANSLATION_ROUTES: 'zh-az:tmt' });
    expect(() => checkRoutes(c, ['en'])).to.throw(ConfigError, /tmt cannot translate zh-az \(tmt has no az\)/);
  });

  it('an az manager with only TMT configured is a start error naming zh-az', () => {
    const c = loadConfig({ ...base, TRANSLATION_PROVIDER: 'tmt', MANAGER_LANGS: 'en,az' });
    expect(() => checkRoutes(c, c.translation.managerLangs)).to.throw(ConfigError, /zh-az/);
    // Routed to OpenAI, the same managers start.
    const ok = loadConfig({ ...base, TRANSLATION_PROVIDER: 'tmt', MANAGER_LANGS: 'en,az', TRANSLATION_ROUTES: 'zh-az:openai' });
    expect(() => checkRoutes(ok, ok.translation.managerLangs)).not.to.throw();
    // OpenAI as the fallback covers az too (it translates any language).
    const fb = loadConfig({ ...base, TRANSLATION_PROVIDER: 'tmt', TRANSLATION_FALLBACK: 'openai', MANAGER_LANGS: 'az' });
    expect(() => checkRoutes(fb, fb.translation.managerLangs)).not.to.throw();
  });

  it('nothing configured at all still starts (messages wait as pending)', () => {
    expect(() => checkRoutes(loadConfig({ MANAGER_LANGS: 'az' }), ['az'])).not.to.throw();
  });
});
