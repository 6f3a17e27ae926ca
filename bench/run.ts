// `npm run bench` runs every bench/<name>.bench.ts; `npm run bench -- NAME` runs one. Each
// benchmark's default export returns its figures, printed last as `key: value` lines.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'warn';

// Ctrl-C or kill: exit normally, so the embedded database's exit handler stops PostgreSQL.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n== bench ${name} ==`);
  try {
    const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { default: () => Promise<Record<string, string | number>> };
    const figures = await mod.default();
    for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
  } catch (err) {
    failed = true;
    console.error(`bench ${name} failed:`, err);
  }
}
process.exit(failed ? 1 : 0);
