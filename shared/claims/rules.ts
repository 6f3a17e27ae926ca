// The claim's rules: who may move it where, which moves need a reason, what counts as open,
// what a valid amount is.
import { issue, msg, ValidationError } from '../errors/index.js';
import { Decimal } from '../money/index.js';
import { CURRENCIES } from '../orders/model.js';
import type { ClaimStatus } from './model.js';

export const DAY = 86_400_000;
/** Photos a claim keeps at most, on each side. */
export const MAX_PHOTOS = 10;

export type Actor = { kind: 'manager'; id: string } | { kind: 'supplier'; supplierId: string; openid: string };
export const actorTag = (a: Actor) => (a.kind === 'manager' ? `manager:${a.id}` : `supplier:${a.openid}`);

/**
 * The allowed moves and who makes them:
 *   draft → sent | closed (dropped before sending)            manager
 *   sent → supplier_answered                                   supplier (answer, accept or dispute)
 *   sent → closed (withdrawn: filed by mistake; reason)        manager, the supplier is told
 *   supplier_answered → agreed | disputed | sent (asked again)  manager
 *   disputed → agreed | rejected                               manager (after negotiation / claim dropped)
 *   agreed → settled (with a settlement kind)                  manager
 *   settled → closed, rejected → closed                        manager
 */
export const TRANSITIONS: Record<ClaimStatus, Partial<Record<ClaimStatus, 'manager' | 'supplier'>>> = {
  draft: { sent: 'manager', closed: 'manager' },
  sent: { supplier_answered: 'supplier', closed: 'manager' },
  supplier_answered: { agreed: 'manager', disputed: 'manager', sent: 'manager' },
  disputed: { agreed: 'manager', rejected: 'manager' },
  agreed: { settled: 'manager' },
  settled: { closed: 'manager' },
  rejected: { closed: 'manager' },
  closed: {},
};

export const canMove = (from: ClaimStatus, to: ClaimStatus, who: Actor['kind']) => TRANSITIONS[from]?.[to] === who;

/** Moves that need a reason in the history (the other side will ask why). */
export const NEEDS_REASON = (from: ClaimStatus, to: ClaimStatus) => to === 'disputed' || to === 'rejected' || (from === 'supplier_answered' && to === 'sent') || (from === 'sent' && to === 'closed');
export const OPEN: ClaimStatus[] = ['draft', 'sent', 'supplier_answered', 'agreed', 'disputed'];
export const AMOUNT = /^\d{1,12}(\.\d{1,4})?$/;

export function checkMoney(amount: string | undefined, currency: string | undefined, field: string) {
  if ((amount === undefined) !== (currency === undefined))
    throw new ValidationError(msg('amountNeedsCurrency'), [{ field: amount === undefined ? `${field}amount` : `${field}currency`, message: 'give both' }]);
  if (amount !== undefined && (!AMOUNT.test(amount) || new Decimal(amount).lte(0))) throw new ValidationError(msg('amountPositive'), [issue(`${field}amount`, 'field.positiveDecimal')]);
  if (currency !== undefined && !(CURRENCIES as readonly string[]).includes(currency))
    throw new ValidationError(msg('unknownCurrency', { currency }), [{ field: `${field}currency`, message: CURRENCIES.join(', ') }]);
}
