// Report exports, each written to a file while the orders stream by:
//   CSV  — the order rows, UTF-8 with a BOM so Excel opens Chinese correctly (csv-stringify);
//   XLSX — exceljs streaming writer: Summary, Orders, Suppliers, Overdue, Customs, Managers,
//          Prices; typed cells (numbers, dates), frozen header rows, column widths;
//   PDF  — pdfkit with an embedded CJK font (Noto Sans SC from the npm package @embedpdf/fonts-sc,
//          or PDF_CJK_FONT), the summary and the tables (order rows stay in CSV/XLSX).
import { closeSync, createWriteStream, existsSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import PDFDocument from 'pdfkit';
import { UnavailableError } from '../errors/index.js';
import { buildReport, type OrderRow, type ReportData, type ReportRequest } from './index.js';
import { reportLabel, reportValue } from './labels.js';

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What is wrong with the PDF font of `pdfCjkFont` (PDF_CJK_FONT, from the composition root), if
 * anything, so the start can say it at once (PDF exports then answer 503 with it). */
export function pdfFontProblem(pdfCjkFont?: string): string | undefined {
  try {
    cjkFont(pdfCjkFont);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Noto Sans SC (Adobe's Source Han Sans, Simplified Chinese) shipped as an npm dependency, so a
 * machine needs no system font for Chinese in PDFs. The package's exports name no files, so the
 * path is found next to its entry point. */
function bundledFont(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    return join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
  } catch {
    return '';
  }
}

/** DejaVu Sans (npm dejavu-fonts-ttf) for text without Chinese characters: Noto Sans SC has no
 * Azerbaijani ə, ı, ş, ğ (nor much of Latin Extended), so a PDF for an Azerbaijani reader would
 * lose letters. Empty when the package is missing (everything is then set in the CJK font). */
function latinFont(): string {
  try {
    const path = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
    return existsSync(path) ? path : '';
  } catch {
    return '';
  }
}
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

// First bytes of the font files pdfkit (fontkit) reads: TrueType, OpenType/CFF, collections, WOFF.
const FONT_MAGIC = ['00010000', '74727565', '4f54544f', '74746366', '774f4646', '774f4632'];

function fontMagic(path: string): string | Error {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.toString('hex');
  } catch (err) {
    return err as Error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The font for PDF reports: `configuredFont` (PDF_CJK_FONT) when set, else the bundled Noto Sans
 * SC. A path that is missing or not a font is an UnavailableError that names the variable, not a
 * stack trace. */
export function cjkFont(configuredFont?: string): { path: string; family?: string } {
  const path = configuredFont || bundledFont();
  const source = configuredFont ? `PDF_CJK_FONT=${configuredFont}` : `the bundled font ${path || '@embedpdf/fonts-sc'}`;
  const fix = configuredFont
    ? 'set PDF_CJK_FONT to a .ttf/.otf/.ttc file, or unset it to use the bundled Noto Sans SC'
    : 'reinstall with npm ci (package @embedpdf/fonts-sc), or set PDF_CJK_FONT to a .ttf/.otf/.ttc file';
  const magic = path ? fontMagic(path) : new Error('package not installed');
  if (magic instanceof Error) {
    const why = (magic as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : magic.message;
    throw new UnavailableError(`no CJK font for PDF reports: ${source}: ${why}; ${fix}`);
  }
  if (!FONT_MAGIC.includes(magic)) throw new UnavailableError(`no CJK font for PDF reports: ${source} is not a TrueType/OpenType font; ${fix}`);
  // A collection needs the face's PostScript name; Noto Sans CJK's is the one we know.
  return { path, family: magic === '74746366' ? 'NotoSansCJKsc-Regular' : undefined };
}

const ORDER_COLUMNS: { key: keyof OrderRow; header: string; width: number }[] = [
  { key: 'po', header: 'PO', width: 18 },
  { key: 'supplierCode', header: 'Supplier', width: 14 },
  { key: 'supplierName', header: 'Supplier name', width: 28 },
  { key: 'manager', header: 'Manager', width: 16 },
  { key: 'created', header: 'Ordered', width: 12 },
  { key: 'status', header: 'Status', width: 8 },
  { key: 'currency', header: 'Currency', width: 9 },
  { key: 'value', header: 'Value', width: 14 },
  { key: 'converted', header: 'Converted', width: 14 },
  { key: 'rateDay', header: 'Rate of', width: 12 },
  { key: 'nextMilestone', header: 'Next milestone', width: 18 },
  { key: 'nextPlanned', header: 'Planned', width: 12 },
  { key: 'overdue', header: 'Overdue', width: 9 },
  { key: 'daysLate', header: 'Days late', width: 10 },
];

export async function writeCsv(req: ReportRequest, path: string): Promise<ReportData> {
  const out = createWriteStream(path);
  out.write('\uFEFF');
  const L = (s: string) => reportLabel(s, req.lang);
  const V = (v: string | null) => reportValue(v, req.lang);
  const csv = stringify({ header: true, columns: ORDER_COLUMNS.map((c) => ({ key: c.key, header: L(c.header) })), cast: { boolean: (b) => L(b ? 'yes' : 'no') } });
  csv.pipe(out);
  const data = await buildReport(req, async (row) => {
    if (!csv.write({ ...row, status: V(row.status), converted: row.converted ?? '', rateDay: row.rateDay ?? '', nextMilestone: V(row.nextMilestone), nextPlanned: row.nextPlanned ?? '' }))
      await once(csv, 'drain');
  });
  csv.end();
  await finished(out);
  return data;
}

const num = (s: string | null) => (s === null ? null : Number(s));
const date = (s: string | null) => (s ? new Date(`${s}T00:00:00Z`) : null);

export async function writeXlsx(req: ReportRequest, path: string): Promise<ReportData> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'Gendan';
  const L = (s: string) => reportLabel(s, req.lang);
  const V = (v: string | null) => reportValue(v, req.lang);
  const sheet = (name: string, cols: { header: string; key: string; width: number; numFmt?: string }[]) => {
    const ws = wb.addWorksheet(L(name), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = cols.map((c) => ({ header: L(c.header), key: c.key, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    ws.getRow(1).font = { bold: true };
    return ws;
  };
  const summary = sheet('Summary', [
    { header: 'Figure', key: 'k', width: 34 },
    { header: 'Value', key: 'v', width: 60 },
  ]);
  const money = '#,##0.00##';
  const ordersWs = sheet(
    'Orders',
    ORDER_COLUMNS.map((c) => ({
      header: c.header,
      key: c.key,
      width: c.width,
      numFmt: c.key === 'value' || c.key === 'converted' ? money : c.key === 'created' || c.key === 'rateDay' || c.key === 'nextPlanned' ? 'yyyy-mm-dd' : undefined,
    })),
  );
  const data = await buildReport(req, (row) => {
    ordersWs
      .addRow({
        ...row,
        status: V(row.status),
        nextMilestone: V(row.nextMilestone) || null,
        value: num(row.value),
        converted: num(row.converted),
        created: date(row.created),
        rateDay: date(row.rateDay),
        nextPlanned: date(row.nextPlanned),
        overdue: L(row.overdue ? 'yes' : 'no'),
      })
      .commit();
  });
  await ordersWs.commit();

  const rows: [string, string | number][] = [
    ['Report', data.title],
    ['Period', `${data.from} – ${data.to} (end exclusive)`],
    ['Orders', data.orders],
    ...Object.entries(data.valueByCurrency).map(([c, v]) => [`Value in ${c}`, Number(v)] as [string, number]),
    [`Total in ${data.currency}`, Number(data.converted)],
    ...Object.entries(data.unconverted).map(([c, v]) => [`Not converted (${c}, no rate)`, Number(v)] as [string, number]),
    ['Exchange rates', data.rateNote],
    ['Milestones done', data.milestones.done],
    ['On time', data.milestones.onTimeRate === null ? '—' : data.milestones.onTimeRate],
    ['Average days late', data.milestones.avgDaysLate ?? '—'],
    ['Planned dates moved', data.milestones.replanned],
    ['Overdue now', data.overdue.length],
    ['Customs delays', data.customs.length],
    ['Claims', data.claims ? data.claims.count : 'claims module not installed'],
    ['Generated', data.generatedAt],
  ];
  for (const [k, v] of rows) {
    const r = summary.addRow({ k: L(k), v });
    if (k === 'On time' && typeof v === 'number') r.getCell('v').numFmt = '0.0%';
    r.commit();
  }
  await summary.commit();

  const table = async (name: string, cols: { header: string; key: string; width: number; numFmt?: string }[], items: Record<string, unknown>[]) => {
    const ws = sheet(name, cols);
    for (const it of items) ws.addRow(it).commit();
    await ws.commit();
  };
  await table(
    'Suppliers',
    [
      { header: 'Code', key: 'code', width: 8 },
      { header: 'Name', key: 'name', width: 28 },
      { header: 'Orders', key: 'orders', width: 8 },
      { header: `Value (${data.currency})`, key: 'value', width: 16, numFmt: money },
      { header: 'On time', key: 'onTimeRate', width: 9, numFmt: '0%' },
      { header: 'Score', key: 'score', width: 8 },
      { header: 'Class', key: 'class', width: 7 },
      { header: 'Why', key: 'reasons', width: 60 },
    ],
    data.suppliers.map((s) => ({ ...s, value: Number(s.value) })),
  );
  await table(
    'Overdue',
    [
      { header: 'PO', key: 'po', width: 18 },
      { header: 'Supplier', key: 'supplierCode', width: 14 },
      { header: 'Milestone', key: 'milestone', width: 18 },
      { header: 'Planned', key: 'planned', width: 12, numFmt: 'yyyy-mm-dd' },
      { header: 'Days late', key: 'daysLate', width: 10 },
      { header: 'Manager', key: 'manager', width: 16 },
    ],
    data.overdue.map((o) => ({ ...o, milestone: V(o.milestone), planned: date(o.planned) })),
  );
  await table(
    'Customs',
    [
      { header: 'PO', key: 'po', width: 18 },
      { header: 'Supplier', key: 'supplierCode', width: 14 },
      { header: 'Held', key: 'heldAt', width: 12, numFmt: 'yyyy-mm-dd' },
      { header: 'Status', key: 'status', width: 10 },
      { header: 'Reason', key: 'reason', width: 40 },
    ],
    data.customs.map((c) => ({ ...c, status: V(c.status), heldAt: date(c.heldAt) })),
  );
  await table(
    'Managers',
    [
      { header: 'Rank', key: 'rank', width: 6 },
      { header: 'Manager', key: 'name', width: 20 },
      { header: 'Overdue open', key: 'overdueOpen', width: 13 },
      { header: 'Resolved in time', key: 'resolvedInTime', width: 16 },
      { header: 'Resolved late', key: 'resolved', width: 13 },
      { header: 'Median reply (min)', key: 'replyMedianMin', width: 18 },
      { header: 'Orders', key: 'orders', width: 8 },
    ],
    data.managers as unknown as Record<string, unknown>[],
  );
  await table(
    'Prices',
    [
      { header: 'Item', key: 'item', width: 28 },
      { header: 'Supplier', key: 'supplierCode', width: 14 },
      { header: 'PO', key: 'po', width: 18 },
      { header: 'Ordered', key: 'day', width: 12, numFmt: 'yyyy-mm-dd' },
      { header: 'Unit price', key: 'unitPrice', width: 12, numFmt: money },
      { header: 'Currency', key: 'currency', width: 9 },
      { header: 'Previous', key: 'previous', width: 12, numFmt: money },
      { header: 'Change %', key: 'change', width: 10 },
    ],
    data.prices.map((p) => ({ ...p, day: date(p.day), unitPrice: Number(p.unitPrice), previous: Number(p.previous), change: Number(p.change) })),
  );
  await wb.commit();
  return data;
}

export async function writePdf(req: ReportRequest, path: string): Promise<ReportData> {
  const font = cjkFont(req.pdfCjkFont);
  const data = await buildReport(req);
  const L = (x: string) => reportLabel(x, req.lang);
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: data.title, Author: 'Gendan' } });
  try {
    // pdfkit opens the font here, before any file is written. By path, not through registerFont:
    // doc.table() restores the font of each cell by its path, which only hits pdfkit's font cache
    // when the path was the key (pdfkit 0.20; through a registered name, every cell parsed the 8 MB
    // OpenType font again: 7 s for the test report instead of under 1 s).
    doc.font(font.path, font.family as string);
  } catch (err) {
    const configuredFont = req.pdfCjkFont;
    const source = configuredFont ? `PDF_CJK_FONT=${configuredFont}` : font.path;
    throw new UnavailableError(
      `no CJK font for PDF reports: ${source} could not be read as a font (${(err as Error).message}); set PDF_CJK_FONT to a .ttf/.otf/.ttc file${configuredFont ? ', or unset it to use the bundled Noto Sans SC' : ''}`,
    );
  }
  // Each piece of text in the font that has its letters: Chinese in the CJK font, the rest in DejaVu.
  const latin = latinFont();
  const fontFor = (x: string) => (latin && !CJK.test(x) ? latin : font.path);
  const say = (x: string, size: number, color = 'black') => doc.font(fontFor(x)).fontSize(size).fillColor(color).text(x).fillColor('black').font(font.path);
  const cell = (x: string) => (latin && !CJK.test(x) ? { text: x, font: { src: latin } } : x);
  const out = createWriteStream(path);
  doc.pipe(out);
  say(data.title, 16);
  say(`${data.from} – ${data.to} · ${L('Generated').toLowerCase()} ${data.generatedAt.slice(0, 16).replace('T', ' ')} UTC`, 9, '#555');
  doc.moveDown(0.5);
  const table = (title: string, header: string[], rows: (string | number | null)[][], widths?: (number | string)[]) => {
    doc.moveDown(0.6);
    say(L(title), 12);
    doc.moveDown(0.2);
    doc.fontSize(8);
    if (!rows.length) {
      say(L('none'), 8, '#777');
      return;
    }
    doc.table({
      ...(widths ? { columnStyles: widths } : {}),
      rowStyles: (i) => (i === 0 ? { backgroundColor: '#eeeeee' } : undefined),
      data: [header.map((h) => cell(L(h))), ...rows.map((r) => r.map((c) => cell(c === null || c === undefined ? '—' : String(c))))],
    });
  };
  const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
  table(
    'Summary',
    ['Figure', 'Value'],
    [
      [L('Orders'), data.orders],
      ...Object.entries(data.valueByCurrency).map(([c, v]) => [L(`Value in ${c}`), v]),
      [L(`Total in ${data.currency}`), data.converted],
      ...Object.entries(data.unconverted).map(([c, v]) => [L(`Not converted (${c})`), v]),
      [L('Milestones done / on time'), `${data.milestones.done} / ${pct(data.milestones.onTimeRate)}`],
      [L('Average days late'), data.milestones.avgDaysLate],
      [L('Planned dates moved'), data.milestones.replanned],
      [L('Overdue now'), data.overdue.length],
      [L('Customs delays'), data.customs.length],
      [
        L('Claims'),
        data.claims
          ? `${data.claims.count} ${Object.entries(data.claims.byCurrency)
              .map(([c, v]) => `${v} ${c}`)
              .join(', ')}`
          : '—',
      ],
    ],
    [160, '*'],
  );
  say(data.rateNote, 7, '#555');
  table(
    'Suppliers',
    ['Code', 'Name', 'Orders', `Value ${data.currency}`, 'On time', 'Class', 'Why'],
    data.suppliers.map((s) => [s.code, s.name, s.orders, s.value, pct(s.onTimeRate), s.class ?? '—', s.reasons]),
    [50, 95, 35, 60, 40, 30, '*'],
  );
  table(
    'Overdue now',
    ['PO', 'Supplier', 'Milestone', 'Planned', 'Days late', 'Manager'],
    data.overdue.slice(0, 500).map((o) => [o.po, o.supplierCode, reportValue(o.milestone, req.lang), o.planned, o.daysLate, o.manager]),
  );
  if (data.overdue.length > 500) say(`… and ${data.overdue.length - 500} more (see the XLSX export)`, 7);
  table(
    'Customs delays',
    ['PO', 'Supplier', 'Held', 'Status', 'Reason'],
    data.customs.map((c) => [c.po, c.supplierCode, c.heldAt, reportValue(c.status, req.lang), c.reason]),
  );
  table(
    'Managers',
    ['Rank', 'Manager', 'Overdue open', 'Resolved in time', 'Median reply (min)'],
    data.managers.map((m) => [m.rank, m.name, m.overdueOpen, `${m.resolvedInTime}/${m.resolved}`, m.replyMedianMin]),
  );
  table(
    'Price changes',
    ['Item', 'Supplier', 'PO', 'Date', 'Price', 'Previous', 'Change %'],
    data.prices.slice(0, 300).map((p) => [p.item, p.supplierCode, p.po, p.day, `${p.unitPrice} ${p.currency}`, p.previous, p.change]),
  );
  doc.end();
  await finished(out);
  return data;
}

export async function writeReport(format: ReportFormat, req: ReportRequest, path: string): Promise<ReportData> {
  if (format === 'csv') return writeCsv(req, path);
  if (format === 'xlsx') return writeXlsx(req, path);
  return writePdf(req, path);
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};
