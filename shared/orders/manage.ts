// Managing an order from the console (and scripts): create with the supplier's defaults
// (responsible manager, payment terms, planned dates from the lead-time template), re-plan
// several milestones at once, close, cancel with a reason, reopen. Every change goes through
// the version-guarded write of writes.ts and leaves a history entry saying where it came from.
import type { Types } from 'mongoose';
import type { ManagerViewer } from '../access/index.js';
import { ConflictError, issue, msg, ValidationError } from '../errors/index.js';
import { supplierFor } from '../suppliers/directory.js';
import { leadTimeFor, proposePlanned } from './leadtimes.js';
import { MILESTONES, type MilestoneName, type OrderDoc, type Via } from './model.js';
import { computeNext, dayOf } from './rules.js';
import { orderFor } from './visible.js';
import { createOrder, guardedChange, type NewOrder, type WriteResult } from './writes.js';

/** What an order form starts from for a supplier: its manager, payment terms and proposed dates. */
export async function orderDefaults(v: ManagerViewer, supplierCode: string, orderDate: Date) {
  const s = await supplierFor(v, supplierCode);
  const t = await leadTimeFor(s._id);
  const planned = proposePlanned(t.steps, orderDate);
  return {
    supplierCode: s.code,
    managerId: s.managerId ? String(s.managerId) : null,
    paymentTerms: s.paymentTerms ?? null,
    template: t.steps,
    templateSource: t.source,
    planned: Object.fromEntries(MILESTONES.map((m) => [m, dayOf(planned[m])])) as Record<MilestoneName, string>,
  };
}

/** Create an order the viewer may create (a supplier they see); payment terms default to the supplier's. */
export async function createOrderFor(v: ManagerViewer, input: NewOrder & { planFromTemplate?: boolean }, by: string, now = new Date()): Promise<OrderDoc> {
  const s = await supplierFor(v, input.supplierCode);
  let planned = input.planned;
  if (input.planFromTemplate) {
    const proposed = proposePlanned((await leadTimeFor(s._id)).steps, now);
    planned = { ...proposed, ...(input.planned ?? {}) };
  }
  const { planFromTemplate: _ignored, ...rest } = input;
  return createOrder({ ...rest, planned, paymentTerms: input.paymentTerms ?? s.paymentTerms ?? undefined }, by, now);
}

/**
 * The change of planned dates (a re-plan): only dates that differ; moving a date already set
 * needs a reason (the supplier may have seen it). Pure: the caller writes it.
 */
export function planChange(o: OrderDoc, planned: Partial<Record<MilestoneName, Date | null>>, reason: string | undefined, by: string, now: Date) {
  const set: Record<string, unknown> = {};
  const before: Record<string, string | null> = {};
  const after: Record<string, string | null> = {};
  const milestones = { ...o.milestones } as Record<MilestoneName, OrderDoc['milestones'][MilestoneName]>;
  for (const m of MILESTONES) {
    if (!(m in planned)) continue;
    const want = planned[m] ?? null;
    const cur = o.milestones?.[m];
    const had = cur?.planned ? dayOf(new Date(cur.planned)) : null;
    const next = want ? dayOf(want) : null;
    if (had === next) continue;
    if (had && !reason?.trim()) throw new ValidationError(msg('replanReasonOf', { milestone: m }), [issue('reason', 'replanReason')]);
    const changed = {
      ...(cur ?? { status: 'pending', photos: [] }),
      planned: want ?? undefined,
      ...(had ? { replanned: (cur?.replanned ?? 0) + 1, reason: reason?.trim() } : {}),
      updatedBy: by,
      updatedAt: now,
    };
    milestones[m] = changed as OrderDoc['milestones'][MilestoneName];
    set[`milestones.${m}`] = changed;
    before[m] = had;
    after[m] = next;
  }
  if (!Object.keys(set).length) return undefined;
  const nx = computeNext(milestones as never);
  set.next = nx ?? null;
  set.dueDay = nx?.dueDay ?? null;
  return { set, event: { kind: 'replan', before, after, reason: reason?.trim() } };
}

/** Re-plan several milestones of an open order in one write. */
export async function replanOrder(
  v: ManagerViewer,
  id: string,
  planned: Partial<Record<MilestoneName, Date | null>>,
  reason: string | undefined,
  by: string,
  via: Via,
  now = new Date(),
): Promise<WriteResult> {
  const o = await orderFor(v, id);
  if (o.status !== 'open') throw new ConflictError(msg('orderIs', { status: o.status }));
  return guardedChange(
    o._id,
    undefined,
    (cur) => {
      const c = planChange(cur, planned, reason, by, now);
      return c ? { set: c.set, event: { ...c.event, via } } : undefined;
    },
    by,
    now,
  );
}

export const ORDER_ACTIONS = ['close', 'cancel', 'reopen'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** Close (done), cancel (with a reason) or reopen an order. Doing what is already so changes nothing. */
export async function setOrderStatus(v: ManagerViewer, id: string | Types.ObjectId, action: OrderAction, reason: string | undefined, by: string, via: Via, now = new Date()): Promise<WriteResult> {
  const o = await orderFor(v, String(id));
  if (action === 'cancel' && !reason?.trim()) throw new ValidationError(msg('cancelReason'), [issue('reason', 'field.required')]);
  const to = action === 'close' ? 'closed' : action === 'cancel' ? 'cancelled' : 'open';
  return guardedChange(
    o._id,
    undefined,
    (cur) => {
      if (cur.status === to) return undefined;
      if (action !== 'reopen' && cur.status !== 'open') throw new ConflictError(msg('orderIsReopen', { status: cur.status }));
      const set: Record<string, unknown> = { status: to, cancelReason: action === 'cancel' ? reason!.trim() : null };
      return {
        set,
        event: { kind: action === 'close' ? 'closed' : action === 'cancel' ? 'cancelled' : 'reopened', before: { status: cur.status }, after: { status: to }, reason: reason?.trim(), via },
      };
    },
    by,
    now,
  );
}
