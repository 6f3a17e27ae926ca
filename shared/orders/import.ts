// Import of purchase orders from where buyers keep them: an XLSX or CSV export of 1C, an ERP or
// a buyer's own sheet. One row is one order line; the rows of one PO follow each other.
//
// The file streams through in batches of orders (50 first, then 500): never all its rows or
// orders in memory at once; the next batch is read and checked while this one is written.
// 1. read (streaming: exceljs' WorkbookReader in a worker thread (xlsx-read.ts), csv-parse over a decoded stream: UTF-8 with or
//    without BOM, else GB18030/GBK), find the header row, map columns to fields (given, else
//    remembered for the source, else recognised from EN/RU/ZH headers);
// 2. check every row (row and column numbers in every problem) and group rows into orders;
// 3. preview: compare with what is stored (by PO number): create, update (a changed planned
//    date is a re-plan with reason "import"), unchanged — a PO whose content print in its
//    supplier's list (one read per supplier) equals the file's is unchanged without a look-up;
// 4. only when confirmed and without a single problem: write — new orders inserted at once,
//    the unique PO number deciding (the numbers stored already are then compared as in 3). A
//    failed import writes nothing (a problem in any later batch takes the inserted orders, their
//    history and board rows back; lists and updates are written once the whole file is through);
//    since each PO is kept by its unique number, importing the same file again changes nothing.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { canSeeSupplier, type ManagerViewer } from '../access/index.js';
import { chunks, writeErrorsOf } from '../db/batches.js';
import { issue, msg, say, ValidationError, withText, type MessageKey, type Params } from '../errors/index.js';
import { events } from '../events/index.js';
import { getLogger } from '../log/index.js';
import { normaliseCode } from '../suppliers/codes.js';
import { Supplier, type SupplierDoc } from '../suppliers/model.js';
import { boardDocOf } from './board.js';
import { contentPrint, rebuildOrderIndex, syncAfterWrite, syncOrderIndexMany } from './list.js';
import { planChange } from './manage.js';
import { CURRENCIES, ImportMapping, INCOTERMS, MILESTONES, Order, OrderBoardRow, OrderEvent, OrderIndex, type MilestoneName, type OrderDoc, type OrderIndexEntry, type OrderLine } from './model.js';
import { dayOf, scanFields } from './rules.js';
import { guardedChange } from './writes.js';
import { xlsxSheets, type Cell, type RawRow } from './xlsx-read.js';

const log = getLogger('orders.import');

// ---- fields and the headers that name them ---------------------------------------------------

export const IMPORT_FIELDS = ['number', 'supplierCode', 'item', 'sku', 'qty', 'unit', 'unitPrice', 'currency', 'incoterms', 'paymentTerms', ...MILESTONES.map((m) => `planned.${m}` as const)] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const REQUIRED: ImportField[] = ['number', 'supplierCode', 'item', 'qty', 'unitPrice'];

/** Template headers per language (the first of each list in HEADERS is English). */
export const TEMPLATE_LANGS = ['en', 'ru', 'az', 'zh'] as const;
export type TemplateLang = (typeof TEMPLATE_LANGS)[number];

export const TEMPLATE_HEADERS: Record<TemplateLang, Record<ImportField, string>> = {
  en: {
    number: 'PO number',
    supplierCode: 'Supplier code',
    item: 'Item',
    sku: 'SKU',
    qty: 'Quantity',
    unit: 'Unit',
    unitPrice: 'Unit price',
    currency: 'Currency',
    incoterms: 'Incoterms',
    paymentTerms: 'Payment terms',
    'planned.confirmed': 'Confirmed by',
    'planned.materials': 'Materials by',
    'planned.production_start': 'Production start',
    'planned.production_done': 'Production done',
    'planned.inspection': 'Inspection',
    'planned.shipped': 'Shipment',
    'planned.customs_cleared': 'Customs cleared',
    'planned.delivered': 'Delivery',
  },
  ru: {
    number: 'Номер заказа',
    supplierCode: 'Код поставщика',
    item: 'Номенклатура',
    sku: 'Артикул',
    qty: 'Количество',
    unit: 'Ед. изм.',
    unitPrice: 'Цена',
    currency: 'Валюта',
    incoterms: 'Инкотермс',
    paymentTerms: 'Условия оплаты',
    'planned.confirmed': 'Подтверждение',
    'planned.materials': 'Материалы',
    'planned.production_start': 'Начало производства',
    'planned.production_done': 'Окончание производства',
    'planned.inspection': 'Инспекция',
    'planned.shipped': 'Отгрузка',
    'planned.customs_cleared': 'Растаможка',
    'planned.delivered': 'Доставка',
  },
  az: {
    number: 'Sifariş nömrəsi',
    supplierCode: 'Təchizatçı kodu',
    item: 'Mal',
    sku: 'Artikul',
    qty: 'Miqdar',
    unit: 'Ölçü vahidi',
    unitPrice: 'Vahidin qiyməti',
    currency: 'Valyuta',
    incoterms: 'İnkoterms',
    paymentTerms: 'Ödəniş şərtləri',
    'planned.confirmed': 'Təsdiq',
    'planned.materials': 'Materiallar',
    'planned.production_start': 'İstehsalın başlanması',
    'planned.production_done': 'İstehsalın sonu',
    'planned.inspection': 'Yoxlama',
    'planned.shipped': 'Yükləmə',
    'planned.customs_cleared': 'Gömrük rəsmiləşdirilməsi',
    'planned.delivered': 'Çatdırılma',
  },
  zh: {
    number: '订单号',
    supplierCode: '供应商代码',
    item: '品名',
    sku: '货号',
    qty: '数量',
    unit: '单位',
    unitPrice: '单价',
    currency: '币种',
    incoterms: '贸易条款',
    paymentTerms: '付款方式',
    'planned.confirmed': '确认日期',
    'planned.materials': '备料日期',
    'planned.production_start': '开始生产',
    'planned.production_done': '生产完成',
    'planned.inspection': '验货日期',
    'planned.shipped': '出货日期',
    'planned.customs_cleared': '清关日期',
    'planned.delivered': '到货日期',
  },
};

