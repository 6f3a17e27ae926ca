// Reports, exchange rates and price history in the manager API (bearer token or console
// cookie). Report files are written to a temporary file first, so a failure is a clean error
// response, then streamed and removed.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../shared/config/index.js';
import { ValidationError } from '../../shared/errors/index.js';
import { CURRENCIES, importRatesCsv, listRates, setRate } from '../../shared/money/index.js';
import { compareSuppliers, itemKeyOf, priceHistory } from '../../shared/prices/index.js';
import { buildReport, periodRange, PERIOD_KINDS } from '../../shared/reports/index.js';
import { CONTENT_TYPES, REPORT_FORMATS, writeReport } from '../../shared/reports/export.js';
import { requireManager, type AppState } from '../auth.js';
import { body, objectId, query, text } from '../validation.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD').refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'not a real date');

export function reportRoutes(config: Config, clock: () => Date): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api' });
  r.use(requireManager(config));
  const admin = requireManager(config, { admin: true });

  // GET /api/reports?period=month&date=2026-11-01&currency=USD&format=xlsx
  // period=custom needs from and to (to exclusive). format=json answers the summary.
  r.get('/reports', async (ctx) => {
    const q = query(
      ctx,
      z
        .object({
          period: z.enum(PERIOD_KINDS).default('month'),
          date: day.optional(),
          from: day.optional(),
          to: day.optional(),
          currency: z.enum(CURRENCIES).default('USD'),
          format: z.enum([...REPORT_FORMATS, 'json']).default('json'),
          manager: objectId.optional(),
        })
        .strict(),
    );
    const now = clock();
    let range: { from: string; to: string; label: string };
    if (q.period === 'custom') {
      if (!q.from || !q.to) throw new ValidationError('a custom period needs from and to', [{ field: q.from ? 'to' : 'from', message: 'required for period=custom' }]);
      if (Date.parse(q.to) - Date.parse(q.from) > 400 * 86_400_000) throw new ValidationError('a custom period is at most 400 days', [{ field: 'to', message: 'too far from from' }]);
      range = { from: q.from, to: q.to, label: `${q.from} – ${q.to}` };
    } else range = periodRange(q.period, q.date ?? now.toISOString().slice(0, 10));
    const req = { ...range, currency: q.currency, managerId: q.manager, now, weights: config.performance.weights, pdfCjkFont: config.reports.pdfCjkFont };
    if (q.format === 'json') {
      ctx.body = await buildReport(req);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'gendan-report-'));
    const path = join(dir, `report.${q.format}`);
    try {
      await writeReport(q.format, req, path);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const stream = createReadStream(path);
    stream.once('close', () => rmSync(dir, { recursive: true, force: true }));
    ctx.set('Content-Type', CONTENT_TYPES[q.format]);
    ctx.set('Content-Disposition', `attachment; filename="gendan-${range.from}-${range.to}.${q.format}"`);
    ctx.body = stream;
  });

  r.get('/rates', async (ctx) => {
    const q = query(ctx, z.object({ from: z.enum(CURRENCIES).optional(), to: z.enum(CURRENCIES).optional() }).strict());
    const items = await listRates(q.from && q.to ? `${q.from}/${q.to}` : undefined);
    ctx.body = { items: items.map((i) => ({ pair: i.pair, day: i.day, rate: i.rate, source: i.source })) };
  });

  r.put('/rates', admin, async (ctx) => {
    const b = body(ctx, z.object({ day, from: z.enum(CURRENCIES), to: z.enum(CURRENCIES), rate: z.string().regex(/^\d{1,9}(\.\d{1,10})?$/, 'a positive decimal such as 7.1234') }).strict());
    await setRate(b.day, b.from, b.to, b.rate, `manager:${ctx.state.manager!.managerId}`);
    ctx.status = 204;
  });

  // { csv: "date,from,to,rate\n2026-11-01,USD,CNY,7.12\n…" }
  r.post('/rates/import', admin, async (ctx) => {
    const b = body(ctx, z.object({ csv: z.string().min(1).max(2_000_000), name: z.string().max(100).optional() }).strict());
    const n = await importRatesCsv(b.csv, `manager:${ctx.state.manager!.managerId}`, `import:${b.name ?? 'csv'}`);
    ctx.body = { imported: n };
  });

  // GET /api/prices?item=Motor 220V | sku=M-220 [&supplier=A01]
  r.get('/prices', async (ctx) => {
    const q = query(ctx, z.object({ item: text(200).optional(), sku: text(64).optional(), supplier: z.string().regex(/^[A-Za-z0-9]{2,6}$/).optional() }).strict());
    if (!q.item && !q.sku) throw new ValidationError('item or sku is required', [{ field: 'item', message: 'required' }]);
    const key = itemKeyOf({ item: q.item ?? '', sku: q.sku });
    ctx.body = { itemKey: key, items: await priceHistory(key, q.supplier?.toUpperCase()) };
  });

  r.get('/prices/compare', async (ctx) => {
    const q = query(ctx, z.object({ item: text(200).optional(), sku: text(64).optional(), currency: z.enum(CURRENCIES).default('USD') }).strict());
    if (!q.item && !q.sku) throw new ValidationError('item or sku is required', [{ field: 'item', message: 'required' }]);
    const key = itemKeyOf({ item: q.item ?? '', sku: q.sku });
    ctx.body = { itemKey: key, currency: q.currency, items: await compareSuppliers(key, q.currency) };
  });

  return r;
}
