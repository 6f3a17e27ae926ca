// The orders domain against the real database: writes once under concurrency and replay,
// history, overdue scans, scoping, and a read-back of what every update path wrote.
import { expect } from 'chai';
import { Manager } from '../../shared/managers/model.js';
import {
  IdempotencyKey,
  Order,
  OrderEvent,
  OrderIndex,
  OrderIndexHead,
  addMilestonePhoto,
  createOrder,
  getOrder,
  listOrdersForSupplier,
  listOverdue,
  orderHistory,
  ordersDueOn,
  overdue,
  clearOrderListCache,
  pruneIdempotencyKeys,
  rebuildOrderIndex,
  reconcileOrderIndexes,
  reportCustoms,
  updateMilestone,
  updateOrder,
} from '../../shared/orders/index.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { makeOrder, plannedChain } from '../support/api.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const day = (s: string) => new Date(`${s}T00:00:00Z`);

async function rejects(p: Promise<unknown>): Promise<{ code: string; message: string; details?: { field: string; message: string }[] }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('orders: create and read', function () {
  it('creates an order with its milestone chain, refuses a duplicate number, an unknown supplier or manager', async () => {
    const s = await createSupplier({ name: '宁波电机厂' });
    const o = await createOrder({ number: 'PO-1', supplierCode: s.code.toLowerCase(), planned: { confirmed: day('2026-11-30') } }, 'manager:x', NOW);
    expect(o.supplierCode).to.equal(s.code);
    expect(o.next).to.deep.include({ milestone: 'confirmed', dueDay: '2026-11-30' });
    expect((await rejects(createOrder({ number: 'PO-1', supplierCode: s.code }, 'm'))).code).to.equal('conflict');
    expect((await rejects(createOrder({ number: 'PO-2', supplierCode: 'Z99' }, 'm'))).code).to.equal('validation_failed');
    expect((await rejects(createOrder({ number: 'PO-3', supplierCode: s.code, managerId: '0'.repeat(24) }, 'm'))).details?.map((d) => d.field)).to.deep.equal(['managerId']);
    expect((await rejects(createOrder({ number: 'PO-4', supplierCode: s.code, managerId: 'nope' }, 'm'))).code).to.equal('validation_failed');
    expect(await Order.countDocuments({})).to.equal(1);
    expect((await orderHistory(String(o._id))).map((e) => e.kind)).to.deep.equal(['created']);
  });

  it("scopes reads to a supplier: another supplier's order and a malformed id are not found", async () => {
    const a = await createSupplier({ name: 'A厂' });
    const b = await createSupplier({ name: 'B厂' });
    const ob = await makeOrder(b.code);
    expect((await rejects(getOrder(String(ob._id), { supplierId: a._id }))).code).to.equal('not_found');
    expect((await rejects(getOrder('not-an-id'))).code).to.equal('not_found');
    expect(String((await getOrder(String(ob._id), { supplierId: b._id }))._id)).to.equal(String(ob._id));
  });

  it("lists a supplier's open orders 50 a page, nobody else's, no closed ones", async () => {
    const s = await createSupplier({ name: '大厂' });
    const other = await createSupplier({ name: '别的厂' });
    for (let i = 0; i < 53; i++) await makeOrder(s.code, { number: `PO-P-${String(i).padStart(3, '0')}` });
    await makeOrder(other.code, { number: 'PO-OTHER' });
    const closed = await makeOrder(s.code, { number: 'PO-P-CLOSED' });
    await updateOrder(String(closed._id), { status: 'closed' }, 'm', NOW);
    const p1 = await listOrdersForSupplier(s._id, 1);
    const p2 = await listOrdersForSupplier(s._id, 2);
    expect([p1.items.length, p1.hasMore, p2.items.length, p2.hasMore]).to.deep.equal([50, true, 3, false]);
    const numbers = [...p1.items, ...p2.items].map((o) => o.number);
    expect(new Set(numbers).size).to.equal(53);
    expect(numbers).not.to.include('PO-OTHER');
    expect(numbers).not.to.include('PO-P-CLOSED');
  });
});

