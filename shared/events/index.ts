// Domain events: what happened, told to whoever the composition root wired to listen. The
// domain that writes emits; reactions (KPIs, price history, translation) are listeners
// registered by `wireReactions` (shared/reactions.ts) — never by importing a module. This file
// imports the logger and types only, so every domain may depend on it without a cycle.
import type { ClaimDoc } from '../claims/model.js';
import { getLogger } from '../log/index.js';
import type { OrderDoc } from '../orders/model.js';
import type { ResponseSample, Side } from '../threads/index.js';
import type { MessageDoc, ThreadDoc } from '../threads/model.js';

const log = getLogger('events');

/** A reply time measured by the mirror, counted for the supplier's (or its manager's) KPIs. */
export interface TimedReply {
  supplierId: string;
  sample: ResponseSample;
}

/** Every event's name and payload. */
export interface EventMap {
  /**
   * An order was created (`before: null`) or changed (milestone, customs, photo, patch). Emitted
   * by shared/orders after the write and its history entry are stored; awaited by the writer.
   */
  'order.written': { before: OrderDoc | null; after: OrderDoc; now: Date };
  /**
   * Many orders were written at once by an import (a batch of up to 500, in file order). Told
   * instead of one `order.written` each, so that listeners can do their work in bulk (one read of
   * an item's prices for the batch, one KPI increment per supplier and month). Emitted after the
   * import has answered, in the background (shared/orders `importListenersIdle`).
   */
  'orders.imported': { written: { before: OrderDoc | null; after: OrderDoc }[]; now: Date };
  /**
   * A claim was filed (`before: null`) or moved to another status. Emitted by shared/claims
   * after the guarded write; awaited by the writer.
   */
  'claim.written': { before: ClaimDoc | null; after: ClaimDoc; now: Date };
  /**
   * The mirror stored a NEW message (never for a replay). Emitted without waiting: storing never
   * waits for its listeners (translation queues it). `side` is who wrote it for the reply-time
   * machine (undefined: nobody's turn changes).
   */
  'message.stored': { message: MessageDoc; thread: ThreadDoc; side: Side | undefined };
  /**
   * Reply times the mirror measured in one flush of its thread counters (who owed an answer and
   * when it came). Listeners must be quick: the KPIs buffer them and write in batches.
   */
  'replies.timed': { samples: TimedReply[]; now: Date };
  /**
   * `mirror.flush()` was called (tests, shutdown): write whatever was derived from stored
   * messages and is still buffered (reply times).
   */
  'mirror.flushed': { now: Date };
}

export type EventName = keyof EventMap;
export type Listener<K extends EventName> = (payload: EventMap[K]) => void | Promise<void>;

export interface Events {
  /**
   * Register a listener; returns the function that removes it. Listeners run in the order they
   * were registered, each awaited in turn.
   */
  on<K extends EventName>(name: K, listener: Listener<K>, label?: string): () => void;
  /**
   * Tell every listener of `name` and wait for them all. A listener that throws (or rejects) is
   * logged with its label and skipped: **a failing listener never fails the emitter's write**,
   * and never stops the listeners after it. Reactions are derived data: each owner repairs
   * what a failed listener missed (the nightly KPI reconcile, the translation backlog).
   */
  emit<K extends EventName>(name: K, payload: EventMap[K]): Promise<void>;
  /** How many listeners `name` has (all events when omitted): tests and start-up checks. */
  listenerCount(name?: EventName): number;
  /** The labels of the listeners of `name`, in order (diagnostics). */
  listeners(name: EventName): string[];
}

export function createEvents(): Events {
  const table = new Map<EventName, { fn: Listener<never>; label: string }[]>();
  return {
    on(name, listener, label) {
      const entry = { fn: listener as Listener<never>, label: label ?? (listener.name || 'anonymous') };
      table.set(name, [...(table.get(name) ?? []), entry]);
      return () =>
        table.set(
          name,
          (table.get(name) ?? []).filter((e) => e !== entry),
        );
    },
    async emit(name, payload) {
      for (const { fn, label } of table.get(name) ?? []) {
        try {
          await (fn as Listener<typeof name>)(payload);
        } catch (err) {
          log.warn({ event: name, listener: label, err: (err as Error).message }, 'event listener failed; the write stands');
        }
      }
    },
    listenerCount(name) {
      if (name) return table.get(name)?.length ?? 0;
      let n = 0;
      for (const l of table.values()) n += l.length;
      return n;
    },
    listeners(name) {
      return (table.get(name) ?? []).map((e) => e.label);
    },
  };
}

/**
 * The process's bus, which the domain functions emit on (orders, claims; the mirror unless given
 * another). It starts empty: nothing registers on it by being imported. The composition root
 * (scripts/start.ts; test/hooks.ts for tests) calls `wireReactions(events, …)` once.
 */
export const events: Events = createEvents();
