// The facts of a claim beside its status (seed 000): batch, date received, presumed cause,
// losses broken down (goods, freight, other, in one currency) and the decision. Set when filing
// or edited later by a manager; each edit one update, told as `claim.written`.
import { issue, msg, ValidationError } from '../errors/index.js';
import { events } from '../events/index.js';
import { Decimal } from '../money/index.js';
import { CURRENCIES } from '../orders/model.js';
import { Claim, CLAIM_CAUSES, CLAIM_DECISIONS, type ClaimCause, type ClaimDecisionKind, type ClaimDoc, type ClaimLosses } from './model.js';
import { getClaim } from './reading.js';
import { AMOUNT, checkMoney } from './rules.js';

export interface ClaimFacts {
  batch?: string | null;
  /** The day the goods were received (00:00 UTC). */
  receivedOn?: Date | null;
  cause?: ClaimCause | null;
  losses?: ClaimLosses | null;
  decision?: { kind: ClaimDecisionKind; amount?: string; currency?: string; note?: string } | null;
}

const LOSS_PARTS = ['goods', 'freight', 'other'] as const;

/** The facts checked and shaped for storing: `$set` and `$unset` (null clears a fact). */
export function factsUpdate(f: ClaimFacts, by: string, now: Date): { $set: Record<string, unknown>; $unset: Record<string, 1> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  const put = (k: string, v: unknown) => (v === null ? ($unset[k] = 1) : v !== undefined ? ($set[k] = v) : undefined);
  if (f.batch !== undefined) put('batch', f.batch === null ? null : f.batch.trim().slice(0, 100) || null);
  if (f.receivedOn !== undefined) {
    if (f.receivedOn && (Number.isNaN(f.receivedOn.getTime()) || f.receivedOn.getTime() > now.getTime() + 86_400_000))
      throw new ValidationError(msg('receivedInFuture'), [issue('receivedOn', 'field.pastDay')]);
    put('receivedOn', f.receivedOn);
  }
  if (f.cause !== undefined) {
    if (f.cause !== null && !CLAIM_CAUSES.includes(f.cause)) throw new ValidationError(msg('unknownCause', { cause: f.cause }), [{ field: 'cause', message: CLAIM_CAUSES.join(', ') }]);
    put('cause', f.cause);
  }
  if (f.losses !== undefined) {
    if (f.losses === null) put('losses', null);
    else {
      const parts = LOSS_PARTS.filter((p) => f.losses![p] !== undefined);
      for (const p of parts) {
        if (!AMOUNT.test(f.losses[p]!)) throw new ValidationError(msg('lossDecimal'), [issue(`losses.${p}`, 'field.decimal')]);
      }
      if (!parts.length) throw new ValidationError(msg('lossesEmpty'), [issue('losses', 'field.empty')]);
      if (!f.losses.currency || !(CURRENCIES as readonly string[]).includes(f.losses.currency))
        throw new ValidationError(msg('lossesCurrency'), [{ field: 'losses.currency', message: CURRENCIES.join(', ') }]);
      put('losses', { ...Object.fromEntries(parts.map((p) => [p, new Decimal(f.losses![p]!).toFixed()])), currency: f.losses.currency });
    }
  }
  if (f.decision !== undefined) {
    if (f.decision === null) put('decision', null);
    else {
      const d = f.decision;
      if (!CLAIM_DECISIONS.includes(d.kind)) throw new ValidationError(msg('unknownDecision', { decision: d.kind }), [{ field: 'decision.kind', message: CLAIM_DECISIONS.join(', ') }]);
      checkMoney(d.amount, d.currency, 'decision.');
      if ((d.kind === 'partial_compensation' || d.kind === 'discount_next_order') && !d.amount)
        throw new ValidationError(msg('sayHowMuch'), [issue('decision.amount', 'field.requiredFor', { what: d.kind })]);
      put('decision', { kind: d.kind, amount: d.amount, currency: d.currency, note: d.note?.trim() || undefined, at: now, by });
    }
  }
  return { $set, $unset };
}

/** A manager records or corrects the facts of a claim (any status: a decision often comes late). */
export async function setClaimFacts(id: string, facts: ClaimFacts, by: string, now = new Date()): Promise<ClaimDoc> {
  const before = await getClaim(id);
  const { $set, $unset } = factsUpdate(facts, by, now);
  if (!Object.keys($set).length && !Object.keys($unset).length) return before;
  const after = await Claim.findOneAndUpdate(
    { _id: before._id },
    { $set: { ...$set, updatedAt: now }, ...(Object.keys($unset).length ? { $unset } : {}) },
    { returnDocument: 'after' },
  ).lean<ClaimDoc>();
  if (!after) return getClaim(id);
  await events.emit('claim.written', { before, after, now });
  return after;
}
