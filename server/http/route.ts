// One declaration per route: method, path, who may call it, zod schemas for params, query,
// headers, body and every response, and the handler. From the table come the request
// validation, the access check, the OpenAPI document (server/http/openapi.ts), the test matrix
// (test/integration/access-matrix.test.ts) and the types the console and mini-program import.
import type { Context, Middleware, Next } from 'koa';
import { z } from 'zod';
import type { ManagerViewer, SupplierViewer } from '../../shared/access/index.js';
import type { Principal } from '../../shared/auth/index.js';
import { msg, ValidationError, type FieldIssue } from '../../shared/errors/index.js';
import { zodIssue } from '../errors.js';

/**
 * Who may call a route:
 * - `public`: anyone;
 * - `supplierLogin`: a mini-program token, bound to a supplier or not (binding itself);
 * - `supplier`: a mini-program token bound to a supplier: sees only that supplier's records;
 * - `manager`: a manager (bearer token or console cookie + CSRF on writes), scoped by
 *   shared/access to their suppliers unless they see all;
 * - `head`: head of purchasing or admin; `admin`: admin only;
 * - `metrics`: a scraper with the METRICS_TOKEN bearer token (no token configured: 404).
 */
export const ACCESS = ['public', 'supplierLogin', 'supplier', 'manager', 'head', 'admin', 'metrics'] as const;
export type Access = (typeof ACCESS)[number];
export const MANAGER_ACCESS: readonly Access[] = ['manager', 'head', 'admin'];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A response: a JSON schema, or a binary/text body of the given content types. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON bodies (files, event streams, images): their content types. */
  contentTypes?: string[];
}

type Shape = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<P extends Shape | undefined, Q extends Shape | undefined, H extends Shape | undefined, B extends z.ZodType | undefined> {
  method: Method;
  /** Koa style: `/api/orders/:id`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  headers?: H;
  body?: B;
  /** A multipart upload (one file in `field`), read by the route's own middleware. */
  upload?: { field: string; description: string };
  /** Success responses by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses beyond those the table derives (400 from inputs, 401/403 from access, 404 from params, 413 from bodies, 503 always). */
  errors?: number[];
  /** Runs after the access check and before the handler (rate limits, uploads). */
  before?: Middleware[];
  handle: (req: Req<P, Q, H, B>, ctx: Context) => Promise<unknown>;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface Req<P, Q, H, B> {
  params: Out<P>;
  query: Out<Q>;
  headers: Out<H>;
  body: Out<B>;
  /** The caller, as the route's access allows: a manager or a supplier viewer (or none when public). */
  viewer: ManagerViewer | SupplierViewer | undefined;
  /** A supplier token that may not be bound yet (`supplierLogin`). */
  principal: Extract<Principal, { role: 'supplier' }> | undefined;
}

/** A reply with a status other than the route's first success status. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}

// The route table is heterogeneous; handlers are typed where they are declared.
export type AnyRoute = RouteSpec<any, any, any, any>;

export function route<P extends Shape | undefined = undefined, Q extends Shape | undefined = undefined, H extends Shape | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, H, B>,
): AnyRoute {
  return spec as AnyRoute;
}

/** Field-level details: the field's own path (`lines.0.qty`), or the part (`body`) when the whole is wrong. */
export function issuesOf(err: z.ZodError, where: string): FieldIssue[] {
  return err.issues.map((i) => zodIssue(i, where));
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new ValidationError(msg('invalidPart', { where }), issuesOf(r.error, where));
  return r.data;
}

/** The first 2xx status a route declares: what it answers unless it says otherwise. */
export const successStatus = (r: AnyRoute): number => Number(Object.keys(r.responses).find((s) => Number(s) < 300) ?? 200);

/** Express-style path to OpenAPI's: `/orders/:id` → `/orders/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

export interface HandlerOptions {
  /** Check each JSON response against its declared schema (tests): a drift is a 500 with the reason logged. */
  checkResponses?: boolean;
  onResponseMismatch?: (route: AnyRoute, status: number, issues: FieldIssue[]) => void;
}

/** Params, query and headers are checked before anything else runs (uploads included). */
export function inputCheck(r: AnyRoute): Middleware {
  return async (ctx: Context, next: Next) => {
    ctx.state.input = {
      params: parsePart(r.params, (ctx as unknown as { params: unknown }).params, 'params'),
      query: parsePart(r.query, ctx.query, 'query'),
      headers: parsePart(r.headers, ctx.headers, 'headers'),
    };
    await next();
  };
}

/** The body check, the handler and the response check of one route (access and inputCheck ran before). */
export function handlerOf(r: AnyRoute, opts: HandlerOptions): Middleware {
  return async (ctx: Context, _next: Next) => {
    const state = ctx.state as { viewer?: ManagerViewer | SupplierViewer; principal?: Extract<Principal, { role: 'supplier' }>; input: { params: unknown; query: unknown; headers: unknown } };
    const req = {
      ...state.input,
      body: r.body ? parsePart(r.body, (ctx.request as { body?: unknown }).body, 'body') : undefined,
      viewer: state.viewer,
      principal: state.principal,
    };
    const out = await r.handle(req as Req<unknown, unknown, unknown, unknown>, ctx);
    if (out instanceof Reply) {
      ctx.status = out.status;
      if (out.body !== undefined) ctx.body = out.body;
    } else if (out !== undefined) {
      ctx.status = successStatus(r);
      ctx.body = out;
    } else if (ctx.body === undefined || ctx.body === null) {
      ctx.status = successStatus(r);
    }
    if (opts.checkResponses) {
      const spec = r.responses[ctx.status];
      if (!spec) {
        opts.onResponseMismatch?.(r, ctx.status, [{ field: 'status', message: `status ${ctx.status} is not declared` }]);
      } else if (spec.schema && ctx.body !== undefined && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body) && typeof (ctx.body as { pipe?: unknown }).pipe !== 'function') {
        const c = spec.schema.safeParse(ctx.body);
        if (!c.success) opts.onResponseMismatch?.(r, ctx.status, issuesOf(c.error, 'response'));
      }
    }
  };
}

/** What route handlers are built from (the composition root's parts). */
export interface RouteDeps {
  config: import('../../shared/config/index.js').Config;
  clock: () => Date;
  translation: import('../../shared/translation/index.js').TranslationService;
  live: import('../../shared/live/index.js').LiveHub;
  wechatAuth: import('../../shared/auth/index.js').WechatAuth;
  storage: import('../../shared/storage/index.js').FileStorage;
}

/** The manager viewer of a manager route (the access check has put it there). */
export function managerOf(req: { viewer: unknown }): ManagerViewer {
  const v = req.viewer as ManagerViewer | undefined;
  if (!v || v.kind !== 'manager') throw new Error('route declared for managers has no manager viewer');
  return v;
}

/** The supplier viewer of a supplier route. */
export function supplierOf(req: { viewer: unknown }): SupplierViewer {
  const v = req.viewer as SupplierViewer | undefined;
  if (!v || v.kind !== 'supplier') throw new Error('route declared for suppliers has no supplier viewer');
  return v;
}
