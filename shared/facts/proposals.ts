// From a stored supplier message to proposals, and from a manager's answer to the order change.
// The reaction (`onMessageStored`, wired in shared/reactions.ts) recognizes first, purely: most
// messages have no fact and cost no query. A message with facts is linked to an order of ITS
// supplier only (a PO named; else the only open order; else the thread's last order; else the
// manager picks), stored as one proposal per fact (unique message + fact), numbered per manager
// and sent to the responsible manager through the outbox. Nothing changes until a manager says
// `/ok n` (WeChat) or presses the console's button: then the change goes through the orders'
// own writes (re-plan with history "chat", milestone done, price patch, shipping references),
// so notices, KPIs and history follow as for every other change.
import { Types } from 'mongoose';
import { assertVisible, managerViewer, type ManagerViewer } from '../access/index.js';
import { ConflictError, NotFoundError, ValidationError, isDuplicateKey, msg } from '../errors/index.js';
import { createCache } from '../cache/index.js';
import { groupInsert } from '../db/batches.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import { dmKey } from '../messenger.js';
import { enqueueNotice } from '../notices/index.js';
import { MILESTONES, Order, addOrderRef, dayOf, orderFor, replanOrder, updateMilestone, updateOrder, type MilestoneName, type OrderDoc, type OrderRef } from '../orders/index.js';
import { Supplier, type SupplierDoc } from '../suppliers/index.js';
import { Thread, type MessageDoc, type ThreadDoc } from '../threads/model.js';
import { localDay } from './dates.js';
import type { FactsModel, ModelFact } from './llm.js';
import { FactoryClosure, Proposal, ProposalCounter, ThreadFocus, type ClosureDoc, type Link, type ProposalDoc } from './model.js';
import { CARRIER_LINKS, factKey, recognize, type Fact } from './recognize.js';
import { doubt, doubtOf, doubtsIn, proposalsForManager, type Doubt, type FactLang } from './texts.js';

const log = getLogger('facts');

let pending = 0;
/** Messages in the reaction now (the proposals' notices wait while others are in flight). */
let working = 0;
let waiters: (() => void)[] = [];
/** Every message handed to the reaction so far handled to the end, its WeChat message queued (tests, bench). */
export function factsIdle(): Promise<void> {
  if (!pending) return Promise.resolve();
  return new Promise((ok) => waiters.push(ok));
}
function settled(): void {
  if (--pending === 0) {
    const w = waiters;
    waiters = [];
    w.forEach((ok) => ok());
  }
}

const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
const dayDate = (d: string) => new Date(`${d}T00:00:00Z`);

// A supplier's open orders, kept while nothing of that supplier is written (the `order.written`
// reaction below drops the entry; the minute's ttl bounds what another process wrote).
const openOrders = createCache<string, OrderDoc[]>('facts.openOrders', { max: 2000, ttl: 60_000 });
const managers = createCache<string, ManagerDoc | false>('facts.managers', { max: 1000, ttl: 60_000 });

/** The `order.written` reaction: the supplier's open orders are read again for the next message. */
export function onOrderWritten(e: { after: Pick<OrderDoc, 'supplierId'> }): void {
  openOrders.delete(String(e.after.supplierId));
}

async function openOrdersOf(supplierId: Types.ObjectId): Promise<OrderDoc[]> {
  const key = String(supplierId);
  const hit = openOrders.get(key);
  if (hit) return hit;
  const list = await Order.find({ supplierId, status: 'open' }, { number: 1, milestones: 1, managerId: 1, lines: 1, supplierId: 1, supplierCode: 1, next: 1, currency: 1 }).lean<OrderDoc[]>();
  openOrders.set(key, list);
  return list;
}

