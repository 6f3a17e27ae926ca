// Claims as a viewer may reach them (shared/access): a manager their suppliers' claims, a
// supplier its own (never a draft).
import { Types } from 'mongoose';
import { assertVisible, supplierFilter, type Viewer } from '../access/index.js';
import { getClaimPhoto } from './photos.js';
import { getClaim, listClaims } from './reading.js';
import type { Actor } from './rules.js';
import type { ClaimDoc, ClaimFile, ClaimStatus } from './model.js';

export const actorOf = (v: Viewer): Actor => (v.kind === 'supplier' ? { kind: 'supplier', supplierId: v.supplierId, openid: v.openid } : { kind: 'manager', id: v.id });

export async function claimFor(v: Viewer, id: string): Promise<ClaimDoc> {
  if (v.kind === 'supplier') return getClaim(id, actorOf(v));
  return assertVisible(v, await getClaim(id), 'no such claim');
}

export async function claimPhotoFor(v: Viewer, id: string, photoId: string): Promise<ClaimFile> {
  await claimFor(v, id);
  return getClaimPhoto(id, photoId, v.kind === 'supplier' ? actorOf(v) : undefined);
}

export async function claimsFor(v: Viewer, f: { supplierId?: string; status?: ClaimStatus; orderId?: string }): Promise<ClaimDoc[]> {
  if (v.kind === 'supplier') return listClaims({ supplierId: v.supplierId, status: f.status, orderId: f.orderId, forSupplier: true });
  if (f.supplierId) {
    await assertVisible(v, { supplierId: new Types.ObjectId(f.supplierId) }, 'no such supplier');
    return listClaims(f);
  }
  const scope = await supplierFilter(v);
  const ids = scope.supplierId as Types.ObjectId | { $in: Types.ObjectId[] } | undefined;
  if (!ids) return listClaims(f);
  const list = ids instanceof Types.ObjectId ? [ids] : ids.$in;
  // One equality query per visible supplier (index-backed on the embedded engine), newest first.
  const all = (await Promise.all(list.map((s) => listClaims({ ...f, supplierId: String(s) })))).flat();
  return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 100);
}
