// Authentication pieces on their own: the jscode2session adapter against a local fake (real
// error codes, timeouts, nothing secret logged or returned), tokens, binding codes.
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import { SignJWT } from 'jose';
import {
  BindAttempt,
  BindingCode,
  MpBinding,
  bindOpenid,
  clearAuthCaches,
  createWechatAuth,
  issueBindingCode,
  managerToken,
  miniProgramLogin,
  pruneAuthRecords,
  signToken,
  verifyToken,
} from '../../shared/auth/index.js';
import { Manager } from '../../shared/managers/model.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { startWechatFake, type WechatFake } from '../fakes/wechat.js';
import { testConfig } from '../support/api.js';

const NOW = new Date('2026-11-24T09:00:00Z');

async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string; retryAfterMs?: number }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

describe('auth: jscode2session adapter', function () {
  this.timeout(20_000);
  let wx: WechatFake;
  beforeEach(async () => {
    wx = await startWechatFake();
  });
  afterEach(() => wx.close());
  const cfg = (base: string, extra: Record<string, string> = {}) => testConfig({ WECHAT_APPID: 'wx-test-app', WECHAT_SECRET: 'wx-test-secret', WECHAT_API_BASE: base, ...extra });

  it('returns the openid (and unionid) only; session_key and the app secret appear in no result or log line', async () => {
    const { logger, lines } = memoryLogger();
    const auth = createWechatAuth(cfg(wx.url), { logger });
    wx.codes.set('union-1', 'o-1');
    const s = await auth.codeToSession('union-1');
    expect(s).to.deep.equal({ openid: 'o-1', unionid: 'union-of-o-1' });
    wx.busyNext = 1;
    wx.codes.set('c2', 'o-2');
    expect(await auth.codeToSession('c2')).to.deep.equal({ openid: 'o-2', unionid: undefined });
    await rejects(auth.codeToSession('bad-code-123'));
    const all = lines.join('\n');
    expect(lines.length).to.be.greaterThan(0);
    expect(all).not.to.include('SECRET-SESSION-KEY');
    expect(all).not.to.include('wx-test-secret');
    expect(all).not.to.include('bad-code-123'); // errmsg echoes the code: not logged
  });

  it('maps the real error codes: 40029 and 40226 → 401, 45011 → 429, -1 → bounded retry then 503', async () => {
    const auth = createWechatAuth(cfg(wx.url), { retries: 2 });
    expect((await rejects(auth.codeToSession('nope'))).code).to.equal('unauthorized');
    expect((await rejects(auth.codeToSession('risky'))).code).to.equal('unauthorized');
    const limited = await rejects(auth.codeToSession('too-frequent'));
    expect([limited.code, limited.retryAfterMs]).to.deep.equal(['rate_limited', 60_000]);
    wx.busyNext = 100;
    const before = wx.calls;
    expect((await rejects(auth.codeToSession('any'))).code).to.equal('unavailable');
    expect(wx.calls - before).to.equal(3);
  });

  it('a hanging or absent WeChat ends in 503 within the bounded time', async () => {
    const auth = createWechatAuth(cfg(wx.url), { timeoutMs: 200, retries: 1 });
    wx.hangNext = 2;
    const t = Date.now();
    expect((await rejects(auth.codeToSession('x'))).code).to.equal('unavailable');
    expect(Date.now() - t).to.be.below(3000);
    const gone = createWechatAuth(cfg('http://127.0.0.1:9'), { timeoutMs: 200, retries: 1 });
    expect((await rejects(gone.codeToSession('x'))).code).to.equal('unavailable');
  });

  it('without WECHAT_APPID / WECHAT_SECRET login is unavailable, and WeChat is not called', async () => {
    const auth = createWechatAuth(testConfig({ WECHAT_API_BASE: wx.url }));
    expect((await rejects(auth.codeToSession('x'))).code).to.equal('unavailable');
    expect(wx.calls).to.equal(0);
  });

  it('a malformed login code is refused before WeChat is asked', async () => {
    const config = cfg(wx.url);
    expect((await rejects(miniProgramLogin(config, createWechatAuth(config), 'a b/c'))).code).to.equal('validation_failed');
    expect(wx.calls).to.equal(0);
  });
});