/** The order a message is about, among ITS supplier's open orders only. */
async function linkOrder(supplierId: Types.ObjectId, threadId: Types.ObjectId, pos: string[], now: Date): Promise<{ order?: OrderDoc; candidates: OrderDoc[]; link: Link; uncertain?: Doubt }> {
  const open = await openOrdersOf(supplierId);
  if (pos.length) {
    const named = open.filter((o) => pos.some((p) => norm(o.number) === norm(p) || (norm(p).length >= 4 && norm(o.number).endsWith(norm(p)))));
    if (named.length === 1) {
      await ThreadFocus.updateOne({ threadId }, { $set: { orderId: named[0]!._id, at: now } }, { upsert: true }).catch(() => undefined);
      return { order: named[0], candidates: [], link: 'po' };
    }
    // A PO that is not one of this supplier's open orders: never looked up elsewhere.
    return { candidates: open, link: 'pick', uncertain: doubt(msg('doubt.poNotOpen', { po: pos.join(', ') })) };
  }
  if (open.length === 1) return { order: open[0], candidates: [], link: 'only' };
  const focus = await ThreadFocus.findOne({ threadId }).lean<{ orderId: Types.ObjectId }>();
  const last = focus && open.find((o) => String(o._id) === String(focus.orderId));
  if (last) return { order: last, candidates: [], link: 'thread' };
  return { candidates: open, link: 'pick' };
}

async function responsibleManager(order: OrderDoc | undefined, s: SupplierDoc): Promise<ManagerDoc | null> {
  const id = order?.managerId ?? s.managerId;
  if (!id) return null;
  const hit = managers.get(String(id));
  if (hit !== undefined) return hit || null;
  const m = await Manager.findOne({ _id: id, active: { $ne: false } }).lean<ManagerDoc>();
  managers.set(String(id), m ?? false);
  return m;
}

/** Short numbers a process reserves per counter round trip (the rest handed out from memory). */
export const NUMBER_BLOCK = 10;
const reserving = new Map<string, Promise<void>>();
/** The most a busy counter reserves at once (a restart leaves at most this many unused). */
const NUMBER_BLOCK_MAX = 80;
const blocks = createCache<string, { next: number; last: number; size: number; at: number }>('facts.numbers', { max: 1000, ttl: 10 * 60_000 });

/**
 * `k` new short numbers of a counter: the last one is returned. The counter (an upsert with
 * `$inc`) is asked for a block of numbers at a time, handed out from memory until it is used
 * up: most messages cost no counter round trip. Numbers stay unique (the counter never gives a
 * number twice; `nk` is a unique index) and rise within a process; a restart leaves the rest of
 * a block unused (a gap in the numbering: at most NUMBER_BLOCK − 1 in a quiet hour, up to
 * NUMBER_BLOCK_MAX − 1 after a burst, when blocks double).
 */
async function takeNumbers(counter: string, k: number): Promise<number> {
  const b = blocks.get(counter);
  if (b && b.last - b.next + 1 >= k) {
    b.next += k;
    return b.next - 1;
  }
  // One reservation at a time per counter: messages of a burst wait for it and share the block.
  const running = reserving.get(counter);
  if (running) {
    await running.catch(() => undefined);
    return takeNumbers(counter, k);
  }
  // A busy counter (its last block, `b`, used up within seconds) reserves twice as many next time.
  const size = Math.max(k, b && Date.now() - b.at < 5_000 ? Math.min(b.size * 2, NUMBER_BLOCK_MAX) : NUMBER_BLOCK);
  const p = ProposalCounter.findOneAndUpdate({ key: counter }, { $inc: { seq: size } }, { upsert: true, returnDocument: 'after' })
    .lean<{ seq: number }>()
    .then((c) => void blocks.set(counter, { next: c!.seq - size + 1, last: c!.seq, size, at: Date.now() }));
  reserving.set(counter, p);
  try {
    await p;
  } finally {
    reserving.delete(counter);
  }
  return takeNumbers(counter, k);
}

const currentPlanned = (o: OrderDoc | undefined, m: MilestoneName | null) => {
  const name = m ?? o?.next?.milestone;
  const p = name ? o?.milestones?.[name]?.planned : undefined;
  return p ? dayOf(new Date(p)) : null;
};

/** Facts a proposal would change nothing with (the date is already so) are not proposed. */
function alreadySo(f: Fact, o: OrderDoc | undefined): boolean {
  if (!o || f.kind !== 'date' || !f.milestone) return false;
  const m = o.milestones?.[f.milestone];
  if (f.stage === 'done') return m?.status === 'done';
  return m?.planned ? dayOf(new Date(m.planned)) === f.day : false;
}

