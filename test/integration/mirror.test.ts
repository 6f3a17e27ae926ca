// The mirror through Wechaty + wechaty-puppet-mock into the real database.
import { expect } from 'chai';
import { FileBox } from 'file-box';
import mongoose from 'mongoose';
import { Contact, Message, Thread, createMirror, createBufferedMirror, sortContact, type InboundMessage } from '../../shared/threads/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Manager } from '../../shared/managers/model.js';
import { BotEvent, Alert, getBotHealth } from '../../shared/health/index.js';
import { startTestBot, until, waitForMessages, type TestBot } from '../support/bot.js';

describe('mirror: supplier chats stored exactly once', function () {
  this.timeout(30_000);
  let t: TestBot;

  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('stores a 1:1 message from a new contact unsorted: no supplier, no code, nothing lost', async () => {
    t.sb.say(0, '您好，PO-2026-001 的大货已经开始生产了');
    await waitForMessages({ direction: 'in' }, 1);
    const msg = await Message.findOne({}).lean();
    expect(msg!.text).to.equal('您好，PO-2026-001 的大货已经开始生产了');
    expect(msg!.senderKind).to.equal('supplier');
    expect(msg!.translationStatus).to.equal('pending');
    expect(msg!.supplierId).to.equal(undefined);
    await t.mirror.flush();
    const thread = await Thread.findOne({ _id: msg!.threadId }).lean();
    expect(thread!.key).to.equal('dm:sup-wang');
    expect(thread!.status).to.equal('unsorted');
    expect(thread!.supplierId).to.equal(undefined);
    const contact = await Contact.findOne({ wechatId: 'sup-wang' }).lean();
    expect(contact!.name).to.equal('王经理');
    expect(contact!.status).to.equal('unsorted');
    expect(contact!.supplierId).to.equal(undefined);
    expect(await Supplier.countDocuments({})).to.equal(0);
    expect(thread!.messageCount).to.equal(1);
  });

  it('stores room messages in the room thread, unsorted, with its members as unsorted contacts', async () => {
    t.sb.say(0, '大货下周出货', true);
    await waitForMessages({}, 1);
    t.sb.say(2, '验货报告明天发', true);
    await waitForMessages({}, 2);
    const threads = await Thread.find({}).lean();
    expect(threads).to.have.length(1);
    expect(threads[0]!.key).to.equal('room:demo-augi@chatroom');
    expect(threads[0]!.topic).to.equal('奥吉电器 × Gendan 订单群');
    expect(threads[0]!.status).to.equal('unsorted');
    const contacts = await Contact.find({}).lean();
    expect(contacts.map((c) => c.status)).to.deep.equal(['unsorted', 'unsorted']);
    expect(contacts.every((c) => c.threadIds.map(String).includes(String(threads[0]!._id)))).to.equal(true);
    expect(await Supplier.countDocuments({})).to.equal(0);
  });

  it('stores one record when the same event arrives twice, concurrently', async () => {
    const msg = t.sb.mocker.MessageMock.create({ id: 'dup-1', talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: Date.now(), type: 7, text: '收到' } as never);
    for (let i = 0; i < 5; i++) t.sb.puppet.emit('message', { messageId: msg.id });
    await waitForMessages({ puppetId: 'dup-1' }, 1);
    await t.idle(); // all five deliveries handled
    expect(await Message.countDocuments({})).to.equal(1);
  });

  it('stores one record when a puppet redelivers the same message under a new id', async () => {
    const ts = Date.now();
    t.sb.mocker.MessageMock.create({ id: 'orig-1', talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: ts, type: 7, text: '请确认交期' } as never);
    t.sb.puppet.emit('message', { messageId: 'orig-1' });
    await waitForMessages({ puppetId: 'orig-1' }, 1);
    t.sb.mocker.MessageMock.create({ id: 'redelivered-1', talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: ts, type: 7, text: '请确认交期' } as never);
    t.sb.puppet.emit('message', { messageId: 'redelivered-1' });
    await t.idle(); // the redelivery handled
    expect(await Message.countDocuments({})).to.equal(1);
    // The same words a minute later are a new message, not a duplicate.
    t.sb.mocker.MessageMock.create({ id: 'later-1', talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: ts + 60_000, type: 7, text: '请确认交期' } as never);
    t.sb.puppet.emit('message', { messageId: 'later-1' });
    await waitForMessages({}, 2);
  });

  it('stores one record after a simulated restart replays the backlog', async () => {
    t.sb.say(1, '样品已寄出，快递单号 SF1234567890');
    await waitForMessages({}, 1);
    const first = await Message.findOne({}).lean();
    await t.stop();
    // A new bot process (empty in-memory state) gets the same message again.
    t = await startTestBot();
    t.sb.mocker.MessageMock.create({ id: first!.puppetId, talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: first!.ts.getTime(), type: 7, text: first!.text } as never);
    t.sb.puppet.emit('message', { messageId: first!.puppetId });
    await t.idle(); // the replay handled
    expect(await Message.countDocuments({})).to.equal(1);
    await t.mirror.flush();
    expect((await Thread.findOne({}).lean())!.messageCount).to.equal(1);
  });

  it("records the bot account's own messages as outbound, in the other person's thread", async () => {
    t.sb.say(0, '你好');
    await waitForMessages({}, 1);
    await t.bot.messenger.sendText('dm:sup-wang', 'Hello, when will PO-2026-001 ship?');
    await waitForMessages({ direction: 'out' }, 1);
    const out = await Message.findOne({ direction: 'out' }).lean();
    expect(out!.senderKind).to.equal('bot');
    const threads = await Thread.find({}).lean();
    expect(threads).to.have.length(1);
    expect(String(out!.threadId)).to.equal(String(threads[0]!._id));
  });

  it('keeps media metadata of images and files', async () => {
    t.sb.suppliers[0]!.say(FileBox.fromBase64(Buffer.alloc(2048, 1).toString('base64'), 'qc-photo.jpg')).to(t.sb.bot);
    // The mock types a file by extension only for octet-stream; a real puppet says Attachment.
    const pdf = FileBox.fromBase64(Buffer.from('%PDF-1.4').toString('base64'), 'invoice.pdf');
    t.sb.mocker.cacheFileBoxPayload.set('file-1', pdf.toJSON());
    t.sb.mocker.MessageMock.create({ id: 'file-1', talkerId: 'sup-wang', listenerId: 'gendan-bot', timestamp: Date.now(), type: 1 } as never);
    t.sb.puppet.emit('message', { messageId: 'file-1' });
    await waitForMessages({}, 2);
    const image = await Message.findOne({ type: 'image' }).lean();
    expect(image!.media!.name).to.equal('qc-photo.jpg');
    const file = await Message.findOne({ type: 'file' }).lean();
    expect(file!.media!.name).to.equal('invoice.pdf');
    expect(file!.media!.size).to.equal(8);
  });

  it('marks registered managers as managers and passes their commands on once', async () => {
    await Manager.create({ name: 'Anna', wechatId: 'mgr-anna', language: 'en' });
    await t.stop();
    const commands: string[] = [];
    t = await startTestBot({ onCommand: async (ctx) => void commands.push(ctx.inbound.text) });
    t.sb.say('m', '／orders A01');
    t.sb.say(0, '/orders A01'); // a supplier typing a slash is not a command
    await waitForMessages({}, 2);
    await t.idle(); // both messages handled, commands included
    expect(commands).to.deep.equal(['／orders A01']);
    const m = await Message.findOne({ senderWechatId: 'mgr-anna' }).lean();
    expect(m!.senderKind).to.equal('manager');
    expect(await Contact.countDocuments({ wechatId: 'mgr-anna' })).to.equal(0);
  });

  it('records login and ready with time, and a logout raises an alert', async () => {
    expect((await getBotHealth('test-bot')).state).to.equal('ready');
    expect(await BotEvent.countDocuments({ bot: 'test-bot', type: 'login' })).to.equal(1);
    await t.sb.puppet.logout();
    for (let i = 0; i < 50 && (await Alert.countDocuments({ kind: 'bot_logout' })) === 0; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(await Alert.countDocuments({ kind: 'bot_logout' })).to.equal(1);
    expect((await getBotHealth('test-bot')).state).to.equal('logged_out');
    expect(t.bot.messenger.isReady()).to.equal(false);
  });
});

describe('mirror: chats nobody has sorted yet', function () {
  this.timeout(30_000);
  const say = (i: number, from = 'sup-new', room?: string): InboundMessage => ({
    puppetId: `u-${from}-${i}`,
    chat: room ? { kind: 'room', id: room, topic: '新工厂群' } : { kind: 'dm', id: from },
    sender: { wechatId: from, name: '新工厂' },
    self: false,
    type: 'text',
    text: `第${i}条`,
    ts: new Date(Date.UTC(2026, 10, 24, 8, 0, i)),
  });

  it('reads an unsorted chat and its contact once, not once per message', async () => {
    const mirror = createMirror();
    const reads: string[] = [];
    const onCommand = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (['find', 'findAndModify', 'update'].includes(e.commandName) && ['contacts', 'threads'].includes(String(e.command[e.commandName]))) reads.push(`${e.commandName} ${e.command[e.commandName]}`);
    };
    const client = mongoose.connection.getClient();
    client.on('commandStarted', onCommand);
    try {
      for (let i = 0; i < 20; i++) await mirror.ingest(say(i, 'sup-new', 'new-room@chatroom'));
    } finally {
      client.off('commandStarted', onCommand);
    }
    expect(await Message.countDocuments({})).to.equal(20);
    // First sight: thread upsert + status, contact lookup + upsert (+ its status); then nothing per message.
    expect(reads.length, reads.join(', ')).to.be.at.most(6);
    expect((await Thread.findOne({ key: 'room:new-room@chatroom' }).lean())!.status).to.equal('unsorted');
  });

  it('attaches a message stored by a mirror that had not yet seen the sort (the second sweep)', async () => {
    const mirror = createMirror();
    await mirror.ingest(say(0));
    const wang = await Contact.findOne({ wechatId: 'sup-new' }).lean();
    const sorted = await sortContact(String(wang!._id), { kind: 'supplier' }, 'test', new Date());
    const thread = await Thread.findOne({ key: 'dm:sup-new' }).lean();
    expect(String(thread!.supplierId)).to.equal(String(sorted.supplier!.id));
    // What another process's mirror, still trusting its cached view of the unsorted chat, writes.
    await Message.create({
      threadId: thread!._id,
      puppetId: 'stale-1',
      dedupeKey: 'stale-1',
      direction: 'in',
      senderWechatId: 'sup-new',
      senderKind: 'supplier',
      type: 'text',
      text: '迟到的',
      ts: new Date(),
    });
    expect((await Message.findOne({ puppetId: 'stale-1' }).lean())!.supplierId).to.equal(undefined);
    await until('the late message attached', async () => String((await Message.findOne({ puppetId: 'stale-1' }).lean())?.supplierId) === String(sorted.supplier!.id), 6_000);
    expect(await Message.countDocuments({ threadId: thread!._id, supplierId: sorted.supplier!.id })).to.equal(2);
  });

  it('deletes a message stored by a mirror that had not yet seen the chat ignored', async () => {
    const mirror = createMirror();
    await mirror.ingest(say(0, 'sup-spam'));
    const spam = await Contact.findOne({ wechatId: 'sup-spam' }).lean();
    await sortContact(String(spam!._id), { kind: 'ignore' }, 'test', new Date());
    const thread = await Thread.findOne({ key: 'dm:sup-spam' }).lean();
    expect(thread!.status).to.equal('ignored');
    await Message.create({
      threadId: thread!._id,
      puppetId: 'stale-2',
      dedupeKey: 'stale-2',
      direction: 'in',
      senderWechatId: 'sup-spam',
      senderKind: 'supplier',
      type: 'text',
      text: '广告',
      ts: new Date(),
    });
    await until('the late message deleted', async () => (await Message.countDocuments({ threadId: thread!._id })) === 0, 6_000);
    // This process's mirror saw the decision at once: nothing more is mirrored.
    expect(await mirror.ingest(say(1, 'sup-spam'))).to.equal(undefined);
  });
});

