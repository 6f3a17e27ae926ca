// Reading claims: what an actor may see (a supplier only its own, never a draft).
import { Types } from 'mongoose';
import { msg, NotFoundError } from '../errors/index.js';
import { Claim, type ClaimDoc, type ClaimStatus } from './model.js';
import type { Actor } from './rules.js';

/** What an actor may see: a supplier only its own claims, and never a draft. */
export function scopeOf(actor: Actor): Record<string, unknown> {
  return actor.kind === 'supplier' ? { supplierId: new Types.ObjectId(actor.supplierId), status: { $ne: 'draft' } } : {};
}

export async function getClaim(id: string, actor?: Actor): Promise<ClaimDoc> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError(msg('noSuchClaim'));
  const c = await Claim.findOne({ _id: new Types.ObjectId(id), ...(actor ? scopeOf(actor) : {}) }).lean<ClaimDoc>();
  // Another supplier's claim (or a draft) is "not found", not "forbidden": its existence is not disclosed.
  if (!c) throw new NotFoundError(msg('noSuchClaim'));
  return c;
}

export async function listClaims(filter: { supplierId?: string; status?: ClaimStatus; orderId?: string; forSupplier?: boolean }, limit = 100): Promise<ClaimDoc[]> {
  const q: Record<string, unknown> = {};
  // Equality on a top-level field first (supplierId, orderId or status): the embedded engine pushes only that down.
  if (filter.supplierId) q.supplierId = new Types.ObjectId(filter.supplierId);
  if (filter.orderId) q.orderId = new Types.ObjectId(filter.orderId);
  if (filter.status) q.status = filter.status;
  if (filter.forSupplier && filter.status === 'draft') return [];
  if (filter.forSupplier && !filter.status) q.status = { $ne: 'draft' };
  return Claim.find(q).sort({ createdAt: -1 }).limit(limit).lean<ClaimDoc[]>();
}
