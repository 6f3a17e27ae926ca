// The Koa API through supertest on app.callback(), real database, a local jscode2session fake.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { BindingCode, MpBinding, clearAuthCaches, revokeSupplierTokens } from '../../shared/auth/index.js';
import { Order, OrderEvent } from '../../shared/orders/index.js';
import { createApp } from '../../server/app.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeManager, makeOrder, makeSupplierSession, testConfig } from '../support/api.js';

const NOW = new Date('2026-11-24T09:00:00Z');

describe('API: mini-program login and binding', function () {
  this.timeout(30_000);
  let wx: WechatFake;
  let agent: ReturnType<typeof request>;
  let config: ReturnType<typeof testConfig>;

  beforeEach(async () => {
    wx = await startWechatFake();
    config = testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wx.url });
    agent = request(createApp({ config, clock: () => NOW }).callback());
    clearAuthCaches();
  });
  afterEach(() => wx.close());

  it('logs in, binds with a one-time code, then sees its orders; session_key never leaves', async () => {
    const { token: mgr } = await makeManager(config);
    const s = await makeSupplierSession(config);
    await makeOrder(s.supplier.code, { number: 'PO-BIND-1' });
    wx.codes.set('code-1', 'openid-new');
    const login = await agent.post('/api/mp/login').send({ code: 'code-1' }).expect(200);
    expect(login.body.bound).to.equal(false);
    expect(JSON.stringify(login.body)).not.to.include('SECRET-SESSION-KEY');
    // Not bound yet: no orders.
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${login.body.token}`).expect(403);

    const issued = await agent.post(`/api/suppliers/${s.supplier.code}/binding-codes`).set('Authorization', `Bearer ${mgr}`).send({}).expect(201);
    expect(issued.body.code).to.match(/^[2-9A-HJ-NP-Z]{8}$/);
    const bound = await agent.post('/api/mp/bind').set('Authorization', `Bearer ${login.body.token}`).send({ code: issued.body.code.toLowerCase() }).expect(200);
    expect(bound.body.supplier.code).to.equal(s.supplier.code);
    const list = await agent.get('/api/mp/orders').set('Authorization', `Bearer ${bound.body.token}`).expect(200);
    expect(list.body.items.map((o: { number: string }) => o.number)).to.deep.equal(['PO-BIND-1']);

    // The code is spent: a second user cannot use it.
    wx.codes.set('code-2', 'openid-other');
    const other = await agent.post('/api/mp/login').send({ code: 'code-2' }).expect(200);
    await agent.post('/api/mp/bind').set('Authorization', `Bearer ${other.body.token}`).send({ code: issued.body.code }).expect(401);
    // Logging in again later finds the binding.
    wx.codes.set('code-3', 'openid-new');
    const again = await agent.post('/api/mp/login').send({ code: 'code-3' }).expect(200);
    expect(again.body.bound).to.equal(true);
  });

  it('maps jscode2session errors: 40029 → 401, 45011 → 429, -1 → retried then 503', async () => {
    const r1 = await agent.post('/api/mp/login').send({ code: 'nope' }).expect(401);
    expect(r1.body.error.code).to.equal('unauthorized');
    await agent.post('/api/mp/login').send({ code: 'too-frequent' }).expect(429);
    wx.busyNext = 1;
    wx.codes.set('busy-once', 'openid-busy');
    await agent.post('/api/mp/login').send({ code: 'busy-once' }).expect(200); // retried past one -1
    wx.busyNext = 10;
    const calls = wx.calls;
    const r3 = await agent.post('/api/mp/login').send({ code: 'x' }).expect(503);
    expect(r3.body.error.code).to.equal('unavailable');
    expect(wx.calls - calls).to.equal(3); // bounded: 1 + 2 retries
  });

  it('consumes a binding code once under concurrent redemption, and limits attempts', async () => {
    const s = await makeSupplierSession(config);
    const { token: mgr } = await makeManager(config);
    const issued = await agent.post(`/api/suppliers/${s.supplier.code}/binding-codes`).set('Authorization', `Bearer ${mgr}`).send({}).expect(201);
    const tokens = [];
    for (let i = 0; i < 6; i++) {
      wx.codes.set(`c${i}`, `openid-race-${i}`);
      tokens.push((await agent.post('/api/mp/login').send({ code: `c${i}` })).body.token);
    }
    const results = await Promise.all(tokens.map((t) => agent.post('/api/mp/bind').set('Authorization', `Bearer ${t}`).send({ code: issued.body.code })));
    expect(results.filter((r) => r.status === 200)).to.have.length(1);
    expect(results.filter((r) => r.status === 401)).to.have.length(5);
    expect(await MpBinding.countDocuments({ supplierId: s.supplier._id, openid: /race/ })).to.equal(1);

    // Guessing: the 6th attempt within the hour is refused without looking at the code.
    wx.codes.set('g', 'openid-guesser');
    const g = (await agent.post('/api/mp/login').send({ code: 'g' })).body.token;
    for (let i = 0; i < 5; i++)
      await agent
        .post('/api/mp/bind')
        .set('Authorization', `Bearer ${g}`)
        .send({ code: `ZZZZZZZ${i + 2}` })
        .expect(401);
    await agent.post('/api/mp/bind').set('Authorization', `Bearer ${g}`).send({ code: 'ZZZZZZZZ' }).expect(429);
  });

  it('refuses an expired binding code and a user bound already', async () => {
    const s = await makeSupplierSession(config);
    await BindingCode.create({ code: 'EXPIRED2', supplierId: s.supplier._id, issuedBy: 'test', expiresAt: new Date(NOW.getTime() - 1000) });
    wx.codes.set('e', 'openid-exp');
    const t = (await agent.post('/api/mp/login').send({ code: 'e' })).body.token;
    const r = await agent.post('/api/mp/bind').set('Authorization', `Bearer ${t}`).send({ code: 'EXPIRED2' }).expect(401);
    expect(r.body.error.message).to.match(/expired/);
    await BindingCode.create({ code: 'SECOND22', supplierId: s.supplier._id, issuedBy: 'test', expiresAt: new Date(NOW.getTime() + 3600_000) });
    const twice = await agent.post('/api/mp/bind').set('Authorization', `Bearer ${s.token}`).send({ code: 'SECOND22' }).expect(409);
    expect(twice.body.error.message).to.match(/bound already/);
    expect((await BindingCode.findOne({ code: 'SECOND22' }).lean())!.usedAt).to.equal(undefined); // not spent
  });
});

describe('API: suppliers see and change only their own orders', function () {
  this.timeout(30_000);
  const config = testConfig();
  const agent = request(createApp({ config, clock: () => NOW }).callback());

  it('lists open orders with next milestone and overdue flag; detail has the timeline', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code, { number: 'PO-LIST-1' });
    const list = await agent.get('/api/mp/orders').set('Authorization', `Bearer ${s.token}`).expect(200);
    expect(list.body.items[0]).to.deep.include({ number: 'PO-LIST-1', overdue: true, daysLate: 23 });
    expect(list.body.items[0].next).to.deep.equal({ milestone: 'confirmed', planned: '2026-11-01' });
    const d = await agent.get(`/api/mp/orders/${o._id}`).set('Authorization', `Bearer ${s.token}`).expect(200);
    expect(d.body.milestones.map((m: { name: string }) => m.name)).to.deep.equal([
      'confirmed',
      'materials',
      'production_start',
      'production_done',
      'inspection',
      'shipped',
      'customs_cleared',
      'delivered',
    ]);
  });

  it("refuses supplier A reading or changing supplier B's order (404, nothing changed)", async () => {
    const a = await makeSupplierSession(config);
    const b = await makeSupplierSession(config);
    const ob = await makeOrder(b.supplier.code);
    await agent.get(`/api/mp/orders/${ob._id}`).set('Authorization', `Bearer ${a.token}`).expect(404);
    await agent.post(`/api/mp/orders/${ob._id}/milestones/confirmed`).set('Authorization', `Bearer ${a.token}`).send({ done: true }).expect(404);
    await agent.post(`/api/mp/orders/${ob._id}/customs`).set('Authorization', `Bearer ${a.token}`).send({ status: 'held', reason: 'x' }).expect(404);
    expect((await Order.findOne({ _id: ob._id }).lean())!.version).to.equal(0);
  });

  it('marks a milestone done, moves a planned date with a reason, and records history', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    const r1 = await agent.post(`/api/mp/orders/${o._id}/milestones/confirmed`).set('Authorization', `Bearer ${s.token}`).send({ done: true, actual: '2026-11-02' }).expect(200);
    expect(r1.body.order.milestones[0]).to.deep.include({ status: 'done', actual: '2026-11-02' });
    expect(r1.body.order.next).to.deep.equal({ milestone: 'materials', planned: '2026-11-08' });
    const noReason = await agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', `Bearer ${s.token}`).send({ planned: '2026-12-01' }).expect(400);
    expect(noReason.body.error.details).to.deep.equal([{ field: 'reason', message: 'a reason is required to move a planned date' }]);
    const r2 = await agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', `Bearer ${s.token}`).send({ planned: '2026-12-01', reason: '原材料缺货' }).expect(200);
    expect(r2.body.order.milestones[1]).to.deep.include({ planned: '2026-12-01', reason: '原材料缺货', replanned: 1 });
    // Moved into the future: materials is no longer late (later milestones of this old order still are).
    expect(r2.body.order.late.map((l: { milestone: string }) => l.milestone)).to.deep.equal(['production_start', 'production_done']);
    const events = await OrderEvent.find({ orderId: o._id, kind: 'milestone' }).lean();
    expect(events).to.have.length(2);
    expect(events.every((e) => e.by.startsWith('supplier:'))).to.equal(true);
    // Read back what the update paths wrote, straight from the database (FerretDB quirks).
    const raw = await Order.findOne({ _id: o._id }).lean();
    expect(raw!.milestones.materials.planned!.toISOString().slice(0, 10)).to.equal('2026-12-01');
    expect(raw!.milestones.confirmed.status).to.equal('done');
    expect(raw!.next!.dueDay).to.equal('2026-12-01');
    // The supplier's list (a read model) follows the writes.
    const list = await agent.get('/api/mp/orders').set('Authorization', `Bearer ${s.token}`).expect(200);
    expect(list.body.items[0]).to.deep.include({ overdue: false, next: { milestone: 'materials', planned: '2026-12-01' } });
  });

  it('writes once for concurrent identical updates and for a replayed idempotency key', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    const same = await Promise.all(
      Array.from({ length: 8 }, () => agent.post(`/api/mp/orders/${o._id}/milestones/confirmed`).set('Authorization', `Bearer ${s.token}`).send({ done: true, actual: '2026-11-03' })),
    );
    expect(same.every((r) => r.status === 200)).to.equal(true);
    expect(same.filter((r) => r.body.changed)).to.have.length(1);
    const replay = await Promise.all(
      Array.from({ length: 5 }, () =>
        agent.post(`/api/mp/orders/${o._id}/milestones/materials`).set('Authorization', `Bearer ${s.token}`).set('Idempotency-Key', 'mp-key-0001').send({ note: '已下单采购' }),
      ),
    );
    expect(replay.every((r) => r.status === 200)).to.equal(true);
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(2);
    expect((await Order.findOne({ _id: o._id }).lean())!.version).to.equal(2);
  });

  it('accepts a customs issue only for a shipped order', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    await agent.post(`/api/mp/orders/${o._id}/customs`).set('Authorization', `Bearer ${s.token}`).send({ status: 'held', reason: '海关查验' }).expect(409);
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    const r = await agent.post(`/api/mp/orders/${o._id}/customs`).set('Authorization', `Bearer ${s.token}`).send({ status: 'held', reason: '海关查验', expectedDate: '2026-12-03' }).expect(200);
    expect(r.body.order.customsDetail).to.deep.equal({ status: 'held', reason: '海关查验', expectedDate: '2026-12-03' });
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'customs' })).to.equal(1);
  });

  it('takes a JPEG photo, refuses a file that only claims to be one', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(1000, 7)]);
    const ok = await agent
      .post(`/api/mp/orders/${o._id}/milestones/production_start/photos`)
      .set('Authorization', `Bearer ${s.token}`)
      .attach('photo', jpeg, { filename: 'line.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(ok.body.photo.mimeType).to.equal('image/jpeg');
    expect(ok.body.order.milestones[2].photos).to.have.length(1);
    const fake = await agent
      .post(`/api/mp/orders/${o._id}/milestones/production_start/photos`)
      .set('Authorization', `Bearer ${s.token}`)
      .attach('photo', Buffer.from('#!/bin/sh\nrm -rf /'), { filename: 'x.jpg', contentType: 'image/jpeg' })
      .expect(400);
    expect(fake.body.error.details[0].field).to.equal('photo');
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(9 * 1024 * 1024)]);
    const tooBig = await agent
      .post(`/api/mp/orders/${o._id}/milestones/production_start/photos`)
      .set('Authorization', `Bearer ${s.token}`)
      .attach('photo', big, { filename: 'big.jpg', contentType: 'image/jpeg' });
    expect(tooBig.status).to.equal(413);
  });

  it('a re-sent photo upload with the same Idempotency-Key is stored once', async () => {
    // An uploads directory of its own: file counts are exact.
    const config = testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'gendan-photos-')) });
    const agent = request(createApp({ config, clock: () => NOW }).callback());
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 1)]);
    const send = () =>
      agent
        .post(`/api/mp/orders/${o._id}/milestones/inspection/photos`)
        .set('Authorization', `Bearer ${s.token}`)
        .set('Idempotency-Key', 'photo-key-0001')
        .attach('photo', png, { filename: 'qc.png', contentType: 'image/png' });
    const dir = join(config.server.uploadDir, 'photos');
    const count = () => (existsSync(dir) ? readdirSync(dir).length : 0);
    const before = count();
    const first = await send().expect(201);
    const again = await send().expect(200);
    expect(again.body.changed).to.equal(false);
    expect(again.body.order.milestones[4].photos).to.have.length(1);
    expect(existsSync(join(dir, first.body.photo.id))).to.equal(true);
    expect(count()).to.equal(before + 1); // the re-sent copy was not kept
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'photo' })).to.equal(1);
    rmSync(join(config.server.uploadDir, '..'), { recursive: true, force: true });
  });

  it('refuses forged, expired and revoked tokens with 401', async () => {
    const s = await makeSupplierSession(config);
    await agent.get('/api/mp/orders').expect(401);
    await agent.get('/api/mp/orders').set('Authorization', 'Bearer abc.def.ghi').expect(401);
    const { signToken } = await import('../../shared/auth/index.js');
    const foreign = await signToken(testConfig({ SESSION_SECRET: 'another-secret-0123456789-0123456789-x' }), { role: 'supplier', openid: s.openid, supplierId: String(s.supplier._id), ver: 1 });
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${foreign}`).expect(401);
    const [h, , sig] = s.token.split('.');
    const payload = Buffer.from(JSON.stringify({ role: 'supplier', openid: s.openid, supplierId: '0'.repeat(24), ver: 1, iss: 'gendan', exp: 9e9 })).toString('base64url');
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${h}.${payload}.${sig}`).expect(401);
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${s.token}`).expect(200);
    await revokeSupplierTokens(s.openid);
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${s.token}`).expect(401);
    const expired = await signToken(config, { role: 'supplier', openid: 'x', supplierId: String(s.supplier._id), ver: 2 }, '-1s');
    const r = await agent.get('/api/mp/orders').set('Authorization', `Bearer ${expired}`).expect(401);
    expect(r.body.error.message).to.equal('token expired');
    // A supplier token is not a manager token.
    const other = await makeSupplierSession(config);
    await agent.get('/api/orders').set('Authorization', `Bearer ${other.token}`).expect(403);
  });
});

describe('API: bad input never reaches a query', function () {
  this.timeout(60_000);
  const config = testConfig();
  const agent = request(createApp({ config, clock: () => NOW }).callback());

  it('answers 50+ bad inputs with 4xx and a field-level message, never 5xx', async () => {
    const s = await makeSupplierSession(config);
    const { token: mgr } = await makeManager(config);
    const o = await makeOrder(s.supplier.code);
    const mp = (path: string) => agent.post(`/api/mp/orders/${o._id}${path}`).set('Authorization', `Bearer ${s.token}`);
    const m = (method: 'post' | 'patch' | 'get', path: string) => agent[method](path).set('Authorization', `Bearer ${mgr}`);
    const bad: [string, () => request.Test][] = [
      ['operator in done', () => mp('/milestones/confirmed').send({ done: { $ne: null } })],
      ['$where key', () => mp('/milestones/confirmed').send({ $where: 'sleep(1000)' })],
      ['$nor key', () => mp('/milestones/confirmed').send({ $nor: [{}] })],
      ['operator in date', () => mp('/milestones/confirmed').send({ actual: { $gt: '' } })],
      ['unknown key', () => mp('/milestones/confirmed').send({ done: true, status: 'done' })],
      ['done as string', () => mp('/milestones/confirmed').send({ done: 'yes' })],
      ['done as number', () => mp('/milestones/confirmed').send({ done: 1 })],
      ['empty body', () => mp('/milestones/confirmed').send({})],
      ['array body', () => mp('/milestones/confirmed').send([{ done: true }])],
      ['impossible date', () => mp('/milestones/confirmed').send({ actual: '2026-02-30' })],
      ['date out of range', () => mp('/milestones/confirmed').send({ planned: '1999-01-01', reason: 'x' })],
      ['date far future', () => mp('/milestones/confirmed').send({ planned: '2201-01-01', reason: 'x' })],
      ['date with time', () => mp('/milestones/confirmed').send({ actual: '2026-11-01T00:00:00Z' })],
      ['actual in future', () => mp('/milestones/confirmed').send({ done: true, actual: '2026-12-30' })],
      ['date as number', () => mp('/milestones/confirmed').send({ actual: 20261101 })],
      ['reason too long', () => mp('/milestones/confirmed').send({ planned: '2026-12-01', reason: 'x'.repeat(501) })],
      ['note as object', () => mp('/milestones/confirmed').send({ note: { a: 1 } })],
      ['unknown milestone', () => mp('/milestones/painting').send({ done: true })],
      ['milestone injection', () => mp('/milestones/%24ne').send({ done: true })],
      ['bad order id', () => agent.post('/api/mp/orders/xyz/milestones/confirmed').set('Authorization', `Bearer ${s.token}`).send({ done: true })],
      ['order id object', () => agent.get('/api/mp/orders/%7B%22%24ne%22%3A1%7D').set('Authorization', `Bearer ${s.token}`)],
      ['customs bad status', () => mp('/customs').send({ status: 'maybe' })],
      ['customs operator', () => mp('/customs').send({ status: { $in: ['held'] } })],
      ['customs unknown key', () => mp('/customs').send({ status: 'held', reason: 'x', by: 'admin' })],
      ['customs bad date', () => mp('/customs').send({ status: 'held', reason: 'x', expectedDate: 'tomorrow' })],
      ['malformed json', () => mp('/milestones/confirmed').set('Content-Type', 'application/json').send('{"done": tru')],
      ['json null', () => mp('/milestones/confirmed').set('Content-Type', 'application/json').send('null')],
      ['bad idempotency key', () => mp('/milestones/confirmed').set('Idempotency-Key', 'a b').send({ done: true })],
      ['page zero', () => agent.get('/api/mp/orders?page=0').set('Authorization', `Bearer ${s.token}`)],
      ['page text', () => agent.get('/api/mp/orders?page=abc').set('Authorization', `Bearer ${s.token}`)],
      ['page operator', () => agent.get('/api/mp/orders?page[$gt]=1').set('Authorization', `Bearer ${s.token}`)],
      ['unknown query key', () => agent.get('/api/mp/orders?supplierId=1').set('Authorization', `Bearer ${s.token}`)],
      ['login without code', () => agent.post('/api/mp/login').send({})],
      ['login code operator', () => agent.post('/api/mp/login').send({ code: { $ne: '' } })],
      ['login code too long', () => agent.post('/api/mp/login').send({ code: 'x'.repeat(500) })],
      [
        'bind code operator',
        () =>
          agent
            .post('/api/mp/bind')
            .set('Authorization', `Bearer ${s.token}`)
            .send({ code: { $regex: '.*' } }),
      ],
      ['order number injection', () => m('post', '/api/orders').send({ number: { $gt: '' }, supplierCode: s.supplier.code })],
      ['order number bad chars', () => m('post', '/api/orders').send({ number: 'PO 1; drop', supplierCode: s.supplier.code })],
      ['order unknown supplier', () => m('post', '/api/orders').send({ number: 'PO-X-1', supplierCode: 'Z99' })],
      ['order supplier code operator', () => m('post', '/api/orders').send({ number: 'PO-X-2', supplierCode: { $ne: 1 } })],
      ['order float money', () => m('post', '/api/orders').send({ number: 'PO-X-3', supplierCode: s.supplier.code, lines: [{ item: 'a', qty: 1, unitPrice: 1.5, currency: 'USD' }] })],
      ['order bad currency', () => m('post', '/api/orders').send({ number: 'PO-X-4', supplierCode: s.supplier.code, lines: [{ item: 'a', qty: 1, unitPrice: '1.50', currency: 'XXX' }] })],
      ['order negative qty', () => m('post', '/api/orders').send({ number: 'PO-X-5', supplierCode: s.supplier.code, lines: [{ item: 'a', qty: -1, unitPrice: '1.50', currency: 'USD' }] })],
      ['order fractional qty', () => m('post', '/api/orders').send({ number: 'PO-X-6', supplierCode: s.supplier.code, lines: [{ item: 'a', qty: 1.5, unitPrice: '1.50', currency: 'USD' }] })],
      ['order unknown planned', () => m('post', '/api/orders').send({ number: 'PO-X-7', supplierCode: s.supplier.code, planned: { painting: '2026-12-01' } })],
      ['order duplicate number', () => m('post', '/api/orders').send({ number: o.number, supplierCode: s.supplier.code })],
      ['order bad incoterms', () => m('post', '/api/orders').send({ number: 'PO-X-8', supplierCode: s.supplier.code, incoterms: 'FOBB' })],
      ['patch unknown key', () => m('patch', `/api/orders/${o._id}`).send({ supplierId: '0'.repeat(24) })],
      ['patch bad manager id', () => m('patch', `/api/orders/${o._id}`).send({ managerId: 'abc' })],
      ['patch bad status', () => m('patch', `/api/orders/${o._id}`).send({ status: 'deleted' })],
      ['thread bad id', () => m('get', '/api/threads/123/messages')],
      ['thread bad before', () => m('get', `/api/threads/${o._id}/messages?before=yesterday`)],
      ['thread limit huge', () => m('get', `/api/threads/${o._id}/messages?limit=100000`)],
      ['supplier code injection', () => m('get', '/api/suppliers/%24ne')],
      ['segment bad', () => m('get', '/api/suppliers?segment=vip')],
      ['overdue unknown query', () => m('get', '/api/orders/overdue?managerId[$ne]=1')],
      ['unknown route', () => m('get', '/api/nothing-here')],
      ['binding for unknown supplier', () => m('post', '/api/suppliers/Z98/binding-codes').send({})],
    ];
    expect(bad.length).to.be.at.least(50);
    const statuses: string[] = [];
    for (const [name, send] of bad) {
      const r = await send();
      statuses.push(`${name}: ${r.status}`);
      expect(r.status, `${name} → ${r.status} ${JSON.stringify(r.body)}`).to.be.within(400, 499);
      expect(r.body.error?.code, name).to.be.a('string');
    }
    // Nothing changed on the order.
    expect((await Order.findOne({ _id: o._id }).lean())!.version).to.equal(0);
    // Field-level messages.
    const r = await mp('/milestones/confirmed').send({ actual: '2026-02-30' });
    expect(r.body.error.details).to.deep.equal([{ field: 'actual', message: 'is not a real date' }]);
  });

  it('answers a 2 MB body with 413 and keeps serving', async () => {
    const s = await makeSupplierSession(config);
    const o = await makeOrder(s.supplier.code);
    const big = JSON.stringify({ note: 'x'.repeat(2 * 1024 * 1024) });
    const r = await agent.post(`/api/mp/orders/${o._id}/milestones/confirmed`).set('Authorization', `Bearer ${s.token}`).set('Content-Type', 'application/json').send(big);
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal('payload_too_large');
    await agent.get('/api/mp/orders').set('Authorization', `Bearer ${s.token}`).expect(200);
  });
});

describe('API: managers', function () {
  this.timeout(30_000);
  const config = testConfig();
  const agent = request(createApp({ config, clock: () => NOW }).callback());

  it('create, read, change, close orders; overdue list; history; OpenAPI and health', async () => {
    const { token, manager } = await makeManager(config);
    const s = await makeSupplierSession(config);
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${token}`);
    const created = await auth(agent.post('/api/orders'))
      .send({
        number: 'PO-2026-100',
        supplierCode: s.supplier.code.toLowerCase(),
        managerId: String(manager._id),
        incoterms: 'FOB',
        lines: [{ item: '电机 220V', qty: 1000, unitPrice: '12.50', currency: 'USD' }],
        planned: { confirmed: '2026-11-20', materials: '2026-11-28' },
      })
      .expect(201);
    expect(created.body).to.deep.include({ number: 'PO-2026-100', supplierCode: s.supplier.code, overdue: true, daysLate: 4 });
    const overdue = await auth(agent.get('/api/orders/overdue?mine=true')).expect(200);
    expect(overdue.body.items.map((o: { number: string }) => o.number)).to.deep.equal(['PO-2026-100']);
    await auth(agent.post(`/api/orders/${created.body.id}/milestones/confirmed`))
      .send({ done: true })
      .expect(200);
    expect((await auth(agent.get('/api/orders/overdue')).expect(200)).body.items).to.deep.equal([]);
    const patched = await auth(agent.patch(`/api/orders/${created.body.id}`))
      .send({ incoterms: 'CIF' })
      .expect(200);
    expect(patched.body.order.incoterms).to.equal('CIF');
    await auth(agent.delete(`/api/orders/${created.body.id}`)).expect(200);
    expect((await auth(agent.get(`/api/orders/${created.body.id}`)).expect(200)).body.status).to.equal('closed');
    const history = await auth(agent.get(`/api/orders/${created.body.id}/history`)).expect(200);
    expect(history.body.items.map((e: { kind: string }) => e.kind)).to.deep.equal(['closed', 'updated', 'milestone', 'created']);
    const suppliers = await auth(agent.get('/api/suppliers')).expect(200);
    expect(suppliers.body.items.map((x: { code: string }) => x.code)).to.include(s.supplier.code);
    const doc = await agent.get('/openapi.json').expect(200);
    expect(doc.body.paths['/api/mp/orders/{id}/milestones/{milestone}'].post.requestBody.content['application/json'].schema.properties).to.have.keys('done', 'actual', 'planned', 'reason', 'note');
    const health = await agent.get('/healthz').expect(200);
    expect(health.body.db).to.equal('up');
  });
});