describe('mirror: the database briefly down', function () {
  this.timeout(30_000);

  it('buffers and retries, so no message is lost and none is stored twice', async () => {
    const mirror = createMirror();
    let failures = 3;
    const flaky = {
      ...mirror,
      async ingest(m: InboundMessage) {
        if (failures-- > 0) throw new Error('connection refused');
        return mirror.ingest(m);
      },
    };
    const buffered = createBufferedMirror(flaky, { retryMs: 10 });
    const msgs: InboundMessage[] = Array.from({ length: 5 }, (_, i) => ({
      puppetId: `down-${i}`,
      chat: { kind: 'dm', id: 'sup-x' },
      sender: { wechatId: 'sup-x', name: '赵' },
      self: false,
      type: 'text',
      text: `第${i}条`,
      ts: new Date(Date.UTC(2026, 10, 24, 8, 0, i * 10)),
    }));
    const results = await Promise.all(msgs.map((m) => buffered.accept(m)));
    expect(results.every((r) => r?.created)).to.equal(true);
    const stored = await Message.find({}).sort({ ts: 1 }).lean();
    expect(stored.map((m) => m.text)).to.deep.equal(msgs.map((m) => m.text));
    expect(buffered.pending()).to.equal(0);
  });

  it('says so when the buffer is full instead of dropping silently', async () => {
    const down = { ...createMirror(), ingest: async () => Promise.reject(new Error('down')) };
    const buffered = createBufferedMirror(down, { max: 2, retryMs: 1000 });
    const m = (i: number): InboundMessage => ({ puppetId: `f${i}`, chat: { kind: 'dm', id: 'a' }, sender: { wechatId: 'a', name: 'a' }, self: false, type: 'text', text: String(i), ts: new Date() });
    void buffered.accept(m(1));
    void buffered.accept(m(2));
    await until('both buffered', async () => buffered.pending() === 2);
    let err: unknown;
    await buffered.accept(m(3)).catch((e) => (err = e));
    expect(String(err)).to.match(/buffer full/);
    expect(buffered.dropped()).to.equal(1);
    await buffered.close();
  });
});

describe('mirror: the real database engine restarts mid-stream', function () {
  this.timeout(60_000);

  it('stores every message sent while the engine was down, once', async function () {
    const { testDb } = await import('../support/db.js');
    const { embedded } = testDb();
    if (!embedded) return this.skip();
    const t = await startTestBot();
    try {
      for (let i = 0; i < 5; i++) t.sb.say(1, `重启前 ${i}`);
      await waitForMessages({}, 5);
      const restart = embedded.restartEngine();
      for (let i = 0; i < 10; i++) {
        t.sb.say(1, `重启中 ${i}`);
        await new Promise((ok) => setTimeout(ok, 30));
      }
      await restart;
      for (let i = 0; i < 5; i++) t.sb.say(1, `重启后 ${i}`);
      await waitForMessages({}, 20, 30_000);
      expect(await Message.countDocuments({})).to.equal(20);
      expect(t.bot.pending()).to.equal(0);
    } finally {
      await t.stop();
    }
  });
});
