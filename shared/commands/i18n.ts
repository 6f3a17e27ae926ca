// Replies to managers, in their language (en, ru). Supplier-facing texts are Chinese.
export type ManagerLang = 'en' | 'ru';

const en = {
  notManager: 'Commands are for registered managers.',
  unknown: 'Unknown command. Type /help.',
  usage: 'Usage: {usage}',
  error: '⚠️ {message}',
  help: 'Commands:\n{list}\nMilestones: {milestones}',
  noOrders: 'No open orders.',
  orders: 'Open orders{who} ({count}):\n{list}',
  orderLine: '{po} · {code} · next: {milestone} {planned}{late}',
  late: ' ({days} d late)',
  po: '{po} · supplier {code} · {status}\n{milestones}\nCustoms: {customs}',
  noPo: 'No order {po}.',
  done: '{po}: {milestone} marked done ({date}).',
  planned: '{po}: {milestone} planned for {date}.',
  unchanged: '{po}: nothing changed ({milestone} is already so).',
  customs: '{po}: customs {status}{until}.',
  customsUntil: ', expected {date}',
  replied: 'Sent to {code} in Chinese:\n{zh}',
  noThread: 'No chat with {code} yet.',
  thread: 'Last {n} messages with {code}:\n{list}',
  noOverdue: 'Nothing overdue. 🎉',
  overdue: 'Overdue ({count}):\n{list}',
  bound: 'Binding code for {code}: {bindCode} (valid until {until}). Sent to the supplier chat.',
  boundNoChat: 'Binding code for {code}: {bindCode} (valid until {until}). No supplier chat yet: pass it on yourself.',
  assigned: '{code} is now handled by {manager}.',
  noManager: 'No manager named {manager}.',
  segmented: '{code} is now {segment}.',
  noSupplier: 'No supplier {code}.',
  tr: '{text}',
  unavailable: 'Translation is unavailable right now: not sent.',
  kpi: '{code} {name} · {period}: class {cls} (score {score}{trend})\nOn time {onTime} of {done} milestones · avg {late} d late · {replanned} re-planned\nReplies: median {median}, p90 {p90} (working time, {replies} replies)\nOrders {orders} · customs delays {customs} · claims {claims}\n{reasons}',
  kpiNoData: 'no data',
  claimed: 'Claim {number} filed ({type}, {qty} pcs){sent}.',
  claimSent: ' and sent to {code} in Chinese',
  claimNoChat: '; {code} has no chat yet: it shows in their mini-program',
};

const ru: typeof en = {
  notManager: 'Команды доступны только зарегистрированным менеджерам.',
  unknown: 'Неизвестная команда. Наберите /help.',
  usage: 'Формат: {usage}',
  error: '⚠️ {message}',
  help: 'Команды:\n{list}\nЭтапы: {milestones}',
  noOrders: 'Открытых заказов нет.',
  orders: 'Открытые заказы{who} ({count}):\n{list}',
  orderLine: '{po} · {code} · далее: {milestone} {planned}{late}',
  late: ' (опоздание {days} дн.)',
  po: '{po} · поставщик {code} · {status}\n{milestones}\nТаможня: {customs}',
  noPo: 'Заказа {po} нет.',
  done: '{po}: этап {milestone} выполнен ({date}).',
  planned: '{po}: этап {milestone} запланирован на {date}.',
  unchanged: '{po}: без изменений ({milestone} уже в этом состоянии).',
  customs: '{po}: таможня — {status}{until}.',
  customsUntil: ', ожидается {date}',
  replied: 'Отправлено {code} на китайском:\n{zh}',
  noThread: 'Переписки с {code} ещё нет.',
  thread: 'Последние {n} сообщений с {code}:\n{list}',
  noOverdue: 'Просрочек нет. 🎉',
  overdue: 'Просрочено ({count}):\n{list}',
  bound: 'Код привязки для {code}: {bindCode} (действует до {until}). Отправлен в чат поставщика.',
  boundNoChat: 'Код привязки для {code}: {bindCode} (действует до {until}). Чата с поставщиком нет: передайте код сами.',
  assigned: '{code} теперь ведёт {manager}.',
  noManager: 'Менеджера {manager} нет.',
  segmented: '{code}: сегмент {segment}.',
  noSupplier: 'Поставщика {code} нет.',
  tr: '{text}',
  unavailable: 'Перевод сейчас недоступен: не отправлено.',
  kpi: '{code} {name} · {period}: класс {cls} (балл {score}{trend})\nВ срок {onTime} из {done} этапов · опоздание в среднем {late} дн. · переносов {replanned}\nОтветы: медиана {median}, p90 {p90} (рабочее время, ответов {replies})\nЗаказов {orders} · задержек на таможне {customs} · претензий {claims}\n{reasons}',
  kpiNoData: 'нет данных',
  claimed: 'Претензия {number} заведена ({type}, {qty} шт.){sent}.',
  claimSent: ' и отправлена {code} на китайском',
  claimNoChat: '; чата с {code} ещё нет: претензия видна в их мини-программе',
};

export type Key = keyof typeof en;
const dict: Record<ManagerLang, typeof en> = { en, ru };

export function t(lang: ManagerLang, key: Key, vars: Record<string, string | number> = {}): string {
  return dict[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** Supplier-facing text of a binding code (Chinese). */
export const bindingCodeForSupplier = (code: string, until: string) =>
  `您好！这是 Gendan 小程序的绑定码：${code}（${until} 前有效）。请在小程序“绑定”页输入，即可查看和更新订单进度。`;
