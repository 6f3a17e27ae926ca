// The web console in a real browser (playwright-core driving the npm Chromium of
// test/support/chromium.ts, or CHROMIUM_PATH's) against the real server, bot (mock puppet),
// translation fake and database: sign in, read a thread with its translation, correct it, reply
// (the mock puppet receives the Chinese), see the status turn sent, and a new supplier message
// appear live. SCREENSHOTS=1 writes docs/screenshots/*.png.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Message } from '../../shared/threads/index.js';
import { waitForMessages, until } from '../support/bot.js';
import { consoleBrowser } from '../support/browser.js';
import { ADMIN, supplierSays, type ConsoleRig } from '../support/console.js';

describe('web console in a browser', function () {
  this.timeout(120_000);
  let rig: ConsoleRig;
  let page: Page;

  const ui = consoleBrowser();
  beforeEach(async () => {
    ({ rig, page } = ui);
  });

  async function signIn(password = ADMIN.password) {
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(ADMIN.login);
    await page.getByTestId('password').fill(password);
    await page.getByTestId('sign-in').click();
  }

  it('a wrong password shows the error and no inbox', async () => {
    await signIn('not-the-password');
    expect(await page.getByTestId('login-error').textContent()).to.match(/wrong login or password/i);
    expect(await page.getByTestId('login-error').getAttribute('data-kind')).to.equal('wrong');
    expect(await page.getByTestId('inbox').count()).to.equal(0);
  });

  it('five wrong passwords lock the account: the page says so, and the right password is refused until then', async () => {
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(ADMIN.login);
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('password').fill(`wrong-${i}`);
      await page.getByTestId('sign-in').click();
      await until(
        `answer ${i}`,
        async () => (await page.getByTestId('login-error').count()) && !(await page.getByTestId('sign-in').isDisabled()) && (await page.getByTestId('sign-in').getAttribute('data-loading')) === null,
      );
      expect(await page.getByTestId('login-error').getAttribute('data-kind'), `attempt ${i}`).to.equal('wrong');
    }
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('sign-in').click();
    await until('locked shown', async () => (await page.getByTestId('login-error').getAttribute('data-kind')) === 'locked');
    expect(await page.getByTestId('login-error').textContent()).to.match(/Account locked.*Try again after \d{1,2}:\d{2}/);
    expect(await page.getByTestId('inbox').count()).to.equal(0);
  });

  it('the admin creates a Russian-speaking manager; the console opens in Russian for them, switches to Chinese and remembers it per user', async () => {
    await signIn();
    await page.getByTestId('inbox').waitFor();
    expect(await page.getByTestId('nav-inbox').textContent()).to.equal('Inbox');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('new-login').fill('ivan');
    await page.getByTestId('new-name').fill('Иван Петров');
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('new-language').click();
    await page.getByRole('option', { name: 'Русский' }).click();
    await page.getByTestId('create-manager').click();
    expect(await page.getByTestId('create-error').textContent()).to.match(/10 characters/);
    await page.getByTestId('new-password').fill('ivan-password-1');
    await page.getByTestId('create-manager').click();
    await page.getByTestId('manager-row').filter({ hasText: 'ivan' }).waitFor();
    expect(await page.getByTestId('manager-row').filter({ hasText: 'ivan' }).textContent())
      .to.include('Иван Петров')
      .and.include('ru');
    await page.getByTestId('sign-out').click();

    await page.getByTestId('login').fill('ivan');
    await page.getByTestId('password').fill('ivan-password-1');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('inbox').waitFor();
    expect(await page.getByTestId('nav-inbox').textContent()).to.equal('Входящие');
    expect(await page.getByTestId('nav-admin').count(), 'a manager has no admin page').to.equal(0);
    await page.getByTestId('lang-switch').getByText('中文').click();
    await until('chinese UI', async () => (await page.getByTestId('nav-inbox').textContent()) === '消息');
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
    await page.reload();
    await page.getByTestId('inbox').waitFor();
    expect(await page.getByTestId('nav-inbox').textContent(), 'remembered after reload').to.equal('消息');
    await page.getByTestId('sign-out').click();
    // Signed out for real before navigating: a reload that cancels the sign-out request would
    // keep ivan's session and show his inbox instead of the sign-in form (seen under load).
    await page.getByTestId('login').waitFor();
    await signIn();
    await page.getByTestId('inbox').waitFor();
    expect(await page.getByTestId('nav-inbox').textContent(), "the admin's own language, not ivan's choice").to.equal('Inbox');
  });

  it('search finds original and translated text and marks the hit; the segment filter narrows the inbox', async () => {
    const t0 = await supplierSays(rig, 0, '你好，样品已经寄出了');
    const t1 = await supplierSays(rig, 1, '请确认付款时间');
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 2);
    await signIn();
    await page.getByTestId('inbox-row').first().waitFor();
    await page.getByTestId('search').fill('样品');
    await page.getByTestId('search-hit').first().waitFor();
    expect(await page.getByTestId('search-hit').count()).to.equal(1);
    expect(await page.getByTestId('search-hit').locator('mark').first().textContent()).to.equal('样品');
    await page.getByTestId('search').fill('en〕请确认');
    await until(
      'translated-text hit',
      async () => ((await page.getByTestId('search-hit').count()) === 1 && (await page.getByTestId('search-hit').textContent())!.includes('请确认付款时间')) || undefined,
    );
    await page.getByTestId('search-hit').click();
    await until('opened from the hit', async () => page.url().endsWith(`/threads/${t1._id}`));
    await page.getByTestId('thread-title').waitFor();

    const { Supplier } = await import('../../shared/suppliers/index.js');
    await Supplier.updateOne({ _id: t0.supplierId }, { $set: { segment: 'strategic' } });
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('inbox-row').first().waitFor();
    expect(await page.getByTestId('inbox-row').count()).to.equal(2);
    await page.getByTestId('filter-segment').click();
    await page.getByRole('option', { name: 'strategic' }).click();
    await until('filtered', async () => (await page.getByTestId('inbox-row').count()) === 1);
    expect(await page.getByTestId('inbox-row').getAttribute('data-thread')).to.equal(String(t0._id));
  });

  it('a failed reply shows failed live with its error; Retry queues it again and it is delivered', async () => {
    await rig.delivery.stop();
    const thread = await supplierSays(rig, 0, '什么时候付款？');
    await signIn();
    await page.getByTestId('inbox-row').first().click();
    await page.getByTestId('thread-title').waitFor();
    await page.getByTestId('reply').fill('Payment goes out today');
    await until('chinese preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕Payment goes out today');
    await page.getByTestId('send').click();
    const item = page.getByTestId('outbox-item').filter({ hasText: '〔zh〕Payment goes out today' });
    await item.waitFor();
    expect(await item.getAttribute('data-status')).to.equal('queued');
    const { Notice } = await import('../../shared/notices/index.js');
    const { touchThread } = await import('../../shared/live/index.js');
    const n = await until('queued notice', () => Notice.findOne({ text: '〔zh〕Payment goes out today' }).lean());
    await Notice.updateOne({ _id: n._id }, { $set: { status: 'failed', attempts: 5, lastError: 'puppet offline (test)' } });
    await touchThread({ key: thread.key });
    await until('failed, live', async () => (await item.getAttribute('data-status')) === 'failed');
    expect(await item.getByTestId('outbox-error').textContent()).to.equal('puppet offline (test)');
    expect(await item.getByTestId('outbox-status').textContent()).to.equal('failed');
    await item.getByTestId('outbox-retry').click();
    await until('queued again', async () => (await item.getAttribute('data-status')) === 'queued');
    expect((await Notice.findOne({ _id: n._id }).lean())!.status).to.equal('queued');
    rig.delivery.start(100);
    await waitForMessages({ direction: 'out', text: '〔zh〕Payment goes out today', threadId: thread._id }, 1, 15_000);
    const sent = page.getByTestId('message').filter({ has: page.getByTestId('original').filter({ hasText: '〔zh〕Payment goes out today' }) });
    await sent.waitFor();
    expect(await sent.getByTestId('translation').textContent()).to.equal('Payment goes out today');
    expect(await page.getByTestId('outbox-item').count()).to.equal(0);
  });

  it('the reply box never sends the preview of an older draft; an edited Chinese text is what goes out; flag bad', async () => {
    const thread = await supplierSays(rig, 0, '样品什么时候到？');
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 1);
    await signIn();
    await page.getByTestId('inbox-row').first().click();
    await page.getByTestId('thread-title').waitFor();
    await page.getByTestId('reply').fill('Next week');
    await until('first preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕Next week');
    expect(await page.getByTestId('send').isEnabled()).to.equal(true);
    await page.getByTestId('reply').fill('Next Monday');
    expect(await page.getByTestId('send').isDisabled(), 'the shown Chinese is of the older draft').to.equal(true);
    await until('second preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕Next Monday');
    await until('enabled again', async () => page.getByTestId('send').isEnabled());
    await page.getByTestId('reply-zh').fill('下周一到');
    await page.getByTestId('send').click();
    await waitForMessages({ direction: 'out', text: '下周一到', threadId: thread._id }, 1, 15_000);
    expect(await Message.countDocuments({ direction: 'out', text: /〔zh〕/ })).to.equal(0);
    const sent = page.getByTestId('message').filter({ has: page.getByTestId('original').filter({ hasText: '下周一到' }) });
    await sent.waitFor();
    expect(await sent.getByTestId('translation').textContent()).to.equal('Next Monday');

    const card = page.getByTestId('message').filter({ has: page.getByTestId('original').filter({ hasText: '样品什么时候到？' }) });
    await card.getByTestId('flag').click();
    await until('flagged on screen', async () => ((await card.textContent())!.includes('flagged') ? true : undefined));
    expect(await card.getByTestId('flag').count()).to.equal(0);
    expect((await Message.findOne({ text: '样品什么时候到？' }).lean())!.flaggedBad).to.equal(true);
  });

  it('media previews: image facts, file name and size, voice seconds; the contact local time per message', async () => {
    const thread = await supplierSays(rig, 0, '请看附件');
    const sb = rig.bot.sb;
    const who = sb.suppliers[0]!;
    const base = { chat: { kind: 'dm' as const, id: who.id }, sender: { wechatId: who.id, name: who.payload!.name }, self: false, text: '' };
    const at = new Date();
    await rig.bot.mirror.ingest({ ...base, puppetId: 'ui-img', type: 'image', media: { name: 'sample.jpg', size: 204_800, width: 800, height: 600 }, ts: new Date(at.getTime() + 1) });
    await rig.bot.mirror.ingest({ ...base, puppetId: 'ui-file', type: 'file', media: { name: '报价单.xlsx', size: 1_572_864, notStored: 'over the 1 MB limit' }, ts: new Date(at.getTime() + 2) });
    await rig.bot.mirror.ingest({ ...base, puppetId: 'ui-voice', type: 'voice', media: { durationSec: 7 }, ts: new Date(at.getTime() + 3) });
    await rig.bot.mirror.flush();
    expect(await Message.countDocuments({ threadId: thread._id })).to.equal(4);
    await signIn();
    await page.getByTestId('inbox-row').first().click();
    await page.getByTestId('thread-title').waitFor();
    await until('media shown', async () => (await page.getByTestId('media').count()) === 3);
    const media = await page.getByTestId('media').allTextContents();
    expect(media[0]).to.include('sample.jpg').and.include('200 KB').and.include('800×600');
    expect(media[1]).to.include('报价单.xlsx').and.include('1.5 MB').and.include('File not kept (over the 1 MB limit)');
    expect(media[2]).to.include('7 s');
    const shanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
    expect(await page.getByTestId('message-time').last().textContent()).to.include(`${shanghai} Shanghai`);
    expect(await page.getByTestId('contact-time').textContent()).to.include('Asia/Shanghai');
  });

  it('sign in → thread with translation → correct it → reply in English, the supplier gets Chinese, status sent → a new message arrives live', async () => {
    const thread = await supplierSays(rig, 0, '你好，样品已经寄出了');
    await supplierSays(rig, 1, '请确认付款时间');
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 2);
    await signIn();
    await page.getByTestId('inbox-row').first().waitFor();
    expect(await page.getByTestId('inbox-row').count()).to.equal(2);
    expect(await page.getByTestId('unread').count()).to.equal(2);
    // The Chinese on screen comes from the console's own web font (no system CJK font needed).
    // (A string: the test project's TypeScript has no DOM types.)
    const cjkFaces = await page.evaluate<number>(
      `document.fonts.ready.then(() => [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC Variable' && f.status === 'loaded').length)`,
    );
    expect(cjkFaces, 'Noto Sans SC faces loaded').to.be.greaterThan(0);
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
    // The queued item leaves the page when the sent message arrives: read each without waiting for it.
    const statusOf = (l: typeof sentCard, id: string) =>
      l
        .first()
        .getByTestId(id)
        .textContent({ timeout: 500 })
        .catch(() => null);
    await until('status sent', async () => {
      if ((await sentCard.count()) && (await statusOf(sentCard, 'message-status')) === 'sent') return true;
      if ((await outboxItem.count()) && (await statusOf(outboxItem, 'outbox-status')) === 'sent') return true;
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
    if (process.env.SCREENSHOTS) {
      // A draft with its Chinese preview, as a manager sees it before pressing Send.
      await page.getByTestId('reply').fill('Thank you, we will check the parcel');
      await until('draft preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕Thank you, we will check the parcel');
      await page.screenshot({ path: 'docs/screenshots/thread.png', fullPage: false });
    }
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
    expect(await page.getByTestId('supplier-card').textContent())
      .to.include(s.code)
      .and.include('Asia/Shanghai');
    await page.getByTestId('issue-code').click();
    await page.getByTestId('binding-code').waitFor();
    const src = await page.getByTestId('binding-code').locator('img').getAttribute('src');
    expect(src).to.match(/^data:image\/png;base64,/);
    const { BindingCode } = await import('../../shared/auth/index.js');
    const code = (await BindingCode.findOne({}).lean())!.code;
    expect(await page.getByTestId('binding-code').textContent()).to.include(code);
    expect(await page.getByTestId('open-order').filter({ hasText: 'PO-UI-1' }).getAttribute('data-overdue')).to.equal('true');
    await page.getByTestId('to-orders').click();
    await page.getByTestId('order-row').filter({ hasText: 'PO-UI-1' }).waitFor();
    // The select shows the supplier once the suppliers' list has loaded (it may come after the rows).
    for (let i = 0; i < 100 && !(await page.getByTestId('supplier-select').inputValue()); i++) await page.waitForTimeout(100);
    expect(await page.getByTestId('supplier-select').inputValue()).to.match(new RegExp(`^${s.code} · `));
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('supplier-select').click();
    await page.getByRole('option', { name: new RegExp(`^${s.code}`) }).click();
    const row = page.getByTestId('order-row').filter({ hasText: 'PO-UI-1' });
    expect(await row.getAttribute('data-overdue')).to.equal('true');
    await row.click();
    const ms = page.getByTestId('milestone').and(page.locator('[data-milestone="production_start"]'));
    await ms.waitFor();
    expect(await ms.textContent()).to.include('Production start');
    expect(await ms.getAttribute('data-late'), 'planned a month ago, not done: overdue').to.equal('true');
    expect(await page.locator('[data-testid="milestone"][data-late="false"][data-milestone="delivered"]').count()).to.equal(1);
    expect(await page.getByText(/d late/).count()).to.be.greaterThan(0);

    // Move the planned date: refused without a reason, kept with one.
    const later = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await ms.getByTestId('ms-edit').click();
    await page.getByTestId('ms-planned').fill(later);
    await page.getByTestId('ms-save').click();
    expect(await page.getByTestId('ms-error').textContent()).to.match(/reason is required/);
    await page.getByTestId('ms-reason').fill('factory power cut');
    await page.getByTestId('ms-save').click();
    await until('replanned on screen', async () => ((await ms.getByTestId('ms-dates').textContent())!.includes(`Planned: ${later}`) ? true : undefined));
    expect(await ms.getByTestId('ms-dates').textContent()).to.include('factory power cut');
    expect(await ms.getAttribute('data-late')).to.equal('false');
    const { Order } = await import('../../shared/orders/index.js');
    const stored = (await Order.findOne({ number: 'PO-UI-1' }).lean())! as unknown as { milestones: Record<string, { planned: Date; reason: string }> };
    expect(stored.milestones.production_start!.planned.toISOString().slice(0, 10)).to.equal(later);
    expect(stored.milestones.production_start!.reason).to.equal('factory power cut');
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
    // Its facts recorded in place; the analytics page counts it.
    await page.getByTestId('claim-row').first().getByTestId('claim-facts-edit').click();
    await page.getByTestId('claim-row').first().getByLabel('Batch').fill('B-UI-7');
    await page.getByTestId('claim-row').first().getByTestId('claim-facts-save').click();
    await until('facts shown', async () => (await page.getByTestId('claim-facts').first().textContent())?.includes('Batch: B-UI-7'));
    await page.getByTestId('claims-analytics').click();
    await until('analytics shown', async () =>
      (
        await page
          .getByTestId('claims-summary')
          .textContent()
          .catch(() => '')
      )?.includes('Claims: 1'),
    );
    expect(await page.getByTestId('claims-by-type').textContent()).to.include('defect');
    await page.getByTestId('nav-claims').click();
    const { Notice } = await import('../../shared/notices/index.js');
    const n = await until('claim notice', () => Notice.findOne({ kind: 'claim' }).lean());
    expect(n.to).to.equal(thread.key);
    expect(n.text)
      .to.match(/^【Gendan 索赔】CL-PO-UI-CL-1/)
      .and.include('〔zh〕Twelve units arrived with cracked housings');
    await page.getByTestId('nav-reports').click();
    const href = await page.getByTestId('report-xlsx').getAttribute('href');
    const res = await page.request.get(`${rig.url}${href}`);
    expect(res.status()).to.equal(200);
    expect(res.headers()['content-type']).to.match(/spreadsheetml/);
    expect((await res.body()).subarray(0, 2).toString()).to.equal('PK');
  });
});
