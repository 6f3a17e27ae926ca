// The milestone rules as pure functions: which milestone is next, which milestones are overdue
// (every one with a passed planned day and not done — not only the first unfinished), who owns
// a milestone, how many days late (what the scheduler and the reports count with).
import { MILESTONES, type MilestoneDoc, type MilestoneName, type OrderDoc } from './model.js';

export const dayOf = (d: Date) => d.toISOString().slice(0, 10);

type Milestone = MilestoneDoc;
type Milestones = Partial<Record<MilestoneName, Partial<Milestone>>> | undefined;

/**
 * Who answers for a milestone (docs/product-rules.md "Orders and milestones"): confirmation
 * through shipment are the factory's (reminders to the supplier's chat and the manager); import
 * customs clearance and delivery are the buyer's (reminders to the manager only).
 */
export type OwnerSide = 'supplier' | 'buyer';
export const BUYER_MILESTONES: readonly MilestoneName[] = ['customs_cleared', 'delivered'];
export const ownerOf = (m: MilestoneName): OwnerSide => (BUYER_MILESTONES.includes(m) ? 'buyer' : 'supplier');

/** The first milestone not done, with its planned date and day (what the order views show). */
export function computeNext(milestones: Milestones) {
  for (const name of MILESTONES) {
    const m = milestones?.[name];
    if (m?.status !== 'done') {
      const planned = m?.planned ?? undefined;
      return { milestone: name, planned, dueDay: planned ? dayOf(planned) : undefined };
    }
  }
  return undefined;
}

/**
 * The order's scan key (top-level `dueDay`): the EARLIEST planned day of any milestone not done.
 * The scheduler finds an order on that day; from then on it watches the order until no
 * milestone is overdue, so a late third milestone is seen even while the first is on time.
 */
export function computeDueDay(milestones: Milestones): string | undefined {
  let min: string | undefined;
  for (const name of MILESTONES) {
    const m = milestones?.[name];
    if (m?.status === 'done' || !m?.planned) continue;
    const d = dayOf(new Date(m.planned));
    if (!min || d < min) min = d;
  }
  return min;
}

/** Milestones not done that have no planned date (the daily "needs a date" list). */
export const undatedMilestones = (milestones: Milestones): MilestoneName[] => MILESTONES.filter((n) => milestones?.[n]?.status !== 'done' && !milestones?.[n]?.planned);

/** The scheduler's fields of an order, derived from its milestones (every milestone write sets them). */
export function scanFields(milestones: Milestones) {
  const next = computeNext(milestones);
  return { next: next ?? null, dueDay: computeDueDay(milestones) ?? null, undated: undatedMilestones(milestones).length > 0 };
}

export interface LateMilestone {
  milestone: MilestoneName;
  planned: Date;
  daysLate: number;
  owner: OwnerSide;
}

/** Every milestone overdue at `now`: planned day passed, not done (in chain order). */
export function overdueMilestones(order: { status?: string; milestones?: Milestones }, now: Date): LateMilestone[] {
  if (order.status !== 'open') return [];
  const today = dayOf(now);
  const out: LateMilestone[] = [];
  for (const name of MILESTONES) {
    const m = order.milestones?.[name];
    if (!m || m.status === 'done' || !m.planned) continue;
    const planned = new Date(m.planned);
    if (dayOf(planned) < today) out.push({ milestone: name, planned, daysLate: daysLate(planned, now), owner: ownerOf(name) });
  }
  return out;
}

/**
 * Overdue: some milestone's planned day has passed and it is not done. With the milestones at
 * hand every milestone counts; a projection without them falls back to the next milestone.
 */
export function isOverdue(order: Pick<OrderDoc, 'next' | 'status'> & { milestones?: Milestones }, now: Date): boolean {
  if (order.milestones) return overdueMilestones(order, now).length > 0;
  return order.status === 'open' && Boolean(order.next?.planned && order.next.planned < now && dayOf(order.next.planned) < dayOf(now));
}

/**
 * How many days the order is behind: its most late milestone (0 when none is late), as the board,
 * /overdue and the reports count it; a projection without the milestones goes by its next one.
 * `late`: the order's overdueMilestones when the caller has them already.
 */
export function daysBehind(order: Pick<OrderDoc, 'next' | 'status'> & { milestones?: Milestones }, now: Date, late = order.milestones ? overdueMilestones(order, now) : undefined): number {
  if (late) return Math.max(0, ...late.map((l) => l.daysLate));
  return isOverdue(order, now) && order.next?.planned ? daysLate(order.next.planned, now) : 0;
}

export function daysLate(planned: Date, now: Date): number {
  return Math.max(0, Math.floor((Date.parse(dayOf(now)) - Date.parse(dayOf(planned))) / 86_400_000));
}
