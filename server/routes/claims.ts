// Claims in the manager API (bearer or console cookie) and in the mini-program API (a supplier
// sees and answers only its own claims, never a draft; another supplier's claim is a 404).
// Thin: parse, call one function of shared/claims, render.
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { koaBody } from 'koa-body';
import { Types } from 'mongoose';
import { z } from 'zod';
import {
  CLAIM_STATUSES, CLAIM_TYPES, SETTLEMENT_KINDS, addClaimPhoto, answerClaim, fileClaim, getClaim, getClaimPhoto, listClaims, moveClaim, retryClaimTranslation,
  type Actor, type ClaimDoc, type ClaimFile, type ClaimTranslation,
} from '../../shared/claims/index.js';
import type { Config } from '../../shared/config/index.js';
import { NotFoundError, ValidationError } from '../../shared/errors/index.js';
import { CURRENCIES } from '../../shared/orders/index.js';
import { Supplier, normaliseCode } from '../../shared/suppliers/index.js';
import { requireManager, requireSupplier, type AppState } from '../auth.js';
import { body, idempotencyKey, objectId, params, query, text } from '../validation.js';
import { sniff } from './mp.js';

const money = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount such as 120.50');
const day = (d?: Date) => (d ? d.toISOString().slice(0, 10) : null);
const idParams = z.object({ id: objectId }).strict();
const photoParams = z.object({ id: objectId, photoId: z.string().uuid() }).strict();
const fileView = (p: ClaimFile) => ({ id: p.id, name: p.name, ...(p.url ? { url: p.url } : {}) });

export function claimView(c: ClaimDoc, forSupplier = false) {
  return {
    id: String(c._id),
    number: c.number,
    orderId: String(c.orderId),
    orderNumber: c.orderNumber,
    supplierCode: c.supplierCode,
    line: c.line === undefined || c.line === null ? null : c.line + 1, // 1-based, as people count lines
    item: c.item ?? null,
    type: c.type,
    qty: c.qty,
    amount: c.amount ?? null,
    currency: c.currency ?? null,
    description: forSupplier ? (c.descriptionZh ?? c.description) : c.description,
    ...(forSupplier ? {} : { descriptionZh: c.descriptionZh ?? null, translationStatus: c.translationStatus, managerId: c.managerId ? String(c.managerId) : null }),
    photos: c.photos.map(fileView),
    supplierPhotos: (c.supplierPhotos ?? []).map(fileView),
    answerDue: day(c.answerDue),
    status: c.status,
    version: c.version,
    answer: c.answer ? { text: c.answer.text ?? null, decision: c.answer.decision, photos: c.answer.photos.map(fileView), at: c.answer.at } : null,
    settlement: c.settlement ? { kind: c.settlement.kind, ...(c.settlement.amount ? { amount: c.settlement.amount, currency: c.settlement.currency } : {}), ...(c.settlement.note ? { note: c.settlement.note } : {}) } : null,
    history: c.history.map((h) => ({ from: h.from, to: h.to, by: forSupplier ? (h.by.startsWith('supplier:') ? 'supplier' : 'buyer') : h.by, at: h.at, reason: h.reason ?? null })),
    createdAt: c.createdAt,
  };
}

/**
 * Multipart upload of one image (field "photo") for a claim the caller may see: access is
 * checked before any byte is read; each request spools into its own directory, removed after.
 */
function photoUpload(config: Config, clock: () => Date, actorOf: (ctx: Context) => Actor) {
  const dir = join(config.server.uploadDir, 'claims');
  return [
    async (ctx: Context, next: Next) => {
      const p = params(ctx, idParams);
      idempotencyKey(ctx); // a malformed key is refused before the upload is read
      await getClaim(p.id, actorOf(ctx));
      const spool = join(config.server.uploadDir, 'tmp', randomUUID());
      mkdirSync(spool, { recursive: true });
      try {
        await koaBody({ multipart: true, json: false, urlencoded: false, text: false, formidable: { uploadDir: spool, maxFileSize: config.server.maxUploadBytes, maxFiles: 1, maxFields: 5, allowEmptyFiles: false } })(ctx, next);
      } finally {
        rmSync(spool, { recursive: true, force: true });
      }
    },
    async (ctx: Context) => {
      const p = params(ctx, idParams);
      const key = idempotencyKey(ctx);
      const files = (ctx.request as unknown as { files?: Record<string, { filepath: string; originalFilename?: string; size: number } | unknown[]> }).files ?? {};
      const file = files.photo;
      if (!file || Array.isArray(file)) throw new ValidationError('send one image in the field "photo"', [{ field: 'photo', message: 'required' }]);
      const type = sniff(file.filepath);
      if (!type) throw new ValidationError('only JPEG, PNG or WebP images are accepted', [{ field: 'photo', message: 'not an image' }]);
      const id = randomUUID();
      mkdirSync(dir, { recursive: true });
      renameSync(file.filepath, join(dir, id));
      const res = await addClaimPhoto(p.id, actorOf(ctx), { id, name: (file.originalFilename ?? 'photo').slice(0, 200), mimeType: type, size: file.size, key }, clock()).catch((err) => {
        rmSync(join(dir, id), { force: true }); // not recorded: not kept
        throw err;
      });
      if (!res.added) rmSync(join(dir, id), { force: true }); // a re-sent upload: the first copy is kept
      ctx.status = res.added ? 201 : 200;
      ctx.body = { photo: fileView(res.photo), added: res.added };
    },
  ];
}

