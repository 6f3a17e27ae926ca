// Send pacing for one WeChat account, pure arithmetic on an injected time (unit-tested):
// - per chat: at least `perChatMs` between two sends into the same chat;
// - per account: sends spread evenly at `perAccountPerMin` (a cell-rate / token-bucket with a
//   burst of 2, so a late timer can catch up by one send), AND never more than
//   `perAccountPerMin` in any rolling window — WeChat answers bursts with "操作过于频繁".

import { loadConfig } from '../config/index.js';

export interface Pacing {
  /** Minimum gap between two sends into the same chat (ms). */
  perChatMs: number;
  /** Sends per rolling window (a minute unless `windowMs` says otherwise) for the account. */
  perAccountPerMin: number;
  /** The account window (default one minute). */
  windowMs?: number;
  /** Sends that may go back to back after a pause (default 2). */
  burst?: number;
}

/** The configuration's defaults (NOTICE_PER_CHAT_MS, NOTICE_PER_MINUTE unset), for tests. */
export const DEFAULT_PACING: Pacing = loadConfig({}).notices;

export interface Pacer {
  /** Earliest time the account may send again (ignores chats). */
  accountFreeAt(t: number): number;
  /** Earliest time this chat may receive again (ignores the account). */
  chatFreeAt(chat: string, t: number): number;
  canSend(chat: string, t: number): boolean;
  record(chat: string, t: number): void;
}

export function createPacer(p: Pacing = DEFAULT_PACING): Pacer {
  const windowMs = p.windowMs ?? 60_000;
  const gap = windowMs / p.perAccountPerMin;
  const tolerance = gap * ((p.burst ?? 2) - 1);
  const lastPerChat = new Map<string, number>();
  const recent: number[] = []; // send times inside the window, oldest first
  let tat = -Infinity; // theoretical arrival time of the next send (GCRA)

  const trim = (t: number) => {
    while (recent.length && recent[0]! <= t - windowMs) recent.shift();
  };
  const accountFreeAt = (t: number) => {
    trim(t);
    let at = Math.max(t, tat - tolerance);
    if (recent.length >= p.perAccountPerMin) at = Math.max(at, recent[recent.length - p.perAccountPerMin]! + windowMs);
    return at;
  };
  const chatFreeAt = (chat: string, t: number) => {
    const last = lastPerChat.get(chat);
    return last === undefined ? t : Math.max(t, last + p.perChatMs);
  };
  return {
    accountFreeAt,
    chatFreeAt,
    canSend: (chat, t) => accountFreeAt(t) <= t && chatFreeAt(chat, t) <= t,
    record(chat, t) {
      lastPerChat.set(chat, t);
      if (lastPerChat.size > 10_000) lastPerChat.delete(lastPerChat.keys().next().value!);
      recent.push(t);
      recent.sort((a, b) => a - b); // records seeded from the database may come in any order
      tat = Math.max(tat, t) + gap;
    },
  };
}

// Backoff of a failed send (the notice waits in the queue meanwhile): shared/retry's.
export { backoffMs } from '../retry/index.js';