/** A sanity check of dates: far in the past or years ahead is said, not applied blindly. */
function dateDoubts(f: Fact, today: string): Doubt[] {
  if (f.kind !== 'date' && f.kind !== 'holiday') return [];
  const d = f.kind === 'date' ? f.day : f.to;
  const days = (Date.parse(d) - Date.parse(today)) / 86_400_000;
  if (days > 366) return [doubt(msg('doubt.yearAhead'))];
  if (f.kind === 'date' && f.stage !== 'done' && days < -1) return [doubt(msg('doubt.past'))];
  return [];
}

export interface StoredInput {
  message: Pick<MessageDoc, '_id' | 'text' | 'ts' | 'type' | 'direction'> & Partial<Pick<MessageDoc, 'senderName' | 'senderKind' | 'senderWechatId' | 'recalledAt'>>;
  thread: Pick<ThreadDoc, '_id' | 'supplierId'> & Partial<Pick<ThreadDoc, 'status' | 'thirdParty' | 'kind'>>;
}

/**
 * The `message.stored` reaction: never throws, never blocks the mirror (the bus does not await
 * it for the mirror). Returns how many proposals it stored.
 */
export async function onMessageStored(e: StoredInput, now = new Date(), model?: FactsModel): Promise<number> {
  pending++;
  working++;
  try {
    return await proposeByRules(e, now, model);
  } catch (err) {
    log.warn({ messageId: String(e?.message?._id), err: (err as Error).message }, 'facts not proposed');
    return 0;
  } finally {
    // The last message in flight done: the gathered WeChat messages go now (a burst is one).
    if (--working === 0) for (const id of [...gathering.keys()]) void sendGathered(id);
    settled();
  }
}

// Words that say a message is about a milestone or a date: worth asking the model when the rules
// found nothing (or nothing certain) in it.
const HINT =
  /出货|发货|船期|交期|交货|验货|完成|做好|好了|生产|上线|原材料|备料|放假|推迟|延期|改到|提前|[号日月]|周|星期|礼拜|天|ship|deliver|inspect|ready|finish|produc|delay|postpon|week|month|date|day|отгруз|готов|достав|инспек|перенес|недел|месяц|дат|день|дня/i;

