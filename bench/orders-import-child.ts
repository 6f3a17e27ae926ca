// The import half of `npm run bench -- orders-import`, in a process of its own so its peak RSS
// is the import's: the same 2,000 orders (10,000 lines) straight through the driver, then the
// import of the file (dry run, confirmed, and the same file again). Prints one JSON line.
import { Types } from 'mongoose';
import { SYSTEM_VIEWER } from '../shared/access/index.js';
import { connectMongoose } from '../shared/db/index.js';
import { events } from '../shared/events/index.js';
import '../shared/models.js';
import { MILESTONES, Order, importListenersPending, importOrders, scanFields } from '../shared/orders/index.js';
import { wireReactions } from '../shared/reactions.js';
import { Supplier, type SupplierDoc } from '../shared/suppliers/index.js';
import { loadConfig } from '../shared/config/index.js';

wireReactions(events, { settings: loadConfig({}) }); // as the server process runs: KPIs and price history listen
const [uri, name, file] = process.argv.slice(2) as [string, string, string];
await connectMongoose(uri, name, 5);
const POS = 2000;
const LINES = 5;
const DAY = 86_400_000;
const base = Date.UTC(2026, 11, 1);
const round = (x: number, d = 2) => Number(x.toFixed(d));
const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const suppliers = (await Supplier.find({}).lean<SupplierDoc[]>()).sort((a, b) => a.code.localeCompare(b.code));
const rowsOf = (p: number) => Array.from({ length: LINES }, (_, l) => [`Item ${p % 300}-${l}`, `SKU-${l}`, 100 + l, (10 + (p % 50) / 4).toFixed(2)] as const);
let raw: Record<string, unknown>[] | undefined = Array.from({ length: POS }, (_, p) => {
  const s = suppliers[p % suppliers.length]!;
  const milestones = Object.fromEntries(
    MILESTONES.map((m) => [
      m,
      {
        status: 'pending',
        ...(m === 'shipped' ? { planned: new Date(base + (p % 60) * DAY) } : m === 'delivered' ? { planned: new Date(base + ((p % 60) + 40) * DAY) } : {}),
        photos: [],
        replanned: 0,
      },
    ]),
  );
  return {
    _id: new Types.ObjectId(),
    number: `PO-RAW-${String(p).padStart(5, '0')}`,
    supplierId: s._id,
    supplierCode: s.code,
    managerId: s.managerId,
    incoterms: 'FOB',
    currency: 'USD',
    lines: rowsOf(p).map((r) => ({ item: r[0], sku: r[1], qty: r[2], unit: 'pcs', unitPrice: r[3], currency: 'USD' })),
    milestones,
    ...scanFields(milestones as never), // as the import stores them
    status: 'open',
    customs: { status: 'none' },
    version: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
});
// ---- the same orders straight through the driver ----
let t = performance.now();
for (let i = 0; i < raw.length; i += 500) await Order.collection.insertMany(raw.slice(i, i + 500), { ordered: false });
const rawMs = performance.now() - t;
raw = undefined; // the driver's data is not the import's: let it go before the import is measured

// ---- the import (dry run, then confirmed), sampling RSS ----
let peak = rssMb();
const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 25);
t = performance.now();
const dry = await importOrders(SYSTEM_VIEWER, file, { confirm: false, maxRows: 20_000, by: 'import:bench' });
const dryMs = performance.now() - t;
// Each stage's own peak too (where the memory goes).
const dryPeak = Math.max(peak, rssMb());
let stageMax = rssMb();
const stageSampler = setInterval(() => (stageMax = Math.max(stageMax, rssMb())), 25);
t = performance.now();
const res = await importOrders(SYSTEM_VIEWER, file, { confirm: true, maxRows: 20_000, by: 'import:bench' });
const importMs = performance.now() - t;
const importPeak = Math.max(stageMax, rssMb());
stageMax = rssMb();
t = performance.now();
const again = await importOrders(SYSTEM_VIEWER, file, { confirm: true, maxRows: 20_000, by: 'import:bench' });
const againMs = performance.now() - t;
const againPeak = Math.max(stageMax, rssMb());
clearInterval(stageSampler);
clearInterval(sampler);
if (!res.written || res.counts.create !== POS || dry.counts.problems || again.counts.unchanged !== POS)
  throw new Error(`import went wrong: ${JSON.stringify({ dry: dry.counts, res: res.counts, again: again.counts })}`);
const lines = POS * LINES;
// The listeners (KPIs, price history) hear of the new orders in the background: how far
// they get in 30 s is their rate (they run on after the import has answered).
const pendingAtEnd = importListenersPending();
await new Promise((ok) => setTimeout(ok, 30_000));
const listenersPerS = (pendingAtEnd - importListenersPending()) / 30;

peak = Math.max(peak, rssMb());
console.log(
  'RESULT ' +
    JSON.stringify({
      lines,
      orders: POS,
      import_dry_run_s: round(dryMs / 1000),
      import_s: round(importMs / 1000),
      import_lines_per_s: round(lines / (importMs / 1000), 1),
      driver_insert_s: round(rawMs / 1000),
      driver_lines_per_s: round(lines / (rawMs / 1000), 1),
      'import ratio': round(rawMs / importMs),
      import_again_unchanged_s: round(againMs / 1000),
      'peak RSS MB': peak,
      peak_rss_mb_by_stage: `dry_run: ${dryPeak}, import: ${importPeak}, again: ${againPeak}`,
      listener_orders_per_s_after_import: round(listenersPerS, 1),
      listener_orders_pending_at_exit: importListenersPending(),
    }),
);
// Exit at once: the listeners still at work stop with the process (the server would go on).
process.exit(0);
