// UI strings in English, Russian and Chinese (i18next). The default is the manager's language.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

const en = {
  signIn: 'Sign in', login: 'Login', password: 'Password', signOut: 'Sign out', wrong: 'Sign-in failed',
  inbox: 'Inbox', orders: 'Orders', notices: 'Notices', admin: 'Managers', performance: 'Performance',
  mine: 'My suppliers', segment: 'Segment', any: 'Any', overdue: 'Has overdue', needsReply: 'Needs reply', search: 'Search messages…',
  noThreads: 'No conversations', unread: 'unread', localTime: 'Local time', original: 'Original', translation: 'Translation',
  pendingTranslation: 'translating…', failedTranslation: 'not translated', correct: 'Correct', flag: 'Flag bad', flagged: 'flagged', save: 'Save', cancel: 'Cancel',
  replyPlaceholder: 'Write in your language…', chinesePreview: 'Chinese that will be sent', send: 'Send', sending: 'Sending…',
  status_queued: 'queued', status_sending: 'sending', status_sent: 'sent', status_failed: 'failed', status_cancelled: 'cancelled',
  supplier: 'Supplier', contacts: 'Contacts', manager: 'Responsible manager', openOrders: 'Open orders', lastContact: 'Last contact', bindingCode: 'Binding code', issueCode: 'Issue binding code', validUntil: 'valid until',
  chooseSupplier: 'Choose a supplier', milestone: 'Milestone', planned: 'Planned', actual: 'Actual', reason: 'Reason', edit: 'Edit', daysLate: '{{n}} d late',
  retry: 'Retry', failed: 'Failed', queued: 'Queued', sent: 'Sent', createManager: 'Create manager', name: 'Name', role: 'Role', language: 'Language', seesAll: 'Sees all suppliers', created: 'Created',
  claims: 'Claims', fileClaim: 'File a claim', claimType: 'Type', qty: 'Qty', amount: 'Amount', description: 'Description', status: 'Status', claimMove: 'Move to…',
  proposals: 'Segment proposals', accept: 'Accept', reject: 'Reject', reports: 'Reports', period: 'Period', date: 'Date', from: 'From', to: 'To (exclusive)', currency: 'Currency', rates: 'Exchange rates', import: 'Import',
  scorecard: 'Scorecard', score: 'Score', class: 'Class', onTime: 'On time', replyMedian: 'Median reply', ranking: 'Manager ranking', loadMore: 'Older messages', live: 'live',
  locked: 'Account locked', lockedUntil: 'Too many failed sign-ins. Try again after {{time}}.', tooMany: 'Too many attempts from this computer. Try again in {{s}} s.', wrongPassword: 'Wrong login or password.',
  youWrote: 'You wrote', sentChinese: 'Sent in Chinese', yourTime: 'your time', searchHits: '{{count}} hits', noHits: 'Nothing found', moreThreads: 'More conversations', newer: 'Newer',
  done: 'Done', reasonRequired: 'Required when moving a planned date', replanned: 'moved {{n}}×', forMe: 'For me', baseline: 'first agreed', buyerSide: 'buyer side', customs: 'customs', noOrders: 'No open orders',
  ms_confirmed: 'Confirmed', ms_materials: 'Materials', ms_production_start: 'Production start', ms_production_done: 'Production done', ms_inspection: 'Inspection', ms_shipped: 'Shipped', ms_customs_cleared: 'Customs cleared', ms_delivered: 'Delivered',
  editedByYou: 'edited by you', sending_: 'Sending', cancelled: 'Cancelled', attempts: 'attempts: {{n}}', all: 'All',
};
type Dict = typeof en;
const ru: Dict = {
  signIn: 'Войти', login: 'Логин', password: 'Пароль', signOut: 'Выйти', wrong: 'Не удалось войти',
  inbox: 'Входящие', orders: 'Заказы', notices: 'Уведомления', admin: 'Менеджеры', performance: 'Показатели',
  mine: 'Мои поставщики', segment: 'Сегмент', any: 'Любой', overdue: 'Есть просрочка', needsReply: 'Ждут ответа', search: 'Поиск по сообщениям…',
  noThreads: 'Переписок нет', unread: 'непрочитано', localTime: 'Местное время', original: 'Оригинал', translation: 'Перевод',
  pendingTranslation: 'переводится…', failedTranslation: 'не переведено', correct: 'Исправить', flag: 'Плохой перевод', flagged: 'отмечено', save: 'Сохранить', cancel: 'Отмена',
  replyPlaceholder: 'Пишите на своём языке…', chinesePreview: 'Будет отправлено по-китайски', send: 'Отправить', sending: 'Отправка…',
  status_queued: 'в очереди', status_sending: 'отправляется', status_sent: 'отправлено', status_failed: 'ошибка', status_cancelled: 'отменено',
  supplier: 'Поставщик', contacts: 'Контакты', manager: 'Ответственный', openOrders: 'Открытые заказы', lastContact: 'Последний контакт', bindingCode: 'Код привязки', issueCode: 'Выдать код привязки', validUntil: 'действует до',
  chooseSupplier: 'Выберите поставщика', milestone: 'Этап', planned: 'План', actual: 'Факт', reason: 'Причина', edit: 'Изменить', daysLate: 'опоздание {{n}} дн.',
  retry: 'Повторить', failed: 'Ошибки', queued: 'В очереди', sent: 'Отправлено', createManager: 'Создать менеджера', name: 'Имя', role: 'Роль', language: 'Язык', seesAll: 'Видит всех поставщиков', created: 'Создан',
  claims: 'Претензии', fileClaim: 'Завести претензию', claimType: 'Тип', qty: 'Кол-во', amount: 'Сумма', description: 'Описание', status: 'Статус', claimMove: 'Перевести в…',
  proposals: 'Предложения сегментов', accept: 'Принять', reject: 'Отклонить', reports: 'Отчёты', period: 'Период', date: 'Дата', from: 'С', to: 'По (не включая)', currency: 'Валюта', rates: 'Курсы валют', import: 'Импорт',
  scorecard: 'Оценка', score: 'Балл', class: 'Класс', onTime: 'В срок', replyMedian: 'Медиана ответа', ranking: 'Рейтинг менеджеров', loadMore: 'Раньше', live: 'онлайн',
  locked: 'Учётная запись заблокирована', lockedUntil: 'Слишком много неудачных попыток входа. Повторите после {{time}}.', tooMany: 'Слишком много попыток с этого компьютера. Повторите через {{s}} с.', wrongPassword: 'Неверный логин или пароль.',
  youWrote: 'Вы написали', sentChinese: 'Отправлено по-китайски', yourTime: 'ваше время', searchHits: 'Найдено: {{count}}', noHits: 'Ничего не найдено', moreThreads: 'Ещё переписки', newer: 'Новее',
  done: 'Выполнено', reasonRequired: 'Обязательно при переносе плановой даты', replanned: 'перенесено {{n}}×', forMe: 'Мне', baseline: 'первоначально', buyerSide: 'сторона покупателя', customs: 'таможня', noOrders: 'Открытых заказов нет',
  ms_confirmed: 'Подтверждён', ms_materials: 'Материалы', ms_production_start: 'Начало производства', ms_production_done: 'Производство завершено', ms_inspection: 'Инспекция', ms_shipped: 'Отгружен', ms_customs_cleared: 'Растаможен', ms_delivered: 'Доставлен',
  editedByYou: 'исправлено вами', sending_: 'Отправляются', cancelled: 'Отменённые', attempts: 'попыток: {{n}}', all: 'Все',
};
const zh: Dict = {
  signIn: '登录', login: '账号', password: '密码', signOut: '退出', wrong: '登录失败',
  inbox: '消息', orders: '订单', notices: '通知', admin: '管理员', performance: '供应商绩效',
  mine: '我的供应商', segment: '分类', any: '全部', overdue: '有逾期', needsReply: '待回复', search: '搜索消息…',
  noThreads: '没有会话', unread: '未读', localTime: '当地时间', original: '原文', translation: '译文',
  pendingTranslation: '翻译中…', failedTranslation: '未翻译', correct: '修改译文', flag: '标记错误', flagged: '已标记', save: '保存', cancel: '取消',
  replyPlaceholder: '用您的语言输入…', chinesePreview: '将发送的中文', send: '发送', sending: '发送中…',
  status_queued: '排队中', status_sending: '发送中', status_sent: '已发送', status_failed: '失败', status_cancelled: '已取消',
  supplier: '供应商', contacts: '联系人', manager: '负责人', openOrders: '进行中的订单', lastContact: '最近联系', bindingCode: '绑定码', issueCode: '生成绑定码', validUntil: '有效期至',
  chooseSupplier: '选择供应商', milestone: '节点', planned: '计划', actual: '实际', reason: '原因', edit: '修改', daysLate: '逾期 {{n}} 天',
  retry: '重试', failed: '失败', queued: '排队', sent: '已发送', createManager: '新建账号', name: '姓名', role: '角色', language: '语言', seesAll: '可见全部供应商', created: '已创建',
  claims: '索赔', fileClaim: '新建索赔', claimType: '类型', qty: '数量', amount: '金额', description: '说明', status: '状态', claimMove: '变更为…',
  proposals: '分类建议', accept: '接受', reject: '拒绝', reports: '报表', period: '周期', date: '日期', from: '从', to: '至（不含）', currency: '币种', rates: '汇率', import: '导入',
  scorecard: '评分卡', score: '分数', class: '等级', onTime: '准时率', replyMedian: '回复中位数', ranking: '经理排名', loadMore: '更早的消息', live: '实时',
  locked: '账号已锁定', lockedUntil: '登录失败次数过多，请在 {{time}} 之后再试。', tooMany: '此电脑尝试次数过多，请 {{s}} 秒后再试。', wrongPassword: '账号或密码错误。',
  youWrote: '您的原文', sentChinese: '发送的中文', yourTime: '您的时间', searchHits: '{{count}} 条结果', noHits: '没有找到', moreThreads: '更多会话', newer: '更新的',
  done: '已完成', reasonRequired: '修改计划日期时必填', replanned: '已改期 {{n}} 次', forMe: '给我的', baseline: '最初约定', buyerSide: '买方负责', customs: '清关', noOrders: '没有进行中的订单',
  ms_confirmed: '确认', ms_materials: '备料', ms_production_start: '开始生产', ms_production_done: '生产完成', ms_inspection: '验货', ms_shipped: '发货', ms_customs_cleared: '清关完成', ms_delivered: '送达',
  editedByYou: '已手动修改', sending_: '发送中', cancelled: '已取消', attempts: '尝试 {{n}} 次', all: '全部',
};

