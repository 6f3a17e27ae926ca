// /metrics in Prometheus text (shared/metrics): on the main port behind METRICS_TOKEN (a bearer
// token), and/or on METRICS_PORT of its own bound to 127.0.0.1. Not a route() of the API: its
// answer is Prometheus text, its access a token of its own, and it is not in the OpenAPI document.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Config } from '../shared/config/index.js';
import { getBotHealth } from '../shared/health/index.js';
import { getLogger } from '../shared/log/index.js';
import { renderMetrics, setMetricSources } from '../shared/metrics/index.js';
import { Notice } from '../shared/notices/model.js';
import { Message } from '../shared/threads/model.js';
import type { TranslationService } from '../shared/translation/index.js';

const log = getLogger('metrics');

/** What the scrape reads from the database and the translation service. */
export function wireMetricSources(config: Config, translation?: Pick<TranslationService, 'providerStats'>): void {
  setMetricSources({
    translationQueue: () => Message.countDocuments({ translationStatus: 'pending' }),
    providerChars: () => translation?.providerStats?.() ?? [],
    notices: async () =>
      (await Notice.aggregate<{ _id: { kind: string; status: string }; n: number }>([{ $group: { _id: { kind: '$kind', status: '$status' }, n: { $sum: 1 } } }])).map((r) => ({
        kind: String(r._id.kind),
        status: String(r._id.status),
        n: r.n,
      })),
    botState: async () => (await getBotHealth(config.bot.name)).state,
  });
}

const sameToken = (given: string, want: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** GET /metrics on the main port, only when METRICS_TOKEN is set, only with it. */
export function metricsMiddleware(config: Config): Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/metrics' || !config.metrics.token) return next();
    const auth = ctx.get('Authorization');
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), config.metrics.token)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: { code: 'unauthorized', message: 'metrics need the METRICS_TOKEN bearer token' } };
      return;
    }
    const m = await renderMetrics();
    ctx.type = m.contentType;
    ctx.body = m.body;
  };
}

/** /metrics on a port of its own (127.0.0.1), when METRICS_PORT is set. */
export async function startMetricsServer(config: Config): Promise<Server | undefined> {
  if (!config.metrics.port) return undefined;
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    renderMetrics().then(
      (m) => res.writeHead(200, { 'Content-Type': m.contentType }).end(m.body),
      (err) => {
        log.warn({ err: (err as Error).message }, 'metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  server.listen(config.metrics.port, '127.0.0.1');
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  log.info({ port: config.metrics.port }, 'metrics on 127.0.0.1');
  return server;
}
