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
  done: 'Done', reasonRequired: 'Required when moving a planned date', replanned: 'moved {{n}}×', customs: 'customs', noOrders: 'No open orders',
  ms_confirmed: 'Confirmed', ms_materials: 'Materials', ms_production_start: 'Production start', ms_production_done: 'Production done', ms_inspection: 'Inspection', ms_shipped: 'Shipped', ms_customs_cleared: 'Customs cleared', ms_delivered: 'Delivered',
  suppliers: "Suppliers", myWechat: "My WeChat", linkedAs: "Linked to WeChat", unlink: "Unlink", unlinkConfirm: "Unlink this WeChat? Notices stop going to it and its commands are refused.", linkHelp: "Link your own WeChat: take a code and send it to the company WeChat account as a message. Codes live 10 minutes and work once.", issueLinkCode: "Get a link code", notLinked: "not linked", sendToBot: "Send this to the company WeChat:", changePassword: "Change my password", currentPassword: "Current password", newPassword: "New password", passwordChanged: "Password changed", sessions: "My sessions", thisSession: "this session", endSession: "End", timezone: "Time zone", workingHours: "Working hours", workFrom: "Work from", workTo: "Work until", role_manager: "Manager", role_head: "Head of purchasing", role_admin: "Admin", inactive: "inactive", deactivate: "Deactivate", reactivate: "Reactivate", deactivateConfirm: "Deactivate {{name}}? Their sessions end, notices stop and WeChat commands are refused.", resetPassword: "Reset password", conversations: "Conversations", unsorted: "Unsorted", friendRequests: "Friend requests", nothingUnsorted: "Nobody waits to be sorted.", room: "room", contact: "contact", messagesN: "messages: {{n}}", average: "avg.", sortSupplier: "New supplier", sortContact: "Contact of a supplier", sortColleague: "Colleague", sortIgnore: "Ignore", companyName: "Company name", fairLetter: "Fair", orCode: "or code", sort: "Sort", linkToManager: "Link to manager (or a new one)", ignoreHelp: "Stops mirroring this contact and deletes what was mirrored.", ignoreRoomHelp: "Stops mirroring this room and deletes what was mirrored.", ignoreConfirm: "Ignore {{name}}? Their chat stops being mirrored and what was mirrored is deleted.", ignoreRoomConfirm: "Ignore the room {{name}}? It stops being mirrored and what was mirrored is deleted.", sortedSupplier: "Now supplier {{code}} ({{n}} messages attached).", sortedContact: "Filed under {{code}} ({{n}} messages attached).", sortedColleague: "A colleague now.", sortedIgnored: "Ignored; {{n}} messages deleted.", noFriendRequests: "No friend requests waiting.", decline: "Decline", region: "Region", province: "Province", category: "Category", certification: "Certification", legalName: "Legal name", nameEn: "English name", port: "Port", capacity: "Capacity", load: "Load", paymentTerms: "Payment terms", backupManager: "Backup manager", phones: "Phones", emails: "E-mails", taxId: "Tax id", figures: "Figures", cooperatingSince: "Cooperating since", ordersCount: "Orders", openN: "{{n}} open", valueByCurrency: "Value (total · average)", possibleDuplicates: "Possible duplicates", merge: "Merge", segmentHistory: "Segment history", mergedFrom: "merged {{code}} in", formerCodes: "Former codes", newSupplier: "New supplier", savedWithDuplicates: "Saved as {{code}}. These may be the same company:", ok: "OK", mergeConfirm: "Merge {{b}} ({{name}}) and {{a}} into one supplier? The earliest code stays; contacts, chats, orders, claims and history move over; {{b}} keeps working as a former code.", fairRegister: "Fair register", letter: "Letter", fairName: "Fair", city: "City", until: "Until", registerFair: "Register fair", nextLetter: "Next free letter: {{letter}} (never I or O)",
    newOrder: 'New order', importOrders: 'Import orders', next: 'Next', mineOnly: 'Mine only', poNumber: 'PO number',
  managerDefault: "Responsible manager: the supplier's, unless changed later", item: 'Item', unit: 'Unit', unitPrice: 'Unit price', addLine: 'Add line', total: 'Total',
  plannedDates: 'Planned dates (from the lead-time template; change as agreed)', createOrder: 'Create order', replan: 'Re-plan', closeOrder: 'Close', cancelOrder: 'Cancel order', reopen: 'Reopen', history: 'History',
  orderStatus_open: 'open', orderStatus_closed: 'closed', orderStatus_cancelled: 'cancelled',
  via_console: 'console', via_api: 'API', via_command: 'WeChat command', via_miniprogram: 'mini-program', via_import: 'import', via_system: 'system',
  board_all: 'All', board_overdue: 'Overdue', board_thisWeek: 'Ships this week', board_nextWeek: 'Ships next week', board_customsHeld: 'Customs held', board_noPlan: 'No planned date',
  template: 'Template', file: 'File', source: 'Source (mapping remembered)', preview: 'Preview', confirmImport: 'Confirm import', written: 'Written', toCreate: 'Create', toUpdate: 'Update', unchanged: 'Unchanged', problems: 'Problems', rows: 'Rows',
  mapping: 'Columns', row: 'Row', column: 'Column', field: 'Field', problem: 'Problem',
  action_create: 'create', action_update: 'update', action_unchanged: 'unchanged', action_skip: 'skip (not open)',
  field_number: 'PO number', field_supplierCode: 'Supplier code', field_item: 'Item', field_sku: 'SKU', field_qty: 'Quantity', field_unit: 'Unit', field_unitPrice: 'Unit price', field_currency: 'Currency', field_incoterms: 'Incoterms', field_paymentTerms: 'Payment terms',
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
  done: 'Выполнено', reasonRequired: 'Обязательно при переносе плановой даты', replanned: 'перенесено {{n}}×', customs: 'таможня', noOrders: 'Открытых заказов нет',
  ms_confirmed: 'Подтверждён', ms_materials: 'Материалы', ms_production_start: 'Начало производства', ms_production_done: 'Производство завершено', ms_inspection: 'Инспекция', ms_shipped: 'Отгружен', ms_customs_cleared: 'Растаможен', ms_delivered: 'Доставлен',
  suppliers: "Поставщики", myWechat: "Мой WeChat", linkedAs: "Привязан WeChat", unlink: "Отвязать", unlinkConfirm: "Отвязать этот WeChat? Уведомления перестанут приходить, команды будут отклоняться.", linkHelp: "Привяжите свой WeChat: получите код и отправьте его сообщением в WeChat компании. Код действует 10 минут и один раз.", issueLinkCode: "Получить код привязки", notLinked: "не привязан", sendToBot: "Отправьте это в WeChat компании:", changePassword: "Сменить пароль", currentPassword: "Текущий пароль", newPassword: "Новый пароль", passwordChanged: "Пароль изменён", sessions: "Мои сеансы", thisSession: "этот сеанс", endSession: "Завершить", timezone: "Часовой пояс", workingHours: "Рабочие часы", workFrom: "Работает с", workTo: "Работает до", role_manager: "Менеджер", role_head: "Руководитель закупок", role_admin: "Администратор", inactive: "отключён", deactivate: "Отключить", reactivate: "Включить", deactivateConfirm: "Отключить {{name}}? Сеансы завершатся, уведомления прекратятся, команды WeChat будут отклоняться.", resetPassword: "Сбросить пароль", conversations: "Переписки", unsorted: "Неразобранные", friendRequests: "Запросы в друзья", nothingUnsorted: "Разбирать некого.", room: "группа", contact: "контакт", messagesN: "сообщений: {{n}}", average: "в среднем", sortSupplier: "Новый поставщик", sortContact: "Контакт поставщика", sortColleague: "Коллега", sortIgnore: "Игнорировать", companyName: "Компания", fairLetter: "Выставка", orCode: "или код", sort: "Разобрать", linkToManager: "Привязать к менеджеру (или новый)", ignoreHelp: "Контакт больше не сохраняется, сохранённое удаляется.", ignoreRoomHelp: "Группа больше не сохраняется, сохранённое удаляется.", ignoreConfirm: "Игнорировать {{name}}? Переписка перестанет сохраняться, сохранённое будет удалено.", ignoreRoomConfirm: "Игнорировать группу {{name}}? Она перестанет сохраняться, сохранённое будет удалено.", sortedSupplier: "Теперь поставщик {{code}} (привязано сообщений: {{n}}).", sortedContact: "Добавлен к {{code}} (привязано сообщений: {{n}}).", sortedColleague: "Теперь коллега.", sortedIgnored: "Игнорируется; удалено сообщений: {{n}}.", noFriendRequests: "Запросов в друзья нет.", decline: "Отклонить", region: "Регион", province: "Провинция", category: "Категория", certification: "Сертификат", legalName: "Юр. название", nameEn: "Название (англ.)", port: "Порт", capacity: "Мощность", load: "Загрузка", paymentTerms: "Условия оплаты", backupManager: "Заместитель", phones: "Телефоны", emails: "E-mail", taxId: "ИНН", figures: "Цифры", cooperatingSince: "Работаем с", ordersCount: "Заказы", openN: "открыто {{n}}", valueByCurrency: "Сумма (всего · средний)", possibleDuplicates: "Возможные дубли", merge: "Объединить", segmentHistory: "История сегмента", mergedFrom: "объединён с {{code}}", formerCodes: "Прежние коды", newSupplier: "Новый поставщик", savedWithDuplicates: "Сохранён как {{code}}. Возможно, та же компания:", ok: "OK", mergeConfirm: "Объединить {{b}} ({{name}}) и {{a}} в одного поставщика? Остаётся самый ранний код; контакты, переписки, заказы, претензии и история переносятся; {{b}} продолжит работать как прежний код.", fairRegister: "Реестр выставок", letter: "Буква", fairName: "Выставка", city: "Город", until: "По", registerFair: "Добавить выставку", nextLetter: "Следующая свободная буква: {{letter}} (никогда I и O)",
    newOrder: 'Новый заказ', importOrders: 'Импорт заказов', next: 'Следующий этап', mineOnly: 'Только мои', poNumber: 'Номер заказа',
  managerDefault: 'Ответственный: менеджер поставщика, если не изменён', item: 'Номенклатура', unit: 'Ед.', unitPrice: 'Цена', addLine: 'Добавить строку', total: 'Итого',
  plannedDates: 'Плановые даты (по шаблону сроков; измените по договорённости)', createOrder: 'Создать заказ', replan: 'Перепланировать', closeOrder: 'Закрыть', cancelOrder: 'Отменить заказ', reopen: 'Открыть снова', history: 'История',
  orderStatus_open: 'открыт', orderStatus_closed: 'закрыт', orderStatus_cancelled: 'отменён',
  via_console: 'консоль', via_api: 'API', via_command: 'команда WeChat', via_miniprogram: 'мини-программа', via_import: 'импорт', via_system: 'система',
  board_all: 'Все', board_overdue: 'Просрочены', board_thisWeek: 'Отгрузка на этой неделе', board_nextWeek: 'Отгрузка на следующей неделе', board_customsHeld: 'Задержаны таможней', board_noPlan: 'Без плановой даты',
  template: 'Шаблон', file: 'Файл', source: 'Источник (сопоставление запоминается)', preview: 'Проверить', confirmImport: 'Импортировать', written: 'Записано', toCreate: 'Создать', toUpdate: 'Обновить', unchanged: 'Без изменений', problems: 'Ошибки', rows: 'Строк',
  mapping: 'Колонки', row: 'Строка', column: 'Колонка', field: 'Поле', problem: 'Ошибка',
  action_create: 'создать', action_update: 'обновить', action_unchanged: 'без изменений', action_skip: 'пропустить (не открыт)',
  field_number: 'Номер заказа', field_supplierCode: 'Код поставщика', field_item: 'Номенклатура', field_sku: 'Артикул', field_qty: 'Количество', field_unit: 'Ед. изм.', field_unitPrice: 'Цена', field_currency: 'Валюта', field_incoterms: 'Инкотермс', field_paymentTerms: 'Условия оплаты',
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
  done: '已完成', reasonRequired: '修改计划日期时必填', replanned: '已改期 {{n}} 次', customs: '清关', noOrders: '没有进行中的订单',
  ms_confirmed: '确认', ms_materials: '备料', ms_production_start: '开始生产', ms_production_done: '生产完成', ms_inspection: '验货', ms_shipped: '发货', ms_customs_cleared: '清关完成', ms_delivered: '送达',
  suppliers: "供应商", myWechat: "我的微信", linkedAs: "已绑定微信", unlink: "解除绑定", unlinkConfirm: "解除绑定此微信？通知将不再发送到此微信，其指令将被拒绝。", linkHelp: "绑定您自己的微信：获取绑定码，并作为消息发送给公司微信。绑定码 10 分钟内有效，只能使用一次。", issueLinkCode: "获取绑定码", notLinked: "未绑定", sendToBot: "将以下内容发送给公司微信：", changePassword: "修改密码", currentPassword: "当前密码", newPassword: "新密码", passwordChanged: "密码已修改", sessions: "我的会话", thisSession: "当前会话", endSession: "结束", timezone: "时区", workingHours: "工作时间", workFrom: "上班时间", workTo: "下班时间", role_manager: "经理", role_head: "采购主管", role_admin: "管理员", inactive: "已停用", deactivate: "停用", reactivate: "启用", deactivateConfirm: "停用 {{name}}？其会话将结束，通知停止，微信指令将被拒绝。", resetPassword: "重置密码", conversations: "会话", unsorted: "待分类", friendRequests: "好友请求", nothingUnsorted: "没有待分类的联系人。", room: "群", contact: "联系人", messagesN: "{{n}} 条消息", average: "平均", sortSupplier: "新供应商", sortContact: "供应商的联系人", sortColleague: "同事", sortIgnore: "忽略", companyName: "公司名称", fairLetter: "展会", orCode: "或编号", sort: "分类", linkToManager: "关联到经理（或新建）", ignoreHelp: "不再同步此联系人，并删除已同步的内容。", ignoreRoomHelp: "不再同步此群，并删除已同步的内容。", ignoreConfirm: "忽略 {{name}}？将不再同步其会话，并删除已同步的内容。", ignoreRoomConfirm: "忽略群 {{name}}？将不再同步，并删除已同步的内容。", sortedSupplier: "已成为供应商 {{code}}（关联 {{n}} 条消息）。", sortedContact: "已归入 {{code}}（关联 {{n}} 条消息）。", sortedColleague: "已设为同事。", sortedIgnored: "已忽略；删除 {{n}} 条消息。", noFriendRequests: "没有待处理的好友请求。", decline: "拒绝", region: "地区", province: "省份", category: "品类", certification: "认证", legalName: "法定名称", nameEn: "英文名称", port: "港口", capacity: "产能", load: "负荷", paymentTerms: "付款条件", backupManager: "备份负责人", phones: "电话", emails: "邮箱", taxId: "税号", figures: "数据", cooperatingSince: "合作始于", ordersCount: "订单数", openN: "进行中 {{n}}", valueByCurrency: "金额（合计 · 平均）", possibleDuplicates: "可能重复", merge: "合并", segmentHistory: "分类历史", mergedFrom: "已合并 {{code}}", formerCodes: "曾用编号", newSupplier: "新建供应商", savedWithDuplicates: "已保存为 {{code}}。以下可能是同一家公司：", ok: "确定", mergeConfirm: "将 {{b}}（{{name}}）与 {{a}} 合并为一个供应商？保留最早的编号；联系人、会话、订单、索赔和历史全部转移；{{b}} 作为曾用编号继续有效。", fairRegister: "展会登记", letter: "字母", fairName: "展会", city: "城市", until: "至", registerFair: "登记展会", nextLetter: "下一个可用字母：{{letter}}（不使用 I 和 O）",
    newOrder: '新建订单', importOrders: '导入订单', next: '下一节点', mineOnly: '只看我的', poNumber: '订单号',
  managerDefault: '负责人：默认为供应商的负责人', item: '品名', unit: '单位', unitPrice: '单价', addLine: '添加行', total: '合计',
  plannedDates: '计划日期（按交期模板生成，可按约定修改）', createOrder: '创建订单', replan: '调整计划', closeOrder: '关闭', cancelOrder: '取消订单', reopen: '重新打开', history: '变更记录',
  orderStatus_open: '进行中', orderStatus_closed: '已关闭', orderStatus_cancelled: '已取消',
  via_console: '控制台', via_api: 'API', via_command: '微信指令', via_miniprogram: '小程序', via_import: '导入', via_system: '系统',
  board_all: '全部', board_overdue: '逾期', board_thisWeek: '本周出货', board_nextWeek: '下周出货', board_customsHeld: '海关查验', board_noPlan: '无计划日期',
  template: '模板', file: '文件', source: '来源（记住列对应）', preview: '预览', confirmImport: '确认导入', written: '已写入', toCreate: '新建', toUpdate: '更新', unchanged: '无变化', problems: '问题', rows: '行数',
  mapping: '列对应', row: '行', column: '列', field: '字段', problem: '问题',
  action_create: '新建', action_update: '更新', action_unchanged: '无变化', action_skip: '跳过（非进行中）',
  field_number: '订单号', field_supplierCode: '供应商代码', field_item: '品名', field_sku: '货号', field_qty: '数量', field_unit: '单位', field_unitPrice: '单价', field_currency: '币种', field_incoterms: '贸易条款', field_paymentTerms: '付款方式',
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