/** The rules could not read the message with confidence: a hint word and no fact, or only uncertain ones. */
function needsModel(text: string, facts: Fact[]): boolean {
  if (!HINT.test(text)) return false;
  if (!facts.length) return true;
  return facts.every((f) => (f.kind === 'date' && (!f.milestone || !!f.uncertain)) || ('uncertain' in f && !!f.uncertain));
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar day (not 2026-02-30). */
const realDay = (d: string) => DAY_RE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/**
 * The model's answers that may become proposals: a real day within a sane window (a done
 * milestone up to 60 days back, a plan from yesterday to a year ahead), a PO (when named) that
 * is an open order of THIS supplier. Returns the facts and the POs named; the rest is dropped
 * (logged).
 */
export function modelFacts(found: ModelFact[], today: string, open: Pick<OrderDoc, 'number'>[]): { facts: Fact[]; pos: string[] } {
  const facts: Fact[] = [];
  const pos: string[] = [];
  for (const f of found) {
    if (!realDay(f.day)) continue;
    const days = (Date.parse(f.day) - Date.parse(today)) / 86_400_000;
    if (days > 366 || days < (f.stage === 'done' ? -60 : -1)) continue;
    if (f.milestone && !MILESTONES.includes(f.milestone)) continue;
    if (f.po) {
      const p = norm(f.po);
      if (!p || !open.some((o) => norm(o.number) === p || (p.length >= 4 && norm(o.number).endsWith(p)))) continue;
      pos.push(f.po.toUpperCase());
    }
    facts.push({ kind: 'date', milestone: f.milestone, stage: f.stage, day: f.day });
  }
  return { facts, pos: [...new Set(pos)] };
}

/** Ask the model about a message the rules could not read; its validated facts become proposals (source: model). */
async function proposeByModel({ message, thread }: StoredInput, model: FactsModel, supplier: SupplierDoc, tz: string, now: Date): Promise<number> {
  const today = localDay(new Date(message.ts), tz).day;
  const found = await model.read(message.text ?? '', today);
  if (!found.length) return 0;
  const { facts, pos } = modelFacts(found, today, await openOrdersOf(thread.supplierId as Types.ObjectId));
  if (facts.length < found.length) log.info({ messageId: String(message._id), dropped: found.length - facts.length }, 'model facts rejected (date or PO not valid)');
  if (!facts.length) return 0;
  return storeProposals(facts, pos, 'model', { message, thread, supplier, tz }, now);
}

async function proposeByRules({ message, thread }: StoredInput, now: Date, model?: FactsModel): Promise<number> {
  if (message.direction !== 'in' || message.type !== 'text' || !thread.supplierId || thread.status === 'colleague' || thread.status === 'ignored') return 0;
  if (message.senderKind === 'manager' || message.senderKind === 'bot' || /^\s*[/／]/.test(message.text ?? '')) return 0;
  // Most messages state nothing: read the text first (no query), in the supplier's zone when known.
  const known = zones.get(String(thread.supplierId));
  let r = recognize(message.text ?? '', new Date(message.ts), known ?? 'Asia/Shanghai');
  const ask = !!model && needsModel(message.text ?? '', r.facts);
  if (!r.facts.length && !ask) return 0;
  const supplier = await supplierOf(thread.supplierId);
  if (!supplier) return 0;
  const tz = supplier.timezone ?? 'Asia/Shanghai';
  if (tz !== (known ?? 'Asia/Shanghai')) r = recognize(message.text ?? '', new Date(message.ts), tz);
  // The rules' facts first (stored even when the model fails); then the model's, if asked.
  let n = r.facts.length ? await storeProposals(r.facts, r.pos, 'rules', { message, thread, supplier, tz }, now) : 0;
  if (ask) n += await proposeByModel({ message, thread }, model!, supplier, tz, now);
  return n;
}

// The suppliers' time zones (they rarely change; a stale one for a minute shifts nothing but
// relative dates said around midnight, and is corrected below once a fact is found).
const zones = createCache<string, string>('facts.zones', { max: 5000, ttl: 60_000 });
const suppliers = createCache<string, SupplierDoc>('facts.suppliers', { max: 5000, ttl: 60_000 });

async function supplierOf(id: Types.ObjectId): Promise<SupplierDoc | null> {
  const hit = suppliers.get(String(id));
  if (hit) return hit;
  const s = await Supplier.findOne({ _id: id }, { code: 1, tag: 1, name: 1, managerId: 1, timezone: 1 }).lean<SupplierDoc>();
  if (s) {
    zones.set(String(id), s.timezone ?? 'Asia/Shanghai');
    suppliers.set(String(id), s);
  }
  return s;
}

interface Context {
  message: StoredInput['message'];
  thread: StoredInput['thread'];
  supplier: SupplierDoc;
  tz: string;
}

/** Store the facts of one message as proposals and tell the responsible manager (rules or model). */
export async function storeProposals(facts: Fact[], pos: string[], source: 'rules' | 'model', c: Context, now: Date): Promise<number> {
  const { message, thread, supplier } = c;
  const link = await linkOrder(thread.supplierId as Types.ObjectId, thread._id, pos, now);
  const m = await responsibleManager(link.order, supplier);
  const counter = m ? String(m._id) : 'company';
  const today = localDay(new Date(message.ts), c.tz).day;
  const lines: Parameters<typeof proposalsForManager>[0]['lines'] = [];
  const docs: (Record<string, unknown> & { key: string })[] = [];
  const meta: { f: Fact; uncertain?: Doubt[]; orderNumber: string | null; pick: boolean }[] = [];
  for (const f of facts) {
    if (alreadySo(f, link.order)) continue;
    const needsOrder = f.kind !== 'holiday';
    const uncertain = [...('uncertain' in f && f.uncertain ? [doubtOf(f.uncertain)] : []), ...dateDoubts(f, today), ...(needsOrder && link.uncertain ? [link.uncertain] : [])];
    if (f.kind === 'date' && !f.milestone) uncertain.push(doubt(msg('doubt.noMilestone')));
    // The model's reading is said on the proposal (WeChat and console): the manager checks it.
    if (source === 'model') uncertain.push(doubt(msg('doubt.model')));
    docs.push({
      messageId: message._id,
      key: factKey(f),
      fact: JSON.stringify(f),
      source,
      supplierId: thread.supplierId,
      threadId: thread._id,
      orderId: needsOrder ? (link.order?._id ?? null) : null,
      orderNumber: needsOrder ? (link.order?.number ?? null) : null,
      candidates: needsOrder && !link.order ? link.candidates.slice(0, 10).map((o) => o.number) : undefined,
      link: needsOrder ? link.link : 'only',
      // The English (as older proposals have it) and, beside it, the catalog texts: read in the reader's language.
      uncertain: uncertain.length ? uncertain.map((d) => d.text) : undefined,
      uncertainKeys: uncertain.length ? uncertain.map((d) => d.key) : undefined,
      managerId: m?._id ?? null,
      text: (message.text ?? '').slice(0, 500),
      sender: message.senderName ?? undefined,
      at: new Date(message.ts),
      status: 'proposed',
      createdAt: now,
    });
    meta.push({ f, uncertain: uncertain.length ? uncertain : undefined, orderNumber: needsOrder ? (link.order?.number ?? null) : null, pick: needsOrder && !link.order });
  }
  if (!docs.length) return 0;
  // The numbers first (one round trip for the message), then the proposals in one insert; a
  // replayed message (rare: a redelivery) hits the unique index and skips its numbers.
  const last = await takeNumbers(counter, docs.length);
  docs.forEach((d, i) => Object.assign(d, { n: last - docs.length + 1 + i, nk: `${counter}:${last - docs.length + 1 + i}` }));
  // Inserted with the proposals of the messages in flight beside it (one request per burst).
  const errs = await proposalInserts.insert(docs);
  const failed = errs.find((e) => e && !isDuplicateKey(e));
  if (failed) throw failed;
  const inserted = new Set(docs.filter((_, i) => !errs[i]).map((d) => d.key));
  docs.forEach((d, i) => {
    if (!inserted.has(d.key)) return;
    const x = meta[i]!;
    lines.push({
      n: d.n as number,
      fact: x.f,
      po: x.orderNumber,
      current: x.f.kind === 'date' ? currentPlanned(link.order, x.f.milestone) : undefined,
      uncertain: x.uncertain?.map((d) => d.text),
      uncertainKeys: x.uncertain?.map((d) => d.key),
      pick: x.pick,
    });
  });
  if (!lines.length) return 0;
  if (m?.wechatId) {
    const lang: FactLang = managerLang(m.language);
    const time = new Intl.DateTimeFormat('en-GB', { timeZone: safeTz(m.timezone), hour: '2-digit', minute: '2-digit' }).format(new Date(message.ts));
    const quote = (message.text ?? '').length > 120 ? `${message.text!.slice(0, 117)}…` : (message.text ?? '');
    tellManager(
      m,
      proposalsForManager({ code: supplier.code, who: message.senderName ?? supplier.name ?? supplier.code, time, quote, lines }, lang),
      `facts:${message._id}:${m._id}:${lines[0]!.n}`,
      link.order?._id,
      now,
    );
  }
  return lines.length;
}

// Proposals come in bursts (a busy morning): the first waits 25 ms for the ones right behind it.
const proposalInserts = groupInsert(Proposal, undefined, 25);

/** The longest the proposals of one manager gather while messages keep coming. */
export const NOTICE_WINDOW_MS = 300;
const MAX_PER_NOTICE = 10;
// The proposals waiting for their manager's WeChat message: the messages of a burst (a
// supplier writing five lines, many suppliers at once) become one notice, one outbox write
// instead of one per message. They go as soon as no other message is in the reaction (so a
// lone message is not delayed), at the latest after the window. Stored proposals are never lost with it: the console shows them
// and `/ok n` works without the WeChat message.
const gathering = new Map<string, { m: ManagerDoc; key: string; texts: string[]; orderId?: Types.ObjectId; now: Date; timer: NodeJS.Timeout }>();

function tellManager(m: ManagerDoc, text: string, key: string, orderId: Types.ObjectId | undefined, now: Date): void {
  const id = String(m._id);
  const open = gathering.get(id);
  if (open) {
    open.texts.push(text);
    if (String(open.orderId ?? '') !== String(orderId ?? '')) open.orderId = undefined;
    if (open.texts.length >= MAX_PER_NOTICE) {
      void sendGathered(id);
    }
    return;
  }
  pending++; // factsIdle waits for the notice too
  gathering.set(id, { m, key, texts: [text], orderId, now, timer: setTimeout(() => void sendGathered(id), NOTICE_WINDOW_MS) });
}

async function sendGathered(id: string): Promise<void> {
  const g = gathering.get(id);
  if (!g) return;
  gathering.delete(id);
  clearTimeout(g.timer);
  try {
    await enqueueNotice(
      {
        key: g.key,
        kind: 'fact_proposal',
        to: dmKey(g.m.wechatId!),
        recipient: { kind: 'manager', id, timezone: g.m.timezone ?? undefined },
        text: g.texts.join('\n\n'),
        orderId: g.orderId,
      },
      g.now,
    );
  } catch (err) {
    log.warn({ manager: id, proposals: g.texts.length, err: (err as Error).message }, 'proposal notice not queued (the console still shows them)');
  } finally {
    settled();
  }
}

const safeTz = (tz?: string | null) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz ?? 'UTC' });
    return tz ?? 'UTC';
  } catch {
    return 'UTC';
  }
};

