// Serves the built console (Vite output in server/console/dist) under /console/: hashed assets
// cached for a year, index.html never cached, the SPA's client-side routes answered with
// index.html, and / redirected to /console/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Next } from 'koa';
import serve from 'koa-static';
import { repoRoot } from '../../shared/paths.js';

export const CONSOLE_DIST = join(repoRoot, 'server', 'console', 'dist');

export function consoleStatic(dist = CONSOLE_DIST) {
  // Vite builds with base '/console/': assets live at /console/assets/… and on disk in dist/assets.
  const serveFiles = serve(dist, {
    index: false,
    maxage: 0,
    setHeaders(res, path) {
      res.setHeader('Cache-Control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const files = (ctx: Context, next: Next) => {
    const path = ctx.path;
    ctx.path = path.slice('/console'.length);
    return serveFiles(ctx, async () => {
      ctx.path = path;
      await next();
    });
  };
  let index: string | undefined;
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/') return ctx.redirect('/console/');
    if (ctx.path !== '/console' && !ctx.path.startsWith('/console/')) return next();
    if (ctx.path.startsWith('/console/assets/')) return files(ctx, next);
    // Every other GET under /console/ is a page of the single-page app.
    const file = join(dist, 'index.html');
    if (!existsSync(file)) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The web console is not built: run `npm run build:console` (npm ci does it).';
      return;
    }
    index ??= readFileSync(file, 'utf8');
    ctx.type = 'text/html';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = index;
  };
}
