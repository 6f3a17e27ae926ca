// The embedded database is supervised: mirror ingest at 50 messages/s while PostgreSQL and then
// the engine are killed with SIGKILL. Each is restarted (recovery under 10 s), the alert is
// raised and cleared, and every message is stored exactly once (the spool on disk holds what
// arrives meanwhile). Also: the spool itself, and a restart that finds messages in it.
// The killed database is the test's own (test/support/own-db.ts), never the run's shared one.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Alert, DB_ALERT_KEY, openSystemAlerts, watchDatabase } from '../../shared/health/index.js';
import type { SupervisionEvent } from '../../shared/db/index.js';
import { Message, createBufferedMirror, createMirror, openSpool, type InboundMessage } from '../../shared/threads/index.js';
import { testDb } from '../support/db.js';
import { startTestBot, until, withTimeout, type TestBot } from '../support/bot.js';
import { startOwnDb, type OwnDb } from '../support/own-db.js';

const inbound = (i: number): InboundMessage => ({
  puppetId: `spool-${i}`,
  chat: { kind: 'dm', id: 'wx-spool' },
  sender: { wechatId: 'wx-spool', name: '李小姐' },
  self: false,
  type: 'text',
  text: `第${i}条`,
  ts: new Date(Date.UTC(2026, 10, 29, 8, 0, i)),
});

