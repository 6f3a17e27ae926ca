// Manager commands inside WeChat. The bot hands over a stored command message; this runs it
// once (claimed on the message record), refuses stale backlog commands, and returns the reply
// in the manager's language. Supplier-facing sends go through `sendToChat`.
import { Types } from 'mongoose';
import { issueBindingCode } from '../auth/index.js';
import { AppError, messageIn, say } from '../errors/index.js';
import { fmtNumber, fmtPercent } from '../i18n/index.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import { MILESTONES, daysBehind, dayOf, findOrderByNumber, listOrders, listOverdue, overdueMilestones, reportCustoms, updateMilestone, type OrderDoc } from '../orders/index.js';
import { MILESTONE_AZ, MILESTONE_RU } from '../notices/index.js';
import { fileClaim } from '../claims/index.js';
import { decideByNumber } from '../facts/index.js';
import { periodOf, setSegment, supplierScorecard, type KpiWeights } from '../performance/index.js';
import { displayCode, displayCodes, findActiveManagerByName, findSupplierByCode, parseCodeInput, setRouting, type SupplierDoc } from '../suppliers/index.js';
import { Message, Thread, threadMessages, decideFriendRequest, findUnsorted, listFriendRequests, sortContact, type MessageDoc, type SortDecision, type ThreadDoc } from '../threads/index.js';
import { linkRefusalOf, redeemLinkCode, voidLinkCode, type LinkRefusal } from '../managers/link.js';
import { partnerLangOf, type TranslationService } from '../translation/index.js';
import { bindingCodeForSupplier, t, type Key, type ManagerLang } from './i18n.js';
import { USAGE, parseCommand, type Command } from './parse.js';

export { parseCommand, isCommandText, USAGE, type Command } from './parse.js';

const log = getLogger('commands');

/** Commands older than this when they reach us (offline backlog) are not executed. */
export const MAX_COMMAND_AGE_MS = 5 * 60_000;

export interface CommandDeps {
  translation: Pick<TranslationService, 'translateText'> & Partial<Pick<TranslationService, 'detect'>>;
  /** Send a text into a chat (a supplier's thread), once per `key`: through the outbox. */
  sendToChat: (chatKey: string, text: string, key: string) => Promise<void>;
  clock?: () => Date;
  maxAgeMs?: number;
  /** Scorecard weights (config.performance.weights). */
  weights: KpiWeights;
}

export interface CommandInput {
  message: Pick<MessageDoc, '_id' | 'text' | 'ts' | 'senderWechatId'> & Partial<Pick<MessageDoc, 'senderName'>>;
  /** Where the command was typed: `/link` is taken only in a private chat with the bot. */
  chatKind?: 'dm' | 'room';
}

export type CommandOutcome = { status: 'done' | 'failed' | 'refused'; reply: string } | { status: 'stale' | 'duplicate'; reply?: undefined };

const fmtDay = (d?: Date | null) => (d ? dayOf(new Date(d)) : '—');
/** A milestone's name in the manager's language (English keeps the name the commands take). */
const msIn = (lang: ManagerLang, m: string) => (lang === 'ru' ? (MILESTONE_RU[m] ?? m) : lang === 'az' ? (MILESTONE_AZ[m] ?? m) : m);

