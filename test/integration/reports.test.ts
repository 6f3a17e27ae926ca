// Currencies, price history and reports on the real database: rates applied per order date,
// exact decimal sums, price history with the jump alert, every export opened back (CSV parsed,
// XLSX read with exceljs, PDF text extracted with pdfjs-dist), the weekly report sent once per
// manager as a file through the bot.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import { Manager } from '../../shared/managers/model.js';
import { clearRateCache, convert, ExchangeRate, importRatesCsv, rateOn, setRate } from '../../shared/money/index.js';
import { createDeliveryWorker, Notice, NoticeFile } from '../../shared/notices/index.js';
import { createOrder, Order, reportCustoms, updateMilestone } from '../../shared/orders/index.js';
import { compareSuppliers, itemKeyOf, priceHistory, PricePoint, syncPricePoints } from '../../shared/prices/index.js';
import { buildReport, periodRange } from '../../shared/reports/index.js';
import { writeCsv, writePdf, writeXlsx } from '../../shared/reports/export.js';
import { UnavailableError } from '../../shared/errors/index.js';
import { sendWeeklyReports } from '../../shared/reports/weekly.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { setSupplierTag, Supplier } from '../../shared/suppliers/index.js';
import { Message } from '../../shared/threads/index.js';
import { makeManager, plannedChain, testConfig } from '../support/api.js';
import { startTestBot, waitForMessages } from '../support/bot.js';
import { pdfText } from '../support/pdf.js';

const today = () => new Date().toISOString().slice(0, 10);
const shift = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const line = (item: string, qty: number, unitPrice: string, currency: 'USD' | 'CNY' | 'EUR', sku?: string) => ({ item, qty, unitPrice, currency, ...(sku ? { sku } : {}) });

async function backdate(number: string, day: string) {
  // Straight through the driver: mongoose keeps createdAt immutable.
  await Order.collection.updateOne({ number }, { $set: { createdAt: new Date(`${day}T08:00:00Z`) } });
  const o = (await Order.findOne({ number }).lean())!;
  await syncPricePoints(o as never, false, { jumpPct: 10 });
  return o;
}

describe('money: rates and conversion', () => {
  beforeEach(() => clearRateCache());

  it('converts at the latest rate on or before the date, direct or inverse; exact decimals', async () => {
    await setRate('2026-11-01', 'USD', 'CNY', '7.1000', 'test');
    await setRate('2026-11-10', 'USD', 'CNY', '7.2500', 'test');
    expect((await rateOn('USD', 'CNY', '2026-11-09'))!.rate.toString()).to.equal('7.1');
    expect((await rateOn('USD', 'CNY', '2026-11-10'))!.rate.toString()).to.equal('7.25');
    expect(await rateOn('USD', 'CNY', '2026-10-31')).to.equal(undefined);
    const inv = await convert('725', 'CNY', 'USD', '2026-11-12');
    expect(inv.amount.toString()).to.equal('100');
    expect(inv.rate.inverse).to.equal(true);
    const c = await convert('0.1', 'USD', 'CNY', '2026-11-05');
    expect(c.amount.plus(c.amount).plus(c.amount).toString()).to.equal('2.13');
    try {
      await convert('1', 'EUR', 'RUB', '2026-11-05');
      expect.fail('no rate');
    } catch (err) {
      expect((err as Error).message).to.match(/no EUR\/RUB rate/);
    }
  });

  it('imports a CSV of rates; one bad line refuses the whole file with its line number', async () => {
    expect(await importRatesCsv('\uFEFFdate,from,to,rate\n2026-11-01,EUR,USD,1.08\n2026-11-02,EUR,USD,1.09\n', 'test')).to.equal(2);
    expect(await ExchangeRate.countDocuments({})).to.equal(2);
    try {
      await importRatesCsv('2026-11-03,EUR,USD,1.1\n2026-11-04,EUR,XXX,1.1\n2026-11-05,EUR,USD,-1\n', 'test');
      expect.fail('refused');
    } catch (err) {
      const e = err as { message: string; details: { field: string; message: string }[] };
      expect(e.message).to.match(/2 bad line/);
      expect(e.details.map((d) => d.field)).to.deep.equal(['line 2', 'line 3']);
    }
    expect(await ExchangeRate.countDocuments({})).to.equal(2);
  });
});

