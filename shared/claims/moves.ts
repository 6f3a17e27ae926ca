// Moving a claim along TRANSITIONS: one guarded update on status and version; of concurrent
// moves exactly one wins. Told as `claim.written` (shared/events).
import { ConflictError, ForbiddenError, issue, msg, ValidationError } from '../errors/index.js';
import { supplierLang } from '../translation/partner.js';
import { events } from '../events/index.js';
import { cancelQueuedNotices } from '../notices/index.js';
import { Claim, SETTLEMENT_KINDS, type ClaimDoc, type ClaimFile, type ClaimStatus, type SettlementKind } from './model.js';
import { notifySupplier } from './notify.js';
import { getClaim } from './reading.js';
import { actorTag, checkMoney, DAY, NEEDS_REASON, TRANSITIONS, type Actor } from './rules.js';
import { claimWithdrawnText } from './texts.js';

export interface MoveOptions {
  /**
   * The status the mover saw (the console sends it): if the claim has moved on meanwhile, this
   * move is a conflict instead of a move from a state the person never saw.
   */
  from?: ClaimStatus;
  reason?: string;
  settlement?: { kind: SettlementKind; amount?: string; currency?: string; note?: string };
  answer?: { text?: string; decision: 'accept' | 'dispute'; photos?: ClaimFile[] };
}

/**
 * Move a claim to `to`. Checks the table and the actor, then ONE guarded update on the status
 * and version read: if someone else moved it meanwhile, this one fails with a conflict and
 * changes nothing. A forbidden move is a ConflictError (with the allowed ones), the wrong side
 * a ForbiddenError, missing input a ValidationError — all before anything is written.
 */
export async function moveClaim(id: string, to: ClaimStatus, actor: Actor, opts: MoveOptions = {}, now = new Date()): Promise<ClaimDoc> {
  const c = await getClaim(id, actor);
  if (opts.from && opts.from !== c.status) throw new ConflictError(msg('claimChanged'), [{ field: 'from', message: `the claim is ${c.status} now` }]);
  const who = TRANSITIONS[c.status]?.[to];
  if (!who) throw new ConflictError(msg('claimMove', { from: c.status, to }), [{ field: 'to', message: `allowed from ${c.status}: ${Object.keys(TRANSITIONS[c.status] ?? {}).join(', ') || 'none'}` }]);
  if (who !== actor.kind) throw new ForbiddenError(msg('claimMoveWho', { who, from: c.status, to }));
  const set: Record<string, unknown> = { status: to, updatedAt: now };
  if (to === 'settled') {
    const s = opts.settlement;
    if (!s || !SETTLEMENT_KINDS.includes(s.kind)) throw new ValidationError(msg('settlementKind'), [{ field: 'settlement.kind', message: SETTLEMENT_KINDS.join(', ') }]);
    checkMoney(s.amount, s.currency, 'settlement.');
    set.settlement = { kind: s.kind, amount: s.amount, currency: s.currency, note: s.note?.trim() || undefined };
    set.settledAt = now;
  }
  if (to === 'supplier_answered') {
    if (!opts.answer || !['accept', 'dispute'].includes(opts.answer.decision)) throw new ValidationError(msg('answerDecision'), [issue('decision', 'field.options', { options: 'accept | dispute' })]);
    if (opts.answer.decision === 'dispute' && !opts.answer.text?.trim()) throw new ValidationError(msg('disputeWhy'), [issue('text', 'field.requiredDisputing')]);
    set.answer = { text: opts.answer.text?.trim() || undefined, decision: opts.answer.decision, photos: opts.answer.photos ?? [], at: now, by: actorTag(actor) };
  }
  if (NEEDS_REASON(c.status, to) && !opts.reason?.trim()) {
    throw new ValidationError(msg('claimMoveReason', { from: c.status, to }), [issue('reason', 'field.required')]);
  }
  if (to === 'sent') {
    // Sent now (from a draft, or asked again after an answer): the supplier gets the same time
    // to answer as when it was filed, counted from now.
    set.sentAt = now;
    if (c.answerDue) set.answerDue = new Date(now.getTime() + Math.max(DAY, c.answerDue.getTime() - (c.sentAt ?? c.createdAt).getTime()));
  }
  const reason = opts.reason?.trim() || (opts.answer ? `${opts.answer.decision}${opts.answer.text?.trim() ? `: ${opts.answer.text.trim()}` : ''}` : undefined);
  const entry = { from: c.status, to, by: actorTag(actor), at: now, reason };
  const after = await Claim.findOneAndUpdate(
    { _id: c._id, status: c.status, version: c.version },
    { $set: set, $inc: { version: 1 }, $push: { history: entry } },
    { returnDocument: 'after' },
  ).lean<ClaimDoc>();
  if (!after) throw new ConflictError(msg('claimChanged'), [{ field: 'to', message: `the claim is no longer ${c.status}` }]);
  await events.emit('claim.written', { before: c, after, now });
  if (c.status === 'sent') {
    // Answered or withdrawn: a reminder still waiting for the supplier's morning must not go.
    await cancelQueuedNotices(c.orderId, (n) => n.topic === `claim-reminder:${c._id}`, `claim ${to}`);
    if (to === 'closed') await notifySupplier(after, now, claimWithdrawnText(after, await supplierLang(after.supplierId)));
  }
  if (to === 'sent') await notifySupplier(after, now);
  return after;
}

/**
 * The supplier's answer (mini-program): accept or dispute, with text and photos uploaded before
 * (addClaimPhoto) and named by id.
 */
export async function answerClaim(
  id: string,
  actor: Extract<Actor, { kind: 'supplier' }>,
  answer: { decision: 'accept' | 'dispute'; text?: string; photoIds?: string[] },
  now = new Date(),
): Promise<ClaimDoc> {
  const c = await getClaim(id, actor);
  const photos = (answer.photoIds ?? []).map((pid) => {
    const f = (c.supplierPhotos ?? []).find((x) => x.id === pid);
    if (!f) throw new ValidationError(msg('unknownPhoto', { id: pid }), [issue('photoIds', 'field.unknownPhoto')]);
    return f;
  });
  return moveClaim(id, 'supplier_answered', actor, { answer: { decision: answer.decision, text: answer.text, photos } }, now);
}
