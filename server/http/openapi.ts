// The OpenAPI 3.1 document, generated from the route table (zod-openapi): parameters, bodies,
// every response a route can send (its own, plus those its inputs and access imply) and the
// security of each caller kind.
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { CSRF_HEADER, SESSION_COOKIE } from './access.js';
import { openApiPath, type AnyRoute } from './route.js';

export const errorBody = z
  .object({
    error: z.object({
      code: z
        .string()
        .meta({ description: 'validation_failed, unauthorized, forbidden, not_found, conflict, rate_limited, upstream_failed, unavailable, payload_too_large, method_not_allowed, internal' }),
      message: z.string(),
      details: z
        .array(z.object({ field: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'one entry per field in error' }),
      errorId: z.string().optional().meta({ description: 'for a 500: quote it to support; the log has the rest' }),
    }),
  })
  .meta({ id: 'Error' });

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input (details name each field)',
  401: 'No valid credentials',
  403: 'Caller kind not allowed here, CSRF token missing, or supplier not bound',
  404: 'Not found, or not visible to this caller',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported media type',
  429: 'Too many requests (Retry-After)',
  502: 'An outside service failed',
  503: 'Database or an outside service unavailable (Retry-After)',
};

/** Every status a route can answer with an error, derived from its declaration. */
export function errorStatuses(r: AnyRoute): number[] {
  const s = new Set<number>(r.errors ?? []);
  if (r.params || r.query || r.body || r.headers || r.upload) s.add(400);
  if (r.access !== 'public') {
    s.add(401);
    s.add(403);
  }
  if (r.params) s.add(404);
  if (r.body || r.upload) s.add(413);
  s.add(503);
  return [...s].sort();
}

const SAFE = new Set(['get']);

function security(r: AnyRoute): Record<string, string[]>[] {
  switch (r.access) {
    case 'public':
      return [];
    case 'supplier':
    case 'supplierLogin':
      return [{ supplierToken: [] }];
    case 'metrics':
      return [{ metricsToken: [] }];
    default:
      return SAFE.has(r.method) ? [{ managerToken: [] }, { consoleSession: [] }] : [{ managerToken: [] }, { consoleSession: [], csrfToken: [] }];
  }
}

const ACCESS_TEXT: Record<string, string> = {
  public: 'Anyone.',
  supplierLogin: 'A mini-program user (bound or not).',
  supplier: 'A mini-program user bound to a supplier; sees only that supplier.',
  manager: 'A manager; sees their suppliers (responsible or backup) unless they see all.',
  head: 'Head of purchasing or admin.',
  admin: 'Admin only.',
  metrics: 'A scraper with the METRICS_TOKEN bearer token; without METRICS_TOKEN configured: 404.',
};

export function buildOpenApi(routes: AnyRoute[], extraPaths: ZodOpenApiPathsObject = {}) {
  const paths: ZodOpenApiPathsObject = { ...extraPaths };
  for (const r of routes) {
    const responses: Record<string, any> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const content: Record<string, { schema: z.ZodType | { type: 'string'; format: 'binary' } }> = {};
      if (spec.schema) content['application/json'] = { schema: spec.schema };
      for (const t of spec.contentTypes ?? []) content[t] = { schema: { type: 'string', format: 'binary' } };
      responses[status] = { description: spec.description, ...(Object.keys(content).length ? { content } : {}) };
    }
    for (const status of errorStatuses(r)) {
      if (!responses[status]) responses[status] = { description: ERROR_TEXT[status] ?? 'Error', content: { 'application/json': { schema: errorBody } } };
    }
    const op: ZodOpenApiOperationObject = {
      operationId: `${r.method}${openApiPath(r.path)
        .replace(/[{}]/g, '')
        .replace(/(^|[/_-])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
      summary: r.summary,
      description: ACCESS_TEXT[r.access],
      tags: [r.tag],
      security: security(r),
      ...(r.params || r.query || r.headers ? { requestParams: { ...(r.params ? { path: r.params } : {}), ...(r.query ? { query: r.query } : {}), ...(r.headers ? { header: r.headers } : {}) } } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: r.body } } } } : {}),
      ...(r.upload
        ? {
            requestBody: {
              required: true,
              content: { 'multipart/form-data': { schema: z.object({ [r.upload.field]: z.string().meta({ format: 'binary', description: r.upload.description }) }) } },
            },
          }
        : {}),
      responses,
    };
    const p = openApiPath(r.path);
    paths[p] = { ...(paths[p] ?? {}), [r.method]: op };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: { title: 'Gendan API', version: '0.2.0', description: 'Supplier (mini-program), manager and web console endpoints of Gendan. Generated from the route table (server/routes).' },
      components: {
        securitySchemes: {
          supplierToken: { type: 'http', scheme: 'bearer', description: 'from POST /api/mp/login or /api/mp/bind' },
          managerToken: { type: 'http', scheme: 'bearer', description: 'manager token (scripts/issue-token.ts)' },
          consoleSession: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'web console session (POST /api/console/session)' },
          csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: "the session's CSRF token, on every state-changing console request" },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN (Prometheus scrapes of /metrics)' },
        },
      },
      paths,
    },
    { reused: 'inline' },
  );
}