// Other names seen in exports (1C, ERPs, buyers' sheets).
const SYNONYMS: Partial<Record<ImportField, string[]>> = {
  number: ['po', 'po no', 'po #', 'order', 'order number', 'order no', 'заказ', '№ заказа', 'номер', 'номер документа', '采购订单号', '订单编号', '合同号'],
  supplierCode: ['supplier', 'vendor', 'vendor code', 'поставщик', 'контрагент', '供应商', '供应商编号', '工厂代码'],
  item: ['product', 'description', 'goods', 'товар', 'наименование', '产品', '货品', '品名规格'],
  sku: ['article', 'part number', 'model', 'артикул', 'код товара', '型号', '料号'],
  qty: ['qty', 'quantity', 'pcs', 'кол-во', 'кол во', '订单数量'],
  unit: ['uom', 'ед', 'единица', '计量单位'],
  unitPrice: ['price', 'unit price', 'цена за ед', '价格', '单价(元)'],
  currency: ['curr', 'валюта', '货币'],
  paymentTerms: ['payment', 'terms', 'оплата', '付款条件'],
  'planned.shipped': ['ship date', 'shipping date', 'etd', 'дата отгрузки', '发货日期', '交期'],
  'planned.delivered': ['eta', 'delivery date', 'дата доставки', '到货'],
  'planned.production_done': ['production finish', 'готовность', '完工日期'],
};

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_:.\-()（）/]+/g, ' ')
    .trim();
const KNOWN = new Map<string, ImportField>();
for (const f of IMPORT_FIELDS) {
  for (const lang of TEMPLATE_LANGS) KNOWN.set(norm(TEMPLATE_HEADERS[lang][f]), f);
  for (const s of SYNONYMS[f] ?? []) if (!KNOWN.has(norm(s))) KNOWN.set(norm(s), f);
}

// ---- remembered mappings -------------------------------------------------------------------

export type Mapping = Partial<Record<ImportField, string>>;

export async function rememberedMapping(source: string): Promise<Mapping | undefined> {
  const m = await ImportMapping.findOne({ source }).lean<{ mapping: string }>();
  return m ? (JSON.parse(m.mapping) as Mapping) : undefined;
}

// ---- reading values ------------------------------------------------------------------------

export interface Problem {
  row: number; // 1-based, as the spreadsheet shows it
  column: number | null; // 1-based
  field: string;
  /** In English; the catalog text rides along (shared/errors) and the route writes it in the reader's language. */
  message: string;
}

/** A problem with its catalog text (row numbers as text: spreadsheets write them without separators). */
const problem = (row: number, column: number | null, field: string, key: MessageKey, params?: Params): Problem => withText({ row, column, field, message: say('en', key, params) }, key, params);

/** Numbers as people write them: `1 234,56`, `1,234.56`, `1.234,56`, `12,5`. */
export function parseNumber(v: Cell): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  let s = v.replace(/[\s\u00a0\u202f'’]/g, '');
  if (!/^[-+]?[\d.,]+$/.test(s)) return undefined;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const dec = lastComma > lastDot ? ',' : '.';
    s = s
      .split(dec === ',' ? '.' : ',')
      .join('')
      .replace(dec, '.');
  } else if (lastComma >= 0) {
    const parts = s.split(',');
    // `1,234` and `1,234,567`: thousands; `12,5` and `12,50`: a decimal comma.
    s = parts.length > 2 || (parts.length === 2 && parts[1]!.length === 3 && /^[-+]?\d{1,3}$/.test(parts[0]!)) ? parts.join('') : parts.join('.');
  } else if (lastDot >= 0 && s.split('.').length > 2) {
    s = s.split('.').join(''); // 1.234.567
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const utcDay = (y: number, m: number, d: number): Date | undefined => {
  const x = new Date(Date.UTC(y, m - 1, d));
  return x.getUTCFullYear() === y && x.getUTCMonth() === m - 1 && x.getUTCDate() === d && y >= 2000 && y <= 2100 ? x : undefined;
};

/**
 * Dates as exports write them: a date cell, an Excel serial number, `2026-12-05`, `2026/12/5`,
 * `05.12.2026`, `5.12.26`, `2026年12月5日`, `12月5日` (the year from `today`: the next such day
 * within a year back or ahead). `d/m/yyyy` only when unambiguous.
 */
export function parseDate(v: Cell, today: Date): Date | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : utcDay(v.getUTCFullYear(), v.getUTCMonth() + 1, v.getUTCDate());
  if (typeof v === 'number') {
    if (v < 36_526 || v > 73_051 || !Number.isInteger(Math.floor(v))) return undefined; // 2000..2100
    const x = new Date(Date.UTC(1899, 11, 30) + Math.floor(v) * 86_400_000);
    return utcDay(x.getUTCFullYear(), x.getUTCMonth() + 1, x.getUTCDate());
  }
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/\s+/g, '');
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/))) return utcDay(+m[1]!, +m[2]!, +m[3]!);
  if ((m = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/))) return utcDay(m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!, +m[2]!, +m[1]!);
  if ((m = s.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/))) {
    const a = +m[1]!;
    const b = +m[2]!;
    if (a > 12 && b <= 12) return utcDay(+m[3]!, b, a);
    if (b > 12 && a <= 12) return utcDay(+m[3]!, a, b);
    return undefined; // 05/06/2026: May or June? refused
  }
  if ((m = s.match(/^(\d{1,2})月(\d{1,2})日?$/))) {
    const y = today.getUTCFullYear();
    const candidates = [y - 1, y, y + 1].map((yy) => utcDay(yy, +m![1]!, +m![2]!)).filter((d): d is Date => Boolean(d));
    return candidates.sort((p, q) => Math.abs(p.getTime() - today.getTime()) - Math.abs(q.getTime() - today.getTime()))[0];
  }
  if ((m = s.match(/^\d{5}(\.\d+)?$/))) return parseDate(Number(s), today);
  return undefined;
}

const CURRENCY_ALIASES: Record<string, string> = {
  '¥': 'CNY',
  RMB: 'CNY',
  人民币: 'CNY',
  元: 'CNY',
  $: 'USD',
  US$: 'USD',
  美元: 'USD',
  '€': 'EUR',
  欧元: 'EUR',
  '₽': 'RUB',
  РУБ: 'RUB',
  'РУБ.': 'RUB',
  RUR: 'RUB',
  HK$: 'HKD',
  '£': 'GBP',
};
export function parseCurrency(v: string): string | undefined {
  const s = v.trim().toUpperCase();
  if ((CURRENCIES as readonly string[]).includes(s)) return s;
  return CURRENCY_ALIASES[s] ?? CURRENCY_ALIASES[v.trim()];
}

const text = (v: Cell): string => (v === null || typeof v === 'object' ? (v instanceof Date ? dayOf(v) : '') : String(v).trim());

// ---- reading files -------------------------------------------------------------------------

export interface ReadOptions {
  /** Sheet name (XLSX); default: the first sheet with recognisable headers. */
  sheet?: string;
  /** Most data rows read; more is refused. */
  maxRows: number;
}

const HEADER_SCAN_ROWS = 30;

