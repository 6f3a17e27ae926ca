// Manager API (manager token): suppliers, threads with translations, orders, milestones,
// customs, overdue list, binding codes for the mini-program.
import Router from '@koa/router';
import { Types } from 'mongoose';
import { z } from 'zod';
import { issueBindingCode } from '../../shared/auth/index.js';
import type { Config } from '../../shared/config/index.js';
import { NotFoundError } from '../../shared/errors/index.js';
import {
  CURRENCIES, INCOTERMS, MILESTONES, Order, createOrder, getOrder, listOrders, listOverdue, orderHistory, reportCustoms, updateMilestone, updateOrder,
} from '../../shared/orders/index.js';
import { SEGMENTS, Supplier, normaliseCode, type SupplierDoc } from '../../shared/suppliers/index.js';
import { Contact, Message, Thread, type MessageDoc, type ThreadDoc } from '../../shared/threads/index.js';
import { requireManager, type AppState } from '../auth.js';
import { body, idempotencyKey, isoDate, objectId, page, params, query, text } from '../validation.js';
import { messageView, orderDetail, orderSummary } from '../views.js';
import { customsBody, milestoneBody } from './mp.js';

const code = z.string().trim().regex(/^[A-Za-z0-9]{2,6}$/, 'a supplier code such as D12 or 001');
const money = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount such as 12.50');

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
    number: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{1,39}$/, 'letters, digits and - _ . / only'),
    supplierCode: code,
    managerId: objectId.optional(),
    incoterms: z.enum(INCOTERMS).optional(),
    currency: z.enum(CURRENCIES).optional(),
    lines: z.array(lineSchema).max(500).optional(),
    planned: z.object(Object.fromEntries(MILESTONES.map((m) => [m, isoDate.optional()])) as Record<(typeof MILESTONES)[number], z.ZodOptional<typeof isoDate>>).strict().optional(),
  })
  .strict();

export const orderPatch = z
  .object({
    managerId: objectId.optional(),
    incoterms: z.enum(INCOTERMS).optional(),
    currency: z.enum(CURRENCIES).optional(),
    lines: z.array(lineSchema).max(500).optional(),
    status: z.enum(['open', 'closed']).optional(),
  })
  .strict();


function supplierView(s: SupplierDoc) {
  return {
    id: String(s._id),
    code: s.code,
    tag: s.tag ?? null,
    name: s.name,
    nameEn: s.nameEn ?? null,
    segment: s.segment,
    region: s.region ?? null,
    province: s.province ?? null,
    timezone: s.timezone,
    managerId: s.managerId ? String(s.managerId) : null,
    possibleDuplicateOf: (s.possibleDuplicateOf ?? []).map(String),
  };
}

