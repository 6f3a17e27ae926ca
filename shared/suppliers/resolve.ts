// What a typed supplier code means: the plain code (`D12`), the tagged form (`D12 AUGI`,
// `d12-augi`), a former code of a merged supplier (resolves to the survivor) or a supplier id.
// Every caller that takes a code from a person goes through here: commands, orders, the HTTP
// routes (directory.ts `supplierFor`, which adds the viewer's visibility check).
import { Types } from 'mongoose';
import { issue, msg, NotFoundError } from '../errors/index.js';
import { normaliseCode, parseCodeInput } from './codes.js';
import { Supplier, type SupplierDoc } from './model.js';

/** How many merges are followed at most (a chain, never a loop: merging into a merged one is refused). */
const MAX_MERGE_HOPS = 10;

/**
 * The supplier a typed code means: the plain code (`D12`), the tagged form (`D12 AUGI`,
 * `d12-augi`) or a former code of a merged supplier, which resolves to the survivor. Also
 * takes a supplier id. NotFoundError (details: the field `code`) when none.
 */
export async function resolveSupplierCode(input: string): Promise<SupplierDoc> {
  const s = await findSupplierByCode(input);
  if (!s) {
    const code = parseCodeInput(input)?.code ?? (input ?? '').trim();
    throw new NotFoundError(msg('noSupplierCode', { code }), [issue('code', 'noSupplierCode', { code })]);
  }
  return s;
}

/** resolveSupplierCode, with null instead of NotFoundError. */
export async function findSupplierByCode(input: string): Promise<SupplierDoc | null> {
  const raw = (input ?? '').trim();
  let s: SupplierDoc | null = null;
  if (/^[0-9a-f]{24}$/i.test(raw)) s = await Supplier.findOne({ _id: new Types.ObjectId(raw) }).lean<SupplierDoc>();
  if (!s) {
    const code = parseCodeInput(raw)?.code ?? normaliseCode(raw || ' ');
    s = (await Supplier.findOne({ code }).lean<SupplierDoc>()) ?? (await Supplier.findOne({ formerCodes: code }).lean<SupplierDoc>());
  }
  for (let hop = 0; s?.mergedInto && hop < MAX_MERGE_HOPS; hop++) s = await Supplier.findOne({ _id: s.mergedInto }).lean<SupplierDoc>();
  return s?.mergedInto ? null : s;
}
