// Day one over the console API (issue #20), against the real server, bot (mock puppet),
// translation fake and database: the admin creates a manager, the manager links their WeChat
// with `/link` from the code "My WeChat" gave, a new contact waits in Unsorted with its first
// message translated and is sorted into a supplier with a fair code, the manager receives that
// supplier's overdue notice in WeChat; a second sort is told what happened; profile edits,
// duplicates, merge, filters, friend requests, passwords, sessions and deactivation.
import { expect } from 'chai';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { createScheduler } from '../../shared/scheduler/index.js';
import { scanOverdue } from '../../shared/scheduler/rules.js';
import { createSupplier } from '../../shared/suppliers/index.js';
import { Contact, recordFriendRequest, Message, Thread } from '../../shared/threads/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { until, waitForMessages, withTimeout } from '../support/bot.js';
import { csrfPost, signedInAgent, consoleRigPerTest, workingNoon, type ConsoleRig } from '../support/console.js';

describe('console API: day one for a real purchasing team', function () {
  this.timeout(90_000);
  let deliveryAt: Date | undefined; // the run-now test's working moment (workingNoon), else the real clock
  const current = consoleRigPerTest({ commands: true, deliveryClock: () => deliveryAt ?? new Date() });
  let rig: ConsoleRig;
  beforeEach(() => {
    rig = current();
    deliveryAt = undefined;
  });

  it('admin creates a manager → /link from WeChat → sort a new contact with a fair code → the manager gets its overdue notice', async () => {
    const admin = await signedInAgent(rig.url);
    const post = csrfPost;

    await post(admin, '/api/console/managers', { login: 'boris', name: 'Boris', password: 'boris-password-1', role: 'manager', language: 'en', timezone: 'Europe/Moscow' }).expect(201);
    const boris = await signedInAgent(rig.url, 'boris', 'boris-password-1');
    expect((await boris.agent.get('/api/console/me/wechat').expect(200)).body).to.deep.equal({ linked: false });
    const code = (await post(boris, '/api/console/me/wechat/link-code', {}).expect(201)).body as { code: string; qr: string; command: string };
    expect(code.code).to.match(/^\d{6}$/);
    expect(code.qr).to.match(/^data:image\/png;base64,/);
    expect(code.command).to.equal(`/link ${code.code}`);

    rig.bot.sb.say('c', code.command);
    const linked = await until('linked', async () => {
      const r = await boris.agent.get('/api/console/me/wechat').expect(200);
      return r.body.linked ? r.body : undefined;
    });
    expect(linked.wechatName).to.equal('Boris (new buyer)');
    await waitForMessages({ direction: 'out', text: /Linked/ }, 1);
    const managers = (await admin.agent.get('/api/console/managers').expect(200)).body.items as { login: string; wechatName: string | null; active: boolean }[];
    expect(managers.find((m) => m.login === 'boris')).to.include({ wechatName: 'Boris (new buyer)', active: true });

    // A new supplier writes: unsorted, no code, first message translated.
    rig.bot.sb.say(0, '你好，我们是宁波的电机工厂');
    await waitForMessages({ text: '你好，我们是宁波的电机工厂' }, 1);
    await rig.bot.mirror.flush();
    const item = await until('translated in Unsorted', async () => {
      const items = (await boris.agent.get('/api/console/unsorted').expect(200)).body.items as { id: string; name: string; firstMessages: { text: string; translations?: Record<string, string> }[] }[];
      const it = items.find((i) => i.firstMessages.some((m) => m.text === '你好，我们是宁波的电机工厂'));
      return it?.firstMessages[0]?.translations?.en ? it : undefined;
    });
    expect(item.firstMessages[0]!.translations!.en).to.be.a('string').and.not.equal('');

    // The fair register: I and O are refused; the next letter is offered.
    const fairs0 = (await boris.agent.get('/api/fairs').expect(200)).body;
    expect(fairs0).to.deep.equal({ items: [], next: 'A' });
    expect((await post(boris, '/api/fairs', { letter: 'I', name: 'Canton Fair' }).expect(400)).body.error.message).to.match(/I and O|never/i);
    await post(boris, '/api/fairs', { letter: 'D', name: 'Canton Fair', city: 'Guangzhou', from: '2026-10-15', to: '2026-10-19' }).expect(201);
    expect((await boris.agent.get('/api/fairs').expect(200)).body.next).to.equal('A');

    // Boris sorts the contact as a new supplier met at fair D; the admin, a second later, is told.
    const sorted = (await post(boris, `/api/console/unsorted/${item.id}/sort`, { kind: 'supplier', fairLetter: 'D', name: '宁波电机厂' }).expect(200)).body;
    expect(sorted.supplier.code).to.equal('D01');
    expect(sorted.attached.messages).to.be.greaterThan(0);
    const again = await post(admin, `/api/console/unsorted/${item.id}/sort`, { kind: 'ignore', confirm: true }).expect(409);
    expect(again.body.error.message).to.match(/sorted already by Boris .* as a new supplier D01/);
    expect((await post(admin, `/api/console/unsorted/${item.id}/sort`, { kind: 'ignore' }).expect(400)).body.error.details[0].field).to.equal('confirm');

    // Boris is responsible for it (a plain manager sorting a new supplier): he sees it, and its overdue notice reaches his WeChat.
    const page = (await boris.agent.get('/api/console/suppliers/D01/page').expect(200)).body;
    expect(page.manager.name).to.equal('Boris');
    await makeOrder('D01', { number: 'PO-DAY1-HTTP', planned: plannedChain(new Date('2026-11-01T00:00:00Z')) });
    const now = new Date('2026-11-10T09:00:00Z');
    expect((await scanOverdue(now)).enqueued).to.be.greaterThan(0);
    await rig.delivery.tick(now);
    // The manager's notice reaches Boris's WeChat (the colleague's chat with the bot), in English.
    const toBoris = await until(
      'notice in Boris’s WeChat',
      async () => {
        const dm = await Thread.findOne({ key: 'dm:wx-colleague' }).lean();
        return dm ? Message.findOne({ threadId: dm._id, direction: 'out', text: /PO-DAY1-HTTP/ }).lean() : undefined;
      },
      20_000,
    );
    expect(toBoris.text).to.match(/overdue|late/i);

    // The card: figures per currency, cooperating since, tagged code once the tag exists.
    const page2 = (await boris.agent.get('/api/console/suppliers/D01/page').expect(200)).body;
    expect(page2.totals).to.deep.include({ ordersCount: 1, openCount: 1 });
    expect(page2.totals.byCurrency).to.deep.equal([{ currency: 'USD', orders: 1, total: '6250.00', average: '6250.00' }]);
  });

  it('profile edit, duplicates, merge (earliest code survives), filters, friend requests, passwords, sessions, deactivation', async () => {
    const admin = await signedInAgent(rig.url);
    const post = csrfPost;
    const patch = (a: typeof admin, path: string, body: unknown) =>
      a.agent
        .patch(path)
        .set('X-CSRF-Token', a.csrf)
        .send(body as object);

    const first = (
      await post(admin, '/api/console/suppliers', {
        name: '奥吉电器',
        legalName: '宁波奥吉电器有限公司',
        region: 'Zhejiang',
        province: 'Ningbo',
        categories: ['motors'],
        certifications: ['CE'],
      }).expect(201)
    ).body;
    expect(first.supplier.code).to.equal('001');
    expect(first.possibleDuplicates).to.deep.equal([]);
    const second = (await post(admin, '/api/console/suppliers', { name: '奥吉电器 (2)', legalName: '宁波奥吉电器有限公司', phones: ['+86 138 0000 1111'] }).expect(201)).body;
    expect(second.possibleDuplicates.map((d: { supplier: { code: string } }) => d.supplier.code)).to.deep.equal(['001']);
    expect(second.possibleDuplicates[0].reasons).to.include('same legal name');

    // Edit: every field checked at once; the segment change recorded.
    const bad = await patch(admin, '/api/console/suppliers/002', { taxId: 'x', emails: ['not-an-email'] }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).to.deep.equal(['emails', 'taxId']);
    const edited = (await patch(admin, '/api/console/suppliers/002', { paymentTerms: '30% deposit, 70% before shipment', segment: 'strategic', capacity: '20k pcs/month', port: 'Ningbo' }).expect(200))
      .body;
    expect(edited.supplier).to.include({ paymentTerms: '30% deposit, 70% before shipment', segment: 'strategic', port: 'Ningbo' });
    expect(edited.possibleDuplicates.map((d: { supplier: { code: string } }) => d.supplier.code)).to.deep.equal(['001']);

    // Filters: equality on region, category, certification, segment.
    const names = async (q: string) => ((await admin.agent.get(`/api/console/suppliers?${q}`).expect(200)).body.items as { code: string }[]).map((s) => s.code);
    expect(await names('region=Zhejiang')).to.deep.equal(['001']);
    expect(await names('category=motors&certification=CE')).to.deep.equal(['001']);
    expect(await names('segment=strategic')).to.deep.equal(['002']);
    expect((await admin.agent.get('/api/console/supplier-filters').expect(200)).body.regions).to.deep.equal(['Zhejiang']);

    // A merge cannot be undone: a plain manager (even responsible for both) is refused; head and admin may.
    await post(admin, '/api/console/managers', { login: 'mona', name: 'Mona', password: 'mona-password-1', role: 'manager', seesAll: true }).expect(201);
    const mona = await signedInAgent(rig.url, 'mona', 'mona-password-1');
    expect((await post(mona, '/api/console/suppliers/002/merge', { other: '001' }).expect(403)).body.error.message).to.match(/head of purchasing or admin/);
    expect((await mona.agent.get('/api/console/suppliers/002/page').expect(200)).body.profile.formerCodes).to.deep.equal([]); // nothing moved
    // Merge 002 into 001 from 002's page: the earliest code (001) survives; 002 resolves to it.
    expect((await post(admin, '/api/console/suppliers/001/merge', { other: '001' }).expect(400)).body.error.message).to.match(/into itself/);
    const merged = (await post(admin, '/api/console/suppliers/002/merge', { other: '001' }).expect(200)).body;
    expect(merged.supplier.code).to.equal('001');
    expect(merged.supplier.formerCodes).to.deep.equal(['002']);
    expect(merged.supplier.merges).to.have.length(1);
    expect((await admin.agent.get('/api/console/suppliers/002/page').expect(200)).body.code).to.equal('001');
    expect(await names('')).to.deep.equal(['001']);

    // Friend requests: the greeting translated; a decision once.
    await recordFriendRequest({ requestId: 'fr-http-1', wechatId: 'wx-new-friend', name: '小王', hello: '你好，我是工厂的销售' }, new Date());
    const frs = (await admin.agent.get('/api/console/friend-requests').expect(200)).body.items;
    expect(frs).to.have.length(1);
    expect(frs[0].helloTranslated).to.be.a('string').and.not.equal('');
    expect((await post(admin, `/api/console/friend-requests/${frs[0].id}/decision`, { accept: true }).expect(200)).body.status).to.equal('accepting');
    expect((await post(admin, `/api/console/friend-requests/${frs[0].id}/decision`, { accept: false }).expect(409)).body.error.message).to.match(/accepted already/);

    // Accounts: a head, edits, own password, sessions, reset, deactivate and reactivate.
    const head = (await post(admin, '/api/console/managers', { login: 'hana', name: 'Hana', password: 'hana-password-1', role: 'head' }).expect(201)).body;
    expect(head).to.include({ role: 'head', seesAll: true });
    const hEdit = (await patch(admin, `/api/console/managers/${head.id}`, { language: 'ru', timezone: 'Asia/Shanghai', workingHours: { from: '09:00', to: '18:00' } }).expect(200)).body;
    expect(hEdit).to.include({ language: 'ru', timezone: 'Asia/Shanghai' });
    await patch(admin, `/api/console/managers/${head.id}`, { workingHours: { from: '18:00', to: '09:00' } }).expect(400);
    const hana = await signedInAgent(rig.url, 'hana', 'hana-password-1');
    const hana2 = await signedInAgent(rig.url, 'hana', 'hana-password-1');
    const sessions = (await hana.agent.get('/api/console/me/sessions').expect(200)).body.items as { id: string; current: boolean }[];
    expect(sessions).to.have.length(2);
    const otherOne = sessions.find((s) => !s.current)!;
    await hana.agent.delete(`/api/console/me/sessions/${otherOne.id}`).set('X-CSRF-Token', hana.csrf).expect(204);
    await hana2.agent.get('/api/console/me/sessions').expect(401);
    const wrong = await hana.agent.put('/api/console/me/password').set('X-CSRF-Token', hana.csrf).send({ oldPassword: 'not-it', newPassword: 'hana-password-2' }).expect(400);
    expect(wrong.body.error.details[0].field).to.equal('oldPassword');
    await hana.agent.put('/api/console/me/password').set('X-CSRF-Token', hana.csrf).send({ oldPassword: 'hana-password-1', newPassword: 'hana-password-2' }).expect(204);
    await hana.agent.get('/api/console/me/sessions').expect(200); // this session stays
    await signedInAgent(rig.url, 'hana', 'hana-password-2');
    await admin.agent.put(`/api/console/managers/${head.id}/password`).set('X-CSRF-Token', admin.csrf).send({ password: 'hana-password-3' }).expect(204);
    await hana.agent.get('/api/console/me/sessions').expect(401); // a reset ends every session
    const hana3 = await signedInAgent(rig.url, 'hana', 'hana-password-3');
    await post(admin, `/api/console/managers/${head.id}/deactivate`, {}).expect(204);
    await hana3.agent.get('/api/console/me/sessions').expect(401);
    expect((await admin.agent.get('/api/console/managers').expect(200)).body.items.find((m: { id: string }) => m.id === head.id).active).to.equal(false);
    expect((await post(admin, `/api/console/managers/${admin.user.id}/deactivate`, {}).expect(409)).body.error.message).to.match(/yourself/);
    await post(admin, `/api/console/managers/${head.id}/reactivate`, {}).expect(204);
    await signedInAgent(rig.url, 'hana', 'hana-password-3');
  });

  it('"run checks now" (head/admin): the real overdue job runs at once and the tagged notice reaches the linked manager’s WeChat', async () => {
    const admin = await signedInAgent(rig.url);
    const post = csrfPost;
    // Boris links his WeChat (the colleague's simulated one) with /link.
    await post(admin, '/api/console/managers', { login: 'boris', name: 'Boris', password: 'boris-password-1', role: 'manager', language: 'en', timezone: 'Europe/Moscow' }).expect(201);
    const boris = await signedInAgent(rig.url, 'boris', 'boris-password-1');
    rig.bot.sb.say('c', (await post(boris, '/api/console/me/wechat/link-code', {}).expect(201)).body.command);
    await until('linked', async () => ((await boris.agent.get('/api/console/me/wechat').expect(200)).body.linked ? true : undefined));

    // A supplier of Boris's, tagged once its first order exists, with an order late since days.
    const now = (deliveryAt = workingNoon()); // 12:00 in Moscow on a working day, the scan and the delivery alike
    const s = await createSupplier({ name: '宁波电机厂', managerId: boris.user.id });
    const tag = (body: unknown) =>
      boris.agent
        .put(`/api/console/suppliers/${s.code}/tag`)
        .set('X-CSRF-Token', boris.csrf)
        .send(body as object);
    // The tag comes once the first order exists: before, a clear refusal that changes nothing.
    expect((await tag({ country: 'CN', abbr: 'NB' }).expect(400)).body.error.message).to.match(/no orders yet/);
    expect((await tag({ country: 'CHN', abbr: 'NB' }).expect(400)).body.error.details[0].field).to.equal('country');
    await makeOrder(s.code, { number: 'PO-RUN-NOW', planned: plannedChain(new Date(now.getTime() - 20 * 86_400_000)) });
    expect((await tag({ country: 'cn', abbr: 'nb' }).expect(200)).body).to.include({ code: s.code, tag: 'CNNB', shownCode: `${s.code} CNNB` });

    // The scheduler runs in its own process as in production; it schedules no periodic job here.
    const scheduler = await createScheduler({ settings: { performance: DEFAULT_SETTINGS }, clock: () => now, processEvery: 100, name: 'run-now', jobs: [] });
    await scheduler.start();
    try {
      // A plain manager may not; the head of purchasing and the admin may.
      expect((await post(boris, '/api/console/checks/run', {}).expect(403)).body.error.message).to.match(/head of purchasing or admin/);
      const queued = (await post(admin, '/api/console/checks/run', {}).expect(202)).body;
      expect(queued.queued).to.include('overdue-scan');
      const toBoris = await until(
        'overdue notice in Boris’s WeChat',
        async () => {
          const dm = await Thread.findOne({ key: 'dm:wx-colleague' }).lean();
          return dm ? Message.findOne({ threadId: dm._id, direction: 'out', text: /PO-RUN-NOW/ }).lean() : undefined;
        },
        20_000,
      );
      // The notice names the supplier by its tagged code, as everywhere a code is shown.
      expect(toBoris.text).to.include(`${s.code} CNNB`).and.match(/late/);
      // Asked again, the scan runs again but sends nothing twice (its notice keys carry the day).
      await scheduler.idle();
      await rig.delivery.idle();
      const dm = (await Thread.findOne({ key: 'dm:wx-colleague' }).lean())!;
      const sent = await Message.countDocuments({ threadId: dm._id, direction: 'out', text: /PO-RUN-NOW/ });
      expect(sent).to.be.greaterThan(0); // one per late milestone
      await post(admin, '/api/console/checks/run', {}).expect(202);
      await scheduler.idle();
      await rig.delivery.idle();
      expect(await Message.countDocuments({ threadId: dm._id, direction: 'out', text: /PO-RUN-NOW/ })).to.equal(sent);
    } finally {
      await withTimeout(scheduler.stop(), 15_000, 'scheduler stop');
    }

    // The API the console and mini-program read shows the tagged code beside the plain one.
    const list = (await boris.agent.get(`/api/orders?supplier=${encodeURIComponent(`${s.code} CNNB`)}`).expect(200)).body.items;
    expect(list.map((o: { supplierCode: string; supplierShownCode: string }) => [o.supplierCode, o.supplierShownCode])).to.deep.equal([[s.code, `${s.code} CNNB`]]);
  });

  it("a contact's and a supplier's time zone and language, edited over HTTP: checked, access-checked, shown in the thread", async () => {
    const admin = await signedInAgent(rig.url);
    const put = (a: typeof admin, path: string, body: unknown) =>
      a.agent
        .put(path)
        .set('X-CSRF-Token', a.csrf)
        .send(body as object);
    const s = await createSupplier({ name: '义乌工艺品' });
    const contact = await Contact.create({ wechatId: 'wx-tz-1', name: '李小姐', supplierId: s._id, status: 'sorted' });
    const thread = await Thread.create({ key: 'dm:wx-tz-1', kind: 'dm', supplierId: s._id, contactWechatId: 'wx-tz-1', lastMessageAt: new Date(), status: 'sorted' });
    // Defaults: Chinese, China time.
    const before = (await admin.agent.get(`/api/console/threads/${thread._id}`).expect(200)).body;
    expect(before.contact).to.include({ id: String(contact._id), timezone: 'Asia/Shanghai', language: 'zh' });

    // Bad values are refused with the field named, and change nothing.
    const badTz = await put(admin, `/api/contacts/${contact._id}`, { timezone: 'Mars/Olympus', language: 'en' }).expect(400);
    expect(badTz.body.error.details.map((d: { field: string }) => d.field)).to.include('timezone');
    const badLang = await put(admin, `/api/contacts/${contact._id}`, { language: 'fr' }).expect(400);
    expect(badLang.body.error.details[0].field).to.equal('language');
    expect(await Contact.findOne({ _id: contact._id }, { timezone: 1, language: 1 }).lean()).to.include({ timezone: 'Asia/Shanghai', language: 'zh' });

    const ok = (await put(admin, `/api/contacts/${contact._id}`, { timezone: 'Europe/Berlin', language: 'en' }).expect(200)).body;
    expect(ok).to.include({ timezone: 'Europe/Berlin', language: 'en' });
    const after = (await admin.agent.get(`/api/console/threads/${thread._id}`).expect(200)).body;
    expect(after.contact).to.include({ timezone: 'Europe/Berlin', language: 'en' });
    expect(after.timezone).to.equal('Europe/Berlin'); // the thread's local time follows the contact
    const page = (await admin.agent.get(`/api/console/suppliers/${s.code}/page`).expect(200)).body;
    expect(page.contacts[0]).to.include({ timezone: 'Europe/Berlin', language: 'en' });

    // The supplier's own time zone and language (its page's profile form).
    const patched = (await admin.agent.patch(`/api/console/suppliers/${s.code}`).set('X-CSRF-Token', admin.csrf).send({ timezone: 'Asia/Ho_Chi_Minh', language: 'en' }).expect(200)).body.supplier;
    expect(patched).to.include({ timezone: 'Asia/Ho_Chi_Minh', language: 'en' });
    await admin.agent.patch(`/api/console/suppliers/${s.code}`).set('X-CSRF-Token', admin.csrf).send({ timezone: 'Nowhere/City' }).expect(400);

    // A manager who may not see the supplier does not find its contact.
    await a_manager(admin);
    const max = await signedInAgent(rig.url, 'max', 'max-password-1');
    await put(max, `/api/contacts/${contact._id}`, { language: 'zh' }).expect(404);
    expect(await Contact.findOne({ _id: contact._id }, { language: 1 }).lean()).to.include({ language: 'en' });
  });

  async function a_manager(admin: Awaited<ReturnType<typeof signedInAgent>>) {
    await admin.agent.post('/api/console/managers').set('X-CSRF-Token', admin.csrf).send({ login: 'max', name: 'Max', password: 'max-password-1', role: 'manager', seesAll: false }).expect(201);
  }
});