/** UTF-8 (BOM or not) when the first bytes decode as such, else GB18030 (a superset of GBK). */
function encodingOf(head: Buffer): 'utf-8' | 'gb18030' {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** The delimiter of the header line: the most frequent of ; , and tab outside quotes. */
function delimiterOf(firstLine: string): string {
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, unquoted.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![1] > 0 ? counts[0]![0] : ',';
}

async function* csvRows(path: string): AsyncGenerator<RawRow> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(65_536);
  let n: number;
  try {
    n = (await fh.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await fh.close();
  }
  const encoding = encodingOf(head.subarray(0, n));
  const firstLine =
    new TextDecoder(encoding)
      .decode(head.subarray(0, n))
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0] ?? '';
  const dec = new TextDecoder(encoding);
  const decode = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, dec.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, dec.decode());
    },
  });
  const parser = createReadStream(path)
    .pipe(decode)
    .pipe(parseCsv({ bom: true, delimiter: delimiterOf(firstLine), relax_column_count: true, relax_quotes: true, skip_empty_lines: false, info: true }));
  for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: rec.info.lines, cells: rec.record.map((c) => (c === '' ? null : c)) };
  }
}

export type FileKind = 'xlsx' | 'csv';

/** XLSX by its bytes (a zip), CSV otherwise. */
export async function kindOf(path: string): Promise<FileKind> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    await fh.read(b, 0, 4, 0);
    return b[0] === 0x50 && b[1] === 0x4b ? 'xlsx' : 'csv';
  } finally {
    await fh.close();
  }
}

const isEmpty = (cells: Cell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** How many of a row's cells name a known field. */
const headerScore = (cells: Cell[]) => cells.filter((c) => typeof c === 'string' && KNOWN.has(norm(c))).length;

/** A file opened for import: its header row found, the data rows after it streamed (never all held at once). */
export interface OpenedFile {
  sheet: string | null;
  headerRow: number;
  headers: string[];
  /** The data rows (empty ones left out); more than maxRows is refused when reached. */
  rows: AsyncIterable<RawRow>;
  /** Data rows read so far. */
  count(): number;
  /** Lets the reader go (at the end, or when the import stops early). */
  close(): Promise<void>;
}

const drain = async (it: AsyncIterator<unknown>) => {
  while (!(await it.next()).done);
};

/** Find the header row (the first of the first rows naming at least three known fields, or the mapping's headers); the data rows follow as they are read. */
export async function openFile(path: string, opts: ReadOptions & { mapping?: Mapping }): Promise<OpenedFile> {
  const kind = await kindOf(path);
  const wanted = new Set(Object.values(opts.mapping ?? {}).map((h) => norm(h!)));
  const isHeader = (cells: Cell[]) => headerScore(cells) >= 3 || (wanted.size > 0 && cells.filter((c) => typeof c === 'string' && wanted.has(norm(c))).length >= Math.min(3, wanted.size));
  const headerOf = async (it: AsyncIterator<RawRow>): Promise<RawRow | undefined> => {
    for (let scanned = 0; ;) {
      const n = await it.next();
      if (n.done) return undefined;
      if (isHeader(n.value.cells)) return n.value;
      if (++scanned > HEADER_SCAN_ROWS) return undefined;
    }
  };
  let count = 0;
  const opened = (sheet: string | null, header: RawRow, it: AsyncIterator<RawRow>, fail: (err: unknown) => unknown, close: () => Promise<unknown>): OpenedFile => ({
    sheet,
    headerRow: header.row,
    headers: header.cells.map((c) => text(c)),
    rows: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          let n: IteratorResult<RawRow>;
          try {
            n = await it.next();
          } catch (err) {
            throw fail(err);
          }
          if (n.done) return;
          if (isEmpty(n.value.cells)) continue; // empty (trailing) rows
          if (count >= opts.maxRows)
            throw new ValidationError(msg('importTooManyRows', { max: opts.maxRows }), [issue('file', 'import.rowOverLimit', { row: String(n.value.row), max: opts.maxRows })]);
          count++;
          yield n.value;
        }
      },
    },
    count: () => count,
    close: async () => {
      await close().catch(() => undefined);
    },
  });
  if (kind === 'csv') {
    const it = csvRows(path);
    const header = await headerOf(it);
    if (!header) {
      await it.return(undefined).catch(() => undefined);
      throw new ValidationError(msg('importNoHeader'), [issue('file', 'import.noHeaderRow')]);
    }
    return opened(
      null,
      header,
      it,
      (err) => err,
      () => it.return(undefined),
    );
  }
  const unreadable = (err: unknown) => (err instanceof ValidationError ? err : new ValidationError(msg('importNotXlsx', { why: (err as Error).message }), [issue('file', 'import.notXlsx')]));
  const sheets = xlsxSheets(path);
  const seen: string[] = [];
  try {
    for (;;) {
      const s = await sheets.next();
      if (s.done) break;
      const ws = s.value;
      seen.push(ws.name);
      const it = ws.rows[Symbol.asyncIterator]();
      if (opts.sheet && ws.name !== opts.sheet) {
        await drain(it); // the reader moves on only after the sheet is read
        continue;
      }
      const header = await headerOf(it);
      if (header) return opened(ws.name, header, it, unreadable, () => sheets.return(undefined));
      await drain(it);
      if (opts.sheet) break;
    }
  } catch (err) {
    await sheets.return(undefined).catch(() => undefined);
    throw unreadable(err);
  }
  await sheets.return(undefined).catch(() => undefined);
  const names = seen.join(', ');
  if (opts.sheet && !seen.includes(opts.sheet)) throw new ValidationError(msg('importNoSuchSheet', { sheet: opts.sheet, sheets: names }), [issue('sheet', 'import.sheets', { sheets: names })]);
  throw new ValidationError(msg('importNoHeaderSheet', { sheets: names }), [issue('sheet', 'import.sheets', { sheets: names })]);
}

// ---- checking rows -------------------------------------------------------------------------

export interface ImportedOrder {
  number: string;
  supplierCode: string;
  incoterms?: string;
  paymentTerms?: string;
  lines: OrderLine[];
  planned: Partial<Record<MilestoneName, Date>>;
  /** First and last row of the order in the file. */
  rows: [number, number];
}

