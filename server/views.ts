// What the API shows of domain objects: plain JSON, dates as ISO days where they are days.
import type { ClaimDoc, ClaimFile } from '../shared/claims/index.js';
import type { NoticeDoc } from '../shared/notices/index.js';
import { MILESTONES, daysLate, isOverdue, overdueMilestones, ownerOf, type OrderDoc } from '../shared/orders/index.js';
import { displayCode, displayCodes, type FairDoc, type PossibleDuplicate, type SupplierDoc } from '../shared/suppliers/index.js';
import type { ContactDoc, FriendRequestDoc, MessageDoc, ThreadDoc } from '../shared/threads/index.js';
import type {
  ClaimView,
  ContactView,
  FairView,
  FriendRequestView,
  PossibleDuplicateView,
  SupplierProfileView,
  MessageView,
  OrderDetail,
  OrderSummary,
  OutboxView,
  SupplierView,
  ThreadView,
} from './contract.js';

const day = (d?: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);

type SummaryInput = Pick<OrderDoc, '_id' | 'number' | 'supplierCode' | 'status'> & {
  next?: { milestone: string; planned?: Date | null } | null;
  customs?: { status: string } | null;
  milestones?: OrderDoc['milestones'];
};

/** Rows that name a supplier by its plain code, with the code as people see it (`D12 AUGI`): `supplierShownCode`. */
export async function withShownCodes<T extends { supplierCode: string }>(rows: T[]): Promise<(T & { supplierShownCode: string })[]> {
  const shown = await displayCodes(rows.map((r) => r.supplierCode));
  return rows.map((r) => ({ ...r, supplierShownCode: shown.get(r.supplierCode) ?? r.supplierCode }));
}
export const withShownCode = async <T extends { supplierCode: string }>(row: T) => (await withShownCodes([row]))[0]!;

export function orderSummary(o: SummaryInput, now: Date): OrderSummary {
  const overdue = isOverdue(o as Pick<OrderDoc, 'next' | 'status'>, now);
  // With the milestones at hand every late one counts (the most late first); a list entry
  // without them falls back to the next milestone.
  const late = o.milestones ? overdueMilestones(o, now) : [];
  return {
    id: String(o._id),
    number: o.number,
    supplierCode: o.supplierCode,
    status: o.status,
    next: o.next ? { milestone: o.next.milestone, planned: day(o.next.planned) } : null,
    overdue,
    daysLate: late.length ? Math.max(...late.map((l) => l.daysLate)) : overdue && o.next?.planned ? daysLate(o.next.planned, now) : 0,
    customs: o.customs?.status ?? 'none',
    ...(o.milestones ? { late: late.map((l) => ({ milestone: l.milestone, planned: day(l.planned), daysLate: l.daysLate, owner: l.owner })) } : {}),
  };
}

const trOf = (tr: { lang: string; original: string; text: string }[] | undefined, lang: string | undefined, original?: string | null) =>
  lang && original ? (tr?.find((t) => t.lang === lang && t.original === original)?.text ?? null) : null;

/** An order; for a manager (`lang`), the supplier's words also in their language (original beside). */
export function orderDetail(o: OrderDoc, now: Date, lang?: string): OrderDetail {
  return {
    ...orderSummary(o, now),
    managerId: o.managerId ? String(o.managerId) : null,
    incoterms: o.incoterms ?? null,
    paymentTerms: o.paymentTerms ?? null,
    cancelReason: o.cancelReason ?? null,
    currency: o.currency,
    lines: (o.lines ?? []).map((l) => ({ item: l.item, sku: l.sku ?? null, qty: l.qty, unit: l.unit ?? 'pcs', unitPrice: l.unitPrice, currency: l.currency })),
    milestones: MILESTONES.map((name) => {
      const m = o.milestones?.[name];
      return {
        name,
        owner: ownerOf(name),
        planned: day(m?.planned),
        // The first agreed date (on-time counts against it); an older order without one shows its planned date.
        baseline: day(m?.baseline ?? (m?.replanned ? null : m?.planned)),
        actual: day(m?.actual),
        status: m?.status ?? 'pending',
        reason: m?.reason ?? null,
        note: m?.note ?? null,
        ...(lang ? { reasonTranslated: trOf(m?.tr, lang, m?.reason), noteTranslated: trOf(m?.tr, lang, m?.note) } : {}),
        replanned: m?.replanned ?? 0,
        photos: (m?.photos ?? []).map((p) => ({ id: p.id, name: p.name, size: p.size })),
      };
    }),
    customsDetail: {
      status: o.customs?.status ?? 'none',
      reason: o.customs?.reason ?? null,
      ...(lang ? { reasonTranslated: trOf(o.customs?.tr, lang, o.customs?.reason) } : {}),
      expectedDate: day(o.customs?.expectedDate),
    },
    readiness:
      o.readiness?.asked || o.readiness?.answer
        ? {
            asked: o.readiness.asked ?? null,
            answer: o.readiness.answer ?? null,
            date: day(o.readiness.date),
            note: o.readiness.note ?? null,
            ...(lang ? { noteTranslated: trOf(o.readiness.tr, lang, o.readiness.note) } : {}),
          }
        : null,
    version: o.version,
    updatedAt: o.updatedAt,
  };
}

