// Pure parts of the notices outbox: pacing arithmetic, backoff, quiet hours, Chinese public
// holidays and the notice texts.
import { expect } from 'chai';
import { backoffMs, createPacer } from '../../shared/notices/pacing.js';
import { deliverableFrom, holidayScheduleKnownUntil, isChinesePublicHoliday, respectsHolidays, safeZone } from '../../shared/notices/calendar.js';
import { customsForManager, overdueForManager, overdueForSupplier, preShipmentForSupplier } from '../../shared/notices/texts.js';

const at = (iso: string) => new Date(iso);

describe('notices: pacing', () => {
  it('keeps a second between two sends into one chat', () => {
    const p = createPacer({ perChatMs: 1000, perAccountPerMin: 600 });
    p.record('dm:a', 0);
    expect(p.canSend('dm:a', 999)).to.equal(false);
    expect(p.chatFreeAt('dm:a', 500)).to.equal(1000);
    expect(p.canSend('dm:b', 500)).to.equal(true); // another chat is not held back
    expect(p.canSend('dm:a', 1000)).to.equal(true);
  });

  it('spreads 40/min evenly (a burst of 2 at most) and never exceeds 40 in any minute', () => {
    const p = createPacer({ perChatMs: 0, perAccountPerMin: 40 });
    const sends: number[] = [];
    for (let t = 0; t <= 5 * 60_000; t += 100) {
      if (p.canSend(`dm:${t}`, t)) {
        p.record(`dm:${t}`, t);
        sends.push(t);
      }
    }
    expect(sends.slice(0, 4)).to.deep.equal([0, 100, 1500, 3000]); // two back to back, then 1.5 s apart
    for (const s of sends) expect(sends.filter((x) => x > s - 60_000 && x <= s).length).to.be.at.most(40);
    expect(sends.length).to.be.within(199, 201); // 40/min for 5 minutes, not less
  });

  it('a restarted worker seeded with the last minute waits for the window', () => {
    const p = createPacer({ perChatMs: 0, perAccountPerMin: 3 });
    for (const t of [1_000, 30_000, 58_000]) p.record('dm:x', t);
    expect(p.accountFreeAt(59_000)).to.equal(61_000);
  });

  it('backs off exponentially with bounded jitter', () => {
    expect(backoffMs(1, 1000, () => 0)).to.equal(750);
    expect(backoffMs(1, 1000, () => 1)).to.equal(1250);
    expect(backoffMs(4, 1000, () => 0.5)).to.equal(8000);
  });
});

describe('notices: quiet hours and holidays', () => {
  it("waits out the recipient's night in their own time zone", () => {
    // 23:30 in Shanghai -> 08:00 next morning there.
    expect(deliverableFrom(at('2026-11-24T15:30:00Z'), 'Asia/Shanghai', { respectHolidays: false }).toISOString()).to.equal('2026-11-25T00:00:00.000Z');
    // 06:00 in Moscow -> 08:00 Moscow the same day.
    expect(deliverableFrom(at('2026-11-24T03:00:00Z'), 'Europe/Moscow', { respectHolidays: false }).toISOString()).to.equal('2026-11-24T05:00:00.000Z');
    // 10:00 in Moscow goes at once.
    expect(deliverableFrom(at('2026-11-24T07:00:00Z'), 'Europe/Moscow', { respectHolidays: false }).toISOString()).to.equal('2026-11-24T07:00:00.000Z');
  });

  it('knows the published holidays and that a Saturday is no holiday', () => {
    expect(isChinesePublicHoliday('2025-10-01')).to.equal(true);
    expect(isChinesePublicHoliday('2026-02-17')).to.equal(true); // Spring Festival
    expect(isChinesePublicHoliday('2026-10-07')).to.equal(true); // National Day week
    expect(isChinesePublicHoliday('2026-10-10')).to.equal(false); // a make-up working Saturday
    expect(isChinesePublicHoliday('2026-11-28')).to.equal(false); // a plain Saturday
  });

  it('falls back to the statutory days for a year whose schedule is not published yet', () => {
    expect(holidayScheduleKnownUntil()).to.be.at.least(2026);
    if (holidayScheduleKnownUntil() >= 2027) return; // the library learned 2027: nothing to fall back on
    expect(isChinesePublicHoliday('2027-01-01')).to.equal(true);
    expect(isChinesePublicHoliday('2027-02-05')).to.equal(true); // New Year's Eve (lunar)
    expect(isChinesePublicHoliday('2027-02-08')).to.equal(true); // lunar 1/3
    expect(isChinesePublicHoliday('2027-02-09')).to.equal(false);
    expect(isChinesePublicHoliday('2027-06-09')).to.equal(true); // Dragon Boat
    expect(isChinesePublicHoliday('2027-09-15')).to.equal(true); // Mid-Autumn
    expect(isChinesePublicHoliday('2027-10-03')).to.equal(true);
    expect(isChinesePublicHoliday('2027-10-04')).to.equal(false);
  });

  it("defers a supplier reminder past the holiday, never a manager's notice", () => {
    const after = deliverableFrom(at('2026-10-01T03:00:00Z'), 'Asia/Shanghai', { respectHolidays: true });
    expect(after.toISOString()).to.equal('2026-10-08T01:00:00.000Z'); // 09:00 on the first working day
    expect(respectsHolidays('overdue', { kind: 'supplier' })).to.equal(true);
    expect(respectsHolidays('message', { kind: 'supplier' })).to.equal(false); // a person's /reply
    expect(respectsHolidays('overdue', { kind: 'manager' })).to.equal(false);
  });

  it('a bad stored time zone falls back instead of stopping delivery', () => {
    expect(safeZone('Mars/Olympus', 'UTC')).to.equal('UTC');
    expect(safeZone('Asia/Shanghai', 'UTC')).to.equal('Asia/Shanghai');
  });
});

describe('notices: texts', () => {
  const f = { po: 'PO-2026-017', code: 'D12 AUGI', milestone: 'production_done', planned: '2026-11-20', daysLate: 4 };

  it('overdue to a supplier: Chinese first, with PO, code, milestone, planned date and days late; English below', () => {
    const t = overdueForSupplier(f);
    const [zh, en] = t.split('\n');
    expect(zh).to.include('PO-2026-017').and.include('D12 AUGI').and.include('生产完成').and.include('2026-11-20').and.include('已逾期 4 天');
    expect(en).to.include('PO-2026-017').and.include('production done').and.include('4 day(s) late');
    expect(t.length).to.be.below(200);
  });

  it('overdue to a manager in their language', () => {
    expect(overdueForManager(f, 'en')).to.equal('⏰ PO-2026-017 (D12 AUGI): production done planned 2026-11-20 is 4 day(s) late.');
    expect(overdueForManager(f, 'ru')).to.include('окончание производства').and.include('2026-11-20').and.include('просрочка 4 дн.');
  });

  it('pre-shipment and customs', () => {
    expect(preShipmentForSupplier({ po: 'PO-1', code: 'A01', planned: '2026-12-01' }))
      .to.include('2026-12-01')
      .and.include('请确认');
    expect(customsForManager({ po: 'PO-1', code: 'A01', status: 'held', reason: '海关查验', expected: '2026-12-05' }, 'ru')).to.equal(
      '🛃 PO-1 (A01): таможня — задержка: 海关查验, ожидается 2026-12-05.',
    );
  });
});
