// Notice texts: short, bilingual where a supplier chat may hold managers too (English only for a
// supplier who reads English), always with PO, supplier code, milestone, planned date and days
// late; managers read them in English, Russian or Azerbaijani.
export type { ManagerLang as Lang } from '../managers/model.js';
import type { ManagerLang as Lang } from '../managers/model.js';
import { fmtNumber } from '../i18n/index.js';

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
export const MILESTONE_RU: Record<string, string> = {
  confirmed: 'подтверждение',
  materials: 'закупка сырья',
  production_start: 'начало производства',
  production_done: 'окончание производства',
  inspection: 'инспекция',
  shipped: 'отгрузка',
  customs_cleared: 'таможня',
  delivered: 'доставка',
};
export const MILESTONE_AZ: Record<string, string> = {
  confirmed: 'təsdiq',
  materials: 'xammal alışı',
  production_start: 'istehsalın başlanması',
  production_done: 'istehsalın bitməsi',
  inspection: 'yoxlama',
  shipped: 'yükləmə',
  customs_cleared: 'gömrük',
  delivered: 'çatdırılma',
};
const msEn = (m: string) => m.replace(/_/g, ' ');
/** A milestone's name in the manager's language. */
const msName = (m: string, lang: Lang) => (lang === 'ru' ? (MILESTONE_RU[m] ?? m) : lang === 'az' ? (MILESTONE_AZ[m] ?? msEn(m)) : msEn(m));
/** The text of `lang` among the three. */
const pick = <T>(lang: Lang, v: { en: T; ru: T; az: T }): T => v[lang] ?? v.en;
/** The partner's (supplier's) language: Chinese with an English line, or English only. */
export type SupplierLang = 'zh' | 'en';

export interface OverdueFacts {
  po: string;
  code: string;
  milestone: string;
  planned: string; // YYYY-MM-DD
  daysLate: number;
  /** The supplier's name (Chinese) and, when known, its English name. */
  supplier?: string;
  supplierEn?: string;
  /** The order's items (first few). */
  items?: string[];
  /** The responsible manager's name. */
  manager?: string;
  /** The first agreed date, when the planned date was moved since. */
  baseline?: string;
}

const itemsOf = (f: OverdueFacts, sep: string) => (f.items?.length ? f.items.slice(0, 3).join(sep) + (f.items.length > 3 ? ` +${f.items.length - 3}` : '') : '');

export const overdueForSupplier = (f: OverdueFacts, lang: SupplierLang = 'zh') => {
  if (lang === 'en') {
    const items = itemsOf(f, ', ');
    return (
      `[Gendan reminder] ${f.supplierEn ?? f.supplier ?? ''} (${f.code}) order ${f.po}${items ? ` (${items})` : ''}: ${msEn(f.milestone)} was planned for ${f.planned} and is ${f.daysLate} day(s) late. ` +
      `Please update the progress or tell us the new expected date.${f.manager ? ` Responsible: ${f.manager}.` : ''}`
    );
  }
  const items = itemsOf(f, '、');
  return (
    `【Gendan 提醒】${f.supplier ? `${f.supplier}（${f.code}）` : `（${f.code}）`}订单 ${f.po}${items ? `「${items}」` : ''}的「${MILESTONE_ZH[f.milestone] ?? f.milestone}」计划日期 ${f.planned}，已逾期 ${f.daysLate} 天。请更新进度或告知新的预计日期。${f.manager ? `负责人：${f.manager}` : ''}\n` +
    `Reminder: ${f.po} (${f.code}) ${msEn(f.milestone)} planned ${f.planned} is ${f.daysLate} day(s) late.`
  );
};