/** Map headers to columns: the mapping given (headers by field), else recognised headers. */
export function columnsOf(headers: string[], mapping: Mapping | undefined): { columns: Partial<Record<ImportField, number>>; mapping: Mapping; problems: Problem[] } {
  const columns: Partial<Record<ImportField, number>> = {};
  const problems: Problem[] = [];
  const byNorm = new Map(headers.map((h, i) => [norm(h), i] as const).filter(([h]) => h));
  if (mapping && Object.keys(mapping).length) {
    for (const [f, h] of Object.entries(mapping) as [ImportField, string][]) {
      if (!h) continue;
      const i = byNorm.get(norm(h));
      if (i === undefined) problems.push(problem(0, null, f, 'import.columnMissing', { header: h }));
      else columns[f] = i;
    }
  } else {
    headers.forEach((h, i) => {
      const f = KNOWN.get(norm(h));
      if (f && columns[f] === undefined) columns[f] = i;
    });
  }
  for (const f of REQUIRED) if (columns[f] === undefined && !problems.some((p) => p.field === f)) problems.push(problem(0, null, f, 'import.noColumn'));
  const used = Object.fromEntries(Object.entries(columns).map(([f, i]) => [f, headers[i!]])) as Mapping;
  return { columns, mapping: used, problems };
}

const PO = /^[A-Za-z0-9][A-Za-z0-9_./-]{1,39}$/;
const ORDER_FIELDS = ['supplierCode', 'incoterms', 'paymentTerms', ...MILESTONES.map((m) => `planned.${m}`)] as const;

/**
 * Checks the rows one by one and groups them into orders (every problem names its row and
 * column): an order is handed out once the row of the next one is read, or at the end. Of the
 * orders handed out only their numbers and rows are kept (a PO appearing again is a problem).
 */
export class RowChecker {
  private readonly seen = new Map<string, [number, number]>();
  private current: ImportedOrder | undefined;
  private prevOrderCells: Partial<Record<ImportField, Cell>> = {};

  constructor(
    private readonly columns: Partial<Record<ImportField, number>>,
    private readonly today: Date,
    readonly problems: Problem[] = [],
  ) {}

  /** One data row; the order before it when this row starts another. */
  push(r: RawRow): ImportedOrder | undefined {
    const { columns, today, problems } = this;
    const at = (f: ImportField): Cell => (columns[f] === undefined ? null : (r.cells[columns[f]!] ?? null));
    const col = (f: ImportField) => (columns[f] === undefined ? null : columns[f]! + 1);
    const bad = (f: ImportField, key: MessageKey, params?: Params) => problems.push(problem(r.row, col(f), f, key, params));
    for (const f of IMPORT_FIELDS) {
      const c = at(f);
      if (c && typeof c === 'object' && !(c instanceof Date)) bad(f, c.error.key, c.error.params);
    }
    // Merged cells (one PO number over its lines) arrive as empty cells below the first: a row
    // without a number continues the order above, and its empty order fields are the order's.
    let number = text(at('number'));
    const current = this.current;
    const continued = !number && current !== undefined;
    if (continued) number = current!.number;
    if (!number) {
      bad('number', 'import.poMissing');
      return undefined;
    }
    if (!PO.test(number)) {
      bad('number', 'import.poShape', { po: number });
      return undefined;
    }
    const prev = this.prevOrderCells;
    const orderCell = (f: ImportField): Cell => {
      const c = at(f);
      return (c === null || c === '') && continued ? (prev[f] ?? null) : c;
    };
    const code = normaliseCode(text(orderCell('supplierCode')));
    if (!code) bad('supplierCode', 'import.codeMissing');
    const incoterms = text(orderCell('incoterms')).toUpperCase() || undefined;
    if (incoterms && !(INCOTERMS as readonly string[]).includes(incoterms)) bad('incoterms', 'import.incoterms', { value: incoterms });
    const paymentTerms = text(orderCell('paymentTerms')) || undefined;
    const planned: Partial<Record<MilestoneName, Date>> = {};
    for (const m of MILESTONES) {
      const f = `planned.${m}` as ImportField;
      const c = orderCell(f);
      if (c === null || c === '' || (typeof c === 'object' && !(c instanceof Date))) continue;
      const d = parseDate(c, today);
      if (!d) bad(f, 'import.notDate', { value: c instanceof Date ? c.toISOString() : String(c) });
      else planned[m] = d;
    }
    // The line.
    const item = text(at('item'));
    if (!item) bad('item', 'import.itemMissing');
    else if (item.length > 200) bad('item', 'import.itemLong', { n: 200 });
    const qty = parseNumber(at('qty'));
    if (qty === undefined) bad('qty', 'import.notNumber', { value: text(at('qty')) });
    else if (qty <= 0) bad('qty', 'import.qtyPositive', { qty: String(qty) });
    else if (qty > 100_000_000) bad('qty', 'import.qtyLarge');
    const price = parseNumber(at('unitPrice'));
    if (price === undefined) bad('unitPrice', 'import.notNumber', { value: text(at('unitPrice')) });
    else if (price < 0) bad('unitPrice', 'import.priceNegative');
    const curText = text(at('currency')) || (continued ? text(prev.currency ?? null) : '');
    const currency = curText ? parseCurrency(curText) : 'USD';
    if (!currency) bad('currency', 'import.currency', { value: curText, options: CURRENCIES.join(', ') });
    const line: OrderLine = {
      item,
      ...(text(at('sku')) ? { sku: text(at('sku')).slice(0, 64) } : {}),
      qty: qty ?? 0,
      unit: text(at('unit')).slice(0, 16) || 'pcs',
      unitPrice: price !== undefined ? String(Number(price.toFixed(4))) : '0',
      currency: currency ?? 'USD',
    };

    let done: ImportedOrder | undefined;
    if (!continued && current && current.number === number) {
      // The same PO again on the next row with its number repeated: another line of it.
    } else if (!continued) {
      const earlier = this.seen.get(number);
      if (earlier) {
        bad('number', 'import.poAgain', { po: number, from: String(earlier[0]), to: String(earlier[1]) });
        return undefined;
      }
      done = current;
      this.current = { number, supplierCode: code, incoterms, paymentTerms, lines: [], planned, rows: [r.row, r.row] };
      this.seen.set(number, this.current.rows);
      this.prevOrderCells = Object.fromEntries(ORDER_FIELDS.map((f) => [f, at(f as ImportField)]).concat([['currency', at('currency')]]));
    }
    const o = this.current!;
    // Order-level values must agree across the PO's lines.
    if (code && o.supplierCode && code !== o.supplierCode) bad('supplierCode', 'import.poSupplierDiffers', { po: number, code: o.supplierCode, row: String(o.rows[0]) });
    for (const m of MILESTONES) {
      const d = planned[m];
      if (d && o.planned[m] && dayOf(d) !== dayOf(o.planned[m]!)) bad(`planned.${m}` as ImportField, 'import.poDateDiffers', { po: number, date: dayOf(o.planned[m]!), row: String(o.rows[0]) });
      else if (d && !o.planned[m]) o.planned[m] = d;
    }
    o.lines.push(line);
    o.rows[1] = r.row;
    return done;
  }

