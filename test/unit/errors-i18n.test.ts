// Error texts in every manager language: each catalog entry has English, Russian and
// Azerbaijani, with no placeholder the English does not fill; errors render in the reader's
// language and keep the `{ field, message }` details shape; the files a manager meets day to day
// throw no English-only text any more.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ZodError, z } from 'zod';
import {
  ConflictError,
  ERROR_LANGS,
  ForbiddenError,
  MESSAGES,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
  detailsIn,
  issue,
  problemsIn,
  messageIn,
  msg,
  say,
  type MessageKey,
} from '../../shared/errors/index.js';
import { zodDetails } from '../../server/errors.js';
import { fmtNumber, fmtPercent } from '../../shared/i18n/index.js';
import { parseCommand } from '../../shared/commands/index.js';
import { RowChecker, columnsOf } from '../../shared/orders/import.js';
import { doubtMsg } from '../../shared/facts/texts.js';

const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
// Entries whose text is the same in every language (a list, a code).
const SAME_EVERYWHERE = new Set<MessageKey>(['field.options']);

describe('error texts in the manager languages', () => {
  it('every error key has an English, a Russian and an Azerbaijani text, with only the English placeholders', () => {
    const missing: string[] = [];
    for (const key of Object.keys(MESSAGES) as MessageKey[]) {
      const e: Record<string, string | undefined> = MESSAGES[key];
      const en = placeholders(e.en!);
      for (const lang of ERROR_LANGS) {
        const text = e[lang];
        if (!text?.trim()) missing.push(`${key}: no ${lang}`);
        else if ([...placeholders(text)].some((p) => !en.has(p))) missing.push(`${key}: ${lang} has a placeholder the English lacks`);
        else if (lang !== 'en' && text === e.en && !SAME_EVERYWHERE.has(key)) missing.push(`${key}: ${lang} is the English`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it('an error is written in the reader’s language, English by default and in .message', () => {
    const err = new ConflictError(msg('orderExists', { po: 'PO-1' }), [issue('number', 'orderExists', { po: 'PO-1' })]);
    expect(err.message).to.equal('order PO-1 exists already');
    expect(messageIn(err, 'az')).to.equal('PO-1 sifarişi artıq mövcuddur');
    expect(messageIn(err, 'ru')).to.equal('заказ PO-1 уже есть');
    expect(messageIn(err, 'xx')).to.equal('order PO-1 exists already');
    // The details keep their shape (JSON, deep-equal) and are rendered per language.
    expect(err.details).to.deep.equal([{ field: 'number', message: 'order PO-1 exists already' }]);
    expect(JSON.parse(JSON.stringify(err.details))).to.deep.equal([{ field: 'number', message: 'order PO-1 exists already' }]);
    expect(detailsIn(err.details!, 'az')).to.deep.equal([{ field: 'number', message: 'PO-1 sifarişi artıq mövcuddur' }]);
    // An English-only text stays English in every language (the fallback).
    expect(messageIn(new ValidationError('something new'), 'az')).to.equal('something new');
  });

  it('the default messages of the error classes have texts, and the old English stays', () => {
    const defaults = [new NotFoundError(), new ForbiddenError(), new UnauthorizedError(), new RateLimitedError(), new UnavailableError()];
    expect(defaults.map((e) => e.message)).to.deep.equal(['not found', 'forbidden', 'unauthorized', 'too many requests', 'service unavailable']);
    expect(defaults.map((e) => messageIn(e, 'az'))).to.deep.equal(['tapılmadı', 'giriş qadağandır', 'giriş tələb olunur', 'həddindən çox sorğu', 'xidmət əlçatan deyil']);
  });

  it('one number family for the server’s texts: counts and shares in each manager language', () => {
    expect([fmtNumber('az', 1234.5), fmtNumber('ru', 1234.5), fmtNumber('en', 1234.5)]).to.deep.equal(['1.234,5', '1\u00a0234,5', '1,234.5']);
    expect([fmtPercent('az', 0.875), fmtPercent('ru', 0.875), fmtPercent('en', 0.875), fmtPercent('az', null)]).to.deep.equal(['88%', '88\u00a0%', '88%', '—']);
    expect(fmtPercent('az', 0.125, 1)).to.equal('12,5%');
  });

  it('numbers in a text follow the reader’s locale', () => {
    expect(say('az', 'field.maxChars', { n: 1200 })).to.equal('ən çoxu 1.200 simvol');
    expect(say('en', 'field.maxChars', { n: 1200 })).to.equal('at most 1,200 characters');
  });

  it('zod problems are written by their code in the reader’s language', () => {
    const schema = z.object({ name: z.string().min(1), qty: z.number().int().max(5), kind: z.enum(['a', 'b']), day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD') }).strict();
    const r = schema.safeParse({ qty: 9, kind: 'c', day: 'x', extra: 1 });
    const az = detailsIn(zodDetails(r.error as ZodError), 'az');
    expect(az).to.deep.equal([
      { field: 'name', message: 'tələb olunur' },
      { field: 'qty', message: 'ən çoxu 5' },
      { field: 'kind', message: 'bunlardan biri: a, b' },
      { field: 'day', message: 'tarix İİİİ-AA-GG formatında olmalıdır' },
      { field: '(body)', message: 'naməlum sahələr: extra' },
    ]);
  });

  it('a bad command argument has its text in the catalog', () => {
    const r = parseCommand('/plan PO-1 shipped tomorrowish');
    expect(r.ok).to.equal(false);
    if (r.ok || !('text' in r)) throw new Error('expected a failure with a text');
    expect(r.error).to.equal('"tomorrowish" is not a date (YYYY-MM-DD)');
    expect(messageIn({ message: r.error, text: r.text }, 'az')).to.equal('«tomorrowish» tarix deyil (İİİİ-AA-GG)');
  });

  // The files behind the orders, claims, contacts and account forms, access and the console: a
  // new error there says what it says through the catalog (shared/errors/messages.ts).
  const DAILY = [
    'shared/orders',
    'shared/claims',
    'shared/managers/accounts.ts',
    'shared/suppliers/profile.ts',
    'shared/suppliers/directory.ts',
    'shared/suppliers/resolve.ts',
    'server/routes/orders.ts',
    'server/routes/reports.ts',
    'server/routes/claims.ts',
    'server/console',
    'shared/inbox',
  ];
  it('the day-to-day error sites throw catalog texts, not English-only strings', () => {
    const files: string[] = [];
    const walk = (p: string) => {
      if (p.endsWith('.ts')) return void files.push(p);
      for (const e of readdirSync(p, { withFileTypes: true })) if (e.isDirectory() ? e.name !== 'web' : e.name.endsWith('.ts')) walk(join(p, e.name));
    };
    DAILY.forEach(walk);
    const english = files.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/new (?:Validation|NotFound|Forbidden|Unauthorized|Conflict|RateLimited|Unavailable)Error\(\s*['`][^\n]*/g)].map((m) => `${f}: ${m[0].slice(0, 90)}`),
    );
    expect(english).to.deep.equal([]);
  });

  it("the order import's problems come from the catalog: no English-only text for a row, a column, a cell or the file", () => {
    const src = readFileSync('shared/orders/import.ts', 'utf8');
    const english = [...src.matchAll(/(?:message: ['`"]|bad\([^,]+, ['`"](?!import\.)|\{ error: ['`"]|field: '\w+', message)[^\n]*/g)].map((m) => m[0].slice(0, 90));
    expect(english).to.deep.equal([]);
  });

  it("an import's row problems are written in the reader's language and keep their row, column and field", () => {
    const headers = ['PO number', 'Supplier code', 'Item', 'Quantity', 'Unit price', 'Currency', 'Incoterms', 'Shipment'];
    const cols = columnsOf(headers, undefined);
    const checker = new RowChecker(cols.columns, new Date('2026-11-25T00:00:00Z'));
    checker.push({ row: 2, cells: ['PO-1', 'A01', 'Motor', '5', '1,50', 'USD', 'FOB', '2026-12-05'] });
    checker.push({ row: 3, cells: ['PO-1', 'A02', '', 'many', '-1', 'XYZ', 'ABC', '2026-12-06'] });
    checker.push({ row: 4, cells: ['P', 'A01', 'Fan', '1', '1', 'USD', null, null] });
    checker.push({ row: 5, cells: [null, null, 'x'.repeat(201), '0', '1', null, null, { error: msg('import.formulaNoResult', { formula: 'B2*2' }) }] });
    const rows = (lang: string) => problemsIn(checker.problems, lang).map((p) => `${p.row}:${p.column}:${p.field}: ${p.message}`);
    expect(rows('az')).to.deep.equal([
      '3:7:incoterms: naməlum İnkoterms şərti «ABC»',
      '3:3:item: malın adı yoxdur',
      '3:4:qty: ədəd deyil: «many»',
      '3:5:unitPrice: vahidin qiyməti mənfi ola bilməz',
      '3:6:currency: naməlum valyuta «XYZ» (CNY, USD, EUR, RUB, HKD, GBP)',
      '3:2:supplierCode: PO-1 sifarişi üçün 2 nömrəli sətirdə A01 təchizatçısı göstərilib',
      '3:8:planned.shipped: PO-1 sifarişi üçün 2 nömrəli sətirdə 2026-12-05 göstərilib',
      '4:1:number: sifariş nömrəsi «P»: yalnız hərflər, rəqəmlər və - _ . / (2–40 simvol)',
      '5:8:planned.shipped: =B2*2 düsturunun saxlanmış nəticəsi yoxdur (faylı Excel-də açıb yadda saxlayın)',
      '5:3:item: malın adı 200 simvoldan uzundur',
      '5:4:qty: miqdar müsbət olmalıdır (göstərilib: 0)',
    ]);
    expect(rows('ru').slice(5, 7)).to.deep.equal(['3:2:supplierCode: у заказа PO-1 в строке 2 поставщик A01', '3:8:planned.shipped: у заказа PO-1 в строке 2 указано 2026-12-05']);
    // `.message` stays English (logs, scripted callers); an unknown language reads English.
    expect(checker.problems.map((p) => p.message)).to.deep.equal(rows('xx').map((l) => l.slice(l.indexOf(': ') + 2)));
    expect(checker.problems[5]).to.deep.equal({ row: 3, column: 2, field: 'supplierCode', message: 'PO PO-1 has supplier A01 on row 2' });
    // The header row: a mapped column the file lacks, a required field nothing maps to.
    const mapped = columnsOf(headers, { number: 'PO number', supplierCode: 'Vendor', item: 'Item', qty: 'Quantity' });
    expect(problemsIn(mapped.problems, 'az').map((p) => `${p.row}:${p.column}:${p.field}: ${p.message}`)).to.deep.equal([
      '0:null:supplierCode: «Vendor» sütunu faylda yoxdur',
      '0:null:unitPrice: bu sahəyə heç bir sütun uyğunlaşdırılmayıb',
    ]);
  });

  it('every doubt the recognizers write in English has a catalog text (a proposal shows it in the reader’s language)', () => {
    const src = ['shared/facts/dates.ts', 'shared/facts/recognize.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
    // `uncertain: 'text'` and `uncertain: cond ? undefined : 'text'`.
    const found = [...new Set([...src.matchAll(/uncertain: (?:[^\n]*? \? undefined : )?'([^']+)'/g)].map((m) => m[1]!))];
    expect(found).to.include.members(['a week, not a day', 'approximate day', 'impossible date', 'check digit does not match', 'start not named: from the message day']);
    expect(found.filter((t) => !doubtMsg(t))).to.deep.equal([]);
    expect([doubtMsg('PO 0999 is not an open order of this supplier'), doubtMsg('something new')]).to.deep.equal([{ key: 'doubt.poNotOpen', params: { po: '0999' } }, null]);
    expect(say('az', 'doubt.week')).to.equal('gün deyil, həftə');
  });
});
