// A local stand-in for an OpenAI-compatible endpoint, for trying Azerbaijani (or any routed pair)
// in the sandbox without a key: the test fake (test/fakes/openai.ts), which answers every text
// as "〔az〕<original>". Prints the .env lines to use. Stop with Ctrl+C.
//   npx tsx scripts/fake-openai.ts [port]
import { startOpenAiFake } from '../test/fakes/openai.js';

const fake = await startOpenAiFake(Number(process.argv[2] ?? 0) || undefined);
console.log(`Fake OpenAI-compatible endpoint on ${fake.baseURL}. In .env:`);
console.log(`  OPENAI_API_KEY=sk-fake\n  OPENAI_BASE_URL=${fake.baseURL}\n  OPENAI_MODEL=fake`);
process.once('SIGINT', () => void fake.close().then(() => process.exit(0)));
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
