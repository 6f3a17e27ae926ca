// Translation: every stored message translated automatically, terms intact, memory first,
// never blocking the store and never lost. The domain's only door (see CONTEXT.md).
export { detectLang } from './detect.js';
export { protect, restore } from './terms.js';
export { TranslationMemory } from './model.js';
export { createTmtProvider, createOpenAiProvider, ProviderError, RateLimiter, type TranslationProvider, type ProviderLang } from './providers.js';
export { chunkText, memoryKey, normalise } from './text.js';
export { createTranslationService, type TargetLang, type TranslatedText, type TranslationService, type TranslationServiceOptions } from './service.js';
export { checkRoutes, PROVIDER_LANGS } from './routes.js';
export { managerLanguagesInUse } from './messages.js';
export { partnerLangOf, supplierLang, type PartnerLang } from './partner.js';
