// Who may see what: the one place that answers "may this caller see this supplier / order /
// thread / claim / contact" and gives the query filter for lists. HTTP routes declare their
// caller kinds (server/http/route.ts) and call these; nothing else writes a scope check.
//
// Rules (docs/access.md):
// - admin and head of purchasing see every supplier; a manager sees the suppliers they are
//   responsible for (`Supplier.managerId`) or backing up (`backupManagerId`), or all when the
//   account has "sees all";
// - a supplier (mini-program) sees only its own supplier's records;
// - what a caller may not see is "not found" (404), never "forbidden": existence is not disclosed.
import { Types } from 'mongoose';
import { NotFoundError, type ErrorMessage } from '../errors/index.js';
import type { ManagerDoc } from '../managers/model.js';
import { Supplier } from '../suppliers/model.js';

export type ManagerRole = 'admin' | 'head' | 'manager';

export type Viewer = { kind: 'manager'; id: string; role: ManagerRole; seesAll: boolean; language: string; via: 'console' | 'token' } | { kind: 'supplier'; supplierId: string; openid: string };

export type ManagerViewer = Extract<Viewer, { kind: 'manager' }>;
export type SupplierViewer = Extract<Viewer, { kind: 'supplier' }>;

/** Admins and heads see all suppliers; a manager when their account says so. */
export const seesAllSuppliers = (m: Pick<ManagerDoc, 'role' | 'seesAll'>): boolean => m.role === 'admin' || m.role === 'head' || Boolean(m.seesAll);

export function managerViewer(m: Pick<ManagerDoc, '_id' | 'role' | 'seesAll' | 'language'>, via: ManagerViewer['via']): ManagerViewer {
  const role: ManagerRole = m.role === 'admin' || m.role === 'head' ? m.role : 'manager';
  return { kind: 'manager', id: String(m._id), role, seesAll: seesAllSuppliers(m), language: m.language ?? 'en', via };
}

/**
 * Supplier ids a viewer may see; `undefined` means all. Two equality queries (responsible,
 * backup) rather than an `$or`, so both are index-backed on the embedded engine.
 */
export async function visibleSupplierIds(v: Viewer): Promise<Set<string> | undefined> {
  if (v.kind === 'supplier') return new Set([v.supplierId]);
  if (v.seesAll) return undefined;
  const me = new Types.ObjectId(v.id);
  const [own, backup] = await Promise.all([
    Supplier.find({ managerId: me }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>(),
    Supplier.find({ backupManagerId: me }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>(),
  ]);
  return new Set([...own, ...backup].map((s) => String(s._id)));
}

/**
 * A filter on `field` (a supplier id) that keeps what the viewer may see: `{}` for all,
 * `{field: id}` for one supplier, `{field: {$in: [...]}}` otherwise (an empty list matches nothing).
 */
export async function supplierFilter(v: Viewer, field = 'supplierId'): Promise<Record<string, unknown>> {
  const ids = await visibleSupplierIds(v);
  if (!ids) return {};
  const list = [...ids].map((i) => new Types.ObjectId(i));
  return { [field]: list.length === 1 ? list[0] : { $in: list } };
}

/** May the viewer see records of this supplier? A record without a supplier: only "sees all". */
export async function canSeeSupplier(v: Viewer, supplierId: Types.ObjectId | string | null | undefined): Promise<boolean> {
  if (v.kind === 'supplier') return Boolean(supplierId) && String(supplierId) === v.supplierId;
  if (v.seesAll) return true;
  if (!supplierId) return false;
  const me = new Types.ObjectId(v.id);
  const id = new Types.ObjectId(String(supplierId));
  const [own, backup] = await Promise.all([Supplier.exists({ _id: id, managerId: me }), Supplier.exists({ _id: id, backupManagerId: me })]);
  return Boolean(own || backup);
}

/** The record when the viewer may see its supplier; otherwise "not found" with `what`. */
export async function assertVisible<T extends { supplierId?: Types.ObjectId | string | null }>(v: Viewer, record: T | null | undefined, what: ErrorMessage): Promise<T> {
  if (!record || !(await canSeeSupplier(v, record.supplierId))) throw new NotFoundError(what);
  return record;
}

/** A manager viewer that sees everything: for jobs and scripts that act for the company. */
export const SYSTEM_VIEWER: ManagerViewer = { kind: 'manager', id: '000000000000000000000000', role: 'admin', seesAll: true, language: 'en', via: 'token' };