describe("orders: the supplier's list follows every write", function () {
  this.timeout(30_000);

  it('orders created at once for a new supplier all appear (no lost entry in the read model)', async () => {
    const s = await createSupplier({ name: '新厂' });
    await Promise.all(Array.from({ length: 12 }, (_, i) => createOrder({ number: `PO-N-${String(i).padStart(2, '0')}`, supplierCode: s.code }, 'm', NOW)));
    const page = await listOrdersForSupplier(s._id, 1);
    expect(page.items.map((o) => o.number)).to.deep.equal(Array.from({ length: 12 }, (_, i) => `PO-N-${String(i).padStart(2, '0')}`));
  });

  it('a rebuild racing with writes never leaves an entry behind', async () => {
    const s = await createSupplier({ name: '重建厂' });
    const o = await makeOrder(s.code, { number: 'PO-R-1' });
    const ms = ['confirmed', 'materials', 'production_start', 'production_done', 'inspection', 'shipped'] as const;
    for (const m of ms) {
      await Promise.all([rebuildOrderIndex(s._id), updateMilestone({ orderId: String(o._id), milestone: m, done: true, by: 'x', now: NOW }), rebuildOrderIndex(s._id), rebuildOrderIndex(s._id)]);
      const [item] = (await listOrdersForSupplier(s._id, 1)).items;
      expect(item!.next?.milestone, `after ${m}`).to.equal((await getOrder(String(o._id))).next?.milestone);
    }
  });

  it('the in-memory list is dropped when another process publishes a new revision', async () => {
    const s = await createSupplier({ name: '缓存厂' });
    await makeOrder(s.code, { number: 'PO-K-1' });
    expect((await listOrdersForSupplier(s._id, 1)).items.map((o) => o.number)).to.deep.equal(['PO-K-1']);
    // Another server process writes the list and raises the head: straight through the driver.
    const idx = (await OrderIndex.findOne({ supplierId: s._id }).lean())!;
    const data = JSON.parse(idx.data) as Record<string, { n: string }>;
    for (const e of Object.values(data)) e.n = 'PO-K-1-RENAMED';
    await OrderIndex.updateOne({ supplierId: s._id }, { $set: { data: JSON.stringify(data), rev: idx.rev + 1 } });
    // Not yet published: this process may keep serving what it has.
    expect((await listOrdersForSupplier(s._id, 1)).items[0]!.number).to.equal('PO-K-1');
    await OrderIndexHead.updateOne({ supplierId: s._id }, { $max: { rev: idx.rev + 1 } });
    expect((await listOrdersForSupplier(s._id, 1)).items[0]!.number).to.equal('PO-K-1-RENAMED');
  });

  it('a list rebuilt from nothing gets a newer revision than any before it', async () => {
    const s = await createSupplier({ name: '重来厂' });
    const o = await makeOrder(s.code, { number: 'PO-Z-1' });
    const before = await listOrdersForSupplier(s._id, 1);
    await OrderIndex.deleteOne({ supplierId: s._id });
    await Order.updateOne({ _id: o._id }, { $set: { number: 'PO-Z-1B' } });
    clearOrderListCache(); // a fresh process
    const after = await listOrdersForSupplier(s._id, 1);
    expect(after.rev).to.be.greaterThan(before.rev);
    expect(after.items[0]!.number).to.equal('PO-Z-1B');
  });

  it('reconciliation repairs an entry a crash left behind, and the cached list follows', async () => {
    const s = await createSupplier({ name: '修复厂' });
    const o = await makeOrder(s.code, { number: 'PO-G-1' });
    expect((await listOrdersForSupplier(s._id, 1)).items[0]!.next?.milestone).to.equal('confirmed');
    // The order written, the process gone before its list entry was: straight through the driver.
    await Order.updateOne({ _id: o._id }, { $set: { 'milestones.confirmed.status': 'done', next: { milestone: 'materials', dueDay: '2026-11-08' } }, $inc: { version: 1 } });
    expect((await listOrdersForSupplier(s._id, 1)).items[0]!.next?.milestone).to.equal('confirmed');
    expect(await reconcileOrderIndexes()).to.equal(1);
    expect((await listOrdersForSupplier(s._id, 1)).items[0]!.next?.milestone).to.equal('materials');
  });

  it('concurrent writes to many orders of one supplier: every entry is current', async () => {
    const s = await createSupplier({ name: '忙厂' });
    const orders = [];
    for (let i = 0; i < 8; i++) orders.push(await makeOrder(s.code, { number: `PO-C-${i}` }));
    await Promise.all(orders.map((o) => updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, by: 'x', now: NOW })));
    const page = await listOrdersForSupplier(s._id, 1);
    expect(page.items.map((o) => o.next?.milestone)).to.deep.equal(Array(8).fill('materials'));
    await Promise.all(orders.slice(0, 3).map((o) => updateOrder(String(o._id), { status: 'closed' }, 'm', NOW)));
    expect((await listOrdersForSupplier(s._id, 1)).items.map((o) => o.number)).to.deep.equal(['PO-C-3', 'PO-C-4', 'PO-C-5', 'PO-C-6', 'PO-C-7']);
  });
});

