// Pre-shipment readiness answered in the chat: the supplier replies to the question the bot
// asked ("好了" / "可以出货" = ready; "没好" / "推迟到12月20日" = not ready + new date). Small on
// purpose: `readinessReply` is the one function a general chat-facts recognizer can replace.
import { Types } from 'mongoose';
import { dmKey } from '../messenger.js';
import { getLogger } from '../log/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { enqueueNotice } from '../notices/index.js';
import { answerReadiness, dayOf, Order, type OrderDoc } from '../orders/index.js';
import { displayCodes, Supplier, type SupplierDoc } from '../suppliers/index.js';
import type { MessageDoc, ThreadDoc } from '../threads/model.js';

const log = getLogger('followup.readiness');

export type ReadinessReply = { ready: true } | { ready: false; date?: string };

// Strong words say it whatever else the reply holds; weak ones ("好了", "没好") only in a short
// reply or one about the goods (货), so "报价单做好了" is not taken for "ready to ship".
const NOT_READY_STRONG = /推迟|延期|延迟|延后|不能出货|不能发货|出不了货|来不及/;
const NOT_READY_WEAK = /没好|未好|还没|没有好|没准备好|未准备好|not ready/i;
const READY_STRONG = /可以出货|可以发货|能出货|能发货|准备好了|已备好|已经备好|ready to ship/i;
const READY_WEAK = /好了|ready/i;
const SHORT = 12;

/** A date in the reply ("12月20日", "12/20", "2026-12-20", "12.20"), the next such day on or after `today`. */
export function dateIn(text: string, today: string): string | undefined {
  const full = text.match(/(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})/);
  let y: number | undefined;
  let mo: number;
  let d: number;
  if (full) [y, mo, d] = [Number(full[1]), Number(full[2]), Number(full[3])];
  else {
    const md = text.match(/(\d{1,2})\s*(?:月|\/|\.|-)\s*(\d{1,2})\s*(?:日|号)?/);
    if (!md) return undefined;
    [mo, d] = [Number(md[1]), Number(md[2])];
  }
  const ty = Number(today.slice(0, 4));
  const make = (year: number) => {
    const t = new Date(Date.UTC(year, mo - 1, d));
    return t.getUTCMonth() === mo - 1 && t.getUTCDate() === d ? dayOf(t) : undefined;
  };
  if (y !== undefined) return make(y);
  const thisYear = make(ty);
  return thisYear && thisYear >= today ? thisYear : make(ty + 1);
}

/**
 * What a chat reply says about readiness, or null when it says nothing about it. "Not ready"
 * wins over "ready" ("还没好" holds 好); a date anywhere in a not-ready reply is the new date.
 */
export function readinessReply(text: string, today: string): ReadinessReply | null {
  const t = text.trim();
  if (!t || t.length > 200) return null;
  const bare = t.replace(/[\s\p{P}\p{S}]/gu, '');
  const weakApplies = bare.length <= SHORT || /货/.test(t);
  if (NOT_READY_STRONG.test(t) || (weakApplies && NOT_READY_WEAK.test(t))) {
    const date = dateIn(t, today);
    return date ? { ready: false, date } : { ready: false };
  }
  if (READY_STRONG.test(t) || (weakApplies && READY_WEAK.test(t))) return { ready: true };
  return null;
}

/** Open orders of the supplier whose readiness question is waiting for an answer. */
async function askedOrders(supplierId: Types.ObjectId, today: string): Promise<OrderDoc[]> {
  const open = await Order.find({ supplierId, status: 'open' }).lean<OrderDoc[]>();
  return open.filter((o) => o.readiness?.asked && !o.readiness.answer && o.readiness.asked <= today && o.milestones?.shipped?.status !== 'done');
}

async function managerOf(o: Pick<OrderDoc, 'managerId' | 'supplierId'>): Promise<ManagerDoc | null> {
  const id = o.managerId ?? (await Supplier.findOne({ _id: o.supplierId }, { managerId: 1 }).lean<SupplierDoc>())?.managerId;
  return id ? Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>() : null;
}

/**
 * The `message.stored` listener: a supplier's text reply to the readiness question. Recorded as
 * the answer when the bot can place it (the supplier has exactly one order asked about);
 * otherwise — several asked, or "not ready" without a date — left for the manager as a notice.
 * The answer's `by` is `supplier:chat:<wechat id>`, so the follow-up tells the manager as for a
 * mini-program answer.
 */
export async function onSupplierMessage({ message, thread }: { message: MessageDoc; thread: Pick<ThreadDoc, 'supplierId'> }, now = new Date()): Promise<'recorded' | 'left' | 'none'> {
  if (message.senderKind !== 'supplier' || message.direction !== 'in' || message.type !== 'text' || !thread.supplierId) return 'none';
  const today = dayOf(now);
  const reply = readinessReply(message.text ?? '', today);
  if (!reply) return 'none';
  const asked = await askedOrders(thread.supplierId, today);
  if (!asked.length) return 'none';
  const by = `supplier:chat:${message.senderWechatId ?? 'unknown'}`;
  if (asked.length === 1 && (reply.ready || reply.date)) {
    const o = asked[0]!;
    try {
      await answerReadiness({
        orderId: o._id,
        ready: reply.ready,
        date: reply.ready ? undefined : new Date(`${reply.date}T00:00:00Z`),
        note: message.text,
        by,
        idempotencyKey: `chat:${message._id}`,
        now,
      });
      return 'recorded';
    } catch (err) {
      log.warn({ order: o.number, err: (err as Error).message }, 'readiness reply not recorded; left for the manager');
    }
  }
  // Not placed: each asked order's manager reads the reply and decides.
  let left = false;
  for (const o of asked) {
    const m = await managerOf(o);
    if (!m?.wechatId) continue;
    const pos = asked.map((x) => x.number).join(', ');
    const code = (await displayCodes([o.supplierCode])).get(o.supplierCode)!;
    const text =
      m.language === 'ru'
        ? `❓ ${code}: ответ в чате на вопрос о готовности к отгрузке (${pos}) — не удалось отнести к заказу, решите сами: «${message.text}»`
        : m.language === 'az'
          ? `❓ ${code}: yükləməyə hazırlıq sualına çatda cavab (${pos}) — bot onu sifarişə aid edə bilmədi, özünüz qərar verin: «${message.text}»`
          : `❓ ${code}: a chat reply to the pre-shipment question (${pos}) the bot could not place — please decide: "${message.text}"`;
    left =
      (await enqueueNotice(
        { key: `readiness-reply:${message._id}:${m._id}`, kind: 'pre_shipment', to: dmKey(m.wechatId), recipient: { kind: 'manager', id: String(m._id), timezone: m.timezone }, text, orderId: o._id },
        now,
      )) || left;
  }
  return left ? 'left' : 'none';
}
