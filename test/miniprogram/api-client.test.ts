// The mini-program's API client (miniprogram/lib/api.ts) against the real Koa server and the
// real database, with a stubbed wx that does real HTTP. Flow: login → bind → list → update.
import { expect } from 'chai';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApi, ApiError, newIdempotencyKey } from '../../miniprogram/lib/api.js';
import { createApp } from '../../server/app.js';
import { issueBindingCode, revokeSupplierTokens, clearAuthCaches } from '../../shared/auth/index.js';
import { Order, OrderEvent } from '../../shared/orders/index.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeOrder, testConfig } from '../support/api.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { stubWx } from './wx.js';

describe('mini-program: API client against the real server', function () {
  this.timeout(30_000);
  let wxFake: WechatFake;
  let server: Server;
  let base: string;
  let n = 0;

  beforeEach(async () => {
    wxFake = await startWechatFake();
    const config = testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wxFake.url });
    server = createApp({ config }).listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clearAuthCaches();
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await wxFake.close();
  });

  /** Every wx.login gives a fresh code that the fake maps to this openid. */
  const userWx = (openid: string) =>
    stubWx(() => {
      const code = `code-${++n}`;
      wxFake.codes.set(code, openid);
      return code;
    });

  it('logs in, binds, lists orders and updates a milestone; the server state changes once', async () => {
    const s = await createSupplier({ name: '宁波奥吉电器' });
    const o = await makeOrder(s.code, { number: 'PO-MP-1' });
    const wx = userWx('openid-mp-1');
    const api = createApi(wx as never, base);

    expect((await api.login()).bound).to.equal(false);
    let err: unknown;
    await api.orders().catch((e) => (err = e));
    expect((err as ApiError).status).to.equal(403); // not bound yet: the page sends the user to binding

    const { code } = await issueBindingCode(s.code, 'manager:test');
    expect((await api.bind(code.toLowerCase())).code).to.equal(s.code);
    const list = await api.orders();
    expect(list.items.map((x) => x.number)).to.deep.equal(['PO-MP-1']);
    expect(list.items[0]!.overdue).to.equal(true);

    const key = newIdempotencyKey();
    const r1 = await api.updateMilestone(o._id.toString(), 'confirmed', { done: true, actual: '2026-11-02' }, key);
    const r2 = await api.updateMilestone(o._id.toString(), 'confirmed', { done: true, actual: '2026-11-02' }, key); // a retry
    expect(r1.changed).to.equal(true);
    expect(r2.changed).to.equal(false);
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(1);
    const saved = await Order.findOne({ _id: o._id }).lean();
    expect(saved!.milestones.confirmed.status).to.equal('done');

    // A photo from wx.chooseMedia's temp file, through wx.uploadFile.
    const dir = mkdtempSync(join(tmpdir(), 'mp-'));
    const photo = join(dir, 'qc.jpg');
    writeFileSync(photo, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 1)]));
    const up = await api.uploadPhoto(o._id.toString(), 'production_start', photo, newIdempotencyKey());
    expect(up.photo.id).to.be.a('string');
    expect((await Order.findOne({ _id: o._id }).lean())!.milestones.production_start.photos).to.have.length(1);

    // Customs on a shipped order.
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    const c = await api.reportCustoms(o._id.toString(), { status: 'held', reason: '海关查验', expectedDate: '2026-12-01' }, newIdempotencyKey());
    expect(c.order.customsDetail.status).to.equal('held');
  });

  it('logs in again by itself when its token was revoked, and shows server errors as messages', async () => {
    const s = await createSupplier({ name: '义乌工厂' });
    const o = await makeOrder(s.code);
    const wx = userWx('openid-mp-2');
    const api = createApi(wx as never, base);
    await api.login();
    await api.bind((await issueBindingCode(s.code, 'manager:test')).code);
    const before = wx.storage.get('gendan.token');
    await revokeSupplierTokens('openid-mp-2');
    clearAuthCaches();
    expect((await api.orders()).items).to.have.length(1); // 401 → wx.login → new token → retried
    expect(wx.storage.get('gendan.token')).not.to.equal(before);

    let err: unknown;
    await api.updateMilestone(o._id.toString(), 'materials', { planned: '2026-12-24' }, newIdempotencyKey()).catch((e) => (err = e));
    expect((err as ApiError).status).to.equal(400);
    expect((err as ApiError).message).to.match(/reason/);
  });

  it('reports a network failure as status 0, so pages offer a retry', async () => {
    const api = createApi(userWx('openid-mp-3') as never, 'http://127.0.0.1:1');
    let err: unknown;
    await api.orders().catch((e) => (err = e));
    expect((err as ApiError).status).to.equal(0);
    expect((err as ApiError).code).to.equal('network');
  });
});
