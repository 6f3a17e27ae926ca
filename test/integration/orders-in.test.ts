// Orders in (issue #21) against the real database, through the HTTP API: imports (a file with
// mistakes → every problem with row and column, nothing written; fixed → written; again → no
// change; a moved date → a re-plan with reason "import"), XLSX with merged cells and formulas,
// GBK CSV, wrong sheet, oversized file; the board's filters, counts and scope; lead-time
// templates; close / cancel / reopen; the preview's problems in the reader's language (#26).
// Done when (#21): a buyer imports the sample file in the console over real HTTP, sees the
// board, and the first overdue notice reaches their WeChat.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { Order, OrderBoardRow, OrderEvent, OrderIndex, clearBoardCache, createOrder, importListenersIdle, listOrdersForSupplier, updateMilestone } from '../../shared/orders/index.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { createScheduler } from '../../shared/scheduler/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message, Thread } from '../../shared/threads/index.js';
import { makeManager, testConfig } from '../support/api.js';
import { until, withTimeout } from '../support/bot.js';
import { csrfPost, linkedBuyer, signedInAgent, consoleRigPerTest, workingNoon, type ConsoleRig } from '../support/console.js';

const NOW = new Date('2026-11-25T09:00:00Z'); // a Wednesday
const fixture = (name: string) => join(fileURLToPath(new URL('../fixtures/', import.meta.url)), name);
const day = (s: string) => new Date(`${s}T00:00:00Z`);

