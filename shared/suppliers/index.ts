// The suppliers domain: codes, creation, lookup. Its only door.
import { isDuplicateKey, NotFoundError, ValidationError } from '../errors/index.js';
import { Order } from '../orders/model.js';
import { Supplier, type Segment, type SupplierDoc } from './model.js';
import { allocateCode, formatTag, normaliseCode } from './codes.js';
import { normalisePhone } from './duplicates.js';

export * from './codes.js';
export * from './directory.js';
export { Supplier, SEGMENTS, type Segment, type SupplierDoc } from './model.js';

export interface NewSupplier {
  name: string;
  nameEn?: string;
  fairLetter?: string;
  phones?: string[];
  wechatIds?: string[];
  region?: string;
  province?: string;
  segment?: Segment;
  managerId?: string;
}

export async function createSupplier(input: NewSupplier): Promise<SupplierDoc> {
  if (!input.name?.trim()) throw new ValidationError('supplier name is required');
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = await allocateCode(input.fairLetter);
    try {
      const doc = await Supplier.create({ ...input, phones: (input.phones ?? []).map(normalisePhone), code, name: input.name.trim() });
      return doc.toObject() as SupplierDoc;
    } catch (err) {
      // A code taken by hand (import) collides with the counter: take the next one.
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new ValidationError('could not allocate a unique supplier code');
}

export async function findSupplierByCode(code: string): Promise<SupplierDoc | null> {
  return Supplier.findOne({ code: normaliseCode(code) }).lean<SupplierDoc>();
}

export async function getSupplierByCode(code: string): Promise<SupplierDoc> {
  const s = await findSupplierByCode(code);
  if (!s) throw new NotFoundError(`no supplier with code ${normaliseCode(code)}`);
  return s;
}
export { checkDuplicates, mergeSuppliers, normalisePhone, type ContactFacts, type DuplicateCheck } from './duplicates.js';

/**
 * Add the country + company abbreviation to a supplier's code once it has orders
 * (`D12` → `D12 AUGI`). The short code stays what commands match on.
 */
export async function setSupplierTag(code: string, country: string, abbr: string): Promise<SupplierDoc> {
  const s = await getSupplierByCode(code);
  if (!(await Order.exists({ supplierId: s._id }))) throw new ValidationError(`${s.code} has no orders yet: the abbreviation is added once orders exist`);
  const tag = formatTag(country, abbr);
  await Supplier.updateOne({ _id: s._id }, { $set: { tag } });
  return { ...s, tag };
}

/** The code as shown to people: `D12 AUGI` once tagged, else `D12`. */
export const displayCode = (s: Pick<SupplierDoc, 'code' | 'tag'>) => (s.tag ? `${s.code} ${s.tag}` : s.code);
