// Reports, exchange rates and price history in the manager API (bearer token or console
// cookie). Report files are written to a temporary file first, so a failure is a clean error
// response, then streamed and removed. A manager who does not see all gets their own report.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { visibleSupplierIds } from '../../shared/access/index.js';
import { issue, msg, ValidationError } from '../../shared/errors/index.js';
import { CURRENCIES, importRatesCsv, listRates, setRate } from '../../shared/money/index.js';
import { compareSuppliers, itemKeyOf, priceHistory } from '../../shared/prices/index.js';
import { buildReport, periodRange, PERIOD_KINDS } from '../../shared/reports/index.js';
import { CONTENT_TYPES, REPORT_FORMATS, writeReport } from '../../shared/reports/export.js';
import { findSupplierByCode, normaliseCode } from '../../shared/suppliers/index.js';
import { MANAGER_LANGS, managerLang } from '../../shared/managers/model.js';
import * as c from '../contract.js';
import { managerOf, Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { isoDay, objectId, supplierCode, text } from '../validation.js';

const itemQuery = { item: text(200).optional(), sku: text(64).optional() };

export function reportRoutes({ config, clock }: RouteDeps): AnyRoute[] {
  const tag = 'reports';
  return [
    // GET /api/reports?period=month&date=2026-11-01&currency=USD&format=xlsx
    route({
      method: 'get',
      path: '/api/reports',
      tag,
      access: 'manager',
      summary: 'A period report (JSON summary, or an XLSX, PDF or CSV file)',
      query: z
        .object({
          period: z.enum(PERIOD_KINDS).default('month'),
          date: isoDay.optional(),
          from: isoDay.optional(),
          to: isoDay.optional().meta({ description: 'exclusive' }),
          currency: z.enum(CURRENCIES).default('USD'),
          format: z.enum([...REPORT_FORMATS, 'json']).default('json'),
          manager: objectId.optional(),
          lang: z.enum(MANAGER_LANGS).optional().meta({ description: "column names' language (default: the reader's)" }),
        })
        .strict(),
      responses: { 200: { description: 'The report', schema: z.record(z.string(), z.unknown()), contentTypes: Object.values(CONTENT_TYPES) } },
      handle: async (req, ctx) => {
        const q = req.query;
        const v = managerOf(req);
        const now = clock();
        let range: { from: string; to: string; label: string };
        if (q.period === 'custom') {
          if (!q.from || !q.to) throw new ValidationError(msg('customPeriodNeeds'), [{ field: q.from ? 'to' : 'from', message: 'required for period=custom' }]);
          if (Date.parse(q.to) <= Date.parse(q.from)) throw new ValidationError(msg('toAfterFrom'), [issue('to', 'field.afterFrom')]);
          if (Date.parse(q.to) - Date.parse(q.from) > 400 * 86_400_000) throw new ValidationError(msg('periodTooLong'), [{ field: 'to', message: 'too far from from' }]);
          range = { from: q.from, to: q.to, label: `${q.from} – ${q.to}` };
        } else range = periodRange(q.period, q.date ?? now.toISOString().slice(0, 10));
        // Someone who does not see every supplier reports on their own orders only.
        const managerId = v.seesAll ? q.manager : v.id;
        const r = { ...range, currency: q.currency, managerId, now, weights: config.performance.weights, pdfCjkFont: config.reports.pdfCjkFont, lang: q.lang ?? managerLang(v.language) };
        if (q.format === 'json') return buildReport(r);
        const dir = mkdtempSync(join(tmpdir(), 'gendan-report-'));
        const path = join(dir, `report.${q.format}`);
        try {
          await writeReport(q.format, r, path);
        } catch (err) {
          rmSync(dir, { recursive: true, force: true });
          throw err;
        }
        const stream = createReadStream(path);
        stream.once('close', () => rmSync(dir, { recursive: true, force: true }));
        ctx.set('Content-Type', CONTENT_TYPES[q.format]);
        ctx.set('Content-Disposition', `attachment; filename="gendan-${range.from}-${range.to}.${q.format}"`);
        return new Reply(200, stream);
      },
    }),
    route({
      method: 'get',
      path: '/api/rates',
      tag,
      access: 'manager',
      summary: 'Exchange rates by day',
      query: z.object({ from: z.enum(CURRENCIES).optional(), to: z.enum(CURRENCIES).optional() }).strict(),
      responses: { 200: { description: 'Rates', schema: c.list(z.object({ pair: z.string(), day: z.string(), rate: z.string(), source: z.string().nullish() })) } },
      handle: async (req) => {
        const q = req.query;
        const items = await listRates(q.from && q.to ? `${q.from}/${q.to}` : undefined);
        return { items: items.map((i) => ({ pair: i.pair, day: i.day, rate: i.rate, source: i.source })) };
      },
    }),
    route({
      method: 'put',
      path: '/api/rates',
      tag,
      access: 'admin',
      summary: 'Set the rate of a day',
      body: z.object({ day: isoDay, from: z.enum(CURRENCIES), to: z.enum(CURRENCIES), rate: z.string().regex(/^\d{1,9}(\.\d{1,10})?$/, 'a positive decimal such as 7.1234') }).strict(),
      responses: { 204: { description: 'Stored' } },
      handle: async (req) => {
        await setRate(req.body.day, req.body.from, req.body.to, req.body.rate, `manager:${managerOf(req).id}`);
        return undefined;
      },
    }),
    // { csv: "date,from,to,rate\n2026-11-01,USD,CNY,7.12\n…" }
    route({
      method: 'post',
      path: '/api/rates/import',
      tag,
      access: 'admin',
      summary: 'Import rates from CSV (date,from,to,rate), all or nothing',
      body: z.object({ csv: z.string().min(1).max(2_000_000), name: z.string().max(100).optional() }).strict(),
      responses: { 200: { description: 'How many were imported', schema: z.object({ imported: z.number() }) } },
      handle: async (req) => ({ imported: await importRatesCsv(req.body.csv, `manager:${managerOf(req).id}`, `import:${req.body.name ?? 'csv'}`) }),
    }),
    // GET /api/prices?item=Motor 220V | sku=M-220 [&supplier=A01]
    route({
      method: 'get',
      path: '/api/prices',
      tag,
      access: 'manager',
      summary: 'Price history of an item (by name or SKU)',
      query: z.object({ ...itemQuery, supplier: supplierCode.optional() }).strict(),
      responses: { 200: { description: 'Price points', schema: z.object({ itemKey: z.string(), items: z.array(z.record(z.string(), z.unknown())) }) } },
      handle: async (req) => {
        const q = req.query;
        if (!q.item && !q.sku) throw new ValidationError(msg('itemOrSku'), [issue('item', 'field.required')]);
        const key = itemKeyOf({ item: q.item ?? '', sku: q.sku });
        // A tagged or former code names the supplier's current code (the price points carry it).
        const code = q.supplier ? ((await findSupplierByCode(q.supplier))?.code ?? normaliseCode(q.supplier)) : undefined;
        return { itemKey: key, items: await priceHistory(key, code, await visibleSupplierIds(managerOf(req))) };
      },
    }),
    route({
      method: 'get',
      path: '/api/prices/compare',
      tag,
      access: 'manager',
      summary: 'Suppliers compared on an item in one currency',
      query: z.object({ ...itemQuery, currency: z.enum(CURRENCIES).default('USD') }).strict(),
      responses: { 200: { description: 'Suppliers', schema: z.object({ itemKey: z.string(), currency: z.string(), items: z.array(z.record(z.string(), z.unknown())) }) } },
      handle: async (req) => {
        const q = req.query;
        if (!q.item && !q.sku) throw new ValidationError(msg('itemOrSku'), [issue('item', 'field.required')]);
        const key = itemKeyOf({ item: q.item ?? '', sku: q.sku });
        return { itemKey: key, currency: q.currency, items: await compareSuppliers(key, q.currency, await visibleSupplierIds(managerOf(req))) };
      },
    }),
  ];
}
