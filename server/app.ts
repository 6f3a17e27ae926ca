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
import { dbHealthy, getBotHealth } from '../shared/health/index.js';
import { createLiveHub, type LiveHub } from '../shared/live/index.js';
import { getLogger } from '../shared/log/index.js';
import { createTranslationService, type TranslationService } from '../shared/translation/index.js';
import type { AppState } from './auth.js';
import { errorMiddleware } from './errors.js';
import { openApiDocument } from './openapi.js';
import { consoleRoutes } from './console/api.js';
import { consoleStatic } from './console/static.js';
import { managerRoutes } from './routes/manager.js';
import { performanceRoutes } from './routes/performance.js';
import { reportRoutes } from './routes/reports.js';
import { claimRoutes } from './routes/claims.js';
import { mpRoutes } from './routes/mp.js';

const log = getLogger('http');

export interface AppOptions {
  config: Config;
  wechatAuth?: WechatAuth;
  clock?: () => Date;
  /** For console replies, previews and corrections; default: one built from config. */
  translation?: TranslationService;
  /** Live updates of the console; default: a hub polling the database. */
  live?: LiveHub;
}

export function createApp(opts: AppOptions): Koa<AppState> {
  const { config } = opts;
  const clock = opts.clock ?? (() => new Date());
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
  app.use(koaBody({ jsonLimit: '1mb', json: true, urlencoded: false, text: false, multipart: false, jsonStrict: true }));

  const base = new Router<AppState>();
  base.get('/healthz', async (ctx) => {
    const db = await dbHealthy();
    const bot = db ? await getBotHealth(config.bot.name).catch(() => undefined) : undefined;
    ctx.status = db ? 200 : 503;
    ctx.body = { status: db ? 'ok' : 'degraded', db: db ? 'up' : 'down', bot: bot ?? { state: 'unknown' } };
  });
  base.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument();
  });

  const wechatAuth = opts.wechatAuth ?? createWechatAuth(config);
  const translation = opts.translation ?? createTranslationService({ config });
  const live = opts.live ?? createLiveHub();
  for (const r of [base, consoleRoutes({ config, clock, translation, live }), ...claimRoutes(config, translation, clock), mpRoutes(config, wechatAuth, clock), performanceRoutes(config, clock), reportRoutes(config, clock), managerRoutes(config, clock)]) {
    app.use(r.routes());
    app.use(r.allowedMethods());
  }
  return app;
}