export const overdueForManager = (f: OverdueFacts, lang: Lang) => {
  const items = itemsOf(f, ', ');
  const who = f.supplierEn ?? f.supplier;
  if (lang === 'az')
    return (
      `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): «${msName(f.milestone, lang)}» mərhələsi, plan ${f.planned}, gecikmə ${fmtNumber(lang, f.daysLate)} gün.` +
      `${f.baseline ? ` İlkin razılaşma ${f.baseline}.` : ''}${items ? ` Mallar: ${items}.` : ''}${f.manager ? ` Məsul: ${f.manager}.` : ''}`
    );
  return lang === 'ru'
    ? `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): этап «${MILESTONE_RU[f.milestone] ?? f.milestone}», план ${f.planned}, просрочка ${fmtNumber(lang, f.daysLate)} дн.` +
        `${f.baseline ? ` Первоначально ${f.baseline}.` : ''}${items ? ` Товары: ${items}.` : ''}${f.manager ? ` Ответственный: ${f.manager}.` : ''}`
    : `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): ${msEn(f.milestone)} planned ${f.planned} is ${fmtNumber(lang, f.daysLate)} day(s) late.` +
        `${f.baseline ? ` First agreed ${f.baseline}.` : ''}${items ? ` Items: ${items}.` : ''}${f.manager ? ` Responsible: ${f.manager}.` : ''}`;
};

/**
 * Several milestones of one order late at once: one message listing them (the single text when
 * only one is late). `facts` share the order's PO, supplier, items and manager.
 */
export const overdueListForSupplier = (facts: OverdueFacts[], lang: SupplierLang = 'zh') => {
  if (facts.length === 1) return overdueForSupplier(facts[0]!, lang);
  const f = facts[0]!;
  if (lang === 'en') {
    const items = itemsOf(f, ', ');
    const lines = facts.map((x) => `• ${msEn(x.milestone)} planned ${x.planned}: ${x.daysLate} day(s) late`);
    return (
      `[Gendan reminder] ${f.supplierEn ?? f.supplier ?? ''} (${f.code}) order ${f.po}${items ? ` (${items})` : ''}: ${facts.length} milestones late:\n${lines.join('\n')}\n` +
      `Please update the progress or tell us the new expected dates.${f.manager ? ` Responsible: ${f.manager}.` : ''}`
    );
  }
  const items = itemsOf(f, '、');
  const lines = facts.map((x) => `• 「${MILESTONE_ZH[x.milestone] ?? x.milestone}」计划日期 ${x.planned}，已逾期 ${x.daysLate} 天`);
  return (
    `【Gendan 提醒】${f.supplier ? `${f.supplier}（${f.code}）` : `（${f.code}）`}订单 ${f.po}${items ? `「${items}」` : ''}有 ${facts.length} 个节点已逾期：\n${lines.join('\n')}\n` +
    `请更新进度或告知新的预计日期。${f.manager ? `负责人：${f.manager}` : ''}\n` +
    `Reminder: ${f.po} (${f.code}) ${facts.length} milestones late: ${facts.map((x) => `${msEn(x.milestone)} planned ${x.planned} (${x.daysLate} d)`).join(', ')}.`
  );
};

export const overdueListForManager = (facts: OverdueFacts[], lang: Lang) => {
  if (facts.length === 1) return overdueForManager(facts[0]!, lang);
  const f = facts[0]!;
  const items = itemsOf(f, ', ');
  const who = f.supplierEn ?? f.supplier;
  const lines = facts.map((x) =>
    pick(lang, {
      en: `• ${msEn(x.milestone)} planned ${x.planned} is ${fmtNumber(lang, x.daysLate)} day(s) late${x.baseline ? ` (first agreed ${x.baseline})` : ''}`,
      ru: `• «${MILESTONE_RU[x.milestone] ?? x.milestone}», план ${x.planned}, просрочка ${fmtNumber(lang, x.daysLate)} дн.${x.baseline ? ` (первоначально ${x.baseline})` : ''}`,
      az: `• «${msName(x.milestone, lang)}», plan ${x.planned}, gecikmə ${fmtNumber(lang, x.daysLate)} gün${x.baseline ? ` (ilkin ${x.baseline})` : ''}`,
    }),
  );
  return pick(lang, {
    en: `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): ${fmtNumber(lang, facts.length)} milestones late\n${lines.join('\n')}${items ? `\nItems: ${items}.` : ''}${f.manager ? ` Responsible: ${f.manager}.` : ''}`,
    ru: `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): просрочено этапов: ${fmtNumber(lang, facts.length)}\n${lines.join('\n')}${items ? `\nТовары: ${items}.` : ''}${f.manager ? ` Ответственный: ${f.manager}.` : ''}`,
    az: `⏰ ${f.po} (${f.code}${who ? ` ${who}` : ''}): ${fmtNumber(lang, facts.length)} mərhələ gecikir\n${lines.join('\n')}${items ? `\nMallar: ${items}.` : ''}${f.manager ? ` Məsul: ${f.manager}.` : ''}`,
  });
};

