// The route table: every HTTP route of the API, each declared once (server/http/route.ts).
import { z } from 'zod';
import { dbHealthy, getBotHealth, openSystemAlerts } from '../../shared/health/index.js';
import { consoleRoutes } from '../console/api.js';
import { Reply, route, type AnyRoute, type RouteDeps } from '../http/route.js';
import { claimRoutes } from './claims.js';
import { factRoutes } from './facts.js';
import { dayOneRoutes } from './dayone.js';
import { managerRoutes } from './manager.js';
import { metricsRoutes } from './metrics.js';
import { mpRoutes } from './mp.js';
import { orderInRoutes } from './orders.js';
import { performanceRoutes } from './performance.js';
import { reportRoutes } from './reports.js';

export function baseRoutes({ config }: RouteDeps, openApi: () => unknown): AnyRoute[] {
  const health = z.object({
    status: z.enum(['ok', 'degraded']),
    db: z.enum(['up', 'down']),
    bot: z.object({ state: z.string() }).loose(),
    alerts: z.array(z.object({ key: z.string(), kind: z.string(), text: z.string(), since: z.string() })),
  });
  return [
    route({
      method: 'get',
      path: '/healthz',
      tag: 'health',
      access: 'public',
      summary: 'Database and bot state',
      responses: { 200: { description: 'Healthy', schema: health }, 503: { description: 'The database is down', schema: health } },
      handle: async () => {
        const db = await dbHealthy();
        const bot = db ? await getBotHealth(config.bot.name).catch(() => undefined) : undefined;
        const alerts = openSystemAlerts().map((a) => ({ key: a.key, kind: a.kind, text: a.text, since: a.since.toISOString() }));
        return new Reply(db && !alerts.length ? 200 : 503, { status: db && !alerts.length ? 'ok' : 'degraded', db: db ? 'up' : 'down', bot: bot ?? { state: 'unknown' }, alerts });
      },
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      tag: 'health',
      access: 'public',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
      handle: async () => openApi(),
    }),
    ...metricsRoutes(),
  ];
}

/** Every route of the app, in the order they are matched. */
export function routeTable(deps: RouteDeps, openApi: () => unknown): AnyRoute[] {
  return [
    ...baseRoutes(deps, openApi),
    ...consoleRoutes(deps),
    ...claimRoutes(deps),
    ...factRoutes(deps),
    ...mpRoutes(deps),
    ...performanceRoutes(deps),
    ...reportRoutes(deps),
    ...orderInRoutes(deps),
    ...managerRoutes(deps),
    ...dayOneRoutes(deps),
  ];
}
