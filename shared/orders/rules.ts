// The milestone rules as pure functions: which milestone is next, when an order is overdue,
// how many days late (what the scheduler and the reports count with).
import { MILESTONES, type MilestoneDoc, type MilestoneName, type OrderDoc } from './model.js';

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

type Milestone = MilestoneDoc;

/** The first milestone not done, with its planned date and day (what the scheduler watches). */
export function computeNext(milestones: Partial<Record<MilestoneName, Partial<Milestone>>> | undefined) {
  for (const name of MILESTONES) {
    const m = milestones?.[name];
    if (m?.status !== 'done') {
      const planned = m?.planned ?? undefined;
      return { milestone: name, planned, dueDay: planned ? dayOf(planned) : undefined };
    }
  }
  return undefined;
}

export function isOverdue(order: Pick<OrderDoc, 'next' | 'status'>, now: Date): boolean {
  return order.status === 'open' && Boolean(order.next?.planned && order.next.planned < now && dayOf(order.next.planned) < dayOf(now));
}

export function daysLate(planned: Date, now: Date): number {
  return Math.max(0, Math.floor((Date.parse(dayOf(now)) - Date.parse(dayOf(planned))) / 86_400_000));
}
