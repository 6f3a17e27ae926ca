// Claims in the manager API (bearer or console cookie) and in the mini-program API (a supplier
// sees and answers only its own claims; another supplier's claim is a 404).
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import { koaBody } from 'koa-body';
import { Types } from 'mongoose';
import { z } from 'zod';
import { Claim, CLAIM_STATUSES, CLAIM_TYPES, SETTLEMENT_KINDS, answerClaim, fileClaim, getClaim, listClaims, moveClaim, type Actor, type ClaimDoc } from '../../shared/claims/index.js';
import type { Config } from '../../shared/config/index.js';
import { ConflictError, ValidationError } from '../../shared/errors/index.js';
import { CURRENCIES } from '../../shared/orders/index.js';
import { Supplier, normaliseCode } from '../../shared/suppliers/index.js';
import type { TranslationService } from '../../shared/translation/index.js';
import { requireManager, requireSupplier, type AppState } from '../auth.js';
import { body, objectId, params, query, text } from '../validation.js';
import { sniff } from './mp.js';

const money = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount such as 120.50');
const day = (d?: Date) => (d ? d.toISOString().slice(0, 10) : null);

export function claimView(c: ClaimDoc, forSupplier = false) {
  return {
    id: String(c._id),
    number: c.number,
    orderId: String(c.orderId),
    orderNumber: c.orderNumber,
    supplierCode: c.supplierCode,
    line: c.line ?? null,
    item: c.item ?? null,
    type: c.type,
    qty: c.qty,
    amount: c.amount ?? null,
    currency: c.currency ?? null,
    description: forSupplier ? (c.descriptionZh ?? c.description) : c.description,
    ...(forSupplier ? {} : { descriptionZh: c.descriptionZh ?? null, translationStatus: c.translationStatus, managerId: c.managerId ? String(c.managerId) : null }),
    photos: c.photos.map((p) => ({ id: p.id, name: p.name })),
    supplierPhotos: (c.supplierPhotos ?? []).map((p) => ({ id: p.id, name: p.name })),
    answerDue: day(c.answerDue),
    status: c.status,
    version: c.version,
    answer: c.answer ? { text: c.answer.text ?? null, decision: c.answer.decision, photos: c.answer.photos.map((p) => ({ id: p.id, name: p.name })), at: c.answer.at } : null,
    settlement: c.settlement ?? null,
    history: c.history.map((h) => ({ from: h.from, to: h.to, by: forSupplier ? (h.by.startsWith('supplier:') ? 'supplier' : 'buyer') : h.by, at: h.at, reason: h.reason ?? null })),
    createdAt: c.createdAt,
  };
}

export function claimRoutes(config: Config, translation: Pick<TranslationService, 'translateText' | 'detect'>, clock: () => Date): Router<AppState>[] {
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
    const p = params(ctx, z.object({ id: objectId }).strict());
    ctx.body = claimView(await getClaim(p.id));
  });

  m.post('/:id/transitions', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
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

  // ---- supplier (mini-program) ----
  const s = new Router<AppState>({ prefix: '/api/mp/claims' });
  s.use(requireSupplier(config));
  const supplier = (ctx: { state: AppState }): Extract<Actor, { kind: 'supplier' }> => ({ kind: 'supplier', supplierId: ctx.state.principal!.supplierId!, openid: ctx.state.principal!.openid });

  s.get('/', async (ctx) => {
    ctx.body = { items: (await listClaims({ supplierId: ctx.state.principal!.supplierId })).filter((c) => c.status !== 'draft').map((c) => claimView(c, true)) };
  });

  s.get('/:id', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const c = await getClaim(p.id, supplier(ctx));
    if (c.status === 'draft') throw new ValidationError('no such claim');
    ctx.body = claimView(c, true);
  });

  s.post(
    '/:id/photos',
    async (ctx, next) => {
      const p = params(ctx, z.object({ id: objectId }).strict());
      const c = await getClaim(p.id, supplier(ctx)); // access first, bytes after
      if (c.status !== 'sent') throw new ConflictError('photos can be added while the claim waits for your answer');
      const spool = join(config.server.uploadDir, 'tmp', randomUUID());
      mkdirSync(spool, { recursive: true });
      try {
        await koaBody({ multipart: true, json: false, urlencoded: false, text: false, formidable: { uploadDir: spool, maxFileSize: config.server.maxUploadBytes, maxFiles: 1, maxFields: 5, allowEmptyFiles: false } })(ctx, next);
      } finally {
        rmSync(spool, { recursive: true, force: true });
      }
    },
    async (ctx) => {
      const p = params(ctx, z.object({ id: objectId }).strict());
      const files = (ctx.request as unknown as { files?: Record<string, { filepath: string; originalFilename?: string; size: number }> }).files ?? {};
      const file = files.photo;
      if (!file || Array.isArray(file)) throw new ValidationError('send one image in the field "photo"', [{ field: 'photo', message: 'required' }]);
      const type = sniff(file.filepath);
      if (!type) throw new ValidationError('only JPEG, PNG or WebP images are accepted', [{ field: 'photo', message: 'not an image' }]);
      const id = randomUUID();
      const dir = join(config.server.uploadDir, 'claims');
      mkdirSync(dir, { recursive: true });
      renameSync(file.filepath, join(dir, id));
      const photo = { id, name: (file.originalFilename ?? 'photo').slice(0, 200), mimeType: type, size: file.size, at: clock(), by: `supplier:${ctx.state.principal!.openid}` };
      const r = await Claim.updateOne({ _id: p.id, supplierId: new Types.ObjectId(ctx.state.principal!.supplierId), status: 'sent', 'supplierPhotos.9': { $exists: false } }, { $push: { supplierPhotos: photo } });
      if (r.modifiedCount !== 1) {
        rmSync(join(dir, id), { force: true });
        throw new ConflictError('the claim is no longer waiting for an answer, or it has 10 photos already');
      }
      ctx.status = 201;
      ctx.body = { photo: { id, name: photo.name } };
    },
  );

  s.post('/:id/answer', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, z.object({ decision: z.enum(['accept', 'dispute']), text: z.string().trim().max(4000).optional(), photoIds: z.array(z.string().uuid()).max(10).optional() }).strict());
    const c = await getClaim(p.id, supplier(ctx));
    const photos = (b.photoIds ?? []).map((id) => {
      const f = (c.supplierPhotos ?? []).find((x) => x.id === id);
      if (!f) throw new ValidationError(`unknown photo ${id}: upload it first`, [{ field: 'photoIds', message: 'unknown photo' }]);
      return f;
    });
    ctx.body = claimView(await answerClaim(p.id, supplier(ctx), { decision: b.decision, text: b.text, photos }, clock()), true);
  });

  return [m, s];
}