/** The daily list of a manager's open orders whose milestones have no planned date. */
export const undatedForManager = (orders: { po: string; code: string; milestones: string[] }[], lang: Lang) => {
  const lines = orders.slice(0, 30).map((o) => `• ${o.po} (${o.code}): ${o.milestones.map((m) => msName(m, lang)).join(', ')}`);
  const more = orders.length > 30 ? `\n… +${orders.length - 30}` : '';
  return (
    pick(lang, {
      en: `📅 Needs a date (${fmtNumber(lang, orders.length)}):\n`,
      ru: `📅 Нужна дата (${fmtNumber(lang, orders.length)}):\n`,
      az: `📅 Tarix lazımdır (${fmtNumber(lang, orders.length)}):\n`,
    }) +
    lines.join('\n') +
    more
  );
};

/** A supplier's change in the mini-program (date moved, stage done, customs problem), one line each. */
export interface SupplierChange {
  kind: 'moved' | 'done' | 'customs' | 'note' | 'readiness';
  /** readiness: the supplier's answer. */
  ready?: boolean;
  milestone?: string;
  from?: string;
  to?: string;
  /** The supplier's own words and, when translated, the manager-language text. */
  text?: { original: string; translated?: string };
  photos?: number;
  at: string; // HH:MM UTC
}

const changeLine = (c: SupplierChange, lang: Lang) => {
  const ms = c.milestone ? msName(c.milestone, lang) : '';
  const words = c.text ? (c.text.translated && c.text.translated !== c.text.original ? ` — «${c.text.translated}» (${c.text.original})` : ` — «${c.text.original}»`) : '';
  if (lang === 'az') {
    if (c.kind === 'moved') return `• ${ms}: tarix dəyişdirildi ${c.from ?? '—'} → ${c.to ?? '—'}${words}`;
    if (c.kind === 'done') return `• ${ms}: tamamlandı ${c.to ?? ''}${c.photos ? `, foto: ${c.photos}` : ''}${words}`;
    if (c.kind === 'readiness') return c.ready ? `• yükləməyə hazırlıq: hazırdır${words}` : `• yükləməyə hazırlıq: hazır DEYİL, yeni tarix ${c.to ?? '—'}${words}`;
    if (c.kind === 'note') return `• ${ms}: qeyd${words}`;
    return `• gömrük: problem${c.to ? `, gözlənilir ${c.to}` : ''}${words}`;
  }
  if (c.kind === 'moved') return lang === 'ru' ? `• ${ms}: дата перенесена ${c.from ?? '—'} → ${c.to ?? '—'}${words}` : `• ${ms}: date moved ${c.from ?? '—'} → ${c.to ?? '—'}${words}`;
  if (c.kind === 'done') {
    const ph = c.photos ? (lang === 'ru' ? `, фото: ${c.photos}` : `, ${c.photos} photo(s)`) : '';
    return lang === 'ru' ? `• ${ms}: выполнено ${c.to ?? ''}${ph}${words}` : `• ${ms}: done ${c.to ?? ''}${ph}${words}`;
  }
  if (c.kind === 'readiness') {
    if (c.ready) return lang === 'ru' ? `• готовность к отгрузке: готов${words}` : `• shipment readiness: ready${words}`;
    return lang === 'ru' ? `• готовность к отгрузке: НЕ готов, новая дата ${c.to ?? '—'}${words}` : `• shipment readiness: NOT ready, new date ${c.to ?? '—'}${words}`;
  }
  if (c.kind === 'note') return lang === 'ru' ? `• ${ms}: примечание${words}` : `• ${ms}: note${words}`;
  return lang === 'ru' ? `• таможня: проблема${c.to ? `, ожидается ${c.to}` : ''}${words}` : `• customs problem${c.to ? `, expected ${c.to}` : ''}${words}`;
};

