// Starts the HTTP server; returns a handle that closes it (bounded).
import type { Server } from 'node:http';
import type { Config } from '../shared/config/index.js';
import { getLogger } from '../shared/log/index.js';
import { createApp, type AppOptions } from './app.js';
import { startMetricsServer } from './metrics.js';

export { createApp, type AppOptions } from './app.js';

const log = getLogger('server');

export async function startServer(config: Config, opts: Partial<AppOptions> = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = createApp({ config, ...opts });
  const server = app.listen(config.server.port, config.server.host);
  await new Promise<void>((ok, fail) => {
    server.once('listening', ok);
    server.once('error', fail);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  const addr = server.address() as { port: number };
  const url = `http://${config.server.host}:${addr.port}`;
  log.info({ url }, 'HTTP server listening');
  const metricsServer = await startMetricsServer(config);
  return {
    server,
    url,
    close: () =>
      new Promise<void>((ok) => {
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        const t = setTimeout(() => {
          server.closeAllConnections();
          ok();
        }, 5000);
        server.close(() => {
          clearTimeout(t);
          ok();
        });
        server.closeIdleConnections();
      }),
  };
}
