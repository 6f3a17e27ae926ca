// The barriers tests use to prove that nothing else happened: each resolves only once what was
// delivered or queued before the call has been handled to the end.
import { expect } from 'chai';
import { createDeliveryWorker, DEFAULT_PACING, enqueueNotice, Notice } from '../../shared/notices/index.js';
import { Message } from '../../shared/threads/index.js';
import { startTestBot } from '../support/bot.js';

describe('barriers: idle() means handled', function () {
  this.timeout(30_000);

  it('bot.idle() waits for messages the puppet delivered just before (duplicates included)', async () => {
    const t = await startTestBot();
    try {
      const msg = t.sb.mocker.MessageMock.create({ id: 'idle-1', talkerId: 'sup-li', listenerId: 'gendan-bot', timestamp: Date.now(), type: 7, text: '收到' } as never);
      for (let i = 0; i < 3; i++) t.sb.puppet.emit('message', { messageId: msg.id });
      await t.idle();
      expect(await Message.countDocuments({ puppetId: 'idle-1' })).to.equal(1);
    } finally {
      await t.stop();
    }
  });

  it('delivery.idle() on a running worker: what was queued before has had its turn', async () => {
    const sent: string[] = [];
    const w = createDeliveryWorker({ pacing: DEFAULT_PACING, messenger: { isReady: () => true, sendText: async (to) => (sent.push(to), {}) } });
    w.start(60_000); // a long poll: only idle() wakes it
    try {
      await w.idle();
      await enqueueNotice({ key: 'idle-k1', kind: 'message', to: 'dm:idle', recipient: { kind: 'supplier', timezone: 'Asia/Shanghai' }, text: '你好' }, new Date());
      await w.idle();
      expect(sent).to.deep.equal(['dm:idle']);
      expect((await Notice.findOne({ key: 'idle-k1' }).lean())!.status).to.equal('sent');
    } finally {
      await w.stop();
    }
  });
});
