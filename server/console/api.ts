// The web console's API (`/api/console/*`): sign-in with a session cookie, the inbox, thread
// pages with translations, corrections, replies through the outbox, live updates over SSE,
// notices, supplier cards and binding-code QR images. The console also uses the manager API
// (`/api/orders…`) with the same cookie (server/auth.ts).
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { Types } from 'mongoose';
import QRCode from 'qrcode';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { issueBindingCode } from '../../shared/auth/index.js';
import type { Config } from '../../shared/config/index.js';
import { NotFoundError, RateLimitedError } from '../../shared/errors/index.js';
import {
  listInbox, markRead, queueReply, toChinese, searchMessages, supplierCard, threadFor, threadMessages, threadOutbox, visibleSupplierIds,
} from '../../shared/inbox/index.js';
import type { LiveHub, ThreadChange } from '../../shared/live/index.js';
import { getLogger } from '../../shared/log/index.js';
import { createAccount, listAccounts, sessionOf, signIn, signOut, SESSION_IDLE_MS, type ConsoleUser } from '../../shared/managers/accounts.js';
import { MANAGER_LANGS } from '../../shared/managers/model.js';
import { Notice, NOTICE_STATUSES, retryNotice, type NoticeDoc } from '../../shared/notices/index.js';
import { listOrders } from '../../shared/orders/index.js';
import { SEGMENTS, Supplier, normaliseCode, type SupplierDoc } from '../../shared/suppliers/index.js';
import { Contact, Message, type ContactDoc, type MessageDoc } from '../../shared/threads/index.js';
import type { TranslationService } from '../../shared/translation/index.js';
import { CSRF_HEADER, consoleSession, requireManager, SESSION_COOKIE, type AppState } from '../auth.js';
import { body, idempotencyKey, objectId, params, query, text } from '../validation.js';
import { messageView, orderSummary } from '../views.js';

const log = getLogger('console');
const code = z.string().trim().regex(/^[A-Za-z0-9]{2,6}$/, 'a supplier code such as D12 or 001');
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export interface ConsoleDeps {
  config: Config;
  clock: () => Date;
  translation: Pick<TranslationService, 'translateText' | 'detect' | 'correct' | 'flagBad'>;
  live: LiveHub;
}

export const outboxView = (n: NoticeDoc) => ({
  id: String(n._id),
  to: n.to,
  kind: n.kind,
  text: n.text,
  original: n.original ?? null,
  status: n.status,
  attempts: n.attempts,
  lastError: n.lastError ?? null,
  createdAt: n.createdAt,
  notBefore: n.notBefore,
  sentAt: n.sentAt ?? null,
});