export interface Decision {
  decision: 'ok' | 'no';
  /** The order to apply to when the proposal asks to pick (a PO number of the same supplier). */
  po?: string;
  /** The milestone when the message named none. */
  milestone?: MilestoneName;
}

export interface DecisionResult {
  proposal: ProposalView;
  /** What was done, in words for a reply. */
  summary: string;
}

/** `/ok n` or `/no n` of a manager: their own short number. */
export async function decideByNumber(m: Pick<ManagerDoc, '_id' | 'role' | 'seesAll' | 'language'>, n: number, d: Decision, now = new Date()): Promise<DecisionResult> {
  const p = await Proposal.findOne({ nk: `${m._id}:${n}` }).lean<ProposalDoc>();
  if (!p) throw new NotFoundError(`no proposal #${n}`);
  return decide(managerViewer(m, 'console'), p, d, now);
}

/** The console's buttons: a proposal the viewer may see (its supplier), by id. */
export async function decideById(v: ManagerViewer, id: string, d: Decision, now = new Date(), lang: string = v.language): Promise<DecisionResult> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('proposal not found');
  const p = await assertVisible(v, await Proposal.findOne({ _id: id }).lean<ProposalDoc>(), 'proposal not found');
  return decide(v, p, d, now, lang);
}

async function decide(v: ManagerViewer, p: ProposalDoc, d: Decision, now: Date, lang: string = v.language): Promise<DecisionResult> {
  const by = `manager:${v.id}`;
  if (p.status === 'applied' || p.status === 'dropped') {
    if ((p.status === 'applied') === (d.decision === 'ok')) return { proposal: viewOf(p, lang), summary: p.status };
    throw new ConflictError(`proposal #${p.n} is ${p.status} already`);
  }
  if (d.decision === 'no') {
    const r = await Proposal.updateOne({ _id: p._id, status: 'proposed' }, { $set: { status: 'dropped', decidedBy: by, decidedAt: now } });
    if (r.modifiedCount !== 1) throw new ConflictError(`proposal #${p.n} is being decided`);
    return { proposal: viewOf({ ...p, status: 'dropped', decidedBy: by, decidedAt: now }, lang), summary: 'dropped' };
  }
  const fact = JSON.parse(p.fact) as Fact;
  // Which order: the proposal's, or the one the manager names among the supplier's open orders.
  let orderId = p.orderId ? String(p.orderId) : undefined;
  if (d.po) {
    const o = await Order.find({ supplierId: p.supplierId, status: 'open' }, { number: 1 }).lean<OrderDoc[]>();
    const hit = o.find((x) => norm(x.number) === norm(d.po!) || norm(x.number).endsWith(norm(d.po!)));
    if (!hit) throw new ValidationError(`${d.po} is not an open order of this supplier`, [{ field: 'po', message: 'not an open order of this supplier' }]);
    orderId = String(hit._id);
  }
  if (fact.kind !== 'holiday' && !orderId) throw new ValidationError('which order? name the PO', [{ field: 'po', message: `one of: ${(p.candidates ?? []).join(', ')}` }]);
  const claim = await Proposal.updateOne({ _id: p._id, status: 'proposed' }, { $set: { status: 'applying' } });
  if (claim.modifiedCount !== 1) throw new ConflictError(`proposal #${p.n} is being decided`);
  try {
    const summary = await apply(v, p, fact, orderId, d, by, now);
    const set = { status: 'applied' as const, decidedBy: by, decidedAt: now, error: undefined, ...(orderId && String(p.orderId ?? '') !== orderId ? { orderId: new Types.ObjectId(orderId) } : {}) };
    await Proposal.updateOne({ _id: p._id }, { $set: set, $unset: { error: 1 } });
    return { proposal: viewOf({ ...p, ...set }, lang), summary };
  } catch (err) {
    await Proposal.updateOne({ _id: p._id }, { $set: { status: 'proposed', error: (err as Error).message } });
    throw err;
  }
}

