// The claims pages of the mini-program, rendered with miniprogram-simulate: the pages' own code
// (compiled as WeChat DevTools would) talks to the real server through a stubbed wx doing real
// HTTP, against the real database. jsdom globals live only inside this suite.
import { expect } from 'chai';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { build } from 'esbuild';
import { createApp } from '../../server/app.js';
import { clearAuthCaches, MpBinding } from '../../shared/auth/index.js';
import { Claim, fileClaim, moveClaim, type Actor } from '../../shared/claims/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { makeOrder, testConfig } from '../support/api.js';
import { stubWx, type StubWx } from './wx.js';

const require = createRequire(import.meta.url);
const source = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'miniprogram');
const MGR = { id: '5f0000000000000000000001' };
const manager: Actor = { kind: 'manager', id: MGR.id };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

type Comp = { instance: Record<string, (...a: unknown[]) => unknown> & { data: Record<string, unknown> }; attach(el: unknown): void; dom: { textContent: string } };

const until = async (cond: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 250; i++) {
    if (await cond()) return;
    await new Promise((ok) => setTimeout(ok, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('mini-program claims pages (miniprogram-simulate)', function () {
  this.timeout(30_000);
  let root = '';
  let files = '';
  let cleanupDom: () => void;
  let simulate: { load(p: string, o?: unknown): string; render(id: string, props?: unknown): Comp };
  let wxFake: WechatFake;
  let server: Server;
  let wx: StubWx;
  let n = 0;

  before(async () => {
    // What WeChat DevTools does with its TypeScript plugin: each page's TS becomes CommonJS JS.
    root = mkdtempSync(join(tmpdir(), 'gendan-mp-claims-'));
    files = mkdtempSync(join(tmpdir(), 'gendan-mp-files-'));
    cpSync(source, root, { recursive: true, filter: (f) => !f.endsWith('.ts') });
    for (const name of readdirSync(join(source, 'pages')).filter((p) => p.startsWith('claim'))) {
      await build({
        entryPoints: [join(source, 'pages', name, 'index.ts')],
        outfile: join(root, 'pages', name, 'index.js'),
        bundle: true,
        format: 'cjs',
        platform: 'neutral',
        target: 'es2020',
        logLevel: 'silent',
      });
    }
    const globalJsdom = (await import('global-jsdom')).default;
    cleanupDom = globalJsdom('<!doctype html><html><body></body></html>');
    simulate = require('miniprogram-simulate');
  });
  after(() => {
    delete (globalThis as { wx?: unknown }).wx;
    cleanupDom();
    rmSync(root, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  beforeEach(async () => {
    wxFake = await startWechatFake();
    server = createApp({ config: testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: wxFake.url }) }).listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    clearAuthCaches();
    wx = stubWx(() => {
      const code = `claims-code-${++n}`;
      wxFake.codes.set(code, 'openid-claims');
      return code;
    });
    wx.storage.set('gendan.server', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
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

  async function boundSupplier(name: string) {
    const s = await createSupplier({ name });
    await MpBinding.create({ openid: 'openid-claims', supplierId: s._id, at: new Date() });
    return s;
  }

  it("list: waiting claims first with their due date; drafts and other suppliers' claims are not there", async () => {
    const s = await boundSupplier('佛山灯具厂');
    const other = await createSupplier({ name: '别家工厂' });
    const o = await makeOrder(s.code, { number: 'PO-MPC-1' });
    const done = await fileClaim({ orderId: String(o._id), type: 'shortage', qty: 2, description: '少两箱' }, MGR, undefined, new Date(Date.now() - 60_000));
    await moveClaim(String(done._id), 'closed', manager, { reason: '已补发' });
    const waiting = await fileClaim({ orderId: String(o._id), type: 'defect', qty: 12, description: '外壳有划痕' }, MGR, undefined);
    const draft = await fileClaim({ orderId: String(o._id), type: 'late_delivery', qty: 1, description: '晚到', send: false }, MGR, undefined);
    const foreign = await fileClaim({ orderId: String((await makeOrder(other.code))._id), type: 'defect', qty: 1, description: '别家' }, MGR, undefined);
    const list = page('claims');
    list.instance.onLoad();
    await until(() => (list.instance.data.items as unknown[]).length === 2, 'claims to render');
    const items = list.instance.data.items as { id: string }[];
    expect(items.map((i) => i.id)).to.deep.equal([String(waiting._id), String(done._id)]);
    const text = list.dom.textContent;
    expect(text)
      .to.include(waiting.number)
      .and.include('质量缺陷')
      .and.include('待回复')
      .and.include(`回复期限: ${waiting.answerDue!.toISOString().slice(0, 10)}`);
    expect(text).to.include('已关闭');
    expect(text).not.to.include(draft.number);
    expect(text).not.to.include(foreign.number);
  });

  it('answer: accept with two photos; a lost response is sent again without storing anything twice', async () => {
    const s = await boundSupplier('东莞五金厂');
    const o = await makeOrder(s.code, { number: 'PO-MPC-2' });
    const c = await fileClaim(
      { orderId: String(o._id), line: 0, type: 'transit_damage', qty: 4, amount: '80.00', currency: 'USD', description: '四箱压坏', photos: [{ url: 'https://files.example/box.jpg' }] },
      MGR,
      undefined,
    );
    const p = page('claim');
    p.instance.onLoad({ id: String(c._id) });
    await until(() => Boolean(p.instance.data.claim), 'claim to render');
    expect(p.dom.textContent).to.include('四箱压坏').and.include('运输损坏').and.include('80.00 USD').and.include('货品: Motor 220V').and.include('买方照片: 1');

    // Two photos from the album (temp files, as WeChat gives them).
    const paths = ['a.png', 'b.png'].map((f) => {
      writeFileSync(join(files, f), PNG);
      return join(files, f);
    });
    wx.chooseMedia = (o: { success(r: { tempFiles: { tempFilePath: string; size: number }[] }): void }) => o.success({ tempFiles: paths.map((tempFilePath) => ({ tempFilePath, size: PNG.length })) });
    p.instance.choosePhoto();
    expect(p.instance.data.photos).to.deep.equal(paths);
    p.instance.choose({ currentTarget: { dataset: { decision: 'accept' } } });
    p.instance.setText({ detail: { value: '同意，下批补发' } });

    // The second photo and then the answer reach the server, but their responses are lost.
    const upload = wx.uploadFile as (o: { url: string; success: (r: unknown) => void; fail: (e: { errMsg: string }) => void }) => void;
    const request = wx.request as typeof upload;
    let uploads = 0;
    let answers = 0;
    wx.uploadFile = (o: Parameters<typeof upload>[0]) => (++uploads === 2 ? upload({ ...o, success: () => o.fail({ errMsg: 'uploadFile:fail timeout' }) }) : upload(o));
    wx.request = (o: Parameters<typeof upload>[0]) => (o.url.endsWith('/answer') && ++answers === 1 ? request({ ...o, success: () => o.fail({ errMsg: 'request:fail timeout' }) }) : request(o));
    await p.instance.submit();
    expect(wx.toasts.at(-1)).to.equal('网络异常，请重试');
    expect((await Claim.findOne({ _id: c._id }).lean())!).to.deep.include({ status: 'sent' });
    await p.instance.submit(); // "send" again: the photos are replays, the answer goes (its response lost)
    expect(wx.toasts.at(-1)).to.equal('网络异常，请重试');
    await until(async () => (await Claim.findOne({ _id: c._id }).lean())!.status === 'supplier_answered', 'the answer stored');
    await p.instance.submit(); // and again: already answered, so the page shows the answer
    await until(() => (p.instance.data.claim as { status: string }).status === 'supplier_answered', 'answered view');
    const saved = (await Claim.findOne({ _id: c._id }).lean())!;
    expect(saved.supplierPhotos).to.have.length(2);
    expect(saved.answer!.photos.map((x) => x.id)).to.deep.equal(saved.supplierPhotos.map((x) => x.id));
    expect(saved.answer).to.include({ decision: 'accept', text: '同意，下批补发' });
    expect(saved.history.map((h) => h.to)).to.deep.equal(['sent', 'supplier_answered']);
    expect(uploads).to.equal(6); // 2 photos × 3 tries, stored twice in all

    // Reloaded, the page shows the answer, not the form.
    await p.instance.load();
    await until(() => (p.instance.data.claim as { status: string }).status === 'supplier_answered', 'answered view');
    expect(p.dom.textContent).to.include('已回复: 已接受').and.include('同意，下批补发').and.include('您的照片: 2');
    expect(p.dom.textContent).not.to.include('回复索赔');

    // The buyer agrees and settles: the supplier reads the settlement in Chinese and the history.
    await moveClaim(String(c._id), 'agreed', manager);
    await moveClaim(String(c._id), 'settled', manager, { settlement: { kind: 'replacement', note: '下批补发' } });
    await p.instance.load();
    await until(() => (p.instance.data.claim as { status: string }).status === 'settled', 'settled view');
    const text = p.dom.textContent;
    expect(text).to.include('已结算').and.include('结算方式: 补发/换货').and.include('下批补发');
    expect(text).to.include('买方 → 待回复').and.include('您 → 已回复').and.include('买方 → 已同意').and.include('买方 → 已结算');
  });

  it("dispute: refused without a reason (nothing stored), accepted with one; another supplier's claim is not found", async () => {
    const s = await boundSupplier('义乌包装厂');
    const other = await createSupplier({ name: '别家工厂二' });
    const o = await makeOrder(s.code);
    const c = await fileClaim({ orderId: String(o._id), type: 'wrong_item', qty: 30, description: '颜色发错' }, MGR, undefined);
    const foreign = await fileClaim({ orderId: String((await makeOrder(other.code))._id), type: 'defect', qty: 1, description: '别家' }, MGR, undefined);
    const p = page('claim');
    p.instance.onLoad({ id: String(c._id) });
    await until(() => Boolean(p.instance.data.claim), 'claim to render');
    p.instance.choose({ currentTarget: { dataset: { decision: 'dispute' } } });
    await p.instance.submit();
    expect(p.instance.data.error).to.match(/say why you dispute/);
    expect((await Claim.findOne({ _id: c._id }).lean())!.status).to.equal('sent');
    p.instance.setText({ detail: { value: '颜色按样品确认单生产' } });
    await Promise.all([p.instance.submit(), p.instance.submit()]); // a double tap answers once
    await until(() => (p.instance.data.claim as { status: string }).status === 'supplier_answered', 'answered');
    expect(p.dom.textContent).to.include('已回复: 已提出异议').and.include('颜色按样品确认单生产');
    expect((await Claim.findOne({ _id: c._id }).lean())!.history).to.have.length(2);

    const q = page('claim');
    q.instance.onLoad({ id: String(foreign._id) });
    await until(() => Boolean(q.instance.data.error), 'error shown');
    expect(q.instance.data.error).to.equal('no such claim');
    expect(q.instance.data.claim).to.equal(null);
  });
});