describe('orders: milestone updates write once', function () {
  this.timeout(30_000);

  it('ten concurrent identical updates: one write, one history event', async () => {
    const s = await createSupplier({ name: '并发厂' });
    const o = await makeOrder(s.code);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, actual: day('2026-11-02'), by: 'supplier:x', now: NOW })),
    );
    expect(results.filter((r) => r.changed)).to.have.length(1);
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(1);
    expect((await Order.findOne({ _id: o._id }).lean())!.version).to.equal(1);
  });

  it('concurrent updates of different milestones both land (version guard retries)', async () => {
    const s = await createSupplier({ name: '两步厂' });
    const o = await makeOrder(s.code);
    await Promise.all([
      updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, by: 'a', now: NOW }),
      updateMilestone({ orderId: String(o._id), milestone: 'materials', note: '已下单', by: 'b', now: NOW }),
      updateMilestone({ orderId: String(o._id), milestone: 'inspection', planned: day('2027-01-10'), reason: '客户要求', by: 'c', now: NOW }),
    ]);
    const raw = await Order.findOne({ _id: o._id }).lean();
    expect(raw!.milestones.confirmed.status).to.equal('done');
    expect(raw!.milestones.confirmed.actual!.toISOString()).to.equal('2026-11-24T00:00:00.000Z'); // today by default
    expect(raw!.milestones.materials.note).to.equal('已下单');
    expect(raw!.milestones.inspection.planned!.toISOString().slice(0, 10)).to.equal('2027-01-10');
    expect(raw!.milestones.inspection.replanned).to.equal(1);
    expect(raw!.version).to.equal(3);
    expect(raw!.next).to.deep.include({ milestone: 'materials', dueDay: '2026-11-08' });
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(3);
  });

  it('an idempotency key: concurrent replays write once; the same key for another request is refused', async () => {
    const s = await createSupplier({ name: '重放厂' });
    const o = await makeOrder(s.code);
    const send = (note: string) => updateMilestone({ orderId: String(o._id), milestone: 'materials', note, by: 'supplier:k', idempotencyKey: 'key-00000001', now: NOW });
    const results = await Promise.all(Array.from({ length: 6 }, () => send('第一次')));
    expect(results.filter((r) => r.changed)).to.have.length(1);
    expect(results.every((r) => r.order.version === 1)).to.equal(true); // replays answer after the write
    const reused = await rejects(send('另一次'));
    expect([reused.code, reused.details?.map((d) => d.field)]).to.deep.equal(['conflict', ['Idempotency-Key']]);
    // The same key from another caller is another key.
    const theirs = await updateMilestone({ orderId: String(o._id), milestone: 'materials', note: '别人', by: 'supplier:other', idempotencyKey: 'key-00000001', now: NOW });
    expect(theirs.changed).to.equal(true);
    expect(await OrderEvent.countDocuments({ orderId: o._id, kind: 'milestone' })).to.equal(2);
  });

  it('a failed write releases its key; a key abandoned by a crashed process is taken over', async () => {
    const s = await createSupplier({ name: '失败厂' });
    const o = await makeOrder(s.code);
    const noReason = await rejects(updateMilestone({ orderId: String(o._id), milestone: 'materials', planned: day('2026-12-20'), by: 'x', idempotencyKey: 'key-fail-0001', now: NOW }));
    expect(noReason.details?.map((d) => d.field)).to.deep.equal(['reason']);
    expect(await IdempotencyKey.countDocuments({})).to.equal(0);
    const fixed = await updateMilestone({ orderId: String(o._id), milestone: 'materials', planned: day('2026-12-20'), reason: '缺料', by: 'x', idempotencyKey: 'key-fail-0001', now: NOW });
    expect(fixed.changed).to.equal(true);

    // A claim two minutes old, never finished: the retry with the same key does the work.
    const req = { orderId: String(o._id), milestone: 'confirmed' as const, done: true, by: 'x', idempotencyKey: 'key-crash-001', now: NOW };
    await IdempotencyKey.create({ key: 'x:key-crash-001', orderId: o._id, at: new Date(NOW.getTime() - 120_000), done: false });
    const retried = await updateMilestone(req);
    expect(retried.changed).to.equal(true);
    expect((await IdempotencyKey.findOne({ key: 'x:key-crash-001' }).lean())!.done).to.equal(true);
  });

  it('refuses a future actual date, a closed order, an unknown milestone', async () => {
    const s = await createSupplier({ name: '规则厂' });
    const o = await makeOrder(s.code);
    expect((await rejects(updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, actual: day('2026-11-25'), by: 'x', now: NOW }))).details?.map((d) => d.field)).to.deep.equal([
      'actual',
    ]);
    expect((await rejects(updateMilestone({ orderId: String(o._id), milestone: 'painting' as never, done: true, by: 'x', now: NOW }))).code).to.equal('validation_failed');
    await updateOrder(String(o._id), { status: 'closed' }, 'm', NOW);
    expect((await rejects(updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, by: 'x', now: NOW }))).code).to.equal('conflict');
  });

  it('forgets old idempotency keys on request (no TTL on the engine)', async () => {
    await IdempotencyKey.create({ key: 'a:old-key-0001', at: new Date(NOW.getTime() - 8 * 86_400_000), done: true });
    await IdempotencyKey.create({ key: 'a:new-key-0001', at: NOW, done: true });
    expect(await pruneIdempotencyKeys(new Date(NOW.getTime() - 86_400_000))).to.equal(1);
    expect((await IdempotencyKey.find({}).lean()).map((k) => k.key)).to.deep.equal(['a:new-key-0001']);
  });
});

