// Room membership and topic changes (issue #20, "What a live WeChat account sees"): members
// joining or leaving and topic changes appear in the room's thread as events (never
// translated), and a new member who is not one of ours lands as an unsorted contact that the
// room proposes to its supplier (sorting.ts). Each event is stored once: its puppet key is
// derived from the room, the members and WeChat's time, under the same unique index as messages.
import { createHash } from 'node:crypto';
import { isDuplicateKey } from '../errors/index.js';
import { pulseSet } from '../live/index.js';
import { Manager } from '../managers/model.js';
import { Contact, Message, Thread, threadDay, type ThreadDoc } from './model.js';

export interface RoomEvent {
  kind: 'join' | 'leave' | 'topic';
  roomId: string;
  /** The room's topic now (after a topic change: the new one). */
  topic?: string;
  oldTopic?: string;
  /** Who joined or left (empty for a topic change). */
  members: { wechatId: string; name: string }[];
  /** Who invited, removed or renamed, when WeChat says. */
  by?: { wechatId: string; name: string };
  ts: Date;
}

function describe(e: RoomEvent): string {
  const names = e.members.map((m) => m.name || m.wechatId).join(', ');
  const by = e.by ? ` (${e.by.name || e.by.wechatId})` : '';
  if (e.kind === 'join') return `➕ ${names} joined${by}`;
  if (e.kind === 'leave') return `➖ ${names} left${by}`;
  return `✏️ topic: “${e.oldTopic ?? ''}” → “${e.topic ?? ''}”${by}`;
}

/** Record one room event; false when it was recorded before or the room is ignored. */
export async function recordRoomEvent(e: RoomEvent, botWechatId?: string): Promise<boolean> {
  const key = `room:${e.roomId}`;
  const thread = await Thread.findOneAndUpdate(
    { key },
    { $setOnInsert: { key, kind: 'room', roomId: e.roomId }, ...(e.topic ? { $set: { topic: e.topic } } : {}) },
    { upsert: true, returnDocument: 'after' },
  ).lean<ThreadDoc>();
  if (!thread || thread.status === 'ignored') return false;
  if (!thread.supplierId && !thread.status) await Thread.updateOne({ _id: thread._id, supplierId: null, status: null }, { $set: { status: 'unsorted' } });

  const ids = e.members
    .map((m) => m.wechatId)
    .sort()
    .join(',');
  const puppetId = `room-${e.kind}:${e.roomId}:${
    e.kind === 'topic'
      ? createHash('sha256')
          .update(e.topic ?? '')
          .digest('hex')
          .slice(0, 12)
      : ids
  }:${Math.floor(e.ts.getTime() / 1000)}`;
  try {
    await Message.create({
      threadId: thread._id,
      td: threadDay(thread._id, e.ts),
      supplierId: thread.supplierId ?? undefined,
      puppetId,
      dedupeKey: createHash('sha256').update(puppetId).digest('base64url'),
      direction: 'in',
      senderWechatId: e.by?.wechatId,
      senderName: e.by?.name,
      senderKind: 'unknown',
      type: 'other',
      text: describe(e),
      ts: e.ts,
      receivedAt: new Date(),
      translationStatus: 'skipped',
      roomEvent: { kind: e.kind, members: e.members.map((m) => m.wechatId), by: e.by?.wechatId, topic: e.topic, oldTopic: e.oldTopic },
    });
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
  await Thread.updateOne({ _id: thread._id }, { $inc: { messageCount: 1 }, $max: { lastMessageAt: e.ts }, $addToSet: { days: e.ts.toISOString().slice(0, 10) }, $set: pulseSet(new Date()) });

  // A new member who is not ours: a contact to sort, proposed to the room's supplier.
  if (e.kind === 'join') {
    for (const m of e.members) {
      if (m.wechatId === botWechatId || (await Manager.exists({ wechatId: m.wechatId }))) continue;
      await Contact.updateOne(
        { wechatId: m.wechatId },
        { $setOnInsert: { wechatId: m.wechatId, name: m.name || m.wechatId, status: 'unsorted' }, $addToSet: { threadIds: thread._id } },
        { upsert: true },
      ).catch((err) => {
        if (!isDuplicateKey(err)) throw err;
      });
    }
  }
  return true;
}

/**
 * A message its sender recalled (撤回): marked, kept with its translation for the record; one
 * still waiting for translation is not translated, and a command not yet run never runs.
 * Returns false when no such message is stored (or it was marked before).
 */
export async function markRecalled(puppetId: string, at: Date): Promise<boolean> {
  const m = await Message.findOneAndUpdate({ puppetId, recalledAt: null }, { $set: { recalledAt: at } }, { returnDocument: 'after' }).lean<{ _id: unknown; threadId: unknown }>();
  if (!m) return false;
  await Message.updateOne({ _id: m._id, translationStatus: 'pending' }, { $set: { translationStatus: 'skipped', translationError: 'recalled by the sender' } });
  await Message.updateOne({ _id: m._id, commandStatus: null }, { $set: { commandStatus: 'recalled' } });
  await Thread.updateOne({ _id: m.threadId }, { $set: pulseSet(new Date()) });
  return true;
}
