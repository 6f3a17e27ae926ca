// The import's readers of numbers and dates as exports write them (pure functions).
import { expect } from 'chai';
import { parseDate, parseNumber } from '../../shared/orders/import.js';

const TODAY = new Date('2026-11-25T00:00:00Z');
const d = (v: Parameters<typeof parseDate>[0]) => parseDate(v, TODAY)?.toISOString().slice(0, 10);

describe('order import: numbers and dates', () => {
  it('reads thousands separators and decimal commas', () => {
    expect(['1 234,56', '1,234.56', '1.234,56', '12,5', '1,234', '1.234.567', '1\u00a0000', '500', '-5'].map((s) => parseNumber(s))).to.deep.equal([
      1234.56, 1234.56, 1234.56, 12.5, 1234, 1234567, 1000, 500, -5,
    ]);
    expect(parseNumber('abc')).to.equal(undefined);
    expect(parseNumber(12.5)).to.equal(12.5);
  });

  it('reads dates as Excel serials and as text; refuses ambiguous and impossible ones', () => {
    expect([d(46_361), d('2026/12/5'), d('05.12.2026'), d('5.12.26'), d('12月5日'), d('2026年12月5日'), d('2026-12-05'), d('25/12/2026'), d(new Date(Date.UTC(2026, 11, 5)))]).to.deep.equal([
      '2026-12-05',
      '2026-12-05',
      '2026-12-05',
      '2026-12-05',
      '2026-12-05',
      '2026-12-05',
      '2026-12-05',
      '2026-12-25',
      '2026-12-05',
    ]);
    expect(d('1月10日'), 'the nearest such day: next January').to.equal('2027-01-10');
    expect([d('05/06/2026'), d('2026-13-01'), d('31.02.2026'), d('soon'), d(12)]).to.deep.equal([undefined, undefined, undefined, undefined, undefined]);
  });
});