export const supplierChangesForManager = (f: { po: string; code: string; supplier?: string }, changes: SupplierChange[], lang: Lang) =>
  pick(lang, {
    en: `✏️ ${f.po} (${f.code}${f.supplier ? ` ${f.supplier}` : ''}): the supplier changed in the mini-program:\n`,
    ru: `✏️ ${f.po} (${f.code}${f.supplier ? ` ${f.supplier}` : ''}): поставщик изменил в мини-программе:\n`,
    az: `✏️ ${f.po} (${f.code}${f.supplier ? ` ${f.supplier}` : ''}): təchizatçı mini-proqramda dəyişdi:\n`,
  }) + changes.map((c) => changeLine(c, lang)).join('\n');

export const preShipmentForSupplier = (f: { po: string; code: string; planned: string; daysLeft?: number }, lang: SupplierLang = 'zh') =>
  lang === 'en'
    ? `[Gendan reminder] Order ${f.po} (${f.code}) ships on ${f.planned}, in ${f.daysLeft ?? 7} day(s). Please confirm the goods will be ready on time.`
    : `【Gendan 提醒】订单 ${f.po}（${f.code}）计划于 ${f.planned} 出货，还有 ${f.daysLeft ?? 7} 天。请确认货物是否能按时准备好。\n` +
      `${f.po} (${f.code}) ships on ${f.planned}, in ${f.daysLeft ?? 7} day(s): please confirm readiness.`;

export const customsForManager = (f: { po: string; code: string; status: string; reason?: string; expected?: string }, lang: Lang) =>
  lang === 'az'
    ? `🛃 ${f.po} (${f.code}): gömrük — ${f.status === 'held' ? 'saxlanılıb' : 'buraxılıb'}${f.reason ? `: ${f.reason}` : ''}${f.expected ? `, gözlənilir ${f.expected}` : ''}.`
    : lang === 'ru'
      ? `🛃 ${f.po} (${f.code}): таможня — ${f.status === 'held' ? 'задержка' : 'выпущено'}${f.reason ? `: ${f.reason}` : ''}${f.expected ? `, ожидается ${f.expected}` : ''}.`
      : `🛃 ${f.po} (${f.code}): customs ${f.status}${f.reason ? `: ${f.reason}` : ''}${f.expected ? `, expected ${f.expected}` : ''}.`;

export const alertForManager = (text: string, _lang: Lang) => `⚠️ Gendan: ${text}`;

/** A line whose unit price rose beyond the configured percent against the supplier's previous order of the item. */
export interface PriceJump {
  item: string;
  unitPrice: string;
  currency: string;
  /** The previous price and the order it was in. */
  was: string;
  wasPo: string;
  /** The rise, in percent (e.g. "12.5"). */
  pct: string;
}

/** An order's price jumps, one message per order (an import of many orders writes one per order, not one per line). */
export const priceJumpsForManager = (f: { po: string; code: string }, jumps: PriceJump[], lang: Lang) => {
  const pctOf = (j: PriceJump) => `+${lang === 'en' ? j.pct : j.pct.replace('.', ',')}%`;
  const line = (j: PriceJump) =>
    pick(lang, {
      en: `“${j.item}” at ${j.unitPrice} ${j.currency}, was ${j.was} in ${j.wasPo} (${pctOf(j)})`,
      ru: `цена «${j.item}» ${j.unitPrice} ${j.currency}, было ${j.was} в ${j.wasPo} (${pctOf(j)})`,
      az: `“${j.item}” qiyməti ${j.unitPrice} ${j.currency}, əvvəl ${j.was} idi (${j.wasPo}) (${pctOf(j)})`,
    });
  const shown = jumps.slice(0, 5);
  const more = jumps.length - shown.length;
  const tail = more > 0 ? `\n${pick(lang, { en: `+${more} more line(s)`, ru: `ещё строк: ${more}`, az: `daha ${more} sətir` })}` : '';
  if (shown.length === 1) return `📈 ${f.code} · ${f.po}: ${line(shown[0]!)}`;
  const head = pick(lang, { en: 'prices rose', ru: 'цены выросли', az: 'qiymətlər artıb' });
  return `📈 ${f.code} · ${f.po}: ${head}\n${shown.map((j) => `• ${line(j)}`).join('\n')}${tail}`;
};

