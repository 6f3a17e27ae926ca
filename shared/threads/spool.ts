// The mirror's spool: messages that could not be stored (the database is away) are appended to
// a small file in DATA_DIR before anything else happens to them, and an `ack` line is appended
// once each is stored. On start the unacknowledged ones are stored again; the unique index on
// the WeChat message id (`puppetId`) makes a replay of one already stored a no-op, so each is
// stored exactly once. The file is emptied whenever nothing is waiting.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What the spool keeps: an inbound message (shared/threads InboundMessage), JSON as it is but for `ts`. */
export interface SpooledMessage {
  puppetId: string;
  ts: Date;
}

export interface Spool<M extends SpooledMessage = SpooledMessage> {
  readonly path: string;
  /** Append a message (synchronously: it is in the file when this returns). */
  add(m: M): void;
  /** Append the acknowledgement of a stored message. */
  ack(puppetId: string): void;
  /** Messages in the file without an acknowledgement, in order, each once. */
  unacked(): M[];
  /** Empty the file (nothing is waiting). */
  clear(): void;
}

type Line<M> = { m: Omit<M, 'ts'> & { puppetId: string; ts: string } } | { ack: string };

export function openSpool<M extends SpooledMessage = SpooledMessage>(path: string): Spool<M> {
  mkdirSync(dirname(path), { recursive: true });
  return {
    path,
    add(m) {
      appendFileSync(path, JSON.stringify({ m }) + '\n');
    },
    ack(puppetId) {
      appendFileSync(path, JSON.stringify({ ack: puppetId }) + '\n');
    },
    unacked() {
      if (!existsSync(path)) return [];
      const waiting = new Map<string, M>();
      for (const raw of readFileSync(path, 'utf8').split('\n')) {
        if (!raw.trim()) continue;
        let line: Line<M>;
        try {
          line = JSON.parse(raw) as Line<M>;
        } catch {
          continue; // a line cut by a crash mid-append: its message was never acknowledged to anyone
        }
        if ('ack' in line) waiting.delete(line.ack);
        else if (line.m?.puppetId && !waiting.has(line.m.puppetId)) waiting.set(line.m.puppetId, { ...line.m, ts: new Date(line.m.ts) } as unknown as M);
      }
      return [...waiting.values()];
    },
    clear() {
      if (!existsSync(path)) return;
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, '');
      renameSync(tmp, path);
    },
  };
}
