// Done-when of issue #26: an Azerbaijani-speaking manager works a whole day in Azerbaijani,
// through the real parts — the server, the bot over wechaty-puppet-mock with the command
// listener, the outbox, the translation service against the TMT fake and the OpenAI fake (zh⇄az
// routed to it), the real database. A supplier's message arrives translated into az; commands
// answer in az, their failures too; the overdue notice and the weekly report (summary, file
// column names) are in az with numbers in the az locale; a report export has az column names;
// API errors for her come in az (and in the console's UI language when it says another).
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createAccount } from '../../shared/managers/accounts.js';
import { Manager } from '../../shared/managers/model.js';
import { Notice, NoticeFile } from '../../shared/notices/index.js';
import { Order } from '../../shared/orders/index.js';
import { DEFAULT_SETTINGS } from '../../shared/performance/index.js';
import { sendWeeklyReports } from '../../shared/reports/weekly.js';
import { scanOverdue } from '../../shared/scheduler/rules.js';
import { Supplier } from '../../shared/suppliers/index.js';
import { Message } from '../../shared/threads/index.js';
import { makeOrder, plannedChain } from '../support/api.js';
import { until } from '../support/bot.js';
import { signedInAgent, startConsoleRig, supplierSays, type ConsoleRig } from '../support/console.js';

const AYSEL = { login: 'aysel', password: 'aysel-password-1', name: 'Aysel Məmmədova' };
const DAY = 86_400_000;
type Tr = Record<string, { text: string; provider?: string }>;
type ErrorBody = { error: { code: string; message: string; details?: { field: string; message: string }[] } };

