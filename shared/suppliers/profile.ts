// The supplier profile as people edit it (console supplier page): validated fields, the
// responsible and backup manager, the segment (recorded in its history), and the duplicate check
// that runs on create and on edit — WeChat id, phone, tax id, e-mail, legal name. A match is
// only shown as a possible duplicate for a person to merge or dismiss (merge.ts), never acted on.
import { Types } from 'mongoose';
import { issue, msg, NotFoundError, ValidationError } from '../errors/index.js';
import { Manager } from '../managers/model.js';
import { setSegment } from '../performance/segments.js';
import { normalisePhone } from './duplicates.js';
import { SEGMENTS, Supplier, type Segment, type SupplierDoc } from './model.js';
import { findSupplierByCode } from './resolve.js';

export interface DuplicateFacts {
  name?: string;
  legalName?: string;
  taxId?: string;
  emails?: string[];
  phones?: string[];
  wechatIds?: string[];
}

export interface PossibleDuplicate {
  supplier: Pick<SupplierDoc, '_id' | 'code' | 'name' | 'tag'>;
  reasons: string[];
}

const norm = (s?: string | null) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
export const normaliseTaxId = (s: string) => s.replace(/[\s-]/g, '').toUpperCase();
export const normaliseEmail = (s: string) => s.trim().toLowerCase();

/**
 * Suppliers that may be the same company as `facts` (each found by an equality on an indexed
 * field), with why. `excludeId`: the supplier being edited. Merged suppliers are left out.
 */
export async function findPossibleDuplicates(facts: DuplicateFacts, excludeId?: string | Types.ObjectId): Promise<PossibleDuplicate[]> {
  const found = new Map<string, PossibleDuplicate>();
  const add = (s: SupplierDoc, reason: string) => {
    if (s.mergedInto || (excludeId && String(s._id) === String(excludeId))) return;
    const k = String(s._id);
    const cur = found.get(k) ?? { supplier: { _id: s._id, code: s.code, name: s.name, tag: s.tag }, reasons: [] };
    if (!cur.reasons.includes(reason)) cur.reasons.push(reason);
    found.set(k, cur);
  };
  const fields = { _id: 1, code: 1, name: 1, tag: 1, mergedInto: 1, legalName: 1 };
  if (facts.taxId?.trim()) for (const s of await Supplier.find({ taxId: normaliseTaxId(facts.taxId) }, fields).lean<SupplierDoc[]>()) add(s, 'same tax id');
  for (const e of facts.emails ?? []) if (e.trim()) for (const s of await Supplier.find({ emails: normaliseEmail(e) }, fields).lean<SupplierDoc[]>()) add(s, `same e-mail ${normaliseEmail(e)}`);
  for (const p of facts.phones ?? [])
    if (normalisePhone(p)) for (const s of await Supplier.find({ phones: normalisePhone(p) }, fields).lean<SupplierDoc[]>()) add(s, `same phone ${normalisePhone(p)}`);
  for (const w of facts.wechatIds ?? []) if (w) for (const s of await Supplier.find({ wechatIds: w }, fields).lean<SupplierDoc[]>()) add(s, 'same WeChat id');
  if (facts.legalName?.trim()) {
    for (const s of await Supplier.find({ legalName: facts.legalName.trim() }, fields).lean<SupplierDoc[]>()) add(s, 'same legal name');
    // The legal name of one written as the company name of another (often the Chinese name).
    for (const s of await Supplier.find({ name: facts.legalName.trim() }, fields).lean<SupplierDoc[]>()) add(s, 'legal name equals its company name');
  }
  if (facts.name?.trim()) {
    for (const s of await Supplier.find({ name: facts.name.trim() }, fields).lean<SupplierDoc[]>()) add(s, 'same company name');
    for (const s of await Supplier.find({ legalName: facts.name.trim() }, fields).lean<SupplierDoc[]>()) if (norm(s.legalName) === norm(facts.name)) add(s, 'company name equals its legal name');
  }
  return [...found.values()];
}

export interface SupplierPatch {
  name?: string;
  nameEn?: string;
  legalName?: string;
  taxId?: string;
  emails?: string[];
  phones?: string[];
  region?: string;
  province?: string;
  port?: string;
  categories?: string[];
  certifications?: string[];
  capacity?: string;
  load?: string;
  paymentTerms?: string;
  language?: 'zh' | 'en';
  timezone?: string;
  managerId?: string | null;
  backupManagerId?: string | null;
  segment?: Segment;
}

