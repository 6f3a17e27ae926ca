// Input schema pieces shared by the route table (zod, strict objects: unknown keys and
// operator-shaped values are refused before any query is built).
import { z } from 'zod';
import { MILESTONES } from '../shared/orders/index.js';

export const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'must be a 24-character hex id');

/** A calendar date `YYYY-MM-DD` between 2000 and 2100, as a UTC Date. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .transform((s, ctx) => {
    const d = new Date(`${s}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
      ctx.addIssue({ code: 'custom', message: 'is not a real date' });
      return z.NEVER;
    }
    const y = d.getUTCFullYear();
    if (y < 2000 || y > 2100) {
      ctx.addIssue({ code: 'custom', message: 'must be between 2000 and 2100' });
      return z.NEVER;
    }
    return d;
  });

/** A calendar day kept as its string (reports, rates). */
export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100;
  }, 'not a real date between 2000 and 2100');

export const text = (max: number) => z.string().trim().min(1).max(max);
export const page = z.coerce.number().int().min(1).max(10_000).default(1);
export const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A supplier code as people type it: `D12`, `001`, or tagged `D12 AUGI`. */
// Any form resolveSupplierCode takes: plain (D12), tagged (D12 AUGI, d12-augi, D12AUGI) or a
// former code of a merged supplier (which names the survivor).
export const supplierCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{2,12}([ -][A-Za-z0-9]{2,8})?$/, 'a supplier code such as D12, 001 or D12 AUGI');
export const money = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'a decimal amount such as 12.50');
export const month = z.string().regex(/^20\d\d-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

export const idParams = z.object({ id: objectId }).strict();
export const codeParams = z.object({ code: supplierCode }).strict();

/** The Idempotency-Key header: optional, 8–128 safe characters; a re-sent request with the same key does nothing twice. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\w.:-]{8,128}$/, '8–128 letters, digits, _ . : -')
    .optional(),
});

/** The supplier-list and inbox filters: each an equality on one supplier field. */
export const supplierFactsQuery = {
  region: z.string().trim().min(1).max(100).optional(),
  province: z.string().trim().min(1).max(100).optional(),
  category: z.string().trim().min(1).max(100).optional(),
  certification: z.string().trim().min(1).max(100).optional(),
  managerId: objectId.optional(),
  language: z.enum(['zh', 'en']).optional(),
};

/** An IANA time zone (`Asia/Shanghai`), as the runtime knows it. */
export const timezone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Asia/Shanghai');

/** A console password: 10–256 characters. */
export const password = z.string().min(10, 'at least 10 characters').max(256);

/** `:id` (an order) and `:milestone` (one of MILESTONES). */
export const milestoneParams = z.object({ id: objectId, milestone: z.enum(MILESTONES) }).strict();
