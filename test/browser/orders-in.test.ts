// Orders in, in a real browser (the rig of console.test.ts): create an order from the form (the
// planned dates come from the lead-time template) and see it on the board; import a file with
// mistakes (the preview lists them, nothing is written), the fixed file (written), and the same
// file again (nothing changes).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { Types } from 'mongoose';
import type { Page } from 'playwright-core';
import { Manager } from '../../shared/managers/model.js';
import { Order } from '../../shared/orders/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { until } from '../support/bot.js';
import { consoleBrowser } from '../support/browser.js';
import { ADMIN, type ConsoleRig } from '../support/console.js';

const fixture = (name: string) => join(fileURLToPath(new URL('../fixtures/', import.meta.url)), name);

describe('orders in, in a browser', function () {
  this.timeout(120_000);
  let rig: ConsoleRig;
  let page: Page;
  let mia: { _id: Types.ObjectId };

  const ui = consoleBrowser({ rig: { delivery: false } });
  beforeEach(async () => {
    ({ rig, page } = ui);
    mia = await Manager.create({ name: 'Mia Manager', role: 'manager', language: 'en' });
    await Supplier.create({ code: 'A01', name: '宁波电机厂', paymentTerms: '30% deposit', managerId: mia._id });
    await Supplier.create({ code: 'A02', name: '深圳开关厂' });
    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(ADMIN.login);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('nav-orders').waitFor();
  });

  it('creates an order from the form and sees it on the board', async () => {
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('board').waitFor();
    await page.getByTestId('new-order').click();
    await page.getByTestId('form-supplier').click();
    await page.getByRole('option', { name: /^A01/ }).click();
    await until('template dates', async () => ((await page.getByTestId('form-planned-shipped').inputValue()) ? true : undefined));
    expect(await page.getByTestId('form-payment').inputValue()).to.equal('30% deposit');
    // The responsible manager: the supplier's, marked so, unless changed.
    await until("the supplier's manager", async () => ((await page.getByTestId('form-manager').inputValue()).startsWith('Mia Manager') ? true : undefined));
    expect(await page.getByTestId('form-manager').inputValue()).to.equal("Mia Manager (supplier's)");
    await page.getByTestId('form-number').fill('PO-UI-FORM-1');
    await page.getByTestId('line-item').fill('Motor 220V');
    await page.getByTestId('line-qty').fill('200');
    await page.getByTestId('line-price').fill('12.50');
    await until('total', async () => ((await page.getByTestId('form-total').textContent())!.includes('2,500.00 USD') ? true : undefined));
    await page.getByTestId('form-save').click();
    await page.getByTestId('order-page').waitFor();
    expect(await page.getByTestId('order-number').textContent()).to.equal('PO-UI-FORM-1');
    expect(await page.getByTestId('history-row').first().textContent())
      .to.include('created')
      .and.include('console');
    expect(String((await Order.findOne({ number: 'PO-UI-FORM-1' }).lean())!.managerId)).to.equal(String(mia._id));
    // The panels: photos, customs, claims, the supplier's thread.
    expect(await page.getByTestId('panel-photos').textContent()).to.include('No photos yet');
    expect(await page.getByTestId('customs-status').textContent()).to.equal('none');
    await until('claims panel', async () => ((await page.getByTestId('panel-claims').textContent())!.includes('No claims') ? true : undefined));
    await until('thread panel', async () => ((await page.getByTestId('panel-thread').textContent())!.includes('No messages yet') ? true : undefined));

    // The same number again: a clear error naming it.
    await page.goto(`${rig.url}/console/orders/new`);
    await page.getByTestId('form-supplier').click();
    await page.getByRole('option', { name: /^A01/ }).click();
    await page.getByTestId('form-number').fill('PO-UI-FORM-1');
    await page.getByTestId('form-save').click();
    expect(await page.getByTestId('form-error').textContent()).to.match(/PO-UI-FORM-1 exists already/);

    await page.getByTestId('nav-orders').click();
    const row = page.getByTestId('board-row').filter({ hasText: 'PO-UI-FORM-1' });
    await row.waitFor();
    expect(await row.textContent()).to.include('A01');
    expect(await page.getByTestId('board-count-all').textContent()).to.equal('1');
    await row.click();
    await page.getByTestId('order-page').waitFor();
    await page.getByTestId('order-reason').fill('buyer changed plans');
    await page.getByTestId('order-cancel').click();
    await until('cancelled', async () => ((await page.getByTestId('order-status').textContent()) === 'cancelled' ? true : undefined));
    await page.getByTestId('nav-orders').click();
    await until('left the board', async () => ((await page.getByTestId('board-count-all').textContent()) === '0' ? true : undefined));
  });

  it('imports a file: mistakes shown and nothing written; the fixed file written; the same file again changes nothing', async () => {
    await page.goto(`${rig.url}/console/orders/import`);
    await page.getByTestId('import-page').waitFor();
    const choose = async (name: string) => page.getByTestId('import-page').locator('input[type="file"]').setInputFiles(fixture(name));
    await choose('orders-mistakes.csv');
    await page.getByTestId('import-preview').click();
    await page.getByTestId('import-problems').waitFor();
    expect(await page.getByTestId('import-problem').count()).to.equal(5);
    expect(await page.getByTestId('import-problems').textContent())
      .to.include('unknown supplier code Z99')
      .and.include('quantity must be positive');
    expect(await page.getByTestId('import-confirm').isDisabled()).to.equal(true);
    expect(await Order.countDocuments({})).to.equal(0);

    await choose('orders-fixed.csv');
    await page.getByTestId('import-preview').click();
    await until('preview of the fixed file', async () => ((await page.getByTestId('import-create').textContent())!.endsWith(': 4') ? true : undefined));
    expect(await page.getByTestId('import-problems-count').textContent()).to.match(/: 0$/);
    expect(await Order.countDocuments({})).to.equal(0);
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-written').waitFor();
    expect(await Order.countDocuments({})).to.equal(4);

    await choose('orders-fixed.csv');
    await page.getByTestId('import-preview').click();
    await until('unchanged', async () => ((await page.getByTestId('import-unchanged').textContent())!.endsWith(': 4') ? true : undefined));
    expect(await page.getByTestId('import-create').textContent()).to.match(/: 0$/);
    await page.getByTestId('import-confirm').click();
    await page.getByTestId('import-written').waitFor();
    expect(await Order.countDocuments({})).to.equal(4);
    expect((await Order.findOne({ number: 'PO-IMP-1' }).lean())!.version).to.equal(0);

    await page.getByTestId('nav-orders').click();
    await until('on the board', async () => ((await page.getByTestId('board-row').count()) === 4 ? true : undefined));
  });
  it('lead times: the company default and a supplier template are set on their screen and the form proposes dates from them', async () => {
    await page.getByTestId('nav-orders').click();
    await page.getByTestId('lead-times').click();
    await page.getByTestId('lead-times-page').waitFor();
    await page.getByTestId('lead-company-shipped').fill('45');
    await page.getByTestId('lead-company-save').click();
    await until('saved', async () => ((await page.getByTestId('lead-message').textContent()) === 'Saved' ? true : undefined));
    await page.getByTestId('lead-supplier-select').click();
    await page.getByRole('option', { name: /^A01/ }).click();
    await until('source', async () => ((await page.getByTestId('lead-supplier-source').textContent()) === 'the company default' ? true : undefined));
    await page.getByTestId('lead-supplier-shipped').fill('20');
    await page.getByTestId('lead-supplier-save').click();
    await until("the supplier's own", async () => ((await page.getByTestId('lead-supplier-source').textContent()) === "the supplier's own" ? true : undefined));

    const plus = (days: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) + days * 86_400_000).toISOString().slice(0, 10);
    for (const [code, days] of [
      ['A01', 20],
      ['A02', 45],
    ] as const) {
      await page.goto(`${rig.url}/console/orders/new`);
      await page.getByTestId('form-supplier').click();
      await page.getByRole('option', { name: new RegExp(`^${code}`) }).click();
      await until(`${code} shipment date`, async () => ((await page.getByTestId('form-planned-shipped').inputValue()) === plus(days) ? true : undefined));
    }
  });
});
