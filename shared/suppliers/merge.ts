// Merging duplicates (PRODUCT.md "Suppliers"): two records found to be one company become one.
// The survivor keeps living and carries the EARLIEST of the two codes; the other code (and
// every former code of the merged one) stays on the survivor's `formerCodes`, so what people
// typed for years still finds it. Everything that points at the merged supplier moves over.
//
// No transactions (DATABASE.md), so the steps are ordered to be re-runnable: the merged record
// is marked first (a guarded update: of two concurrent merges of it one wins), then records
// are moved by `supplierId` equality; a merge interrupted half way is finished by running it
// again (`mergeSuppliers` on an already merged pair resumes the moves instead of refusing).
import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { updateManyInBatches } from '../db/batches.js';
import { getLogger } from '../log/index.js';
import { Claim } from '../claims/model.js';
import { BindingCode, clearAuthCaches, MpBinding } from '../auth/index.js';
import { clearOrderListCache, rebuildOrderIndex } from '../orders/list.js';
import { Order, OrderIndex, OrderIndexHead } from '../orders/model.js';
import { PricePoint } from '../prices/model.js';
import { SegmentChange, SegmentProposal, SupplierKpi, type SupplierKpiDoc } from '../performance/model.js';
import { invalidateMirrorCaches } from '../threads/generation.js';
import { Contact, Message, Thread } from '../threads/model.js';
import { earliest, normaliseCode, parseCodeInput } from './codes.js';
import { Supplier, type SupplierDoc } from './model.js';

const log = getLogger('suppliers.merge');

export interface MergeResult {
  survivor: SupplierDoc;
  mergedId: string;
  /** The survivor's code after the merge (the earliest of the two). */
  code: string;
  formerCodes: string[];
  moved: Record<string, number>;
}

/** A supplier by id or by its own current code (a merge names records, it does not follow them). */
async function recordOf(ref: string | Types.ObjectId): Promise<SupplierDoc> {
  const raw = String(ref).trim();
  let s: SupplierDoc | null = null;
  if (/^[0-9a-f]{24}$/i.test(raw)) s = await Supplier.findOne({ _id: new Types.ObjectId(raw) }).lean<SupplierDoc>();
  if (!s) {
    const code = parseCodeInput(raw)?.code ?? normaliseCode(raw || ' ');
    s = await Supplier.findOne({ code }).lean<SupplierDoc>();
    if (!s) {
      // A former code names the survivor it lives on now.
      s = await Supplier.findOne({ formerCodes: code }).lean<SupplierDoc>();
    }
  }
  if (!s) throw new NotFoundError(`no supplier ${raw}`);
  return s;
}

/** A merged record that gave up its code holds it as `~D12`; people see `D12`. */
const shown = (s: Pick<SupplierDoc, 'code'>) => s.code.replace(/^~/, '');

const PROFILE_FIELDS = ['nameEn', 'region', 'province', 'capacity', 'load', 'paymentTerms', 'managerId', 'backupManagerId', 'tag', 'fairLetter'] as const;
const KPI_COUNTERS = ['orders', 'msDone', 'msOnTime', 'msLate', 'msDaysLate', 'msReplanned', 'customsDelayed', 'claims', 'claimsSettled', 'settleDays'] as const;

/**
 * Merge `mergedRef` into `survivorRef` (each a code or an id). ValidationError for a merge into
 * itself; ConflictError when the survivor was itself merged away, or the other one was merged
 * into a third supplier already. Recorded on both records with `by` and `now`.
 */
