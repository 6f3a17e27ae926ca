// `npm run bench -- api`: GET my-orders (first page of 50) for a supplier with 1,000 orders
// among 10,000, at 50 concurrent connections (autocannon), against the same database queries
// issued straight through the driver at the same concurrency. api ratio = API ÷ raw.
import autocannon from 'autocannon';
import { Types } from 'mongoose';
import { loadConfig } from '../shared/config/index.js';
import { MpBinding, signToken } from '../shared/auth/index.js';
import { Order, OrderIndex, OrderIndexHead, MILESTONES, computeNext, rebuildOrderIndex } from '../shared/orders/index.js';
import { Supplier } from '../shared/suppliers/index.js';
import { startServer } from '../server/index.js';
import { pool, round, rssMb, startBenchDb, type Figures } from './support.js';

const SUPPLIERS = 10;
const PER_SUPPLIER = 1000;
const CONNECTIONS = 50;
const DURATION_S = 10;

export default async function run(): Promise<Figures> {
  const db = await startBenchDb();
  const config = loadConfig({ SESSION_SECRET: 'bench-secret-0123456789-0123456789-abc', PORT: '0', LOG_LEVEL: 'warn' });
  try {
    const suppliers = await Promise.all(Array.from({ length: SUPPLIERS }, (_, i) => Supplier.create({ code: `B${String(i + 10).padStart(2, '0')}`, name: `工厂${i}` })));
    const base = Date.UTC(2026, 10, 1);
    for (const s of suppliers) {
      const docs = Array.from({ length: PER_SUPPLIER }, (_, i) => {
        const milestones = Object.fromEntries(MILESTONES.map((m, k) => [m, { status: 'pending', planned: new Date(base + (i % 60) * 86_400_000 + k * 7 * 86_400_000), photos: [], replanned: 0 }]));
        return {
          number: `PO-${s.code}-${String(i).padStart(5, '0')}`,
          supplierId: s._id,
          supplierCode: s.code,
          currency: 'USD',
          lines: [{ item: 'Motor', qty: 100, unitPrice: '12.50', currency: 'USD' }],
          milestones,
          next: computeNext(milestones as never),
          status: 'open',
          customs: { status: 'none' },
          version: 0,
        };
      });
      await Order.insertMany(docs, { ordered: false });
      await rebuildOrderIndex(s._id);
    }
    const me = suppliers[0]!;
    await MpBinding.create({ openid: 'bench-openid', supplierId: me._id, at: new Date() });
    const token = await signToken(config, { role: 'supplier', openid: 'bench-openid', supplierId: String(me._id), ver: 1 });
    await new Promise((ok) => setTimeout(ok, 1500)); // the engine's GIN twins catch up with new indexes

    // Raw: the same queries through the driver, same concurrency. Per request the API reads the
    // list's head (a tiny revision document) and serves the parsed list it keeps in memory while
    // the rev holds; the token's binding is re-checked at most every 3 s per user. So the raw
    // side issues the head lookup per request. The uncached path (head + list document +
    // supplier code, what a read right after a write costs) is measured too, for the record.
    const rawN = 3000;
    const sid = new Types.ObjectId(String(me._id));
    const rawMs = await pool(
      Array.from({ length: rawN }, (_, i) => i),
      CONNECTIONS,
      async () => {
        await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean();
      },
    );
    const rawRate = rawN / (rawMs / 1000);
    const coldN = 500;
    const coldMs = await pool(
      Array.from({ length: coldN }, (_, i) => i),
      CONNECTIONS,
      async () => {
        await OrderIndexHead.findOne({ supplierId: sid }, { rev: 1 }).lean();
        await OrderIndex.findOne({ supplierId: sid }, { data: 1, rev: 1 }).lean(); // the entries only, as the list reads them
        await Supplier.findOne({ _id: sid }, { code: 1 }).lean();
      },
    );

    const server = await startServer(config);
    const result = await autocannon({
      url: `${server.url}/api/mp/orders`,
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: { authorization: `Bearer ${token}` },
      // The load generator runs in a worker thread: clients are not in the server's process.
      workers: 1,
    });
    await server.close();
    const ok = result['2xx'];
    return {
      orders_in_db: SUPPLIERS * PER_SUPPLIER,
      orders_of_caller: PER_SUPPLIER,
      connections: CONNECTIONS,
      api_req_per_s: round(result.requests.average, 1),
      api_p50_ms: result.latency.p50,
      api_p99_ms: result.latency.p99,
      api_non_2xx: result.non2xx,
      api_2xx: ok,
      raw_query_per_s: round(rawRate, 1),
      raw_uncached_list_queries_per_s: round(coldN / (coldMs / 1000), 1),
      'api ratio': round(result.requests.average / rawRate),
      rss_mb: rssMb(),
    };
  } finally {
    await db.stop();
  }
}
