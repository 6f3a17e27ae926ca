// Shipping references on an order (tracking numbers with the carrier's page, container and B/L
// numbers) and reported shortages: added through the version-guarded write, with a history
// entry and `order.written`, like every other change. The same reference twice changes nothing.
import type { ManagerViewer } from '../access/index.js';
import { ConflictError, msg } from '../errors/index.js';
import type { OrderRef, Via } from './model.js';
import { orderFor } from './visible.js';
import { guardedChange, type WriteResult } from './writes.js';

export async function addOrderRef(v: ManagerViewer, id: string, ref: Omit<OrderRef, 'at' | 'by'>, reason: string | undefined, by: string, via: Via, now = new Date()): Promise<WriteResult> {
  const o = await orderFor(v, id);
  if (o.status !== 'open' && ref.kind === 'shortage') throw new ConflictError(msg('orderIs', { status: o.status }));
  return guardedChange(
    o._id,
    undefined,
    (cur) => {
      const same = (cur.refs ?? []).some((r) => r.kind === ref.kind && r.number === ref.number && r.qty === ref.qty && r.carrier === ref.carrier);
      if (same) return undefined;
      const entry = { ...ref, at: now, by };
      return { set: { refs: [...(cur.refs ?? []), entry] }, event: { kind: 'ref', after: entry, reason, via } };
    },
    by,
    now,
  );
}
