// The hooks every console browser test repeats: one Chromium per file, a fresh console rig and
// page per test, and an exception in the page (a crashed render) fails the test that caused it.
import { expect } from 'chai';
import type { Browser, Dialog, Page } from 'playwright-core';
import { withTimeout } from './bot.js';
import { launchChromium } from './chromium.js';
import { startConsoleRig, type ConsoleRig } from './console.js';

export interface ConsoleBrowser {
  browser: Browser;
  rig: ConsoleRig;
  page: Page;
  pageErrors: string[];
}

/**
 * Registers the hooks in the calling `describe` and returns what they set: read `rig` and `page`
 * inside tests (or copy them in a later beforeEach). `dialogs`: confirmations are accepted.
 */
export function consoleBrowser(opts: { rig?: Parameters<typeof startConsoleRig>[0]; viewport?: { width: number; height: number }; dialogs?: boolean } = {}): ConsoleBrowser {
  const s = { pageErrors: [] as string[] } as ConsoleBrowser;
  before(async function () {
    this.timeout(180_000); // the first run unpacks the npm Chromium (a few seconds)
    s.browser = await withTimeout(launchChromium(), 150_000, 'chromium launch');
  });
  after(async () => {
    await withTimeout(s.browser?.close() ?? Promise.resolve(), 15_000, 'chromium close').catch(() => undefined);
  });
  beforeEach(async () => {
    s.rig = await withTimeout(startConsoleRig(opts.rig), 30_000, 'console rig');
    s.page = await s.browser.newPage({ viewport: opts.viewport ?? { width: 1360, height: 860 }, locale: 'en-US' });
    s.page.setDefaultTimeout(15_000);
    s.pageErrors.length = 0;
    s.page.on('pageerror', (err) => s.pageErrors.push(err.message));
    if (opts.dialogs) s.page.on('dialog', (d: Dialog) => void d.accept());
  });
  afterEach(async function () {
    await s.page?.close().catch(() => undefined);
    await s.rig?.stop();
    if (this.currentTest?.state === 'passed') expect(s.pageErrors, 'errors in the page').to.deep.equal([]);
  });
  return s;
}
