// The suppliers domain: codes, creation, lookup. Its only door.
import { ConflictError, isDuplicateKey, issue, msg, ValidationError } from '../errors/index.js';
import { Order } from '../orders/model.js';
import { Counter, Supplier, type Segment, type SupplierDoc } from './model.js';
import { allocateCode, assertFairLetter, formatTag, isValidCode, parseCodeInput } from './codes.js';
import { findSupplierByCode, resolveSupplierCode } from './resolve.js';
import { normalisePhone } from './duplicates.js';
import { normaliseEmail, normaliseTaxId } from './profile.js';

export * from './codes.js';
export * from './directory.js';
export { findSupplierByCode, resolveSupplierCode } from './resolve.js';
export * from './fairs.js';
export { Fair, Supplier, SEGMENTS, type FairDoc, type Segment, type SupplierDoc } from './model.js';
export { mergeSuppliers, type MergeResult } from './merge.js';
export { findPossibleDuplicates, normaliseEmail, normaliseTaxId, updateSupplier, type DuplicateFacts, type PossibleDuplicate, type SupplierPatch } from './profile.js';

export interface NewSupplier {
  name: string;
  nameEn?: string;
  fairLetter?: string;
  /** A code given by hand (`D12`, `007`): refused when taken, also as a former code. */
  code?: string;
  legalName?: string;
  taxId?: string;
  emails?: string[];
  phones?: string[];
  wechatIds?: string[];
  region?: string;
  province?: string;
  segment?: Segment;
  managerId?: string;
}

const normalised = (input: NewSupplier) => ({
  phones: (input.phones ?? []).map(normalisePhone),
  emails: (input.emails ?? []).map(normaliseEmail).filter(Boolean),
  ...(input.taxId ? { taxId: normaliseTaxId(input.taxId) } : {}),
  ...(input.legalName ? { legalName: input.legalName.trim() } : {}),
});

/** Create a supplier; for the possible duplicates to show first, see findPossibleDuplicates. */
export async function createSupplier(input: NewSupplier): Promise<SupplierDoc> {
  if (!input.name?.trim()) throw new ValidationError(msg('supplierNameRequired'));
  if (input.code !== undefined) return createWithCode(input);
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = await allocateCode(input.fairLetter);
    try {
      const doc = await Supplier.create({ ...input, ...normalised(input), code, name: input.name.trim() });
      return doc.toObject() as SupplierDoc;
    } catch (err) {
      // A code taken by hand (import) collides with the counter: take the next one.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ValidationError(msg('noFreeCode'));
}

/** A code typed by a person, checked: `D12` (fair letter, never I or O, + number) or `007`. */
export function assertCode(input: string): string {
  const parsed = parseCodeInput(input);
  const code = parsed?.code ?? input.trim().toUpperCase();
  if (!parsed || !isValidCode(code)) {
    if (/^[IO]\d/i.test(code)) assertFairLetter(code[0]!); // says why I and O are never used
    throw new ValidationError(msg('notSupplierCode', { input }), [issue('code', 'field.codeShape')]);
  }
  return code;
}

/** A code chosen by a person: checked, taken only when free; the sequence moves past it. */
async function createWithCode(input: NewSupplier): Promise<SupplierDoc> {
  const code = assertCode(input.code!);
  const fairLetter = /^[A-Z]/.test(code) ? code[0]! : undefined;
  if (input.fairLetter && fairLetter !== input.fairLetter.toUpperCase()) throw new ValidationError(msg('codeFairLetter', { code, letter: input.fairLetter.toUpperCase() }));
  const taken = (await Supplier.findOne({ code }, { code: 1 }).lean<{ code: string }>()) ?? (await Supplier.findOne({ formerCodes: code }, { code: 1 }).lean<{ code: string }>());
  if (taken) throw new ConflictError(taken.code === code ? msg('codeTaken', { code }) : msg('codeFormer', { code, other: taken.code }));
  try {
    const doc = await Supplier.create({ ...input, ...normalised(input), fairLetter, code, name: input.name.trim() });
    // The counter moves past a hand-chosen number, so the next allocated code does not collide.
    await Counter.updateOne({ _id: fairLetter ? `fair:${fairLetter}` : 'plain' }, { $max: { seq: Number(code.replace(/^[A-Z]/, '')) } }, { upsert: true });
    return doc.toObject() as SupplierDoc;
  } catch (err) {
    if (isDuplicateKey(err)) throw new ConflictError(msg('codeTaken', { code }));
    throw err;
  }
}

export const getSupplierByCode = resolveSupplierCode;

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Supplier search for pickers and lists: a code in any accepted form (plain, tagged, former)
 * finds exactly that supplier; otherwise a case-insensitive match on the name or English name.
 * Merged suppliers are not listed (their codes resolve to the survivor).
 */
export async function searchSuppliers(q: string, limit = 20): Promise<SupplierDoc[]> {
  const text = (q ?? '').trim();
  if (!text) return [];
  if (parseCodeInput(text)) {
    const s = await findSupplierByCode(text);
    if (s) return [s];
  }
  // Suppliers are hundreds to a few thousand: a regex over the live ones (not a hot path).
  const re = new RegExp(escapeRegex(text), 'i');
  const all = await Supplier.find({ mergedInto: null }, { code: 1, tag: 1, name: 1, nameEn: 1, segment: 1, managerId: 1, formerCodes: 1 }).lean<SupplierDoc[]>();
  return all.filter((s) => re.test(s.name) || (s.nameEn && re.test(s.nameEn))).slice(0, limit);
}
export { checkDuplicates, normalisePhone, type ContactFacts, type DuplicateCheck } from './duplicates.js';

/**
 * Add the country + company abbreviation to a supplier's code once it has orders
 * (`D12` → `D12 AUGI`). The short code stays what commands match on.
 */
export async function setSupplierTag(code: string, country: string, abbr: string): Promise<SupplierDoc> {
  const s = await getSupplierByCode(code);
  if (!(await Order.exists({ supplierId: s._id }))) throw new ValidationError(msg('abbrNeedsOrders', { code: s.code }));
  const tag = formatTag(country, abbr);
  await Supplier.updateOne({ _id: s._id }, { $set: { tag } });
  return { ...s, tag };
}

/**
 * The code as shown to people: `D12 AUGI` once tagged, else `D12`. The one formatter: notices,
 * reports, the console and the mini-program all show codes through it (`displayCodes` for lists).
 */
export const displayCode = (s: Pick<SupplierDoc, 'code' | 'tag'>) => (s.tag ? `${s.code} ${s.tag}` : s.code);

/**
 * The shown codes of the suppliers that records name by their plain code (orders, claims, price
 * points keep `supplierCode`): one query (`code` is unique and indexed). A code no supplier has
 * any more is shown as it is.
 */
export async function displayCodes(codes: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(codes)];
  const shown = new Map(list.map((c) => [c, c]));
  if (!list.length) return shown;
  for (const s of await Supplier.find({ code: { $in: list } }, { code: 1, tag: 1 }).lean<SupplierDoc[]>()) shown.set(s.code, displayCode(s));
  return shown;
}