const LANGS = ['en', 'ru', 'zh'] as const;
export type UiLang = (typeof LANGS)[number];
const isLang = (v: string | null | undefined): v is UiLang => Boolean(v && (LANGS as readonly string[]).includes(v));
const htmlLang = (lng: string) => (lng === 'zh' ? 'zh-CN' : lng);

// Before sign-in: the last language used in this browser, else the browser's own.
const browser = navigator.language.slice(0, 2).toLowerCase();
const initial: UiLang = [localStorage.getItem('gendan.lang'), browser].find(isLang) ?? 'en';
document.documentElement.lang = htmlLang(initial);

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ru: { translation: ru }, zh: { translation: zh } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

function apply(lng: UiLang) {
  document.documentElement.lang = htmlLang(lng);
  localStorage.setItem('gendan.lang', lng);
  if (i18n.language !== lng) void i18n.changeLanguage(lng);
}

/** After sign-in: this user's own choice in this browser, else the manager's language. */
export function applyUserLanguage(login: string, fallback: string) {
  const chosen = localStorage.getItem(`gendan.lang.${login}`);
  apply(isLang(chosen) ? chosen : isLang(fallback) ? fallback : 'en');
}

/** The language switch: remembered per user in this browser. */
export function setLanguage(lng: string, login?: string) {
  if (!isLang(lng)) return;
  if (login) localStorage.setItem(`gendan.lang.${login}`, lng);
  apply(lng);
}

export default i18n;
