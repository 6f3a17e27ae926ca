#!/usr/bin/env node
// Builds the embedded database engine (shared/db/engine, FerretDB v1 + the one-request front)
// into .cache/engine/ when it is missing or its sources changed. Run by `npm ci` (postinstall,
// with --if-go: no Go means a warning, since MONGODB_URI can replace the engine), by `npm test`
// and by `npm start`.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'shared', 'db', 'engine');
const outDir = join(root, '.cache', 'engine');
const bin = join(outDir, 'gendan-dbengine');
const stamp = join(outDir, 'source.sha256');
const ifGo = process.argv.includes('--if-go');

function sourceHash() {
  const h = createHash('sha256');
  for (const f of readdirSync(src)
    .filter((f) => /\.(go|mod|sum)$/.test(f))
    .sort()) {
    h.update(f)
      .update('\0')
      .update(readFileSync(join(src, f)));
  }
  return h.digest('hex');
}

const want = sourceHash();
if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) {
  process.exit(0);
}

if (process.env.MONGODB_URI && ifGo) process.exit(0);

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.error || go.status !== 0) {
  const msg =
    'gendan: Go is not installed, so the embedded database engine cannot be built.\n' +
    '  Install Go 1.24+ (https://go.dev/dl) and run `npm run build:engine`,\n' +
    '  or set MONGODB_URI to a MongoDB server.';
  console.error(msg);
  process.exit(ifGo ? 0 : 1);
}

mkdirSync(outDir, { recursive: true });
const started = Date.now();
console.error(`gendan: building the embedded database engine (${go.stdout.trim()}) …`);
const tmp = `${bin}.tmp-${process.pid}`;
const r = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], {
  cwd: src,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, GOFLAGS: [process.env.GOFLAGS, '-mod=readonly'].filter(Boolean).join(' ') },
});
if (r.status !== 0) {
  console.error('gendan: building the engine failed (see above). With no engine, set MONGODB_URI.');
  process.exit(1);
}
renameSync(tmp, bin);
writeFileSync(stamp, want + '\n');
console.error(`gendan: engine built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${bin}`);
