// What the one-off commands (backup, restore, issue-token) share: open the configured database,
// do one thing, report a failure in one line (exit 1, no stack trace), close, exit.
import type { Config } from '../shared/config/index.js';
import { openDatabase } from '../shared/db/index.js';

export async function runOnDatabase(config: Config, what: string, fn: () => Promise<void>): Promise<never> {
  const db = await openDatabase(config);
  let code = 0;
  try {
    await fn();
  } catch (err) {
    console.error(`gendan: ${what} failed: ${(err as Error).message}`);
    code = 1;
  } finally {
    await db.close();
  }
  // Exit explicitly, as scripts/start.ts does: the embedded PostgreSQL package's own exit hook
  // throws when the event loop simply runs dry after we stopped it ourselves.
  process.exit(code);
}