describe('orders: overdue scans, customs, photos, history', function () {
  this.timeout(30_000);

  it('overdue lists open orders whose next milestone passed its day; due-day scan is an equality', async () => {
    const mgr = await Manager.create({ name: 'Ivan', role: 'manager', language: 'ru' });
    const s = await createSupplier({ name: '逾期厂' });
    const late = await makeOrder(s.code, { number: 'PO-LATE', planned: plannedChain(day('2026-11-10')), managerId: String(mgr._id) });
    await makeOrder(s.code, { number: 'PO-LATER', planned: plannedChain(day('2026-11-01')) });
    await makeOrder(s.code, { number: 'PO-TODAY', planned: plannedChain(day('2026-11-24')) });
    await makeOrder(s.code, { number: 'PO-FUTURE', planned: plannedChain(day('2026-12-24')) });
    const closed = await makeOrder(s.code, { number: 'PO-CLOSED', planned: plannedChain(day('2026-10-01')) });
    await updateOrder(String(closed._id), { status: 'closed' }, 'm', NOW);
    expect((await overdue(NOW)).map((o) => o.number)).to.deep.equal(['PO-LATER', 'PO-LATE']);
    expect((await listOverdue(NOW, { managerId: String(mgr._id) })).map((o) => o.number)).to.deep.equal(['PO-LATE']);
    // Done moves the watch to the next milestone (planned a week later: 2026-11-17, still late).
    await updateMilestone({ orderId: String(late._id), milestone: 'confirmed', done: true, by: 'x', now: NOW });
    const after = await getOrder(String(late._id));
    expect(after.next).to.deep.include({ milestone: 'materials', dueDay: '2026-11-17' });
    expect((await ordersDueOn('2026-11-17')).map((o) => o.number)).to.deep.equal(['PO-LATE']);
    expect((await ordersDueOn('2026-11-24')).map((o) => o.number)).to.deep.equal(['PO-TODAY']);
    expect(await ordersDueOn('2026-10-01')).to.deep.equal([]); // closed
  });

  it('records a customs hold and its change once each; only for a shipped order', async () => {
    const s = await createSupplier({ name: '报关厂' });
    const o = await makeOrder(s.code);
    expect((await rejects(reportCustoms({ orderId: String(o._id), status: 'held', reason: '查验', by: 'x', now: NOW }))).code).to.equal('conflict');
    await updateMilestone({ orderId: String(o._id), milestone: 'shipped', done: true, by: 'x', now: NOW });
    expect((await rejects(reportCustoms({ orderId: String(o._id), status: 'held', by: 'x', now: NOW }))).details?.map((d) => d.field)).to.deep.equal(['reason']);
    const held = { orderId: String(o._id), status: 'held' as const, reason: '海关查验', expectedDate: day('2026-12-05'), by: 'x', now: NOW };
    const [r1, r2] = await Promise.all([reportCustoms(held), reportCustoms(held)]);
    expect([r1.changed, r2.changed].sort()).to.deep.equal([false, true]);
    const moved = await reportCustoms({ ...held, expectedDate: day('2026-12-09') });
    expect(moved.changed).to.equal(true);
    await reportCustoms({ orderId: String(o._id), status: 'cleared', by: 'x', now: NOW });
    const raw = await Order.findOne({ _id: o._id }).lean();
    expect(raw!.customs.status).to.equal('cleared');
    const events = await OrderEvent.find({ orderId: o._id, kind: 'customs' }).sort({ _id: 1 }).lean();
    expect(events.map((e) => (e.after as { status: string }).status)).to.deep.equal(['held', 'held', 'cleared']);
  });

  it('photos are pushed under the milestone by name and read back', async () => {
    const s = await createSupplier({ name: '照片厂' });
    const o = await makeOrder(s.code);
    await addMilestonePhoto(String(o._id), 'production_start', { id: 'p1', name: 'a.jpg', mimeType: 'image/jpeg', size: 10 }, 'x', { supplierId: s._id }, NOW);
    await addMilestonePhoto(String(o._id), 'production_start', { id: 'p2', name: 'b.png', mimeType: 'image/png', size: 20 }, 'x', { supplierId: s._id }, NOW);
    const raw = await Order.findOne({ _id: o._id }).lean();
    expect(raw!.milestones.production_start.photos.map((p) => p.id)).to.deep.equal(['p1', 'p2']);
    expect(raw!.milestones.materials.photos).to.deep.equal([]);
    const other = await createSupplier({ name: '别人' });
    expect((await rejects(addMilestonePhoto(String(o._id), 'production_start', { id: 'p3', name: 'c.jpg', mimeType: 'image/jpeg', size: 1 }, 'y', { supplierId: other._id }))).code).to.equal(
      'not_found',
    );
  });

  it('order changes are guarded and kept in the history, newest first', async () => {
    const s = await createSupplier({ name: '历史厂' });
    const o = await createOrder({ number: 'PO-H-1', supplierCode: s.code }, 'manager:a', new Date(NOW.getTime() - 1000));
    const r = await updateOrder(String(o._id), { incoterms: 'FOB', lines: [{ item: '电机', qty: 10, unitPrice: '9.90', currency: 'CNY' }] }, 'manager:m', NOW);
    expect(r.changed).to.equal(true);
    expect((await updateOrder(String(o._id), {}, 'manager:m', NOW)).changed).to.equal(false);
    const raw = await Order.findOne({ _id: o._id }).lean();
    expect([raw!.incoterms, raw!.lines[0]!.unitPrice, raw!.lines[0]!.currency]).to.deep.equal(['FOB', '9.90', 'CNY']);
    await updateMilestone({ orderId: String(o._id), milestone: 'confirmed', done: true, by: 'supplier:s', now: new Date(NOW.getTime() + 1000) });
    const h = await orderHistory(String(o._id));
    expect(h.map((e) => [e.kind, e.by])).to.deep.equal([
      ['milestone', 'supplier:s'],
      ['updated', 'manager:m'],
      ['created', 'manager:a'],
    ]);
  });
});