/** The bytes of an uploaded photo (a linked one is a redirect to its URL). */
function photoDownload(config: Config, actorOf: (ctx: Context) => Actor | undefined) {
  return async (ctx: Context) => {
    const p = params(ctx, photoParams);
    const f = await getClaimPhoto(p.id, p.photoId, actorOf(ctx));
    if (f.url) return ctx.redirect(f.url);
    const path = join(config.server.uploadDir, 'claims', f.id);
    if (!existsSync(path)) throw new NotFoundError('the photo file is gone');
    ctx.type = f.mimeType ?? 'application/octet-stream';
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.body = createReadStream(path);
  };
}

export function claimRoutes(config: Config, translation: ClaimTranslation | undefined, clock: () => Date): Router<AppState>[] {
  // ---- manager ----
  const m = new Router<AppState>({ prefix: '/api/claims' });
  m.use(requireManager(config));
  const manager = (ctx: { state: AppState }): Actor => ({ kind: 'manager', id: ctx.state.manager!.managerId });

  m.post('/', async (ctx) => {
    const b = body(
      ctx,
      z
        .object({
          orderNumber: z.string().trim().min(2).max(40).optional(),
          orderId: objectId.optional(),
          line: z.number().int().min(1).max(500).optional(), // 1-based, as people count lines
          type: z.enum(CLAIM_TYPES),
          qty: z.number().int().positive().max(100_000_000),
          amount: money.optional(),
          currency: z.enum(CURRENCIES).optional(),
          description: text(4000),
          photos: z.array(z.object({ url: z.string().trim().url().max(2000).regex(/^https?:\/\//, 'an http(s) URL'), name: z.string().trim().min(1).max(200).optional() }).strict()).max(10).optional(),
          answerDays: z.number().int().min(1).max(60).optional(),
          send: z.boolean().optional(),
        })
        .strict()
        .refine((x) => x.orderNumber || x.orderId, { message: 'orderNumber or orderId is required', path: ['orderNumber'] }),
    );
    const c = await fileClaim({ ...b, line: b.line === undefined ? undefined : b.line - 1 }, { id: ctx.state.manager!.managerId }, translation, clock());
    ctx.status = 201;
    ctx.body = claimView(c);
  });

  m.get('/', async (ctx) => {
    const q = query(ctx, z.object({ supplier: z.string().regex(/^[A-Za-z0-9]{2,6}$/).optional(), status: z.enum(CLAIM_STATUSES).optional(), order: objectId.optional() }).strict());
    let supplierId: string | undefined;
    if (q.supplier) {
      const s = await Supplier.findOne({ code: normaliseCode(q.supplier) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
      if (!s) {
        ctx.body = { items: [] };
        return;
      }
      supplierId = String(s._id);
    }
    ctx.body = { items: (await listClaims({ supplierId, status: q.status, orderId: q.order })).map((c) => claimView(c)) };
  });

  m.get('/:id', async (ctx) => {
    const p = params(ctx, idParams);
    ctx.body = claimView(await retryClaimTranslation(await getClaim(p.id), translation, clock()));
  });

  m.post('/:id/transitions', async (ctx) => {
    const p = params(ctx, idParams);
    const b = body(
      ctx,
      z
        .object({
          to: z.enum(CLAIM_STATUSES),
          reason: text(1000).optional(),
          settlement: z.object({ kind: z.enum(SETTLEMENT_KINDS), amount: money.optional(), currency: z.enum(CURRENCIES).optional(), note: z.string().trim().max(1000).optional() }).strict().optional(),
        })
        .strict(),
    );
    ctx.body = claimView(await moveClaim(p.id, b.to, manager(ctx), { reason: b.reason, settlement: b.settlement }, clock()));
  });

  m.post('/:id/photos', ...photoUpload(config, clock, manager));
  m.get('/:id/photos/:photoId', photoDownload(config, () => undefined));

  // ---- supplier (mini-program) ----
  const s = new Router<AppState>({ prefix: '/api/mp/claims' });
  s.use(requireSupplier(config));
  const supplier = (ctx: { state: AppState }): Extract<Actor, { kind: 'supplier' }> => ({ kind: 'supplier', supplierId: ctx.state.principal!.supplierId!, openid: ctx.state.principal!.openid });

  s.get('/', async (ctx) => {
    ctx.body = { items: (await listClaims({ supplierId: ctx.state.principal!.supplierId, forSupplier: true })).map((c) => claimView(c, true)) };
  });

  s.get('/:id', async (ctx) => {
    const p = params(ctx, idParams);
    // The supplier reads Chinese: a translation that failed at filing is tried again now.
    ctx.body = claimView(await retryClaimTranslation(await getClaim(p.id, supplier(ctx)), translation, clock()), true);
  });

  s.post('/:id/photos', ...photoUpload(config, clock, supplier));
  s.get('/:id/photos/:photoId', photoDownload(config, supplier));

  s.post('/:id/answer', async (ctx) => {
    const p = params(ctx, idParams);
    const b = body(ctx, z.object({ decision: z.enum(['accept', 'dispute']), text: z.string().trim().max(4000).optional(), photoIds: z.array(z.string().uuid()).max(10).optional() }).strict());
    ctx.body = claimView(await answerClaim(p.id, supplier(ctx), b, clock()), true);
  });

  return [m, s];
}