describe("an Azerbaijani-speaking manager's day (#26)", function () {
  this.timeout(90_000);
  let rig: ConsoleRig;

  beforeEach(async () => {
    rig = await startConsoleRig({ openai: true, commands: true });
  });
  afterEach(async () => {
    await rig.stop();
  });

  /** Aysel writes to the bot from her WeChat (the sandbox's manager contact); resolves with the bot's answer. */
  async function aysel(text: string): Promise<string> {
    const before = await Message.countDocuments({ direction: 'out' });
    rig.bot.sb.say('m', text);
    return until(`the answer to ${text}`, async () => {
      const out = await Message.find({ direction: 'out' }).sort({ ts: 1, _id: 1 }).lean();
      return out.length > before ? out.at(-1)!.text : undefined;
    });
  }

  it('works the whole day in Azerbaijani: chat, commands, notices, reports, errors', async () => {
    const me = await createAccount({ ...AYSEL, role: 'manager', language: 'az' });
    await Manager.updateOne({ _id: me.id }, { $set: { secondLanguage: 'ru', seesAll: true, wechatId: 'mgr-anna', timezone: 'UTC' } });

    // Morning: the factory writes in Chinese; she reads it in Azerbaijani (OpenAI), terms intact.
    const thread = await supplierSays(rig, 0, 'PO-AZ-1 的大货下周出货，共500pcs');
    await Supplier.updateOne({ _id: thread.supplierId }, { $set: { managerId: me.id } });
    const code = (await Supplier.findOne({ _id: thread.supplierId }).lean())!.code;
    const inbound = await until('translated into az', async () => {
      const m = await Message.findOne({ text: 'PO-AZ-1 的大货下周出货，共500pcs' }).lean();
      return m?.translationStatus === 'done' ? m : undefined;
    });
    expect((inbound.translations as unknown as Tr).az).to.deep.include({ text: '〔az〕PO-AZ-1 的大货下周出货，共500pcs', provider: 'openai' });
    expect(rig.openai!.requests.flatMap((r) => r.texts).join()).not.to.include('PO-AZ-1');

    // Her order, a month behind plan.
    const o = await makeOrder(code, { number: 'PO-AZ-1', managerId: me.id, planned: plannedChain(new Date(Date.now() - 40 * DAY)) });
    // Ordered last week (straight through the driver: mongoose keeps createdAt immutable).
    const lastWeek = new Date(Date.now() - 7 * DAY);
    lastWeek.setUTCDate(lastWeek.getUTCDate() - ((lastWeek.getUTCDay() + 6) % 7) + 2); // its Wednesday
    await Order.collection.updateOne({ _id: o._id }, { $set: { createdAt: lastWeek } });

    // Commands in WeChat: answers and failures in Azerbaijani.
    expect(await aysel('/po PO-AZ-1')).to.match(new RegExp(`^PO-AZ-1 · təchizatçı ${code} · açıq\\n[\\s\\S]*\\nGömrük: yoxdur$`));
    expect(await aysel('/po PO-YOXDUR')).to.equal('PO-YOXDUR sifarişi yoxdur.');
    expect(await aysel('/plan PO-AZ-1 shipped sabah')).to.match(/^⚠️ «sabah» tarix deyil \(İİİİ-AA-GG\)\nİstifadə: \/plan /);
    expect(await aysel('/done PO-AZ-1 confirmed 2099-01-01')).to.equal('⚠️ faktiki tarix gələcəkdə ola bilməz');
    expect(await aysel('/overdue')).to.match(new RegExp(`^Gecikənlər \\(1\\):\\nPO-AZ-1 · ${code} · gecikir: təsdiq \\d{4}-\\d\\d-\\d\\d \\(\\d+ gün gecikmə\\), xammal alışı .* gün gecikmə\\)$`));

    // The overdue notice, in Azerbaijani.
    await scanOverdue(new Date());
    const overdue = await until('overdue notice', () => Notice.findOne({ to: 'dm:mgr-anna', orderId: o._id }).lean());
    expect(overdue.text).to.match(/^⏰ PO-AZ-1 \(.*\): \d+ mərhələ gecikir\n• «.*», plan \d{4}-\d\d-\d\d, gecikmə \d+ gün/);

    // Monday: the weekly report — summary in Azerbaijani with az numbers, the file's sheets and columns in az.
    expect(await sendWeeklyReports(new Date(), DEFAULT_SETTINGS.weights)).to.equal(1);
    const summary = (await Notice.findOne({ to: 'dm:mgr-anna', key: /^weekly-report:.*:text$/ }).lean())!;
    expect(summary.text).to.match(/^📊 \d{4}-\d\d-\d\d həftəsi: 1 sifariş, mərhələlərin (—|\d+%) vaxtında, hazırda \d+ gecikmə\. Fayl aşağıdadır\.$/);
    const fileNotice = (await Notice.findOne({ to: 'dm:mgr-anna', key: /^weekly-report:.*:file$/ }).lean())!;
    const f = (await NoticeFile.findOne({ _id: fileNotice.fileId }).lean())!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((Buffer.isBuffer(f.data) ? f.data : Buffer.from((f.data as unknown as { buffer: ArrayBuffer }).buffer)) as unknown as Parameters<typeof wb.xlsx.load>[0]);
    expect(wb.worksheets.map((w) => w.name)).to.include.members(['Xülasə', 'Sifarişlər']);
    const head = (wb.getWorksheet('Sifarişlər')!.getRow(1).values as unknown[]).filter(Boolean);
    expect(head).to.include.members(['Sifariş', 'Təchizatçı']);
    expect(wb.getWorksheet('Sifarişlər')!.getRow(2).getCell(1).value).to.equal('PO-AZ-1');

    // In the console (the API as the console calls it): a report export with az column names …
    const { agent, csrf } = await signedInAgent(rig.url, AYSEL.login, AYSEL.password);
    const csv = await agent.get('/api/reports?format=csv&period=month').buffer(true);
    expect(csv.status).to.equal(200);
    expect(String(csv.text ?? csv.body).split('\n')[0])
      .to.include('Sifariş')
      .and.include('Təchizatçı');

    // … and the errors she meets, in Azerbaijani: a duplicate PO, a form with a field missing,
    // an order that is not there, a page for admins.
    const dup = await agent.post('/api/orders').set('X-CSRF-Token', csrf).send({ number: 'PO-AZ-1', supplierCode: code });
    expect(dup.status).to.equal(409);
    expect(dup.body).to.deep.equal({
      error: { code: 'conflict', message: 'PO-AZ-1 sifarişi artıq mövcuddur', details: [{ field: 'number', message: 'PO-AZ-1 sifarişi artıq mövcuddur' }] },
    } satisfies ErrorBody);
    const missing = await agent.post('/api/orders').set('X-CSRF-Token', csrf).send({ supplierCode: code });
    expect(missing.status).to.equal(400);
    expect((missing.body as ErrorBody).error.message).to.equal('sorğunun məlumatları yanlışdır (body)');
    expect((missing.body as ErrorBody).error.details).to.deep.include({ field: 'number', message: 'tələb olunur' });
    const bad = await agent.post('/api/orders').set('X-CSRF-Token', csrf).send({ number: '#1', supplierCode: code });
    expect((bad.body as ErrorBody).error.details).to.deep.include({ field: 'number', message: 'yalnız hərflər, rəqəmlər və - _ . /' });
    const none = await agent.get('/api/orders/0123456789abcdef01234567');
    expect([none.status, (none.body as ErrorBody).error.message]).to.deep.equal([404, 'sifariş tapılmadı']);
    const noSupplier = await agent.get('/api/console/suppliers/Z99/page');
    expect([noSupplier.status, (noSupplier.body as ErrorBody).error.message]).to.deep.equal([404, 'Z99 kodlu təchizatçı yoxdur']);
    const admin = await agent.get('/api/console/managers');
    expect([admin.status, (admin.body as ErrorBody).error.message]).to.deep.equal([403, 'yalnız administrator üçün']);
    // The console's UI language, when it says another one, wins; English is the fallback.
    const en = await agent.post('/api/orders').set('X-CSRF-Token', csrf).set('Accept-Language', 'en').send({ number: 'PO-AZ-1', supplierCode: code });
    expect((en.body as ErrorBody).error.message).to.equal('order PO-AZ-1 exists already');
    const ru = await agent.get('/api/console/managers').set('Accept-Language', 'ru-RU,ru;q=0.9');
    expect((ru.body as ErrorBody).error.message).to.equal('только для администратора');
    const zh = await agent.get('/api/console/managers').set('Accept-Language', 'zh-CN');
    expect((zh.body as ErrorBody).error.message, 'a language we do not write: hers').to.equal('yalnız administrator üçün');
  });
});
