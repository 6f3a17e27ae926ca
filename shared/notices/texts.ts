// Notice texts: short, bilingual where a supplier chat may hold managers too, always with PO,
// supplier code, milestone, planned date and days late.
export type Lang = 'en' | 'ru';

export const MILESTONE_ZH: Record<string, string> = {
  confirmed: '订单确认',
  materials: '原材料采购',
  production_start: '开始生产',
  production_done: '生产完成',
  inspection: '验货',
  shipped: '出货',
  customs_cleared: '清关',
  delivered: '交货',
};
const MILESTONE_RU: Record<string, string> = {
  confirmed: 'подтверждение',
  materials: 'закупка сырья',
  production_start: 'начало производства',
  production_done: 'окончание производства',
  inspection: 'инспекция',
  shipped: 'отгрузка',
  customs_cleared: 'таможня',
  delivered: 'доставка',
};
const msEn = (m: string) => m.replace(/_/g, ' ');

export interface OverdueFacts {
  po: string;
  code: string;
  milestone: string;
  planned: string; // YYYY-MM-DD
  daysLate: number;
}

export const overdueForSupplier = (f: OverdueFacts) =>
  `【Gendan 提醒】订单 ${f.po}（${f.code}）的「${MILESTONE_ZH[f.milestone] ?? f.milestone}」计划日期 ${f.planned}，已逾期 ${f.daysLate} 天。请更新进度或告知新的预计日期。\n` +
  `Reminder: ${f.po} (${f.code}) ${msEn(f.milestone)} planned ${f.planned} is ${f.daysLate} day(s) late.`;

export const overdueForManager = (f: OverdueFacts, lang: Lang) =>
  lang === 'ru'
    ? `⏰ ${f.po} (${f.code}): этап «${MILESTONE_RU[f.milestone] ?? f.milestone}», план ${f.planned}, просрочка ${f.daysLate} дн.`
    : `⏰ ${f.po} (${f.code}): ${msEn(f.milestone)} planned ${f.planned} is ${f.daysLate} day(s) late.`;

export const preShipmentForSupplier = (f: { po: string; code: string; planned: string; daysLeft?: number }) =>
  `【Gendan 提醒】订单 ${f.po}（${f.code}）计划于 ${f.planned} 出货，还有 ${f.daysLeft ?? 7} 天。请确认货物是否能按时准备好。\n` +
  `${f.po} (${f.code}) ships on ${f.planned}, in ${f.daysLeft ?? 7} day(s): please confirm readiness.`;

export const customsForManager = (f: { po: string; code: string; status: string; reason?: string; expected?: string }, lang: Lang) =>
  lang === 'ru'
    ? `🛃 ${f.po} (${f.code}): таможня — ${f.status === 'held' ? 'задержка' : 'выпущено'}${f.reason ? `: ${f.reason}` : ''}${f.expected ? `, ожидается ${f.expected}` : ''}.`
    : `🛃 ${f.po} (${f.code}): customs ${f.status}${f.reason ? `: ${f.reason}` : ''}${f.expected ? `, expected ${f.expected}` : ''}.`;

export const alertForManager = (text: string, lang: Lang) => (lang === 'ru' ? `⚠️ Gendan: ${text}` : `⚠️ Gendan: ${text}`);
