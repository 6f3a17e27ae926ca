// Day one in the console, in a real browser against the real server, bot (mock puppet),
// translation fake and database (issue #20): the admin creates a manager; that manager takes a
// link code on "My WeChat" and sends `/link <code>` from their (simulated) WeChat; registers a
// fair; sorts a new contact from the Unsorted tab into a supplier with the fair's code; edits
// the supplier; merges two duplicates (the earliest code survives). SCREENSHOTS=1 writes
// docs/screenshots/unsorted.png and supplier.png.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Manager } from '../../shared/managers/model.js';
import { createSupplier, Supplier, updateSupplier } from '../../shared/suppliers/index.js';
import { Contact, Message } from '../../shared/threads/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { until, waitForMessages } from '../support/bot.js';
import { consoleBrowser } from '../support/browser.js';
import { ADMIN, type ConsoleRig } from '../support/console.js';

describe('web console in a browser: day one', function () {
  this.timeout(150_000);
  let rig: ConsoleRig;
  let page: Page;

  const ui = consoleBrowser({ rig: { commands: true }, viewport: { width: 1360, height: 900 }, dialogs: true });
  beforeEach(async () => {
    ({ rig, page } = ui);
  });

  async function signIn(login: string, password: string) {
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(login);
    await page.getByTestId('password').fill(password);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('nav-inbox').waitFor();
  }

  it('admin creates a manager → the manager links WeChat with /link → sorts a new contact into a supplier with a fair code → merges two suppliers', async () => {
    // The admin creates Boris, a manager.
    await signIn(ADMIN.login, ADMIN.password);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('new-login').fill('boris');
    await page.getByTestId('new-name').fill('Boris');
    await page.getByTestId('new-password').fill('boris-password-1');
    await page.getByTestId('create-manager').click();
    await page.locator('[data-testid="manager-row"][data-login="boris"]').waitFor();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login').waitFor();

    // Boris links his WeChat: the code from "My WeChat", sent from his WeChat.
    await signIn('boris', 'boris-password-1');
    await page.getByTestId('nav-me').click();
    await page.getByTestId('issue-link-code').click();
    const command = (await page.getByTestId('link-command').textContent())!;
    expect(command).to.match(/^\/link \d{6}$/);
    expect(await page.getByTestId('link-code').locator('img').getAttribute('src')).to.match(/^data:image\/png;base64,/);
    rig.bot.sb.say('c', command);
    await page.getByTestId('wechat-linked').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('wechat-linked').textContent()).to.include('Boris (new buyer)');
    await waitForMessages({ direction: 'out', text: /^Linked/ }, 1);

    // The fair register: I is refused; D is registered.
    await page.getByTestId('nav-suppliers').click();
    await page.getByTestId('fair-letter').fill('I');
    await page.getByTestId('fair-name').fill('Canton Fair');
    await page.getByTestId('add-fair').click();
    expect(await page.getByTestId('fair-error').textContent()).to.match(/I and O|never/i);
    await page.getByTestId('fair-letter').fill('D');
    await page.getByTestId('add-fair').click();
    await page.getByTestId('fair-row').filter({ hasText: 'Canton Fair' }).waitFor();

    // Two new contacts write: they wait in Unsorted with their first messages translated.
    rig.bot.sb.say(0, '你好，我们是宁波的电机工厂，想和贵公司合作');
    rig.bot.sb.say(1, '您好，我是义乌的工艺品供应商');
    await waitForMessages({ direction: 'in', senderKind: 'supplier' }, 2);
    await rig.bot.mirror.flush();
    await until('translated', async () => (await Message.countDocuments({ translationStatus: 'done' })) >= 2);
    await page.getByTestId('nav-inbox').click();
    await page.getByTestId('tab-unsorted').click();
    const item = page.getByTestId('unsorted-item').filter({ hasText: '宁波的电机工厂' });
    await item.waitFor();
    await until('translation shown', async () => ((await item.getByTestId('unsorted-translation').first().textContent())?.startsWith('〔en〕') ? true : undefined), 15_000);
    if (process.env.SCREENSHOTS) {
      await item.getByTestId('sort-fair').click();
      await page.getByRole('option', { name: 'D · Canton Fair' }).click();
      await item.getByTestId('sort-name').fill('宁波电机厂');
      await page.screenshot({ path: 'docs/screenshots/unsorted.png' });
    } else {
      await item.getByTestId('sort-fair').click();
      await page.getByRole('option', { name: 'D · Canton Fair' }).click();
      await item.getByTestId('sort-name').fill('宁波电机厂');
    }
    await item.getByTestId('sort-submit').click();
    expect(await item.getByTestId('sorted-result').textContent()).to.match(/Now supplier D01 \(\d+ messages attached\)/);
    const d01 = (await Supplier.findOne({ code: 'D01' }).lean())!;
    const boris = (await Manager.findOne({ login: 'boris' }).lean())!;
    expect(String(d01.managerId), 'a manager is responsible for the supplier they sort').to.equal(String(boris._id));

    // The supplier page: edit the profile; the tagged code shows once there are orders.
    await makeOrder('D01', { number: 'PO-DAY1-UI', planned: plannedChain(new Date(Date.now() - 20 * 86_400_000)) });
    await page.goto(`${rig.url}/console/suppliers/D01`);
    await page.getByTestId('supplier-card').waitFor();
    expect(await page.getByTestId('supplier-code').textContent()).to.equal('D01');
    // The country + abbreviation tag, added on the page once an order exists.
    await page.getByTestId('tag-country').fill('CN');
    await page.getByTestId('tag-abbr').fill('NB');
    await page.getByTestId('tag-save').click();
    await until('tagged', async () => ((await page.getByTestId('supplier-code').textContent()) === 'D01 CNNB' ? true : undefined));
    expect(await page.getByTestId('tag-form').count()).to.equal(0);
    await page.getByTestId('edit-supplier').click();
    await page.getByTestId('profile-legalName').fill('宁波电机有限公司');
    await page.getByTestId('profile-region').fill('Zhejiang');
    await page.getByTestId('profile-province').fill('Ningbo');
    await page.getByTestId('profile-port').fill('Ningbo-Zhoushan');
    await page.getByTestId('profile-paymentTerms').fill('30% deposit, 70% against B/L copy');
    await page.getByTestId('profile-capacity').fill('20,000 motors / month');
    await page.getByTestId('profile-certifications').fill('ISO 9001');
    await page.keyboard.press('Enter');
    await page.getByTestId('profile-categories').fill('electric motors');
    await page.keyboard.press('Enter');
    await page.getByTestId('save-supplier').click();
    await until('saved', async () => ((await page.getByTestId('supplier-card').textContent())!.includes('30% deposit') ? true : undefined));
    expect(await page.getByTestId('supplier-card').textContent())
      .to.include('Zhejiang · Ningbo')
      .and.include('ISO 9001');
    expect(await page.getByTestId('orders-count').textContent()).to.include('1');

    // The contact's time zone and language, edited on the supplier page (an unknown zone is refused).
    const settings = page.getByTestId('contact-settings').first();
    await settings.getByTestId('contact-timezone').fill('Mars/Olympus');
    await settings.getByTestId('contact-timezone').blur();
    await until('refused', async () => ((await settings.textContent())?.includes('timezone') ? true : undefined));
    await settings.getByTestId('contact-timezone').fill('Europe/Berlin');
    await settings.getByTestId('contact-timezone').blur();
    await settings.getByTestId('contact-language').click();
    await page.getByRole('option', { name: 'en', exact: true }).click();
    await until('saved', async () => ((await Contact.findOne({ supplierId: d01._id }, { timezone: 1, language: 1 }).lean())?.language === 'en' ? true : undefined));
    expect(await Contact.findOne({ supplierId: d01._id }, { timezone: 1, language: 1 }).lean()).to.include({ timezone: 'Europe/Berlin', language: 'en' });

    // A duplicate of D01 (same legal name) appears; merging keeps D01 (earliest) and 002 resolves to it.
    const dup = await createSupplier({ name: '宁波电机', legalName: '宁波电机有限公司', managerId: String(boris._id) });
    await updateSupplier(dup.code, { region: 'Zhejiang' }, 'test', new Date());
    if (process.env.SCREENSHOTS) {
      await page.reload();
      await page.getByTestId('duplicates').waitFor();
      await page.screenshot({ path: 'docs/screenshots/supplier.png', fullPage: true });
    }
    await page.goto(`${rig.url}/console/suppliers/${dup.code}`);
    let dupRow = page.getByTestId('duplicate').filter({ hasText: 'D01' });
    await dupRow.waitFor();
    expect(await dupRow.textContent())
      .to.include('same legal name')
      .and.include('D01 CNNB'); // the tagged code
    // A merge cannot be undone: Boris, a plain manager, sees the duplicate but no merge button.
    expect(await dupRow.getByTestId('merge').count()).to.equal(0);
    // The admin merges.
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login').waitFor();
    await signIn(ADMIN.login, ADMIN.password);
    await page.goto(`${rig.url}/console/suppliers/${dup.code}`);
    dupRow = page.getByTestId('duplicate').filter({ hasText: 'D01' });
    await dupRow.waitFor();
    await dupRow.getByTestId('merge').click();
    expect(await page.getByTestId('merge-text').textContent()).to.include('The earliest code stays');
    await page.getByTestId('merge-confirm').click();
    await until('survivor shown', async () => ((await page.getByTestId('supplier-code').textContent()) === 'D01 CNNB' && (await page.getByTestId('former-codes').count()) === 1 ? true : undefined));
    expect(await page.getByTestId('former-codes').textContent()).to.include(dup.code);
    const live = await Supplier.find({ _id: { $in: [d01._id, dup._id] }, mergedInto: null }).lean();
    expect(live.map((s) => [s.code, s.formerCodes])).to.deep.equal([['D01', [dup.code]]]);
    await page.goto(`${rig.url}/console/suppliers/${dup.code}`);
    await until('former code resolves', async () =>
      (await page
        .getByTestId('supplier-code')
        .textContent()
        .catch(() => '')) === 'D01 CNNB'
        ? true
        : undefined,
    );

    // The admin can run the follow-up checks now from the Notices page (a plain manager has no button).
    await page.getByTestId('nav-notices').click();
    await page.getByTestId('run-checks').click();
    await page.getByTestId('checks-queued').waitFor();
  });
});
