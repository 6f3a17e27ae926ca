// The web console in Azerbaijani, in a real browser against the real server, bot (mock puppet),
// database and the translation fakes (zh⇄az routed to the OpenAI fake, the rest to TMT): an az
// manager signs in, reads the inbox and a thread in Azerbaijani with dates in the az locale,
// writes a reply in Azerbaijani and sees the Chinese that will go out; with OpenAI down the
// Russian (their second language) is shown marked, then replaced live by the Azerbaijani. The
// server's errors read in Azerbaijani (the console says its UI language); counts and shares are
// written the az way (33,3%).
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createAccount } from '../../shared/managers/accounts.js';
import { Manager } from '../../shared/managers/model.js';
import { fileClaim } from '../../shared/claims/index.js';
import { Claim } from '../../shared/claims/model.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message } from '../../shared/threads/index.js';
import { makeOrder } from '../support/api.js';
import { until } from '../support/bot.js';
import { consoleBrowser } from '../support/browser.js';
import { supplierSays, type ConsoleRig } from '../support/console.js';

const AYSEL = { login: 'aysel', password: 'aysel-password-1', name: 'Aysel Məmmədova' };

describe('web console in Azerbaijani', function () {
  this.timeout(120_000);
  let rig: ConsoleRig;
  let page: Page;

  const ui = consoleBrowser({ rig: { openai: true } });
  beforeEach(async () => {
    ({ rig, page } = ui);
    const a = await createAccount({ ...AYSEL, role: 'manager', language: 'az' });
    await Manager.updateOne({ _id: a.id }, { $set: { secondLanguage: 'ru', seesAll: true } });
  });

  async function signIn() {
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(AYSEL.login);
    await page.getByTestId('password').fill(AYSEL.password);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('inbox').waitFor();
  }

  it('signs in, reads the inbox and a thread in Azerbaijani, and previews an Azerbaijani reply in Chinese', async () => {
    const thread = await supplierSays(rig, 0, 'PO-2026-001 的样品已经寄出了');
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) === 1);
    await signIn();
    expect(await page.getByTestId('nav-inbox').textContent()).to.equal('Gələnlər');
    expect(await page.locator('html').getAttribute('lang')).to.equal('az');
    await page.getByTestId('inbox-row').first().click();
    await page.getByTestId('thread-title').waitFor();
    const msg = page.getByTestId('message').first();
    expect(await msg.getByTestId('translation').textContent()).to.equal('〔az〕PO-2026-001 的样品已经寄出了');
    // Dates in the az locale (the same formatting as ICU gives here).
    const m = (await Message.findOne({ threadId: thread._id }).lean())!;
    expect(await msg.getByTestId('message-time').getAttribute('title')).to.equal(new Date(m.ts).toLocaleString('az-Latn-AZ', { dateStyle: 'medium', timeStyle: 'short' }));
    // The reply box: written in Azerbaijani, previewed in Chinese (az→zh through OpenAI), terms kept.
    expect(await page.getByTestId('reply-box').textContent()).to.include('Göndəriləcək çincə mətn');
    await page.getByTestId('reply').fill('Salam! PO-2026-001 üçün hesabatı sabah göndərin');
    await until('preview', async () => (await page.getByTestId('reply-zh').inputValue()) === '〔zh〕Salam! PO-2026-001 üçün hesabatı sabah göndərin');
    expect(rig.openai!.requests.at(-1)!.target).to.equal('zh');
    expect(rig.openai!.requests.at(-1)!.texts.join()).not.to.include('PO-2026-001');
    expect(await page.getByTestId('send').textContent()).to.equal('Göndər');
  });

  it('amounts in the az locale: the order form total reads 246.900,00 USD', async () => {
    await Supplier.create({ code: 'A01', name: '宁波电机厂' });
    await signIn();
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('new-order').click();
    await page.getByTestId('form-supplier').click();
    await page.getByRole('option', { name: /^A01/ }).click();
    await page.getByTestId('line-item').fill('Motor 220V');
    await page.getByTestId('line-qty').fill('200');
    await page.getByTestId('line-price').fill('1234.50');
    await until('total', async () => ((await page.getByTestId('form-total').textContent())!.includes('246.900,00 USD') ? true : undefined));
  });

  it('an error from the server reads in Azerbaijani: a PO that exists already', async () => {
    await Supplier.create({ code: 'A01', name: '宁波电机厂' });
    await makeOrder('A01', { number: 'PO-AZ-DUP' });
    await signIn();
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('new-order').click();
    await page.getByTestId('form-supplier').click();
    await page.getByRole('option', { name: /^A01/ }).click();
    await page.getByTestId('form-number').fill('PO-AZ-DUP');
    await page.getByTestId('line-item').fill('Motor 220V');
    await page.getByTestId('line-qty').fill('10');
    await page.getByTestId('line-price').fill('1.50');
    await page.getByTestId('form-save').click();
    const error = await until('the error shown', async () =>
      page
        .getByTestId('form-error')
        .textContent({ timeout: 500 })
        .catch(() => undefined),
    );
    expect(error).to.include('PO-AZ-DUP sifarişi artıq mövcuddur');
    expect(error).not.to.include('exists already');
  });

  it('counts and shares in the az locale: claims settled 33,3% (not the Turkish %33,3)', async () => {
    const s = await Supplier.create({ code: 'A02', name: '宁波电机厂' });
    const me = (await Manager.findOne({ login: AYSEL.login }).lean())!;
    const o = await makeOrder(s.code);
    const claims = [];
    for (const type of ['defect', 'shortage', 'transit_damage'] as const)
      claims.push(await fileClaim({ orderId: String(o._id), type, qty: 2, description: 'qırıq' }, { id: String(me._id), language: 'az' }, undefined));
    await Claim.updateOne({ _id: claims[0]!._id }, { $set: { settledAt: new Date() } });
    await signIn();
    await page.goto(`${rig.url}/console/claims/analytics`);
    await until('analytics', async () =>
      (await page
        .getByTestId('claims-settled-share')
        .textContent({ timeout: 500 })
        .catch(() => ''))
        ? true
        : undefined,
    );
    expect(await page.getByTestId('claims-settled-share').textContent()).to.equal('33,3%');
    expect(await page.getByTestId('claims-summary').textContent())
      .to.include('3')
      .and.include('(1)');
  });

  it('OpenAI down: the Russian is shown marked as a fallback, then the Azerbaijani replaces it live', async () => {
    rig.openai!.mode = 'down';
    await supplierSays(rig, 1, '请确认付款时间');
    const pending = await until('ru in, az waiting', async () => {
      const m = await Message.findOne({ text: '请确认付款时间' }).lean();
      const tr = m?.translations as unknown as Record<string, unknown> | undefined;
      return m && tr?.ru && !tr.az && m.translationStatus === 'pending' ? m : undefined;
    });
    await signIn();
    await page.getByTestId('inbox-row').first().click();
    const msg = page.getByTestId('message').first();
    await msg.getByTestId('fallback-translation').waitFor();
    expect(await msg.getByTestId('fallback-translation').textContent()).to.equal('müvəqqəti: RU (əsas tərcümə gözlənilir)');
    expect(await msg.getByTestId('translation').textContent()).to.equal('〔ru〕请确认付款时间');

    rig.openai!.mode = 'ok';
    expect(await rig.translation.translatePending()).to.equal(1);
    await until('az arrived live', async () => (await msg.getByTestId('translation').textContent()) === '〔az〕请确认付款时间');
    expect(await msg.getByTestId('fallback-translation').count()).to.equal(0);
    expect((await Message.findOne({ _id: pending._id }).lean())!.translationStatus).to.equal('done');
  });
});