  /** The last order (after the last row). */
  end(): ImportedOrder | undefined {
    const o = this.current;
    this.current = undefined;
    return o;
  }
}

/** The file's orders, checked, a batch at a time: the first one small (writing starts early; it probes, see ImportRun), then `size`. */
async function* orderBatches(rows: AsyncIterable<RawRow>, checker: RowChecker, first: number, size: number): AsyncGenerator<ImportedOrder[]> {
  let batch: ImportedOrder[] = [];
  let limit = first;
  for await (const r of rows) {
    const done = checker.push(r);
    if (!done) continue;
    batch.push(done);
    if (batch.length >= limit) {
      yield batch;
      batch = [];
      limit = size;
    }
  }
  const last = checker.end();
  if (last) batch.push(last);
  if (batch.length) yield batch;
}

/** Reads the next item while the caller works on this one (the next batch is read and checked while this one is written). */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  let finished = false;
  try {
    for (;;) {
      const n = await next;
      if (n.done) {
        finished = true;
        return;
      }
      next = it.next();
      next.catch(() => undefined); // a failure surfaces when awaited
      yield n.value;
    }
  } finally {
    if (!finished) await it.return?.(undefined).catch(() => undefined);
  }
}

// ---- comparing and writing -----------------------------------------------------------------

export interface PlannedOrder {
  number: string;
  supplierCode: string;
  action: 'create' | 'update' | 'unchanged' | 'skip';
  lines: number;
  rows: [number, number];
  changes: string[];
}

export interface ImportResult {
  dryRun: boolean;
  written: boolean;
  sheet: string | null;
  headerRow: number;
  headers: string[];
  mapping: Mapping;
  rows: number;
  counts: { create: number; update: number; unchanged: number; skip: number; problems: number };
  orders: PlannedOrder[];
  problems: Problem[];
}

const sameLines = (a: OrderLine[], b: OrderLine[]) =>
  a.length === b.length &&
  a.every(
    (x, i) =>
      x.item === b[i]!.item &&
      (x.sku ?? '') === (b[i]!.sku ?? '') &&
      x.qty === b[i]!.qty &&
      (x.unit ?? 'pcs') === (b[i]!.unit ?? 'pcs') &&
      Number(x.unitPrice) === Number(b[i]!.unitPrice) &&
      x.currency === b[i]!.currency,
  );

interface Compared {
  plan: PlannedOrder;
  input: ImportedOrder;
  existing?: OrderDoc;
  supplier?: SupplierDoc;
}

const BATCH = 500;
/** What the comparison reads of a stored order (not photos, translations, history). */
const COMPARED = { number: 1, supplierId: 1, status: 1, lines: 1, incoterms: 1, paymentTerms: 1, ...Object.fromEntries(MILESTONES.map((m) => [`milestones.${m}.planned`, 1])) };

type Suppliers = Map<string, SupplierDoc | null>;

const columnOf = (columns: Partial<Record<ImportField, number>>) => (f: ImportField) => (columns[f] === undefined ? null : columns[f]! + 1);

/** Unknown supplier codes are problems (before anything is written). */
function supplierProblems(orders: ImportedOrder[], suppliers: Suppliers, problems: Problem[], columns: Partial<Record<ImportField, number>>): void {
  const col = columnOf(columns);
  for (const o of orders)
    if (o.supplierCode && !suppliers.get(o.supplierCode)) problems.push(problem(o.rows[0], col('supplierCode'), 'supplierCode', 'import.unknownSupplier', { code: o.supplierCode }));
}

/** One order of the file against what is stored under its number (none: a create). */
function planOf(o: ImportedOrder, e: OrderDoc | undefined, suppliers: Suppliers, problems: Problem[], columns: Partial<Record<ImportField, number>>): Compared {
  const s = o.supplierCode ? suppliers.get(o.supplierCode) : undefined;
  const plan: PlannedOrder = { number: o.number, supplierCode: o.supplierCode, action: 'create', lines: o.lines.length, rows: o.rows, changes: [] };
  if (e) {
    if (s && String(e.supplierId) !== String(s._id)) {
      problems.push(problem(o.rows[0], columnOf(columns)('number'), 'number', 'import.poOtherSupplier', { po: o.number }));
    } else if (e.status !== 'open') {
      plan.action = 'skip';
      plan.changes.push(`the order is ${e.status} in Gendan; left as is`);
    } else {
      if (columns.item !== undefined && !sameLines(e.lines ?? [], o.lines)) plan.changes.push('lines');
      if (o.incoterms && o.incoterms !== (e.incoterms ?? undefined)) plan.changes.push('incoterms');
      if (o.paymentTerms && o.paymentTerms !== (e.paymentTerms ?? undefined)) plan.changes.push('paymentTerms');
      for (const m of MILESTONES) {
        const d = o.planned[m];
        const cur = e.milestones?.[m]?.planned;
        if (d && (!cur || dayOf(new Date(cur)) !== dayOf(d))) plan.changes.push(`planned.${m}`);
      }
      plan.action = plan.changes.length ? 'update' : 'unchanged';
    }
  }
  return { plan, input: o, existing: e, supplier: s ?? undefined };
}

/** Stored orders by number: one equality look-up each, a few at a time, the compared fields only. */
async function storedByNumber(numbers: string[]): Promise<Map<string, OrderDoc | null>> {
  // Index-backed; `$in` (even on `_id`) is evaluated by the embedded engine over the whole
  // collection (500 numbers among 4,000 orders: 0.8–1.0 s, as long as 500 look-ups), and even
  // narrowed by supplier it measured slower. Straight through the driver (no query objects
  // built per look-up), 16 at a time, each worker taking the next number as it is done.
  const existing = new Map<string, OrderDoc | null>();
  let next = 0;
  const worker = async () => {
    while (next < numbers.length) {
      const n = numbers[next++]!;
      existing.set(n, await Order.collection.findOne<OrderDoc>({ number: n }, { projection: COMPARED }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, numbers.length) }, worker));
  return existing;
}

/** Orders of the file against what is stored (nothing written): a preview. */
async function compare(orders: ImportedOrder[], suppliers: Suppliers, problems: Problem[], columns: Partial<Record<ImportField, number>>): Promise<Compared[]> {
  const existing = await storedByNumber(orders.map((o) => o.number));
  return orders.map((o) => planOf(o, existing.get(o.number) ?? undefined, suppliers, problems, columns));
}

