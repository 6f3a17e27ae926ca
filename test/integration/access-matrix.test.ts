// The access matrix, generated from the route table: every route × every kind of caller (no
// credentials, supplier A, supplier B, an unbound mini-program user, a scoped manager with and
// without supplier A, head, admin, a console cookie with and without its CSRF token, a Prometheus
// scraper with METRICS_TOKEN), each
// answer checked against what the route's `access` declares, on the real server. Every
// parameter names a record of supplier A, so a caller who may not see A must get "not found";
// lists must not mention A at all.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { appRoutes } from '../../server/app.js';
import type { AnyRoute } from '../../server/http/route.js';
import { managerToken, MpBinding, signToken } from '../../shared/auth/index.js';
import { fileClaim } from '../../shared/claims/index.js';
import { Proposal } from '../../shared/facts/index.js';
import { createAccount, listOwnSessions, signIn } from '../../shared/managers/accounts.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice } from '../../shared/notices/index.js';
import { addMilestonePhoto } from '../../shared/orders/index.js';
import { SegmentProposal } from '../../shared/performance/index.js';
import { createSupplier, Supplier } from '../../shared/suppliers/index.js';
import { Contact, Message, recordFriendRequest, Thread, threadDay } from '../../shared/threads/index.js';
import { DEFAULT_LEAD_TIMES } from '../../shared/orders/index.js';
import { makeOrder, testConfig, listenApp } from '../support/api.js';

const CALLERS = ['none', 'unbound', 'supplierB', 'managerWithout', 'consoleNoCsrf', 'supplierA', 'managerWith', 'consoleCsrf', 'head', 'admin', 'scraper'] as const;
type Caller = (typeof CALLERS)[number];
type Expect = 'any' | 401 | 403 | 404 | 'allowed' | 'hidden';

const SAFE = new Set(['get']);

/** What a caller must get from a route, by the route's declared access. */
/** Routes whose sample body names supplier A's records (like a parameter would). */
const BODY_NAMES_A = new Set(['post /api/orders', 'post /api/claims']);
/**
 * Routes whose parameter names a record that belongs to no supplier yet — an unsorted contact, a
 * friend request: sorting them is any manager's job (as `/sort` and `/accept` are), so a manager
 * without supplier A may act on them. What they answer still never names A (proposals and
 * suppliers are filtered by shared/access).
 */
const UNSCOPED_PARAMS = new Set(['post /api/console/unsorted/:id/sort', 'post /api/console/friend-requests/:id/decision']);

function expected(r: AnyRoute, caller: Caller): Expect {
  const aParam = Boolean(r.params) || BODY_NAMES_A.has(`${r.method} ${r.path}`);
  const unsafe = !SAFE.has(r.method);
  if (r.access === 'public') return 'any';
  // The METRICS_TOKEN opens /metrics and nothing else; nobody else opens /metrics.
  if (caller === 'scraper') return r.access === 'metrics' ? 'allowed' : 401;
  switch (r.access) {
    case 'metrics':
      return 401;
    case 'supplierLogin':
    case 'supplier':
      if (caller === 'none' || caller === 'consoleCsrf' || caller === 'consoleNoCsrf') return 401;
      if (caller === 'supplierA') return 'allowed';
      if (caller === 'unbound') return r.access === 'supplierLogin' ? 'allowed' : 403;
      if (caller === 'supplierB') return r.access === 'supplierLogin' ? 'allowed' : aParam ? 404 : 'hidden';
      return 403; // managers' tokens
    default: {
      if (caller === 'none') return 401;
      if (caller === 'unbound' || caller === 'supplierA' || caller === 'supplierB') return 403;
      if (caller === 'consoleNoCsrf' && unsafe) return 403;
      const role = { managerWith: 'manager', managerWithout: 'manager', consoleCsrf: 'manager', consoleNoCsrf: 'manager', head: 'head', admin: 'admin' }[caller];
      if (r.access === 'admin' && role !== 'admin') return 403;
      if (r.access === 'head' && role === 'manager') return 403;
      if (caller === 'managerWithout') return UNSCOPED_PARAMS.has(`${r.method} ${r.path}`) ? 'allowed' : aParam ? 404 : 'hidden';
      return 'allowed';
    }
  }
}

