// `npm run bench -- reports`: a monthly report over 100,000 orders (1,000 suppliers, three
// currencies converted at daily rates): time to write the XLSX and the PDF, and the peak RSS
// while writing (sampled every 50 ms; target: streamed, under 300 MB).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Manager } from '../shared/managers/model.js';
import { ExchangeRate } from '../shared/money/index.js';
import { MILESTONES, Order, computeNext } from '../shared/orders/index.js';
import { periodRange } from '../shared/reports/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { round, rssMb, startBenchDb, type Figures } from './support.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORDERS = 100_000;
const SUPPLIERS = 1000;
const DAY = 86_400_000;

/** Run one export in a child process (its peak RSS is the export's own). */
function exportInChild(
  format: 'xlsx' | 'pdf' | 'csv',
  db: { uri: string; name: string },
  from: string,
  to: string,
  path: string,
): { s: number; peakMb: number; bytes: number; orders: number; total: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'report-child.ts'), format, db.uri, db.name, from, to, path], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn' },
    timeout: 900_000,
  });
  if (r.status !== 0) throw new Error(`export ${format} failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const dir = mkdtempSync(join(tmpdir(), 'gendan-bench-reports-'));
  try {
    const managers = await Manager.insertMany(Array.from({ length: 20 }, (_, i) => ({ name: `经理 ${i}` })));
    const suppliers = await Supplier.insertMany(
      Array.from({ length: SUPPLIERS }, (_, i) => ({ code: `R${String(i).padStart(4, '0')}`, name: `深圳市第${i}电子有限公司`, managerId: managers[i % 20]!._id })),
    );
    const month = periodRange('month', '2026-10-15');
    const rates = [];
    for (let d = Date.parse('2026-09-01'); d < Date.parse('2026-11-01'); d += DAY) {
      const day = new Date(d).toISOString().slice(0, 10);
      rates.push({ pair: 'CNY/USD', day, rate: (0.138 + ((d / DAY) % 7) * 0.0001).toFixed(4), source: 'bench' }, { pair: 'EUR/USD', day, rate: '1.0800', source: 'bench' });
    }
    await ExchangeRate.insertMany(rates);
    const t0 = performance.now();
    let batch: object[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const s = suppliers[i % SUPPLIERS]!;
      const created = new Date(Date.parse(`${month.from}T00:00:00Z`) + (i % 31) * DAY + (i % 1000) * 60_000);
      const cur = (['USD', 'CNY', 'EUR'] as const)[i % 3];
      const milestones = Object.fromEntries(
        MILESTONES.map((m, k) => {
          const planned = new Date(created.getTime() + (k - 2) * 7 * DAY);
          const done = k < 2;
          return [m, { status: done ? 'done' : 'pending', planned, actual: done ? new Date(planned.getTime() + ((i + k) % 4) * DAY) : undefined, replanned: 0, photos: [] }];
        }),
      );
      batch.push({
        number: `PO-${i}`,
        supplierId: s._id,
        supplierCode: s.code,
        managerId: s.managerId,
        currency: cur,
        lines: [
          { item: '电机 220V', qty: 100 + (i % 50), unitPrice: `${10 + (i % 9)}.${i % 100}`, currency: cur },
          { item: 'Bracket', qty: 10, unitPrice: '1.2345', currency: cur },
        ],
        milestones,
        next: computeNext(milestones as never),
        status: 'open',
        customs: i % 97 === 0 ? { status: 'held', heldAt: created, reason: '海关查验' } : { status: 'none' },
        version: 0,
        createdAt: created,
        updatedAt: created,
      });
      if (batch.length === 5000) await Order.insertMany(batch.splice(0), { ordered: false, lean: true });
    }
    if (batch.length) await Order.insertMany(batch, { ordered: false, lean: true });
    batch = [];
    const loadS = (performance.now() - t0) / 1000;
    await new Promise((ok) => setTimeout(ok, 2000)); // the engine's GIN twins catch up
    // A raw pass over the same orders through the driver, for the record: what reading costs.
    const r0 = performance.now();
    let n = 0;
    for await (const _ of Order.find({}).lean().cursor({ batchSize: 500 })) n++;
    const rawReadS = (performance.now() - r0) / 1000;
    const xlsx = exportInChild('xlsx', db, month.from, month.to, join(dir, 'r.xlsx'));
    const pdf = exportInChild('pdf', db, month.from, month.to, join(dir, 'r.pdf'));
    const csv = exportInChild('csv', db, month.from, month.to, join(dir, 'r.csv'));
    return {
      orders: ORDERS,
      orders_in_report: xlsx.orders,
      load_s: round(loadS, 1),
      raw_cursor_read_s: round(rawReadS, 1),
      raw_cursor_orders: n,
      total_usd: xlsx.total,
      xlsx_s: round(xlsx.s, 1),
      xlsx_mb: round(xlsx.bytes / 1024 / 1024, 1),
      'xlsx peak rss mb': xlsx.peakMb,
      pdf_s: round(pdf.s, 1),
      pdf_kb: round(pdf.bytes / 1024, 0),
      'pdf peak rss mb': pdf.peakMb,
      csv_s: round(csv.s, 1),
      'csv peak rss mb': csv.peakMb,
      rss_mb: rssMb(),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.stop();
  }
}
