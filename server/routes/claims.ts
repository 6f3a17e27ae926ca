// Claims in the manager API (bearer or console cookie) and in the mini-program API (a supplier
// sees and answers only its own claims, never a draft; another supplier's claim is a 404).
// Thin: parse, call one function of shared/claims, render.
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { assertVisible, type Viewer } from '../../shared/access/index.js';
import {
  CLAIM_CAUSES,
  CLAIM_DECISIONS,
  CLAIM_STATUSES,
  CLAIM_TYPES,
  claimAnalytics,
  setClaimFacts,
  SETTLEMENT_KINDS,
  actorOf,
  addClaimPhoto,
  answerClaim,
  claimFor,
  claimPhotoFor,
  claimsFor,
  fileClaim,
  moveClaim,
  retryClaimTranslation,
} from '../../shared/claims/index.js';
import { msg, NotFoundError } from '../../shared/errors/index.js';
import { managerLang } from '../../shared/managers/model.js';
import { CURRENCIES, findOrderByNumber, orderFor } from '../../shared/orders/index.js';
import { storageKeys } from '../../shared/storage/index.js';
import { supplierFor } from '../../shared/suppliers/index.js';
import * as c from '../contract.js';
import { managerOf, Reply, route, supplierOf, type AnyRoute, type RouteDeps } from '../http/route.js';
import { idempotencyHeaders, idParams, isoDate, money, objectId, supplierCode, text } from '../validation.js';
import { claimView, withShownCode, withShownCodes } from '../views.js';
import { imageUpload, uploadedImage } from './mp.js';

const losses = z
  .object({ goods: money.optional(), freight: money.optional(), other: money.optional(), currency: z.enum(CURRENCIES) })
  .strict()
  .refine((l) => l.goods || l.freight || l.other, { message: 'give at least one loss: goods, freight or other', path: ['goods'] });
/** Batch, date received, presumed cause, losses: when filing and when editing. */
const factFields = {
  batch: z.string().trim().min(1).max(100).optional(),
  receivedOn: isoDate.optional(),
  cause: z.enum(CLAIM_CAUSES).optional(),
  losses: losses.optional(),
};

const photoParams = z.object({ id: objectId, photoId: z.string().uuid() }).strict();
const photoResult = z.object({ photo: z.object({ id: z.string(), name: z.string().nullish(), url: z.string().optional() }), added: z.boolean() });