const TEXT_FIELDS = ['name', 'nameEn', 'legalName', 'region', 'province', 'port', 'capacity', 'load', 'paymentTerms'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function activeManager(id: string, field: string): Promise<Types.ObjectId> {
  if (!Types.ObjectId.isValid(id)) throw new ValidationError(msg('notManagerId'), [issue(field, 'field.notAnId')]);
  const m = await Manager.findOne({ _id: id }, { active: 1 }).lean<{ _id: Types.ObjectId; active?: boolean }>();
  if (!m || m.active === false) throw new ValidationError(msg('noSuchActiveManager'), [issue(field, 'noSuchActiveManager')]);
  return m._id;
}

/**
 * Edit a supplier's profile (`ref`: code in any accepted form, or id). Returns the supplier as
 * stored and the possible duplicates the new facts point to. A segment change is recorded in
 * the segment history with `by`. ValidationError for a bad field (all problems listed).
 */
export async function updateSupplier(ref: string, patch: SupplierPatch, by: string, now: Date): Promise<{ supplier: SupplierDoc; possibleDuplicates: PossibleDuplicate[] }> {
  const s = await findSupplierByCode(ref);
  if (!s) throw new NotFoundError(msg('noSupplier', { code: String(ref) }));
  const problems: { field: string; message: string }[] = [];
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  for (const f of TEXT_FIELDS) {
    const v = patch[f];
    if (v === undefined) continue;
    const t = v.trim();
    if (f === 'name' && !t) problems.push({ field: f, message: 'required' });
    else if (t.length > 200) problems.push(issue(f, 'field.maxChars', { n: 200 }));
    else if (t) $set[f] = t;
    else $unset[f] = 1;
  }
  if (patch.taxId !== undefined) {
    const t = normaliseTaxId(patch.taxId);
    if (t && !/^[0-9A-Z]{8,20}$/.test(t)) problems.push(issue('taxId', 'field.taxId'));
    else if (t) $set.taxId = t;
    else $unset.taxId = 1;
  }
  if (patch.emails !== undefined) {
    const es = [...new Set(patch.emails.map(normaliseEmail).filter(Boolean))];
    const bad = es.filter((e) => !EMAIL.test(e));
    if (bad.length) problems.push(issue('emails', 'field.notEmail', { list: bad.join(', ') }));
    else $set.emails = es;
  }
  if (patch.phones !== undefined) {
    const ps = [...new Set(patch.phones.map(normalisePhone).filter(Boolean))];
    if (ps.some((p) => p.length < 5 || p.length > 20)) problems.push(issue('phones', 'field.phones'));
    else $set.phones = ps;
  }
  for (const f of ['categories', 'certifications'] as const) {
    if (patch[f] === undefined) continue;
    $set[f] = [...new Set(patch[f]!.map((x) => x.trim()).filter(Boolean))].slice(0, 50);
  }
  if (patch.language !== undefined) {
    if (patch.language !== 'zh' && patch.language !== 'en') problems.push(issue('language', 'field.zhOrEn'));
    else $set.language = patch.language;
  }
  if (patch.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: patch.timezone });
      $set.timezone = patch.timezone;
    } catch {
      problems.push(issue('timezone', 'field.supplierTimezone'));
    }
  }
  if (patch.segment !== undefined && !SEGMENTS.includes(patch.segment)) problems.push(issue('segment', 'field.options', { options: SEGMENTS.join(', ') }));
  for (const f of ['managerId', 'backupManagerId'] as const) {
    const v = patch[f];
    if (v === undefined) continue;
    if (v === null || v === '') $unset[f] = 1;
    else
      await activeManager(v, f).then(
        (id) => ($set[f] = id),
        (err: ValidationError) => problems.push(err.text ? issue(f, err.text.key, err.text.params) : { field: f, message: err.message }),
      );
  }
  if (problems.length) throw new ValidationError(msg('supplierProblems', { code: s.code, problems: problems.map((p) => `${p.field} ${p.message}`).join('; ') }), problems);
  if (Object.keys($set).length || Object.keys($unset).length) {
    await Supplier.updateOne({ _id: s._id }, { ...(Object.keys($set).length ? { $set } : {}), ...(Object.keys($unset).length ? { $unset } : {}) });
  }
  if (patch.segment !== undefined) {
    await setSegment(s._id, patch.segment, by, 'edited on the supplier page', now);
  }
  const supplier = (await Supplier.findOne({ _id: s._id }).lean<SupplierDoc>())!;
  const possibleDuplicates = await findPossibleDuplicates(
    { name: supplier.name, legalName: supplier.legalName ?? undefined, taxId: supplier.taxId ?? undefined, emails: supplier.emails, phones: supplier.phones, wechatIds: supplier.wechatIds },
    supplier._id,
  );
  return { supplier, possibleDuplicates };
}
