// Manager benchmarking: managers of a month ranked by overdue milestones open, overdue ones
// resolved in time, and median reply time.
import { Manager, type ManagerDoc } from '../managers/model.js';
import { listOverdue } from '../orders/index.js';
import { ManagerKpi, type ManagerKpiDoc } from './model.js';
import { quantile } from './scorecard.js';

export interface ManagerRow {
  managerId: string;
  name: string;
  replies: number;
  replyMedianMin: number | null;
  overdueOpen: number;
  resolved: number;
  resolvedInTime: number;
  orders: number;
  rank: number;
}

/**
 * Managers of a month, ranked: fewest overdue milestones open now, then most overdue ones
 * resolved in time, then fastest median reply.
 */
export async function managerRanking(period: string, now = new Date(), overdueByManager?: Map<string, number>): Promise<ManagerRow[]> {
  const [docs, managers] = await Promise.all([ManagerKpi.find({ period }).lean<ManagerKpiDoc[]>(), Manager.find({ active: { $ne: false } }, { name: 1, role: 1 }).lean<ManagerDoc[]>()]);
  // Overdue milestones open now per manager: given by a caller that has read the orders already
  // (a report), else counted here.
  let open = overdueByManager;
  if (!open) {
    open = new Map<string, number>();
    for (const o of await listOverdue(now)) if (o.managerId) open.set(String(o.managerId), (open.get(String(o.managerId)) ?? 0) + 1);
  }
  const rows = managers.map((m) => {
    const d = docs.find((x) => String(x.managerId) === String(m._id));
    const rt = [...(d?.rt ?? [])].sort((a, b) => a - b);
    return {
      managerId: String(m._id),
      name: m.name,
      replies: rt.length,
      replyMedianMin: quantile(rt, 0.5),
      overdueOpen: open!.get(String(m._id)) ?? 0,
      resolved: d?.resolved ?? 0,
      resolvedInTime: d?.resolvedInTime ?? 0,
      orders: d?.orders ?? 0,
      rank: 0,
    };
  });
  rows.sort((a, b) => a.overdueOpen - b.overdueOpen || b.resolvedInTime - a.resolvedInTime || (a.replyMedianMin ?? Infinity) - (b.replyMedianMin ?? Infinity) || a.name.localeCompare(b.name));
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}
