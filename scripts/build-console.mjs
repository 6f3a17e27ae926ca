#!/usr/bin/env node
// Builds the web console (server/console/web, Vite + React) into server/console/dist when it is
// missing or its sources changed (hash of the sources and the lockfile). Run by `npm ci`
// (postinstall), `npm start` and `npm test`; `npm run build:console` forces nothing more.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'server', 'console', 'web');
const dist = join(root, 'server', 'console', 'dist');
const stamp = join(dist, '.source.sha256');

function walk(dir, out = []) {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function sourceHash() {
  const h = createHash('sha256');
  for (const f of walk(web)) h.update(relative(root, f)).update('\0').update(readFileSync(f));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  return h.digest('hex');
}

const want = sourceHash();
if (existsSync(join(dist, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('gendan: vite is not installed (npm ci --omit=dev?), so the web console cannot be built; the API works without it.');
  process.exit(0);
}
const started = Date.now();
console.error('gendan: building the web console …');
await vite.build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
writeFileSync(stamp, want + '\n');
console.error(`gendan: web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