describe('access matrix: every route × every caller, from the route table', function () {
  this.timeout(240_000);
  let app: Awaited<ReturnType<typeof listenApp>>;
  let base: string;
  const METRICS_TOKEN = 'metrics-token-for-the-matrix-0123';
  const config = testConfig({ METRICS_TOKEN });

  before(async () => {
    app = await listenApp(config);
    base = app.base;
  });
  after(() => app.close());

  it('allows, refuses and hides exactly as each route declares', async () => {
    // ---- supplier A's records (every parameter points at them), supplier B, the people ----
    const mWith = await Manager.create({ name: 'Mia With', role: 'manager', language: 'en', seesAll: false });
    const mWithout = await Manager.create({ name: 'Max Without', role: 'manager', language: 'en', seesAll: false });
    const head = await Manager.create({ name: 'Hana Head', role: 'head', language: 'en' });
    const admin = await Manager.create({ name: 'Ada Admin', role: 'admin', language: 'en' });
    const A = await createSupplier({ name: '甲工厂矩阵', managerId: String(mWith._id) });
    const B = await createSupplier({ name: '乙工厂矩阵' });
    const order = await makeOrder(A.code, { number: 'PO-MATRIX-A', managerId: String(mWith._id) });
    await makeOrder(B.code, { number: 'PO-MATRIX-B' });
    const contact = await Contact.create({ wechatId: 'wx-matrix-a', name: '王经理矩阵', supplierId: A._id });
    const ts = new Date('2026-11-20T03:00:00Z');
    const thread = await Thread.create({
      key: 'dm:wx-matrix-a',
      kind: 'dm',
      supplierId: A._id,
      contactWechatId: 'wx-matrix-a',
      lastMessageAt: ts,
      lastInAt: ts,
      messageCount: 1,
      days: [ts.toISOString().slice(0, 10)],
    });
    const message = await Message.create({
      puppetId: 'pm-matrix-a',
      dedupeKey: 'dk-matrix-a',
      threadId: thread._id,
      td: threadDay(thread._id, ts),
      supplierId: A._id,
      direction: 'in',
      senderKind: 'supplier',
      senderWechatId: 'wx-matrix-a',
      senderName: '王经理矩阵',
      type: 'text',
      text: '你好矩阵',
      // A kept file (shared/storage), for GET /api/messages/:id/media.
      media: { name: 'matrix.jpg', mimeType: 'image/jpeg', size: 4, storedKey: 'chat/matrix-a' },
      ts,
    });
    mkdirSync(join(config.storage.dir, 'chat'), { recursive: true });
    writeFileSync(join(config.storage.dir, 'chat', 'matrix-a'), Buffer.from('ffd8ffe0', 'hex'));
    const claim = await fileClaim(
      { orderId: String(order._id), type: 'defect', qty: 3, description: 'scratches', photos: [{ url: 'https://photos.example/a.jpg' }] },
      { id: String(mWith._id), language: 'en' },
      undefined,
      ts,
    );
    const notice = await Notice.create({
      key: 'matrix-a',
      kind: 'overdue',
      to: 'dm:wx-matrix-a',
      recipient: { kind: 'supplier', id: String(A._id) },
      text: '逾期矩阵',
      status: 'failed',
      attempts: 3,
      notBefore: ts,
      createdAt: ts,
    });
    const proposal = await SegmentProposal.create({ supplierId: A._id, supplierCode: A.code, proposed: 'strategic', reason: 'matrix', status: 'open', openKey: `${A._id}:strategic`, at: ts });
    await Supplier.updateOne({ _id: B._id }, { $set: { segment: 'new' } });
    // A proposal read from A's chat (shared/facts): dropped by the first allowed caller, a replay after.
    const factProposal = await Proposal.create({
      messageId: message._id,
      key: 'date:shipped:change:2026-12-20',
      fact: JSON.stringify({ kind: 'date', milestone: 'shipped', stage: 'change', day: '2026-12-20' }),
      supplierId: A._id,
      threadId: thread._id,
      orderId: order._id,
      orderNumber: 'PO-MATRIX-A',
      link: 'only',
      managerId: mWith._id,
      n: 1,
      nk: `${mWith._id}:1`,
      text: '出货时间改到12月20日',
      at: ts,
      createdAt: ts,
    });
    // Day one: an unsorted contact, a friend request, an account for the admin's routes,
    // suppliers of A's manager to merge into A (one per call).
    const unsorted = await Contact.create({ wechatId: 'wx-matrix-new', name: '新人矩阵', status: 'unsorted' });
    const friend = await recordFriendRequest({ requestId: 'fr-matrix', wechatId: 'wx-matrix-friend', name: '加好友矩阵', hello: '你好，我是工厂' }, ts);
    const target = await createAccount({ login: 'target.matrix', name: 'Tara Target', password: 'target-password-1' });
    const mergeable: Awaited<ReturnType<typeof createSupplier>>[] = [];
    for (let i = 0; i < CALLERS.length; i++) mergeable.push(await createSupplier({ name: `甲工厂重复${i}`, managerId: String(mWith._id) }));

    // ---- credentials ----
    const supplierToken = async (supplierId: string | undefined, openid: string) => {
      if (supplierId) await MpBinding.create({ openid, supplierId, at: ts });
      return signToken(config, supplierId ? { role: 'supplier', openid, supplierId, ver: 1 } : { role: 'supplier', openid, ver: 0 });
    };
    await createAccount({ login: 'mia.matrix', name: 'Mia With', password: 'matrix-password-1', managerId: String(mWith._id) });
    const session = await signIn('mia.matrix', 'matrix-password-1');
    // Another session of Mia's, for the route that ends one (ending the matrix's own would sign it out).
    const other = await signIn('mia.matrix', 'matrix-password-1');
    const otherSession = (await listOwnSessions(String(mWith._id), other.token, new Date())).find((x) => x.current)!;
    const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
    const headers: Record<Caller, Record<string, string>> = {
      none: {},
      unbound: bearer(await supplierToken(undefined, 'openid-matrix-unbound')),
      supplierA: bearer(await supplierToken(String(A._id), 'openid-matrix-a')),
      supplierB: bearer(await supplierToken(String(B._id), 'openid-matrix-b')),
      managerWith: bearer(await managerToken(config, String(mWith._id))),
      managerWithout: bearer(await managerToken(config, String(mWithout._id))),
      head: bearer(await managerToken(config, String(head._id))),
      admin: bearer(await managerToken(config, String(admin._id))),
      consoleCsrf: { Cookie: `gendan_sid=${session.token}`, 'X-CSRF-Token': session.csrf },
      consoleNoCsrf: { Cookie: `gendan_sid=${session.token}` },
      scraper: bearer(METRICS_TOKEN),
    };

    // ---- every parameter names supplier A's record; bodies that pass validation ----
    const photoId = claim.photos[0]!.id;
    // A milestone photo of order A, stored as the mini-program upload stores it.
    const milestonePhotoId = '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
    mkdirSync(join(config.server.uploadDir, 'photos'), { recursive: true });
    writeFileSync(join(config.server.uploadDir, 'photos', milestonePhotoId), Buffer.from('89504e470d0a1a0a', 'hex'));
    await addMilestonePhoto(order._id, 'confirmed', { id: milestonePhotoId, name: 'a.png', mimeType: 'image/png', size: 8 }, 'test', {}, ts);
    const param: Record<string, (path: string) => string> = {
      id: (p) =>
        p.includes('/threads/')
          ? String(thread._id)
          : p.includes('/claims/')
            ? String(claim._id)
            : p.includes('/contacts/')
              ? String(contact._id)
              : p.includes('/messages/')
                ? String(message._id)
                : p.includes('/notices/')
                  ? String(notice._id)
                  : p.startsWith('/api/proposals/')
                    ? String(factProposal._id)
                    : p.includes('/segment-proposals/')
                      ? String(proposal._id)
                      : p.includes('/unsorted/')
                        ? String(unsorted._id)
                        : p.includes('/friend-requests/')
                          ? String(friend._id)
                          : p.includes('/managers/')
                            ? target.id
                            : p.includes('/me/sessions/')
                              ? otherSession.id
                              : String(order._id),
      code: () => encodeURIComponent(A.code),
      milestone: () => 'confirmed',
      photoId: (p) => (p.includes('/milestones/') ? milestonePhotoId : photoId),
      lang: () => 'en',
      decision: () => 'reject',
    };
    let n = 0;
    const bodies: Record<string, () => unknown> = {
      'post /api/console/session': () => ({ login: 'nobody', password: 'wrong-password' }),
      'post /api/console/managers': () => ({ login: `new.${++n}`, name: 'New', password: 'new-password-1' }),
      'post /api/console/threads/:id/preview': () => ({ text: '你好' }),
      'post /api/console/threads/:id/replies': () => ({ text: 'hello', zh: '你好' }),
      'put /api/console/messages/:id/translations/:lang': () => ({ text: 'Hello' }),
      'post /api/console/messages/:id/flag': () => ({ lang: 'en' }),
      'post /api/console/suppliers/:code/binding-code': () => ({}),
      'post /api/suppliers/:code/binding-codes': () => ({}),
      'put /api/contacts/:id': () => ({ role: 'sales' }),
      'post /api/orders': () => ({ number: `PO-MATRIX-N${++n}`, supplierCode: A.code }),
      'patch /api/orders/:id': () => ({ incoterms: 'FOB' }),
      'post /api/orders/:id/status': () => ({ action: 'reopen' }),
      'put /api/orders/:id/plan': () => ({ planned: {} }),
      'put /api/suppliers/:code/lead-times': () => ({ steps: null }),
      'put /api/lead-times': () => ({ steps: DEFAULT_LEAD_TIMES }),
      'post /api/orders/:id/milestones/:milestone': () => ({ note: 'matrix' }),
      'post /api/orders/:id/customs': () => ({ status: 'held', reason: 'matrix' }),
      'post /api/claims': () => ({ orderId: String(order._id), type: 'defect', qty: 1, description: 'matrix', send: false }),
      'post /api/claims/:id/transitions': () => ({ to: 'closed', reason: 'matrix' }),
      'patch /api/claims/:id': () => ({ batch: 'B-MATRIX', cause: 'material' }),
      'post /api/mp/login': () => ({ code: 'matrix-code' }),
      'post /api/mp/bind': () => ({ code: 'ZZZZZZZZ' }),
      'post /api/mp/orders/:id/milestones/:milestone': () => ({ note: 'matrix' }),
      'post /api/mp/orders/:id/customs': () => ({ status: 'held', reason: 'matrix' }),
      'post /api/mp/orders/:id/readiness': () => ({ ready: true }),
      'post /api/mp/claims/:id/answer': () => ({ decision: 'accept' }),
      'put /api/suppliers/:code/segment': () => ({ segment: 'problem' }),
      'put /api/suppliers/:code/routing': () => ({}),
      'put /api/console/me/password': () => ({ oldPassword: 'not-the-password', newPassword: 'another-password-1' }),
      'patch /api/console/managers/:id': () => ({ language: 'ru', workingHours: { from: '09:00', to: '18:00' } }),
      'put /api/console/managers/:id/password': () => ({ password: 'reset-password-1' }),
      'post /api/console/unsorted/:id/sort': () => ({ kind: 'ignore', confirm: true }),
      'post /api/console/friend-requests/:id/decision': () => ({ accept: false }),
      'post /api/console/suppliers': () => ({ name: `矩阵新厂${++n}` }),
      'patch /api/console/suppliers/:code': () => ({ paymentTerms: '30% deposit' }),
      'put /api/console/suppliers/:code/tag': () => ({ country: 'CN', abbr: 'MX' }),
      'post /api/console/suppliers/:code/merge': () => ({ other: mergeable[++n % mergeable.length]!.code }),
      'post /api/fairs': () => ({ name: `Matrix Fair ${++n}` }),
      'put /api/rates': () => ({ day: '2026-11-01', from: 'USD', to: 'CNY', rate: '7.1' }),
      'post /api/proposals/:id/decision': () => ({ decision: 'no' }),
      'post /api/rates/import': () => ({ csv: 'date,from,to,rate\n2026-11-02,USD,CNY,7.2\n' }),
    };
    const queries: Record<string, string> = {
      'get /api/console/search': '?q=%E7%9F%A9%E9%98%B5',
      'get /api/prices': '?item=Motor%20220V',
      'get /api/prices/compare': '?item=Motor%20220V',
    };
    // A state change by an earlier allowed caller makes the same request "not found" later.
    const gone: Record<string, RegExp> = {
      'post /api/console/notices/:id/retry': /no failed notice/,
      'post /api/segment-proposals/:id/:decision': /no open proposal/,
      'delete /api/console/me/sessions/:id': /no such session/,
    };
    // What an allowed caller gets for a sample that is valid but names nothing real.
    const refusedSample: Record<string, RegExp> = { 'post /api/mp/bind': /binding code invalid or used/ };
    const markers = [String(A._id), A.name, 'PO-MATRIX-A', String(order._id), String(thread._id), claim.number, '你好矩阵', '逾期矩阵'];

    const call = async (r: AnyRoute, caller: Caller) => {
      const key = `${r.method} ${r.path}`;
      const path = r.path.replace(/:(\w+)/g, (_m, name: string) => param[name]!(r.path)) + (queries[key] ?? '');
      const body = bodies[key]?.();
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 15_000);
      try {
        const res = await fetch(base + path, {
          method: r.method.toUpperCase(),
          headers: { ...headers[caller], ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
          body: body !== undefined ? JSON.stringify(body) : r.method === 'get' ? undefined : r.upload ? undefined : '{}',
          redirect: 'manual',
          signal: ac.signal,
        });
        const type = res.headers.get('content-type') ?? '';
        const text = type.includes('event-stream') ? '' : await res.text();
        ac.abort();
        return { status: res.status, text };
      } finally {
        clearTimeout(timer);
      }
    };

    // Signing out ends the console session: that route goes last for each caller.
    const signOut = (r: AnyRoute) => r.method === 'delete' && r.path === '/api/console/session';
    const routes = [...appRoutes({ config }).filter((r) => !signOut(r)), ...appRoutes({ config }).filter(signOut)];
    const failures: string[] = [];
    let checked = 0;
    for (const caller of CALLERS) {
      for (const r of routes) {
        const want = expected(r, caller);
        const key = `${r.method} ${r.path}`;
        const got = await call(r, caller);
        checked++;
        const bad = (why: string) => failures.push(`${caller} ${key}: ${why} (got ${got.status} ${got.text.slice(0, 160)})`);
        if (got.status >= 500 && got.status !== 503) bad('server error');
        else if (want === 'any') continue;
        else if (typeof want === 'number') {
          if (got.status !== want) bad(`expected ${want}`);
        } else if (want === 'allowed') {
          if ((got.status === 401 || got.status === 403) && !(refusedSample[key]?.test(got.text) ?? false)) bad('refused an allowed caller');
          else if (got.status === 404 && !(gone[key]?.test(got.text) ?? false)) bad('hid a record the caller may see');
        } else if (want === 'hidden') {
          if (got.status === 401 || got.status === 403 || got.status === 404) bad('refused a list the caller may read');
          const leaked = markers.filter((m) => got.text.includes(m));
          if (leaked.length) bad(`leaked ${leaked.join(', ')}`);
        }
      }
    }
    if (failures.length) console.log(failures.join('\n'));
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(checked).to.equal(routes.length * CALLERS.length);
    expect(routes.length).to.be.greaterThan(55);
  });
});
