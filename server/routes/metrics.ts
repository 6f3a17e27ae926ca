// GET /metrics on the main port: Prometheus text (shared/metrics) for a scraper with the
// METRICS_TOKEN bearer token (access `metrics`, server/http/access.ts); without the token
// configured it is 404 here. METRICS_PORT serves the same text on 127.0.0.1 (server/metrics.ts).
import { renderMetrics } from '../../shared/metrics/index.js';
import { route, type AnyRoute } from '../http/route.js';

export function metricsRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/metrics',
      tag: 'health',
      access: 'metrics',
      summary: 'Prometheus metrics (text exposition format)',
      responses: { 200: { description: 'Prometheus text: messages, translation, outbox, notices, HTTP and database latency, bot, scheduler', contentTypes: ['text/plain'] } },
      errors: [404],
      handle: async (_req, ctx) => {
        const m = await renderMetrics();
        ctx.type = m.contentType;
        ctx.body = m.body;
      },
    }),
  ];
}