describe('supervision: the embedded database restarts; nothing is lost', function () {
  let dir: string;
  let own: OwnDb | undefined;
  let t: TestBot | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gendan-spool-'));
  });
  // Here rather than in the test's finally: a test that timed out still stops its bot and its
  // database before the next test runs.
  afterEach(async function () {
    this.timeout(90_000);
    // A stop that times out must not hide why the test failed.
    await t?.stop().catch((err: Error) => console.error(`supervision test: ${err.message}`));
    t = undefined;
    await own?.release();
    own = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps acknowledged and waiting messages apart in the spool, and replays only the waiting ones', () => {
    const spool = openSpool<InboundMessage>(join(dir, 'mirror.jsonl'));
    spool.add(inbound(1));
    spool.add(inbound(2));
    spool.add(inbound(2)); // appended twice (a retry): one entry
    spool.ack('spool-1');
    const waiting = spool.unacked();
    expect(waiting.map((m) => m.puppetId)).to.deep.equal(['spool-2']);
    expect(waiting[0]!.ts).to.be.instanceOf(Date);
    expect(waiting[0]!.ts.toISOString()).to.equal('2026-11-29T08:00:02.000Z');
    spool.clear();
    expect(readFileSync(spool.path, 'utf8')).to.equal('');
  });

  it('stores at start what a previous run left in the spool, once each, and empties it', async function () {
    this.timeout(30_000);
    const path = join(dir, 'mirror.jsonl');
    const spool = openSpool<InboundMessage>(path);
    const mirror = createMirror();
    // Message 3 was stored before the crash but its ack never written: the replay is a no-op.
    await mirror.ingest(inbound(3));
    for (const i of [3, 4, 5]) spool.add(inbound(i));
    const buffered = createBufferedMirror(mirror, { spool: openSpool<InboundMessage>(path) });
    await until('spool drained', async () => buffered.pending() === 0 && readFileSync(path, 'utf8') === '');
    expect((await Message.find({ puppetId: /^spool-/ }).lean()).map((m) => m.puppetId).sort()).to.deep.equal(['spool-3', 'spool-4', 'spool-5']);
    await buffered.close();
  });

  it('(embedded) a stop signal to the whole process group (systemctl stop, Ctrl-C, timeout) restarts nothing and raises no alert', async function () {
    if (!testDb().embedded) return this.skip();
    this.timeout(120_000);
    own = await startOwnDb();
    const { embedded } = own;
    const events: SupervisionEvent[] = [];
    const off = embedded.onSupervision((e) => events.push(e));
    let failed = '';
    const offWatch = watchDatabase(embedded, (d) => (failed = d)); // as scripts/start.ts wires it
    try {
      // What scripts/start.ts does first in its signal handler; the same signal reaches the children.
      embedded.stopping();
      const { postgres, engine } = embedded.pids();
      process.kill(engine!, 'SIGTERM');
      process.kill(postgres!, 'SIGTERM');
      await new Promise((ok) => setTimeout(ok, 2500));
      expect(events.map((e) => e.state)).to.deep.equal([]);
      expect(openSystemAlerts().map((a) => a.key)).to.not.include(DB_ALERT_KEY);
      expect(failed).to.equal('');
    } finally {
      off();
      offWatch();
    }
  });

  it('(embedded) kill -9 of PostgreSQL, then of the engine, during ingest at 50/s: restarted within 10 s, alert raised and cleared, every message once', async function () {
    const shared = testDb().embedded;
    if (!shared) return this.skip();
    this.timeout(180_000);
    own = await startOwnDb();
    const { embedded } = own;
    expect(embedded.pids().postgres, 'its own PostgreSQL').to.not.equal(shared.pids().postgres);
    const sharedEvents: SupervisionEvent[] = [];
    const offShared = shared.onSupervision((e) => sharedEvents.push(e));
    const events: SupervisionEvent[] = [];
    const alertsSeen: string[] = [];
    const offEvents = embedded.onSupervision((e) => events.push(e));
    let failed = '';
    const offWatch = watchDatabase(embedded, (d) => (failed = d));
    const offAlerts = embedded.onSupervision(() => alertsSeen.push(...openSystemAlerts().map((a) => a.key)));
    t = await startTestBot({ spoolPath: join(dir, 'mirror.jsonl') });
    const { sb, bot } = t;
    let said = 0;
    const timer = setInterval(() => {
      for (let k = 0; k < 5; k++) sb.say(said % 3, `消息 ${said++}`);
    }, 100); // 50 messages/s
    try {
      const recoveries = () => events.filter((e) => e.state === 'recovered').length;
      for (const part of ['postgres', 'engine'] as const) {
        await new Promise((ok) => setTimeout(ok, 1500));
        const pid = embedded.pids()[part]!;
        expect(pid, `${part} pid`).to.be.a('number');
        const before = recoveries();
        process.kill(pid, 'SIGKILL');
        await until(`${part} recovered`, async () => recoveries() > before || failed, 30_000);
        expect(failed, 'gave up').to.equal('');
      }
      await new Promise((ok) => setTimeout(ok, 1500));
    } finally {
      clearInterval(timer);
    }
    try {
      await until('every message stored', async () => bot.pending() === 0 && (await Message.countDocuments({ text: /^消息 / })) >= said, 60_000);
      await withTimeout(bot.idle(), 30_000, 'bot idle');
      const stored = await Message.find({ text: /^消息 / }, { text: 1 }).lean();
      const texts = stored.map((m) => m.text);
      expect(new Set(texts).size, 'distinct messages').to.equal(said);
      expect(texts.length, 'records (no duplicates)').to.equal(said);
      const downs = events.filter((e) => e.state === 'down').map((e) => (e as { part: string }).part);
      expect(downs).to.include.members(['postgres', 'engine']);
      const recovered = events.filter((e): e is Extract<SupervisionEvent, { state: 'recovered' }> => e.state === 'recovered');
      expect(recovered).to.have.length(2);
      for (const r of recovered) expect(r.ms, 'recovery ms').to.be.below(10_000);
      expect(alertsSeen, 'alert raised while down').to.include(DB_ALERT_KEY);
      expect(openSystemAlerts(), 'alert cleared').to.deep.equal([]);
      await until('outage recorded for the managers', () => Alert.findOne({ kind: 'db_outage' }).lean());
      expect(readFileSync(join(dir, 'mirror.jsonl'), 'utf8'), 'spool emptied').to.equal('');
      expect(sharedEvents, "the run's shared database never went down").to.deep.equal([]);
    } finally {
      offShared();
      offEvents();
      offWatch();
      offAlerts();
    }
  });
});