/** Leave out unset fields (as Mongoose would), in the document and its milestones. */
function withoutUndefined<T extends object>(doc: T): T {
  const out = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as Record<string, unknown>;
  if (out.milestones && typeof out.milestones === 'object') out.milestones = Object.fromEntries(Object.entries(out.milestones as Record<string, object>).map(([k, m]) => [k, withoutUndefined(m)]));
  return out as T;
}

// The listeners' work after imports, in order (tests and benchmarks wait for it).
let listeners: Promise<void> = Promise.resolve();
let pending = 0;
/** Resolves when the listeners have heard of every order imported so far. */
export const importListenersIdle = () => listeners;
/** How many imported orders the listeners have still to hear of. */
export const importListenersPending = () => pending;

/** A new order as stored: built whole here and inserted straight through the driver. */
function newOrderDoc(input: ImportedOrder, supplier: SupplierDoc, now: Date) {
  const milestones = Object.fromEntries(MILESTONES.map((m) => [m, { status: 'pending', planned: input.planned[m], photos: [], replanned: 0 }]));
  return withoutUndefined({
    _id: new Types.ObjectId(),
    number: input.number,
    supplierId: supplier._id,
    supplierCode: supplier.code,
    managerId: supplier.managerId ?? undefined,
    incoterms: input.incoterms,
    paymentTerms: input.paymentTerms ?? supplier.paymentTerms ?? undefined,
    currency: input.lines[0]?.currency ?? 'USD',
    lines: input.lines,
    milestones,
    // The scheduler's fields as every other write sets them: `dueDay` the EARLIEST planned day of
    // any undone milestone (not the next one's: a file without a confirmation date would leave
    // its orders out of the overdue scan), `undated` for the "needs a date" list.
    ...scanFields(milestones as never),
    status: 'open' as const,
    customs: { status: 'none' as const },
    version: 0,
    createdAt: now,
    updatedAt: now,
  }) as unknown as OrderDoc;
}

/** The first orders an import inserts: few, they tell whether the file was imported before. */
const PROBE = 50;

/**
 * One import, a batch of orders at a time (the next batch is read while this one is handled).
 *
 * A preview (dry run, or a file with problems) compares each batch with what is stored. A
 * confirmed import without problems writes as it goes: new orders are inserted optimistically —
 * the unique index on the PO number decides, there is no look-up first (idempotency by the
 * index, never check-then-insert). Only the numbers already stored (the duplicate keys) are
 * looked up and compared: unchanged, a closed one skipped, an update (kept for the end). The
 * first problem — a later row of the file, an unknown supplier code, a PO of another supplier
 * or one gone meanwhile — takes the orders inserted so far back (with their history and board
 * rows, sent behind each batch), and the rest of the file is only previewed: a failed import
 * writes nothing. At the end, without a problem: the suppliers' lists of the new orders
 * (written from the documents in memory; the orders are not read back), then the updates.
 */
class ImportRun {
  readonly plans: PlannedOrder[] = [];
  private readonly suppliers: Suppliers = new Map();
  /** The orders this import inserted (their history, rows and lists are written at the end). */
  private created: OrderDoc[] = [];
  /** Stored orders the file changes (written at the end). */
  private updates: Compared[] = [];
  /** The history entries of the new orders (ids: taken back with them). */
  private history: Types.ObjectId[] = [];
  /** History and board rows of the new orders on their way (awaited before the end or a take-back). */
  private readonly side: Promise<void>[] = [];
  private sideError: Error | undefined;
  private writing: boolean;
  private probed = false;
  private lookFirst = false;
  // Where an import spends its time: LOG_LEVEL=debug (the orders-import bench's IMPORT_PROFILE=1).
  private readonly spent: Record<string, number> = {};

  constructor(
    private readonly v: ManagerViewer,
    private readonly columns: Partial<Record<ImportField, number>>,
    private readonly problems: Problem[],
    confirm: boolean,
    private readonly by: string,
    private readonly now: Date,
  ) {
    this.writing = confirm;
  }