export function createCommandHandler(deps: CommandDeps) {
  const clock = deps.clock ?? (() => new Date());
  const maxAge = deps.maxAgeMs ?? MAX_COMMAND_AGE_MS;

  // Plain code, tagged form or a merged supplier's former code (resolveSupplierCode).
  async function supplierOrThrow(code: string): Promise<SupplierDoc> {
    const s = await findSupplierByCode(code);
    if (!s) throw new ReplyError('noSupplier', { code: parseCodeInput(code)?.code ?? code.toUpperCase() });
    return s;
  }
  /** `/reply D12 AUGI 请…`: the tag typed after the code is part of the code, not of the text. */
  const stripTag = (text: string, tag?: string | null) => {
    if (!tag) return text;
    const m = /^(\S+)\s+([\s\S]*)$/.exec(text);
    return m && m[1]!.toUpperCase() === tag.toUpperCase() ? m[2]! : text;
  };
  async function orderOrThrow(po: string): Promise<OrderDoc> {
    const o = await findOrderByNumber(po);
    if (!o) throw new ReplyError('noPo', { po });
    return o;
  }
  async function latestThread(supplierId: Types.ObjectId): Promise<ThreadDoc | null> {
    return Thread.findOne({ supplierId, thirdParty: { $ne: true } })
      .sort({ lastMessageAt: -1 })
      .lean<ThreadDoc>(); // the factory's chat, not a forwarder's
  }

  /** `shown`: the supplier's code as people see it (`D12 AUGI`, displayCodes). */
  function orderLine(lang: ManagerLang, o: Pick<OrderDoc, 'number' | 'supplierCode' | 'next' | 'status'> & Partial<Pick<OrderDoc, 'milestones'>>, now: Date, shown?: Map<string, string>) {
    const behind = daysBehind(o, now); // the most late milestone, as /overdue and the board count
    const late = behind > 0 ? t(lang, 'late', { days: fmtNumber(lang, behind) }) : '';
    return t(lang, 'orderLine', {
      po: o.number,
      code: shown?.get(o.supplierCode) ?? o.supplierCode,
      milestone: o.next?.milestone ? msIn(lang, o.next.milestone) : '—',
      planned: fmtDay(o.next?.planned),
      late,
    });
  }
  /** An overdue order: the milestones that are late (any not done past its planned day, as the board and the overdue scan count) and by how much. */
  function overdueLine(lang: ManagerLang, o: OrderDoc, now: Date, shown: Map<string, string>) {
    const list = overdueMilestones(o, now)
      .map((x) => t(lang, 'lateMilestone', { milestone: msIn(lang, x.milestone), planned: fmtDay(x.planned), days: fmtNumber(lang, x.daysLate) }))
      .join(', ');
    return t(lang, 'overdueLine', { po: o.number, code: shown.get(o.supplierCode) ?? o.supplierCode, list });
  }

  async function run(cmd: Command, m: ManagerDoc, lang: ManagerLang, messageId: string): Promise<string> {
    const now = clock();
    const by = `manager:${m._id}`;
    switch (cmd.name) {
      case 'help': {
        const names = cmd.topic && cmd.topic in USAGE ? [cmd.topic as keyof typeof USAGE] : (Object.keys(USAGE) as (keyof typeof USAGE)[]);
        return t(lang, 'help', { list: names.map((n) => USAGE[n]).join('\n'), milestones: MILESTONES.join(', ') });
      }
      case 'orders': {
        const s = cmd.code ? await supplierOrThrow(cmd.code) : undefined;
        const res = s ? await listOrders({ supplierCode: s.code }) : await listOrders({ managerId: String(m._id) });
        if (!res.items.length) return t(lang, 'noOrders');
        const shown = await displayCodes(res.items.map((o) => o.supplierCode));
        return t(lang, 'orders', {
          who: s ? ` ${displayCode(s)}` : '',
          count: fmtNumber(lang, res.items.length) + (res.hasMore ? '+' : ''),
          list: res.items.map((o) => orderLine(lang, o, now, shown)).join('\n'),
        });
      }
      case 'po': {
        const o = await orderOrThrow(cmd.po);
        const milestones = MILESTONES.map((name) => {
          const x = o.milestones?.[name];
          const mark = x?.status === 'done' ? '✅' : x?.planned && fmtDay(x.planned) < dayOf(now) ? '⏰' : '·';
          return `${mark} ${name}: ${fmtDay(x?.planned)}${x?.actual ? ` → ${fmtDay(x.actual)}` : ''}`;
        }).join('\n');
        const c = o.customs;
        return t(lang, 'po', {
          po: o.number,
          code: (await displayCodes([o.supplierCode])).get(o.supplierCode) ?? o.supplierCode,
          status: t(lang, `status_${o.status}` as Key),
          milestones,
          customs: c?.status === 'held' ? `${t(lang, 'customs_held')} (${c.reason ?? ''}) ${fmtDay(c.expectedDate)}` : t(lang, `customs_${c?.status ?? 'none'}` as Key),
        });
      }
      case 'done': {
        const o = await orderOrThrow(cmd.po);
        const res = await updateMilestone({
          orderId: o._id,
          milestone: cmd.milestone,
          done: true,
          actual: cmd.date ? new Date(`${cmd.date}T00:00:00Z`) : undefined,
          by,
          idempotencyKey: `cmd-${messageId}`,
          now,
        });
        if (!res.changed) return t(lang, 'unchanged', { po: o.number, milestone: cmd.milestone });
        return t(lang, 'done', { po: o.number, milestone: cmd.milestone, date: fmtDay(res.order.milestones[cmd.milestone].actual) });
      }
      case 'plan': {
        const o = await orderOrThrow(cmd.po);
        const res = await updateMilestone({
          orderId: o._id,
          milestone: cmd.milestone,
          planned: new Date(`${cmd.date}T00:00:00Z`),
          reason: `replanned by ${m.name} (/plan)`,
          by,
          idempotencyKey: `cmd-${messageId}`,
          now,
        });
        if (!res.changed) return t(lang, 'unchanged', { po: o.number, milestone: cmd.milestone });
        return t(lang, 'planned', { po: o.number, milestone: cmd.milestone, date: cmd.date });
      }
      case 'customs': {
        const o = await orderOrThrow(cmd.po);
        const expected = cmd.days !== undefined ? new Date(Date.parse(`${dayOf(now)}T00:00:00Z`) + cmd.days * 86_400_000) : undefined;
        const reason = cmd.reason ?? (cmd.action === 'hold' ? 'customs inspection hold (海关查验)' : undefined);
        await reportCustoms({ orderId: o._id, status: cmd.action === 'hold' ? 'held' : 'cleared', reason, expectedDate: expected, by, idempotencyKey: `cmd-${messageId}`, now });
        return t(lang, 'customs', {
          po: o.number,
          status: t(lang, cmd.action === 'hold' ? 'customs_held' : 'customs_cleared'),
          until: expected ? t(lang, 'customsUntil', { date: fmtDay(expected) }) : '',
        });
      }
      case 'reply': {
        const s = await supplierOrThrow(cmd.code);
        const thread = await latestThread(s._id);
        if (!thread) return t(lang, 'noThread', { code: s.code });
        const text = stripTag(cmd.text, s.tag);
        if (!text.trim()) return `${t(lang, 'error', { message: say(lang, 'cmd.text') })}\n${t(lang, 'usage', { usage: USAGE.reply })}`;
        // In the partner's language (Chinese unless the supplier reads English); a text already
        // in it goes as written. The manager's own language decides when detection is unsure.
        const to = await partnerLangOf(thread);
        let zh: string;
        try {
          zh = deps.translation.detect?.(text, lang) === to ? text : (await deps.translation.translateText(text, to, undefined, lang)).text;
        } catch (err) {
          log.warn({ err: (err as Error).message }, '/reply: translation failed');
          return t(lang, 'unavailable');
        }
        await deps.sendToChat(thread.key, zh, `reply:${messageId}`);
        return t(lang, to === 'en' ? 'repliedEn' : 'replied', { code: s.code, zh });
      }
      case 'thread': {
        const s = await supplierOrThrow(cmd.code);
        const thread = await latestThread(s._id);
        if (!thread) return t(lang, 'noThread', { code: s.code });
        const msgs = (await threadMessages(thread, { limit: cmd.n })).reverse(); // a day at a time, as the console reads
        const list = msgs
          .map((x) => {
            const tr = (x.translations as unknown as Record<string, { text: string }> | undefined)?.[lang]?.text;
            const when = new Date(x.ts).toISOString().slice(5, 16).replace('T', ' ');
            const body = x.type === 'text' ? x.text : `[${x.type}${x.media?.name ? ` ${x.media.name}` : ''}]`;
            return `[${when}] ${x.senderName ?? '?'}: ${body}${tr && tr !== x.text ? `\n   → ${tr}` : ''}`;
          })
          .join('\n');
        return t(lang, 'thread', { n: msgs.length, code: s.code, list });
      }
      case 'overdue': {
        const items = await listOverdue(now, { managerId: String(m._id) });
        if (!items.length) return t(lang, 'noOverdue');
        const shown = await displayCodes(items.slice(0, 30).map((o) => o.supplierCode));
        return t(lang, 'overdue', {
          count: fmtNumber(lang, items.length),
          list: items
            .slice(0, 30)
            .map((o) => overdueLine(lang, o, now, shown))
            .join('\n'),
        });
      }
      case 'bind': {
        const s = await supplierOrThrow(cmd.code);
        const issued = await issueBindingCode(s.code, by, { now });
        const until = fmtDay(issued.expiresAt);
        const thread = await latestThread(s._id);
        if (!thread) return t(lang, 'boundNoChat', { code: s.code, bindCode: issued.code, until });
        await deps.sendToChat(thread.key, bindingCodeForSupplier(issued.code, until, await partnerLangOf(thread)), `bind:${messageId}`);
        return t(lang, 'bound', { code: s.code, bindCode: issued.code, until });
      }
      case 'assign': {
        const s = await supplierOrThrow(cmd.code);
        const who = stripTag(cmd.manager, s.tag);
        const target = await findActiveManagerByName(who);
        if (!target) return t(lang, 'noManager', { manager: who });
        // The same rule as the console and PUT /api/suppliers/:code/routing.
        await setRouting(s._id, { managerId: String(target._id), ...(String(s.backupManagerId ?? '') === String(target._id) ? { backupManagerId: null } : {}) });
        return t(lang, 'assigned', { code: s.code, manager: target.name });
      }
      case 'segment': {
        const s = await supplierOrThrow(cmd.code);
        await setSegment(s._id, cmd.segment, by, 'set by /segment', now);
        return t(lang, 'segmented', { code: s.code, segment: cmd.segment });
      }
      case 'claim': {
        const o = await orderOrThrow(cmd.po);
        const c = await fileClaim({ orderId: String(o._id), type: cmd.type, qty: cmd.qty, description: cmd.text }, { id: String(m._id), language: lang }, deps.translation, now);
        const chat = await latestThread(o.supplierId);
        return t(lang, 'claimed', { number: c.number, type: cmd.type, qty: cmd.qty, sent: chat ? t(lang, 'claimSent', { code: o.supplierCode }) : t(lang, 'claimNoChat', { code: o.supplierCode }) });
      }
      case 'kpi': {
        const s = await supplierOrThrow(cmd.code);
        const sc = await supplierScorecard(s._id, cmd.period ?? periodOf(now), deps.weights);
        const k = sc.kpis;
        const none = t(lang, 'kpiNoData');
        const num = (x: number) => fmtNumber(lang, x);
        const dur = (min: number | null) => (min === null ? none : min >= 60 ? `${num(Math.round(min / 6) / 10)} h` : `${num(Math.round(min))} min`);
        return t(lang, 'kpi', {
          code: s.code,
          name: s.name,
          period: sc.period,
          cls: sc.class ?? '—',
          score: sc.score === null || sc.score === undefined ? none : num(sc.score),
          trend: sc.trend === null ? '' : `, ${sc.trend >= 0 ? '+' : ''}${num(sc.trend)} vs ${sc.previous.period}`,
          onTime: k.onTimeRate === null ? none : fmtPercent(lang, k.onTimeRate),
          done: num(k.milestonesDone),
          late: num(k.avgDaysLate ?? 0),
          replanned: num(k.replanned),
          median: dur(k.replyMedianMin),
          p90: dur(k.replyP90Min),
          replies: num(k.replies),
          orders: num(k.orders),
          customs: num(k.customsDelays),
          claims: num(k.claims),
          reasons: sc.reasons.map((r) => `• ${r}`).join('\n'),
        });
      }
      case 'sort': {
        const target = await findUnsorted(cmd.who);
        const decision: SortDecision = cmd.decision;
        const r = await sortContact(target.id, decision, by, now);
        const n = r.attached.messages;
        switch (r.kind) {
          case 'supplier':
            return t(lang, 'sortedSupplier', { who: target.name, code: r.supplier!.code, n });
          case 'contact':
            return t(lang, 'sortedContact', { who: target.name, code: r.supplier!.code, role: r.role ? ` (${r.role})` : '', n });
          case 'colleague':
            return t(lang, 'sortedColleague', { who: target.name });
          case 'ignore':
            return t(lang, 'sortedIgnored', { who: target.name, n: r.deleted ?? 0 });
        }
        return '';
      }
      case 'link':
        return ''; // handled before the manager check (handle)
      case 'accept':
      case 'decline': {
        if (cmd.name === 'accept' && cmd.n === undefined) {
          const pending = await listFriendRequests('pending');
          if (!pending.length) return t(lang, 'noFriendRequests');
          return t(lang, 'friendRequests', { count: pending.length, list: pending.map((r, i) => `${i + 1}. ${r.name}${r.hello ? ` — “${r.hello}”` : ''}`).join('\n') });
        }
        const r = await decideFriendRequest(cmd.n!, cmd.name === 'accept', by, now);
        return t(lang, cmd.name === 'accept' ? 'friendAccepted' : 'friendDeclined', { name: r.name });
      }
      case 'ok':
      case 'no': {
        // A proposal from a supplier's chat (shared/facts): the manager's own number.
        const r = await decideByNumber(m, cmd.n, { decision: cmd.name, ...(cmd.name === 'ok' ? { po: cmd.po, milestone: cmd.milestone } : {}) }, now);
        return t(lang, cmd.name === 'ok' ? 'factApplied' : 'factDropped', { n: cmd.n, summary: r.summary });
      }
      case 'tr': {
        try {
          const from = (await deps.translation.translateText(cmd.text, 'zh', undefined, lang)).from;
          const to = from === 'zh' ? lang : 'zh';
          return t(lang, 'tr', { text: (await deps.translation.translateText(cmd.text, to, from)).text });
        } catch (err) {
          if (err instanceof AppError) return t(lang, 'error', { message: messageIn(err, lang) });
          throw err;
        }
      }
    }
  }

  return async function handle(input: CommandInput): Promise<CommandOutcome> {
    const { message } = input;
    const now = clock();
    // Exactly once per stored message, whichever process or replay gets here first.
    const claim = await Message.updateOne({ _id: message._id, commandStatus: null }, { $set: { commandStatus: 'running' } });
    if (claim.modifiedCount !== 1) return { status: 'duplicate' };
    const finish = (status: string) => Message.updateOne({ _id: message._id }, { $set: { commandStatus: status } });

    if (now.getTime() - new Date(message.ts).getTime() > maxAge) {
      await finish('stale');
      log.info({ messageId: String(message._id), ts: message.ts }, 'command from the offline backlog not executed');
      return { status: 'stale' };
    }
    const known = message.senderWechatId ? await Manager.findOne({ wechatId: message.senderWechatId }).lean<ManagerDoc>() : null;
    const parsed = parseCommand(message.text, now);
    // `/link` comes from a WeChat that is not a manager's yet: the one command taken from anyone.
    if (parsed.ok && parsed.command.name === 'link') return link(parsed.command.code, input, known, now, finish);
    if (!parsed.ok && 'name' in parsed && parsed.name === 'link') return link('', input, known, now, finish);
    const m = known && known.active !== false ? known : null;
    if (!m) {
      await finish('refused');
      if (known) return { status: 'refused', reply: t(managerLang(known.language), 'deactivated') };
      return { status: 'refused', reply: t('en', 'notManager') };
    }
    const lang: ManagerLang = managerLang(m.language);
    if (!parsed.ok) {
      await finish('failed');
      if ('notCommand' in parsed) return { status: 'failed', reply: t(lang, 'unknown') };
      return { status: 'failed', reply: `${t(lang, 'error', { message: messageIn({ message: parsed.error, text: parsed.text }, lang) })}\n${t(lang, 'usage', { usage: parsed.usage ?? USAGE.help })}` };
    }
    try {
      const reply = await run(parsed.command, m, lang, String(message._id));
      await finish('done');
      return { status: 'done', reply };
    } catch (err) {
      await finish('failed');
      if (err instanceof ReplyError) return { status: 'failed', reply: t(lang, err.key, err.vars) };
      if (err instanceof AppError) return { status: 'failed', reply: t(lang, 'error', { message: messageIn(err, lang) }) };
      log.error({ err, messageId: String(message._id) }, 'command failed');
      return { status: 'failed', reply: t(lang, 'error', { message: say(lang, 'internal') }) };
    }
  };
}

