// Sorting new contacts (PRODUCT.md "Who is a supplier"): a WeChat contact or room that writes
// is mirrored and translated at once but belongs to nobody until a person decides what it is —
// a new supplier (coded), a contact of a known supplier (forwarders, agents and inspectors
// are filed under their client's code), a colleague (a manager's WeChat), or ignored (not
// mirrored; what was mirrored of a private chat is deleted). Sorting attaches the history:
// the chat and its messages get the supplier.
//
// One decision per contact: the decision is a guarded update on the unsorted state, so of two
// people sorting the same contact at the same moment one wins and the other is told who did
// what (ConflictError). Inputs are checked before that claim, so a refused decision changes
// nothing.
import { Types } from 'mongoose';
import { visibleSupplierIds, type ManagerViewer } from '../access/index.js';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors/index.js';
import { updateManyInBatches } from '../db/batches.js';
import { getLogger } from '../log/index.js';
import { assertNotSupplierSide, becomeColleague } from '../managers/link.js';
import { Manager, type ManagerDoc, type ManagerLang } from '../managers/model.js';
import { dmKey } from '../messenger.js';
import { assertCode, checkDuplicates, createSupplier, displayCode, findSupplierByCode, getFair, type SupplierDoc } from '../suppliers/index.js';
import { Supplier } from '../suppliers/model.js';
import { invalidateMirrorCaches, UNDECIDED_TTL_MS } from './generation.js';
import { Contact, Message, Thread, type ContactDoc, type MessageDoc, type ThreadDoc } from './model.js';

const log = getLogger('sorting');

/** A decision taken already, as an error's details (always `[{ field, message }]`). */
const sortedIssue = (status?: string | null, sortedAs?: string | null, sortedBy?: string | null): FieldIssue[] => [
  { field: 'status', message: [status ?? 'unknown', sortedAs ? `as ${sortedAs}` : '', sortedBy ? `by ${sortedBy}` : ''].filter(Boolean).join(' ') },
];

