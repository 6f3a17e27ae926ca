// Price history after a big import (issue #21): the import's orders reach the price history a
// batch at a time (`orders.imported`), and the points come out as they would order by order —
// one per line, compared with the same supplier's previous price for the item (never another
// supplier's), a jump flagged and alerted once — and importing the same file again changes none.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { Notice } from '../../shared/notices/index.js';
import { importListenersIdle, Order } from '../../shared/orders/index.js';
import { priceHistory, PricePoint } from '../../shared/prices/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { makeManager, testConfig } from '../support/api.js';

const NOW = new Date('2026-11-25T09:00:00Z');
const POS = 120;
const LINES = 5;

/** Writes the CSV and imports it (confirmed) through the API; answers 200 or the test fails. */
async function importCsv(app: Parameters<typeof request>[0], token: string, file: string, rows: string[]) {
  writeFileSync(file, rows.join('\n'));
  const res = await request(app)
    .post('/api/orders/import?confirm=true')
    .set({ Authorization: `Bearer ${token}` })
    .attach('file', file);
  expect(res.status, JSON.stringify(res.body).slice(0, 500)).to.equal(200);
  return res;
}

describe('prices after an import of many lines', function () {
  this.timeout(120_000);
  const config = testConfig({});
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'gendan-prices-import-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`${POS * LINES} lines of ${POS} POs: one point per line, each compared with its own supplier's previous price; one jump, alerted once; again: no change`, async () => {
    const app = createApp({ config, clock: () => NOW }).callback();
    const { manager, token } = await makeManager(config, { role: 'head', wechatId: 'mgr-prices' });
    await Supplier.create({ code: 'P01', name: '宁波电机厂', managerId: manager._id });
    await Supplier.create({ code: 'P02', name: '深圳开关厂', managerId: manager._id });
    // Even POs at P01, odd at P02. SKU-0 costs 10.00 at P01 until PO 60, then 12.00 (+20%: a
    // jump, once); 30.00 at P02 throughout (compared with P01's it would be a jump every time).
    const price = (p: number, l: number) => (l > 0 ? (5 + l).toFixed(2) : p % 2 === 1 ? '30.00' : p < 60 ? '10.00' : '12.00');
    const rows = ['PO number,Supplier code,Item,SKU,Quantity,Unit price,Currency,Shipment'];
    for (let p = 0; p < POS; p++)
      for (let l = 0; l < LINES; l++)
        rows.push(`PO-PX-${String(p).padStart(4, '0')},${p % 2 ? 'P02' : 'P01'},Part ${l},SKU-${l},${100 + l},${price(p, l)},USD,2026-12-${String(1 + (p % 28)).padStart(2, '0')}`);
    const file = join(dir, 'many.csv');
    const res = await importCsv(app, token, file, rows);
    expect(res.body.counts.create).to.equal(POS);
    await importListenersIdle();

    const points = await PricePoint.find({}).lean();
    expect(points).to.have.length(POS * LINES);
    const orders = await Order.find({}, { number: 1, lines: 1 }).lean();
    const byId = new Map(orders.map((o) => [String(o._id), o]));
    for (const pt of points) expect(pt.unitPrice, `${pt.orderNumber} line ${pt.line}`).to.equal(byId.get(String(pt.orderId))!.lines[pt.line]!.unitPrice);
    const jumps = points.filter((p) => p.jumpPct).map((p) => [p.orderNumber, p.itemKey, p.jumpPct]);
    expect(jumps).to.deep.equal([['PO-PX-0060', 'sku:SKU-0', '20']]);
    expect(await Notice.countDocuments({ kind: 'alert', key: /^price-jump:/ })).to.equal(1);
    const hist = await priceHistory('sku:SKU-0', 'P01');
    expect(hist).to.have.length(POS / 2);
    expect(hist.filter((h) => h.changeVsPrevious !== null && h.changeVsPrevious !== '0').map((h) => [h.orderNumber, h.changeVsPrevious])).to.deep.equal([['PO-PX-0060', '20']]);

    const again = await request(app)
      .post('/api/orders/import?confirm=true')
      .set({ Authorization: `Bearer ${token}` })
      .attach('file', file);
    expect(again.body.counts.unchanged).to.equal(POS);
    await importListenersIdle();
    expect(await PricePoint.countDocuments({})).to.equal(POS * LINES);
    expect(await Notice.countDocuments({ kind: 'alert', key: /^price-jump:/ })).to.equal(1);
  });

  it("an order whose lines jumped: one alert naming them all, in the manager's language", async () => {
    const app = createApp({ config, clock: () => NOW }).callback();
    const { manager, token } = await makeManager(config, { role: 'head', wechatId: 'mgr-az-prices', language: 'az' });
    await Supplier.create({ code: 'P03', name: '义乌五金厂', managerId: manager._id });
    const rows = ['PO number,Supplier code,Item,SKU,Quantity,Unit price,Currency,Shipment'];
    // PO-PY-1 first, then PO-PY-2 with two lines dearer (+20%, +30%) and one the same, then
    // PO-PY-3 dearer again on one line (+25%): two alerts to the same manager in one batch.
    for (const [po, prices] of [
      ['PO-PY-1', ['10.00', '10.00', '10.00']],
      ['PO-PY-2', ['12.00', '13.00', '10.00']],
      ['PO-PY-3', ['15.00', '13.00', '10.00']],
    ] as const)
      prices.forEach((price, l) => rows.push(`${po},P03,Bolt ${l},SKU-B${l},100,${price},USD,2026-12-20`));
    await importCsv(app, token, join(dir, 'jumps.csv'), rows);
    await importListenersIdle();
    const alerts = await Notice.find({ kind: 'alert', to: 'dm:mgr-az-prices' }).sort({ text: 1 }).lean();
    expect(alerts, JSON.stringify(alerts.map((a) => a.text))).to.have.length(2);
    expect(alerts[1]!.text).to.equal('📈 P03 · PO-PY-3: “Bolt 0” qiyməti 15 USD, əvvəl 12 idi (PO-PY-2) (+25%)');
    const text = alerts[0]!.text as string;
    expect(text).to.contain('P03 · PO-PY-2').and.contain('qiymətlər artıb');
    expect(text).to.contain('“Bolt 0” qiyməti 12 USD, əvvəl 10 idi (PO-PY-1) (+20%)');
    expect(text).to.contain('“Bolt 1” qiyməti 13 USD, əvvəl 10 idi (PO-PY-1) (+30%)');
    expect(text).not.to.contain('Bolt 2');
    expect(alerts[0]!.key).to.equal(`price-jump:${alerts[0]!.orderId}:sku:SKU-B0,sku:SKU-B1`);
  });
});
