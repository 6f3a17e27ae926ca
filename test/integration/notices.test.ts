// Notices and the scheduler: real database, injected clock (no sleeps for time), a fake
// Messenger for pacing arithmetic, and the real bot over wechaty-puppet-mock end to end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { Types } from 'mongoose';
import { testDb } from '../support/db.js';
import { createBot } from '../../bot/index.js';
import { createSandbox } from '../../bot/sandbox.js';
import { loadConfig } from '../../shared/config/index.js';
import { createMirror } from '../../shared/threads/index.js';
import { Manager } from '../../shared/managers/model.js';
import type { Messenger } from '../../shared/messenger.js';
import {
  Notice,
  NoticeSend,
  OverdueWatch,
  createDeliveryWorker,
  deliverableFrom,
  enqueueNotice,
  isChinesePublicHoliday,
  listFailedNotices,
  listNotices,
  retryNotice,
} from '../../shared/notices/index.js';
import { Order, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import { createScheduler, JOBS, scanCustoms, scanOverdue, scanPreShipment } from '../../shared/scheduler/index.js';
import { Message } from '../../shared/threads/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { startTestBot, waitForMessages, withTimeout, sortAllAsSuppliers } from '../support/bot.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { Thread } from '../../shared/threads/index.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { DEFAULT_PACING } from '../../shared/notices/index.js';

/** A messenger that records sends; `ready` and failures are switchable. */
function fakeMessenger() {
  const sent: { to: string; text: string; at: number }[] = [];
  const m = {
    ready: true,
    failNext: 0,
    now: 0,
    sent,
    isReady: () => m.ready,
    async sendText(to: string, text: string) {
      if (m.failNext > 0) {
        m.failNext--;
        throw new Error('操作过于频繁');
      }
      sent.push({ to, text, at: m.now });
      return {};
    },
  };
  return m as typeof m & Messenger;
}

const at = (iso: string) => new Date(iso);
const note = (i: number, to = 'room:r1@chatroom') => ({ key: `test:${i}`, kind: 'message' as const, to, recipient: { kind: 'manager' as const, timezone: 'UTC' }, text: `notice ${i}` });

describe('notices: outbox', function () {
  this.timeout(30_000);

  it('one notice per key, however often it is enqueued', async () => {
    const now = at('2026-11-24T10:00:00Z');
    const results = await Promise.all(Array.from({ length: 10 }, () => enqueueNotice(note(1), now)));
    expect(results.filter(Boolean)).to.have.length(1);
    expect(await Notice.countDocuments({})).to.equal(1);
  });

  it("waits out the recipient's night and, for supplier reminders, Chinese public holidays", () => {
    // 23:30 in Shanghai → 08:00 next morning there.
    expect(deliverableFrom(at('2026-11-24T15:30:00Z'), 'Asia/Shanghai', { respectHolidays: false }).toISOString()).to.equal('2026-11-25T00:00:00.000Z');
    // 10:00 in Moscow is fine at once.
    expect(deliverableFrom(at('2026-11-24T07:00:00Z'), 'Europe/Moscow', { respectHolidays: false }).toISOString()).to.equal('2026-11-24T07:00:00.000Z');
    // National Day week: a supplier reminder waits until the first day after it.
    expect(isChinesePublicHoliday('2026-10-01')).to.equal(true);
    expect(isChinesePublicHoliday('2026-11-28')).to.equal(false); // a Saturday is no holiday
    const after = deliverableFrom(at('2026-10-01T03:00:00Z'), 'Asia/Shanghai', { respectHolidays: true });
    expect(isChinesePublicHoliday(after.toISOString().slice(0, 10))).to.equal(false);
    expect(after > at('2026-10-05T00:00:00Z')).to.equal(true);
  });

  it('paces 200 notices: at most 1/s per chat and 40/min per account, none lost', async () => {
    const m = fakeMessenger();
    const start = at('2026-11-24T10:00:00Z').getTime();
    for (let i = 0; i < 200; i++) await enqueueNotice(note(i, i % 2 ? 'room:a@chatroom' : 'dm:b'), new Date(start));
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    for (let t = start; t <= start + 6 * 60_000 && m.sent.length < 200; t += 500) {
      m.now = t;
      await w.tick(new Date(t));
    }
    expect(m.sent).to.have.length(200);
    for (const chat of ['room:a@chatroom', 'dm:b']) {
      const times = m.sent.filter((s) => s.to === chat).map((s) => s.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).to.be.at.least(1000);
    }
    for (const s of m.sent) expect(m.sent.filter((x) => x.at > s.at - 60_000 && x.at <= s.at).length).to.be.at.most(40);
    expect(new Set(m.sent.map((s) => s.text)).size).to.equal(200);
  });

  it('sends nothing while the bot is offline, then each notice once after login', async () => {
    const m = fakeMessenger();
    m.ready = false;
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1), now);
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    expect(await w.tick(now)).to.equal(0);
    expect((await Notice.findOne({}).lean())!.status).to.equal('queued');
    m.ready = true;
    expect(await w.tick(new Date(now.getTime() + 1000))).to.equal(1);
    expect(await w.tick(new Date(now.getTime() + 5000))).to.equal(0);
    expect(m.sent).to.have.length(1);
  });

  it('two workers delivering at once send each notice once', async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    for (let i = 0; i < 20; i++) await enqueueNotice(note(i, `dm:c${i}`), now);
    const a = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    const b = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    for (let t = now.getTime(); t < now.getTime() + 60_000 && m.sent.length < 20; t += 500) {
      await Promise.all([a.tick(new Date(t)), b.tick(new Date(t)), a.tick(new Date(t)), b.tick(new Date(t))]);
    }
    expect(m.sent).to.have.length(20);
    expect(new Set(m.sent.map((s) => s.text)).size).to.equal(20);
  });

  it('never resends a notice whose worker died mid-send: it is marked failed and can be retried', async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1), now);
    // A worker claimed it and died before recording the result.
    await Notice.updateOne({}, { $set: { status: 'sending', owner: 'dead-worker', sendingSince: now } });
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, leaseMs: 60_000 });
    await w.tick(new Date(now.getTime() + 30_000)); // lease not over: left alone
    expect((await Notice.findOne({}).lean())!.status).to.equal('sending');
    await w.tick(new Date(now.getTime() + 120_000));
    const n = await Notice.findOne({}).lean();
    expect(n!.status).to.equal('failed');
    expect(n!.lastError).to.match(/interrupted/);
    expect(m.sent).to.have.length(0);
    await retryNotice(String(n!._id), new Date(now.getTime() + 130_000));
    await w.tick(new Date(now.getTime() + 131_000));
    expect(m.sent).to.have.length(1);
  });

  it('retries a failed send with backoff, then marks it failed and visible', async () => {
    const m = fakeMessenger();
    m.failNext = 100;
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1), now);
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, maxAttempts: 3, baseBackoffMs: 1000 });
    for (let t = now.getTime(); t < now.getTime() + 60_000; t += 500) await w.tick(new Date(t));
    const failed = await listNotices('failed');
    expect(failed).to.have.length(1);
    expect(failed[0]!.attempts).to.equal(3);
    expect(failed[0]!.lastError).to.equal('操作过于频繁');
  });

  it('a claim won twice (e.g. an engine without its one-request front) is sent once: the send key is unique', async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1), now);
    const n = (await Notice.findOne({}).lean())!;
    // Another worker already holds claim 1 of this notice and is sending it.
    await NoticeSend.create({ sendKey: `${n._id}:1`, noticeId: n._id, to: n.to, owner: 'other', at: now });
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    expect(await w.tick(now)).to.equal(0);
    expect(m.sent).to.have.length(0);
    expect(await NoticeSend.countDocuments({})).to.equal(1);
  });

  it('an interrupted send that the mirror shows delivered is marked sent, not failed, and not resent', async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1, 'dm:sup-li'), now);
    const n = (await Notice.findOne({}).lean())!;
    await Notice.updateOne({ _id: n._id }, { $set: { status: 'sending', owner: 'dead-worker', sendingSince: now, sendKey: `${n._id}:1`, claims: 1 } });
    // The bot had recorded its own outgoing message before the worker died.
    const thread = await Thread.create({ key: 'dm:sup-li', kind: 'dm', contactWechatId: 'sup-li', lastMessageAt: now });
    await Message.create({ threadId: thread._id, puppetId: 'p-1', dedupeKey: 'd-1', direction: 'out', type: 'text', text: n.text, ts: new Date(now.getTime() + 800) });
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, leaseMs: 60_000 });
    await w.tick(new Date(now.getTime() + 120_000));
    const after = (await Notice.findOne({}).lean())!;
    expect(after.status).to.equal('sent');
    expect(after.confirmedBy).to.equal('mirror');
    expect(m.sent).to.have.length(0);
  });

  it('a worker process killed mid-send: the notice is sent once, then shown as failed (never resent)', async function () {
    this.timeout(60_000);
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1, 'dm:sup-kill'), now);
    const dir = mkdtempSync(join(tmpdir(), 'gendan-kill-'));
    const file = join(dir, 'sent.txt');
    const url = (p: string) => pathToFileURL(resolve(p)).href;
    const db = testDb();
    const code = `
      const { appendFileSync } = await import('node:fs');
      const { connectMongoose } = await import(${JSON.stringify(url('shared/db/index.ts'))});
      await import(${JSON.stringify(url('shared/models.ts'))});
      const { createDeliveryWorker } = await import(${JSON.stringify(url('shared/notices/index.ts'))});
      await connectMongoose(${JSON.stringify(db.uri)}, ${JSON.stringify(db.name)}, 5);
      const w = createDeliveryWorker({ pacing: { perChatMs: 1000, perAccountPerMin: 40 }, messenger: { isReady: () => true, sendText: (to, text) => { appendFileSync(${JSON.stringify(file)}, text + '\\n'); return new Promise(() => {}); } } });
      await w.tick(new Date(${now.getTime()}));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: process.cwd(), stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'silent' } });
    const exited = new Promise((ok) => child.once('exit', ok));
    try {
      for (let i = 0; i < 400 && !(existsSync(file) && readFileSync(file, 'utf8').length); i++) await new Promise((ok) => setTimeout(ok, 50));
      expect(readFileSync(file, 'utf8').trim().split('\n')).to.have.length(1); // it reached WeChat
      child.kill('SIGKILL');
      await exited;
      expect((await Notice.findOne({}).lean())!.status).to.equal('sending');
      const m = fakeMessenger();
      const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m, leaseMs: 60_000 });
      await w.tick(new Date(now.getTime() + 10_000)); // within the lease: left alone
      await w.tick(new Date(now.getTime() + 120_000)); // after: nothing in the mirror -> failed
      await w.tick(new Date(now.getTime() + 130_000));
      expect(m.sent).to.have.length(0);
      const failed = await listFailedNotices();
      expect(failed).to.have.length(1);
      expect(failed[0]!.lastError).to.match(/interrupted/);
      expect(readFileSync(file, 'utf8').trim().split('\n')).to.have.length(1);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('six worker processes on their own connections deliver 300 notices: each exactly once', async function () {
    this.timeout(90_000);
    const now = at('2026-11-24T10:00:00Z');
    for (let i = 0; i < 300; i++) await enqueueNotice(note(i, `dm:six${i % 30}`), now);
    const dir = mkdtempSync(join(tmpdir(), 'gendan-six-'));
    const url = (p: string) => pathToFileURL(resolve(p)).href;
    const db = testDb();
    const code = (file: string) => `
      const { appendFileSync } = await import('node:fs');
      const { connectMongoose } = await import(${JSON.stringify(url('shared/db/index.ts'))});
      await import(${JSON.stringify(url('shared/models.ts'))});
      const { createDeliveryWorker, Notice } = await import(${JSON.stringify(url('shared/notices/index.ts'))});
      await connectMongoose(${JSON.stringify(db.uri)}, ${JSON.stringify(db.name)}, 5);
      const w = createDeliveryWorker({ pacing: { perChatMs: 0, perAccountPerMin: 100000 }, messenger: { isReady: () => true, sendText: async (to, text) => { appendFileSync(${JSON.stringify(file)}, text + '\\n'); return {}; } } });
      for (let i = 0; i < 400; i++) {
        await w.tick(new Date(${now.getTime()} + i * 1000));
        if ((await Notice.countDocuments({ status: { $in: ['queued', 'sending'] } })) === 0) break;
      }
      process.exit(0);
    `;
    const files = Array.from({ length: 6 }, (_, i) => join(dir, `w${i}.txt`));
    const children = files.map((f) =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code(f)], { cwd: process.cwd(), stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'silent' } }),
    );
    try {
      await withTimeout(Promise.all(children.map((c) => new Promise((ok) => c.once('exit', ok)))), 80_000, 'six workers');
      const lines = files.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []));
      expect(lines).to.have.length(300);
      expect(new Set(lines).size).to.equal(300);
      expect(files.filter((f) => existsSync(f)).length).to.be.above(1); // they really competed
      expect(await Notice.countDocuments({ status: 'sent' })).to.equal(300);
      expect(await NoticeSend.countDocuments({})).to.equal(300);
    } finally {
      for (const c of children) c.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-checks quiet hours at send time: the bot back at 23:00 waits until 08:00', async () => {
    const m = fakeMessenger();
    m.ready = false;
    const day = at('2026-11-24T10:00:00Z');
    await enqueueNotice({ ...note(1), kind: 'overdue' }, day); // manager in UTC, due at once
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    await w.tick(day);
    m.ready = true;
    expect(await w.tick(at('2026-11-24T23:00:00Z'))).to.equal(0);
    expect((await Notice.findOne({}).lean())!.notBefore.toISOString()).to.equal('2026-11-25T08:00:00.000Z');
    expect(await w.tick(at('2026-11-25T08:00:01Z'))).to.equal(1);
  });

  it('a newer daily reminder replaces the one still queued (one text after days offline)', async () => {
    const m = fakeMessenger();
    m.ready = false;
    const orderId = new Types.ObjectId();
    const r = (day: string) => ({ ...note(0), key: `overdue:x:${day}`, topic: 'overdue:x:materials:supplier', kind: 'overdue' as const, orderId, text: `late on ${day}` });
    await enqueueNotice(r('2026-11-24'), at('2026-11-24T01:00:00Z'));
    await enqueueNotice(r('2026-11-25'), at('2026-11-25T01:00:00Z'));
    await enqueueNotice(r('2026-11-26'), at('2026-11-26T01:00:00Z'));
    m.ready = true;
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    await w.tick(at('2026-11-26T10:00:00Z'));
    await w.tick(at('2026-11-26T10:01:00Z'));
    expect(m.sent.map((x) => x.text)).to.deep.equal(['late on 2026-11-26']);
    expect(await Notice.countDocuments({ status: 'cancelled' })).to.equal(2);
  });

  it('logged out under a send: back in the queue, no attempt counted, sent after login', async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    await enqueueNotice(note(1), now);
    m.sendText = async () => {
      m.ready = false;
      throw new Error('bot is not logged in and ready');
    };
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    await w.tick(now);
    const n = (await Notice.findOne({}).lean())!;
    expect(n.status).to.equal('queued');
    expect(n.attempts).to.equal(0);
  });

  it("a restarted worker keeps the account's pace from the send log", async () => {
    const m = fakeMessenger();
    const now = at('2026-11-24T10:00:00Z');
    // 40 sends in the last 30 s by the worker before the restart.
    await NoticeSend.insertMany(
      Array.from({ length: 40 }, (_, i) => ({ sendKey: `old:${i}`, noticeId: new Types.ObjectId(), to: `dm:o${i}`, owner: 'old', at: new Date(now.getTime() - 30_000 + i * 500) })),
    );
    await enqueueNotice(note(1), now);
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: m });
    expect(await w.tick(now)).to.equal(0);
    expect(await w.tick(new Date(now.getTime() + 29_000))).to.equal(0); // the oldest leaves the window at +30 s
    expect(await w.tick(new Date(now.getTime() + 30_000))).to.equal(1);
  });
});

describe('scheduler: rules with an injected clock', function () {
  this.timeout(30_000);

  async function orderWithChats() {
    const mgr = await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'Europe/Moscow' });
    const s = await createSupplier({ name: '奥吉电器', wechatIds: ['sup-wang'] });
    await Thread.create({ key: 'dm:sup-wang', kind: 'dm', contactWechatId: 'sup-wang', supplierId: s._id, lastMessageAt: new Date() });
    const o = await makeOrder(s.code, { number: 'PO-OD-1', managerId: String(mgr._id), planned: plannedChain(at('2026-11-20T00:00:00Z')) });
    return { mgr, s, o };
  }

  it('overdue: notices at once, once a day, and no more once updated', async () => {
    const { o } = await orderWithChats();
    const day1 = at('2026-11-24T02:00:00Z');
    const r1 = await scanOverdue(day1);
    expect(r1.enqueued).to.equal(2);
    const texts = (await Notice.find({}).lean()).map((n) => n.text);
    expect(texts.find((t) => t.startsWith('【Gendan 提醒】')))
      .to.include('PO-OD-1')
      .and.include('已逾期 4 天')
      .and.include('2026-11-20');
    // Supplier name and code, PO, item, milestone, planned date, days late, responsible manager.
    expect(texts).to.include(`⏰ PO-OD-1 (${o.supplierCode} 奥吉电器): confirmed planned 2026-11-20 is 4 day(s) late. Items: Motor 220V. Responsible: Anna.`);
    expect(texts.find((t) => t.startsWith('【Gendan 提醒】')))
      .to.include('奥吉电器')
      .and.include('Motor 220V')
      .and.include('负责人：Anna');
    expect((await scanOverdue(at('2026-11-24T09:00:00Z'))).enqueued).to.equal(0); // same day
    expect((await scanOverdue(at('2026-11-25T02:00:00Z'))).enqueued).to.equal(2); // next day
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, by: 'test', now: at('2026-11-25T05:00:00Z') });
    await Order.updateOne(
      { _id: o._id },
      { $set: { 'milestones.materials.planned': at('2026-12-20T00:00:00Z'), 'next.planned': at('2026-12-20T00:00:00Z'), 'next.dueDay': '2026-12-20', dueDay: '2026-12-20' } },
    );
    expect((await scanOverdue(at('2026-11-26T02:00:00Z'))).enqueued).to.equal(0);
    expect(await OverdueWatch.countDocuments({})).to.equal(0);
  });

  it('overdue: several late orders of one supplier each get their notices', async () => {
    const { s, mgr } = await orderWithChats();
    await makeOrder(s.code, { number: 'PO-OD-2', managerId: String(mgr._id), planned: plannedChain(at('2026-11-18T00:00:00Z')) });
    const r = await scanOverdue(at('2026-11-24T02:00:00Z'));
    expect(r.enqueued).to.equal(4);
    expect(
      (await Notice.find({ kind: 'overdue' }).lean())
        .map((n) => n.text)
        .filter((t) => t.startsWith('⏰'))
        .sort(),
    ).to.have.length(2);
  });

  it('pre-shipment: asks the supplier a week before the planned shipment', async () => {
    const { o } = await orderWithChats();
    const shipped = o.milestones.shipped.planned!;
    const weekBefore = new Date(shipped.getTime() - 7 * 86_400_000 + 3 * 3600_000);
    expect(await scanPreShipment(weekBefore)).to.equal(1);
    expect(await scanPreShipment(weekBefore)).to.equal(0);
    expect((await Notice.findOne({ kind: 'pre_shipment' }).lean())!.text).to.include('请确认货物是否能按时准备好');
  });

  it('customs: the responsible manager hears of each change once', async () => {
    const { o } = await orderWithChats();
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.shipped.status': 'done' } });
    const now = at('2026-11-24T08:00:00Z');
    await reportCustoms({ orderId: o._id, status: 'held', reason: '海关查验', expectedDate: at('2026-12-01T00:00:00Z'), by: 'test', now });
    expect(await scanCustoms(now)).to.equal(1);
    expect(await scanCustoms(now)).to.equal(0);
    expect((await Notice.findOne({ kind: 'customs' }).lean())!.text).to.equal(`🛃 PO-OD-1 (${o.supplierCode}): customs held: 海关查验, expected 2026-12-01.`);
  });

  it('two Agenda instances running the scan give one set of notices', async function () {
    this.timeout(40_000);
    await orderWithChats();
    const clock = () => at('2026-11-24T02:00:00Z');
    const a = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock, processEvery: 200, name: 'a' });
    const b = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock, processEvery: 200, name: 'b' });
    try {
      await Promise.all([a.agenda.start(), b.agenda.start()]);
      await Promise.all([a.agenda.now(JOBS.overdue), b.agenda.now(JOBS.overdue)]);
      await Promise.all([a.idle(), b.idle()]); // both scans ran to their end
      expect(await Notice.countDocuments({})).to.equal(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('notices: end to end through the mock puppet', function () {
  this.timeout(30_000);

  it('an overdue order reaches the supplier chat in Chinese and the manager in English, once', async () => {
    const t = await startTestBot();
    try {
      await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en', timezone: 'UTC' });
      t.sb.say(0, '您好'); // the supplier's chat exists, sorted as a supplier
      await waitForMessages({ senderKind: 'supplier' }, 1);
      await sortAllAsSuppliers();
      const thread = await Thread.findOne({ key: 'dm:sup-wang' }).lean();
      const mgr = await Manager.findOne({}).lean();
      const { Supplier } = await import('../../shared/suppliers/index.js');
      const s = await Supplier.findOne({ _id: thread!.supplierId }).lean();
      await makeOrder(s!.code, { number: 'PO-E2E', managerId: String(mgr!._id), planned: plannedChain(at('2026-11-01T00:00:00Z'), 30) }); // one milestone late
      const now = at('2026-11-24T09:00:00Z'); // 17:00 in Shanghai, 09:00 for the manager
      await scanOverdue(now);
      const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: t.bot.messenger });
      await w.tick(now);
      await waitForMessages({ direction: 'out' }, 2);
      const out = await Message.find({ direction: 'out' }).lean();
      const toSupplier = out.find((m) => String(m.threadId) === String(thread!._id));
      expect(toSupplier!.text).to.match(/^【Gendan 提醒】.*订单 PO-E2E/);
      expect(out.some((m) => m.text.startsWith('⏰ PO-E2E'))).to.equal(true);
      await w.tick(new Date(now.getTime() + 5000));
      expect(await Message.countDocuments({ direction: 'out' })).to.equal(2);
    } finally {
      await t.stop();
    }
  });
});

describe('notices: the real bot offline, then logged in', function () {
  this.timeout(40_000);

  it('a notice waits while the bot is not logged in and is sent once after login', async () => {
    const sb = createSandbox();
    const bot = createBot({ config: loadConfig({ BOT_NAME: 'test-bot-offline' }), puppet: sb.puppet as never, mirror: createMirror() });
    await withTimeout(bot.start(), 10_000, 'bot start');
    try {
      const c = sb.mocker.createContact({ id: 'sup-offline', name: '李经理' });
      const now = at('2026-11-24T09:00:00Z');
      await enqueueNotice({ key: 'offline:1', kind: 'overdue', to: `dm:${c.id}`, recipient: { kind: 'supplier', timezone: 'Asia/Shanghai' }, text: '【Gendan 提醒】订单 PO-OFF 已逾期 2 天' }, now);
      const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: bot.messenger });
      expect(bot.messenger.isReady()).to.equal(false);
      expect(await w.tick(now)).to.equal(0);
      expect((await Notice.findOne({}).lean())!.status).to.equal('queued');
      sb.login();
      await withTimeout(bot.ready(), 10_000, 'bot ready');
      expect(await w.tick(new Date(now.getTime() + 1000))).to.equal(1);
      await waitForMessages({ direction: 'out' }, 1);
      expect(await w.tick(new Date(now.getTime() + 5000))).to.equal(0);
      expect(await Message.countDocuments({ direction: 'out' })).to.equal(1);
      const n = (await Notice.findOne({}).lean())!;
      expect(n.status).to.equal('sent');
    } finally {
      await withTimeout(bot.stop(), 15_000, 'bot stop');
    }
  });
});

describe('scheduler: nightly upkeep', function () {
  this.timeout(30_000);
  it('runs as an Agenda job and removes old idempotency keys and expired console sessions', async () => {
    const { IdempotencyKey } = await import('../../shared/orders/index.js');
    const { ConsoleSession } = await import('../../shared/managers/accounts.js');
    const now = at('2026-11-24T02:00:00Z');
    const mgr = new Types.ObjectId();
    await ConsoleSession.create({ tokenHash: 'expired', managerId: mgr, csrf: 'x', createdAt: at('2026-11-20T00:00:00Z'), expiresAt: at('2026-11-23T00:00:00Z') });
    await ConsoleSession.create({ tokenHash: 'live', managerId: mgr, csrf: 'y', createdAt: now, expiresAt: at('2026-11-24T12:00:00Z') });
    await IdempotencyKey.create({ key: 'old:1', at: at('2026-11-01T00:00:00Z') });
    await IdempotencyKey.create({ key: 'new:1', at: now });
    const s = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock: () => now, processEvery: 200, name: 'upkeep' });
    try {
      await s.agenda.start();
      await s.agenda.now(JOBS.upkeep);
      for (let i = 0; i < 100 && (await IdempotencyKey.countDocuments({ key: 'old:1' })) > 0; i++) await new Promise((ok) => setTimeout(ok, 100));
      expect(await IdempotencyKey.countDocuments({})).to.equal(1);
      for (let i = 0; i < 50 && (await ConsoleSession.countDocuments({ tokenHash: 'expired' })) > 0; i++) await new Promise((ok) => setTimeout(ok, 100));
      expect((await ConsoleSession.find({}).lean()).map((x) => x.tokenHash)).to.deep.equal(['live']);
    } finally {
      await s.stop();
    }
  });
});
