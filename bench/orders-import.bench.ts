// `npm run bench -- orders-import`: (1) import (bench/orders-import-child.ts, a process of its own) of an XLSX of 10,000 lines (2,000 POs, 5 lines
// each) through the domain's import (read, check, compare, write with history, board rows and
// supplier lists), lines per second and peak RSS, beside inserting the same orders straight
// through the driver in the same run (`import ratio` = import rate ÷ driver rate); (2) the board
// API's latency with 1,000 open orders among 100,000 (head: all open; a scoped manager: theirs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { managerToken } from '../shared/auth/index.js';
import { loadConfig } from '../shared/config/index.js';
import { Manager } from '../shared/managers/model.js';
import { MILESTONES, Order, OrderBoardRow, OrderIndex, OrderIndexHead, boardDocOf, clearBoardCache, computeNext, rebuildOrderIndex, type OrderDoc } from '../shared/orders/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { startServer } from '../server/index.js';
import { percentile, round, startBenchDb, type Figures } from './support.js';
// @ts-expect-error the build script is plain JavaScript (no types)
import { bundle } from '../scripts/build-server.mjs';

const POS = 2000;
const LINES = 5;
const SUPPLIERS = 20;
const BOARD_TOTAL = 100_000;
const BOARD_OPEN = 1000;
const DAY = 86_400_000;
const here = dirname(fileURLToPath(import.meta.url));
const say = (what: string) => console.error(`[orders-import] ${new Date().toISOString().slice(11, 19)} ${what}`);

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const dir = mkdtempSync(join(tmpdir(), 'gendan-import-bench-'));
  const config = loadConfig({ SESSION_SECRET: 'bench-secret-0123456789-0123456789-abc', PORT: '0', LOG_LEVEL: 'warn' });
  try {
    const managers = await Promise.all(Array.from({ length: 10 }, (_, i) => Manager.create({ name: `Manager ${i}`, role: 'manager', language: 'en', seesAll: false })));
    const suppliers = await Promise.all(
      Array.from({ length: SUPPLIERS }, (_, i) => Supplier.create({ code: `C${String(i + 10).padStart(2, '0')}`, name: `工厂${i}`, managerId: managers[i % 10]!._id })),
    );
    const base = Date.UTC(2026, 11, 1);

    // ---- the file: 10,000 lines, written with exceljs' streaming writer ----
    const file = join(dir, 'orders.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
    const ws = wb.addWorksheet('Orders');
    ws.addRow(['PO number', 'Supplier code', 'Item', 'SKU', 'Quantity', 'Unit', 'Unit price', 'Currency', 'Incoterms', 'Shipment', 'Delivery']).commit();
    const rowsOf = (p: number) =>
      Array.from({ length: LINES }, (_, l) => [
        `PO-BENCH-${String(p).padStart(5, '0')}`,
        suppliers[p % SUPPLIERS]!.code,
        `Item ${p % 300}-${l}`,
        `SKU-${l}`,
        100 + l,
        'pcs',
        (10 + (p % 50) / 4).toFixed(2),
        'USD',
        'FOB',
        new Date(base + (p % 60) * DAY),
        new Date(base + ((p % 60) + 40) * DAY),
      ]);
    for (let p = 0; p < POS; p++) for (const r of rowsOf(p)) ws.addRow(r).commit();
    ws.commit();
    await wb.commit();

    say("file written; the import runs in a process of its own (its peak RSS is the import's)");
    // The child runs as `npm start` runs the product: bundled (scripts/build-server.mjs), plain Node.
    // BENCH_IMPORT_TSX=1: through the TypeScript loader instead, to compare.
    const child = process.env.BENCH_IMPORT_TSX
      ? ['--import', 'tsx', join(here, 'orders-import-child.ts')]
      : ['--enable-source-maps', await bundle(join(here, 'orders-import-child.ts'), 'bench-orders-import-child')];
    const r = spawnSync(process.execPath, [...child, db.uri, db.name, file], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: process.env.IMPORT_PROFILE ? 'debug' : 'warn' },
      timeout: 900_000,
    });
    if (process.env.IMPORT_PROFILE)
      console.error(
        `${r.stdout}\n${r.stderr}`
          .split('\n')
          .filter((l) => l.includes('"phase"'))
          .join('\n'),
      );
    if (r.status !== 0) throw new Error(`import child failed: ${r.stderr || r.error?.message}`);
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`import child printed no result: ${r.stdout.slice(-2000)} ${r.stderr.slice(-2000)}`);
    const imp = JSON.parse(line.slice('RESULT '.length)) as Record<string, number | string>;
    say(`import: ${JSON.stringify(imp)}; seeding the board`);
    if (process.env.BENCH_IMPORT_ONLY) return imp; // the import half alone (profiling it: IMPORT_PROFILE=1)
    // The board counts exactly 1,000 open orders: the import's (and the driver's) are closed first.
    await Order.updateMany({ status: 'open' }, { $set: { status: 'closed' } });
    await Promise.all([OrderBoardRow.updateMany({ state: 'open' }, { $set: { state: 'closed' } }), OrderIndex.deleteMany({}), OrderIndexHead.deleteMany({})]);
    // ---- the board: 1,000 open orders among 100,000 ----
    const t = performance.now();
    for (let i = 0; i < BOARD_TOTAL; i += 2000) {
      const docs = Array.from({ length: Math.min(2000, BOARD_TOTAL - i) }, (_, k) => {
        const n = i + k;
        const s = suppliers[(n + Math.floor(n / 100)) % SUPPLIERS]!; // open ones spread over the suppliers too
        const open = n % (BOARD_TOTAL / BOARD_OPEN) === 0;
        const milestones = Object.fromEntries(
          MILESTONES.map((m, j) => [m, { status: open && j > 1 ? 'pending' : 'done', planned: new Date(base + ((n % 90) - 30 + j * 7) * DAY), photos: [], replanned: 0 }]),
        );
        const next = computeNext(milestones as never);
        return {
          _id: new Types.ObjectId(),
          number: `PO-B-${String(n).padStart(6, '0')}`,
          supplierId: s._id,
          supplierCode: s.code,
          managerId: s.managerId,
          currency: 'USD',
          lines: [{ item: 'Motor', qty: 100, unit: 'pcs', unitPrice: '12.50', currency: 'USD' }],
          milestones,
          next: next ?? null,
          dueDay: next?.dueDay ?? null,
          status: open ? 'open' : 'closed',
          customs: { status: 'none' },
          version: 0,
          createdAt: new Date(),
          updatedAt: new Date(),
        };
      });
      await Order.collection.insertMany(docs, { ordered: false });
      await OrderBoardRow.collection.insertMany(docs.map((d) => boardDocOf(d as unknown as OrderDoc)) as never[], { ordered: false });
      if (i % 20_000 === 0) say(`seeding ${i}`);
    }
    for (const s of suppliers) await rebuildOrderIndex(s._id); // the suppliers' lists (the board reads them)
    const seedS = (performance.now() - t) / 1000;
    say(`seeded ${BOARD_TOTAL} in ${Math.round(seedS)} s; measuring the board`);
    await new Promise((ok) => setTimeout(ok, 2000)); // the engine's GIN twins

    const head = await Manager.create({ name: 'Head', role: 'head', language: 'en' });
    const server = await startServer(config);
    const measure = async (token: string, n: number, query = '', cold = false, check?: (item: { supplierCode: string }) => boolean) => {
      const times: number[] = [];
      let items = 0;
      for (let i = 0; i < n; i++) {
        if (cold) clearBoardCache();
        const s = performance.now();
        const r = await fetch(`${server.url}/api/orders/board${query}`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await r.json()) as { items: unknown[] };
        times.push(performance.now() - s);
        if (r.status !== 200) throw new Error(`board answered ${r.status}`);
        items = body.items.length;
        if (check && body.items.some((x) => !check(x as { supplierCode: string })))
          throw new Error(`the board showed orders outside the viewer's scope: ${[...new Set((body.items as { supplierCode: string }[]).map((x) => x.supplierCode))].join(',')}`);
      }
      times.sort((a, b) => a - b);
      return { p50: round(percentile(times, 50), 1), p99: round(percentile(times, 99), 1), items };
    };
    const headToken = await managerToken(config, String(head._id));
    const mToken = await managerToken(config, String(managers[0]!._id));
    await measure(headToken, 5); // warm
    const all = await measure(headToken, 100);
    const overdue = await measure(headToken, 50, '?view=overdue');
    const mineCodes = new Set(suppliers.filter((x) => String(x.managerId) === String(managers[0]!._id)).map((x) => x.code));
    const mine = await measure(mToken, 100, '', false, (x) => mineCodes.has(x.supplierCode));
    const cold = await measure(headToken, 30, '', true);
    await server.close();
    say('board measured');
    return {
      ...imp,
      board_orders_total: BOARD_TOTAL,
      board_orders_open: BOARD_OPEN,
      board_seed_s: round(seedS, 1),
      board_head_items: all.items,
      board_head_p50_ms: all.p50,
      board_head_p99_ms: all.p99,
      board_head_overdue_p99_ms: overdue.p99,
      board_head_cold_p50_ms: cold.p50,
      board_head_cold_p99_ms: cold.p99,
      board_manager_items: mine.items,
      board_manager_p50_ms: mine.p50,
      board_manager_p99_ms: mine.p99,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.stop();
  }
}
