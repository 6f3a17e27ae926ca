// The weekly report: every Monday (from 08:00 in each manager's zone, by the outbox's quiet
// hours), each active manager with a WeChat id gets last week's report of their orders as an
// XLSX file through the bot, with a one-line summary. Once per manager and week: the notice
// keys carry both; the job may run as often as it likes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtNumber, fmtPercent } from '../i18n/index.js';
import { getLogger } from '../log/index.js';
import { Manager, managerLang, type ManagerDoc } from '../managers/model.js';
import { dmKey } from '../messenger.js';
import type { Currency } from '../money/index.js';
import type { KpiWeights } from '../performance/index.js';
import { enqueueNotice, Notice, NoticeFile } from '../notices/index.js';
import { periodRange } from './index.js';
import { writeXlsx } from './export.js';

const log = getLogger('reports.weekly');
const DAY = 86_400_000;

export async function sendWeeklyReports(now: Date, weights: KpiWeights, currency: Currency = 'USD'): Promise<number> {
  // Last full week, Monday to Monday (UTC days).
  const week = periodRange('week', new Date(now.getTime() - 7 * DAY).toISOString().slice(0, 10));
  const managers = await Manager.find({ active: { $ne: false } }).lean<ManagerDoc[]>();
  let sent = 0;
  for (const m of managers) {
    if (!m.wechatId) continue;
    const key = `weekly-report:${m._id}:${week.from}`;
    if (await Notice.exists({ key: `${key}:file` })) continue; // built already
    const dir = mkdtempSync(join(tmpdir(), 'gendan-weekly-'));
    try {
      const path = join(dir, 'report.xlsx');
      const lang = managerLang(m.language);
      const data = await writeXlsx({ from: week.from, to: week.to, label: week.label, currency, managerId: String(m._id), now, weights, lang }, path);
      const name = `gendan-week-${week.from}-${m.name.replace(/[^\p{L}\p{N}_-]+/gu, '_')}.xlsx`;
      const file = await NoticeFile.create({ name, data: readFileSync(path), createdAt: now });
      // Counts and the share in the manager's locale (az: 1.234 sifariş, 87%; ru: 87 %).
      const n = (x: number) => fmtNumber(lang, x);
      const onTime = fmtPercent(lang, data.milestones.onTimeRate);
      const text =
        lang === 'az'
          ? `📊 ${week.from} həftəsi: ${n(data.orders)} sifariş, mərhələlərin ${onTime} vaxtında, hazırda ${n(data.overdue.length)} gecikmə. Fayl aşağıdadır.`
          : lang === 'ru'
            ? `📊 Отчёт за неделю с ${week.from}: заказов ${n(data.orders)}, в срок ${onTime}, просрочено сейчас ${n(data.overdue.length)}. Файл ниже.`
            : `📊 Week of ${week.from}: ${n(data.orders)} orders, ${onTime} milestones on time, ${n(data.overdue.length)} overdue now. File below.`;
      const recipient = { kind: 'manager' as const, id: String(m._id), timezone: m.timezone };
      await enqueueNotice({ key: `${key}:text`, kind: 'alert', to: dmKey(m.wechatId), recipient, text }, now);
      const created = await enqueueNotice({ key: `${key}:file`, kind: 'alert', to: dmKey(m.wechatId), recipient, text: name, fileId: file._id }, now);
      if (created) sent++;
      else await NoticeFile.deleteOne({ _id: file._id }); // another process queued it first
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (sent) log.info({ managers: sent, week: week.from }, 'weekly reports queued');
  return sent;
}