describe('prices: history, jumps, comparison', function () {
  this.timeout(30_000);

  it('records every line per item and supplier, computes changes, alerts the manager once on a jump, compares suppliers in one currency', async () => {
    const { manager } = await makeManager(testConfig(), { wechatId: 'mgr-price' });
    await Supplier.create({ code: 'P01', name: '宁波电机厂', managerId: manager._id });
    await Supplier.create({ code: 'P02', name: '温州电机', managerId: manager._id });
    const d0 = shift(today(), -400);
    const d1 = shift(today(), -30);
    await createOrder({ number: 'PO-P-0', supplierCode: 'P01', managerId: String(manager._id), lines: [line('Motor 220V', 100, '10.00', 'USD', 'm-220')] }, 'manager:t');
    await backdate('PO-P-0', d0);
    await createOrder({ number: 'PO-P-1', supplierCode: 'P01', managerId: String(manager._id), lines: [line('Motor 220V', 100, '10.50', 'USD', 'M-220')] }, 'manager:t');
    await backdate('PO-P-1', d1);
    expect(await Notice.countDocuments({ kind: 'alert' })).to.equal(0); // +5%: under the 10% threshold
    await createOrder({ number: 'PO-P-2', supplierCode: 'P01', managerId: String(manager._id), lines: [line('Motor 220V', 50, '12.60', 'USD', 'M-220')] }, 'manager:t');
    const alerts = await Notice.find({ kind: 'alert' }).lean();
    expect(alerts).to.have.length(1);
    expect(alerts[0]!.to).to.equal('dm:mgr-price');
    expect(alerts[0]!.text).to.include('12.60').and.include('10.50').and.include('+20%');
    await createOrder({ number: 'PO-P-3', supplierCode: 'P02', lines: [line('Motor 220V', 80, '80.00', 'CNY', 'M-220')] }, 'manager:t');
    const key = itemKeyOf({ item: 'whatever', sku: 'm-220' });
    const hist = await priceHistory(key, 'P01');
    expect(hist.map((h) => [h.orderNumber, h.unitPrice, h.changeVsPrevious, h.changeVsYearAgo, h.jump])).to.deep.equal([
      ['PO-P-0', '10.00', null, null, false],
      ['PO-P-1', '10.50', '5', '5', false], // PO-P-0 is more than a year before it
      ['PO-P-2', '12.60', '20', '26', true],
    ]);
    await setRate(shift(today(), -1), 'USD', 'CNY', '8', 'test');
    const cmp = await compareSuppliers(key, 'USD');
    expect(cmp.map((c) => [c.supplierCode, c.converted])).to.deep.equal([
      ['P02', '10.00'],
      ['P01', '12.60'],
    ]);
    // Changing the lines keeps the points in step.
    const { updateOrder } = await import('../../shared/orders/index.js');
    const o3 = (await Order.findOne({ number: 'PO-P-3' }).lean())!;
    await updateOrder(String(o3._id), { lines: [line('Bracket', 10, '1.00', 'CNY')] }, 'manager:t');
    expect(await PricePoint.countDocuments({ orderId: o3._id, itemKey: key })).to.equal(0);
    expect(await PricePoint.countDocuments({ orderId: o3._id, itemKey: 'name:bracket' })).to.equal(1);
  });
});