describe('orders in: import, board, lead times, status', function () {
  this.timeout(60_000);
  const config = testConfig({ IMPORT_MAX_MB: '0.01' });
  let agent: ReturnType<typeof request>;
  let token: string;

  beforeEach(async () => {
    agent = request(createApp({ config, clock: () => NOW }).callback());
    const m = await makeManager(config, { role: 'head', name: 'Hana Head' });
    token = m.token;
    await Supplier.create({ code: 'A01', name: '宁波电机厂', managerId: m.manager._id, paymentTerms: '30% deposit' });
    await Supplier.create({ code: 'A02', name: '深圳开关厂', segment: 'strategic' });
  });

  const auth = () => ({ Authorization: `Bearer ${token}` });
  const upload = (file: string, query = '') => agent.post(`/api/orders/import${query}`).set(auth()).attach('file', fixture(file));

  it('a file with mistakes: the preview names every problem by row and column and nothing is written, even when confirmed', async () => {
    const res = await upload('orders-mistakes.csv', '?confirm=true');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.written).to.equal(false);
    const problems = res.body.problems.map((p: { row: number; column: number; field: string }) => `${p.row}:${p.column}:${p.field}`);
    expect(problems).to.deep.equal(['4:2:supplierCode', '5:5:qty', '5:11:planned.shipped', '6:8:currency', '7:1:number']);
    expect(res.body.problems.find((p: { field: string }) => p.field === 'supplierCode').message).to.match(/unknown supplier code Z99/);
    expect(await Order.countDocuments({})).to.equal(0);
    expect(await OrderEvent.countDocuments({})).to.equal(0);
  });

  it("the preview's problems are written in the reader's language: Accept-Language az, else the manager's language, else English", async () => {
    const lines = (res: { body: { problems: { row: number; column: number | null; message: string }[] } }) => res.body.problems.map((p) => `${p.row}:${p.column}: ${p.message}`);
    const az = await upload('orders-mistakes.csv').set('Accept-Language', 'az');
    expect(az.status, JSON.stringify(az.body)).to.equal(200);
    expect(lines(az)).to.deep.equal([
      '4:2: naməlum təchizatçı kodu Z99',
      '5:5: miqdar müsbət olmalıdır (göstərilib: -5)',
      '5:11: tarix deyil: «2026-13-01» (2026-12-05, 2026/12/5, 05.12.2026, 12月5日)',
      '6:8: naməlum valyuta «XYZ» (CNY, USD, EUR, RUB, HKD, GBP)',
      '7:1: PO-IMP-1 sifarişi təkrar gəlir (əvvəlcə 2–3 sətirlərində); bir sifarişin sətirləri ardıcıl olmalıdır',
    ]);
    // The rest of the preview is the same whatever the language (the contract's shape, no extra field).
    const en = await upload('orders-mistakes.csv');
    expect(Object.keys(az.body.problems[0])).to.deep.equal(['row', 'column', 'field', 'message']);
    expect({ ...az.body, problems: az.body.problems.map((p: { field: string }) => p.field) }).to.deep.equal({ ...en.body, problems: en.body.problems.map((p: { field: string }) => p.field) });
    expect(lines(en)).to.deep.equal([
      '4:2: unknown supplier code Z99',
      '5:5: quantity must be positive (got -5)',
      '5:11: not a date: "2026-13-01" (2026-12-05, 2026/12/5, 05.12.2026, 12月5日)',
      '6:8: unknown currency "XYZ" (CNY, USD, EUR, RUB, HKD, GBP)',
      '7:1: PO PO-IMP-1 appears again (first at rows 2–3); keep the lines of one PO together',
    ]);
    const ru = await upload('orders-mistakes.csv').set('Accept-Language', 'ru-RU,ru;q=0.9');
    expect(lines(ru)[0]).to.equal('4:2: неизвестный код поставщика Z99');
    // Without the header, a manager whose language is az reads Azerbaijani.
    const aida = await makeManager(config, { name: 'Aida', language: 'az' });
    const mine = await agent
      .post('/api/orders/import')
      .set({ Authorization: `Bearer ${aida.token}` })
      .attach('file', fixture('orders-mistakes.csv'));
    expect(lines(mine)[0]).to.equal('4:2: naməlum təchizatçı kodu Z99');
    // A mapping naming a column the file lacks: a problem of the header row (0, no column).
    const mapped = await agent
      .post('/api/orders/import')
      .set(auth())
      .set('Accept-Language', 'az')
      .field('mapping', JSON.stringify({ number: 'PO number', supplierCode: 'Vendor', item: 'Item', qty: 'Quantity', unitPrice: 'Unit price' }))
      .attach('file', fixture('orders-mistakes.csv'));
    expect(mapped.body.problems).to.deep.equal([{ row: 0, column: null, field: 'supplierCode', message: '«Vendor» sütunu faylda yoxdur' }]);
    // Errors about the whole file too.
    const sheet = await upload('orders.xlsx', '?sheet=Sheet9').set('Accept-Language', 'az');
    expect(sheet.status).to.equal(400);
    expect(sheet.body.error).to.deep.equal({
      code: 'validation_failed',
      message: '«Sheet9» vərəqi yoxdur; faylda olanlar: 说明, 订单',
      details: [{ field: 'sheet', message: 'vərəqlər: 说明, 订单' }],
    });
    const noHeader = await agent.post('/api/orders/import').set(auth()).set('Accept-Language', 'az').attach('file', Buffer.from('a;b;c\r\n1;2;3\r\n'), 'plain.csv');
    expect(noHeader.status).to.equal(400);
    expect(noHeader.body.error.details).to.deep.equal([{ field: 'file', message: 'başlıq sətri yoxdur' }]);
    expect(noHeader.body.error.message).to.match(/^başlıq sətri tapılmadı: /);
    const big = await agent.post('/api/orders/import').set(auth()).set('Accept-Language', 'az').attach('file', Buffer.alloc(20_000, 'a'), 'big.csv');
    expect(big.status).to.equal(413);
    expect(big.body.error.message).to.match(/idxal həddindən böyükdür \(IMPORT_MAX_MB\)$/);
  });

  it('fixed: a dry run tells, confirm writes, the same file again changes nothing, a moved date is a re-plan "import"', async () => {
    const dry = await upload('orders-fixed.csv');
    expect(dry.body).to.include({ dryRun: true, written: false });
    expect(dry.body.counts).to.deep.equal({ create: 4, update: 0, unchanged: 0, skip: 0, problems: 0 });
    expect(await Order.countDocuments({})).to.equal(0);

    const done = await upload('orders-fixed.csv', '?confirm=true');
    expect(done.body.written).to.equal(true);
    const po1 = (await Order.findOne({ number: 'PO-IMP-1' }).lean())!;
    expect(po1.lines.map((l) => [l.item, l.qty, l.unitPrice])).to.deep.equal([
      ['Motor 220V', 1200, '12.5'],
      ['Fan blade', 300, '1234.5'],
      ['Motor extra', 5, '1'],
    ]);
    expect(po1.milestones.shipped.planned!.toISOString().slice(0, 10)).to.equal('2026-12-05');
    expect(po1.paymentTerms).to.equal('30/70');
    expect(String(po1.managerId), "the supplier's manager").to.equal(String((await Supplier.findOne({ code: 'A01' }).lean())!.managerId));
    expect(await OrderBoardRow.countDocuments({ state: 'open' })).to.equal(4);
    expect((await OrderEvent.findOne({ orderId: po1._id }).lean())!.via).to.equal('import');
    const a01 = (await Supplier.findOne({ code: 'A01' }).lean())!;
    expect(
      (await listOrdersForSupplier(a01._id)).items.map((o) => o.number),
      "the supplier's mini-program list",
    ).to.deep.equal(['PO-IMP-1', 'PO-IMP-2']);

    const again = await upload('orders-fixed.csv', '?confirm=true');
    expect(again.body.counts).to.deep.equal({ create: 0, update: 0, unchanged: 4, skip: 0, problems: 0 });
    expect(await Order.countDocuments({})).to.equal(4);
    expect(await OrderEvent.countDocuments({})).to.equal(4);
    expect((await Order.findOne({ number: 'PO-IMP-1' }).lean())!.version).to.equal(0);

    const moved = await upload('orders-replanned.csv', '?confirm=true');
    expect(moved.body.orders.find((o: { number: string }) => o.number === 'PO-IMP-3')).to.deep.include({ action: 'update', changes: ['planned.shipped'] });
    const po3 = (await Order.findOne({ number: 'PO-IMP-3' }).lean())!;
    expect(po3.milestones.shipped.planned!.toISOString().slice(0, 10)).to.equal('2027-01-17');
    expect(po3.milestones.shipped).to.include({ reason: 'import', replanned: 1 });
    const hist = await agent.get(`/api/orders/${po3._id}/history`).set(auth());
    expect(hist.body.items[0]).to.include({ kind: 'replan', reason: 'import', via: 'import' });
    // The first file again: the moved order is no longer what it says (its list print followed the write).
    const back = await upload('orders-fixed.csv');
    expect(back.body.counts).to.deep.equal({ create: 0, update: 1, unchanged: 3, skip: 0, problems: 0 });
    expect(back.body.orders.map((o: { number: string; action: string }) => `${o.number}:${o.action}`)).to.deep.equal([
      'PO-IMP-1:unchanged',
      'PO-IMP-2:unchanged',
      'PO-IMP-3:update',
      'PO-IMP-4:unchanged',
    ]);
  });

  it('a PO stored for another supplier fails the confirmed import and leaves nothing written (the new orders inserted first are taken back)', async () => {
    const other = await createOrder({ number: 'PO-IMP-3', supplierCode: 'A01', lines: [{ item: 'Other', qty: 1, unit: 'pcs', unitPrice: '1', currency: 'USD' }] }, 't', NOW);
    const res = await upload('orders-fixed.csv', '?confirm=true');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.written).to.equal(false);
    expect(res.body.problems.map((p: { row: number; field: string; message: string }) => `${p.row}:${p.field}:${p.message}`)).to.deep.equal([
      '6:number:PO PO-IMP-3 exists already for another supplier',
    ]);
    expect(res.body.counts).to.include({ problems: 1 });
    expect((await Order.find({}).lean()).map((o) => o.number)).to.deep.equal(['PO-IMP-3']);
    expect(await OrderEvent.countDocuments({ orderId: { $ne: other._id } })).to.equal(0);
    expect(await OrderBoardRow.countDocuments({}), "the other supplier's order's row only").to.equal(1);
    await importListenersIdle();
    const a02 = (await Supplier.findOne({ code: 'A02' }).lean())!;
    expect(await OrderIndex.countDocuments({ supplierId: a02._id })).to.equal(0);
  });

  it('a problem found in a later batch takes back the orders, history and board rows the earlier batches wrote', async () => {
    // 60 POs: the first batch (50) is written before the second names a supplier code nobody has.
    const rows = Array.from({ length: 60 }, (_, i) => `PO-MANY-${i + 1};${i === 54 ? 'Z99' : 'A01'};Motor;;${i + 1};pcs;1,50;USD;FOB;;2026-12-${String((i % 28) + 1).padStart(2, '0')};`);
    const csv = ['PO number;Supplier code;Item;SKU;Quantity;Unit;Unit price;Currency;Incoterms;Payment terms;Shipment;Delivery', ...rows].join('\r\n');
    const res = await agent.post('/api/orders/import?confirm=true').set(auth()).attach('file', Buffer.from(csv), 'many.csv');
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.written).to.equal(false);
    expect(res.body.problems.map((p: { row: number; field: string }) => `${p.row}:${p.field}`)).to.deep.equal(['56:supplierCode']);
    expect(res.body.counts).to.include({ create: 60, problems: 1 });
    expect(await Order.countDocuments({})).to.equal(0);
    expect(await OrderEvent.countDocuments({})).to.equal(0);
    expect(await OrderBoardRow.countDocuments({})).to.equal(0);
    expect(await OrderIndex.countDocuments({})).to.equal(0);
    // Fixed, the same file is written whole.
    const fixed = csv.replace(';Z99;', ';A02;');
    const ok = await agent.post('/api/orders/import?confirm=true').set(auth()).attach('file', Buffer.from(fixed), 'many.csv');
    expect(ok.body).to.include({ written: true });
    expect(await Order.countDocuments({})).to.equal(60);
    expect(await OrderEvent.countDocuments({})).to.equal(60);
    expect(await OrderBoardRow.countDocuments({})).to.equal(60);
  });

  it("a supplier's open orders stored without a list (outside the app) join the list the import builds, once its listeners are done", async () => {
    const a02 = (await Supplier.findOne({ code: 'A02' }).lean())!;
    await Order.collection.insertOne({ number: 'PO-OUTSIDE', supplierId: a02._id, supplierCode: 'A02', status: 'open', lines: [], milestones: {}, customs: { status: 'none' }, version: 0 });
    const res = await upload('orders-fixed.csv', '?confirm=true');
    expect(res.body.written).to.equal(true);
    expect((await listOrdersForSupplier(a02._id)).items.map((o) => o.number)).to.include.members(['PO-IMP-3', 'PO-IMP-4']);
    await importListenersIdle();
    expect((await listOrdersForSupplier(a02._id)).items.map((o) => o.number)).to.deep.equal(['PO-IMP-3', 'PO-IMP-4', 'PO-OUTSIDE']);
  });

  it('XLSX: finds the orders sheet past a notes sheet, merged cells, formulas, serial and text dates; a mapping is remembered per source', async () => {
    const res = await upload('orders.xlsx', '?confirm=true&source=1c');
    expect(res.body.problems).to.deep.equal([]);
    expect(res.body).to.include({ sheet: '订单', headerRow: 2, written: true });
    const x1 = (await Order.findOne({ number: 'PO-X-1' }).lean())!;
    expect(x1.lines.map((l) => [l.item, l.qty, l.unitPrice])).to.deep.equal([
      ['电机', 500, '12.5'],
      ['风扇', 100, '1234.5'],
    ]);
    expect(x1.milestones.delivered.planned!.toISOString().slice(0, 10)).to.equal('2027-02-05');
    expect((await Order.findOne({ number: 'PO-X-2' }).lean())!.milestones.shipped.planned!.toISOString().slice(0, 10)).to.equal('2026-12-20');
    const wrong = await upload('orders.xlsx', '?sheet=Sheet9');
    expect(wrong.status).to.equal(400);
    expect(wrong.body.error.message).to.match(/no sheet "Sheet9".*说明, 订单/);
  });

  it('the template in EN/RU/AZ/ZH headers is an XLSX the import reads back', async () => {
    for (const lang of ['en', 'ru', 'az', 'zh']) {
      const res = await agent
        .get(`/api/orders/import/template?lang=${lang}`)
        .set(auth())
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).to.equal(200);
      const back = await agent
        .post('/api/orders/import')
        .set(auth())
        .attach('file', res.body as Buffer, `template-${lang}.xlsx`);
      expect(back.body.problems, lang).to.deep.equal([]);
      expect(back.body.orders, lang).to.deep.equal([{ number: 'PO-2026-001', supplierCode: 'A01', action: 'create', lines: 1, rows: [2, 2], changes: [] }]);
    }
  });

  it('a GBK CSV is read; an oversized file is refused with the limit named; a non-file is refused', async () => {
    const res = await upload('orders-gbk.csv');
    expect(res.body.problems).to.deep.equal([]);
    expect(res.body.orders[0]).to.include({ number: 'PO-GBK-1', lines: 2 });
    const big = await agent.post('/api/orders/import').set(auth()).attach('file', Buffer.alloc(20_000, 'a'), 'big.csv');
    expect(big.status).to.equal(413);
    expect(big.body.error.message).to.match(/import limit.*IMPORT_MAX_MB/);
    const none = await agent.post('/api/orders/import').set(auth()).field('mapping', '{}');
    expect(none.status).to.equal(400);
  });

  it('the board: filters, counts, next due first; a scoped manager sees only their suppliers', async () => {
    const chain = (ship: string, first?: string) => ({ confirmed: first ? day(first) : undefined, shipped: day(ship) });
    await createOrder({ number: 'PO-B-LATE', supplierCode: 'A01', planned: chain('2026-12-20', '2026-11-20') }, 't', NOW); // overdue
    await createOrder({ number: 'PO-B-THIS', supplierCode: 'A01', planned: { ...chain('2026-11-27', '2026-11-26') } }, 't', NOW); // ships this week
    await createOrder({ number: 'PO-B-NEXT', supplierCode: 'A02', planned: { ...chain('2026-12-02', '2026-11-30') } }, 't', NOW); // next week
    const held = await createOrder({ number: 'PO-B-HELD', supplierCode: 'A02', planned: {} }, 't', NOW);
    for (const m of ['confirmed', 'materials', 'production_start', 'production_done', 'inspection', 'shipped'] as const)
      await updateMilestone({ orderId: held._id, milestone: m, done: true, actual: day('2026-11-20'), by: 't', now: NOW });
    await agent.post(`/api/orders/${held._id}/customs`).set(auth()).send({ status: 'held', reason: 'inspection' }).expect(200);

    const all = await agent.get('/api/orders/board').set(auth());
    expect(all.status, JSON.stringify(all.body)).to.equal(200);
    expect(all.body.items.map((i: { number: string }) => i.number)).to.deep.equal(['PO-B-LATE', 'PO-B-THIS', 'PO-B-NEXT', 'PO-B-HELD']);
    expect(all.body.counts).to.deep.include({ all: 4, overdue: 1, thisWeek: 1, nextWeek: 1, customsHeld: 1 });
    const q = async (s: string) => (await agent.get(`/api/orders/board?${s}`).set(auth())).body.items.map((i: { number: string }) => i.number);
    expect(await q('view=overdue')).to.deep.equal(['PO-B-LATE']);
    expect(await q('view=thisWeek')).to.deep.equal(['PO-B-THIS']);
    expect(await q('view=nextWeek')).to.deep.equal(['PO-B-NEXT']);
    expect(await q('view=customsHeld')).to.deep.equal(['PO-B-HELD']);
    expect(await q('supplier=A02')).to.deep.equal(['PO-B-NEXT', 'PO-B-HELD']);
    expect(await q('segment=strategic')).to.deep.equal(['PO-B-NEXT', 'PO-B-HELD']);
    expect((await q('view=noPlan')).length, 'each has undone milestones without a date').to.equal(4);

    // Closed and cancelled orders leave the board; reopened, they are back.
    const late = (await Order.findOne({ number: 'PO-B-LATE' }).lean())!;
    expect((await agent.post(`/api/orders/${late._id}/status`).set(auth()).send({ action: 'cancel' })).status).to.equal(400);
    const cancelled = await agent.post(`/api/orders/${late._id}/status`).set(auth()).send({ action: 'cancel', reason: 'buyer cancelled' });
    expect(cancelled.body.order).to.include({ status: 'cancelled', cancelReason: 'buyer cancelled' });
    expect(await q('')).to.not.include('PO-B-LATE');
    await agent.post(`/api/orders/${late._id}/status`).set(auth()).send({ action: 'reopen' }).expect(200);
    expect(await q('')).to.include('PO-B-LATE');

    // A scoped manager responsible for A02 only.
    const scoped = await makeManager(config, { name: 'Sam Scoped', seesAll: false });
    await Supplier.updateOne({ code: 'A02' }, { $set: { managerId: scoped.manager._id } });
    const mine = await agent.get('/api/orders/board').set({ Authorization: `Bearer ${scoped.token}` });
    expect(mine.body.items.map((i: { number: string }) => i.number)).to.deep.equal(['PO-B-NEXT', 'PO-B-HELD']);
    expect(JSON.stringify(mine.body)).to.not.include('PO-B-LATE');
  });

  it("the supplier's list keeps the board's rows beside its entries, not in them; a list written before (rows inside) still shows on the board", async () => {
    const o = await createOrder({ number: 'PO-SPLIT-1', supplierCode: 'A01', planned: { shipped: day('2026-12-20') } }, 't', NOW);
    await listOrdersForSupplier(o.supplierId); // builds the list
    const idx = (await OrderIndex.findOne({ supplierId: o.supplierId }).lean())!;
    const entries = JSON.parse(idx.data) as Record<string, { n: string; b?: unknown }>;
    expect(entries[String(o._id)]).to.deep.include({ n: 'PO-SPLIT-1' });
    expect(entries[String(o._id)]!.b, 'no board row in the entries the mini-program reads').to.equal(undefined);
    expect(JSON.parse(idx.board!)[String(o._id)]).to.include({ number: 'PO-SPLIT-1', supplierCode: 'A01', incoterms: null });

    // As lists were written before: the row inside the entry, no board field.
    const row = JSON.parse(idx.board!)[String(o._id)];
    await OrderIndex.updateOne(
      { supplierId: o.supplierId },
      { $set: { data: JSON.stringify({ [String(o._id)]: { ...entries[String(o._id)], b: { ...row, paymentTerms: 'legacy' } } }) }, $unset: { board: 1 } },
    );
    clearBoardCache();
    const board = await agent.get('/api/orders/board').set(auth());
    expect(board.body.items.map((i: { number: string; supplierCode: string; paymentTerms: string }) => [i.number, i.supplierCode, i.paymentTerms])).to.deep.equal([['PO-SPLIT-1', 'A01', 'legacy']]);
    // The next write moves it out.
    await updateMilestone({ orderId: o._id, milestone: 'confirmed', done: true, actual: day('2026-11-24'), by: 't', now: NOW });
    const after = (await OrderIndex.findOne({ supplierId: o.supplierId }).lean())!;
    expect(JSON.parse(after.data)[String(o._id)].b).to.equal(undefined);
    expect(JSON.parse(after.board!)[String(o._id)].milestones.confirmed).to.include({ done: true });
  });

  it("lead-time templates propose planned dates: the company default, then the supplier's own; the form creates with them", async () => {
    const d = await agent.get('/api/suppliers/A01/order-defaults?date=2026-11-25').set(auth());
    expect(d.body).to.include({ templateSource: 'builtin', paymentTerms: '30% deposit' });
    expect(d.body.planned).to.include({ materials: '2026-12-02', production_done: '2026-12-25', shipped: '2026-12-30', inspection: '2026-12-27' });
    const steps = { ...d.body.template, shipped: { days: 60, from: 'order' } };
    await agent.put('/api/suppliers/A01/lead-times').set(auth()).send({ steps }).expect(200);
    const d2 = await agent.get('/api/suppliers/A01/order-defaults?date=2026-11-25').set(auth());
    expect(d2.body).to.include({ templateSource: 'supplier' });
    expect(d2.body.planned.shipped).to.equal('2027-01-24');
    const created = await agent
      .post('/api/orders')
      .set(auth())
      .send({ number: 'PO-FORM-1', supplierCode: 'A01', planFromTemplate: true, lines: [{ item: 'Motor', qty: 10, unitPrice: '1.50', currency: 'USD' }] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.paymentTerms).to.equal('30% deposit');
    expect(created.body.milestones.find((m: { name: string }) => m.name === 'shipped').planned).to.equal('2027-01-24');
    const dup = await agent.post('/api/orders').set(auth()).send({ number: 'PO-FORM-1', supplierCode: 'A01' });
    expect(dup.status).to.equal(409);
    expect(dup.body.error.message).to.match(/PO-FORM-1 exists already/);
    // Re-plan: moving a date needs a reason.
    const id = created.body.id as string;
    expect(
      (
        await agent
          .put(`/api/orders/${id}/plan`)
          .set(auth())
          .send({ planned: { shipped: '2027-01-31' } })
      ).status,
    ).to.equal(400);
    const moved = await agent
      .put(`/api/orders/${id}/plan`)
      .set(auth())
      .send({ planned: { shipped: '2027-01-31' }, reason: 'late materials' });
    expect(moved.body.changed).to.equal(true);
    const hist = await agent.get(`/api/orders/${id}/history`).set(auth());
    expect(hist.body.items[0]).to.include({ kind: 'replan', reason: 'late materials', via: 'api' });
  });
});

