// A translation service on the TMT fake (test/fakes/tmt.ts), as the tests of notices, claims and
// commands build it: batched for 10 ms; `failFast`: the provider tries once, 2 s at most, so a
// test of a failing provider does not wait for retries.
import { loadConfig, type Config } from '../../shared/config/index.js';
import { createTmtProvider, createTranslationService, type TranslationService } from '../../shared/translation/index.js';
import type { TmtFake } from '../fakes/tmt.js';

/** The configuration keys that point the TMT provider at the fake. */
export const tmtEnv = (tmt: TmtFake) => ({ TRANSLATION_PROVIDER: 'tmt', TENCENT_SECRET_ID: tmt.secretId, TENCENT_SECRET_KEY: tmt.secretKey, TMT_ENDPOINT: tmt.endpoint, TMT_PROTOCOL: 'http://' });

export function tmtTranslation(tmt: TmtFake, opts: { failFast?: boolean } = {}): { config: Config; translation: TranslationService } {
  const config = loadConfig(tmtEnv(tmt));
  const providers = opts.failFast ? [createTmtProvider(config.translation.tmt, { retries: 0, timeoutSec: 2 })] : undefined;
  return { config, translation: createTranslationService({ config, batchWindowMs: 10, ...(providers ? { providers } : {}) }) };
}