type Tr = { text: string; source: string };

/**
 * A message as the APIs show it: original, translations by language, media without internal
 * paths; `original` is what a manager typed when the message is a console reply.
 */
export function messageView(m: MessageDoc, original?: { text: string; lang: string } | null): MessageView {
  const raw = (m.translations ?? {}) as unknown as Record<string, Tr> | Map<string, Tr>;
  const entries = raw instanceof Map ? [...raw.entries()] : Object.entries(raw);
  const md = m.media;
  return {
    id: String(m._id),
    direction: m.direction,
    senderName: m.senderName ?? null,
    senderKind: m.senderKind,
    type: m.type,
    text: m.text,
    lang: m.lang ?? null,
    media: md
      ? {
          name: md.name ?? null,
          mimeType: md.mimeType ?? null,
          size: md.size ?? null,
          durationSec: md.durationSec ?? null,
          url: md.url ?? null,
          title: md.title ?? null,
          width: md.width ?? null,
          height: md.height ?? null,
          // The kept file (GET, access checked), or why only the metadata was kept.
          file: md.storedKey ? `/api/messages/${m._id}/media` : null,
          notStored: md.notStored ?? null,
        }
      : null,
    ts: m.ts,
    translations: Object.fromEntries(entries.map(([k, v]) => [k, { text: v.text, source: v.source }])),
    translationStatus: m.translationStatus,
    flaggedBad: m.flaggedBad ?? false,
    original: original ?? null,
  };
}

export function supplierView(s: SupplierDoc): SupplierView {
  return {
    id: String(s._id),
    code: s.code,
    tag: s.tag ?? null,
    name: s.name,
    nameEn: s.nameEn ?? null,
    segment: s.segment,
    region: s.region ?? null,
    province: s.province ?? null,
    timezone: s.timezone,
    managerId: s.managerId ? String(s.managerId) : null,
    possibleDuplicateOf: (s.possibleDuplicateOf ?? []).map(String),
  };
}

export const contactView = (c: ContactDoc): ContactView => ({ id: String(c._id), name: c.name, role: c.role ?? null, language: c.language, timezone: c.timezone });

export const threadView = (t: ThreadDoc): ThreadView => ({
  id: String(t._id),
  key: t.key,
  kind: t.kind,
  topic: t.topic ?? null,
  supplierId: t.supplierId ? String(t.supplierId) : null,
  lastMessageAt: t.lastMessageAt ?? null,
  messageCount: t.messageCount,
});

export const outboxView = (n: NoticeDoc): OutboxView => ({
  id: String(n._id),
  to: n.to,
  kind: n.kind,
  text: n.text,
  original: n.original ?? null,
  status: n.status,
  attempts: n.attempts,
  lastError: n.lastError ?? null,
  createdAt: n.createdAt,
  notBefore: n.notBefore,
  sentAt: n.sentAt ?? null,
});

const fileView = (p: ClaimFile) => ({ id: p.id, name: p.name, ...(p.url ? { url: p.url } : {}) });