describe('orders in, done when: a buyer imports the sample file, sees the board and gets the first overdue notice in WeChat', function () {
  this.timeout(90_000);
  // The scan and the delivery share one clock: a working moment on or after today (workingNoon).
  let now: Date | undefined;
  const current = consoleRigPerTest({ commands: true, deliveryClock: () => now ?? new Date() });
  let rig: ConsoleRig;
  beforeEach(() => {
    rig = current();
  });

  it('console import (dry run, then confirmed) → board → "run checks now" → the overdue notice names the tagged supplier code in the manager’s WeChat', async () => {
    const admin = await signedInAgent(rig.url);
    const post = csrfPost;
    // Boris, a buyer, links his WeChat (the colleague's simulated one) with /link.
    const boris = await linkedBuyer(rig, admin);
    // His suppliers, as the sample file names them.
    await Supplier.create({ code: 'A01', name: '宁波电机厂', managerId: boris.user.id });
    await Supplier.create({ code: 'A02', name: '深圳开关厂', managerId: boris.user.id });

    // The console's import: a dry run first (nothing written), then confirmed.
    const upload = (query: string) => boris.agent.post(`/api/orders/import${query}`).set('X-CSRF-Token', boris.csrf).attach('file', fixture('orders-fixed.csv'));
    const dry = await upload('');
    expect(dry.status, JSON.stringify(dry.body)).to.equal(200);
    expect(dry.body).to.include({ dryRun: true, written: false });
    expect(dry.body.counts).to.deep.equal({ create: 4, update: 0, unchanged: 0, skip: 0, problems: 0 });
    expect(await Order.countDocuments({})).to.equal(0);
    const done = await upload('?confirm=true');
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body.written).to.equal(true);

    // The board shows them.
    const board = (await boris.agent.get('/api/orders/board').expect(200)).body;
    expect(board.items.map((i: { number: string }) => i.number).sort()).to.deep.equal(['PO-IMP-1', 'PO-IMP-2', 'PO-IMP-3', 'PO-IMP-4']);
    expect(board.counts.all).to.equal(4);
    // A late shipment is late on the board too (the order plans no confirmation date: the next
    // milestone has none), the same order the overdue scan will find.
    type Item = { number: string; overdue: boolean; daysLate: number; milestones: Record<string, { planned: string | null; done: boolean }> };
    const today = new Date().toISOString().slice(0, 10);
    const lateOnes = (board.items as Item[]).filter((i) => Object.values(i.milestones).some((m) => !m.done && m.planned && m.planned < today));
    expect(lateOnes.length, 'the fixture has a late order').to.be.greaterThan(0);
    expect(board.counts.overdue).to.equal(lateOnes.length);
    for (const i of lateOnes) {
      const first = Object.values(i.milestones)
        .filter((m) => !m.done && m.planned && m.planned < today)
        .map((m) => m.planned!)
        .sort()[0]!;
      expect(i, i.number).to.include({ overdue: true, daysLate: Math.round((Date.parse(today) - Date.parse(first)) / 86_400_000) });
    }

    // A01 gets its tag (the first order exists now).
    const tagged = await boris.agent.put('/api/console/suppliers/A01/tag').set('X-CSRF-Token', boris.csrf).send({ country: 'cn', abbr: 'nb' }).expect(200);
    expect(tagged.body).to.include({ shownCode: 'A01 CNNB' });

    // "Run checks now" (head/admin): the real overdue scan, in the scheduler's own process as in
    // production, at 12:00 in Moscow on a working day after PO-IMP-1's shipment (2026-12-05).
    const at = (now = workingNoon());
    const scheduler = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock: () => at, processEvery: 100, name: 'orders-in-run-now', jobs: [] });
    await scheduler.start();
    try {
      expect((await post(admin, '/api/console/checks/run', {}).expect(202)).body.queued).to.include('overdue-scan');
      const notice = await until(
        'overdue notice in Boris’s WeChat',
        async () => {
          const dm = await Thread.findOne({ key: 'dm:wx-colleague' }).lean();
          // (The "needs a date" list of the same run names the orders too.)
          return dm ? (await Message.find({ threadId: dm._id, direction: 'out', text: /PO-IMP-1/ }).lean()).find((m) => /late/.test(m.text ?? '')) : undefined;
        },
        20_000,
      );
      expect(notice.text)
        .to.include('A01 CNNB')
        .and.match(/shipment|shipped/i);
    } finally {
      await withTimeout(scheduler.stop(), 15_000, 'scheduler stop');
    }
  });
});
