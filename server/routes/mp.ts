// Mini-program API: suppliers see and update their own orders. Every route is scoped to the
// caller's supplier (shared/access); another supplier's order is "not found".
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { koaBody } from 'koa-body';
import type { Context, Next } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { bindOpenid, miniProgramLogin } from '../../shared/auth/index.js';
import { createCache } from '../../shared/cache/index.js';
import type { Config } from '../../shared/config/index.js';
import { RateLimitedError, ValidationError } from '../../shared/errors/index.js';
import { addMilestonePhoto, answerReadiness, dayOf, listOrdersForSupplier, orderFor, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import * as c from '../contract.js';
import { Reply, route, supplierOf, type AnyRoute, type RouteDeps } from '../http/route.js';
import { idempotencyHeaders, idParams, isoDate, page, milestoneParams } from '../validation.js';
import { orderDetail, orderSummary, withShownCode, withShownCodes } from '../views.js';
import { customsBody, milestoneBody } from './manager.js';
import { milestonePhotoRoute } from './photos.js';
import { storageKeys } from '../../shared/storage/index.js';

const IMAGE_TYPES: [string, (b: Buffer) => boolean][] = [
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/webp', (b) => b.subarray(0, 4).toString() === 'RIFF' && b.subarray(8, 12).toString() === 'WEBP'],
];

/** The file's own bytes decide its type, not what the client declared. */
export function sniff(path: string): string | undefined {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(12);
  try {
    readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  return IMAGE_TYPES.find(([, test]) => test(head))?.[0];
}

/** Per client address (binding attempts are also limited per WeChat user in shared/auth). */
export function limiter(points: number, what: string) {
  const l = new RateLimiterMemory({ points, duration: 60 });
  return async (ctx: Context, next: Next) => {
    try {
      await l.consume(ctx.ip);
    } catch {
      throw new RateLimitedError(`too many ${what} attempts; wait a minute`, 60_000);
    }
    await next();
  };
}

/**
 * Receive one image (multipart field "photo") into a spool directory of its own, removed
 * afterwards whatever happened; run only after the route's access check and `check`
 * (so nothing is read for a caller who may not upload here).
 */
export function imageUpload(config: Config, check: (ctx: Context) => Promise<void>) {
  return async (ctx: Context, next: Next) => {
    await check(ctx);
    const spool = join(config.server.uploadDir, 'tmp', randomUUID());
    mkdirSync(spool, { recursive: true });
    try {
      await koaBody({
        multipart: true,
        json: false,
        urlencoded: false,
        text: false,
        formidable: { uploadDir: spool, maxFileSize: config.server.maxUploadBytes, maxFiles: 1, maxFields: 5, allowEmptyFiles: false, keepExtensions: false },
      })(ctx, next);
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
  };
}

/** The uploaded image: its temporary path, name, size and sniffed type; a clear 400 otherwise. */
export function uploadedImage(ctx: Context): { filepath: string; name: string; size: number; type: string } {
  const files = (ctx.request as unknown as { files?: Record<string, { filepath: string; originalFilename?: string; size: number } | unknown[]> }).files ?? {};
  const file = files.photo;
  if (!file || Array.isArray(file)) throw new ValidationError('send one image in the field "photo"', [{ field: 'photo', message: 'required' }]);
  const type = sniff(file.filepath);
  if (!type) {
    rmSync(file.filepath, { force: true });
    throw new ValidationError('only JPEG, PNG or WebP images are accepted', [{ field: 'photo', message: 'not an image' }]);
  }
  return { filepath: file.filepath, name: (file.originalFilename ?? 'photo').slice(0, 200), size: file.size, type };
}

export function mpRoutes({ config, wechatAuth, clock, storage }: RouteDeps): AnyRoute[] {
  const tag = 'mini-program';
  // Rendered pages by supplier, list revision, page and day (overdue and days late change with
  // the day only): a new revision after any write means a new key, so nothing stale is served.
  const pages = createCache<string, string>('mp.orderPages', { max: 5_000 });
  const by = (req: { principal?: { openid: string } }) => `supplier:${req.principal!.openid}`;
  return [
    route({
      method: 'post',
      path: '/api/mp/login',
      tag,
      access: 'public',
      summary: 'wx.login code → session token',
      body: z.object({ code: z.string().min(1).max(128) }).strict(),
      before: [limiter(20, 'login')],
      responses: { 200: { description: 'A token; bound tells whether the WeChat user is bound to a supplier', schema: z.object({ token: z.string(), bound: z.boolean() }).loose() } },
      errors: [401, 429, 502],
      handle: async (req) => miniProgramLogin(config, wechatAuth, req.body.code),
    }),
    route({
      method: 'post',
      path: '/api/mp/bind',
      tag,
      access: 'supplierLogin',
      summary: 'Redeem a binding code a manager issued',
      body: z.object({ code: z.string().min(1).max(32) }).strict(),
      before: [limiter(30, 'binding')],
      responses: { 200: { description: 'A token bound to the supplier', schema: z.object({ token: z.string() }).loose() } },
      errors: [404, 409, 429],
      handle: async (req) => bindOpenid(config, req.principal!.openid, req.body.code, clock()),
    }),
    route({
      method: 'get',
      path: '/api/mp/orders',
      tag,
      access: 'supplier',
      summary: 'My open orders (50 a page)',
      query: z.object({ page }).strict(),
      responses: { 200: { description: 'A page of orders', schema: c.page(c.orderSummary) } },
      handle: async (req, ctx) => {
        const now = clock();
        const { supplierId } = supplierOf(req);
        const res = await listOrdersForSupplier(supplierId, req.query.page, 50);
        const key = `${supplierId}:${res.rev}:${req.query.page}:${dayOf(now)}`;
        let body = pages.get(key);
        if (body === undefined) {
          body = JSON.stringify({ items: await withShownCodes(res.items.map((o) => orderSummary(o, now))), page: res.page, hasMore: res.hasMore });
          pages.set(key, body);
        }
        ctx.type = 'application/json';
        return new Reply(200, body);
      },
    }),
    route({
      method: 'get',
      path: '/api/mp/orders/:id',
      tag,
      access: 'supplier',
      summary: 'Order detail',
      params: idParams,
      responses: { 200: { description: 'The order', schema: c.orderDetail } },
      handle: async (req) => withShownCode(orderDetail(await orderFor(supplierOf(req), req.params.id), clock())),
    }),
    route({
      method: 'post',
      path: '/api/mp/orders/:id/milestones/:milestone',
      tag,
      access: 'supplier',
      summary: 'Update a milestone',
      params: milestoneParams,
      headers: idempotencyHeaders,
      body: milestoneBody,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        const v = supplierOf(req);
        const res = await updateMilestone({
          orderId: req.params.id,
          milestone: req.params.milestone,
          ...req.body,
          by: by(req),
          idempotencyKey: req.headers['idempotency-key'],
          scope: { supplierId: v.supplierId },
          now: clock(),
        });
        return { order: await withShownCode(orderDetail(res.order, clock())), changed: res.changed };
      },
    }),
    route({
      method: 'post',
      path: '/api/mp/orders/:id/customs',
      tag,
      access: 'supplier',
      summary: 'Report a customs issue',
      params: idParams,
      headers: idempotencyHeaders,
      body: customsBody,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        const v = supplierOf(req);
        const res = await reportCustoms({ orderId: req.params.id, ...req.body, by: by(req), idempotencyKey: req.headers['idempotency-key'], scope: { supplierId: v.supplierId }, now: clock() });
        return { order: await withShownCode(orderDetail(res.order, clock())), changed: res.changed };
      },
    }),
    milestonePhotoRoute(storage, '/api/mp/orders/:id/milestones/:milestone/photos/:photoId', 'supplier', tag),
    route({
      method: 'post',
      path: '/api/mp/orders/:id/readiness',
      tag,
      access: 'supplier',
      summary: 'Answer the pre-shipment check: ready, or not ready with a new date',
      params: idParams,
      headers: idempotencyHeaders,
      body: z.object({ ready: z.boolean(), date: isoDate.optional(), note: z.string().trim().max(1000).optional() }).strict(),
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        const v = supplierOf(req);
        const res = await answerReadiness({ orderId: req.params.id, ...req.body, by: by(req), idempotencyKey: req.headers['idempotency-key'], scope: { supplierId: v.supplierId }, now: clock() });
        return { order: await withShownCode(orderDetail(res.order, clock())), changed: res.changed };
      },
    }),
    route({
      method: 'post',
      path: '/api/mp/orders/:id/milestones/:milestone/photos',
      tag,
      access: 'supplier',
      summary: 'Upload a photo (JPEG, PNG or WebP)',
      params: milestoneParams,
      headers: idempotencyHeaders,
      upload: { field: 'photo', description: 'one JPEG, PNG or WebP image' },
      before: [
        imageUpload(config, async (ctx) => {
          await orderFor(ctx.state.viewer, ctx.state.input.params.id);
        }),
      ],
      responses: {
        201: { description: 'Stored', schema: z.object({ photo: z.object({ id: z.string(), mimeType: z.string(), size: z.number() }), changed: z.literal(true), order: c.orderDetail }) },
        200: { description: 'A re-sent upload (same Idempotency-Key): nothing stored twice', schema: z.object({ photo: z.null(), changed: z.literal(false), order: c.orderDetail }) },
      },
      errors: [409],
      handle: async (req, ctx) => {
        const v = supplierOf(req);
        const img = uploadedImage(ctx);
        const id = randomUUID();
        const key = storageKeys.milestonePhoto(id);
        await storage.put(key, { path: img.filepath });
        const res = await addMilestonePhoto(
          req.params.id,
          req.params.milestone,
          { id, name: img.name, mimeType: img.type, size: img.size },
          by(req),
          { supplierId: v.supplierId },
          clock(),
          req.headers['idempotency-key'],
        ).catch(async (err) => {
          await storage.delete(key); // not recorded: not kept
          throw err;
        });
        if (!res.changed) {
          await storage.delete(key); // a re-sent upload: the first one is kept
          return new Reply(200, { photo: null, changed: false, order: await withShownCode(orderDetail(res.order, clock())) });
        }
        return new Reply(201, { photo: { id, mimeType: img.type, size: img.size }, changed: true, order: await withShownCode(orderDetail(res.order, clock())) });
      },
    }),
  ];
}
