// Reply times: samples measured by the mirror (replies.timed) are buffered and written in
// batches to the KPI documents, in the answering side's working minutes.
import { Types } from 'mongoose';
import { createCache } from '../cache/index.js';
import { getLogger } from '../log/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { Supplier, type SupplierDoc } from '../suppliers/model.js';
import type { ResponseSample } from '../threads/index.js';
import { periodOf, workingMinutes } from './hours.js';
import { upsertInc } from './kpis.js';
import { ManagerKpi, SupplierKpi } from './model.js';
import type { ReplyHours } from './settings.js';

const log = getLogger('performance');

const chinaZone = (tz: string) => ['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Harbin', 'Asia/Urumqi', 'PRC'].includes(tz);

interface Who {
  supplierTz: string;
  managerId?: string;
  managerTz: string;
}
// Who answers for a supplier, for 30 s (reply-time samples come in bursts per supplier).
const whoCache = createCache<string, Who>('performance.who', { max: 5000, ttl: 30_000 });
async function whoOf(supplierId: string): Promise<Who | undefined> {
  const hit = whoCache.get(supplierId);
  if (hit) return hit;
  const s = await Supplier.findOne({ _id: supplierId }, { timezone: 1, managerId: 1 }).lean<SupplierDoc>();
  if (!s) return undefined;
  const m = s.managerId ? await Manager.findOne({ _id: s.managerId }, { timezone: 1 }).lean<ManagerDoc>() : null;
  const v = { supplierTz: s.timezone ?? 'Asia/Shanghai', managerId: s.managerId ? String(s.managerId) : undefined, managerTz: m?.timezone ?? 'UTC' };
  whoCache.set(supplierId, v);
  return v;
}

/** Minutes of a sample in the answering side's working time; and where it is counted. */
export async function sampleTarget(supplierId: string, s: ResponseSample, settings: ReplyHours): Promise<{ key: string; minutes: number } | undefined> {
  const who = await whoOf(supplierId);
  if (!who) return undefined;
  const p = periodOf(s.at);
  if (s.side === 'supplier') return { key: `s:${supplierId}:${p}`, minutes: workingMinutes(s.since, s.at, who.supplierTz, settings.supplierHours, chinaZone(who.supplierTz)) };
  if (!who.managerId) return undefined;
  return { key: `m:${who.managerId}:${p}`, minutes: workingMinutes(s.since, s.at, who.managerTz, settings.managerHours, false) };
}

// Reply-time samples from the mirror are buffered and written every few seconds, grouped per
// supplier (or manager) and month: one $push for many messages, so the KPI work per mirrored
// message stays a fraction of the message's own insert. They are derived data: a crash loses
// at most the buffer, which the nightly reconcile restores.
export const RESPONSE_FLUSH_MS = 5_000;
const pending: { supplierId: string; sample: ResponseSample; settings: ReplyHours }[] = [];
let pendingTimer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | undefined;

/** Buffer reply-time samples; their minutes are counted in `settings`' working hours. */
export function queueResponses(samples: { supplierId: string; sample: ResponseSample }[], settings: ReplyHours): void {
  if (!samples.length) return;
  pending.push(...samples.map((x) => ({ ...x, settings })));
  if (pending.length >= 20_000) void flushResponses();
  else if (!pendingTimer) {
    pendingTimer = setTimeout(() => void flushResponses(), RESPONSE_FLUSH_MS);
    pendingTimer.unref();
  }
}

/** Write the buffered reply times now (the timer, mirror.flush(), shutdown, tests). */
export async function flushResponses(): Promise<void> {
  clearTimeout(pendingTimer);
  pendingTimer = undefined;
  while (flushing) await flushing;
  if (!pending.length) return;
  const batch = pending.splice(0);
  // One write pass per settings object (in practice one: the composition root's).
  const bySettings = new Map<ReplyHours, typeof batch>();
  for (const x of batch) bySettings.set(x.settings, [...(bySettings.get(x.settings) ?? []), x]);
  flushing = (async () => {
    for (const [settings, samples] of bySettings) await recordResponses(samples, settings);
  })()
    .catch((err) => log.warn({ err: (err as Error).message, samples: batch.length }, 'reply times not recorded; the nightly reconcile restores them'))
    .finally(() => (flushing = undefined));
  await flushing;
}

/** Load who answers for many suppliers at once (two queries, not two per supplier). */
async function loadWho(supplierIds: string[]): Promise<void> {
  const missing = [...new Set(supplierIds)].filter((id) => !whoCache.has(id));
  if (!missing.length) return;
  const suppliers = await Supplier.find({ _id: { $in: missing.map((id) => new Types.ObjectId(id)) } }, { timezone: 1, managerId: 1 }).lean<SupplierDoc[]>();
  const mids = [...new Set(suppliers.map((s) => s.managerId && String(s.managerId)).filter(Boolean))] as string[];
  const managers = mids.length ? await Manager.find({ _id: { $in: mids.map((id) => new Types.ObjectId(id)) } }, { timezone: 1 }).lean<ManagerDoc[]>() : [];
  const tz = new Map(managers.map((m) => [String(m._id), m.timezone ?? 'UTC']));
  for (const s of suppliers) {
    const managerId = s.managerId ? String(s.managerId) : undefined;
    whoCache.set(String(s._id), { supplierTz: s.timezone ?? 'Asia/Shanghai', managerId, managerTz: (managerId && tz.get(managerId)) || 'UTC' });
  }
}

/**
 * Store response samples: one `$push` per supplier (or manager) and month. One update each, not
 * one bulk command: on the embedded engine a 500-upsert bulk update took ~30 s as a single
 * request (measured), holding its one-request front so long that the driver's monitor timed out.
 */
export async function recordResponses(samples: { supplierId: string; sample: ResponseSample }[], settings: ReplyHours, now = new Date()): Promise<void> {
  await loadWho(samples.map((s) => s.supplierId));
  const grouped = new Map<string, number[]>();
  for (const { supplierId, sample } of samples) {
    const t = await sampleTarget(supplierId, sample, settings);
    if (!t) continue;
    grouped.set(t.key, [...(grouped.get(t.key) ?? []), t.minutes]);
  }
  for (const [key, minutes] of grouped) {
    const [kind, id, period] = key.split(':') as ['s' | 'm', string, string];
    const filter = kind === 's' ? { supplierId: new Types.ObjectId(id), period } : { managerId: new Types.ObjectId(id), period };
    await upsertInc(kind === 's' ? SupplierKpi : ManagerKpi, filter, { $push: { rt: { $each: minutes } }, $set: { at: now } });
  }
}

/**
 * The `replies.timed` listener (wired by shared/reactions.ts with the configured working hours):
 * buffer the mirror's reply times (written every few seconds).
 */
export function onRepliesTimed({ samples }: { samples: { supplierId: string; sample: ResponseSample }[] }, settings: ReplyHours): void {
  queueResponses(samples, settings);
}

/** The `mirror.flushed` listener: write the buffered reply times now. */
export async function onMirrorFlushed(): Promise<void> {
  await flushResponses();
}