describe('reports: content and exports', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gendan-report-test-'));
    clearRateCache();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function seed() {
    const { manager } = await makeManager(testConfig(), { name: 'Olga' });
    await Supplier.create({ code: 'E01', name: '东莞五金制品有限公司', managerId: manager._id });
    await Supplier.create({ code: 'E02', name: '义乌小商品' });
    const t = today();
    await setRate(shift(t, -60), 'USD', 'CNY', '7.00', 'test');
    await setRate(shift(t, -5), 'USD', 'CNY', '7.25', 'test');
    await createOrder(
      {
        number: 'PO-E-1',
        supplierCode: 'E01',
        managerId: String(manager._id),
        lines: [line('螺丝 M4', 3, '0.1', 'USD'), line('Washer', 1, '0.2', 'USD')],
        planned: plannedChain(new Date(`${shift(t, -20)}T00:00:00Z`)),
      },
      'manager:t',
    );
    await createOrder({ number: 'PO-E-2', supplierCode: 'E02', lines: [line('杯子', 1000, '7.25', 'CNY')] }, 'manager:t');
    await createOrder({ number: 'PO-E-3', supplierCode: 'E02', lines: [line('Plate', 10, '1.00', 'EUR')] }, 'manager:t');
    const o1 = (await Order.findOne({ number: 'PO-E-1' }).lean())!;
    const now = new Date();
    await updateMilestone({ orderId: o1._id, milestone: 'confirmed', done: true, by: 'manager:t', now });
    for (const m of ['materials', 'production_start', 'production_done', 'inspection', 'shipped'] as const) await updateMilestone({ orderId: o1._id, milestone: m, done: true, by: 'manager:t', now });
    await reportCustoms({ orderId: o1._id, status: 'held', reason: '海关查验', by: 'manager:t', now });
    await setSupplierTag('E01', 'CN', 'DG'); // E01 has orders: shown as "E01 CNDG" in every export
    return { manager };
  }
  const req = () => ({ from: shift(today(), -1), to: shift(today(), 1), label: 'test', currency: 'USD' as const, now: new Date(), weights: DEFAULT_SETTINGS.weights });

  it('sums exactly, converts at the order date, and names what it could not convert', async () => {
    await seed();
    const r = await buildReport(req());
    expect(r.orders).to.equal(3);
    expect(r.valueByCurrency).to.deep.equal({ USD: '0.50', CNY: '7250.00', EUR: '10.00' });
    expect(r.converted).to.equal('1000.50'); // 0.50 USD + 7250 CNY at 7.25
    expect(r.unconverted).to.deep.equal({ EUR: '10.00' });
    expect(r.rateNote).to.match(/rate of each order's date/);
    expect(r.milestones.done).to.equal(6);
    expect(r.customs.map((c) => c.po)).to.deep.equal(['PO-E-1']);
    expect(r.suppliers.map((s) => [s.code, s.orders])).to.deep.equal([
      ['E01 CNDG', 1],
      ['E02', 2],
    ]);
  });

  it('CSV: UTF-8 with BOM, parsed back with Chinese names and exact values', async () => {
    await seed();
    const path = join(dir, 'r.csv');
    await writeCsv(req(), path);
    const raw = readFileSync(path);
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows = parse(raw.toString('utf8').slice(1), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.PO).sort()).to.deep.equal(['PO-E-1', 'PO-E-2', 'PO-E-3']);
    const e1 = rows.find((r) => r.PO === 'PO-E-1')!;
    expect(e1['Supplier name']).to.equal('东莞五金制品有限公司');
    expect(e1.Supplier).to.equal('E01 CNDG'); // the tagged code (displayCode), the untagged as it is
    expect(rows.find((r) => r.PO === 'PO-E-2')!.Supplier).to.equal('E02');
    expect(e1.Value).to.equal('0.50');
    expect(rows.find((r) => r.PO === 'PO-E-2')!.Converted).to.equal('1000.00');
    expect(rows.find((r) => r.PO === 'PO-E-3')!.Converted).to.equal('');
  });

  it('XLSX: read back with exceljs — sheets, frozen headers, typed cells', async () => {
    await seed();
    const path = join(dir, 'r.xlsx');
    await writeXlsx(req(), path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal(['Summary', 'Orders', 'Suppliers', 'Overdue', 'Customs', 'Managers', 'Prices']);
    const orders = wb.getWorksheet('Orders')!;
    expect(orders.views[0]).to.include({ state: 'frozen', ySplit: 1 });
    expect(orders.getRow(1).getCell(1).value).to.equal('PO');
    expect(orders.rowCount).to.equal(4);
    const rows = [2, 3, 4].map((i) => orders.getRow(i));
    const e2 = rows.find((r) => r.getCell(1).value === 'PO-E-2')!;
    expect(e2.getCell(8).value).to.equal(7250);
    expect(e2.getCell(5).value).to.be.instanceOf(Date);
    expect(orders.getColumn(3).width).to.equal(28);
    const suppliers = wb.getWorksheet('Suppliers')!;
    expect(suppliers.getRow(2).getCell(2).value).to.equal('东莞五金制品有限公司');
    expect(suppliers.getRow(2).getCell(1).value).to.equal('E01 CNDG');
    expect(wb.getWorksheet('Customs')!.getRow(2).getCell(2).value).to.equal('E01 CNDG');
    const summary = wb.getWorksheet('Summary')!;
    const figures = Object.fromEntries(
      summary
        .getSheetValues()
        .slice(2)
        .map((r) => [(r as unknown[])[1], (r as unknown[])[2]]),
    );
    expect(figures['Total in USD']).to.equal(1000.5);
    expect(figures.Orders).to.equal(3);
  });

  it("an export's statuses and milestones read in the reader's language; overdue and days late by one rule (an order planning only its shipment)", async () => {
    await seed(); // PO-E-1 held at customs
    await Supplier.create({ code: 'E03', name: 'Imported' });
    const shippedDay = shift(today(), -2);
    await createOrder({ number: 'PO-IMP-1', supplierCode: 'E03', lines: [line('Motor', 1, '1.00', 'USD')], planned: { shipped: new Date(`${shippedDay}T00:00:00Z`) } }, 'manager:t');
    const csvOf = async (lang: 'en' | 'az') => {
      const path = join(dir, `r-${lang}.csv`);
      await writeCsv({ ...req(), lang }, path);
      return (parse(readFileSync(path, 'utf8').slice(1), { columns: true }) as Record<string, string>[]).find((r) => Object.values(r)[0] === 'PO-IMP-1')!;
    };
    // The next milestone (confirmed) has no date; the shipment is 2 days late: overdue, 2 days late.
    const en = await csvOf('en');
    expect([en.Status, en['Next milestone'], en.Overdue, en['Days late']]).to.deep.equal(['open', 'confirmed', 'yes', '2']);
    const az = await csvOf('az');
    expect([az.Status, az['Növbəti mərhələ'], az['Gecikmiş'], az['Gecikmə günləri']]).to.deep.equal(['açıq', 'təsdiq', 'bəli', '2']);
    const path = join(dir, 'r-az.xlsx');
    await writeXlsx({ ...req(), lang: 'az' }, path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const rows = (sheet: string) => (wb.getWorksheet(sheet)!.getSheetValues().slice(2) as unknown[][]).map((r) => r.slice(1));
    expect(rows('Sifarişlər').find((r) => r[0] === 'PO-IMP-1')).to.include.members(['açıq', 'təsdiq', 'bəli', 2]);
    expect(
      rows('Gecikmiş')
        .find((r) => r[0] === 'PO-IMP-1')!
        .slice(0, 3),
    ).to.deep.equal(['PO-IMP-1', 'E03', 'yükləmə']);
    expect(rows('Gömrük')[0]![3]).to.equal('saxlanılıb');
  });

  it('PDF: Chinese supplier names come back out of the PDF (bundled Noto Sans SC); Azerbaijani letters too (DejaVu Sans)', async () => {
    await seed();
    const path = join(dir, 'r.pdf');
    await writePdf(req(), path);
    expect(readFileSync(path).subarray(0, 5).toString()).to.equal('%PDF-');
    const text = await pdfText(path);
    expect(text).to.include('东莞五金制品有限公司');
    expect(text).to.include('义乌小商品');
    expect(text).to.include('海关查验');
    expect(text).to.include('E01 CNDG');
    expect(text).to.include('1000.50');
    expect(text).to.include('Overdue now').and.include('Milestones done / on time');
    // The same report for an Azerbaijani reader: titles, headers and figure names in az.
    const az = join(dir, 'r-az.pdf');
    await writePdf({ ...req(), lang: 'az' }, az);
    const azText = await pdfText(az);
    expect(azText).to.include('Hazırda gecikmiş').and.include('Tamamlanmış mərhələlər / vaxtında').and.include('Təchizatçılar').and.include('E01 CNDG');
    expect(azText).not.to.include('Overdue now');
  });

  it('PDF: a missing or bad PDF_CJK_FONT is a 503 naming the variable, no file written', async () => {
    await seed();
    const notAFont = join(dir, 'not-a-font.otf');
    writeFileSync(notAFont, 'plain text, not a font');
    const { token } = await makeManager(testConfig(), { name: 'Boss', role: 'admin' });
    for (const [font, why] of [
      [join(dir, 'missing.ttc'), /no such file/],
      [notAFont, /not a TrueType\/OpenType font/],
    ] as const) {
      // The setting reaches the report through the configuration (PDF_CJK_FONT), as in production.
      const config = testConfig({ PDF_CJK_FONT: font });
      const agent = supertest(createApp({ config }).callback());
      const err = await writePdf({ ...req(), pdfCjkFont: font }, join(dir, 'bad.pdf')).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).to.be.instanceOf(UnavailableError);
      expect(err!.message)
        .to.include(`PDF_CJK_FONT=${font}`)
        .and.match(why)
        .and.match(/set PDF_CJK_FONT to a \.ttf\/\.otf\/\.ttc file/);
      expect(existsSync(join(dir, 'bad.pdf'))).to.equal(false);
      const res = await agent.get('/api/reports?format=pdf').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('unavailable');
      expect(res.body.error.message).to.include('PDF_CJK_FONT');
    }
    await writePdf(req(), join(dir, 'good.pdf'));
    expect(await pdfText(join(dir, 'good.pdf'))).to.include('东莞五金制品有限公司');
  });

  it('through the API: formats, a custom period, validation, rates import for admins only', async () => {
    await seed();
    const config = testConfig();
    const { token } = await makeManager(config, { name: 'Boss', role: 'admin' });
    const { token: plain } = await makeManager(config, { name: 'Pavel' });
    const agent = supertest(createApp({ config }).callback());
    const q = `period=custom&from=${shift(today(), -1)}&to=${shift(today(), 1)}`;
    const json = await agent.get(`/api/reports?${q}`).set('Authorization', `Bearer ${token}`);
    expect(json.status).to.equal(200);
    expect(json.body.orders).to.equal(3);
    const x = await agent
      .get(`/api/reports?${q}&format=xlsx`)
      .set('Authorization', `Bearer ${token}`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(x.status).to.equal(200);
    expect(x.headers['content-type']).to.match(/spreadsheetml/);
    expect(x.headers['content-disposition']).to.match(/attachment; filename="gendan-.*\.xlsx"/);
    expect((x.body as Buffer).subarray(0, 2).toString()).to.equal('PK');
    expect((await agent.get('/api/reports?period=custom&from=2026-11-01').set('Authorization', `Bearer ${token}`)).status).to.equal(400);
    expect((await agent.get('/api/reports?period=month&date=2026-02-30').set('Authorization', `Bearer ${token}`)).status).to.equal(400);
    const imp = await agent.post('/api/rates/import').set('Authorization', `Bearer ${plain}`).send({ csv: '2026-11-01,USD,EUR,0.9' });
    expect(imp.status).to.equal(403);
    const ok = await agent.post('/api/rates/import').set('Authorization', `Bearer ${token}`).send({ csv: '2026-11-01,USD,EUR,0.9' });
    expect(ok.body).to.deep.equal({ imported: 1 });
    expect(periodRange('quarter', '2026-11-24')).to.deep.equal({ from: '2026-10-01', to: '2027-01-01', label: '2026 Q4' });
    expect(periodRange('week', '2026-11-24')).to.deep.equal({ from: '2026-11-23', to: '2026-11-30', label: 'week of 2026-11-23' });
  });
});

describe('reports: the weekly report through the bot', function () {
  this.timeout(60_000);

  it('queues one summary and one XLSX file per manager per week, delivered once as a file in WeChat', async () => {
    const t = await startTestBot();
    try {
      const contactA = t.sb.mocker.createContact({ id: 'mgr-week-a', name: 'Anna' });
      t.sb.mocker.createContact({ id: 'mgr-week-b', name: 'Boris' });
      const a = await Manager.create({ name: 'Anna', wechatId: 'mgr-week-a', timezone: 'UTC' });
      await Manager.create({ name: 'Boris', wechatId: 'mgr-week-b', language: 'ru', timezone: 'UTC' });
      await Manager.create({ name: 'NoWechat' });
      await Supplier.create({ code: 'W01', name: '周报工厂', managerId: a._id });
      await createOrder({ number: 'PO-W-1', supplierCode: 'W01', managerId: String(a._id), lines: [line('Cup', 1, '1.00', 'USD')] }, 'manager:t');
      await backdate('PO-W-1', '2026-11-18');
      const monday = new Date('2026-11-23T09:00:00Z');
      expect(await sendWeeklyReports(monday, DEFAULT_SETTINGS.weights)).to.equal(2);
      expect(await sendWeeklyReports(new Date('2026-11-23T10:00:00Z'), DEFAULT_SETTINGS.weights)).to.equal(0);
      expect(await NoticeFile.countDocuments({})).to.equal(2);
      const fileNotices = await Notice.find({ fileId: { $exists: true } }).lean();
      expect(fileNotices.map((n) => n.to).sort()).to.deep.equal(['dm:mgr-week-a', 'dm:mgr-week-b']);
      const texts = await Notice.find({ fileId: { $exists: false } }).lean();
      expect(texts.find((n) => n.to === 'dm:mgr-week-a')!.text).to.match(/^📊 Week of 2026-11-16: 1 orders/);
      expect(texts.find((n) => n.to === 'dm:mgr-week-b')!.text).to.match(/^📊 Отчёт за неделю с 2026-11-16: заказов 0/);

      const files: { to: string; name: string; size: number }[] = [];
      const messenger = {
        isReady: () => true,
        sendText: (to: string, text: string) => t.bot.messenger.sendText(to, text),
        sendFile: async (to: string, f: { name: string; data: Buffer }) => {
          files.push({ to, name: f.name, size: f.data.length });
          return t.bot.messenger.sendFile!(to, f);
        },
      };
      const w = createDeliveryWorker({ messenger, pacing: { perChatMs: 0, perAccountPerMin: 1000 } });
      for (let i = 0; i < 5; i++) await w.tick(new Date(monday.getTime() + i * 1000));
      expect(files.map((f) => f.to).sort()).to.deep.equal(['dm:mgr-week-a', 'dm:mgr-week-b']);
      expect(files[0]!.name).to.match(/^gendan-week-2026-11-16-.*\.xlsx$/);
      expect(files.every((f) => f.size > 1000)).to.equal(true);
      expect((await Notice.find({}).lean()).map((n) => `${n.status}:${n.lastError ?? ''}`).sort()).to.deep.equal(['sent:', 'sent:', 'sent:', 'sent:']);
      // The bot really sent them: the mock puppet holds the two files it was given (it reports
      // an .xlsx attachment's type as unknown, so the mirror stores those as 'other').
      await waitForMessages({ direction: 'out' }, 4);
      const boxes = [...(t.sb.mocker as unknown as { cacheFileBoxPayload: Map<string, { name: string }> }).cacheFileBoxPayload.values()];
      expect(boxes.map((b) => b.name).sort()).to.deep.equal(files.map((f) => f.name).sort());
      expect(await Message.countDocuments({ direction: 'out', type: 'text' })).to.equal(2);
      expect(String(contactA.id)).to.equal('mgr-week-a');
      // The file read back is the week's report.
      const wb = new ExcelJS.Workbook();
      const f = (await NoticeFile.findOne({ _id: fileNotices.find((n) => n.to === 'dm:mgr-week-a')!.fileId }).lean())!;
      const bytes = (Buffer.isBuffer(f.data) ? f.data : Buffer.from((f.data as unknown as { buffer: ArrayBuffer }).buffer)) as unknown as Parameters<typeof wb.xlsx.load>[0];
      await wb.xlsx.load(bytes);
      expect(wb.getWorksheet('Orders')!.getRow(2).getCell(1).value).to.equal('PO-W-1');
    } finally {
      await t.stop();
    }
  });
});