/** Roles a contact of a supplier can have; forwarders, agents and inspectors work for it. */
export const CONTACT_ROLES = ['sales', 'merchandiser', 'qc', 'logistics', 'forwarder', 'agent', 'inspector', 'other'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
/** Roles of people who work for a supplier without being the factory (numbering rules). */
export const THIRD_PARTY_ROLES: readonly string[] = ['forwarder', 'agent', 'inspector'];

export type SortDecision =
  | { kind: 'supplier'; code?: string; fairLetter?: string; name?: string }
  | { kind: 'contact'; supplier: string; role?: string }
  | { kind: 'colleague'; managerId?: string; name?: string; language?: ManagerLang }
  | { kind: 'ignore' };

export interface Proposal {
  supplierId: string;
  code: string;
  /** As people see it (`D12 AUGI`). */
  shownCode: string;
  name: string;
  reason: string;
}

export interface UnsortedItem {
  kind: 'contact' | 'room';
  /** The id to sort by: the contact's, or the room thread's. */
  id: string;
  threadId?: string;
  name: string;
  wechatId?: string;
  roomId?: string;
  phone?: string;
  company?: string;
  messageCount: number;
  lastMessageAt?: Date;
  firstMessages: { text: string; type: string; ts: Date; senderName?: string; translations?: Record<string, string> }[];
  proposals: Proposal[];
}

export interface SortResult {
  kind: SortDecision['kind'];
  target: 'contact' | 'room';
  id: string;
  supplier?: { id: string; code: string; name: string };
  managerId?: string;
  role?: string;
  attached: { threads: number; messages: number };
  deleted?: number;
}

const FIRST_MESSAGES = 3;

async function firstMessages(threadId: Types.ObjectId): Promise<UnsortedItem['firstMessages']> {
  const ms = await Message.find({ threadId }).sort({ ts: 1 }).limit(FIRST_MESSAGES).lean<MessageDoc[]>();
  return ms.map((m) => ({
    text: m.text,
    type: m.type,
    ts: m.ts,
    senderName: m.senderName ?? undefined,
    translations: Object.fromEntries(Object.entries((m.translations ?? {}) as unknown as Record<string, { text: string }>).map(([k, v]) => [k, v.text])),
  }));
}

const supplierRef = (s: Pick<SupplierDoc, '_id' | 'code' | 'tag' | 'name'>) => ({ id: String(s._id), code: s.code, shownCode: displayCode(s), name: s.name });

/** Suppliers a room suggests: those whose known contacts write in it. */
async function roomProposals(threadId: Types.ObjectId): Promise<Proposal[]> {
  const recent = await Message.find({ threadId, direction: 'in' }, { senderWechatId: 1 }).sort({ ts: -1 }).limit(200).lean<{ senderWechatId?: string }[]>();
  const out = new Map<string, Proposal>();
  for (const wechatId of new Set(recent.map((m) => m.senderWechatId).filter(Boolean) as string[])) {
    const c = await Contact.findOne({ wechatId }, { supplierId: 1, name: 1 }).lean<{ supplierId?: Types.ObjectId; name: string }>();
    if (!c?.supplierId || out.has(String(c.supplierId))) continue;
    const s = await Supplier.findOne({ _id: c.supplierId }, { code: 1, tag: 1, name: 1 }).lean<SupplierDoc>();
    if (s) out.set(String(s._id), { ...supplierRef(s), supplierId: String(s._id), reason: `${c.name}, a contact of ${s.code}, writes in this room` });
  }
  return [...out.values()];
}

/** Suppliers a contact suggests: the rooms of suppliers they write in, and duplicate checks. */
async function contactProposals(c: ContactDoc): Promise<Proposal[]> {
  const out = new Map<string, Proposal>();
  for (const tid of c.threadIds ?? []) {
    const t = await Thread.findOne({ _id: tid }, { supplierId: 1, kind: 1, topic: 1 }).lean<ThreadDoc>();
    if (!t?.supplierId || t.kind !== 'room' || out.has(String(t.supplierId))) continue;
    const s = await Supplier.findOne({ _id: t.supplierId }, { code: 1, tag: 1, name: 1 }).lean<SupplierDoc>();
    if (s) out.set(String(s._id), { ...supplierRef(s), supplierId: String(s._id), reason: `in ${s.code}'s room${t.topic ? ` “${t.topic}”` : ''}` });
  }
  const dup = await checkDuplicates({ wechatId: c.wechatId, name: c.name, phone: c.phone ?? undefined, company: c.company ?? undefined });
  for (const s of [...(dup.same ? [dup.same] : []), ...dup.possible]) {
    if (!out.has(String(s._id)))
      out.set(String(s._id), {
        ...supplierRef(s),
        supplierId: String(s._id),
        reason: dup.same ? 'WeChat id on record' : dup.reasons.filter((r) => r.includes(s.code)).join('; ') || 'possible duplicate',
      });
  }
  return [...out.values()];
}

/** Contacts and rooms waiting to be sorted, newest activity first, with what they suggest. */
export async function listUnsorted(): Promise<UnsortedItem[]> {
  const [contacts, threads] = await Promise.all([Contact.find({ status: 'unsorted' }).lean<ContactDoc[]>(), Thread.find({ status: 'unsorted' }).lean<ThreadDoc[]>()]);
  const dmByWechat = new Map(threads.filter((t) => t.kind === 'dm' && t.contactWechatId).map((t) => [t.contactWechatId!, t]));
  const items: UnsortedItem[] = [];
  for (const c of contacts) {
    const dm = dmByWechat.get(c.wechatId) ?? (await Thread.findOne({ key: dmKey(c.wechatId) }).lean<ThreadDoc>());
    items.push({
      kind: 'contact',
      id: String(c._id),
      threadId: dm ? String(dm._id) : undefined,
      name: c.alias || c.name,
      wechatId: c.wechatId,
      phone: c.phone ?? undefined,
      company: c.company ?? undefined,
      messageCount: dm?.messageCount ?? 0,
      lastMessageAt: dm?.lastMessageAt ?? c.updatedAt ?? undefined,
      firstMessages: dm ? await firstMessages(dm._id) : [],
      proposals: await contactProposals(c),
    });
  }
  for (const t of threads.filter((x) => x.kind === 'room')) {
    items.push({
      kind: 'room',
      id: String(t._id),
      threadId: String(t._id),
      name: t.topic || t.roomId || t.key,
      roomId: t.roomId ?? undefined,
      messageCount: t.messageCount ?? 0,
      lastMessageAt: t.lastMessageAt ?? undefined,
      firstMessages: await firstMessages(t._id),
      proposals: await roomProposals(t._id),
    });
  }
  return items.sort((a, b) => (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0));
}

/**
 * The unsorted list as a manager sees it: every unsorted contact and room (sorting is any
 * manager's job, as `/sort` is), with only the proposals of suppliers the manager may see.
 */
export async function unsortedFor(v: ManagerViewer): Promise<UnsortedItem[]> {
  const [items, visible] = await Promise.all([listUnsorted(), visibleSupplierIds(v)]);
  return visible ? items.map((i) => ({ ...i, proposals: i.proposals.filter((p) => visible.has(p.supplierId)) })) : items;
}

/** One unsorted contact or room (by its id or its chat's), as `unsortedFor` shows it; NotFoundError when sorted or unknown. */
export async function unsortedItemFor(v: ManagerViewer, id: string): Promise<UnsortedItem> {
  const found = (await unsortedFor(v)).find((i) => i.id === id || i.threadId === id);
  if (!found) throw new NotFoundError('no unsorted contact or chat with this id');
  return found;
}

/**
 * The unsorted contact or room a person means by `query`: an id, a WeChat id, a name, an
 * alias or a room topic (case-insensitive; a unique prefix will do). ValidationError when it
 * matches several, NotFoundError when none.
 */
export async function findUnsorted(query: string): Promise<{ kind: 'contact' | 'room'; id: string; name: string }> {
  const q = query.trim();
  if (!q) throw new ValidationError('which contact? give a name or an id');
  if (/^[0-9a-f]{24}$/i.test(q)) {
    const c = await Contact.findOne({ _id: new Types.ObjectId(q) }, { name: 1 }).lean<ContactDoc>();
    if (c) return { kind: 'contact', id: q, name: c.name };
    const t = await Thread.findOne({ _id: new Types.ObjectId(q) }, { topic: 1, kind: 1, contactWechatId: 1, key: 1 }).lean<ThreadDoc>();
    if (t) return t.kind === 'room' ? { kind: 'room', id: q, name: t.topic ?? t.key } : contactOfDm(t);
  }
  const [contacts, rooms] = await Promise.all([
    Contact.find({ status: 'unsorted' }, { name: 1, alias: 1, wechatId: 1 }).lean<ContactDoc[]>(),
    Thread.find({ status: 'unsorted', kind: 'room' }, { topic: 1, roomId: 1, key: 1 }).lean<ThreadDoc[]>(),
  ]);
  const all = [
    ...contacts.map((c) => ({ kind: 'contact' as const, id: String(c._id), name: c.alias || c.name, keys: [c.name, c.alias, c.wechatId] })),
    ...rooms.map((t) => ({ kind: 'room' as const, id: String(t._id), name: t.topic ?? t.key, keys: [t.topic, t.roomId] })),
  ];
  const norm = (s?: string | null) => (s ?? '').trim().toLowerCase();
  const exact = all.filter((x) => x.keys.some((k) => k && norm(k) === norm(q)));
  const found = exact.length ? exact : all.filter((x) => x.keys.some((k) => k && norm(k).startsWith(norm(q))));
  if (found.length === 1) return { kind: found[0]!.kind, id: found[0]!.id, name: found[0]!.name };
  if (found.length > 1)
    throw new ValidationError(
      `"${q}" matches ${found.length} unsorted: ${found
        .slice(0, 5)
        .map((x) => `${x.name} (${x.id})`)
        .join(', ')} — give the id`,
      found.map(({ kind, id, name }) => ({ field: 'id', message: `${kind} ${id}: ${name}` })),
    );
  throw new NotFoundError(`nobody unsorted called "${q}"`);
}

async function contactOfDm(t: ThreadDoc): Promise<{ kind: 'contact'; id: string; name: string }> {
  const c = t.contactWechatId ? await Contact.findOne({ wechatId: t.contactWechatId }, { name: 1 }).lean<ContactDoc>() : null;
  if (!c) throw new NotFoundError('this chat has no contact to sort');
  return { kind: 'contact', id: String(c._id), name: c.name };
}

async function describe(status: string | undefined | null, sortedAs?: string | null, sortedBy?: string | null, sortedAt?: Date | null, supplierId?: Types.ObjectId | null): Promise<string> {
  const s = supplierId ? await Supplier.findOne({ _id: supplierId }, { code: 1 }).lean<{ code: string }>() : null;
  let who = sortedBy ?? 'someone';
  const m = /^manager:([0-9a-f]{24})$/.exec(who);
  if (m) who = (await Manager.findOne({ _id: m[1] }, { name: 1 }).lean<{ name: string }>())?.name ?? who;
  const as =
    status === 'ignored'
      ? 'ignored'
      : status === 'colleague'
        ? 'a colleague'
        : sortedAs === 'supplier'
          ? `a new supplier${s ? ` ${s.code}` : ''}`
          : s
            ? `a contact of ${s.code}`
            : (sortedAs ?? status ?? 'sorted');
  return `sorted already${sortedBy ? ` by ${who}` : ''}${sortedAt ? ` at ${sortedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''} as ${as}`;
}

/** The decision checked before anything is written: what it needs exists and is allowed. */
async function prepare(decision: SortDecision, target: 'contact' | 'room'): Promise<{ supplier?: SupplierDoc; manager?: ManagerDoc; role?: string }> {
  switch (decision.kind) {
    case 'supplier': {
      if (decision.code !== undefined) {
        const code = assertCode(decision.code);
        if (await findSupplierByCode(code)) throw new ConflictError(`the code ${code} is taken`);
      }
      if (decision.fairLetter !== undefined) await getFair(decision.fairLetter);
      return {};
    }
    case 'contact': {
      const supplier = await findSupplierByCode(decision.supplier);
      if (!supplier) throw new NotFoundError(`no supplier ${decision.supplier}`);
      let role: string | undefined;
      if (decision.role !== undefined) {
        role = decision.role.trim().toLowerCase();
        if (!(CONTACT_ROLES as readonly string[]).includes(role))
          throw new ValidationError(`unknown role "${decision.role}"; one of ${CONTACT_ROLES.join(', ')}`, [{ field: 'role', message: `one of ${CONTACT_ROLES.join(', ')}` }]);
        if (target === 'room') throw new ValidationError('a room has no role: sort it as the supplier’s room without one');
      }
      return { supplier, role };
    }
    case 'colleague': {
      if (target === 'room') throw new ValidationError('a room cannot be a colleague: sort it as a supplier’s room or ignore it');
      if (!decision.managerId) return {};
      const manager = Types.ObjectId.isValid(decision.managerId) ? await Manager.findOne({ _id: decision.managerId }).lean<ManagerDoc>() : null;
      if (!manager) throw new NotFoundError('no such manager');
      if (manager.active === false) throw new ConflictError(`${manager.name} is deactivated`);
      if (manager.wechatId) throw new ConflictError(`${manager.name} has a WeChat linked already: unlink it first`);
      return { manager };
    }
    case 'ignore':
      return {};
    default:
      throw new ValidationError('unknown decision: supplier, contact, colleague or ignore');
  }
}

/**
 * A mirror (in another process, or one with a message in flight while the decision was made)
 * may still store a message or two of this chat as undecided for UNDECIDED_TTL_MS: the decision
 * is applied to the chat's messages once more after that (attached to the supplier, or deleted
 * for an ignored chat). Idempotent; a process that stops meanwhile leaves at most those seconds'
 * messages in the unsorted state, where they stay visible.
 */
function sweepLater(what: () => Promise<unknown>): void {
  setTimeout(() => void what().catch((err) => log.warn({ err: (err as Error).message }, 'second sweep of a sorted chat failed')), UNDECIDED_TTL_MS + 1_000).unref();
}

/** Give the contact's private chat and its messages a supplier (history attached). */
async function attach(threadIds: Types.ObjectId[], supplierId: Types.ObjectId, thirdParty = false): Promise<{ threads: number; messages: number }> {
  let threads = 0;
  let messages = 0;
  for (const id of threadIds) {
    const r = await Thread.updateOne({ _id: id, supplierId: null }, { $set: { supplierId, status: 'sorted', ...(thirdParty ? { thirdParty: true } : {}) } });
    if (!r.modifiedCount) continue;
    threads++;
    messages += await attachMessages(id, supplierId);
  }
  return { threads, messages };
}
async function attachMessages(threadId: Types.ObjectId, supplierId: Types.ObjectId): Promise<number> {
  const n = await updateManyInBatches(Message, { threadId }, { $set: { supplierId } });
  sweepLater(() => updateManyInBatches(Message, { threadId, supplierId: null }, { $set: { supplierId } }));
  return n;
}

/** Delete what was mirrored of a chat; the thread stays, marked ignored, so nothing more is. */
async function forget(threadId: Types.ObjectId): Promise<number> {
  const n = (await Message.deleteMany({ threadId })).deletedCount ?? 0;
  sweepLater(async () => {
    if (await Thread.exists({ _id: threadId, status: 'ignored' })) await Message.deleteMany({ threadId });
  });
  await Thread.updateOne(
    { _id: threadId },
    { $set: { status: 'ignored', messageCount: 0, days: [] }, $unset: { supplierId: 1, lastMessageAt: 1, lastInAt: 1, lastOutAt: 1, awaiting: 1, awaitingSince: 1 } },
  );
  return n;
}

/**
 * Decide what an unsorted contact (or room) is. `id` is the contact's id, its private chat's
 * thread id, or a room thread's id. `by` names who decided (`manager:<id>`).
 */
export async function sortContact(id: string, decision: SortDecision, by: string, now: Date): Promise<SortResult> {
  if (!Types.ObjectId.isValid(id)) throw new ValidationError('not an id: use findUnsorted(name) first');
  const oid = new Types.ObjectId(id);
  let contact = await Contact.findOne({ _id: oid }).lean<ContactDoc>();
  let room: ThreadDoc | null = null;
  if (!contact) {
    const t = await Thread.findOne({ _id: oid }).lean<ThreadDoc>();
    if (!t) throw new NotFoundError('no such contact or chat');
    if (t.kind === 'room') room = t;
    else contact = t.contactWechatId ? await Contact.findOne({ wechatId: t.contactWechatId }).lean<ContactDoc>() : null;
    if (!room && !contact) throw new NotFoundError('this chat has no contact to sort');
  }
  const result = room ? await sortRoom(room, decision, by, now) : await sortOne(contact!, decision, by, now);
  invalidateMirrorCaches();
  log.info({ target: result.target, id: result.id, decision: decision.kind, supplier: result.supplier?.code, by }, 'sorted');
  return result;
}

async function sortOne(c: ContactDoc, decision: SortDecision, by: string, now: Date): Promise<SortResult> {
  const status = c.status ?? (c.supplierId ? 'sorted' : 'unsorted');
  if (status !== 'unsorted') throw new ConflictError(`${c.name} was ${await describe(status, c.sortedAs, c.sortedBy, c.sortedAt, c.supplierId)}`, sortedIssue(status, c.sortedAs, c.sortedBy));
  const ready = await prepare(decision, 'contact');
  if (decision.kind === 'colleague' && !ready.manager) {
    await assertNotSupplierSide(c.wechatId);
  }
  const final = decision.kind === 'ignore' ? 'ignored' : decision.kind === 'colleague' ? 'colleague' : 'sorted';
  // The claim: the first decision wins; the unsorted state is the guard.
  const claim = await Contact.updateOne({ _id: c._id, status: 'unsorted' }, { $set: { status: final, sortedAs: decision.kind, sortedBy: by, sortedAt: now } });
  if (claim.modifiedCount !== 1) {
    const now2 = await Contact.findOne({ _id: c._id }).lean<ContactDoc>();
    throw new ConflictError(
      `${c.name} was ${await describe(now2?.status, now2?.sortedAs, now2?.sortedBy, now2?.sortedAt, now2?.supplierId)}`,
      sortedIssue(now2?.status, now2?.sortedAs, now2?.sortedBy),
    );
  }
  const undo = () => Contact.updateOne({ _id: c._id, status: final, sortedBy: by, sortedAt: now }, { $set: { status: 'unsorted' }, $unset: { sortedAs: 1, sortedBy: 1, sortedAt: 1 } });
  const dm = await Thread.findOne({ key: dmKey(c.wechatId) }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
  const base = { kind: decision.kind, target: 'contact' as const, id: String(c._id) };
  try {
    switch (decision.kind) {
      case 'supplier': {
        const s = await createSupplier({
          name: decision.name?.trim() || c.company || c.name,
          code: decision.code,
          fairLetter: decision.fairLetter,
          phones: c.phone ? [c.phone] : [],
          wechatIds: [c.wechatId],
        });
        await Contact.updateOne({ _id: c._id }, { $set: { supplierId: s._id } });
        // Possible duplicates (phone, name + company) are flagged for a person, never merged here.
        const dup = await checkDuplicates({ wechatId: c.wechatId, name: c.name, phone: c.phone ?? undefined, company: c.company ?? undefined });
        const possible = [...(dup.same ? [dup.same] : []), ...dup.possible].filter((x) => String(x._id) !== String(s._id));
        if (possible.length) await Supplier.updateOne({ _id: s._id }, { $addToSet: { possibleDuplicateOf: { $each: possible.map((x) => x._id) } } });
        return { ...base, supplier: supplierRef(s), attached: await attach(dm ? [dm._id] : [], s._id) };
      }
      case 'contact': {
        const s = ready.supplier!;
        await Contact.updateOne({ _id: c._id }, { $set: { supplierId: s._id, ...(ready.role ? { role: ready.role } : {}) } });
        return { ...base, supplier: supplierRef(s), role: ready.role, attached: await attach(dm ? [dm._id] : [], s._id, THIRD_PARTY_ROLES.includes(ready.role ?? '')) };
      }
      case 'colleague': {
        let managerId: Types.ObjectId;
        if (ready.manager) {
          const r = await Manager.updateOne({ _id: ready.manager._id, wechatId: null }, { $set: { wechatId: c.wechatId, wechatName: c.name, wechatLinkedAt: now } });
          if (r.modifiedCount !== 1) throw new ConflictError(`${ready.manager.name} has a WeChat linked already`);
          managerId = ready.manager._id;
        } else {
          const m = await Manager.create({
            name: decision.name?.trim() || c.name,
            wechatId: c.wechatId,
            wechatName: c.name,
            wechatLinkedAt: now,
            language: decision.language ?? 'en',
            role: 'manager',
          });
          managerId = m._id;
        }
        await becomeColleague(c.wechatId, String(managerId), now);
        return { ...base, managerId: String(managerId), attached: { threads: 0, messages: 0 } };
      }
      case 'ignore': {
        const deleted = dm ? await forget(dm._id) : 0;
        return { ...base, attached: { threads: 0, messages: 0 }, deleted };
      }
    }
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
}

async function sortRoom(t: ThreadDoc, decision: SortDecision, by: string, now: Date): Promise<SortResult> {
  const title = t.topic || t.roomId || t.key;
  if (t.status !== 'unsorted')
    throw new ConflictError(
      `the room ${title} was ${await describe(t.status ?? (t.supplierId ? 'sorted' : undefined), t.sortedAs, t.sortedBy, t.sortedAt, t.supplierId)}`,
      sortedIssue(t.status, t.sortedAs, t.sortedBy),
    );
  const ready = await prepare(decision, 'room');
  const final = decision.kind === 'ignore' ? 'ignored' : 'sorted';
  const claim = await Thread.updateOne({ _id: t._id, status: 'unsorted' }, { $set: { status: final, sortedAs: decision.kind, sortedBy: by, sortedAt: now } });
  if (claim.modifiedCount !== 1) {
    const again = await Thread.findOne({ _id: t._id }).lean<ThreadDoc>();
    throw new ConflictError(`the room ${title} was ${await describe(again?.status, again?.sortedAs, again?.sortedBy, again?.sortedAt, again?.supplierId)}`, sortedIssue(again?.status));
  }
  const base = { kind: decision.kind, target: 'room' as const, id: String(t._id) };
  try {
    if (decision.kind === 'ignore') return { ...base, attached: { threads: 0, messages: 0 }, deleted: await forget(t._id) };
    const s = decision.kind === 'supplier' ? await createSupplier({ name: decision.name?.trim() || title, code: decision.code, fairLetter: decision.fairLetter }) : ready.supplier!;
    await Thread.updateOne({ _id: t._id }, { $set: { supplierId: s._id } });
    const messages = await attachMessages(t._id, s._id);
    return { ...base, supplier: supplierRef(s), attached: { threads: 1, messages } };
  } catch (err) {
    await Thread.updateOne({ _id: t._id, status: final, sortedBy: by, sortedAt: now }, { $set: { status: 'unsorted' }, $unset: { sortedAs: 1, sortedBy: 1, sortedAt: 1 } }).catch(() => undefined);
    throw err;
  }
}