export function managerRoutes(config: Config, clock: () => Date): Router<AppState> {
  const r = new Router<AppState>({ prefix: '/api' });
  r.use(requireManager(config));
  // A console manager who does not see all suppliers reaches only their suppliers' orders by id
  // (read, change, history, milestones, customs); others are "not found".
  r.use('/orders/:id', async (ctx, next) => {
    const user = ctx.state.console;
    const id = (ctx as unknown as { params?: { id?: string } }).params?.id;
    if (user && !user.seesAll && id && /^[0-9a-f]{24}$/i.test(id)) {
      const o = await Order.findOne({ _id: id }, { supplierId: 1 }).lean<{ supplierId: Types.ObjectId }>();
      if (!o || !(await Supplier.exists({ _id: o.supplierId, managerId: new Types.ObjectId(user.id) }))) throw new NotFoundError('order not found');
    }
    await next();
  });

  r.get('/suppliers', async (ctx) => {
    const q = query(ctx, z.object({ segment: z.enum(SEGMENTS).optional(), page }).strict());
    const filter = q.segment ? { segment: q.segment } : {};
    const items = await Supplier.find({ ...filter, mergedInto: { $exists: false } }).sort({ code: 1 }).skip((q.page - 1) * 100).limit(101).lean<SupplierDoc[]>();
    ctx.body = { items: items.slice(0, 100).map(supplierView), page: q.page, hasMore: items.length > 100 };
  });

  r.get('/suppliers/:code', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const s = await Supplier.findOne({ code: normaliseCode(p.code) }).lean<SupplierDoc>();
    if (!s) throw new NotFoundError(`no supplier with code ${p.code}`);
    const contacts = await Contact.find({ supplierId: s._id }).lean();
    ctx.body = {
      ...supplierView(s),
      contacts: contacts.map((c) => ({ id: String(c._id), name: c.name, role: c.role ?? null, language: c.language, timezone: c.timezone })),
    };
  });

  // A contact's time zone (shown wherever the contact appears; a person may work elsewhere than
  // the factory) and role.
  r.put('/contacts/:id', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(
      ctx,
      z
        .object({
          timezone: z.string().max(64).refine((tz) => {
            try {
              new Intl.DateTimeFormat('en', { timeZone: tz });
              return true;
            } catch {
              return false;
            }
          }, 'an IANA time zone such as Asia/Shanghai').optional(),
          role: z.string().trim().max(64).optional(),
        })
        .strict(),
    );
    const r2 = await Contact.updateOne({ _id: p.id }, { $set: b });
    if (r2.matchedCount !== 1) throw new NotFoundError('no such contact');
    const c = (await Contact.findOne({ _id: p.id }).lean())!;
    ctx.body = { id: String(c._id), name: c.name, role: c.role ?? null, timezone: c.timezone, language: c.language };
  });

  r.post('/suppliers/:code/binding-codes', async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const b = body(ctx, z.object({ contactId: objectId.optional() }).strict());
    const issued = await issueBindingCode(p.code, `manager:${ctx.state.manager!.managerId}`, { contactId: b.contactId, now: clock() });
    ctx.status = 201;
    ctx.body = issued;
  });

  r.get('/threads', async (ctx) => {
    const q = query(ctx, z.object({ supplier: code.optional(), page }).strict());
    let filter: Record<string, unknown> = {};
    if (q.supplier) {
      const s = await Supplier.findOne({ code: normaliseCode(q.supplier) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
      if (!s) throw new NotFoundError(`no supplier with code ${q.supplier}`);
      filter = { supplierId: s._id };
    }
    const items = await Thread.find(filter).sort({ lastMessageAt: -1 }).skip((q.page - 1) * 50).limit(51).lean<ThreadDoc[]>();
    ctx.body = {
      items: items.slice(0, 50).map((t) => ({ id: String(t._id), key: t.key, kind: t.kind, topic: t.topic ?? null, supplierId: t.supplierId ? String(t.supplierId) : null, lastMessageAt: t.lastMessageAt ?? null, messageCount: t.messageCount })),
      page: q.page,
      hasMore: items.length > 50,
    };
  });

  r.get('/threads/:id/messages', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const q = query(ctx, z.object({ before: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }).strict());
    const filter: Record<string, unknown> = { threadId: new Types.ObjectId(p.id) };
    if (q.before) filter.ts = { $lt: new Date(q.before) };
    const items = await Message.find(filter).sort({ ts: -1 }).limit(q.limit).lean<MessageDoc[]>();
    ctx.body = { items: items.map((m) => messageView(m)) };
  });

  r.get('/orders', async (ctx) => {
    const q = query(ctx, z.object({ supplier: code.optional(), status: z.enum(['open', 'closed']).optional(), mine: z.enum(['true', 'false']).optional(), page }).strict());
    // A console manager who does not see all suppliers: only their suppliers' orders.
    const user = ctx.state.console;
    if (user && !user.seesAll) {
      if (!q.supplier) q.mine = 'true';
      else if (!(await Supplier.exists({ code: normaliseCode(q.supplier), managerId: new Types.ObjectId(user.id) }))) throw new NotFoundError(`no supplier with code ${q.supplier}`);
    }
    const res = await listOrders({ supplierCode: q.supplier, status: q.status, managerId: q.mine === 'true' ? ctx.state.manager!.managerId : undefined }, q.page);
    const now = clock();
    ctx.body = { items: res.items.map((o) => orderSummary(o, now)), page: res.page, hasMore: res.hasMore };
  });

  r.get('/orders/overdue', async (ctx) => {
    const q = query(ctx, z.object({ mine: z.enum(['true', 'false']).optional() }).strict());
    const now = clock();
    const items = await listOverdue(now, { managerId: q.mine === 'true' ? ctx.state.manager!.managerId : undefined });
    ctx.body = { items: items.map((o) => orderSummary(o, now)) };
  });

  r.post('/orders', async (ctx) => {
    const b = body(ctx, newOrder);
    const o = await createOrder(b as Parameters<typeof createOrder>[0], `manager:${ctx.state.manager!.managerId}`, clock());
    ctx.status = 201;
    ctx.body = orderDetail(o, clock());
  });

  r.get('/orders/:id', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    ctx.body = orderDetail(await getOrder(p.id), clock());
  });

  r.patch('/orders/:id', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, orderPatch);
    const res = await updateOrder(p.id, b, `manager:${ctx.state.manager!.managerId}`, clock());
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  r.delete('/orders/:id', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const res = await updateOrder(p.id, { status: 'closed' }, `manager:${ctx.state.manager!.managerId}`, clock());
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  r.get('/orders/:id/history', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const events = await orderHistory(p.id);
    ctx.body = { items: events.map((e) => ({ at: e.at, by: e.by, kind: e.kind, milestone: e.milestone ?? null, before: e.before ?? null, after: e.after ?? null, reason: e.reason ?? null })) };
  });

  r.post('/orders/:id/milestones/:milestone', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId, milestone: z.enum(MILESTONES) }).strict());
    const b = body(ctx, milestoneBody);
    const res = await updateMilestone({ orderId: p.id, milestone: p.milestone, ...b, by: `manager:${ctx.state.manager!.managerId}`, idempotencyKey: idempotencyKey(ctx), now: clock() });
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  r.post('/orders/:id/customs', async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, customsBody);
    const res = await reportCustoms({ orderId: p.id, ...b, by: `manager:${ctx.state.manager!.managerId}`, idempotencyKey: idempotencyKey(ctx), now: clock() });
    ctx.body = { order: orderDetail(res.order, clock()), changed: res.changed };
  });

  return r;
}
