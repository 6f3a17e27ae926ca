// Pure order logic: the next milestone the scheduler watches, overdue, days late.
import { expect } from 'chai';
import { computeNext, daysLate, dayOf, isOverdue, MILESTONES } from '../../shared/orders/index.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

describe('orders: next milestone, overdue, days late', () => {
  it('the next milestone is the first one not done, with its planned day', () => {
    const next = computeNext({
      confirmed: { status: 'done', planned: d('2026-11-01') },
      materials: { status: 'pending', planned: d('2026-11-08') },
      production_start: { status: 'pending', planned: d('2026-11-15') },
    });
    expect(next).to.deep.equal({ milestone: 'materials', planned: d('2026-11-08'), dueDay: '2026-11-08' });
  });

  it('a milestone done out of order does not hide an earlier one still pending', () => {
    const next = computeNext({ confirmed: { status: 'pending', planned: d('2026-11-01') }, materials: { status: 'done' } });
    expect(next?.milestone).to.equal('confirmed');
  });

  it('no planned date: the milestone is next but has no due day', () => {
    expect(computeNext({})).to.deep.equal({ milestone: 'confirmed', planned: undefined, dueDay: undefined });
  });

  it('all done: nothing is next', () => {
    expect(computeNext(Object.fromEntries(MILESTONES.map((m) => [m, { status: 'done' as const }])))).to.equal(undefined);
  });

  it('overdue only after the planned day has passed, and only for open orders', () => {
    const next = { milestone: 'materials' as const, planned: d('2026-11-08'), dueDay: '2026-11-08' };
    expect(isOverdue({ status: 'open', next }, new Date('2026-11-08T23:59:00Z'))).to.equal(false);
    expect(isOverdue({ status: 'open', next }, new Date('2026-11-09T00:00:01Z'))).to.equal(true);
    expect(isOverdue({ status: 'closed', next }, new Date('2026-12-09T00:00:00Z'))).to.equal(false);
    expect(isOverdue({ status: 'open', next: { milestone: 'materials', planned: null } }, new Date('2030-01-01'))).to.equal(false);
    expect(isOverdue({ status: 'open', next: null }, new Date('2030-01-01'))).to.equal(false);
  });

  it('days late count calendar days (UTC), never negative', () => {
    expect(daysLate(d('2026-11-01'), new Date('2026-11-24T09:00:00Z'))).to.equal(23);
    expect(daysLate(d('2026-11-24'), new Date('2026-11-24T23:00:00Z'))).to.equal(0);
    expect(daysLate(d('2026-12-01'), new Date('2026-11-24T09:00:00Z'))).to.equal(0);
    expect(dayOf(new Date('2026-02-28T23:59:59Z'))).to.equal('2026-02-28');
  });
});
