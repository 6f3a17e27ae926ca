// Chromium for the browser tests with no system package: the headless shell that the npm package
// @sparticuz/chromium ships brotli-compressed, unpacked once per version into .cache/ (not /tmp,
// where the package would put it: a half-written /tmp/chromium left by a killed run, or one of
// another version from another checkout, would be taken as ready). It brings its own NSS
// libraries (the al2023 archive) and a Latin font (Open Sans, with a fontconfig file of ours), so
// it starts on a bare Debian; the console brings its own Chinese web font. CHROMIUM_PATH points
// the tests at another Chromium (e.g. Debian's /usr/bin/chromium) instead.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));

// As root, with this workplace's closed network: without the background-networking flags Chromium
// keeps trying Google's hosts at every start (seen on these machines, 2026-11).
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-zygote',
];

/** An error that mocha prints as its message alone: the fix, not a stack trace. */
export function plainError(message: string): Error {
  const err = new Error(message);
  err.stack = `Error: ${message}`;
  return err;
}

export interface ChromiumBinary {
  executablePath: string;
  env: Record<string, string>;
  source: string;
}

/** The npm Chromium, unpacked into .cache/chromium-VERSION on first use (about 3 s). */
export function npmChromium(): ChromiumBinary {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = join(dirname(require.resolve('@sparticuz/chromium')), '..');
  } catch {
    throw plainError('Chromium for the browser tests: the npm package @sparticuz/chromium is not installed; run npm ci, or set CHROMIUM_PATH to a Chromium executable');
  }
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(root, '.cache', `chromium-${version}`);
  if (!existsSync(join(dir, 'chromium'))) unpack(dir);
  const libs = join(dir, 'al2023', 'lib');
  return {
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), FONTCONFIG_PATH: join(dir, 'fonts') },
    source: `@sparticuz/chromium ${version}`,
  };
}

function unpack(dir: string) {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    // The package unpacks into os.tmpdir(); a child with its own TMPDIR keeps that in .cache.
    const script = `
      import Chromium, { inflate } from '@sparticuz/chromium';
      import { createRequire } from 'node:module';
      import { dirname, join } from 'node:path';
      await Chromium.executablePath();
      await inflate(join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin', 'al2023.tar.br'));`;
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env: { ...process.env, TMPDIR: staging }, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    // The package's fonts.conf names /tmp/fonts; ours names where the fonts are.
    writeFileSync(
      join(staging, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (err) {
      // Another run unpacked the same version meanwhile: use that one.
      if (!existsSync(join(dir, 'chromium'))) throw err;
    }
  } catch (err) {
    const e = err as Error & { stderr?: Buffer };
    const why = (e.stderr?.toString().trim().split('\n').pop() || e.message).slice(0, 300);
    throw plainError(`Chromium for the browser tests: could not unpack @sparticuz/chromium into ${dir} (${why}); set CHROMIUM_PATH to a Chromium executable`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** CHROMIUM_PATH when set, else the npm Chromium; started headless with the flags above. A
 * Chromium that is missing or does not start fails with the message of what to set. */
export async function launchChromium(chromiumPath: string | undefined = process.env.CHROMIUM_PATH): Promise<Browser> {
  let bin: ChromiumBinary;
  if (chromiumPath) {
    try {
      accessSync(chromiumPath, constants.X_OK);
    } catch {
      throw plainError(`CHROMIUM_PATH=${chromiumPath} is not an executable file; point it at a Chromium, or unset it to use the one npm ci installs (@sparticuz/chromium)`);
    }
    bin = { executablePath: chromiumPath, env: {}, source: `CHROMIUM_PATH=${chromiumPath}` };
  } else bin = npmChromium();
  try {
    return await chromium.launch({ executablePath: bin.executablePath, headless: true, args: ARGS, env: { ...process.env, ...bin.env } as Record<string, string>, timeout: 60_000 });
  } catch (err) {
    const why = (err as Error).message
      .split('\n')
      .filter((l) => l.trim() && !l.includes('Call log'))
      .slice(0, 3)
      .join(' | ')
      .slice(0, 400);
    const fix = chromiumPath
      ? 'point CHROMIUM_PATH at a working Chromium, or unset it to use the one npm ci installs (@sparticuz/chromium)'
      : "set CHROMIUM_PATH to a working Chromium (e.g. Debian's /usr/bin/chromium)";
    throw plainError(`Chromium did not start (${bin.source}): ${why}; ${fix}`);
  }
}
