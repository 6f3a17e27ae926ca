// Manager API (bearer token or console cookie): suppliers, contacts, threads with
// translations, orders, milestones, customs, overdue list, binding codes for the mini-program.
// Every record is reached through shared/access (a manager sees their suppliers' records).
import { z } from 'zod';
import { issueBindingCode } from '../../shared/auth/index.js';
import { CURRENCIES, INCOTERMS, MILESTONES, createOrderFor, orderFor, orderHistory, ordersFor, overdueFor, reportCustoms, updateMilestone, updateOrder } from '../../shared/orders/index.js';
import { SEGMENTS, listSuppliers, supplierContacts, supplierFor } from '../../shared/suppliers/index.js';
import { threadFor, threadMessages } from '../../shared/inbox/index.js';
import { listThreads, updateContact } from '../../shared/threads/index.js';
import * as c from '../contract.js';
import { managerOf, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { codeParams, idempotencyHeaders, idParams, isoDate, money, objectId, page, supplierCode, supplierFactsQuery, text, timezone, milestoneParams } from '../validation.js';
import { contactView, messageView, orderDetail, orderSummary, outboxView, supplierView, threadView, withShownCode, withShownCodes } from '../views.js';
import { notificationsFor } from '../../shared/notices/index.js';
import { chatMediaRoute, milestonePhotoRoute } from './photos.js';

const lineSchema = z
  .object({
    item: text(200),
    sku: z.string().trim().max(64).optional(),
    qty: z.number().int().positive().max(100_000_000),
    unit: z.string().trim().max(16).optional(),
    unitPrice: money,
    currency: z.enum(CURRENCIES),
  })
  .strict();

export const newOrder = z
  .object({
    number: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,39}$/, 'letters, digits and - _ . / only'),
    supplierCode,
    managerId: objectId.optional(),
    incoterms: z.enum(INCOTERMS).optional(),
    paymentTerms: z.string().trim().max(200).optional(),
    currency: z.enum(CURRENCIES).optional(),
    lines: z.array(lineSchema).max(500).optional(),
    // Planned dates not given come from the supplier's lead-time template.
    planFromTemplate: z.boolean().optional(),
    planned: z
      .object(Object.fromEntries(MILESTONES.map((m) => [m, isoDate.optional()])) as Record<(typeof MILESTONES)[number], z.ZodOptional<typeof isoDate>>)
      .strict()
      .optional(),
  })
  .strict();

export const orderPatch = z
  .object({
    managerId: objectId.optional(),
    incoterms: z.enum(INCOTERMS).optional(),
    paymentTerms: z.string().trim().max(200).optional(),
    currency: z.enum(CURRENCIES).optional(),
    lines: z.array(lineSchema).max(500).optional(),
    status: z.enum(['open', 'closed']).optional(),
  })
  .strict();

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

const by = (req: { viewer: unknown }) => `manager:${managerOf(req).id}`;

