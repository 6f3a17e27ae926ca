// Input schemas (zod, strict: unknown keys and operator-shaped values are refused before any
// query is built) and helpers to parse params, query and body.
import type { Context } from 'koa';
import { z } from 'zod';
import { ValidationError } from '../shared/errors/index.js';
import { zodDetails } from './errors.js';

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

export const text = (max: number) => z.string().trim().min(1).max(max);
export const page = z.coerce.number().int().min(1).max(10_000).default(1);

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new ValidationError('invalid input', zodDetails(r.error));
  return r.data;
}

export const body = <T extends z.ZodType>(ctx: Context, schema: T) => parse(schema, (ctx.request as { body?: unknown }).body);
export const query = <T extends z.ZodType>(ctx: Context, schema: T) => parse(schema, ctx.query);
export const params = <T extends z.ZodType>(ctx: Context, schema: T) => parse(schema, (ctx as unknown as { params: unknown }).params);

/** Idempotency-Key header: optional, 8–128 safe characters. */
export function idempotencyKey(ctx: Context): string | undefined {
  const k = ctx.get('Idempotency-Key');
  if (!k) return undefined;
  if (!/^[\w.:-]{8,128}$/.test(k)) throw new ValidationError('invalid Idempotency-Key', [{ field: 'Idempotency-Key', message: '8–128 letters, digits, _ . : -' }]);
  return k;
}
