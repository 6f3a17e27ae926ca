// Orders as a viewer may reach them (shared/access): by id, listed, overdue.
import { assertVisible, visibleSupplierIds, type Viewer } from '../access/index.js';
import { supplierFor } from '../suppliers/directory.js';
import { msg, NotFoundError } from '../errors/index.js';
import type { MilestoneName, OrderDoc, PhotoDoc } from './model.js';
import { getOrder, listOrders, listOverdue, type Page } from './queries.js';

/** The order, when the viewer may see its supplier; otherwise "not found". */
export async function orderFor(v: Viewer, id: string): Promise<OrderDoc> {
  const o = await getOrder(id, v.kind === 'supplier' ? { supplierId: v.supplierId } : {});
  if (v.kind === 'manager' && String(o.managerId ?? '') === v.id) return o; // their own order
  return assertVisible(v, o, 'order not found');
}

/**
 * Orders of one supplier (when visible), or, without a supplier, those the viewer sees: all for
 * "sees all" (or only their own with `mine`), their own orders otherwise.
 */
export async function ordersFor(v: Viewer & { kind: 'manager' }, f: { supplierCode?: string; status?: 'open' | 'closed'; mine?: boolean }, page = 1): Promise<Page<OrderDoc>> {
  let mine = f.mine;
  if (f.supplierCode) {
    // Plain, tagged or former code; "not found" when the viewer may not see that supplier.
    const s = await supplierFor(v, f.supplierCode);
    return listOrders({ supplierCode: s.code, status: f.status, managerId: mine ? v.id : undefined }, page);
  }
  if (!v.seesAll) mine = true;
  return listOrders({ status: f.status, managerId: mine ? v.id : undefined }, page);
}

export async function overdueFor(v: Viewer & { kind: 'manager' }, now: Date, mine?: boolean): Promise<OrderDoc[]> {
  const items = await listOverdue(now, { managerId: mine ? v.id : undefined });
  const visible = await visibleSupplierIds(v);
  return visible ? items.filter((o) => visible.has(String(o.supplierId)) || String(o.managerId ?? '') === v.id) : items;
}

/**
 * One photo of a milestone of an order the viewer may see (a supplier: its own orders only);
 * "not found" otherwise, as for the order itself.
 */
export async function milestonePhotoFor(v: Viewer, orderId: string, milestone: MilestoneName, photoId: string): Promise<PhotoDoc> {
  const o = await orderFor(v, orderId);
  const p = (o.milestones?.[milestone]?.photos ?? []).find((x) => x.id === photoId);
  if (!p) throw new NotFoundError(msg('noSuchPhoto'));
  return p;
}
