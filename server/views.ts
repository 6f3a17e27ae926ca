// What the API shows of domain objects: plain JSON, dates as ISO days where they are days.
import { MILESTONES, daysLate, isOverdue, type OrderDoc } from '../shared/orders/index.js';
import type { MessageDoc } from '../shared/threads/index.js';

const day = (d?: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);

type SummaryInput = Pick<OrderDoc, '_id' | 'number' | 'supplierCode' | 'status'> & {
  next?: { milestone: string; planned?: Date | null } | null;
  customs?: { status: string } | null;
};

export function orderSummary(o: SummaryInput, now: Date) {
  const overdue = isOverdue(o as Pick<OrderDoc, 'next' | 'status'>, now);
  return {
    id: String(o._id),
    number: o.number,
    supplierCode: o.supplierCode,
    status: o.status,
    next: o.next ? { milestone: o.next.milestone, planned: day(o.next.planned) } : null,
    overdue,
    daysLate: overdue && o.next?.planned ? daysLate(o.next.planned, now) : 0,
    customs: o.customs?.status ?? 'none',
  };
}

export function orderDetail(o: OrderDoc, now: Date) {
  return {
    ...orderSummary(o, now),
    managerId: o.managerId ? String(o.managerId) : null,
    incoterms: o.incoterms ?? null,
    currency: o.currency,
    lines: (o.lines ?? []).map((l) => ({ item: l.item, sku: l.sku ?? null, qty: l.qty, unit: l.unit ?? 'pcs', unitPrice: l.unitPrice, currency: l.currency })),
    milestones: MILESTONES.map((name) => {
      const m = o.milestones?.[name];
      return {
        name,
        planned: day(m?.planned),
        actual: day(m?.actual),
        status: m?.status ?? 'pending',
        reason: m?.reason ?? null,
        note: m?.note ?? null,
        replanned: m?.replanned ?? 0,
        photos: (m?.photos ?? []).map((p) => ({ id: p.id, name: p.name, size: p.size })),
      };
    }),
    customsDetail: {
      status: o.customs?.status ?? 'none',
      reason: o.customs?.reason ?? null,
      expectedDate: day(o.customs?.expectedDate),
    },
    version: o.version,
    updatedAt: o.updatedAt,
  };
}

type Tr = { text: string; source: string };

/**
 * A message as the APIs show it: original, translations by language, media without internal
 * paths; `original` is what a manager typed when the message is a console reply.
 */
export function messageView(m: MessageDoc, original?: { text: string; lang: string } | null) {
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
    media: md ? { name: md.name ?? null, mimeType: md.mimeType ?? null, size: md.size ?? null, durationSec: md.durationSec ?? null, url: md.url ?? null, title: md.title ?? null, width: md.width ?? null, height: md.height ?? null } : null,
    ts: m.ts,
    translations: Object.fromEntries(entries.map(([k, v]) => [k, { text: v.text, source: v.source }])),
    translationStatus: m.translationStatus,
    flaggedBad: m.flaggedBad ?? false,
    original: original ?? null,
  };
}
