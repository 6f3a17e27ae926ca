// Mini-program API: suppliers see and update their own orders. Every route is scoped to the
// caller's supplier; another supplier's order is "not found".
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, readSync, closeSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import { koaBody } from 'koa-body';
import type { Context, Next } from 'koa';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { bindOpenid, miniProgramLogin, type WechatAuth } from '../../shared/auth/index.js';
import type { Config } from '../../shared/config/index.js';
import { ForbiddenError, RateLimitedError, ValidationError } from '../../shared/errors/index.js';
import { addMilestonePhoto, dayOf, getOrder, listOrdersForSupplier, MILESTONES, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import { requireSupplier, type AppState } from '../auth.js';
import { body, idempotencyKey, isoDate, objectId, page, params, query, text } from '../validation.js';
import { orderDetail, orderSummary } from '../views.js';

const milestoneParams = z.object({ id: objectId, milestone: z.enum(MILESTONES) }).strict();
const idParams = z.object({ id: objectId }).strict();

export const milestoneBody = z
  .object({
    done: z.boolean().optional(),
    actual: isoDate.optional(),
    planned: isoDate.optional(),
    reason: text(500).optional(),
    note: z.string().trim().max(1000).optional(),
  })
  .strict()
  .refine((b) => b.done !== undefined || b.actual || b.planned || b.note !== undefined, { message: 'nothing to update' });

export const customsBody = z
  .object({
    status: z.enum(['held', 'cleared']),
    reason: text(500).optional(),
    expectedDate: isoDate.optional(),
  })
  .strict();

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

export function mpRoutes(config: Config, wechatAuth: WechatAuth, clock: () => Date): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api/mp' });
  // Per client address; binding attempts are also limited per WeChat user (shared/auth).
  const limiter = (points: number, what: string) => {
    const l = new RateLimiterMemory({ points, duration: 60 });
    return async (ctx: Context, next: Next) => {
      try {
        await l.consume(ctx.ip);
      } catch {
        throw new RateLimitedError(`too many ${what} attempts; wait a minute`, 60_000);
      }
      await next();
    };
  };
  const limitLogin = limiter(20, 'login');
  const limitBind = limiter(30, 'binding');

  r.post('/login', limitLogin, async (ctx) => {
    const { code } = body(ctx, z.object({ code: z.string().min(1).max(128) }).strict());
    ctx.body = await miniProgramLogin(config, wechatAuth, code);
  });

  r.post('/bind', limitBind, requireSupplier(config, { bound: false }), async (ctx) => {
    const { code } = body(ctx, z.object({ code: z.string().min(1).max(32) }).strict());
    ctx.body = await bindOpenid(config, ctx.state.principal!.openid, code, clock());
  });

  // Rendered pages by supplier, list revision, page and day (overdue and days late change with
  // the day only): a new revision after any write means a new key, so nothing stale is served.
  const pages = new Map<string, string>();
  r.get('/orders', requireSupplier(config), async (ctx) => {
    const q = query(ctx, z.object({ page }).strict());
    const now = clock();
    const supplierId = ctx.state.principal!.supplierId!;
    const res = await listOrdersForSupplier(supplierId, q.page, 50);
    const key = `${supplierId}:${res.rev}:${q.page}:${dayOf(now)}`;
    let body = pages.get(key);
    if (body === undefined) {
      body = JSON.stringify({ items: res.items.map((o) => orderSummary(o, now)), page: res.page, hasMore: res.hasMore });
      if (pages.size >= 5_000) pages.clear();
      pages.set(key, body);
    }
    ctx.type = 'application/json';
    ctx.body = body;
  });

  r.get('/orders/:id', requireSupplier(config), async (ctx) => {
    const { id } = params(ctx, idParams);
    ctx.body = orderDetail(await getOrder(id, { supplierId: ctx.state.principal!.supplierId }), clock());
  });

  r.post('/orders/:id/milestones/:milestone', requireSupplier(config), async (ctx) => {
    const p = params(ctx, milestoneParams);
    const b = body(ctx, milestoneBody);
    const principal = ctx.state.principal!;
    const res = await updateMilestone({
      orderId: p.id,
      milestone: p.milestone,
      ...b,
      by: `supplier:${principal.openid}`,
      idempotencyKey: idempotencyKey(ctx),
      scope: { supplierId: principal.supplierId },
      now: clock(),
    });
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  r.post('/orders/:id/customs', requireSupplier(config), async (ctx) => {
    const p = params(ctx, idParams);
    const b = body(ctx, customsBody);
    const principal = ctx.state.principal!;
    const res = await reportCustoms({
      orderId: p.id,
      ...b,
      by: `supplier:${principal.openid}`,
      idempotencyKey: idempotencyKey(ctx),
      scope: { supplierId: principal.supplierId },
      now: clock(),
    });
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  r.post(
    '/orders/:id/milestones/:milestone/photos',
    requireSupplier(config),
    async (ctx, next) => {
      // Check access before accepting bytes; each request spools into a directory of its own
      // that is removed afterwards, whatever happened (a refused or cut-off upload leaves nothing).
      const p = params(ctx, milestoneParams);
      idempotencyKey(ctx); // a malformed key is refused before the upload is read
      await getOrder(p.id, { supplierId: ctx.state.principal!.supplierId });
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
    },
    async (ctx) => {
      const p = params(ctx, milestoneParams);
      const key = idempotencyKey(ctx);
      const files = (ctx.request as unknown as { files?: Record<string, { filepath: string; originalFilename?: string; size: number } | { filepath: string }[]> }).files ?? {};
      const f = files.photo;
      const file = Array.isArray(f) ? undefined : f;
      if (!file) throw new ValidationError('send one image in the field "photo"', [{ field: 'photo', message: 'required' }]);
      const type = sniff(file.filepath);
      if (!type) {
        rmSync(file.filepath, { force: true });
        throw new ValidationError('only JPEG, PNG or WebP images are accepted', [{ field: 'photo', message: 'not an image' }]);
      }
      const id = randomUUID();
      const dir = join(config.server.uploadDir, 'photos');
      mkdirSync(dir, { recursive: true });
      const principal = ctx.state.principal!;
      if (!principal.supplierId) throw new ForbiddenError('not bound to a supplier');
      renameSync(file.filepath, join(dir, id));
      const res = await addMilestonePhoto(
        p.id,
        p.milestone,
        { id, name: (file.originalFilename ?? 'photo').slice(0, 200), mimeType: type, size: file.size },
        `supplier:${principal.openid}`,
        { supplierId: principal.supplierId },
        clock(),
        key,
      ).catch((err) => {
        rmSync(join(dir, id), { force: true }); // not recorded: not kept
        throw err;
      });
      if (!res.changed) {
        // A re-sent upload: the first one is kept, this copy is not.
        rmSync(join(dir, id), { force: true });
        ctx.status = 200;
        ctx.body = { photo: null, changed: false, order: orderDetail(res.order, clock()) };
        return;
      }
      ctx.status = 201;
      ctx.body = { photo: { id, mimeType: type, size: file.size }, changed: true, order: orderDetail(res.order, clock()) };
    },
  );

  return r;
}
