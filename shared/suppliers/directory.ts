// Suppliers as callers find them: by code (plain, tagged "D12 AUGI"), listed for a viewer,
// their contacts, and who is responsible for them (one rule for the console, the API and
// the `/assign` command).
import { Types } from 'mongoose';
import { assertVisible, supplierFilter, type Viewer } from '../access/index.js';
import { issue, msg, NotFoundError, ValidationError } from '../errors/index.js';
import { Manager, type ManagerDoc } from '../managers/model.js';
import { Contact, type ContactDoc } from '../threads/model.js';
import { normaliseCode, parseCodeInput } from './codes.js';
import { Supplier, type Segment, type SupplierDoc } from './model.js';
import { findSupplierByCode } from './resolve.js';

/**
 * The supplier a code names (plain, tagged `D12 AUGI`, or a former code of a merged supplier,
 * which is the survivor: resolveSupplierCode), when the viewer may see it; otherwise "not found".
 */
export async function supplierFor(v: Viewer, code: string): Promise<SupplierDoc> {
  const s = await findSupplierByCode(code);
  const shown = parseCodeInput(code)?.code ?? normaliseCode(code || ' ');
  return assertVisible(v, s ? { ...s, supplierId: s._id } : null, msg('noSupplierCode', { code: shown }));
}

/** Filters of the supplier list and the inbox: each an equality on one stored field. */
export interface SupplierFacts {
  segment?: Segment;
  region?: string;
  province?: string;
  category?: string;
  certification?: string;
  managerId?: string;
  language?: string;
}

/** The query of `SupplierFacts` (empty when none is given). */
export function factsFilter(f: SupplierFacts): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (f.segment) q.segment = f.segment;
  if (f.region) q.region = f.region;
  if (f.province) q.province = f.province;
  if (f.category) q.categories = f.category;
  if (f.certification) q.certifications = f.certification;
  if (f.managerId && Types.ObjectId.isValid(f.managerId)) q.managerId = new Types.ObjectId(f.managerId);
  if (f.language) q.language = f.language;
  return q;
}

/** Ids of the suppliers with these facts (the inbox intersects them with what the viewer may see); undefined when no filter. */
export async function supplierIdsWithFacts(f: SupplierFacts): Promise<Set<string> | undefined> {
  const q = factsFilter(f);
  if (!Object.keys(q).length) return undefined;
  return new Set((await Supplier.find(q, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>()).map((s) => String(s._id)));
}

/** Suppliers the viewer may see, by code, 100 a page (merged ones left out). */
export async function listSuppliers(v: Viewer, f: SupplierFacts & { page?: number }, size = 100): Promise<{ items: SupplierDoc[]; page: number; hasMore: boolean }> {
  const page = f.page ?? 1;
  const scope = await supplierFilter(v, '_id');
  const items = await Supplier.find({ ...factsFilter(f), ...scope, mergedInto: { $exists: false } })
    .sort({ code: 1 })
    .skip((page - 1) * size)
    .limit(size + 1)
    .lean<SupplierDoc[]>();
  return { items: items.slice(0, size), page, hasMore: items.length > size };
}

/** The values the list filters offer (regions, provinces, categories, certifications, languages) among what the viewer may see. */
export async function supplierFacets(v: Viewer): Promise<{ regions: string[]; provinces: string[]; categories: string[]; certifications: string[]; languages: string[] }> {
  const scope = await supplierFilter(v, '_id');
  const all = await Supplier.find({ ...scope, mergedInto: { $exists: false } }, { region: 1, province: 1, categories: 1, certifications: 1, language: 1 }).lean<SupplierDoc[]>();
  const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))].sort();
  return {
    regions: uniq(all.map((s) => s.region)),
    provinces: uniq(all.map((s) => s.province)),
    categories: uniq(all.flatMap((s) => s.categories ?? [])),
    certifications: uniq(all.flatMap((s) => s.certifications ?? [])),
    languages: uniq(all.map((s) => s.language)),
  };
}

export async function supplierContacts(supplierId: Types.ObjectId | string): Promise<ContactDoc[]> {
  return Contact.find({ supplierId: new Types.ObjectId(String(supplierId)) }).lean<ContactDoc[]>();
}

/** The active manager whose name is given (case-insensitive), for `/assign <code> <name>`. */
export async function findActiveManagerByName(name: string): Promise<ManagerDoc | null> {
  const re = new RegExp(`^${name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
  return Manager.findOne({ name: re, active: { $ne: false } }).lean<ManagerDoc>();
}

export interface Routing {
  /** Responsible manager; null removes. */
  managerId?: string | null;
  /** Backup (gets escalations); null removes. */
  backupManagerId?: string | null;
}

/**
 * Set who is responsible for a supplier (and who backs them up): both must be active managers,
 * and the backup another person than the responsible one.
 */
export async function setRouting(supplierId: Types.ObjectId | string, r: Routing): Promise<{ managerId: string | null; backupManagerId: string | null }> {
  const id = new Types.ObjectId(String(supplierId));
  for (const k of ['managerId', 'backupManagerId'] as const) {
    const m = r[k];
    if (m && !(Types.ObjectId.isValid(m) && (await Manager.exists({ _id: new Types.ObjectId(m), active: { $ne: false } }))))
      throw new ValidationError(msg('noActiveManagerNamed', { manager: String(m) }), [issue(k, 'field.unknownManager')]);
  }
  const current = await Supplier.findOne({ _id: id }, { managerId: 1, backupManagerId: 1 }).lean<SupplierDoc>();
  if (!current) throw new NotFoundError(msg('noSuchSupplier'));
  const next = {
    managerId: r.managerId === undefined ? (current.managerId ? String(current.managerId) : null) : r.managerId,
    backupManagerId: r.backupManagerId === undefined ? (current.backupManagerId ? String(current.backupManagerId) : null) : r.backupManagerId,
  };
  if (next.managerId && next.managerId === next.backupManagerId) throw new ValidationError(msg('backupSameAsManager'), [issue('backupManagerId', 'field.sameAsManager')]);
  const set: Record<string, Types.ObjectId> = {};
  const unset: Record<string, 1> = {};
  for (const k of ['managerId', 'backupManagerId'] as const) {
    if (r[k] === undefined) continue;
    if (r[k] === null) unset[k] = 1;
    else set[k] = new Types.ObjectId(r[k]!);
  }
  if (Object.keys(set).length || Object.keys(unset).length)
    await Supplier.updateOne({ _id: id }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  return next;
}