describe('auth: tokens', function () {
  const config = testConfig();
  beforeEach(() => clearAuthCaches());

  it('manager tokens carry the role; a deactivated or unknown manager is refused', async () => {
    const admin = await Manager.create({ name: 'Boss', role: 'admin' });
    const m = await Manager.create({ name: 'Olga', role: 'manager', language: 'ru' });
    expect(await verifyToken(config, await managerToken(config, String(admin._id)))).to.deep.include({ role: 'admin', managerId: String(admin._id) });
    const t = await managerToken(config, String(m._id));
    expect(await verifyToken(config, t)).to.deep.include({ role: 'manager' });
    await Manager.updateOne({ _id: m._id }, { $set: { active: false } });
    clearAuthCaches();
    expect((await rejects(verifyToken(config, t))).code).to.equal('unauthorized');
    expect((await rejects(managerToken(config, '0'.repeat(24)))).code).to.equal('not_found');
  });

  it('refuses alg=none, another key, another issuer and a principal of unknown role', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ role: 'admin', managerId: 'x', iss: 'gendan' })).toString('base64url')}.`;
    expect((await rejects(verifyToken(config, none))).code).to.equal('unauthorized');
    const key = new TextEncoder().encode(config.server.sessionSecret);
    const otherIss = await new SignJWT({ role: 'admin', managerId: 'x', ver: 1 }).setProtectedHeader({ alg: 'HS256' }).setIssuer('else').setExpirationTime('1h').sign(key);
    expect((await rejects(verifyToken(config, otherIss))).code).to.equal('unauthorized');
    const root = await new SignJWT({ role: 'root', ver: 1 }).setProtectedHeader({ alg: 'HS256' }).setIssuer('gendan').setExpirationTime('1h').sign(key);
    expect((await rejects(verifyToken(config, root))).code).to.equal('unauthorized');
  });

  it('without SESSION_SECRET a per-process key still signs and verifies (development)', async () => {
    const dev = testConfig({ SESSION_SECRET: '' });
    expect(dev.server.sessionSecret).to.equal(undefined);
    const t = await signToken(dev, { role: 'supplier', openid: 'o', ver: 0 });
    expect(await verifyToken(dev, t)).to.deep.include({ openid: 'o' });
    expect((await rejects(verifyToken(config, t))).code).to.equal('unauthorized');
  });
});

describe('auth: binding codes', function () {
  this.timeout(20_000);
  const config = testConfig();

  it('issues short human-typable codes that expire after three days', async () => {
    const s = await createSupplier({ name: '绑定厂' });
    const issued = await issueBindingCode(s.code, 'manager:m', { now: NOW });
    expect(issued.code).to.match(/^[2-9A-HJKMNP-Z]{8}$/);
    expect(issued.expiresAt.toISOString()).to.equal('2026-11-27T09:00:00.000Z');
    expect((await rejects(issueBindingCode('Z97', 'manager:m'))).code).to.equal('not_found');
  });

  it('six users redeem one code at once: exactly one binding', async () => {
    const s = await createSupplier({ name: '抢码厂' });
    const { code } = await issueBindingCode(s.code, 'manager:m', { now: NOW });
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => bindOpenid(config, `o-race-${i}`, code, NOW)));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(await MpBinding.countDocuments({})).to.equal(1);
    const spent = await BindingCode.findOne({ code }).lean();
    expect(spent!.usedBy).to.equal((await MpBinding.findOne({}).lean())!.openid);
  });

  it('accepts the code typed loosely (lower case, spaces, dash); limits attempts per user per hour', async () => {
    const s = await createSupplier({ name: '输入厂' });
    const { code } = await issueBindingCode(s.code, 'manager:m', { now: NOW });
    for (let i = 0; i < 5; i++) expect((await rejects(bindOpenid(config, 'o-guess', 'WRONG' + (234 + i), NOW))).code).to.equal('unauthorized');
    expect((await rejects(bindOpenid(config, 'o-guess', code, NOW))).code).to.equal('rate_limited'); // even the right one
    const nextHour = new Date(NOW.getTime() + 3600_000);
    const loose = `${code.slice(0, 4).toLowerCase()} - ${code.slice(4)}`;
    const ok = await bindOpenid(config, 'o-guess', loose, nextHour);
    expect(ok.bound).to.equal(true);
    expect(await verifyToken(config, ok.token)).to.deep.include({ role: 'supplier', supplierId: String(s._id) });
  });

  it('prunes old attempt counters and long-dead codes', async () => {
    const s = await createSupplier({ name: '清理厂' });
    await bindOpenid(config, 'o-old', 'AAAAAAAA', new Date(NOW.getTime() - 5 * 3600_000)).catch(() => undefined);
    await bindOpenid(config, 'o-new', 'AAAAAAAA', NOW).catch(() => undefined);
    await BindingCode.create({ code: 'DEAD2345', supplierId: s._id, issuedBy: 't', expiresAt: new Date(NOW.getTime() - 40 * 86_400_000) });
    await BindingCode.create({ code: 'LIVE2345', supplierId: s._id, issuedBy: 't', expiresAt: new Date(NOW.getTime() + 86_400_000) });
    expect(await pruneAuthRecords(NOW)).to.deep.equal({ attempts: 1, codes: 1 });
    expect(await BindAttempt.countDocuments({})).to.equal(1);
    expect((await BindingCode.find({}).lean()).map((c) => c.code)).to.deep.equal(['LIVE2345']);
  });
});
