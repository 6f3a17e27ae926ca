// Starting the browser for the browser tests: a CHROMIUM_PATH that is missing or is no Chromium
// fails with one line saying what to set, not a stack trace.
import { expect } from 'chai';
import { launchChromium } from '../support/chromium.js';

describe('browser tests: starting Chromium', function () {
  this.timeout(60_000);

  const failure = (path: string) =>
    launchChromium(path).then(
      (b) => b.close().then(() => expect.fail('started')),
      (e: Error) => e,
    );

  it('a CHROMIUM_PATH that does not exist names the variable and the way out', async () => {
    const err = await failure('/nonexistent/chromium');
    expect(err.message).to.equal('CHROMIUM_PATH=/nonexistent/chromium is not an executable file; point it at a Chromium, or unset it to use the one npm ci installs (@sparticuz/chromium)');
    expect(err.stack).to.equal(`Error: ${err.message}`);
  });

  it('a CHROMIUM_PATH that does not start as a browser names the variable', async () => {
    const err = await failure('/bin/false');
    expect(err.message).to.match(/^Chromium did not start \(CHROMIUM_PATH=\/bin\/false\): .+; point CHROMIUM_PATH at a working Chromium, or unset it/);
    expect(err.stack).to.equal(`Error: ${err.message}`);
  });
});
