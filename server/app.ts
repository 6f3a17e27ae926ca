// The Koa app: request ids, security headers, body limits, CORS for the console only, one error
// middleware, and the routes. Tests use app.callback() with supertest.
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import Router from '@koa/router';
import cors from '@koa/cors';
import helmet from 'koa-helmet';
import { koaBody } from 'koa-body';
import type { Config } from '../shared/config/index.js';
import { createWechatAuth, type WechatAuth } from '../shared/auth/index.js';
import { createLiveHub, type LiveHub } from '../shared/live/index.js';
import { getLogger } from '../shared/log/index.js';
import { storageFromConfig, type FileStorage } from '../shared/storage/index.js';
import { createTranslationService, type TranslationService } from '../shared/translation/index.js';
import { consoleStatic } from './console/static.js';
import { errorMiddleware } from './errors.js';
import { accessCheck, type AppState } from './http/access.js';
import { apiDocs } from './http/docs.js';
import { buildOpenApi } from './http/openapi.js';
import { handlerOf, inputCheck, type AnyRoute, type HandlerOptions, type RouteDeps } from './http/route.js';
import { routeTable } from './routes/index.js';
import { wireMetricSources } from './metrics.js';
import { metrics } from '../shared/metrics/index.js';

const log = getLogger('http');

export interface AppOptions {
  config: Config;
  wechatAuth?: WechatAuth;
  clock?: () => Date;
  /** For console replies, previews and corrections; default: one built from config. */
  translation?: TranslationService;
  /** Live updates of the console; default: a hub polling the database. */
  live?: LiveHub;
  /** Where photos and chat media are kept; default: the configured store (shared/storage). */
  storage?: FileStorage;
  /** Check every JSON response against the route table (default: in tests). */
  checkResponses?: boolean;
}

/** Methods the router knows: any other on a known path is 405 with Allow, never 501. */
const KNOWN_METHODS = ['HEAD', 'OPTIONS', 'GET', 'PUT', 'PATCH', 'POST', 'DELETE', 'TRACE', 'CONNECT'];

/** The route table of an app built from these options (for the OpenAPI document and tests). */
export function appRoutes(opts: AppOptions): AnyRoute[] {
  return routeTable(depsOf(opts), () => undefined);
}

function depsOf(opts: AppOptions): RouteDeps {
  const { config } = opts;
  return {
    config,
    clock: opts.clock ?? (() => new Date()),
    wechatAuth: opts.wechatAuth ?? createWechatAuth(config),
    translation: opts.translation ?? createTranslationService({ config }),
    live: opts.live ?? createLiveHub(),
    storage: opts.storage ?? storageFromConfig(config),
  };
}

/** Mount a route table on a router: access check, inputs, the route's own middleware, handler. */
export function mountRoutes(router: Router<AppState>, config: Config, routes: AnyRoute[], opts: HandlerOptions): void {
  for (const r of routes) {
    router[r.method](r.path, accessCheck(config, r.access), inputCheck(r), ...(r.before ?? []), handlerOf(r, opts));
  }
}

export function createApp(opts: AppOptions): Koa<AppState> {
  const { config } = opts;
  const app = new Koa<AppState>({ proxy: config.server.trustProxy });
  app.silent = true; // errors are logged by errorMiddleware

  app.use(async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    ctx.state.requestId = /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    const t = performance.now();
    await next();
    log.debug({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - t) }, 'request');
  });
  // HTTP latency per route (the router's pattern, never the raw path: ids would explode the labels).
  app.use(async (ctx, next) => {
    const end = metrics.http.startTimer();
    try {
      await next();
    } finally {
      end({ method: ctx.method, route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched', status: String(ctx.status) });
    }
  });
  app.use(errorMiddleware);
  // No upgrade-insecure-requests: a console on plain http inside an office network must load.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  if (config.server.consoleOrigin) {
    const origin = config.server.consoleOrigin;
    // CORS only for the web console's origin, and only on the manager API.
    const c = cors({ origin: (ctx) => (ctx.get('Origin') === origin ? origin : ''), credentials: true });
    app.use(async (ctx, next) => (ctx.path.startsWith('/api/') && !ctx.path.startsWith('/api/mp/') ? c(ctx, next) : next()));
  }
  app.use(consoleStatic());
  app.use(apiDocs());
  app.use(koaBody({ jsonLimit: '1mb', json: true, urlencoded: false, text: false, multipart: false, jsonStrict: true }));

  const deps = depsOf(opts);
  wireMetricSources(config, deps.translation);
  let doc: unknown;
  const routes = routeTable(deps, () => (doc ??= buildOpenApi(routes)));
  const router = new Router<AppState>({ methods: KNOWN_METHODS });
  const checkResponses = opts.checkResponses ?? config.env === 'test';
  mountRoutes(router, config, routes, {
    checkResponses,
    onResponseMismatch: (r, status, issues) => {
      log.error({ route: `${r.method.toUpperCase()} ${r.path}`, status, issues }, 'response does not match the route table');
      throw new Error(`response of ${r.method.toUpperCase()} ${r.path} (${status}) does not match its declaration: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    },
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
