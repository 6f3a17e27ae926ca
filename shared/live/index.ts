// Live updates for the web console without change streams: every write that changes what a
// thread shows (new messages, translations, reply delivery) also sets the thread's `pulse` (the
// UTC minute) and `touchedAt`. Each server process polls the threads touched this minute and
// the last one — an equality on `pulse`, so it costs what changed, not the collection size —
// and fans the changes out to its SSE clients. Works when the bot and the server are separate
// processes; one query per poll however many browsers are connected.
import { EventEmitter } from 'node:events';
import type { Types } from 'mongoose';
import { getLogger } from '../log/index.js';
import { Thread, type ThreadDoc } from '../threads/model.js';

const log = getLogger('live');

export const pulseOf = (d: Date) => d.toISOString().slice(0, 16);
/** The `$set` that marks a thread changed. */
export const pulseSet = (now: Date) => ({ pulse: pulseOf(now), touchedAt: now });

export async function touchThread(filter: { _id: Types.ObjectId | string } | { key: string }, now = new Date()): Promise<void> {
  await Thread.updateOne(filter, { $set: pulseSet(now) });
}

export interface ThreadChange {
  threadId: string;
  supplierId: string | null;
  lastMessageAt: Date | null;
  messageCount: number;
  touchedAt: Date;
}

export interface LiveHub {
  subscribe(fn: (c: ThreadChange) => void): () => void;
  /** Poll once now (tests). */
  poll(): Promise<void>;
  stop(): void;
}

/**
 * Changes are read with an overlap (a write from another process's clock may land a little
 * late) and de-duplicated by (thread, touchedAt). Polling runs only while someone listens.
 */
export function createLiveHub(opts: { pollMs?: number; clock?: () => Date } = {}): LiveHub {
  const pollMs = opts.pollMs ?? 150;
  const clock = opts.clock ?? (() => new Date());
  const OVERLAP_MS = 3_000;
  const bus = new EventEmitter();
  bus.setMaxListeners(0);
  const seen = new Map<string, number>(); // threadId -> touchedAt last sent
  let timer: NodeJS.Timeout | undefined;
  let since = clock().getTime() - OVERLAP_MS;
  let running: Promise<void> | undefined;

  async function pollOnce() {
    const now = clock();
    const minutes = new Set([pulseOf(new Date(since)), pulseOf(new Date(now.getTime() - 60_000)), pulseOf(now)]);
    const found: ThreadDoc[] = [];
    for (const m of minutes) found.push(...(await Thread.find({ pulse: m }, { supplierId: 1, lastMessageAt: 1, messageCount: 1, touchedAt: 1 }).lean<ThreadDoc[]>()));
    for (const t of found) {
      const at = (t as { touchedAt?: Date }).touchedAt?.getTime() ?? 0;
      if (at < since) continue;
      const k = String(t._id);
      if ((seen.get(k) ?? -1) >= at) continue;
      seen.set(k, at);
      bus.emit('change', {
        threadId: k,
        supplierId: t.supplierId ? String(t.supplierId) : null,
        lastMessageAt: t.lastMessageAt ?? null,
        messageCount: t.messageCount ?? 0,
        touchedAt: new Date(at),
      } satisfies ThreadChange);
    }
    since = now.getTime() - OVERLAP_MS;
    for (const [k, at] of seen) if (at < since) seen.delete(k);
  }

  function poll(): Promise<void> {
    running ??= pollOnce()
      .catch((err) => log.warn({ err: (err as Error).message }, 'live poll failed'))
      .finally(() => (running = undefined));
    return running;
  }

  function schedule() {
    timer = setTimeout(() => {
      void poll().finally(() => {
        if (bus.listenerCount('change') > 0) schedule();
        else timer = undefined;
      });
    }, pollMs);
    timer.unref();
  }

  return {
    subscribe(fn) {
      bus.on('change', fn);
      if (!timer) {
        since = Math.max(since, clock().getTime() - OVERLAP_MS);
        schedule();
      }
      return () => bus.off('change', fn);
    },
    poll,
    stop() {
      clearTimeout(timer);
      timer = undefined;
      bus.removeAllListeners();
    },
  };
}