  private async timed<T>(what: string, f: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await f();
    } finally {
      this.spent[what] = (this.spent[what] ?? 0) + performance.now() - t;
    }
  }

  /** Suppliers: one lookup per distinct code (a file names few); one the viewer may not see is "unknown". */
  private async suppliersOf(orders: ImportedOrder[]): Promise<void> {
    const codes = [...new Set(orders.map((o) => o.supplierCode).filter((c) => c && !this.suppliers.has(c)))];
    let next = 0;
    const worker = async () => {
      while (next < codes.length) {
        const code = codes[next++]!;
        const s = await Supplier.findOne({ code }).lean<SupplierDoc>();
        this.suppliers.set(code, s && (await canSeeSupplier(this.v, s._id)) ? s : null);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, codes.length) }, worker)); // 8 at a time
  }

  async batch(orders: ImportedOrder[]): Promise<void> {
    await this.suppliersOf(orders);
    supplierProblems(orders, this.suppliers, this.problems, this.columns);
    if (this.writing && this.problems.length) await this.takeBack();
    const start = this.plans.length;
    await this.timed('lists read', () => this.printsOf(orders));
    const rest = this.unchanged(orders);
    if (!this.writing) for (const c of await this.timed('compared', () => compare(rest, this.suppliers, this.problems, this.columns))) this.plans.push(c.plan);
    else if (rest.length) await this.write(rest);
    if (this.plans.length - start > 1) this.plans.splice(start, Infinity, ...this.plans.slice(start).sort((a, b) => a.rows[0] - b.rows[0])); // in the file's order
    if (this.writing && this.problems.length) await this.takeBack();
  }

  /** Per supplier (by id): the content prints of its open orders by number, from its list (read once per import). */
  private readonly prints = new Map<string, Map<string, string>>();

  private async printsOf(orders: ImportedOrder[]): Promise<void> {
    const ids = new Set<string>();
    for (const o of orders) {
      const s = this.suppliers.get(o.supplierCode);
      if (s && !this.prints.has(String(s._id))) ids.add(String(s._id));
    }
    await Promise.all(
      [...ids].map(async (id) => {
        const idx = await OrderIndex.findOne({ supplierId: new Types.ObjectId(id) }, { data: 1 }).lean<{ data: string }>();
        const m = new Map<string, string>();
        if (idx) for (const e of Object.values(JSON.parse(idx.data) as Record<string, OrderIndexEntry>)) if (e.f) m.set(e.n, e.f);
        this.prints.set(id, m);
      }),
    );
  }

  /**
   * An unchanged re-import is a comparison and nothing more: a PO whose print in its supplier's
   * list equals the print of the order as the file would store it is unchanged (planned so);
   * the others are returned, to be compared with the stored order (or inserted).
   */
  private unchanged(orders: ImportedOrder[]): ImportedOrder[] {
    return orders.filter((o) => {
      const s = this.suppliers.get(o.supplierCode);
      const f = s ? this.prints.get(String(s._id))?.get(o.number) : undefined;
      if (!s || !f || f !== contentPrint(newOrderDoc(o, s, this.now))) return true;
      this.plans.push({ number: o.number, supplierCode: o.supplierCode, action: 'unchanged', lines: o.lines.length, rows: o.rows, changes: [] });
      return false;
    });
  }

  /** New orders inserted at once (the unique number deciding), the numbers stored already compared. */
  private async write(orders: ImportedOrder[]): Promise<void> {
    // ordered: false — a PO number stored already is a duplicate key, compared below. A file
    // imported again would be all duplicates, which the engine refuses one by one (slowly,
    // holding every other request): the import's first few orders probe, and when half of them
    // were stored already the rest is looked up first and only the numbers not found inserted.
    const docs = orders.map((o) => newOrderDoc(o, this.suppliers.get(o.supplierCode)!, this.now));
    const stored = new Set<number>(docs.keys());
    const existing = new Map<string, OrderDoc | null>();
    try {
      for (let i = 0; i < docs.length;) {
        const size = this.probed ? BATCH : PROBE;
        this.probed = true;
        let ks = Array.from({ length: Math.min(size, docs.length - i) }, (_, k) => i + k);
        i += size;
        if (this.lookFirst) {
          for (const [n, e] of await this.timed('looked up', () => storedByNumber(ks.map((k) => orders[k]!.number)))) existing.set(n, e);
          ks = ks.filter((k) => {
            if (!existing.get(orders[k]!.number)) return true;
            stored.delete(k);
            return false;
          });
        }
        if (!ks.length) continue;
        const dups = await this.timed('orders', () =>
          Order.collection
            .insertMany(ks.map((k) => docs[k]) as never[], { ordered: false })
            .then(() => 0)
            .catch((err: unknown) => {
              const errs = writeErrorsOf(err) ?? [];
              for (const w of errs) if (w.code === 11000) stored.delete(ks[w.index]!);
              if (!errs.length || errs.some((w) => w.code !== 11000)) throw err;
              return errs.length;
            }),
        );
        if (!this.lookFirst && dups * 2 >= ks.length) this.lookFirst = true;
      }
    } catch (err) {
      for (const i of stored) this.created.push(docs[i]!);
      await this.takeBack();
      throw err;
    }
    const fresh = [...stored].map((i) => docs[i]!);
    this.created.push(...fresh);
    // Their history and board rows go to the engine now, behind the orders (it takes them while
    // the next batch is read and built); a later problem takes them back with the orders.
    if (fresh.length) {
      const { by, now } = this;
      const history = fresh.map((o) => ({ _id: new Types.ObjectId(), orderId: o._id, at: now, by, kind: 'created', after: { number: o.number }, via: 'import' }));
      this.history.push(...history.map((e) => e._id));
      const side = this.timed('history, rows', () =>
        Promise.all([
          OrderEvent.collection.insertMany(history as never[], { ordered: false }),
          OrderBoardRow.collection.insertMany(fresh.map(boardDocOf) as never[], { ordered: false }).catch(() => undefined),
        ]),
      );
      this.side.push(
        side.then(
          () => undefined,
          (err: Error) => void (this.sideError ??= err),
        ),
      );
    }
    // The numbers stored already: compared with what is there.
    const missing = orders.filter((o, i) => !stored.has(i) && !existing.has(o.number)).map((o) => o.number);
    for (const [n, e] of await this.timed('looked up', () => storedByNumber(missing))) existing.set(n, e);
    orders.forEach((o, i) => {
      if (stored.has(i)) {
        this.plans.push({ number: o.number, supplierCode: o.supplierCode, action: 'create', lines: o.lines.length, rows: o.rows, changes: [] });
        return;
      }
      const e = existing.get(o.number);
      if (!e) this.problems.push(problem(o.rows[0], columnOf(this.columns)('number'), 'number', 'import.poChanged', { po: o.number }));
      const c = planOf(o, e ?? undefined, this.suppliers, this.problems, this.columns);
      this.plans.push(c.plan);
      if (c.plan.action === 'update') this.updates.push(c);
    });
  }

  /** A problem: the orders inserted so far are taken back, the rest of the file is only previewed. */
  private async takeBack(): Promise<void> {
    this.writing = false;
    this.updates = [];
    await Promise.all(this.side.splice(0));
    const created = this.created;
    const history = this.history;
    this.created = [];
    this.history = [];
    await this.timed('undone', () => undo(created, history));
  }

  /** The file could not be read to its end: nothing stays written. */
  async abort(): Promise<void> {
    if (this.created.length) await this.takeBack();
    this.writing = false;
  }

  /** After the last batch: true when written (no problem anywhere). */
  async finish(): Promise<boolean> {
    if (this.writing && this.problems.length) await this.takeBack();
    if (!this.writing) return false;
    const { created, by, now } = this;
    // The suppliers' lists of the new orders (their history and board rows are on their way):
    // each list read once, the new entries merged in, one guarded write. A supplier without a
    // list gets one from these orders; it is rebuilt from its orders in the background (below),
    // in case open orders were stored without a list (outside the app).
    const lists = this.timed('lists', () => syncOrderIndexMany(created, { fromThese: true }));
    await this.timed('history, rows (rest)', () => Promise.all(this.side.splice(0)));
    if (this.sideError) {
      await lists.catch(() => undefined);
      const err = this.sideError;
      await this.takeBack();
      throw err;
    }
    const built = await lists;
    // Changed orders: one guarded write each (lines, terms, and the re-plan with reason "import").
    await this.timed('updates', async () => {
      for (const c of this.updates) await update(c, by, now);
    });
    this.updates = [];
    // The lists built from the import alone are rebuilt from the orders, and the listeners (KPIs,
    // price history) hear of the new orders, after the import has answered, in the background,
    // a batch of up to 500 at a time (`orders.imported`: they work in bulk).
    if (built.length || created.length) {
      const count = created.length;
      pending += count;
      listeners = listeners.then(async () => {
        const t = performance.now();
        const phase = (w: string) =>
          log.isLevelEnabled('debug') &&
          log.debug({ phase: `listeners: ${w}`, atMs: Math.round(performance.now() - t), rssMb: Math.round(process.memoryUsage().rss / 1048576) }, `import listeners: ${w}`);
        for (const sid of built) await rebuildOrderIndex(sid).catch((err: Error) => log.warn({ supplierId: String(sid), err: err.message }, 'import: list rebuild failed; reconciliation will'));
        phase('lists rebuilt');
        while (created.length) {
          const batch = created.splice(0, BATCH); // heard of: let go
          const written = batch.map((after) => ({ before: null, after }));
          await events.emit('orders.imported', { written, now }).catch((err: Error) => log.warn({ orders: batch.length, err: err.message }, 'orders.imported listener failed'));
          pending -= batch.length;
          phase(`heard of ${batch.length}`);
        }
        log.info({ orders: count }, 'import: listeners done');
      });
    }
    this.created = []; // the listeners' now
    return true;
  }

  profile(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.spent).map(([k, ms]) => [k, Math.round(ms)]));
  }
}

