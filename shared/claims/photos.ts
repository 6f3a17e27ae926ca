// Photos on a claim: the buyer's while it is open, the supplier's for its answer.
import { ConflictError, msg, NotFoundError } from '../errors/index.js';
import { Claim, type ClaimFile, type ClaimStatus } from './model.js';
import { getClaim, scopeOf } from './reading.js';
import { actorTag, MAX_PHOTOS, OPEN, type Actor } from './rules.js';

/**
 * Record an uploaded photo on a claim: the buyer's (while the claim is open) or the supplier's
 * for its answer (while the claim waits for it). One guarded update, at most MAX_PHOTOS each; a
 * re-sent upload with the same key is a replay (returns the photo stored first, `added: false`).
 */
export async function addClaimPhoto(id: string, actor: Actor, photo: Omit<ClaimFile, 'at' | 'by'>, now = new Date()): Promise<{ photo: ClaimFile; added: boolean }> {
  const c = await getClaim(id, actor);
  const field = actor.kind === 'supplier' ? 'supplierPhotos' : 'photos';
  const existing = photo.key ? (c[field] ?? []).find((p) => p.key === photo.key) : undefined;
  if (existing) return { photo: existing, added: false };
  const statuses: ClaimStatus[] = actor.kind === 'supplier' ? ['sent'] : OPEN;
  if (!statuses.includes(c.status)) throw new ConflictError(actor.kind === 'supplier' ? 'photos can be added while the claim waits for your answer' : `a ${c.status} claim takes no more photos`);
  const entry: ClaimFile = { ...photo, at: now, by: actorTag(actor) };
  const r = await Claim.updateOne(
    { _id: c._id, ...scopeOf(actor), status: { $in: statuses }, [`${field}.${MAX_PHOTOS - 1}`]: { $exists: false }, ...(photo.key ? { [`${field}.key`]: { $ne: photo.key } } : {}) },
    { $push: { [field]: entry } },
  );
  if (r.modifiedCount === 1) return { photo: entry, added: true };
  const again = await getClaim(id, actor);
  const replay = photo.key ? (again[field] ?? []).find((p) => p.key === photo.key) : undefined;
  if (replay) return { photo: replay, added: false };
  throw new ConflictError(msg('claimPhotosClosed', { n: MAX_PHOTOS }));
}

/** One stored photo of a claim the actor may see (the buyer's or the supplier's). */
export async function getClaimPhoto(id: string, photoId: string, actor?: Actor): Promise<ClaimFile> {
  const c = await getClaim(id, actor);
  const f = [...c.photos, ...(c.supplierPhotos ?? []), ...(c.answer?.photos ?? [])].find((p) => p.id === photoId);
  if (!f) throw new NotFoundError(msg('noSuchPhoto'));
  return f;
}