/** A claim for a manager, or for the supplier (Chinese description, no internal fields, who moved it as "buyer" or "supplier"). */
export function claimView(c: ClaimDoc, forSupplier = false, lang?: string): ClaimView {
  return {
    id: String(c._id),
    number: c.number,
    orderId: String(c.orderId),
    orderNumber: c.orderNumber,
    supplierCode: c.supplierCode,
    line: c.line === undefined || c.line === null ? null : c.line + 1, // 1-based, as people count lines
    item: c.item ?? null,
    type: c.type,
    qty: c.qty,
    amount: c.amount ?? null,
    currency: c.currency ?? null,
    description: forSupplier ? (c.descriptionZh ?? c.description) : c.description,
    ...(forSupplier ? {} : { descriptionZh: c.descriptionZh ?? null, translationStatus: c.translationStatus, managerId: c.managerId ? String(c.managerId) : null }),
    photos: c.photos.map(fileView),
    supplierPhotos: (c.supplierPhotos ?? []).map(fileView),
    answerDue: day(c.answerDue),
    status: c.status,
    version: c.version,
    answer: c.answer
      ? {
          text: c.answer.text ?? null,
          ...(lang && !forSupplier ? { textTranslated: trOf(c.answer.tr, lang, c.answer.text) } : {}),
          decision: c.answer.decision,
          photos: c.answer.photos.map(fileView),
          at: c.answer.at,
        }
      : null,
    settlement: c.settlement
      ? { kind: c.settlement.kind, ...(c.settlement.amount ? { amount: c.settlement.amount, currency: c.settlement.currency } : {}), ...(c.settlement.note ? { note: c.settlement.note } : {}) }
      : null,
    history: c.history.map((h) => ({ from: h.from, to: h.to, by: forSupplier ? (h.by.startsWith('supplier:') ? 'supplier' : 'buyer') : h.by, at: h.at, reason: h.reason ?? null })),
    createdAt: c.createdAt,
    ...(forSupplier
      ? {}
      : {
          batch: c.batch ?? null,
          receivedOn: day(c.receivedOn),
          cause: c.cause ?? null,
          losses: c.losses ? { goods: c.losses.goods ?? null, freight: c.losses.freight ?? null, other: c.losses.other ?? null, currency: c.losses.currency ?? '' } : null,
          decision: c.decision ? { kind: c.decision.kind, amount: c.decision.amount ?? null, currency: c.decision.currency ?? null, note: c.decision.note ?? null, at: c.decision.at ?? null } : null,
        }),
  };
}

/** The code as people see it: `D12 AUGI` once tagged (the one formatter: shared/suppliers displayCode). */
export const shownCode = displayCode;

export function supplierProfile(s: SupplierDoc): SupplierProfileView {
  return {
    ...supplierView(s),
    shownCode: shownCode(s),
    legalName: s.legalName ?? null,
    taxId: s.taxId ?? null,
    emails: s.emails ?? [],
    phones: s.phones ?? [],
    port: s.port ?? null,
    categories: s.categories ?? [],
    certifications: s.certifications ?? [],
    capacity: s.capacity ?? null,
    load: s.load ?? null,
    paymentTerms: s.paymentTerms ?? null,
    language: s.language ?? 'zh',
    backupManagerId: s.backupManagerId ? String(s.backupManagerId) : null,
    fairLetter: s.fairLetter ?? null,
    formerCodes: s.formerCodes ?? [],
    merges: (s.merges ?? []).map((m) => ({ code: m.code ?? '', by: m.by ?? '', at: m.at ?? new Date(0) })),
  };
}

export const duplicateView = (d: PossibleDuplicate): PossibleDuplicateView => ({
  supplier: { id: String(d.supplier._id), code: d.supplier.code, name: d.supplier.name, tag: d.supplier.tag ?? null, shownCode: displayCode(d.supplier) },
  reasons: d.reasons,
});

export const fairView = (f: FairDoc): FairView => ({ letter: f._id, name: f.name, city: f.city ?? null, from: f.from ?? null, to: f.to ?? null });

export const friendRequestView = (r: FriendRequestDoc, helloTranslated: string | null): FriendRequestView => ({
  id: String(r._id),
  wechatId: r.wechatId,
  name: r.name,
  hello: r.hello,
  helloTranslated,
  status: r.status,
  createdAt: r.createdAt,
  decidedBy: r.decidedBy ?? null,
  decidedAt: r.decidedAt ?? null,
});