export async function mergeSuppliers(survivorRef: string | Types.ObjectId, mergedRef: string | Types.ObjectId, by: string, now: Date): Promise<MergeResult> {
  let survivor = await recordOf(survivorRef);
  const merged = await recordOf(mergedRef);
  if (String(survivor._id) === String(merged._id)) {
    throw new ValidationError(`cannot merge ${shown(survivor)} into itself${String(mergedRef) !== String(survivorRef) ? ` (${String(mergedRef).trim()} is a former code of ${shown(survivor)})` : ''}`);
  }
  if (survivor.mergedInto) {
    const into = await Supplier.findOne({ _id: survivor.mergedInto }, { code: 1 }).lean<{ code: string }>();
    throw new ConflictError(`${shown(survivor)} was merged into ${into?.code ?? 'another supplier'} already: merge into that one`);
  }
  if (merged.mergedInto && String(merged.mergedInto) !== String(survivor._id)) {
    const into = await Supplier.findOne({ _id: merged.mergedInto }, { code: 1 }).lean<{ code: string }>();
    throw new ConflictError(`${shown(merged)} was merged into ${into?.code ?? 'another supplier'} already`);
  }

  // 1. The merged record points at the survivor (the claim: one merge of it wins).
  if (!merged.mergedInto) {
    const r = await Supplier.updateOne({ _id: merged._id, mergedInto: null }, { $set: { mergedInto: survivor._id, mergedAt: now, mergedBy: by } });
    if (r.modifiedCount !== 1) {
      const again = await Supplier.findOne({ _id: merged._id }, { mergedInto: 1 }).lean<SupplierDoc>();
      if (String(again?.mergedInto) !== String(survivor._id)) throw new ConflictError(`${shown(merged)} was merged into another supplier a moment ago`);
    }
  }

  // 2. Codes: the earliest stays in use; the other and all former codes keep resolving here.
  const oldSurvivorCode = survivor.code;
  const mergedCode = merged.code.startsWith('~') ? merged.code.slice(1) : merged.code;
  const keepCode = earliest({ code: oldSurvivorCode, createdAt: survivor.createdAt }, { code: mergedCode, createdAt: merged.createdAt }).code;
  const former = new Set([...(survivor.formerCodes ?? []), ...(merged.formerCodes ?? []), oldSurvivorCode, mergedCode]);
  former.delete(keepCode);
  if (keepCode !== oldSurvivorCode && merged.code === mergedCode) {
    // Free the code on the merged record first (codes are unique), then the survivor takes it.
    await Supplier.updateOne({ _id: merged._id, code: mergedCode }, { $set: { code: `~${mergedCode}` } });
  }
  const fill: Record<string, unknown> = {};
  for (const f of PROFILE_FIELDS) if (!survivor[f] && merged[f]) fill[f] = merged[f];
  await Supplier.updateOne(
    { _id: survivor._id },
    {
      $set: { code: keepCode, formerCodes: [...former].sort(), ...fill },
      $addToSet: {
        phones: { $each: merged.phones ?? [] },
        wechatIds: { $each: merged.wechatIds ?? [] },
        categories: { $each: merged.categories ?? [] },
        certifications: { $each: merged.certifications ?? [] },
      },
      $pull: { possibleDuplicateOf: merged._id },
    },
  );
  if (!(survivor.merges ?? []).some((x) => String(x.supplierId) === String(merged._id))) {
    await Supplier.updateOne({ _id: survivor._id }, { $push: { merges: { supplierId: merged._id, code: mergedCode, by, at: now } } });
  }

  // 3. Everything that pointed at the merged supplier moves. Messages first (by thread, the
  //    equality their index serves), then the threads, so a re-run finds what is left.
  const from = merged._id;
  const to = survivor._id;
  const moved: Record<string, number> = {};
  const count = (k: string, n: number | undefined) => (moved[k] = (moved[k] ?? 0) + (n ?? 0));
  const threads = await Thread.find({ supplierId: from }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  for (const t of threads) count('messages', await updateManyInBatches(Message, { threadId: t._id, supplierId: from }, { $set: { supplierId: to } }));
  count('threads', (await Thread.updateMany({ supplierId: from }, { $set: { supplierId: to } })).modifiedCount);
  count('contacts', (await Contact.updateMany({ supplierId: from }, { $set: { supplierId: to } })).modifiedCount);
  count('orders', (await Order.updateMany({ supplierId: from }, { $set: { supplierId: to, supplierCode: keepCode } })).modifiedCount);
  if (keepCode !== oldSurvivorCode) await Order.updateMany({ supplierId: to }, { $set: { supplierCode: keepCode } });
  count('claims', (await Claim.updateMany({ supplierId: from }, { $set: { supplierId: to, supplierCode: keepCode } })).modifiedCount);
  if (keepCode !== oldSurvivorCode) await Claim.updateMany({ supplierId: to }, { $set: { supplierCode: keepCode } });
  count('pricePoints', (await PricePoint.updateMany({ supplierId: from }, { $set: { supplierId: to, supplierCode: keepCode } })).modifiedCount);
  if (keepCode !== oldSurvivorCode) await PricePoint.updateMany({ supplierId: to }, { $set: { supplierCode: keepCode } });
  count('segmentChanges', (await SegmentChange.updateMany({ supplierId: from }, { $set: { supplierId: to } })).modifiedCount);
  // Open proposals for the merged one no longer apply: the survivor's own rules decide.
  count(
    'segmentProposals',
    (await SegmentProposal.updateMany({ supplierId: from, status: 'open' }, { $set: { status: 'rejected', decidedBy: by, decidedAt: now, supplierId: to }, $unset: { openKey: 1 } })).modifiedCount,
  );
  await SegmentProposal.updateMany({ supplierId: from }, { $set: { supplierId: to } });
  count('kpis', await mergeKpis(from, to));
  // Mini-program users of the merged supplier now see the survivor's orders; their tokens
  // named the merged id, so they sign in again (the next login gives the survivor's token).
  count('miniProgramBindings', (await MpBinding.updateMany({ supplierId: from }, { $set: { supplierId: to }, $inc: { tokenVersion: 1 } })).modifiedCount);
  count('bindingCodes', (await BindingCode.updateMany({ supplierId: from }, { $set: { supplierId: to } })).modifiedCount);
  // The mini-program's per-supplier order lists: the merged one's goes, the survivor's is rebuilt.
  await OrderIndex.deleteOne({ supplierId: from });
  await OrderIndexHead.deleteOne({ supplierId: from });
  await rebuildOrderIndex(to).catch((err) => log.warn({ err: (err as Error).message }, 'order list of the survivor not rebuilt; reconciliation will'));
  clearOrderListCache();
  clearAuthCaches();
  invalidateMirrorCaches();

  survivor = (await Supplier.findOne({ _id: to }).lean<SupplierDoc>())!;
  log.info({ survivor: survivor.code, merged: mergedCode, by, moved }, 'suppliers merged');
  return { survivor, mergedId: String(from), code: survivor.code, formerCodes: survivor.formerCodes ?? [], moved };
}

/**
 * KPI months of the merged supplier join the survivor's: a month only one of them has moves
 * over; a month both have is summed (counters, money per currency, reply times).
 */
async function mergeKpis(from: Types.ObjectId, to: Types.ObjectId): Promise<number> {
  let n = 0;
  const docs = await SupplierKpi.find({ supplierId: from }).lean<SupplierKpiDoc[]>();
  for (const d of docs) {
    const mine = await SupplierKpi.findOne({ supplierId: to, period: d.period }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
    if (!mine) {
      const r = await SupplierKpi.updateOne({ _id: d._id }, { $set: { supplierId: to } }).catch(() => undefined);
      if (r?.modifiedCount) {
        n++;
        continue;
      }
    }
    const inc: Record<string, number> = {};
    for (const f of KPI_COUNTERS) if (d[f as keyof SupplierKpiDoc]) inc[f] = Number(d[f as keyof SupplierKpiDoc]);
    for (const [cur, v] of Object.entries((d as unknown as { value?: Record<string, number> }).value ?? {})) inc[`value.${cur}`] = v;
    for (const [cur, v] of Object.entries((d as unknown as { claimValue?: Record<string, number> }).claimValue ?? {})) inc[`claimValue.${cur}`] = v;
    await SupplierKpi.updateOne({ supplierId: to, period: d.period }, { ...(Object.keys(inc).length ? { $inc: inc } : {}), $push: { rt: { $each: d.rt ?? [] } } });
    await SupplierKpi.deleteOne({ _id: d._id });
    n++;
  }
  return n;
}
