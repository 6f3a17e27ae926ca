// Mini-program pages rendered with miniprogram-simulate (jsdom globals set up and torn down
// inside this suite only: they break other suites, e.g. the openai SDK, if left global). The
// pages' own code calls the real server through a stubbed wx that does real HTTP.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp } from '../../server/app.js';
import { clearAuthCaches, issueBindingCode, MpBinding } from '../../shared/auth/index.js';
import { Order, markReadinessAsked } from '../../shared/orders/index.js';
import { createSupplier, setSupplierTag } from '../../shared/suppliers/index.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeOrder, testConfig } from '../support/api.js';
import { stubWx, type StubWx } from './wx.js';

const require = createRequire(import.meta.url);
const source = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'miniprogram');
let root = '';

/** What WeChat DevTools does with its TypeScript plugin: each page's TS becomes CommonJS JS. */
async function compilePages(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'gendan-mp-'));
  cpSync(source, out, { recursive: true, filter: (f) => !f.endsWith('.ts') });
  for (const name of readdirSync(join(source, 'pages'))) {
    await build({
      entryPoints: [join(source, 'pages', name, 'index.ts')],
      outfile: join(out, 'pages', name, 'index.js'),
      bundle: true,
      format: 'cjs',
      platform: 'neutral',
      target: 'es2020',
      logLevel: 'silent',
    });
  }
  return out;
}
type Comp = {
  instance: Record<string, (...a: unknown[]) => unknown> & { data: Record<string, unknown> };
  querySelectorAll(s: string): { dom: { textContent: string }; dispatchEvent(e: string): void }[];
  querySelector(s: string): { dom: { textContent: string }; dispatchEvent(e: string): void } | undefined;
  attach(el: unknown): void;
  dom: { textContent: string };
};

