// `npm run bench -- backup`: `npm run backup`'s dump (gzipped, mongodump directory format) and
// `npm run restore` of it into an empty database, on orders and messages shaped like the app's.
// Sizes: BENCH_BACKUP_ORDERS (default 20,000) and BENCH_BACKUP_MESSAGES (default 50,000); the
// figures are per document, so the README scales them to 100,000 orders and 1,000,000 messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { backup, restore } from '../shared/db/backup.js';
import { round, startBenchDb, type Figures } from './support.js';

const ORDERS = Number(process.env.BENCH_BACKUP_ORDERS ?? 20_000);
const MESSAGES = Number(process.env.BENCH_BACKUP_MESSAGES ?? 50_000);

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const dir = mkdtempSync(join(tmpdir(), 'gendan-bench-backup-'));
  const target = mongoose.connection.getClient().db(`${db.name}_restored`);
  try {
    const d = mongoose.connection.db!;
    const t0 = performance.now();
    for (let i = 0; i < ORDERS; i += 2500) {
      await d.collection('orders').insertMany(
        Array.from({ length: Math.min(2500, ORDERS - i) }, (_, k) => ({
          number: `PO-${i + k}`,
          supplierId: new mongoose.Types.ObjectId(),
          supplierCode: `S${(i + k) % 1000}`,
          currency: 'USD',
          lines: [{ item: '电机 220V', qty: 100, unitPrice: '10.25', currency: 'USD' }],
          milestones: { materials: { status: 'done', planned: new Date(), actual: new Date(), replanned: 0, photos: [] } },
          status: 'open',
          version: 0,
          createdAt: new Date(),
        })),
      );
    }
    for (let i = 0; i < MESSAGES; i += 2500) {
      await d.collection('messages').insertMany(
        Array.from({ length: Math.min(2500, MESSAGES - i) }, (_, k) => ({
          threadId: new mongoose.Types.ObjectId(),
          puppetId: `p${i + k}`,
          dedupeKey: `k${i + k}`,
          direction: 'in',
          type: 'text',
          text: `第${i + k}条：PO-2026-${(i + k) % 300} 的大货进度更新，预计${((i + k) % 28) + 1}号完成。`,
          ts: new Date(),
          translations: { en: { text: `Message ${i + k}: bulk production update`, source: 'machine', at: new Date() } },
          translationStatus: 'done',
        })),
      );
    }
    const seedS = (performance.now() - t0) / 1000;
    const docs = ORDERS + MESSAGES;
    const out = join(dir, 'dump');
    const t1 = performance.now();
    const m = await backup({ db: d, out, gzip: true });
    const backupS = (performance.now() - t1) / 1000;
    await target.dropDatabase();
    const t2 = performance.now();
    const r = await restore({ db: target, from: out });
    const restoreS = (performance.now() - t2) / 1000;
    const restored = r.collections.reduce((a, c) => a + c.count, 0);
    const dumped = m.collections.reduce((a, c) => a + c.count, 0);
    return {
      orders: ORDERS,
      messages: MESSAGES,
      seed_s: round(seedS, 1),
      documents_dumped: dumped,
      documents_restored: restored,
      backup_s: round(backupS, 1),
      'backup docs/s': round(docs / backupS, 0),
      restore_s: round(restoreS, 1),
      'restore docs/s': round(docs / restoreS, 0),
      'backup 100k orders + 1M messages, est. min': round(1_100_000 / (docs / backupS) / 60, 0),
      'restore 100k orders + 1M messages, est. min': round(1_100_000 / (docs / restoreS) / 60, 0),
    };
  } finally {
    await target.dropDatabase().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await db.stop();
  }
}
