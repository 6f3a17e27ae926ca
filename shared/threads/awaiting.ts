// Who owes an answer in a thread: a pure state machine the mirror feeds message by message
// (its state is stored on the thread: `awaiting`, `awaitingSince`) and the KPI reconcile
// replays over a supplier's messages. Each answer is a reply-time sample.
import type { MessageDoc } from './model.js';

export type Side = 'supplier' | 'manager';
export interface AwaitState {
  awaiting?: Side | null;
  since?: Date | null;
}
export interface ResponseSample {
  side: Side; // who answered
  since: Date;
  at: Date;
}

/**
 * One thread's "who owes an answer" machine. A message from one side starts (or keeps, if that
 * side writes again) the wait for the other; the other side's first message answers it.
 * Bot messages count as our side (a reminder expects an answer too).
 */
export function step(state: AwaitState, side: Side, ts: Date): { state: AwaitState; sample?: ResponseSample } {
  const other: Side = side === 'supplier' ? 'manager' : 'supplier';
  if (!state.awaiting || !state.since) return { state: { awaiting: other, since: ts } };
  if (state.awaiting === side) {
    if (ts < state.since) return { state }; // out of order: leave it to the reconcile
    return { state: { awaiting: other, since: ts }, sample: { side, since: state.since, at: ts } };
  }
  return { state: ts < state.since ? { awaiting: state.awaiting, since: ts } : state };
}

export const sideOf = (m: Pick<MessageDoc, 'direction' | 'senderKind'>): Side | undefined =>
  m.direction === 'out' || m.senderKind === 'manager' || m.senderKind === 'bot' ? 'manager' : m.senderKind === 'supplier' ? 'supplier' : undefined;
