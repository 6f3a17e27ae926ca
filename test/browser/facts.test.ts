// Chat to facts in a real browser (the rig of console.test.ts): a supplier's chat messages become
// proposals under their message in the thread; Apply re-plans the order (seen on the order page,
// history "chat"), Drop leaves the order as it was.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Proposal, factsIdle } from '../../shared/facts/index.js';
import { Order } from '../../shared/orders/index.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { until } from '../support/bot.js';
import { consoleBrowser } from '../support/browser.js';
import { ADMIN, supplierSays, type ConsoleRig } from '../support/console.js';

/** 12月20日 as the recognizers read it today (this year's, unless more than 60 days back). */
function dec(d: number): string {
  const now = new Date();
  const y = now.getUTCFullYear();
  const day = `-12-${String(d).padStart(2, '0')}`;
  return Date.parse(`${y}${day}`) < now.getTime() - 60 * 86_400_000 ? `${y + 1}${day}` : `${y}${day}`;
}
const dayOf = (d?: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);

describe('chat to facts, in a browser', function () {
  this.timeout(120_000);
  let rig: ConsoleRig;
  let page: Page;

  const ui = consoleBrowser({ rig: { delivery: false } });
  beforeEach(async () => {
    ({ rig, page } = ui);
  });

  it('Apply re-plans the order (seen on the order page); Drop leaves it as it was', async () => {
    const thread = await supplierSays(rig, 0, '您好');
    const s = (await Supplier.findOne({ _id: thread.supplierId }).lean())!;
    const o = await makeOrder(s.code, { number: 'PO-UI-FACT-1', planned: plannedChain(new Date('2026-11-01T00:00:00Z')) });
    const inspection = dayOf(o.milestones.inspection.planned);
    await supplierSays(rig, 0, '出货时间改到12月20日');
    await supplierSays(rig, 0, '验货改到12月15日');
    await factsIdle();
    await until('two proposals', async () => ((await Proposal.countDocuments({ threadId: thread._id })) === 2 ? true : undefined));

    await page.goto(`${rig.url}/console/`);
    await page.getByTestId('login').fill(ADMIN.login);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('nav-orders').waitFor();
    await page.goto(`${rig.url}/console/threads/${thread._id}`);
    await page.getByTestId('thread-title').waitFor();
    const shipped = page.getByTestId('proposal').filter({ hasText: `shipped → ${dec(20)}` });
    const inspect = page.getByTestId('proposal').filter({ hasText: `inspection → ${dec(15)}` });
    await shipped.waitFor();
    expect(await shipped.textContent()).to.include('PO-UI-FACT-1');
    expect(await shipped.getAttribute('data-status')).to.equal('proposed');

    // Apply: the card says applied, the order is re-planned.
    await shipped.getByTestId('proposal-ok').click();
    await until('applied', async () => ((await shipped.getAttribute('data-status')) === 'applied' ? true : undefined));
    expect(dayOf((await Order.findOne({ _id: o._id }).lean())!.milestones.shipped.planned)).to.equal(dec(20));

    // Drop: the card says dropped, the order keeps its inspection date.
    await inspect.getByTestId('proposal-no').click();
    await until('dropped', async () => ((await inspect.getAttribute('data-status')) === 'dropped' ? true : undefined));
    expect((await Proposal.findOne({ key: `date:inspection:change:${dec(15)}` }).lean())!.status).to.equal('dropped');

    // The order page shows the new date, the history says "chat", the inspection is as it was.
    await page.goto(`${rig.url}/console/orders/${o._id}`);
    await page.getByTestId('order-page').waitFor();
    const ms = (name: string) => page.locator(`[data-testid="milestone"][data-milestone="${name}"]`).getByTestId('ms-dates');
    await until('re-planned on the page', async () => ((await ms('shipped').textContent())!.includes(`${dec(20)}`) ? true : undefined));
    expect(await ms('inspection').textContent()).to.include(`: ${inspection}`);
    await until('history row', async () => ((await page.getByTestId('history-row').count()) > 1 ? true : undefined));
    expect(await page.getByTestId('history-row').first().textContent()).to.include('chat');
    // On the order page the applied and the dropped proposals are shown with their state.
    await until('both proposals on the order page', async () => ((await page.getByTestId('order-facts').getByTestId('proposal').count()) === 2 ? true : undefined));
    expect(await page.getByTestId('order-facts').getByTestId('proposal-ok').count()).to.equal(0);
  });
});