/** English and Russian when we do not know who is asking (a WeChat not linked yet). */
const bilingual = (key: Parameters<typeof t>[1], vars: Record<string, string | number> = {}) => `${t('en', key, vars)}\n${t('ru', key, vars)}`;

const REFUSAL_KEYS: Record<LinkRefusal, Parameters<typeof t>[1]> = {
  format: 'linkFormat',
  unknown_code: 'linkUnknown',
  expired: 'linkExpired',
  used: 'linkUsed',
  wechat_taken: 'linkTaken',
  supplier_contact: 'linkSupplier',
  inactive: 'deactivated',
  rate_limited: 'linkRateLimited',
};

async function link(code: string, input: CommandInput, known: ManagerDoc | null, now: Date, finish: (status: string) => Promise<unknown>): Promise<CommandOutcome> {
  const { message } = input;
  const say = (key: Parameters<typeof t>[1], vars: Record<string, string | number> = {}) => (known ? t(managerLang(known.language), key, vars) : bilingual(key, vars));
  if (input.chatKind === 'room') {
    // Everyone in the room has seen the code now: it is void.
    await voidLinkCode(code, now);
    await finish('refused');
    return { status: 'refused', reply: say('linkInRoom') };
  }
  try {
    const linked = await redeemLinkCode(message.senderWechatId ?? '', message.senderName ?? '', code, now);
    await finish('done');
    return { status: 'done', reply: t(linked.language, 'linked', { name: linked.name }) };
  } catch (err) {
    await finish('failed');
    if (!(err instanceof AppError)) {
      log.error({ err, messageId: String(message._id) }, '/link failed');
      return { status: 'failed', reply: say('error', { message: 'internal error' }) };
    }
    const refusal = linkRefusalOf(err);
    const reason: LinkRefusal | undefined = refusal?.reason ?? (err.code === 'rate_limited' ? 'rate_limited' : undefined);
    if (!reason) return { status: 'failed', reply: known ? t(managerLang(known.language), 'error', { message: messageIn(err, managerLang(known.language)) }) : say('error', { message: err.message }) };
    const holder = /\(([^)]+)\)/.exec(err.message)?.[1] ?? '';
    return { status: 'failed', reply: say(REFUSAL_KEYS[reason], { code: refusal?.supplierCode ?? '?', manager: holder }) };
  }
}

class ReplyError extends Error {
  constructor(
    readonly key: Parameters<typeof t>[1],
    readonly vars: Record<string, string | number>,
  ) {
    super(key);
  }
}
