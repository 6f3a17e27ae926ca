// Domain events and their wiring: reactions (KPIs, price history) happen only where the
// composition root wired them, never because a module was imported; a failing listener never
// breaks a write; the mirror tells what it stored on the bus it is given.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { loadConfig } from '../../shared/config/index.js';
import { createEvents, events, type EventMap } from '../../shared/events/index.js';
import { createOrder, updateMilestone } from '../../shared/orders/index.js';
import { SupplierKpi } from '../../shared/performance/index.js';
import { PricePoint } from '../../shared/prices/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { wireReactions } from '../../shared/reactions.js';
import { Contact, createMirror, type InboundMessage } from '../../shared/threads/index.js';
import { testDb } from '../support/db.js';

const run = (args: string[]) =>
  new Promise<string>((ok, fail) =>
    execFile(process.execPath, args, { cwd: process.cwd(), env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 90_000, encoding: 'utf8' }, (err, stdout, stderr) =>
      err ? fail(new Error(`${err.message}\n${stderr}`)) : ok(stdout),
    ),
  );
const url = (p: string) => pathToFileURL(resolve(p)).href;
/** The configuration's defaults: what the reactions are wired with in tests. */
const settings = loadConfig({});

/** Every TypeScript module under shared/, plus the two adapters' entry points. */
function everyModule(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk('shared');
  return [...out.sort(), ...['server/index.ts', 'bot/index.ts'].filter((p) => existsSync(p))];
}

/**
 * A process of its own: imports every module, optionally wires the reactions like
 * scripts/start.ts, then creates a supplier and an order and marks a milestone done.
 */