async function apply(v: ManagerViewer, p: ProposalDoc, f: Fact, orderId: string | undefined, d: Decision, by: string, now: Date): Promise<string> {
  const reason = `from chat: “${(p.text ?? '').slice(0, 200)}”${p.sender ? ` (${p.sender} ${p.at.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : ''}`;
  switch (f.kind) {
    case 'date': {
      const o = await Order.findOne({ _id: orderId }, { next: 1 }).lean<OrderDoc>();
      const milestone = d.milestone ?? f.milestone ?? o?.next?.milestone;
      if (!milestone || !MILESTONES.includes(milestone)) throw new ValidationError('which milestone?', [{ field: 'milestone', message: 'name the milestone' }]);
      if (f.stage === 'done') {
        const r = await updateMilestone({ orderId: new Types.ObjectId(orderId), milestone, done: true, actual: dayDate(f.day), note: reason.slice(0, 300), by, idempotencyKey: `fact-${p._id}`, now });
        return `${r.order.number}: ${milestone} done ${f.day}`;
      }
      const r = await replanOrder(v, orderId!, { [milestone]: dayDate(f.day) }, reason, by, 'chat', now);
      return `${r.order.number}: ${milestone} → ${f.day}`;
    }
    case 'price': {
      const o = await Order.findOne({ _id: orderId }).lean<OrderDoc>();
      if (!o) throw new NotFoundError('order not found');
      await assertVisible(v, o, 'order not found');
      const idx = o.lines.length === 1 ? 0 : f.item ? o.lines.findIndex((l) => l.item.includes(f.item!) || l.sku === f.item) : -1;
      if (idx < 0) throw new ValidationError('the order has several lines: change the price on the order page', [{ field: 'item', message: 'which line?' }]);
      const lines = o.lines.map((l, i) => (i === idx ? { ...l, unitPrice: f.amount, currency: f.currency } : l));
      const r = await updateOrder(String(o._id), { lines }, by, now);
      return `${r.order.number}: ${o.lines[idx]!.item} ${f.currency} ${f.amount}`;
    }
    case 'tracking':
    case 'container':
    case 'bl':
    case 'qty': {
      const ref =
        f.kind === 'tracking'
          ? { kind: 'tracking' as const, carrier: f.carrier, number: f.number, url: CARRIER_LINKS[f.carrier](f.number) }
          : f.kind === 'qty'
            ? { kind: 'shortage' as const, qty: f.qty, unit: f.unit, number: f.change }
            : { kind: f.kind, number: f.number };
      const r = await addOrderRef(v, orderId!, ref, reason, by, 'chat', now);
      return `${r.order.number}: ${f.kind} ${'number' in f ? f.number : `${f.qty} ${f.unit}`}`;
    }
    case 'holiday': {
      await FactoryClosure.updateOne({ supplierId: p.supplierId, from: f.from, to: f.to }, { $setOnInsert: { note: p.text?.slice(0, 200), by, at: now } }, { upsert: true }).catch((err) => {
        if (!isDuplicateKey(err)) throw err;
      });
      return `closed ${f.from} – ${f.to}`;
    }
  }
}

export interface ProposalView {
  id: string;
  n: number | null;
  messageId: string;
  threadId: string;
  orderId: string | null;
  orderNumber: string | null;
  candidates: string[];
  link: Link;
  fact: Fact;
  key: string;
  source: 'rules' | 'model';
  uncertain: string[];
  text: string;
  sender: string | null;
  at: string;
  status: string;
  error: string | null;
  decidedAt: string | null;
  /** The carrier's tracking page (tracking numbers). */
  url: string | null;
}

/** A proposal as the console shows it; its doubts in `lang` (the reader's). */
export function viewOf(p: ProposalDoc, lang = 'en'): ProposalView {
  const fact = JSON.parse(p.fact) as Fact;
  return {
    id: String(p._id),
    n: p.n ?? null,
    messageId: String(p.messageId),
    threadId: String(p.threadId),
    orderId: p.orderId ? String(p.orderId) : null,
    orderNumber: p.orderNumber ?? null,
    candidates: p.candidates ?? [],
    link: p.link,
    fact,
    key: p.key,
    source: p.source ?? 'rules',
    uncertain: doubtsIn(p.uncertain, p.uncertainKeys, lang),
    text: p.text ?? '',
    sender: p.sender ?? null,
    at: new Date(p.at).toISOString(),
    status: p.status,
    error: p.error ?? null,
    decidedAt: p.decidedAt ? new Date(p.decidedAt).toISOString() : null,
    url: fact.kind === 'tracking' ? CARRIER_LINKS[fact.carrier](fact.number) : null,
  };
}

/** The proposals beside a thread's messages (the viewer's suppliers only). */
export async function proposalsOfThread(v: ManagerViewer, threadId: string, lang: string = v.language): Promise<ProposalView[]> {
  if (!Types.ObjectId.isValid(threadId)) throw new NotFoundError('thread not found');
  await assertVisible(v, await Thread.findOne({ _id: threadId }, { supplierId: 1 }).lean<ThreadDoc>(), 'thread not found');
  const list = await Proposal.find({ threadId: new Types.ObjectId(threadId) }).lean<ProposalDoc[]>();
  return list.sort((a, b) => +a.at - +b.at).map((p) => viewOf(p, lang));
}

export interface OrderFacts {
  proposals: ProposalView[];
  /** Tracking, container and B/L numbers and shortages on the order (with the carrier's page). */
  refs: OrderRef[];
  /** The supplier's closures (factory holidays) and the milestones planned inside one. */
  closures: { from: string; to: string }[];
  flagged: { milestone: MilestoneName; planned: string; closure: { from: string; to: string } }[];
}

/** The proposals, references and closure flags of an order the viewer may see (else "not found"). */
export async function factsOfOrder(v: ManagerViewer, id: string, lang: string = v.language): Promise<OrderFacts> {
  const order = await orderFor(v, id);
  const list = await Proposal.find({ orderId: order._id }).lean<ProposalDoc[]>();
  const closures = await FactoryClosure.find({ supplierId: order.supplierId }).lean<ClosureDoc[]>();
  return {
    proposals: list.sort((a, b) => +a.at - +b.at).map((p) => viewOf(p, lang)),
    refs: (order.refs ?? []).map(({ at: _a, by: _b, ...r }) => r),
    closures: closures.map((c) => ({ from: c.from, to: c.to })),
    flagged: closureFlags(order, closures),
  };
}

/**
 * The supplier's accepted closure covering `day` (YYYY-MM-DD), if any, and the first day the
 * factory is open again (closures that touch or overlap are one): the scheduler holds the
 * supplier's reminders until then. One equality query on the supplier.
 */
export async function closureOn(supplierId: Types.ObjectId, day: string): Promise<{ from: string; to: string; reopens: string } | null> {
  const list = await FactoryClosure.find({ supplierId }, { from: 1, to: 1 }).lean<ClosureDoc[]>();
  const c = list.find((k) => k.from <= day && day <= k.to);
  if (!c) return null;
  let reopens = nextDay(c.to);
  for (let hit = true; hit;) {
    const more = list.find((k) => k.from <= reopens && reopens <= k.to);
    hit = !!more;
    if (more) reopens = nextDay(more.to);
  }
  return { from: c.from, to: c.to, reopens };
}
const nextDay = (d: string) => dayOf(new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000));

/** Milestones not done whose planned day falls in a closure of the factory. */
export function closureFlags(order: Pick<OrderDoc, 'milestones'>, closures: Pick<ClosureDoc, 'from' | 'to'>[]): OrderFacts['flagged'] {
  const out: OrderFacts['flagged'] = [];
  for (const m of MILESTONES) {
    const x = order.milestones?.[m];
    if (!x?.planned || x.status === 'done') continue;
    const d = dayOf(new Date(x.planned));
    const c = closures.find((k) => k.from <= d && d <= k.to);
    if (c) out.push({ milestone: m, planned: d, closure: { from: c.from, to: c.to } });
  }
  return out;
}
