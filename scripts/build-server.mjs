#!/usr/bin/env node
// Builds the product's process (scripts/start.ts and everything it imports from bot/, server/ and
// shared/) into one ES module, .cache/build/start.mjs, with esbuild: packages stay in
// node_modules (imported at run time), the project's TypeScript becomes JavaScript. `npm start`
// runs the bundle with plain Node: no TypeScript loader in the running process (tsx's loader
// thread costs ~45 MB of RSS; README "Memory"). About half a second; run by `npm start` and the
// start:* scripts every time. Benchmarks bundle their child processes the same way (`bundle`).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUILD_DIR = join(root, '.cache', 'build');

/** Worker threads the code starts (each its own entry; shared/orders/xlsx-read.ts finds it in .cache/build). */
const WORKERS = { 'xlsx-worker': join(root, 'shared', 'orders', 'xlsx-worker.ts') };

/** Bundle one TypeScript entry into .cache/build/<name>.mjs (inside the project, so packages and repoRoot resolve), the workers beside it; returns its path. */
export async function bundle(entry, name) {
  let build;
  try {
    ({ build } = await import('esbuild'));
  } catch {
    throw new Error('esbuild is not installed (npm ci installs it; --omit=dev leaves it out)');
  }
  const result = await build({
    write: false, // written below, each file renamed into place: a process starting beside the build never loads half a file
    entryPoints: { [name]: entry, ...WORKERS },
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external', // node_modules are imported as they are
    sourcemap: true, // stack traces name the .ts files (node --enable-source-maps) …
    sourcesContent: false, // … which needs the mappings only (the map a third the size, less memory)
    keepNames: true, // as tsx runs the sources: functions and classes keep their names
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
  mkdirSync(BUILD_DIR, { recursive: true });
  for (const f of result.outputFiles) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return join(BUILD_DIR, `${name}.mjs`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await bundle(join(root, 'scripts', 'start.ts'), 'start');
  } catch (err) {
    console.error(`gendan: building the server failed: ${err.message}`);
    process.exit(1);
  }
}
