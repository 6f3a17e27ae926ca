// Orders in (issue #21): the cross-supplier board, the order form's defaults (responsible
// manager, payment terms, planned dates from the lead-time template), lead-time templates,
// close / cancel / reopen, re-plans, and imports of XLSX/CSV exports (dry run by default).
// Declared before the manager routes: `/api/orders/board` must not be read as `/api/orders/:id`.
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import { z } from 'zod';
import type { Config } from '../../shared/config/index.js';
import { issue, msg, problemsIn, say, ValidationError } from '../../shared/errors/index.js';
import {
  BOARD_VIEWS,
  IMPORT_FIELDS,
  MILESTONES,
  ORDER_ACTIONS,
  boardFor,
  importOrders,
  importTemplate,
  TEMPLATE_LANGS,
  leadTimeFor,
  orderDefaults,
  replanOrder,
  setLeadTime,
  setOrderStatus,
  type Mapping,
} from '../../shared/orders/index.js';
import { SEGMENTS, supplierFor } from '../../shared/suppliers/index.js';
import * as c from '../contract.js';
import { errorLangOf, zodIssue } from '../errors.js';
import { managerOf, Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { codeParams, idParams, isoDate, objectId, supplierCode, text } from '../validation.js';
import { orderDetail, withShownCode, withShownCodes } from '../views.js';

const by = (req: { viewer: unknown }) => `manager:${managerOf(req).id}`;
const viaOf = (req: { viewer: unknown }) => (managerOf(req).via === 'console' ? ('console' as const) : ('api' as const));

const leadSteps = z
  .object(
    Object.fromEntries(MILESTONES.map((m) => [m, z.object({ days: z.number().int().min(-730).max(730), from: z.enum(['order', 'shipped']) }).strict()])) as Record<
      (typeof MILESTONES)[number],
      z.ZodObject<{ days: z.ZodNumber; from: z.ZodEnum<{ order: 'order'; shipped: 'shipped' }> }>
    >,
  )
  .strict();

const plannedDates = z
  .object(Object.fromEntries(MILESTONES.map((m) => [m, isoDate.nullable().optional()])) as Record<(typeof MILESTONES)[number], z.ZodOptional<z.ZodNullable<typeof isoDate>>>)
  .strict();

const mappingSchema = z.partialRecord(z.enum(IMPORT_FIELDS), z.string().trim().max(100));

/**
 * Receive one file (multipart field "file", plus an optional "mapping" field) into a spool
 * directory of its own, removed afterwards whatever happened. Over the configured limit: 413
 * naming the limit, before anything is read when the length is declared.
 */
export function fileUpload(config: Config) {
  const limit = config.orders.importMaxBytes;
  const tooLarge = (ctx: Context) => {
    ctx.status = 413;
    ctx.body = { error: { code: 'payload_too_large', message: say(errorLangOf(ctx), 'importTooLarge', { mb: Math.round(limit / 1024 / 1024) }) } };
  };
  return async (ctx: Context, next: Next) => {
    if (Number(ctx.get('content-length') || 0) > limit + 64 * 1024) return tooLarge(ctx);
    const spool = join(config.server.uploadDir, 'tmp', randomUUID());
    mkdirSync(spool, { recursive: true });
    try {
      await koaBody({
        multipart: true,
        json: false,
        urlencoded: false,
        text: false,
        formidable: { uploadDir: spool, maxFileSize: limit, maxFiles: 1, maxFields: 5, maxFieldsSize: 64 * 1024, allowEmptyFiles: false, keepExtensions: false },
      })(ctx, next);
    } catch (err) {
      const e = err as { httpCode?: number; status?: number };
      if ((e.httpCode ?? e.status) === 413) return tooLarge(ctx);
      throw err;
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  };
}

function uploadedFile(ctx: Context): { filepath: string; mapping?: Mapping } {
  const req = ctx.request as unknown as { files?: Record<string, { filepath: string } | unknown[]>; body?: Record<string, unknown> };
  const file = req.files?.file;
  if (!file || Array.isArray(file)) throw new ValidationError(msg('importOneFile'), [issue('file', 'field.required')]);
  const raw = req.body?.mapping;
  let mapping: Mapping | undefined;
  if (typeof raw === 'string' && raw.trim()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ValidationError(msg('importMappingJson'), [issue('mapping', 'field.notJson')]);
    }
    const r = mappingSchema.safeParse(parsed);
    if (!r.success)
      throw new ValidationError(
        msg('importMappingFields'),
        r.error.issues.map((i) => Object.assign(zodIssue(i), { field: `mapping.${i.path.join('.')}` })),
      );
    mapping = r.data as Mapping;
  }
  return { filepath: (file as { filepath: string }).filepath, mapping };
}

export function orderInRoutes({ config, clock }: RouteDeps): AnyRoute[] {
  const tag = 'orders';
  return [
    route({
      method: 'get',
      path: '/api/orders/board',
      tag,
      access: 'manager',
      summary: "My open orders across suppliers (everyone's for head/admin): filters, counts, next due first",
      query: z
        .object({
          view: z.enum(BOARD_VIEWS).optional(),
          supplier: supplierCode.optional(),
          segment: z.enum(SEGMENTS).optional(),
          manager: objectId.optional(),
          mine: z.enum(['true', 'false']).optional(),
        })
        .strict(),
      responses: { 200: { description: 'The board', schema: c.board } },
      errors: [404],
      handle: async (req) => {
        const q = req.query;
        const board = await boardFor(managerOf(req), { view: q.view, supplierCode: q.supplier, segment: q.segment, managerId: q.manager, mine: q.mine === 'true' }, clock());
        // Codes as people see them (`D12 AUGI`): the rows and the supplier filter.
        const suppliers = await withShownCodes(board.suppliers.map((s) => ({ ...s, supplierCode: s.code })));
        return {
          ...board,
          items: await withShownCodes(board.items),
          suppliers: suppliers.map(({ code, name, supplierShownCode }) => ({ code, name, shownCode: supplierShownCode })),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/import/template',
      tag,
      access: 'manager',
      summary: 'The import template (XLSX) with headers in English, Russian, Azerbaijani or Chinese',
      query: z.object({ lang: z.enum(TEMPLATE_LANGS).default('en') }).strict(),
      responses: { 200: { description: 'An XLSX file', contentTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } },
      handle: async (req, ctx) => {
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        ctx.attachment(`gendan-orders-template-${req.query.lang}.xlsx`);
        return new Reply(200, await importTemplate(req.query.lang));
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/import',
      tag,
      access: 'manager',
      summary: "Import orders from an XLSX or CSV file: a dry run (what would be created/updated, every row's problems) unless confirm=true; nothing is written when any row has a problem",
      query: z
        .object({
          confirm: z.enum(['true', 'false']).optional(),
          source: z
            .string()
            .trim()
            .regex(/^[\w .-]{1,64}$/, 'letters, digits, space . _ -')
            .optional(),
          sheet: z.string().trim().min(1).max(100).optional(),
        })
        .strict(),
      upload: { field: 'file', description: 'one XLSX or CSV file; an optional field "mapping" holds JSON {field: column header}' },
      before: [fileUpload(config)],
      responses: { 200: { description: 'What would be (or was) written, and every problem', schema: c.importResult } },
      handle: async (req, ctx) => {
        const f = uploadedFile(ctx);
        const result = await importOrders(managerOf(req), f.filepath, {
          source: req.query.source,
          sheet: req.query.sheet,
          mapping: f.mapping,
          confirm: req.query.confirm === 'true',
          maxRows: config.orders.importMaxRows,
          by: by(req),
          now: clock(),
        });
        // The rows' problems in the reader's language, as the error middleware writes errors.
        return { ...result, problems: problemsIn(result.problems, errorLangOf(ctx)) };
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/:id/status',
      tag,
      access: 'manager',
      summary: 'Close, cancel (with a reason) or reopen an order',
      params: idParams,
      body: z.object({ action: z.enum(ORDER_ACTIONS), reason: text(500).optional() }).strict(),
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        const res = await setOrderStatus(managerOf(req), req.params.id, req.body.action, req.body.reason, by(req), viaOf(req), clock());
        return { order: await withShownCode(orderDetail(res.order, clock())), changed: res.changed };
      },
    }),
    route({
      method: 'put',
      path: '/api/orders/:id/plan',
      tag,
      access: 'manager',
      summary: 'Re-plan milestones (moving a date already set needs a reason)',
      params: idParams,
      body: z.object({ planned: plannedDates, reason: text(500).optional() }).strict(),
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        const res = await replanOrder(managerOf(req), req.params.id, req.body.planned, req.body.reason, by(req), viaOf(req), clock());
        return { order: await withShownCode(orderDetail(res.order, clock())), changed: res.changed };
      },
    }),
    route({
      method: 'get',
      path: '/api/suppliers/:code/order-defaults',
      tag,
      access: 'manager',
      summary: 'What a new order of this supplier starts from: manager, payment terms, planned dates from the lead-time template',
      params: codeParams,
      query: z.object({ date: isoDate.optional() }).strict(),
      responses: { 200: { description: 'Defaults', schema: c.orderDefaults } },
      handle: async (req) => orderDefaults(managerOf(req), req.params.code, req.query.date ?? clock()),
    }),
    route({
      method: 'put',
      path: '/api/suppliers/:code/lead-times',
      tag,
      access: 'manager',
      summary: "Set the supplier's lead-time template (null: back to the company default)",
      params: codeParams,
      body: z.object({ steps: leadSteps.nullable() }).strict(),
      responses: { 200: { description: 'The template now in force', schema: z.object({ steps: c.leadTemplate, source: z.enum(['supplier', 'company', 'builtin']) }) } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        await setLeadTime(s._id, req.body.steps, by(req), clock());
        return leadTimeFor(s._id);
      },
    }),
    route({
      method: 'get',
      path: '/api/lead-times',
      tag,
      access: 'manager',
      summary: 'The company default lead-time template',
      responses: { 200: { description: 'The template', schema: z.object({ steps: c.leadTemplate, source: z.enum(['supplier', 'company', 'builtin']) }) } },
      handle: async () => leadTimeFor(null),
    }),
    route({
      method: 'put',
      path: '/api/lead-times',
      tag,
      access: 'head',
      summary: 'Set the company default lead-time template',
      body: z.object({ steps: leadSteps }).strict(),
      responses: { 200: { description: 'The template', schema: z.object({ steps: c.leadTemplate, source: z.enum(['supplier', 'company', 'builtin']) }) } },
      handle: async (req) => {
        await setLeadTime(null, req.body.steps, by(req), clock());
        return leadTimeFor(null);
      },
    }),
  ];
}