export function claimRoutes({ config, clock, translation, storage }: RouteDeps): AnyRoute[] {
  /** Upload one photo to a claim the caller may see. */
  const upload = (path: string, access: 'manager' | 'supplier') =>
    route({
      method: 'post',
      path,
      tag: 'claims',
      access,
      summary: 'Upload a photo to a claim (JPEG, PNG or WebP)',
      params: idParams,
      headers: idempotencyHeaders,
      upload: { field: 'photo', description: 'one JPEG, PNG or WebP image' },
      before: [imageUpload(config, async (ctx: Context) => void (await claimFor(ctx.state.viewer, ctx.state.input.params.id)))],
      responses: { 201: { description: 'Stored', schema: photoResult }, 200: { description: 'A re-sent upload (same Idempotency-Key): the first copy is kept', schema: photoResult } },
      errors: [409],
      handle: async (req, ctx) => {
        const img = uploadedImage(ctx);
        const id = randomUUID();
        const key = storageKeys.claimPhoto(id);
        await storage.put(key, { path: img.filepath });
        const res = await addClaimPhoto(req.params.id, actorOf(req.viewer as Viewer), { id, name: img.name, mimeType: img.type, size: img.size, key: req.headers['idempotency-key'] }, clock()).catch(
          async (err) => {
            await storage.delete(key); // not recorded: not kept
            throw err;
          },
        );
        if (!res.added) await storage.delete(key);
        return new Reply(res.added ? 201 : 200, { photo: { id: res.photo.id, name: res.photo.name, ...(res.photo.url ? { url: res.photo.url } : {}) }, added: res.added });
      },
    });

  /** The bytes of an uploaded photo (a linked one is a redirect to its URL). */
  const download = (path: string, access: 'manager' | 'supplier') =>
    route({
      method: 'get',
      path,
      tag: 'claims',
      access,
      summary: 'A photo of a claim',
      params: photoParams,
      responses: { 200: { description: 'The image', contentTypes: ['image/jpeg', 'image/png', 'image/webp'] }, 302: { description: 'A linked photo: its URL' } },
      handle: async (req, ctx) => {
        const f = await claimPhotoFor(req.viewer as Viewer, req.params.id, req.params.photoId);
        if (f.url) {
          ctx.redirect(f.url);
          return new Reply(302);
        }
        const body = await storage.get(storageKeys.claimPhoto(f.id));
        if (!body) throw new NotFoundError(msg('photoFileGone'));
        ctx.type = f.mimeType ?? 'application/octet-stream';
        ctx.set('Cache-Control', 'private, max-age=86400');
        return new Reply(200, body);
      },
    });

  return [
    route({
      method: 'post',
      path: '/api/claims',
      tag: 'claims',
      access: 'manager',
      summary: 'File a claim (sent to the supplier in Chinese unless send: false)',
      body: z
        .object({
          orderNumber: z.string().trim().min(2).max(40).optional(),
          orderId: objectId.optional(),
          line: z.number().int().min(1).max(500).optional(), // 1-based, as people count lines
          type: z.enum(CLAIM_TYPES),
          qty: z.number().int().positive().max(100_000_000),
          amount: money.optional(),
          currency: z.enum(CURRENCIES).optional(),
          description: text(4000),
          photos: z
            .array(
              z
                .object({
                  url: z
                    .string()
                    .trim()
                    .url()
                    .max(2000)
                    .regex(/^https?:\/\//, 'an http(s) URL'),
                  name: z.string().trim().min(1).max(200).optional(),
                })
                .strict(),
            )
            .max(10)
            .optional(),
          answerDays: z.number().int().min(1).max(60).optional(),
          send: z.boolean().optional(),
          ...factFields,
        })
        .strict()
        .refine((x) => x.orderNumber || x.orderId, { message: 'orderNumber or orderId is required', path: ['orderNumber'] }),
      responses: { 201: { description: 'The claim', schema: c.claimView } },
      errors: [404, 409],
      handle: async (req) => {
        const v = managerOf(req);
        const b = req.body;
        // The order must be one the manager may see (an unknown one is the domain's 404).
        const o = b.orderId ? await orderFor(v, b.orderId) : await findOrderByNumber(b.orderNumber!);
        if (o) await assertVisible(v, o, `no order ${b.orderNumber ?? b.orderId}`);
        return withShownCode(
          claimView(await fileClaim({ ...b, line: b.line === undefined ? undefined : b.line - 1, receivedOn: b.receivedOn }, { id: v.id, language: managerLang(v.language) }, translation, clock())),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/claims',
      tag: 'claims',
      access: 'manager',
      summary: 'Claims of the suppliers I may see (?supplier, ?status, ?order)',
      query: z.object({ supplier: supplierCode.optional(), status: z.enum(CLAIM_STATUSES).optional(), order: objectId.optional() }).strict(),
      responses: { 200: { description: 'Claims, newest first', schema: c.list(c.claimView) } },
      handle: async (req) => {
        const v = managerOf(req);
        const s = req.query.supplier ? await supplierFor(v, req.query.supplier).catch(() => null) : undefined;
        if (s === null) return { items: [] };
        return {
          items: await withShownCodes(
            (await claimsFor(v, { supplierId: s ? String(s._id) : undefined, status: req.query.status, orderId: req.query.order })).map((x) => claimView(x, false, v.language)),
          ),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/claims/analytics',
      tag: 'claims',
      access: 'manager',
      summary: 'Claims analytics over the suppliers I may see: by type, cause, supplier, month; share settled; median days to settle; amounts per currency',
      query: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict(),
      responses: { 200: { description: 'The numbers (drafts left out; ?from/?to: filed in [from, to))', schema: c.claimAnalytics } },
      handle: async (req) => claimAnalytics(managerOf(req), { from: req.query.from, to: req.query.to }),
    }),
    route({
      method: 'patch',
      path: '/api/claims/:id',
      tag: 'claims',
      access: 'manager',
      summary: 'Record the facts of a claim: batch, date received, presumed cause, losses, decision (null clears one)',
      params: idParams,
      body: z
        .object({
          batch: factFields.batch.nullable(),
          receivedOn: isoDate.nullable().optional(),
          cause: z.enum(CLAIM_CAUSES).nullable().optional(),
          losses: losses.nullable().optional(),
          decision: z
            .object({ kind: z.enum(CLAIM_DECISIONS), amount: money.optional(), currency: z.enum(CURRENCIES).optional(), note: z.string().trim().max(1000).optional() })
            .strict()
            .nullable()
            .optional(),
        })
        .strict(),
      responses: { 200: { description: 'The claim', schema: c.claimView } },
      handle: async (req) => {
        const v = managerOf(req);
        await claimFor(v, req.params.id);
        const b = req.body;
        return withShownCode(claimView(await setClaimFacts(req.params.id, b, `manager:${v.id}`, clock()), false, v.language));
      },
    }),
    route({
      method: 'get',
      path: '/api/claims/:id',
      tag: 'claims',
      access: 'manager',
      summary: 'A claim',
      params: idParams,
      responses: { 200: { description: 'The claim', schema: c.claimView } },
      handle: async (req) => withShownCode(claimView(await retryClaimTranslation(await claimFor(managerOf(req), req.params.id), translation, clock()), false, managerOf(req).language)),
    }),
    route({
      method: 'post',
      path: '/api/claims/:id/transitions',
      tag: 'claims',
      access: 'manager',
      summary: 'Move a claim (shared/claims TRANSITIONS)',
      params: idParams,
      body: z
        .object({
          to: z.enum(CLAIM_STATUSES),
          from: z.enum(CLAIM_STATUSES).optional().describe('the status the manager saw: a claim moved on meanwhile is a 409'),
          reason: text(1000).optional(),
          settlement: z
            .object({ kind: z.enum(SETTLEMENT_KINDS), amount: money.optional(), currency: z.enum(CURRENCIES).optional(), note: z.string().trim().max(1000).optional() })
            .strict()
            .optional(),
        })
        .strict(),
      responses: { 200: { description: 'The claim', schema: c.claimView } },
      errors: [409],
      handle: async (req) => {
        const v = managerOf(req);
        await claimFor(v, req.params.id);
        return withShownCode(
          claimView(await moveClaim(req.params.id, req.body.to, actorOf(v), { from: req.body.from, reason: req.body.reason, settlement: req.body.settlement }, clock()), false, v.language),
        );
      },
    }),
    upload('/api/claims/:id/photos', 'manager'),
    download('/api/claims/:id/photos/:photoId', 'manager'),

    // ---- supplier (mini-program) ----
    route({
      method: 'get',
      path: '/api/mp/claims',
      tag: 'claims',
      access: 'supplier',
      summary: 'My claims (never drafts)',
      responses: { 200: { description: 'Claims, newest first', schema: c.list(c.claimView) } },
      handle: async (req) => ({ items: await withShownCodes((await claimsFor(supplierOf(req), {})).map((x) => claimView(x, true))) }),
    }),
    route({
      method: 'get',
      path: '/api/mp/claims/:id',
      tag: 'claims',
      access: 'supplier',
      summary: 'A claim of mine',
      params: idParams,
      responses: { 200: { description: 'The claim (description in Chinese)', schema: c.claimView } },
      // The supplier reads Chinese: a translation that failed at filing is tried again now.
      handle: async (req) => withShownCode(claimView(await retryClaimTranslation(await claimFor(supplierOf(req), req.params.id), translation, clock()), true)),
    }),
    upload('/api/mp/claims/:id/photos', 'supplier'),
    download('/api/mp/claims/:id/photos/:photoId', 'supplier'),
    route({
      method: 'post',
      path: '/api/mp/claims/:id/answer',
      tag: 'claims',
      access: 'supplier',
      summary: 'Accept or dispute a claim',
      params: idParams,
      body: z.object({ decision: z.enum(['accept', 'dispute']), text: z.string().trim().max(4000).optional(), photoIds: z.array(z.string().uuid()).max(10).optional() }).strict(),
      responses: { 200: { description: 'The claim', schema: c.claimView } },
      errors: [409],
      handle: async (req) => {
        const v = supplierOf(req);
        return withShownCode(claimView(await answerClaim(req.params.id, { kind: 'supplier', supplierId: v.supplierId, openid: v.openid }, req.body, clock()), true));
      },
    }),
  ];
}
