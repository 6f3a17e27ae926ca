// Root hooks (loaded first through .mocharc "file", as ESM like every spec, so modules are
// shared): the real database starts once per run, every test starts from empty collections,
// and everything is stopped at the end (bounded, so a run always ends). Like the composition
// root (scripts/start.ts), they wire the reactions (KPIs, price history) with the
// configuration's defaults; every in-process cache is emptied before each test.
import './support/env.js';
import { resetCaches } from '../shared/cache/index.js';
import { cleanDb, ensureIndexes, startTestDb, stopTestDb } from './support/db.js';

const bounded = <T>(p: Promise<T>, ms: number, what: string) => Promise.race([p, new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`${what} took over ${ms} ms`)), ms).unref())]);

before(async function () {
  this.timeout(120_000);
  await startTestDb();
  await import('../shared/models.js'); // register every model, so indexes exist before tests
  // Like the composition root: the reactions on the process's bus (KPIs, price history), with
  // the configuration's defaults.
  const { wireTestReactions } = await import('./support/reactions.js');
  wireTestReactions();
  await ensureIndexes();
});

beforeEach(async () => {
  resetCaches();
  await cleanDb();
});

after(async function () {
  this.timeout(30_000);
  await bounded(stopTestDb(), 25_000, 'stopping the test database');
});
