// Column, sheet and figure names of report exports in the reader's language (English, Russian,
// Azerbaijani). English is the key; a name not listed stays English.
import type { ManagerLang } from '../managers/model.js';
import { MILESTONE_AZ, MILESTONE_RU } from '../notices/texts.js';

const LABELS: Record<string, { ru: string; az: string }> = {
  Summary: { ru: 'Сводка', az: 'Xülasə' },
  Figure: { ru: 'Показатель', az: 'Göstərici' },
  Value: { ru: 'Значение', az: 'Dəyər' },
  Orders: { ru: 'Заказы', az: 'Sifarişlər' },
  Suppliers: { ru: 'Поставщики', az: 'Təchizatçılar' },
  Overdue: { ru: 'Просрочено', az: 'Gecikmiş' },
  Customs: { ru: 'Таможня', az: 'Gömrük' },
  Managers: { ru: 'Менеджеры', az: 'Menecerlər' },
  Prices: { ru: 'Цены', az: 'Qiymətlər' },
  PO: { ru: 'Заказ', az: 'Sifariş' },
  Supplier: { ru: 'Поставщик', az: 'Təchizatçı' },
  'Supplier name': { ru: 'Название поставщика', az: 'Təchizatçının adı' },
  Manager: { ru: 'Менеджер', az: 'Menecer' },
  Ordered: { ru: 'Дата заказа', az: 'Sifariş tarixi' },
  Status: { ru: 'Статус', az: 'Status' },
  Currency: { ru: 'Валюта', az: 'Valyuta' },
  Converted: { ru: 'Пересчитано', az: 'Çevrilmiş' },
  'Rate of': { ru: 'Курс на', az: 'Məzənnə tarixi' },
  'Next milestone': { ru: 'Следующий этап', az: 'Növbəti mərhələ' },
  Planned: { ru: 'План', az: 'Plan' },
  'Days late': { ru: 'Дней просрочки', az: 'Gecikmə günləri' },
  Code: { ru: 'Код', az: 'Kod' },
  Name: { ru: 'Название', az: 'Ad' },
  'On time': { ru: 'В срок', az: 'Vaxtında' },
  Score: { ru: 'Балл', az: 'Bal' },
  Class: { ru: 'Класс', az: 'Sinif' },
  Why: { ru: 'Почему', az: 'Səbəb' },
  Milestone: { ru: 'Этап', az: 'Mərhələ' },
  Held: { ru: 'Задержано', az: 'Saxlanılıb' },
  Reason: { ru: 'Причина', az: 'Səbəb' },
  Rank: { ru: 'Место', az: 'Yer' },
  'Overdue open': { ru: 'Просрочено открытых', az: 'Açıq gecikmələr' },
  'Resolved in time': { ru: 'Решено вовремя', az: 'Vaxtında həll edilib' },
  'Resolved late': { ru: 'Решено с опозданием', az: 'Gec həll edilib' },
  'Median reply (min)': { ru: 'Медиана ответа (мин)', az: 'Cavabın medianı (dəq)' },
  Item: { ru: 'Товар', az: 'Mal' },
  'Unit price': { ru: 'Цена за единицу', az: 'Vahidin qiyməti' },
  Previous: { ru: 'Предыдущая', az: 'Əvvəlki' },
  'Change %': { ru: 'Изменение %', az: 'Dəyişiklik %' },
  Report: { ru: 'Отчёт', az: 'Hesabat' },
  Period: { ru: 'Период', az: 'Dövr' },
  'Exchange rates': { ru: 'Курсы валют', az: 'Valyuta məzənnələri' },
  'Milestones done': { ru: 'Этапов выполнено', az: 'Tamamlanmış mərhələlər' },
  'Average days late': { ru: 'Средняя просрочка, дн.', az: 'Orta gecikmə, gün' },
  'Planned dates moved': { ru: 'Перенесено плановых дат', az: 'Dəyişdirilmiş plan tarixləri' },
  'Overdue now': { ru: 'Просрочено сейчас', az: 'Hazırda gecikmiş' },
  'Customs delays': { ru: 'Задержки на таможне', az: 'Gömrük gecikmələri' },
  Claims: { ru: 'Претензии', az: 'İddialar' },
  Generated: { ru: 'Сформирован', az: 'Yaradılıb' },
  'Milestones done / on time': { ru: 'Этапов выполнено / в срок', az: 'Tamamlanmış mərhələlər / vaxtında' },
  'Price changes': { ru: 'Изменения цен', az: 'Qiymət dəyişiklikləri' },
  Date: { ru: 'Дата', az: 'Tarix' },
  Price: { ru: 'Цена', az: 'Qiymət' },
  none: { ru: 'нет', az: 'yoxdur' },
  yes: { ru: 'да', az: 'bəli' },
  no: { ru: 'нет', az: 'xeyr' },
};

// Names with a currency in them.
const PATTERNS: [RegExp, { ru: string; az: string }][] = [
  [/^Value in (\w+)$/, { ru: 'Сумма в $1', az: '$1 ilə dəyər' }],
  [/^Total in (\w+)$/, { ru: 'Итого в $1', az: '$1 ilə cəmi' }],
  [/^Value \((\w+)\)$/, { ru: 'Сумма ($1)', az: 'Dəyər ($1)' }],
  [/^Value (\w{3})$/, { ru: 'Сумма $1', az: 'Dəyər $1' }],
  [/^Not converted \((\w+)\)$/, { ru: 'Не пересчитано ($1)', az: 'Çevrilməyib ($1)' }],
  [/^Not converted \((\w+), no rate\)$/, { ru: 'Не пересчитано ($1, нет курса)', az: 'Çevrilməyib ($1, məzənnə yoxdur)' }],
];

/** A report name in `lang` (English when not listed). */
export function reportLabel(en: string, lang: ManagerLang = 'en'): string {
  if (lang === 'en') return en;
  const hit = LABELS[en];
  if (hit) return hit[lang];
  for (const [re, to] of PATTERNS) if (re.test(en)) return en.replace(re, to[lang]);
  return en;
}

// Values in the rows (an order's status, a milestone, a customs status): stored as keys, read in
// the reader's language.
const VALUES: Record<string, { en: string; ru: string; az: string }> = {
  open: { en: 'open', ru: 'открыт', az: 'açıq' },
  closed: { en: 'closed', ru: 'закрыт', az: 'bağlı' },
  cancelled: { en: 'cancelled', ru: 'отменён', az: 'ləğv edilib' },
  held: { en: 'held', ru: 'задержка', az: 'saxlanılıb' },
  cleared: { en: 'cleared', ru: 'выпущено', az: 'buraxılıb' },
  ...Object.fromEntries(Object.keys(MILESTONE_RU).map((m) => [m, { en: m.replace(/_/g, ' '), ru: MILESTONE_RU[m]!, az: MILESTONE_AZ[m] ?? m.replace(/_/g, ' ') }])),
};

/** A status or milestone of a report row in `lang` (as stored when not listed; '' for none). */
export function reportValue(v: string | null | undefined, lang: ManagerLang = 'en'): string {
  if (!v) return '';
  return VALUES[v]?.[lang] ?? v;
}