/** A changed order: one guarded write (lines, terms, and the re-plan with reason "import"). */
async function update(c: Compared, by: string, now: Date): Promise<void> {
  const res = await guardedChange(
    c.existing!._id,
    undefined,
    (o) => {
      const set: Record<string, unknown> = {};
      const before: Record<string, unknown> = {};
      if (c.plan.changes.includes('lines')) {
        set.lines = c.input.lines;
        before.lines = o.lines;
      }
      if (c.plan.changes.includes('incoterms')) {
        set.incoterms = c.input.incoterms;
        before.incoterms = o.incoterms;
      }
      if (c.plan.changes.includes('paymentTerms')) {
        set.paymentTerms = c.input.paymentTerms;
        before.paymentTerms = o.paymentTerms;
      }
      const plan = planChange(o, c.input.planned, 'import', by, now);
      if (!plan && !Object.keys(set).length) return undefined;
      const after = { ...Object.fromEntries(Object.keys(set).map((k) => [k, set[k]])), ...(plan ? plan.event.after : {}) };
      return { set: { ...set, ...(plan?.set ?? {}) }, event: { kind: plan ? 'replan' : 'updated', before: { ...before, ...(plan?.event.before ?? {}) }, after, reason: 'import', via: 'import' } };
    },
    by,
    now,
  );
  if (res.changed) await syncAfterWrite(res.order);
}

/** Take back the orders an import inserted, their history and board rows (it failed before writing anything else). */
async function undo(created: OrderDoc[], history: Types.ObjectId[]): Promise<void> {
  for (const batch of chunks(created, BATCH)) {
    const ids = batch.map((o) => o._id);
    await Order.collection.deleteMany({ _id: { $in: ids } });
    await OrderBoardRow.collection.deleteMany({ _id: { $in: ids } });
  }
  for (const batch of chunks(history, BATCH)) await OrderEvent.collection.deleteMany({ _id: { $in: batch } });
}

export interface ImportOptions {
  /** Remembered mapping key: "1c", "erp", a file's origin. */
  source?: string;
  mapping?: Mapping;
  sheet?: string;
  /** Write (default: a dry run that only tells what would happen). */
  confirm?: boolean;
  maxRows: number;
  by: string;
  now?: Date;
}

/** Preview (dry run) or write an import file for a viewer, streaming it a batch of orders at a time. */
export async function importOrders(v: ManagerViewer, path: string, o: ImportOptions): Promise<ImportResult> {
  const now = o.now ?? new Date();
  const source = (o.source ?? 'default').trim().slice(0, 64) || 'default';
  const mapping = o.mapping && Object.keys(o.mapping).length ? o.mapping : await rememberedMapping(source);
  const t0 = performance.now();
  const file = await openFile(path, { sheet: o.sheet, maxRows: o.maxRows, mapping });
  let written = false;
  let run: ImportRun | undefined;
  let cols: ReturnType<typeof columnsOf>;
  const problems: Problem[] = [];
  try {
    cols = columnsOf(file.headers, mapping);
    problems.push(...cols.problems);
    if (cols.problems.length) {
      for await (const _ of file.rows); // counted: the preview tells how many rows the file has
    } else {
      const checker = new RowChecker(cols.columns, now, problems);
      run = new ImportRun(v, cols.columns, problems, o.confirm === true, o.by, now);
      try {
        for await (const batch of readAhead(orderBatches(file.rows, checker, PROBE, BATCH))) await run.batch(batch);
      } catch (err) {
        await run.abort();
        throw err;
      }
      written = await run.finish();
    }
  } finally {
    await file.close();
  }
  if (log.isLevelEnabled('debug')) log.debug({ phase: written ? 'written' : 'compared', atMs: Math.round(performance.now() - t0), ...run?.profile() }, 'import done');
  problems.sort((a, b) => a.row - b.row || (a.column ?? 0) - (b.column ?? 0));
  const plans = run?.plans ?? [];
  const count = (a: PlannedOrder['action']) => plans.filter((p) => p.action === a).length;
  const result: ImportResult = {
    dryRun: !o.confirm,
    written: false,
    sheet: file.sheet,
    headerRow: file.headerRow,
    headers: file.headers,
    mapping: cols.mapping,
    rows: file.count(),
    counts: { create: count('create'), update: count('update'), unchanged: count('unchanged'), skip: count('skip'), problems: problems.length },
    orders: plans,
    problems: problems.slice(0, 1000),
  };
  if (!written) return result;
  await ImportMapping.updateOne({ source }, { $set: { mapping: JSON.stringify(cols.mapping), updatedAt: now, updatedBy: o.by } }, { upsert: true }).catch(() => undefined);
  return { ...result, written: true };
}

/** The import template (XLSX) with headers in one language and an example row. */
export async function importTemplate(lang: TemplateLang): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet({ zh: '订单', ru: 'Заказы', az: 'Sifarişlər', en: 'Orders' }[lang]);
  const h = TEMPLATE_HEADERS[lang];
  ws.addRow(IMPORT_FIELDS.map((f) => h[f]));
  ws.addRow([
    'PO-2026-001',
    'A01',
    'Motor 220V',
    'M-220',
    500,
    'pcs',
    12.5,
    'USD',
    'FOB',
    '30/70',
    new Date(Date.UTC(2026, 11, 3)),
    new Date(Date.UTC(2026, 11, 8)),
    new Date(Date.UTC(2026, 11, 11)),
    new Date(Date.UTC(2027, 0, 5)),
    new Date(Date.UTC(2027, 0, 7)),
    new Date(Date.UTC(2027, 0, 10)),
    new Date(Date.UTC(2027, 1, 9)),
    new Date(Date.UTC(2027, 1, 16)),
  ]);
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c, i) => {
    c.width = Math.max(12, (ws.getRow(1).getCell(i + 1).value as string).length + 2);
    if (i >= 10) c.numFmt = 'yyyy-mm-dd';
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