export function managerRoutes({ clock, storage }: RouteDeps): AnyRoute[] {
  const tag = 'manager';
  return [
    route({
      method: 'get',
      path: '/api/suppliers',
      tag,
      access: 'manager',
      summary: 'Suppliers I may see (100 a page)',
      query: z.object({ segment: z.enum(SEGMENTS).optional(), ...supplierFactsQuery, page }).strict(),
      responses: { 200: { description: 'A page of suppliers', schema: c.page(c.supplierView) } },
      handle: async (req) => {
        const res = await listSuppliers(managerOf(req), req.query);
        return { ...res, items: res.items.map(supplierView) };
      },
    }),
    route({
      method: 'get',
      path: '/api/suppliers/:code',
      tag,
      access: 'manager',
      summary: 'A supplier with its contacts',
      params: codeParams,
      responses: { 200: { description: 'The supplier', schema: c.supplierView.extend({ contacts: z.array(c.contactView) }) } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        return { ...supplierView(s), contacts: (await supplierContacts(s._id)).map(contactView) };
      },
    }),
    route({
      method: 'put',
      path: '/api/contacts/:id',
      tag,
      access: 'manager',
      summary: "Set a contact's time zone (IANA), language (zh, en), role and phone",
      params: idParams,
      body: z.object({ timezone: timezone.optional(), language: z.enum(['zh', 'en']).optional(), role: z.string().trim().max(64).optional(), phone: z.string().trim().max(40).optional() }).strict(),
      responses: { 200: { description: 'The contact', schema: c.contactView } },
      handle: async (req) => contactView(await updateContact(managerOf(req), req.params.id, req.body)),
    }),
    route({
      method: 'post',
      path: '/api/suppliers/:code/binding-codes',
      tag,
      access: 'manager',
      summary: 'Issue a mini-program binding code',
      params: codeParams,
      body: z.object({ contactId: objectId.optional() }).strict(),
      responses: { 201: { description: 'The code', schema: c.bindingCode } },
      handle: async (req) => {
        const s = await supplierFor(managerOf(req), req.params.code);
        return issueBindingCode(s.code, by(req), { contactId: req.body.contactId, now: clock() });
      },
    }),
    route({
      method: 'get',
      path: '/api/threads',
      tag,
      access: 'manager',
      summary: 'Threads I may see, latest first (50 a page)',
      query: z.object({ supplier: supplierCode.optional(), page }).strict(),
      responses: { 200: { description: 'A page of threads', schema: c.page(c.threadView) } },
      errors: [404],
      handle: async (req) => {
        const v = managerOf(req);
        const s = req.query.supplier ? await supplierFor(v, req.query.supplier) : undefined;
        const res = await listThreads(v, { supplierId: s?._id, page: req.query.page });
        return { ...res, items: res.items.map(threadView) };
      },
    }),
    route({
      method: 'get',
      path: '/api/threads/:id/messages',
      tag,
      access: 'manager',
      summary: 'Messages with translations, newest first',
      params: idParams,
      query: z.object({ before: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }).strict(),
      responses: { 200: { description: 'Messages', schema: c.list(c.messageView) } },
      handle: async (req) => {
        const t = await threadFor(managerOf(req), req.params.id);
        const items = await threadMessages(t, { before: req.query.before ? new Date(req.query.before) : undefined, limit: req.query.limit });
        return { items: items.map((m) => messageView(m)) };
      },
    }),
    route({
      method: 'get',
      path: '/api/orders',
      tag,
      access: 'manager',
      summary: 'Orders (of one supplier, mine, or all I may see)',
      query: z.object({ supplier: supplierCode.optional(), status: z.enum(['open', 'closed']).optional(), mine: z.enum(['true', 'false']).optional(), page }).strict(),
      responses: { 200: { description: 'A page of orders', schema: c.page(c.orderSummary) } },
      errors: [404],
      handle: async (req) => {
        const q = req.query;
        const res = await ordersFor(managerOf(req), { supplierCode: q.supplier, status: q.status, mine: q.mine === 'true' }, q.page);
        const now = clock();
        return { items: await withShownCodes(res.items.map((o) => orderSummary(o, now))), page: res.page, hasMore: res.hasMore };
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/overdue',
      tag,
      access: 'manager',
      summary: 'Overdue orders',
      query: z.object({ mine: z.enum(['true', 'false']).optional() }).strict(),
      responses: { 200: { description: 'Overdue orders', schema: c.list(c.orderSummary) } },
      handle: async (req) => {
        const now = clock();
        return { items: await withShownCodes((await overdueFor(managerOf(req), now, req.query.mine === 'true')).map((o) => orderSummary(o, now))) };
      },
    }),
    route({
      method: 'post',
      path: '/api/orders',
      tag,
      access: 'manager',
      summary: 'Create an order',
      body: newOrder,
      responses: { 201: { description: 'The order', schema: c.orderDetail } },
      errors: [404, 409],
      handle: async (req) => {
        const v = managerOf(req);
        return withShownCode(
          orderDetail(await createOrderFor(v, { ...(req.body as Parameters<typeof createOrderFor>[1]), via: v.via === 'console' ? 'console' : 'api' }, by(req), clock()), clock(), v.language),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/:id',
      tag,
      access: 'manager',
      summary: 'An order',
      params: idParams,
      responses: { 200: { description: 'The order', schema: c.orderDetail } },
      handle: async (req) => withShownCode(orderDetail(await orderFor(managerOf(req), req.params.id), clock(), managerOf(req).language)),
    }),
    route({
      method: 'patch',
      path: '/api/orders/:id',
      tag,
      access: 'manager',
      summary: 'Change an order',
      params: idParams,
      body: orderPatch,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        await orderFor(managerOf(req), req.params.id);
        const res = await updateOrder(req.params.id, req.body, by(req), clock());
        return { order: await withShownCode(orderDetail(res.order, clock(), managerOf(req).language)), changed: res.changed };
      },
    }),
    route({
      method: 'delete',
      path: '/api/orders/:id',
      tag,
      access: 'manager',
      summary: 'Close an order',
      params: idParams,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        await orderFor(managerOf(req), req.params.id);
        const res = await updateOrder(req.params.id, { status: 'closed' }, by(req), clock());
        return { order: await withShownCode(orderDetail(res.order, clock(), managerOf(req).language)), changed: res.changed };
      },
    }),
    route({
      method: 'get',
      path: '/api/orders/:id/history',
      tag,
      access: 'manager',
      summary: 'Change history of an order',
      params: idParams,
      responses: {
        200: {
          description: 'Changes, oldest first',
          schema: c.list(c.historyEntry),
        },
      },
      handle: async (req) => {
        await orderFor(managerOf(req), req.params.id);
        const events = await orderHistory(req.params.id);
        return {
          items: events.map((e) => ({
            at: e.at,
            by: e.by,
            via: e.via ?? (e.by.startsWith('supplier:') ? 'miniprogram' : null),
            kind: e.kind,
            milestone: e.milestone ?? null,
            before: e.before ?? null,
            after: e.after ?? null,
            reason: e.reason ?? null,
          })),
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/:id/milestones/:milestone',
      tag,
      access: 'manager',
      summary: 'Change a milestone',
      params: milestoneParams,
      headers: idempotencyHeaders,
      body: milestoneBody,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        await orderFor(managerOf(req), req.params.id);
        const res = await updateMilestone({ orderId: req.params.id, milestone: req.params.milestone, ...req.body, by: by(req), idempotencyKey: req.headers['idempotency-key'], now: clock() });
        return { order: await withShownCode(orderDetail(res.order, clock(), managerOf(req).language)), changed: res.changed };
      },
    }),
    milestonePhotoRoute(storage, '/api/orders/:id/milestones/:milestone/photos/:photoId', 'manager', tag),
    chatMediaRoute(storage, tag),
    route({
      method: 'get',
      path: '/api/notifications',
      tag,
      access: 'manager',
      summary: 'My notifications: supplier changes, claim answers, reminders sent (or to be sent) to my WeChat',
      responses: { 200: { description: 'Newest first', schema: c.list(c.outboxView) } },
      handle: async (req) => ({ items: (await notificationsFor(managerOf(req))).map(outboxView) }),
    }),
    route({
      method: 'post',
      path: '/api/orders/:id/customs',
      tag,
      access: 'manager',
      summary: 'Record a customs hold or clearance',
      params: idParams,
      headers: idempotencyHeaders,
      body: customsBody,
      responses: { 200: { description: 'The order and whether it changed', schema: c.orderWrite } },
      errors: [409],
      handle: async (req) => {
        await orderFor(managerOf(req), req.params.id);
        const res = await reportCustoms({ orderId: req.params.id, ...req.body, by: by(req), idempotencyKey: req.headers['idempotency-key'], now: clock() });
        return { order: await withShownCode(orderDetail(res.order, clock(), managerOf(req).language)), changed: res.changed };
      },
    }),
  ];
}
