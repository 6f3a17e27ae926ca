// Money: amounts are decimal strings with their currency, computed with decimal.js (never
// floats); exchange rates by date, imported from CSV or entered by an admin; conversion at the
// rate of a given day (the latest rate on or before it, direct or inverse).
import Decimal from 'decimal.js';
import mongoose, { Schema } from 'mongoose';
import { parse as parseCsv } from 'csv-parse/sync';
import { createCache } from '../cache/index.js';
import { issue, msg, NotFoundError, ValidationError } from '../errors/index.js';
import { CURRENCIES } from '../orders/model.js';

export { Decimal };
export type Currency = (typeof CURRENCIES)[number];
export { CURRENCIES };

export const AMOUNT_RE = /^-?\d{1,15}(\.\d{1,4})?$/;
export const RATE_RE = /^\d{1,9}(\.\d{1,10})?$/;

/** Sum of decimal strings, exact. */
export const sum = (xs: (string | Decimal)[]) => xs.reduce<Decimal>((a, x) => a.plus(x), new Decimal(0));
/** qty × unit price, exact. */
export const lineTotal = (qty: number, unitPrice: string) => new Decimal(unitPrice).times(qty);
/** Money for display and storage: 2 decimals at least, up to 4, half-up. */
export function fmt(d: Decimal | string): string {
  const x = new Decimal(d).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);
  return x.decimalPlaces() < 2 ? x.toFixed(2) : x.toString();
}

// One rate per day and pair: 1 `from` = `rate` `to`.
const rateSchema = new Schema(
  {
    pair: { type: String, required: true }, // 'CNY/USD'
    day: { type: String, required: true }, // YYYY-MM-DD
    rate: { type: String, required: true },
    source: { type: String, default: 'manual' }, // manual | import:<file>
    by: { type: String },
    at: { type: Date },
  },
  { versionKey: false },
);
// Serves: one rate per pair and day (upsert), and every rate of a pair (`find({pair})`).
rateSchema.index({ pair: 1, day: 1 }, { unique: true });
export const ExchangeRate = mongoose.model('ExchangeRate', rateSchema);

function checkCurrency(c: string, field: string): Currency {
  if (!(CURRENCIES as readonly string[]).includes(c)) throw new ValidationError(msg('unknownCurrency', { currency: c }), [issue(field, 'field.oneOf', { options: CURRENCIES.join(', ') })]);
  return c as Currency;
}

export async function setRate(day: string, from: string, to: string, rate: string, by: string, source = 'manual'): Promise<void> {
  checkCurrency(from, 'from');
  checkCurrency(to, 'to');
  if (from === to) throw new ValidationError('a rate needs two different currencies', [{ field: 'to', message: 'same as from' }]);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new ValidationError(`not a date: ${day}`, [{ field: 'day', message: 'YYYY-MM-DD' }]);
  if (!RATE_RE.test(rate) || new Decimal(rate).lte(0)) throw new ValidationError(`not a positive rate: ${rate}`, [{ field: 'rate', message: 'a positive decimal' }]);
  await ExchangeRate.updateOne({ pair: `${from}/${to}`, day }, { $set: { rate, source, by, at: new Date() } }, { upsert: true }).catch(async (err) => {
    if ((err as { code?: number }).code !== 11000) throw err;
    await ExchangeRate.updateOne({ pair: `${from}/${to}`, day }, { $set: { rate, source, by, at: new Date() } });
  });
  cache.clear();
}

/**
 * Import `date,from,to,rate` lines (a header line is allowed). All lines are checked first: one
 * bad line refuses the file with its line number, nothing imported.
 */
export async function importRatesCsv(csv: string, by: string, source = 'import'): Promise<number> {
  let rows: string[][];
  try {
    rows = parseCsv(csv.replace(/^\uFEFF/, ''), { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (err) {
    throw new ValidationError(`not a CSV file: ${(err as Error).message}`);
  }
  if (rows[0] && /date/i.test(rows[0][0] ?? '')) rows = rows.slice(1);
  const problems: { field: string; message: string }[] = [];
  rows.forEach((r, i) => {
    const [day = '', from = '', to = '', rate = ''] = r;
    const line = `line ${i + 1}`;
    if (r.length !== 4) problems.push({ field: line, message: 'needs date,from,to,rate' });
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) problems.push({ field: line, message: `bad date ${day}` });
    else if (!(CURRENCIES as readonly string[]).includes(from) || !(CURRENCIES as readonly string[]).includes(to) || from === to)
      problems.push({ field: line, message: `bad currencies ${from}/${to}` });
    else if (!RATE_RE.test(rate) || new Decimal(rate).lte(0)) problems.push({ field: line, message: `bad rate ${rate}` });
  });
  if (problems.length) throw new ValidationError(`${problems.length} bad line(s) in the rates file; nothing imported`, problems.slice(0, 50));
  for (const [day, from, to, rate] of rows as [string, string, string, string][]) await setRate(day, from, to, rate, by, source);
  return rows.length;
}

// Rates of a pair, sorted by day: loaded once per pair and conversion run (reports convert
// thousands of amounts).
const cache = createCache<string, Promise<{ day: string; rate: Decimal }[]>>('money.rates', { max: 1000, ttl: 60_000 });
function ratesOf(pair: string) {
  let p = cache.get(pair);
  if (!p) {
    p = ExchangeRate.find({ pair }, { day: 1, rate: 1 })
      .lean<{ day: string; rate: string }[]>()
      .then((rs) => rs.map((r) => ({ day: r.day, rate: new Decimal(r.rate) })).sort((a, b) => a.day.localeCompare(b.day)));
    cache.set(pair, p);
  }
  return p;
}
export const clearRateCache = () => cache.clear();

function onOrBefore(rs: { day: string; rate: Decimal }[], day: string) {
  let lo = 0;
  let hi = rs.length - 1;
  let found: { day: string; rate: Decimal } | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rs[mid]!.day <= day) {
      found = rs[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface Rate {
  rate: Decimal;
  day: string;
  inverse: boolean;
}

/** The rate from → to for `day`: the latest on or before it, direct or as 1/inverse. */
export async function rateOn(from: string, to: string, day: string): Promise<Rate | undefined> {
  if (from === to) return { rate: new Decimal(1), day, inverse: false };
  const direct = onOrBefore(await ratesOf(`${from}/${to}`), day);
  const inv = onOrBefore(await ratesOf(`${to}/${from}`), day);
  if (direct && (!inv || direct.day >= inv.day)) return { rate: direct.rate, day: direct.day, inverse: false };
  if (inv) return { rate: new Decimal(1).div(inv.rate), day: inv.day, inverse: true };
  return undefined;
}

/** `amount` in `from` converted to `to` at the rate of `day`; throws NotFound when no rate. */
export async function convert(amount: string | Decimal, from: string, to: string, day: string): Promise<{ amount: Decimal; rate: Rate }> {
  const r = await rateOn(from, to, day);
  if (!r) throw new NotFoundError(`no ${from}/${to} rate on or before ${day}`);
  return { amount: new Decimal(amount).times(r.rate), rate: r };
}

export async function listRates(pair?: string, limit = 500) {
  const q = pair ? { pair } : {};
  return ExchangeRate.find(q).sort({ day: -1 }).limit(limit).lean<{ pair: string; day: string; rate: string; source: string }[]>();
}