/** A supplier answered a claim (mini-program): to the responsible manager, original beside the translation. */
export const claimAnswerForManager = (f: { claim: string; po: string; code: string; decision: 'accept' | 'dispute'; original?: string; translated?: string; photos?: number }, lang: Lang) => {
  const words = f.original ? (f.translated ? `\n«${f.translated}»\n(${f.original})` : `\n«${f.original}»`) : '';
  const ph = f.photos ? pick(lang, { en: ` ${f.photos} photo(s).`, ru: ` Фото: ${f.photos}.`, az: ` Foto: ${f.photos}.` }) : '';
  if (lang === 'az') return `📋 ${f.claim} (${f.po}, ${f.code}): təchizatçı ${f.decision === 'accept' ? 'iddianı qəbul etdi' : 'iddiaya etiraz edir'}.${ph}${words}`;
  return lang === 'ru'
    ? `📋 ${f.claim} (${f.po}, ${f.code}): поставщик ${f.decision === 'accept' ? 'принял претензию' : 'оспаривает претензию'}.${ph}${words}`
    : `📋 ${f.claim} (${f.po}, ${f.code}): the supplier ${f.decision === 'accept' ? 'accepted the claim' : 'disputes the claim'}.${ph}${words}`;
};

/** The supplier's readiness answer a week before shipment, or its silence after a working day. */
export const readinessForManager = (f: { po: string; code: string; planned: string; answer: 'ready' | 'not_ready' | 'none'; date?: string; asked?: string }, lang: Lang) => {
  if (lang === 'az') {
    if (f.answer === 'ready') return `🚢 ${f.po} (${f.code}): təchizatçı ${f.planned} tarixində yükləməyə hazır olduğunu təsdiqlədi.`;
    if (f.answer === 'not_ready') return `🚢 ${f.po} (${f.code}): təchizatçı ${f.planned} tarixində yükləməyə hazır DEYİL, yeni tarix ${f.date ?? '—'}.`;
    return `🚢 ${f.po} (${f.code}): ${f.planned} tarixində yükləməyə hazırlıq barədə cavab yoxdur${f.asked ? ` (soruşulub ${f.asked})` : ''}.`;
  }
  if (lang === 'ru') {
    if (f.answer === 'ready') return `🚢 ${f.po} (${f.code}): поставщик подтвердил готовность к отгрузке ${f.planned}.`;
    if (f.answer === 'not_ready') return `🚢 ${f.po} (${f.code}): поставщик НЕ готов к отгрузке ${f.planned}, новая дата ${f.date ?? '—'}.`;
    return `🚢 ${f.po} (${f.code}): нет ответа о готовности к отгрузке ${f.planned}${f.asked ? ` (спросили ${f.asked})` : ''}.`;
  }
  if (f.answer === 'ready') return `🚢 ${f.po} (${f.code}): the supplier confirmed readiness for shipment on ${f.planned}.`;
  if (f.answer === 'not_ready') return `🚢 ${f.po} (${f.code}): the supplier is NOT ready for shipment on ${f.planned}; new date ${f.date ?? '—'}.`;
  return `🚢 ${f.po} (${f.code}): no answer about readiness for shipment on ${f.planned}${f.asked ? ` (asked ${f.asked})` : ''}.`;
};