export function consoleRoutes(deps: ConsoleDeps): Router<AppState> {
  const { config, clock, translation, live } = deps;
  const r = new Router<AppState>({ prefix: '/api/console' });
  const auth = requireManager(config);
  const admin = requireManager(config, { admin: true });
  // Per address, on top of the per-account lockout: slows down guessing across accounts.
  const signInLimiter = new RateLimiterMemory({ points: 20, duration: 60 });
  const user = (ctx: Context): ConsoleUser => {
    const u = (ctx.state as AppState).console;
    if (u) return u;
    // A bearer-token client: seen as a manager who sees everything it is allowed by role.
    const m = (ctx.state as AppState).manager!;
    return { id: m.managerId, name: '', login: '', role: m.role, language: 'en', timezone: 'UTC', seesAll: true };
  };

  r.post('/session', async (ctx) => {
    await signInLimiter.consume(ctx.ip).catch((res: { msBeforeNext?: number }) => {
      throw new RateLimitedError('too many sign-in attempts from this address; wait a minute', res.msBeforeNext);
    });
    const b = body(ctx, z.object({ login: text(64), password: z.string().min(1).max(256) }).strict());
    const s = await signIn(b.login, b.password, clock());
    ctx.cookies.set(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: SESSION_IDLE_MS, overwrite: true });
    ctx.body = { user: s.user, csrf: s.csrf };
  });

  r.get('/session', async (ctx) => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    const s = token ? await sessionOf(token, clock()) : undefined;
    if (!s) {
      ctx.status = 401;
      ctx.body = { error: { code: 'unauthorized', message: 'sign in first' } };
      return;
    }
    ctx.body = { user: s.user, csrf: s.csrf, csrfHeader: CSRF_HEADER };
  });

  r.delete('/session', async (ctx) => {
    await consoleSession(ctx); // CSRF-checked: a foreign page cannot sign you out
    const token = ctx.cookies.get(SESSION_COOKIE);
    if (token) await signOut(token);
    ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0, overwrite: true });
    ctx.status = 204;
  });

  r.get('/managers', admin, async (ctx) => {
    ctx.body = { items: await listAccounts() };
  });

  r.post('/managers', admin, async (ctx) => {
    const b = body(
      ctx,
      z
        .object({
          login: z.string().trim().regex(/^[A-Za-z0-9._@-]{3,64}$/, '3–64 letters, digits, . _ @ -'),
          name: text(100),
          password: z.string().min(10, 'at least 10 characters').max(256),
          role: z.enum(['admin', 'manager']).default('manager'),
          language: z.enum(MANAGER_LANGS).default('en'),
          seesAll: z.boolean().default(false),
          managerId: objectId.optional(),
        })
        .strict(),
    );
    ctx.status = 201;
    ctx.body = await createAccount(b);
  });

  r.get('/inbox', auth, async (ctx) => {
    const q = query(ctx, z.object({ mine: bool.optional(), segment: z.enum(SEGMENTS).optional(), overdue: bool.optional(), needsReply: bool.optional(), page: z.coerce.number().int().min(1).max(1000).default(1) }).strict());
    ctx.body = await listInbox(user(ctx), q, clock());
  });

  r.get('/search', auth, async (ctx) => {
    const q = query(ctx, z.object({ q: z.string().trim().min(2, 'at least 2 characters').max(100) }).strict());
    const found = await searchMessages(user(ctx), q.q);
    ctx.body = { items: found.map((f) => ({ message: messageView(f.message), thread: f.thread ? { id: String(f.thread._id), title: f.thread.topic ?? f.thread.key } : null })) };
  });

  r.get('/threads/:id', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const t = await threadFor(user(ctx), p.id);
    const [s, contact] = await Promise.all([
      t.supplierId ? Supplier.findOne({ _id: t.supplierId }).lean<SupplierDoc>() : null,
      t.contactWechatId ? Contact.findOne({ wechatId: t.contactWechatId }).lean<ContactDoc>() : null,
    ]);
    ctx.body = {
      id: String(t._id),
      key: t.key,
      kind: t.kind,
      title: t.topic ?? contact?.name ?? t.key,
      messageCount: t.messageCount ?? 0,
      supplier: s ? { id: String(s._id), code: s.code, name: s.name, segment: s.segment, timezone: s.timezone } : null,
      contact: contact ? { name: contact.name, role: contact.role ?? null, timezone: contact.timezone ?? 'Asia/Shanghai' } : null,
      timezone: contact?.timezone ?? s?.timezone ?? 'Asia/Shanghai',
    };
  });

  r.get('/threads/:id/messages', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const q = query(ctx, z.object({ before: z.iso.datetime().optional(), after: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }).strict());
    const t = await threadFor(user(ctx), p.id);
    const [items, outbox] = await Promise.all([
      threadMessages(t, { before: q.before ? new Date(q.before) : undefined, after: q.after ? new Date(q.after) : undefined, limit: q.limit }),
      threadOutbox(t),
    ]);
    // A console reply shows once: as the mirrored message (with what the manager typed beside
    // it) once the bot has sent it, matched by the puppet's id or, when the puppet gives none,
    // by its text; until then as an outbox item with its status.
    const byPuppet = new Map(outbox.filter((n) => n.puppetId).map((n) => [n.puppetId!, n]));
    const byText = new Map(outbox.filter((n) => n.status === 'sent' && !n.puppetId).map((n) => [n.text.trim(), n]));
    const shown = new Set<string>();
    const lookup = new Map<string, NoticeDoc>();
    for (const m of items) {
      const n = (m.puppetId && byPuppet.get(m.puppetId)) || (m.direction === 'out' ? byText.get((m.text ?? '').trim()) : undefined);
      if (!n || shown.has(String(n._id))) continue;
      shown.add(String(n._id));
      lookup.set(m.puppetId, n);
    }
    ctx.body = { items: items.map((m) => messageView(m, lookup.get(m.puppetId)?.original)), outbox: outbox.filter((n) => !shown.has(String(n._id)) && !(n.status === 'sent' && n.puppetId)).map(outboxView) };
  });

  r.post('/threads/:id/read', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const u = user(ctx);
    await markRead(u, await threadFor(u, p.id), clock());
    ctx.status = 204;
  });

  r.post('/threads/:id/preview', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, z.object({ text: text(2000) }).strict());
    await threadFor(user(ctx), p.id);
    if (translation.detect(b.text) === 'zh') {
      ctx.body = { zh: b.text, source: 'unchanged' };
      return;
    }
    ctx.body = { zh: await toChinese(translation, b.text), source: 'machine' };
  });

  r.post('/threads/:id/replies', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, z.object({ text: text(2000), zh: z.string().trim().max(4000).optional() }).strict());
    const u = user(ctx);
    const t = await threadFor(u, p.id);
    const n = await queueReply(u, t, { ...b, idempotencyKey: idempotencyKey(ctx) }, translation, clock());
    ctx.status = 202;
    ctx.body = outboxView(n);
  });

  r.put('/messages/:id/translations/:lang', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId, lang: z.enum(['en', 'ru', 'zh']) }).strict());
    const b = body(ctx, z.object({ text: text(4000) }).strict());
    const u = user(ctx);
    const m = await Message.findOne({ _id: p.id }, { threadId: 1 }).lean<MessageDoc>();
    if (!m) throw new NotFoundError('no such message');
    await threadFor(u, String(m.threadId));
    await translation.correct(p.id, p.lang, b.text, Types.ObjectId.isValid(u.id) ? u.id : undefined);
    ctx.status = 204;
  });

  r.post('/messages/:id/flag', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    const b = body(ctx, z.object({ lang: z.enum(['en', 'ru', 'zh']) }).strict());
    const u = user(ctx);
    const m = await Message.findOne({ _id: p.id }, { threadId: 1 }).lean<MessageDoc>();
    if (!m) throw new NotFoundError('no such message');
    await threadFor(u, String(m.threadId));
    await translation.flagBad(p.id, b.lang, u.id);
    ctx.status = 204;
  });

  // Live updates: one SSE stream per browser tab; `thread` events for the threads the user may
  // see. The browser refetches what changed. A comment every 15 s keeps proxies from closing it.
  r.get('/events', auth, async (ctx) => {
    const u = user(ctx);
    let visible = await visibleSupplierIds(u);
    let refreshed = Date.now();
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    ctx.status = 200;
    ctx.body = stream;
    stream.write('retry: 2000\n\n');
    const onChange = (c: ThreadChange) => {
      if (Date.now() - refreshed > 30_000) {
        refreshed = Date.now();
        void visibleSupplierIds(u).then((v) => (visible = v)).catch(() => undefined);
      }
      if (visible && !(c.supplierId && visible.has(c.supplierId))) return;
      stream.write(`event: thread\ndata: ${JSON.stringify(c)}\n\n`);
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
  });

  r.get('/notices', auth, async (ctx) => {
    const q = query(ctx, z.object({ status: z.enum(NOTICE_STATUSES).default('failed') }).strict());
    const items = await Notice.find({ status: q.status }).sort({ createdAt: -1 }).limit(200).lean<NoticeDoc[]>();
    ctx.body = { items: items.map(outboxView) };
  });

  r.post('/notices/:id/retry', auth, async (ctx) => {
    const p = params(ctx, z.object({ id: objectId }).strict());
    await retryNotice(p.id, clock());
    const n = await Notice.findOne({ _id: p.id }).lean<NoticeDoc>();
    ctx.body = outboxView(n!);
  });

  r.get('/suppliers', auth, async (ctx) => {
    const u = user(ctx);
    const filter = u.seesAll ? {} : { managerId: new Types.ObjectId(u.id) };
    const items = await Supplier.find({ ...filter, mergedInto: { $exists: false } }, { code: 1, name: 1, segment: 1 }).sort({ code: 1 }).limit(1000).lean<SupplierDoc[]>();
    ctx.body = { items: items.map((s) => ({ id: String(s._id), code: s.code, name: s.name, segment: s.segment })) };
  });

  r.get('/suppliers/:code', auth, async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const s = await Supplier.findOne({ code: normaliseCode(p.code) }).lean<SupplierDoc>();
    if (!s) throw new NotFoundError(`no supplier with code ${p.code}`);
    const card = await supplierCard(user(ctx), s);
    const now = clock();
    const open = await listOrders({ supplierCode: s.code, status: 'open' }, 1, 50);
    ctx.body = { ...card, openOrders: open.items.map((o) => orderSummary(o, now)) };
  });

  r.post('/suppliers/:code/binding-code', auth, async (ctx) => {
    const p = params(ctx, z.object({ code }).strict());
    const b = body(ctx, z.object({ contactId: objectId.optional() }).strict());
    const u = user(ctx);
    const s = await Supplier.findOne({ code: normaliseCode(p.code) }).lean<SupplierDoc>();
    if (!s) throw new NotFoundError(`no supplier with code ${p.code}`);
    await supplierCard(u, s); // scope check
    const issued = await issueBindingCode(s.code, `manager:${u.id}`, { contactId: b.contactId, now: clock() });
    // The mini-program's scanner reads this text (see miniprogram/pages/login).
    const qr = await QRCode.toDataURL(`gendan-bind:${issued.code}`, { margin: 1, width: 240 });
    ctx.status = 201;
    ctx.body = { ...issued, qr };
  });

  return r;
}
