// Where the project lives on disk: the folder of its package.json, found upwards from this
// module — the same from the sources (run with tsx) and from the built bundle
// (.cache/build/start.mjs, see scripts/build-server.mjs), so files beside the code (the console's
// build, the engine binary, data folders) are found the same way in both.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'gendan') return dir;
    if (dirname(dir) === dir) throw new Error(`gendan: no package.json of gendan above ${from}`);
  }
}

/** The project's folder (where package.json is). */
export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