const until = async (cond: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('mini-program pages (miniprogram-simulate)', function () {
  this.timeout(30_000);
  let cleanupDom: () => void;
  let simulate: { load(p: string, o?: unknown): string; render(id: string, props?: unknown): Comp };
  let wxFake: WechatFake;
  let server: Server;
  let base: string;
  let wx: StubWx;
  let n = 0;

  before(async () => {
    root = await compilePages();
    const globalJsdom = (await import('global-jsdom')).default;
    cleanupDom = globalJsdom('<!doctype html><html><body></body></html>');
    simulate = require('miniprogram-simulate');
  });
  after(() => {
    delete (globalThis as { wx?: unknown }).wx;
    cleanupDom();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    wxFake = await startWechatFake();
    server = createApp({ config: testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wxFake.url }) }).listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    clearAuthCaches();
    wx = stubWx(() => {
      const code = `page-code-${++n}`;
      wxFake.codes.set(code, 'openid-page');
      return code;
    });
    wx.storage.set('gendan.server', base);
    (globalThis as { wx?: unknown }).wx = wx;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await wxFake.close();
  });

  function page(name: string): Comp {
    const id = simulate.load(join(root, 'pages', name, 'index'), { compiler: 'simulate', rootPath: root });
    const comp = simulate.render(id);
    comp.attach((globalThis as unknown as { document: { createElement(t: string): unknown } }).document.createElement('parent-wrapper'));
    return comp;
  }

  it('login page: binds with the code from the manager, then goes to my orders', async () => {
    const s = await createSupplier({ name: '宁波奥吉电器' });
    const { code } = await issueBindingCode(s.code, 'manager:test');
    const p = page('login');
    await p.instance.onLoad({});
    // Scanning the manager's QR image fills the code in.
    wx.scanCode = (o: { success(r: { result: string }): void }) => o.success({ result: `https://gendan.example/bind?code=${code}` });
    p.instance.scan();
    expect(p.instance.data.code).to.equal(code);
    expect(p.dom.textContent).to.include('绑定供应商'); // Chinese by default
    await p.instance.bind();
    expect(wx.navigations).to.include('redirect:/pages/orders/index');
    expect(await MpBinding.countDocuments({ openid: 'openid-page', supplierId: s._id })).to.equal(1);
  });

  it('orders page: shows my orders with the next milestone, an overdue badge and the tagged code; English on request', async () => {
    const s = await createSupplier({ name: '义乌工厂' });
    await makeOrder(s.code, { number: 'PO-PAGE-1' });
    await setSupplierTag(s.code, 'CN', 'YW'); // the country + abbreviation tag, once orders exist
    await MpBinding.create({ openid: 'openid-page', supplierId: s._id, at: new Date() });
    const p = page('orders');
    p.instance.onLoad();
    await until(() => (p.instance.data.items as unknown[]).length === 1, 'orders to render');
    const text = p.dom.textContent;
    expect(text).to.include('PO-PAGE-1');
    expect(text).to.include(`${s.code} CNYW`); // the code as people see it, from the API (supplierShownCode)
    expect((p.instance.data.items as { supplierShownCode?: string }[])[0]!.supplierShownCode).to.equal(`${s.code} CNYW`);
    expect(text).to.include('已逾期');
    expect(text).to.include('订单确认');
    p.instance.toggleLang();
    await until(() => p.dom.textContent.includes('Order confirmed'), 'English milestone names');
    expect(p.dom.textContent).to.include('Overdue');
    const first = (p.instance.data.items as { id: string }[])[0]!;
    p.instance.open({ currentTarget: { dataset: { id: first.id } } });
    expect(wx.navigations.at(-1)).to.match(/^\/pages\/order\/index\?id=[0-9a-f]{24}$/);
  });

  it('orders page: not bound yet → sent to the binding page', async () => {
    const p = page('orders');
    p.instance.onLoad();
    await until(() => wx.navigations.includes('redirect:/pages/login/index'), 'redirect');
  });

  it('order page: the pre-shipment question is answered "ready" with one tap', async () => {
    const s = await createSupplier({ name: '温州工厂' });
    const o = await makeOrder(s.code, { number: 'PO-PAGE-READY' });
    await markReadinessAsked(o._id, new Date().toISOString().slice(0, 10), '2099-01-01');
    await MpBinding.create({ openid: 'openid-page', supplierId: s._id, at: new Date() });
    const p = page('order');
    p.instance.onLoad({ id: String(o._id) });
    await until(() => p.dom.textContent.includes('货物能否按计划出货'), 'the readiness question');
    await p.instance.ready();
    const saved = (await Order.findOne({ _id: o._id }).lean())!;
    expect(saved.readiness?.answer).to.equal('ready');
    expect(saved.readinessDue ?? null).to.equal(null);
    await until(() => !p.dom.textContent.includes('货物能否按计划出货'), 'the question answered');
  });

  it('milestone page: marking done saves once even when the user taps save twice', async () => {
    const s = await createSupplier({ name: '东莞工厂' });
    const o = await makeOrder(s.code, { number: 'PO-PAGE-2' });
    await MpBinding.create({ openid: 'openid-page', supplierId: s._id, at: new Date() });
    const p = page('milestone');
    p.instance.onLoad({ id: String(o._id), name: 'confirmed' });
    p.instance.toggleDone();
    await Promise.all([p.instance.save(), p.instance.save()]);
    await until(() => wx.navigations.includes('back'), 'navigate back');
    const saved = await Order.findOne({ _id: o._id }).lean();
    expect(saved!.milestones.confirmed.status).to.equal('done');
    expect(saved!.version).to.equal(1);
  });

  it('claims: the supplier sees its claim in Chinese, disputes it with a reason, and the claim moves once', async () => {
    const s = await createSupplier({ name: '佛山灯具厂' });
    const other = await createSupplier({ name: '别家工厂' });
    const o = await makeOrder(s.code, { number: 'PO-CLAIM-MP' });
    const o2 = await makeOrder(other.code, { number: 'PO-CLAIM-OTHER' });
    await MpBinding.create({ openid: 'openid-page', supplierId: s._id, at: new Date() });
    const { fileClaim, Claim } = await import('../../shared/claims/index.js');
    const mgr = { id: '5f0000000000000000000001' };
    const c = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 12, amount: '36.00', currency: 'USD', description: '外壳有划痕' }, mgr, undefined);
    const foreign = await fileClaim({ orderId: String(o2._id), type: 'shortage', qty: 3, description: '少了三箱' }, mgr, undefined);
    const list = page('claims');
    list.instance.onLoad();
    await until(() => (list.instance.data.items as unknown[]).length === 1, 'claims to render');
    expect(list.dom.textContent).to.include(c.number).and.include('质量缺陷').and.include('待回复');
    expect(list.dom.textContent).not.to.include(foreign.number);
    list.instance.open({ currentTarget: { dataset: { id: String(c._id) } } });
    expect(wx.navigations.at(-1)).to.equal(`/pages/claim/index?id=${c._id}`);

    const p = page('claim');
    p.instance.onLoad({ id: String(c._id) });
    await until(() => Boolean(p.instance.data.claim), 'claim to render');
    expect(p.dom.textContent).to.include('外壳有划痕').and.include('36.00 USD');
    p.instance.choose({ currentTarget: { dataset: { decision: 'dispute' } } });
    await p.instance.submit();
    expect(p.instance.data.error).to.match(/say why you dispute/);
    expect((await Claim.findOne({ _id: c._id }).lean())!.status).to.equal('sent');
    p.instance.setText({ detail: { value: '划痕是运输造成的，不是生产问题' } });
    await Promise.all([p.instance.submit(), p.instance.submit()]);
    await until(() => (p.instance.data.claim as { status: string } | null)?.status === 'supplier_answered', 'answered');
    const saved = (await Claim.findOne({ _id: c._id }).lean())!;
    expect(saved.status).to.equal('supplier_answered');
    expect(saved.answer).to.include({ decision: 'dispute', text: '划痕是运输造成的，不是生产问题' });
    expect(saved.history.map((h) => h.to)).to.deep.equal(['sent', 'supplier_answered']);

    // Another supplier's claim: not found for this user.
    const q = page('claim');
    q.instance.onLoad({ id: String(foreign._id) });
    await until(() => Boolean(q.instance.data.error), 'error shown');
    expect(q.instance.data.error).to.match(/no such claim/);
  });
});
