// The web console's API (`/api/console/*`): sign-in with a session cookie, the inbox, thread
// pages with translations, corrections, replies through the outbox, live updates over SSE,
// notices, supplier cards and binding-code QR images. The console also uses the manager API
// (`/api/orders…`) with the same cookie (server/http/access.ts).
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import QRCode from 'qrcode';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { visibleSupplierIds } from '../../shared/access/index.js';
import { issueBindingCode } from '../../shared/auth/index.js';
import { msg, RateLimitedError, UnauthorizedError } from '../../shared/errors/index.js';
import { listInbox, markRead, queueReply, searchMessages, supplierCard, threadFor, threadHeader, threadPage, toPartner } from '../../shared/inbox/index.js';
import type { ThreadChange } from '../../shared/live/index.js';
import { getLogger } from '../../shared/log/index.js';
import { createAccount, listAccountDetails, sessionOf, signIn, signOut, SESSION_IDLE_MS } from '../../shared/managers/accounts.js';
import { MANAGER_LANGS } from '../../shared/managers/model.js';
import { NOTICE_STATUSES, noticeFor, noticesFor, retryNotice } from '../../shared/notices/index.js';
import { ordersFor } from '../../shared/orders/index.js';
import { SEGMENTS, listSuppliers, supplierFor } from '../../shared/suppliers/index.js';
import { messageFor, type Lang } from '../../shared/threads/index.js';
import { partnerLangOf } from '../../shared/translation/index.js';
import * as c from '../contract.js';
import { consoleSession, CSRF_HEADER, SESSION_COOKIE } from '../http/access.js';
import { managerOf, Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { bool, codeParams, idParams, objectId, password, supplierFactsQuery, text, timezone } from '../validation.js';
import { messageView, orderSummary, outboxView, shownCode, withShownCodes } from '../views.js';

const log = getLogger('console');
const lang = z.enum(['en', 'ru', 'az', 'zh']);
const signedIn = z.object({ user: c.consoleUser, csrf: z.string(), csrfHeader: z.string().optional() });

export function consoleRoutes({ clock, translation, live }: RouteDeps): AnyRoute[] {
  const tag = 'console';
  // Per address, on top of the per-account lockout: slows down guessing across accounts.
  const signInLimiter = new RateLimiterMemory({ points: 20, duration: 60 });
  const limitSignIn = async (ctx: Context, next: () => Promise<unknown>) => {
    await signInLimiter.consume(ctx.ip).catch((res: { msBeforeNext?: number }) => {
      throw new RateLimitedError(msg('signInRate'), res.msBeforeNext);
    });
    await next();
  };

  return [
    route({
      method: 'post',
      path: '/api/console/session',
      tag,
      access: 'public',
      summary: 'Sign in (sets the session cookie; answers the CSRF token)',
      body: z.object({ login: text(64), password: z.string().min(1).max(256) }).strict(),
      before: [limitSignIn],
      responses: { 200: { description: 'Signed in', schema: signedIn } },
      errors: [401, 429],
      handle: async (req, ctx) => {
        const s = await signIn(req.body.login, req.body.password, clock());
        ctx.cookies.set(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: SESSION_IDLE_MS, overwrite: true });
        return { user: s.user, csrf: s.csrf };
      },
    }),
    route({
      method: 'get',
      path: '/api/console/session',
      tag,
      access: 'public',
      summary: 'The current session (401 when signed out)',
      responses: { 200: { description: 'Signed in', schema: signedIn } },
      errors: [401],
      handle: async (_req, ctx) => {
        const token = ctx.cookies.get(SESSION_COOKIE);
        const s = token ? await sessionOf(token, clock()) : undefined;
        if (!s) throw new UnauthorizedError(msg('signInFirst'));
        return { user: s.user, csrf: s.csrf, csrfHeader: CSRF_HEADER };
      },
    }),
    route({
      method: 'delete',
      path: '/api/console/session',
      tag,
      access: 'public',
      summary: 'Sign out (CSRF-checked: a foreign page cannot sign you out)',
      responses: { 204: { description: 'Signed out' } },
      errors: [403],
      handle: async (_req, ctx) => {
        await consoleSession(ctx);
        const token = ctx.cookies.get(SESSION_COOKIE);
        if (token) await signOut(token);
        ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/console/managers',
      tag,
      access: 'admin',
      summary: 'Console accounts',
      responses: { 200: { description: 'Accounts, active or not, with their linked WeChat', schema: c.list(c.accountView) } },
      handle: async () => ({ items: await listAccountDetails() }),
    }),
    route({
      method: 'post',
      path: '/api/console/managers',
      tag,
      access: 'admin',
      summary: 'Create a console account',
      body: z
        .object({
          login: z
            .string()
            .trim()
            .regex(/^[A-Za-z0-9._@-]{3,64}$/, '3–64 letters, digits, . _ @ -'),
          name: text(100),
          password,
          role: z.enum(['admin', 'head', 'manager']).default('manager'),
          language: z.enum(MANAGER_LANGS).default('en'),
          timezone: timezone.optional(),
          seesAll: z.boolean().default(false),
          managerId: objectId.optional(),
        })
        .strict(),
      responses: { 201: { description: 'The account', schema: c.consoleUser } },
      errors: [409],
      handle: async (req) => createAccount(req.body),
    }),
    route({
      method: 'get',
      path: '/api/console/inbox',
      tag,
      access: 'manager',
      summary: 'Conversations I may see, last message first, with unread counts',
      query: z
        .object({
          mine: bool.optional(),
          segment: z.enum(SEGMENTS).optional(),
          ...supplierFactsQuery,
          overdue: bool.optional(),
          needsReply: bool.optional(),
          page: z.coerce.number().int().min(1).max(1000).default(1),
        })
        .strict(),
      responses: { 200: { description: 'A page of conversations', schema: c.page(c.inboxItem) } },
      handle: async (req) => listInbox(managerOf(req), req.query, clock()),
    }),
    route({
      method: 'get',
      path: '/api/console/search',
      tag,
      access: 'manager',
      summary: 'Search original and translated text',
      query: z.object({ q: z.string().trim().min(2, 'at least 2 characters').max(100) }).strict(),
      responses: { 200: { description: 'Hits, newest first', schema: c.list(z.object({ message: c.messageView, thread: z.object({ id: z.string(), title: z.string() }).nullable() })) } },
      handle: async (req) => {
        const found = await searchMessages(managerOf(req), req.query.q);
        return { items: found.map((f) => ({ message: messageView(f.message), thread: f.thread ? { id: String(f.thread._id), title: f.thread.topic ?? f.thread.key } : null })) };
      },
    }),
    route({
      method: 'get',
      path: '/api/console/threads/:id',
      tag,
      access: 'manager',
      summary: 'A conversation: supplier, contact, time zone',
      params: idParams,
      responses: {
        200: {
          description: 'The conversation',
          schema: z.object({
            id: z.string(),
            key: z.string(),
            kind: z.string(),
            title: z.string(),
            messageCount: z.number(),
            supplier: z
              .object({ id: z.string(), code: z.string(), tag: z.string().nullish(), shownCode: z.string(), name: z.string(), segment: z.string(), timezone: z.string().nullish() })
              .nullable(),
            contact: z.object({ id: z.string(), name: z.string(), role: z.string().nullable(), timezone: z.string(), language: z.string() }).nullable(),
            timezone: z.string(),
          }),
        },
      },
      handle: async (req) => threadHeader(managerOf(req), req.params.id),
    }),
    route({
      method: 'get',
      path: '/api/console/threads/:id/messages',
      tag,
      access: 'manager',
      summary: 'A page of messages (newest first; with after, newer ones) and replies still in the outbox',
      params: idParams,
      query: z.object({ before: z.iso.datetime().optional(), after: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }).strict(),
      responses: { 200: { description: 'Messages and outbox', schema: z.object({ items: z.array(c.messageView), outbox: z.array(c.outboxView) }) } },
      handle: async (req) => {
        const q = req.query;
        const p = await threadPage(managerOf(req), req.params.id, { before: q.before ? new Date(q.before) : undefined, after: q.after ? new Date(q.after) : undefined, limit: q.limit });
        return { items: p.items.map((i) => messageView(i.message, i.original)), outbox: p.outbox.map(outboxView) };
      },
    }),
    route({
      method: 'post',
      path: '/api/console/threads/:id/read',
      tag,
      access: 'manager',
      summary: 'Mark a conversation read',
      params: idParams,
      responses: { 204: { description: 'Marked' } },
      handle: async (req) => {
        const v = managerOf(req);
        await markRead(v, await threadFor(v, req.params.id), clock());
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/console/threads/:id/preview',
      tag,
      access: 'manager',
      summary: "What a reply would be sent as, in the partner's language (Chinese unless the supplier reads English)",
      params: idParams,
      body: z.object({ text: text(2000) }).strict(),
      responses: {
        200: {
          description: 'The text to send (`zh` holds it whatever its language) and its language',
          schema: z.object({ zh: z.string(), lang: z.enum(['zh', 'en']), source: z.enum(['unchanged', 'machine']) }),
        },
      },
      errors: [502],
      handle: async (req) => {
        const v = managerOf(req);
        const t = await threadFor(v, req.params.id);
        const lang = await partnerLangOf(t);
        const r = await toPartner(translation, req.body.text, lang, v.language as Lang);
        return { zh: r.text, lang, source: r.source };
      },
    }),
    route({
      method: 'post',
      path: '/api/console/threads/:id/replies',
      tag,
      access: 'manager',
      summary: 'Reply in the chat (queued in the outbox; Idempotency-Key makes a retry safe)',
      params: idParams,
      headers: z.object({
        'idempotency-key': z
          .string()
          .regex(/^[\w.:-]{8,128}$/, '8–128 letters, digits, _ . : -')
          .optional(),
      }),
      body: z.object({ text: text(2000), zh: z.string().trim().max(4000).optional() }).strict(),
      responses: { 202: { description: 'Queued', schema: c.outboxView } },
      errors: [502],
      handle: async (req) => {
        const v = managerOf(req);
        const t = await threadFor(v, req.params.id);
        return outboxView(await queueReply(v, t, { ...req.body, idempotencyKey: req.headers['idempotency-key'] }, translation, clock()));
      },
    }),
    route({
      method: 'put',
      path: '/api/console/messages/:id/translations/:lang',
      tag,
      access: 'manager',
      summary: 'Correct a translation (kept as translation memory)',
      params: z.object({ id: objectId, lang }).strict(),
      body: z.object({ text: text(4000) }).strict(),
      responses: { 204: { description: 'Corrected' } },
      handle: async (req) => {
        const v = managerOf(req);
        await messageFor(v, req.params.id);
        await translation.correct(req.params.id, req.params.lang, req.body.text, v.id);
        return undefined;
      },
    }),
    route({
      method: 'post',
      path: '/api/console/messages/:id/flag',
      tag,
      access: 'manager',
      summary: 'Flag a bad translation',
      params: idParams,
      body: z.object({ lang }).strict(),
      responses: { 204: { description: 'Flagged' } },
      handle: async (req) => {
        const v = managerOf(req);
        await messageFor(v, req.params.id);
        await translation.flagBad(req.params.id, req.body.lang, v.id);
        return undefined;
      },
    }),
    // Live updates: one SSE stream per browser tab; `thread` events for the threads the user may
    // see. The browser refetches what changed. A comment every 15 s keeps proxies from closing it.
    route({
      method: 'get',
      path: '/api/console/events',
      tag,
      access: 'manager',
      summary: 'Live updates (Server-Sent Events: `thread` events)',
      responses: { 200: { description: 'An event stream', contentTypes: ['text/event-stream'] } },
      handle: async (req, ctx) => {
        const u = managerOf(req);
        let visible = await visibleSupplierIds(u);
        let refreshed = Date.now();
        const stream = new PassThrough();
        ctx.req.socket.setTimeout(0);
        ctx.req.socket.setNoDelay(true);
        ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
        stream.write('retry: 2000\n\n');
        const onChange = (ch: ThreadChange) => {
          if (Date.now() - refreshed > 30_000) {
            refreshed = Date.now();
            void visibleSupplierIds(u)
              .then((v) => (visible = v))
              .catch(() => undefined);
          }
          if (visible && !(ch.supplierId && visible.has(ch.supplierId))) return;
          stream.write(`event: thread\ndata: ${JSON.stringify(ch)}\n\n`);
        };
        const unsubscribe = live.subscribe(onChange);
        const beat = setInterval(() => stream.write(': ping\n\n'), 15_000);
        const end = () => {
          clearInterval(beat);
          unsubscribe();
          stream.end();
        };
        ctx.req.once('close', end);
        stream.once('error', end);
        log.debug({ manager: u.id }, 'live stream opened');
        return new Reply(200, stream);
      },
    }),
    route({
      method: 'get',
      path: '/api/console/notices',
      tag,
      access: 'manager',
      summary: 'Outbox notices by status (default: failed)',
      query: z.object({ status: z.enum(NOTICE_STATUSES).default('failed') }).strict(),
      responses: { 200: { description: 'Notices, newest first', schema: c.list(c.outboxView) } },
      handle: async (req) => ({ items: (await noticesFor(managerOf(req), req.query.status)).map(outboxView) }),
    }),
    route({
      method: 'post',
      path: '/api/console/notices/:id/retry',
      tag,
      access: 'manager',
      summary: 'Send a failed notice again',
      params: idParams,
      responses: { 200: { description: 'The notice', schema: c.outboxView } },
      handle: async (req) => {
        const v = managerOf(req);
        await noticeFor(v, req.params.id);
        await retryNotice(req.params.id, clock());
        return outboxView(await noticeFor(v, req.params.id));
      },
    }),
    route({
      method: 'get',
      path: '/api/console/suppliers',
      tag,
      access: 'manager',
      summary: 'Suppliers I may see (code as shown, name, segment, region), filtered',
      query: z.object({ segment: z.enum(SEGMENTS).optional(), ...supplierFactsQuery }).strict(),
      responses: {
        200: {
          description: 'Suppliers',
          schema: c.list(
            z.object({
              id: z.string(),
              code: z.string(),
              shownCode: z.string().optional(),
              name: z.string(),
              segment: z.string(),
              region: z.string().nullish(),
              province: z.string().nullish(),
              managerId: z.string().nullish(),
              possibleDuplicates: z.number().optional(),
            }),
          ),
        },
      },
      handle: async (req) => {
        const res = await listSuppliers(managerOf(req), req.query, 1000);
        return {
          items: res.items.map((s) => ({
            id: String(s._id),
            code: s.code,
            shownCode: shownCode(s),
            name: s.name,
            segment: s.segment,
            region: s.region ?? null,
            province: s.province ?? null,
            managerId: s.managerId ? String(s.managerId) : null,
            possibleDuplicates: (s.possibleDuplicateOf ?? []).length,
          })),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/console/suppliers/:code',
      tag,
      access: 'manager',
      summary: 'A supplier card with open orders',
      params: codeParams,
      responses: { 200: { description: 'The card', schema: c.supplierCard } },
      handle: async (req) => {
        const v = managerOf(req);
        const s = await supplierFor(v, req.params.code);
        const now = clock();
        const [card, open] = await Promise.all([supplierCard(v, s), ordersFor({ ...v, seesAll: true }, { supplierCode: s.code, status: 'open' })]);
        return { ...card, openOrders: await withShownCodes(open.items.map((o) => orderSummary(o, now))) };
      },
    }),
    route({
      method: 'post',
      path: '/api/console/suppliers/:code/binding-code',
      tag,
      access: 'manager',
      summary: 'A mini-program binding code with its QR image',
      params: codeParams,
      body: z.object({ contactId: objectId.optional() }).strict(),
      responses: { 201: { description: 'The code and a QR data URL', schema: c.bindingCode.extend({ qr: z.string() }) } },
      handle: async (req) => {
        const v = managerOf(req);
        const s = await supplierFor(v, req.params.code);
        const issued = await issueBindingCode(s.code, `manager:${v.id}`, { contactId: req.body.contactId, now: clock() });
        // The mini-program's scanner reads this text (see miniprogram/pages/login).
        return { ...issued, qr: await QRCode.toDataURL(`gendan-bind:${issued.code}`, { margin: 1, width: 240 }) };
      },
    }),
  ];
}
