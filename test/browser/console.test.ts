// The web console in a real browser (playwright-core driving Debian's chromium) against the real
// server, bot (mock puppet), translation fake and database: sign in, read a thread with its
// translation, correct it, reply (the mock puppet receives the Chinese), see the status turn
// sent, and a new supplier message appear live. SCREENSHOTS=1 writes docs/screenshots/*.png.
import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Message } from '../../shared/threads/index.js';
import { waitForMessages, withTimeout, until } from '../support/bot.js';
import { ADMIN, startConsoleRig, supplierSays, type ConsoleRig } from '../support/console.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('web console in a browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  let rig: ConsoleRig;
  let page: Page;
  let pageErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
    browser = await withTimeout(chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] }), 30_000, 'chromium launch');
  });
  after(async () => {
    await withTimeout(browser?.close() ?? Promise.resolve(), 15_000, 'chromium close').catch(() => undefined);
  });
  beforeEach(async () => {
    rig = await withTimeout(startConsoleRig(), 30_000, 'console rig');
    page = await browser.newPage({ viewport: { width: 1360, height: 860 }, locale: 'en-US' });
    page.setDefaultTimeout(15_000);
    pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });
  afterEach(async function () {
    await page?.close().catch(() => undefined);
    await rig?.stop();
    // An exception in the page (a crashed render) fails the test that caused it.
    if (this.currentTest?.state === 'passed') expect(pageErrors, 'errors in the page').to.deep.equal([]);
  });

  async function signIn(password = ADMIN.password) {
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(ADMIN.login);
    await page.getByTestId('password').fill(password);
    await page.getByTestId('sign-in').click();
  }

  it('a wrong password shows the error and no inbox', async () => {
    await signIn('not-the-password');
    await expect(await page.getByTestId('login-error').textContent()).to.match(/wrong login or password/);
    expect(await page.getByTestId('inbox').count()).to.equal(0);
  });

  it('sign in → thread with translation → correct it → reply in English, the supplier gets Chinese, status sent → a new message arrives live', async () => {
    const thread = await supplierSays(rig, 0, '你好，样品已经寄出了');
    await supplierSays(rig, 1, '请确认付款时间');
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 2);
    await signIn();
    await page.getByTestId('inbox-row').first().waitFor();
    expect(await page.getByTestId('inbox-row').count()).to.equal(2);
    expect(await page.getByTestId('unread').count()).to.equal(2);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/inbox.png' });

    await page.getByTestId('inbox-row').last().click(); // the older thread: supplier 0
    await page.getByTestId('thread-title').waitFor();
    const original = page.getByTestId('original').filter({ hasText: '你好，样品已经寄出了' });
    await original.waitFor();
    const card = page.getByTestId('message').filter({ has: original });
    expect(await card.getByTestId('translation').textContent()).to.equal('〔en〕你好，样品已经寄出了');

    await card.getByTestId('correct').click();
    await card.getByTestId('correction').fill('Hello, the samples have been sent');
    await card.getByTestId('save-correction').click();
    await until('corrected on screen', async () => (await card.getByTestId('translation').textContent()) === 'Hello, the samples have been sent');
    const stored = (await Message.findOne({ text: '你好，样品已经寄出了' }).lean())!;
    expect((stored.translations as unknown as Record<string, { source: string; text: string }>).en).to.include({ source: 'correction', text: 'Hello, the samples have been sent' });

    await page.getByTestId('reply').fill('We will pay on Friday');
    await until('chinese preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕We will pay on Friday');
    await page.getByTestId('send').click();
    // The mock puppet receives the Chinese text in the supplier's chat (mirrored as our message).
    await waitForMessages({ direction: 'out', text: '〔zh〕We will pay on Friday', threadId: thread._id }, 1, 15_000);
    // Its status: on the queued item until the mirror shows the sent message, then on that message.
    const sentCard = page.getByTestId('message').filter({ has: page.getByTestId('original').filter({ hasText: '〔zh〕We will pay on Friday' }) });
    const outboxItem = page.getByTestId('outbox-item').filter({ hasText: '〔zh〕We will pay on Friday' });
    await until('status sent', async () => {
      if ((await sentCard.count()) && (await sentCard.first().getByTestId('message-status').textContent()) === 'sent') return true;
      if ((await outboxItem.count()) && (await outboxItem.first().getByTestId('outbox-status').textContent()) === 'sent') return true;
      return undefined;
    });
    if (await sentCard.count()) expect(await sentCard.first().getByTestId('translation').textContent()).to.equal('We will pay on Friday');
    expect(await page.getByTestId('reply').inputValue()).to.equal('');

    // A new supplier message appears without a reload.
    const url = page.url();
    rig.bot.sb.say(0, '明天发货，请注意查收');
    await page.getByTestId('original').filter({ hasText: '明天发货，请注意查收' }).waitFor({ timeout: 10_000 });
    expect(page.url()).to.equal(url);
    await until('its translation, live', async () => ((await page.getByTestId('translation').allTextContents()).includes('〔en〕明天发货，请注意查收') ? true : undefined));
    if (process.env.SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/thread.png', fullPage: false });
  });

  it('the supplier card issues a binding code with its QR image; the orders board shows the timeline', async () => {
    const thread = await supplierSays(rig, 0, '你好');
    const { Supplier } = await import('../../shared/suppliers/index.js');
    const s = (await Supplier.findOne({ _id: thread.supplierId }).lean())!;
    const { makeOrder, plannedChain } = await import('../support/api.js');
    await makeOrder(s.code, { number: 'PO-UI-1', planned: plannedChain(new Date(Date.now() - 30 * 86_400_000)) });
    await signIn();
    await page.getByTestId('inbox-row').first().waitFor();
    await page.goto(`${rig.url}/console/suppliers/${s.code}`);
    await page.getByTestId('supplier-card').waitFor();
    expect(await page.getByTestId('supplier-card').textContent()).to.include(s.code).and.include('Asia/Shanghai');
    await page.getByTestId('issue-code').click();
    await page.getByTestId('binding-code').waitFor();
    const src = await page.getByTestId('binding-code').locator('img').getAttribute('src');
    expect(src).to.match(/^data:image\/png;base64,/);
    const { BindingCode } = await import('../../shared/auth/index.js');
    const code = (await BindingCode.findOne({}).lean())!.code;
    expect(await page.getByTestId('binding-code').textContent()).to.include(code);
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('supplier-select').click();
    await page.getByRole('option', { name: new RegExp(`^${s.code}`) }).click();
    await page.getByText('PO-UI-1').click();
    await page.getByText('production_start').first().waitFor();
    expect(await page.getByText(/d late/).count()).to.be.greaterThan(0);
  });

  it('files a claim from the console: listed as sent, the supplier notice is queued in Chinese; a report downloads', async () => {
    const thread = await supplierSays(rig, 0, '你好');
    const { Supplier } = await import('../../shared/suppliers/index.js');
    const s = (await Supplier.findOne({ _id: thread.supplierId }).lean())!;
    const { makeOrder } = await import('../support/api.js');
    await makeOrder(s.code, { number: 'PO-UI-CL' });
    await signIn();
    await page.getByTestId('nav-claims').click();
    await page.getByTestId('claim-po').fill('PO-UI-CL');
    await page.getByTestId('claim-description').fill('Twelve units arrived with cracked housings');
    await page.getByTestId('file-claim').click();
    await page.getByTestId('claim-row').filter({ hasText: 'CL-PO-UI-CL-1' }).waitFor();
    expect(await page.getByTestId('claim-row').first().getByTestId('claim-status').textContent()).to.equal('sent');
    const { Notice } = await import('../../shared/notices/index.js');
    const n = await until('claim notice', () => Notice.findOne({ kind: 'claim' }).lean());
    expect(n.to).to.equal(thread.key);
    expect(n.text).to.match(/^【Gendan 索赔】CL-PO-UI-CL-1/).and.include('〔zh〕Twelve units arrived with cracked housings');
    await page.getByTestId('nav-reports').click();
    const href = await page.getByTestId('report-xlsx').getAttribute('href');
    const res = await page.request.get(`${rig.url}${href}`);
    expect(res.status()).to.equal(200);
    expect(res.headers()['content-type']).to.match(/spreadsheetml/);
    expect((await res.body()).subarray(0, 2).toString()).to.equal('PK');
  });
});
