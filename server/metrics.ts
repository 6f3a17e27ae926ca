// /metrics in Prometheus text (shared/metrics): on the main port it is a route of the table
// (server/routes/metrics.ts, access `metrics`: the METRICS_TOKEN bearer token); here, what the
// scrape reads, and METRICS_PORT: a port of its own bound to 127.0.0.1, without a token.
import { createServer, type Server } from 'node:http';
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