async function processWritingAnOrder(wire: boolean): Promise<{ listenersAfterImports: number; listeners: number; supplierId: string }> {
  const db = testDb();
  const code = `
    for (const m of ${JSON.stringify(everyModule().map(url))}) await import(m);
    const { events } = await import(${JSON.stringify(url('shared/events/index.ts'))});
    const listenersAfterImports = events.listenerCount();
    if (${wire}) (await import(${JSON.stringify(url('shared/reactions.ts'))})).wireReactions(events, { settings: (await import(${JSON.stringify(url('shared/config/index.ts'))})).loadConfig({}) });
    const { connectMongoose } = await import(${JSON.stringify(url('shared/db/index.ts'))});
    await connectMongoose(${JSON.stringify(db.uri)}, ${JSON.stringify(db.name)}, 5);
    const { createSupplier } = await import(${JSON.stringify(url('shared/suppliers/index.ts'))});
    const { createOrder, updateMilestone } = await import(${JSON.stringify(url('shared/orders/index.ts'))});
    const s = await createSupplier({ name: '事件工厂' });
    const o = await createOrder({ number: 'PO-EV-${wire ? 'W' : 'N'}', supplierCode: s.code, lines: [{ item: 'Motor 220V', qty: 10, unitPrice: '12.50', currency: 'USD' }], planned: { confirmed: new Date('2026-11-20T00:00:00Z') } }, 'test');
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, actual: new Date('2026-11-20T00:00:00Z'), by: 'test', now: new Date('2026-11-24T10:00:00Z') });
    console.log(JSON.stringify({ listenersAfterImports, listeners: events.listenerCount(), supplierId: String(s._id) }));
    process.exit(0);
  `;
  const stdout = await run(['--import', 'tsx', '--input-type=module', '-e', code]);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('domain events: reactions are wired in the composition root', function () {
  this.timeout(120_000);

  it('importing every module registers no listener; a process that does not wire reactions keeps no KPIs and no price history', async () => {
    const r = await processWritingAnOrder(false);
    expect(r.listenersAfterImports).to.equal(0);
    expect(r.listeners).to.equal(0);
    expect(await SupplierKpi.countDocuments({ supplierId: r.supplierId })).to.equal(0);
    expect(await PricePoint.countDocuments({ supplierId: r.supplierId })).to.equal(0);
  });

  it('a process that wires reactions (as scripts/start.ts does) keeps KPIs and price history', async () => {
    const r = await processWritingAnOrder(true);
    expect(r.listenersAfterImports).to.equal(0);
    expect(r.listeners).to.be.greaterThan(0);
    // The order counts in the month it was created (today's), the milestone in the month it was done.
    const kpis = await SupplierKpi.find({ supplierId: r.supplierId }).lean();
    expect(kpis.reduce((n, k) => n + (k.orders ?? 0), 0)).to.equal(1);
    const kpi = kpis.find((k) => k.period === '2026-11');
    expect(kpi, 'KPI document of the milestone month').to.not.equal(undefined);
    expect(kpi!.msDone).to.equal(1);
    expect(kpi!.msOnTime).to.equal(1);
    const points = await PricePoint.find({ supplierId: r.supplierId }).lean();
    expect(points.map((p) => [p.item, p.unitPrice])).to.deep.equal([['Motor 220V', '12.50']]);
  });

  it('this test process is wired like the composition root: KPIs first, then price history, then follow-up, then facts; the mirrored-messages counter', async () => {
    expect(events.listeners('order.written')).to.deep.equal(['performance.onOrderWritten', 'prices.onOrderWritten', 'followup.onOrderWritten', 'facts.onOrderWritten']);
    expect(events.listeners('claim.written')).to.deep.equal(['performance.onClaimWritten', 'followup.onClaimWritten']);
    expect(events.listeners('orders.imported')).to.deep.equal(['performance.onOrdersImported', 'prices.onOrdersImported', 'followup.onOrdersImported']);
    expect(events.listeners('replies.timed')).to.deep.equal(['performance.onRepliesTimed']);
    expect(events.listeners('mirror.flushed')).to.deep.equal(['performance.onMirrorFlushed']);
    expect(events.listeners('message.stored')).to.deep.equal(['followup.onSupplierMessage', 'facts.onMessageStored', 'metrics.messagesMirrored']);
    // Wiring twice would count every KPI twice: refused.
    expect(() => wireReactions(events, { settings })).to.throw(/wired on this bus already/);
    const bus = createEvents();
    const unwire = wireReactions(bus, { settings, translation: { onMessageStored: () => undefined } });
    // Translation, the readiness reply, chat facts, then the mirrored-messages counter of /metrics.
    expect(bus.listeners('message.stored')).to.deep.equal(['translation.onMessageStored', 'followup.onSupplierMessage', 'facts.onMessageStored', 'metrics.messagesMirrored']);
    unwire();
    expect(bus.listenerCount()).to.equal(0);
  });

  it('a failing listener is logged and skipped: the write stands and the other listeners still run', async () => {
    const bus = createEvents();
    const seen: string[] = [];
    bus.on('order.written', () => {
      throw new Error('boom');
    });
    bus.on('order.written', async () => {
      await Promise.reject(new Error('async boom'));
    });
    bus.on('order.written', ({ after }) => void seen.push(after.number));
    await bus.emit('order.written', { before: null, after: { number: 'PO-1' } as EventMap['order.written']['after'], now: new Date() });
    expect(seen).to.deep.equal(['PO-1']);

    // On the process's bus: an order write with a failing listener still succeeds and still
    // moves the KPIs.
    const off = events.on('order.written', () => Promise.reject(new Error('listener down')), 'test.failing');
    try {
      const s = await createSupplier({ name: '失败监听工厂' });
      const o = await createOrder({ number: 'PO-EV-FAIL', supplierCode: s.code, lines: [{ item: 'Gear', qty: 1, unitPrice: '3.00', currency: 'USD' }] }, 'test', new Date('2026-11-24T10:00:00Z'));
      const r = await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, by: 'test', now: new Date('2026-11-24T10:00:00Z') });
      expect(r.changed).to.equal(true);
      expect((await SupplierKpi.findOne({ supplierId: s._id }).lean())?.orders).to.equal(1);
      expect(await PricePoint.countDocuments({ supplierId: s._id })).to.equal(1);
    } finally {
      off();
    }
    expect(events.listeners('order.written')).to.not.include('test.failing');
  });

  it('the mirror tells its own bus: each new message stored, reply times at each flush, then mirror.flushed', async () => {
    const bus = createEvents();
    const stored: EventMap['message.stored'][] = [];
    const timed: EventMap['replies.timed'][] = [];
    let flushed = 0;
    bus.on('message.stored', (e) => void stored.push(e));
    bus.on('replies.timed', (e) => void timed.push(e));
    bus.on('mirror.flushed', () => void flushed++);
    // A contact a person sorted already (new contacts land unsorted, with no supplier to time).
    const sup = await createSupplier({ name: '事件供应商', wechatIds: ['sup-events'] });
    await Contact.create({ wechatId: 'sup-events', name: '事件联系人', supplierId: sup._id, status: 'sorted' });
    const mirror = createMirror({ events: bus });
    const m = (id: string, self: boolean, ts: string): InboundMessage => ({
      puppetId: id,
      chat: { kind: 'dm', id: 'sup-events' },
      sender: self ? { wechatId: 'gendan-bot', name: 'Gendan' } : { wechatId: 'sup-events', name: '事件联系人' },
      self,
      type: 'text',
      text: `消息 ${id}`,
      ts: new Date(ts),
    });
    await mirror.ingest(m('ev-1', false, '2026-11-24T02:00:00Z'));
    await mirror.ingest(m('ev-1', false, '2026-11-24T02:00:00Z')); // a replay: stored once, told once
    await mirror.ingest(m('ev-2', true, '2026-11-24T03:00:00Z'));
    await mirror.flush();
    expect(stored.map((e) => [e.message.puppetId, e.side])).to.deep.equal([
      ['ev-1', 'supplier'],
      ['ev-2', 'manager'],
    ]);
    expect(String(stored[0]!.thread.supplierId)).to.equal(String(stored[0]!.message.supplierId));
    const samples = timed.flatMap((t) => t.samples);
    expect(samples).to.have.length(1);
    expect(samples[0]!.sample.side).to.equal('manager');
    expect(samples[0]!.supplierId).to.equal(String(stored[0]!.thread.supplierId));
    expect(flushed).to.equal(1);
    // Nothing of this reached the process's KPIs: that bus was not wired.
    expect(await SupplierKpi.countDocuments({})).to.equal(0);
  });
});
