// Error texts a manager reads, by stable key, in every manager language. An error carries its
// key and parameters (`msg`); the adapter that knows the reader (the HTTP error middleware, the
// command dispatcher) writes it in their language. English is the fallback and what `.message`
// and the logs hold. Every entry has all three languages (the type and test/unit/errors-i18n.test.ts
// check it), with the same {placeholders}.
import { fmtNumber } from '../i18n/index.js';

/** The languages error texts are written in (the manager languages). */
export const ERROR_LANGS = ['en', 'ru', 'az'] as const;
export type ErrorLang = (typeof ERROR_LANGS)[number];
export type Params = Record<string, string | number>;
type Entry = Record<ErrorLang, string>;

export const MESSAGES = {
  // ---- generic (defaults of the error classes, the HTTP boundary) ----
  notFound: { en: 'not found', ru: 'не найдено', az: 'tapılmadı' },
  forbidden: { en: 'forbidden', ru: 'доступ запрещён', az: 'giriş qadağandır' },
  unauthorized: { en: 'unauthorized', ru: 'требуется вход', az: 'giriş tələb olunur' },
  rateLimited: { en: 'too many requests', ru: 'слишком много запросов', az: 'həddindən çox sorğu' },
  unavailable: { en: 'service unavailable', ru: 'сервис недоступен', az: 'xidmət əlçatan deyil' },
  internal: { en: 'internal error', ru: 'внутренняя ошибка', az: 'daxili xəta' },
  noSuchRoute: { en: 'no such route', ru: 'такого адреса нет', az: 'belə ünvan yoxdur' },
  invalidInput: { en: 'invalid input', ru: 'неверные данные', az: 'yanlış məlumat' },
  invalidPart: { en: 'invalid {where}', ru: 'неверные данные запроса ({where})', az: 'sorğunun məlumatları yanlışdır ({where})' },
  malformedBody: { en: 'malformed request body', ru: 'тело запроса повреждено', az: 'sorğunun gövdəsi zədəlidir' },
  bodyTooLarge: { en: 'request body too large', ru: 'тело запроса слишком большое', az: 'sorğunun gövdəsi çox böyükdür' },
  dbUnavailable: { en: 'the database is unavailable; try again', ru: 'база данных недоступна; попробуйте ещё раз', az: 'verilənlər bazası əlçatan deyil; yenidən cəhd edin' },

  // ---- signing in, access ----
  signInFirst: { en: 'sign in first', ru: 'сначала войдите', az: 'əvvəlcə daxil olun' },
  wrongLogin: { en: 'wrong login or password', ru: 'неверный логин или пароль', az: 'login və ya parol səhvdir' },
  signInLocked: {
    en: 'too many failed sign-ins: locked until {until}',
    ru: 'слишком много неудачных входов: вход закрыт до {until}',
    az: 'həddindən çox uğursuz giriş: {until} vaxtınadək bağlıdır',
  },
  signInRate: {
    en: 'too many sign-in attempts from this address; wait a minute',
    ru: 'слишком много попыток входа с этого адреса; подождите минуту',
    az: 'bu ünvandan həddindən çox giriş cəhdi; bir dəqiqə gözləyin',
  },
  csrf: { en: 'missing or wrong CSRF token: reload the console', ru: 'нет или неверный CSRF-токен: перезагрузите консоль', az: 'CSRF tokeni yoxdur və ya səhvdir: konsolu yenidən yükləyin' },
  adminOnly: { en: 'admin only', ru: 'только для администратора', az: 'yalnız administrator üçün' },
  headOnly: { en: 'head of purchasing or admin only', ru: 'только для руководителя закупок или администратора', az: 'yalnız satınalma rəhbəri və ya administrator üçün' },
  tokenRevoked: { en: 'token revoked', ru: 'токен отозван', az: 'token ləğv edilib' },
  chatNotLinked: { en: 'this chat is not linked to a supplier', ru: 'этот чат не привязан к поставщику', az: 'bu çat təchizatçıya bağlı deyil' },

  // ---- managers (accounts, profile) ----
  noSuchManager: { en: 'no such manager', ru: 'такого менеджера нет', az: 'belə menecer yoxdur' },
  noSuchActiveManager: { en: 'no such active manager', ru: 'такого активного менеджера нет', az: 'belə aktiv menecer yoxdur' },
  notManagerId: { en: 'not a manager id', ru: 'это не идентификатор менеджера', az: 'bu menecer identifikatoru deyil' },
  passwordTooShort: { en: 'the password needs at least {n} characters', ru: 'в пароле должно быть не меньше {n} символов', az: 'parolda ən azı {n} simvol olmalıdır' },
  loginTaken: { en: 'the login {login} is taken', ru: 'логин {login} уже занят', az: '{login} logini artıq tutulub' },
  noManagerOrHasLogin: { en: 'no such manager, or it has a login already', ru: 'такого менеджера нет, или у него уже есть логин', az: 'belə menecer yoxdur və ya onun artıq logini var' },
  nameRequired: { en: 'a name is required', ru: 'нужно имя', az: 'ad tələb olunur' },
  badTimezone: { en: 'not a time zone (e.g. Europe/Moscow)', ru: 'это не часовой пояс (например, Europe/Moscow)', az: 'bu saat qurşağı deyil (məsələn, Asia/Baku)' },
  badWorkingHours: {
    en: 'working hours are HH:MM–HH:MM, start before end',
    ru: 'рабочие часы — ЧЧ:ММ–ЧЧ:ММ, начало раньше конца',
    az: 'iş saatları SS:DD–SS:DD formatındadır, başlanğıc sondan əvvəl',
  },
  noConsolePassword: {
    en: 'this account has no console password: an admin sets one',
    ru: 'у этой учётной записи нет пароля консоли: его задаёт администратор',
    az: 'bu hesabın konsol parolu yoxdur: onu administrator təyin edir',
  },
  wrongCurrentPassword: { en: 'the current password is wrong', ru: 'текущий пароль неверен', az: 'cari parol səhvdir' },
  samePassword: { en: 'the new password is the old one', ru: 'новый пароль совпадает со старым', az: 'yeni parol köhnəsi ilə eynidir' },
  noSuchSession: { en: 'no such session', ru: 'такого сеанса нет', az: 'belə seans yoxdur' },
  cannotDeactivateSelf: { en: 'you cannot deactivate yourself', ru: 'нельзя отключить самого себя', az: 'özünüzü deaktiv edə bilməzsiniz' },

  // ---- orders ----
  orderNotFound: { en: 'order not found', ru: 'заказ не найден', az: 'sifariş tapılmadı' },
  noOrder: { en: 'no order {po}', ru: 'заказа {po} нет', az: '{po} sifarişi yoxdur' },
  orderExists: { en: 'order {po} exists already', ru: 'заказ {po} уже есть', az: '{po} sifarişi artıq mövcuddur' },
  orderBusy: { en: 'the order is being changed by someone else; try again', ru: 'заказ сейчас меняет кто-то другой; попробуйте ещё раз', az: 'sifarişi hazırda başqası dəyişir; yenidən cəhd edin' },
  orderListBusy: { en: 'order list busy; try again', ru: 'список заказов занят; попробуйте ещё раз', az: 'sifariş siyahısı məşğuldur; yenidən cəhd edin' },
  orderClosed: { en: 'the order is closed', ru: 'заказ закрыт', az: 'sifariş bağlıdır' },
  orderIs: { en: 'the order is {status}', ru: 'заказ в состоянии «{status}»', az: 'sifariş «{status}» vəziyyətindədir' },
  orderIsReopen: { en: 'the order is {status}; reopen it first', ru: 'заказ в состоянии «{status}»; сначала откройте его снова', az: 'sifariş «{status}» vəziyyətindədir; əvvəlcə onu yenidən açın' },
  orderShipped: { en: 'the order has shipped already', ru: 'заказ уже отгружен', az: 'sifariş artıq göndərilib' },
  leadTimeRange: {
    en: 'lead time of {milestone} missing or out of range',
    ru: 'срок этапа {milestone} не задан или вне допустимых пределов',
    az: '{milestone} mərhələsinin müddəti yoxdur və ya hüdudlardan kənardır',
  },
  shipmentFromOrder: { en: 'the shipment counts from the order date', ru: 'отгрузка считается от даты заказа', az: 'göndərilmə sifariş tarixindən hesablanır' },
  unknownMilestone: { en: 'unknown milestone {milestone}', ru: 'неизвестный этап {milestone}', az: 'naməlum mərhələ {milestone}' },
  nothingToUpdate: { en: 'nothing to update', ru: 'нечего менять', az: 'dəyişiləcək heç nə yoxdur' },
  actualInFuture: { en: 'the actual date cannot be in the future', ru: 'фактическая дата не может быть в будущем', az: 'faktiki tarix gələcəkdə ola bilməz' },
  replanReason: { en: 'a reason is required to move a planned date', ru: 'чтобы перенести плановую дату, нужна причина', az: 'planlaşdırılmış tarixi dəyişmək üçün səbəb tələb olunur' },
  replanReasonOf: {
    en: 'a reason is required to move the planned date of {milestone}',
    ru: 'чтобы перенести плановую дату этапа {milestone}, нужна причина',
    az: '{milestone} mərhələsinin planlaşdırılmış tarixini dəyişmək üçün səbəb tələb olunur',
  },
  cancelReason: { en: 'a reason is required to cancel an order', ru: 'чтобы отменить заказ, нужна причина', az: 'sifarişi ləğv etmək üçün səbəb tələb olunur' },
  customsOnlyShipped: {
    en: 'customs can be reported only for a shipped order',
    ru: 'таможню можно отмечать только для отгруженного заказа',
    az: 'gömrük yalnız göndərilmiş sifariş üçün qeyd edilə bilər',
  },
  customsHoldReason: { en: 'a reason is required for a customs hold', ru: 'для задержки на таможне нужна причина', az: 'gömrükdə saxlanma üçün səbəb tələb olunur' },
  milestonePhotos: { en: 'a milestone keeps at most {n} photos', ru: 'у этапа может быть не больше {n} фото', az: 'mərhələdə ən çoxu {n} foto saxlanılır' },
  notReadyNeedsDate: { en: 'not ready: give the new expected shipment date', ru: 'не готово: укажите новую ожидаемую дату отгрузки', az: 'hazır deyil: yeni gözlənilən göndərilmə tarixini göstərin' },
  newDateInPast: { en: 'the new date cannot be in the past', ru: 'новая дата не может быть в прошлом', az: 'yeni tarix keçmişdə ola bilməz' },
  noSuchPhoto: { en: 'no such photo', ru: 'такого фото нет', az: 'belə foto yoxdur' },
  photoFileGone: { en: 'the photo file is gone', ru: 'файл фото утерян', az: 'fotonun faylı itib' },
  idempotencyMismatch: {
    en: 'this Idempotency-Key was used for a different request',
    ru: 'этот Idempotency-Key уже использован для другого запроса',
    az: 'bu Idempotency-Key başqa sorğu üçün istifadə olunub',
  },
  idempotencyInProgress: {
    en: 'a request with this Idempotency-Key is still in progress; retry later',
    ru: 'запрос с этим Idempotency-Key ещё выполняется; повторите позже',
    az: 'bu Idempotency-Key ilə sorğu hələ icra olunur; sonra təkrar edin',
  },

  // ---- suppliers, contacts ----
  noSuchSupplier: { en: 'no such supplier', ru: 'такого поставщика нет', az: 'belə təchizatçı yoxdur' },
  noSupplierCode: { en: 'no supplier with code {code}', ru: 'поставщика с кодом {code} нет', az: '{code} kodlu təchizatçı yoxdur' },
  noSupplier: { en: 'no supplier {code}', ru: 'поставщика {code} нет', az: '{code} təchizatçısı yoxdur' },
  supplierNameRequired: { en: 'supplier name is required', ru: 'нужно название поставщика', az: 'təchizatçının adı tələb olunur' },
  codeTaken: { en: 'the code {code} is taken', ru: 'код {code} уже занят', az: '{code} kodu artıq tutulub' },
  codeFormer: { en: 'the code {code} is a former code of {other}', ru: 'код {code} — прежний код поставщика {other}', az: '{code} kodu {other} təchizatçısının köhnə kodudur' },
  // The problems follow as details (in the reader's language): the English line keeps its list.
  supplierProblems: { en: 'supplier {code}: {problems}', ru: 'поставщик {code}: неверно заполнены поля', az: '{code} təchizatçısı: sahələr səhv doldurulub' },
  noActiveManagerNamed: { en: 'no active manager {manager}', ru: 'активного менеджера {manager} нет', az: '{manager} adlı aktiv menecer yoxdur' },
  backupSameAsManager: { en: 'the backup must be another manager', ru: 'заместителем должен быть другой менеджер', az: 'əvəzedici başqa menecer olmalıdır' },
  countryTwoLetters: { en: 'country must be two letters', ru: 'страна — две латинские буквы', az: 'ölkə iki hərfdən ibarət olmalıdır' },
  notSupplierCode: {
    en: '"{input}" is not a supplier code: a fair letter and a number (D12) or a number (007)',
    ru: '«{input}» — не код поставщика: буква выставки и номер (D12) или номер (007)',
    az: '«{input}» təchizatçı kodu deyil: sərgi hərfi və nömrə (D12) və ya nömrə (007)',
  },
  noFreeCode: { en: 'could not allocate a unique supplier code', ru: 'не удалось выделить уникальный код поставщика', az: 'unikal təchizatçı kodu ayırmaq mümkün olmadı' },
  codeFairLetter: { en: 'the code {code} does not carry the fair letter {letter}', ru: 'в коде {code} нет буквы выставки {letter}', az: '{code} kodunda {letter} sərgi hərfi yoxdur' },
  abbrNeedsOrders: {
    en: '{code} has no orders yet: the abbreviation is added once orders exist',
    ru: 'у {code} ещё нет заказов: сокращение добавляется, когда появятся заказы',
    az: '{code} təchizatçısının hələ sifarişi yoxdur: qısaltma sifarişlər olduqdan sonra əlavə edilir',
  },
  abbrFormat: { en: 'abbreviation must be 2–6 letters or digits', ru: 'сокращение — от 2 до 6 букв или цифр', az: 'qısaltma 2–6 hərf və ya rəqəmdən ibarət olmalıdır' },

  // ---- claims, amounts ----
  claimPhotosClosed: {
    en: 'the claim is no longer open for photos, or it has {n} already',
    ru: 'к претензии больше нельзя добавлять фото, или их уже {n}',
    az: 'iddiaya artıq foto əlavə etmək olmaz və ya artıq {n} foto var',
  },
  unknownPhoto: { en: 'unknown photo {id}: upload it first', ru: 'неизвестное фото {id}: сначала загрузите его', az: 'naməlum foto {id}: əvvəlcə onu yükləyin' },
  answerDecision: { en: 'an answer needs a decision: accept or dispute', ru: 'в ответе нужно решение: accept или dispute', az: 'cavabda qərar olmalıdır: accept və ya dispute' },
  disputeWhy: { en: 'say why you dispute the claim', ru: 'объясните, почему вы оспариваете претензию', az: 'iddiaya niyə etiraz etdiyinizi yazın' },
  noSuchClaim: { en: 'no such claim', ru: 'такой претензии нет', az: 'belə iddia yoxdur' },
  unknownClaimType: { en: 'unknown claim type {type}', ru: 'неизвестный тип претензии {type}', az: 'naməlum iddia növü {type}' },
  qtyPositive: { en: 'the quantity must be a positive whole number', ru: 'количество — целое положительное число', az: 'miqdar müsbət tam ədəd olmalıdır' },
  describeProblem: { en: 'describe the problem', ru: 'опишите проблему', az: 'problemi təsvir edin' },
  photoLinkUrl: { en: 'a photo link must be an http(s) URL', ru: 'ссылка на фото должна быть адресом http(s)', az: 'foto keçidi http(s) ünvanı olmalıdır' },
  tooManyPhotos: { en: 'at most {n} photos', ru: 'не больше {n} фото', az: 'ən çoxu {n} foto' },
  noOrderLine: { en: 'order {po} has no line {line}', ru: 'в заказе {po} нет строки {line}', az: '{po} sifarişində {line} sətri yoxdur' },
  claimMove: { en: 'a claim cannot go from {from} to {to}', ru: 'претензию нельзя перевести из «{from}» в «{to}»', az: 'iddianı «{from}» vəziyyətindən «{to}» vəziyyətinə keçirmək olmaz' },
  claimMoveWho: {
    en: 'only the {who} moves a claim from {from} to {to}',
    ru: 'из «{from}» в «{to}» претензию переводит только {who}',
    az: 'iddianı «{from}» vəziyyətindən «{to}» vəziyyətinə yalnız {who} keçirir',
  },
  claimMoveReason: {
    en: 'a reason is required to move a claim from {from} to {to}',
    ru: 'чтобы перевести претензию из «{from}» в «{to}», нужна причина',
    az: 'iddianı «{from}» vəziyyətindən «{to}» vəziyyətinə keçirmək üçün səbəb tələb olunur',
  },
  claimChanged: {
    en: 'the claim was changed by someone else meanwhile; reload it',
    ru: 'претензию тем временем изменил кто-то другой; обновите её',
    az: 'iddianı bu arada başqası dəyişib; yenidən yükləyin',
  },
  settlementKind: { en: 'settling needs a settlement kind', ru: 'для урегулирования нужен способ урегулирования', az: 'həll üçün həll növü tələb olunur' },
  receivedInFuture: { en: 'the date received cannot be in the future', ru: 'дата получения не может быть в будущем', az: 'alınma tarixi gələcəkdə ola bilməz' },
  unknownCause: { en: 'unknown cause {cause}', ru: 'неизвестная причина {cause}', az: 'naməlum səbəb {cause}' },
  lossDecimal: { en: 'a loss is a decimal such as 120.50', ru: 'убыток — десятичное число, например 120.50', az: 'itki onluq ədəddir, məsələn 120.50' },
  lossesEmpty: { en: 'give at least one loss: goods, freight or other', ru: 'укажите хотя бы один убыток: товар, перевозка или прочее', az: 'ən azı bir itki göstərin: mal, daşıma və ya digər' },
  lossesCurrency: { en: 'losses need their currency', ru: 'для убытков нужна валюта', az: 'itkilər üçün valyuta tələb olunur' },
  unknownDecision: { en: 'unknown decision {decision}', ru: 'неизвестное решение {decision}', az: 'naməlum qərar {decision}' },
  sayHowMuch: { en: 'say how much', ru: 'укажите сумму', az: 'məbləği göstərin' },
  amountNeedsCurrency: { en: 'an amount needs its currency', ru: 'для суммы нужна валюта', az: 'məbləğ üçün valyuta tələb olunur' },
  amountPositive: {
    en: 'the amount must be a positive decimal such as 120.50',
    ru: 'сумма — положительное десятичное число, например 120.50',
    az: 'məbləğ müsbət onluq ədəd olmalıdır, məsələn 120.50',
  },
  unknownCurrency: { en: 'unknown currency {currency}', ru: 'неизвестная валюта {currency}', az: 'naməlum valyuta {currency}' },

  // ---- reports, imports ----
  periodOrder: { en: 'the period must end after it starts', ru: 'период должен заканчиваться после начала', az: 'dövr başladıqdan sonra bitməlidir' },
  customPeriodNeeds: { en: 'a custom period needs from and to', ru: 'для своего периода нужны начало и конец', az: 'xüsusi dövr üçün başlanğıc və son tələb olunur' },
  toAfterFrom: { en: 'to must be after from', ru: 'конец должен быть позже начала', az: 'son başlanğıcdan sonra olmalıdır' },
  periodTooLong: { en: 'a custom period is at most 400 days', ru: 'свой период — не больше 400 дней', az: 'xüsusi dövr ən çoxu 400 gündür' },
  itemOrSku: { en: 'item or sku is required', ru: 'нужен товар или артикул', az: 'mal və ya artikul tələb olunur' },
  importOneFile: {
    en: 'send one XLSX or CSV file in the multipart field "file"',
    ru: 'отправьте один файл XLSX или CSV в поле «file»',
    az: '«file» sahəsində bir XLSX və ya CSV faylı göndərin',
  },
  importMappingFields: { en: 'mapping names unknown fields', ru: 'в сопоставлении неизвестные поля', az: 'uyğunlaşdırmada naməlum sahələr var' },
  importMappingJson: { en: 'mapping must be JSON: {"number": "PO", …}', ru: 'сопоставление должно быть JSON: {"number": "PO", …}', az: 'uyğunlaşdırma JSON olmalıdır: {"number": "PO", …}' },
  importTooLarge: {
    en: 'the file is larger than the import limit of {mb} MB (IMPORT_MAX_MB)',
    ru: 'файл больше предела импорта в {mb} МБ (IMPORT_MAX_MB)',
    az: 'fayl {mb} MB idxal həddindən böyükdür (IMPORT_MAX_MB)',
  },
  importTooManyRows: { en: 'the file has more than {max} rows; split it', ru: 'в файле больше {max} строк; разделите его', az: 'faylda {max} sətirdən çoxdur; onu hissələrə bölün' },
  importNoHeader: {
    en: 'no header row found: the first rows name no known columns (PO number, supplier code, item, quantity, unit price…)',
    ru: 'строка заголовков не найдена: в первых строках нет известных столбцов (номер заказа, код поставщика, товар, количество, цена…)',
    az: 'başlıq sətri tapılmadı: ilk sətirlərdə tanınan sütun yoxdur (sifariş nömrəsi, təchizatçı kodu, mal, miqdar, vahidin qiyməti…)',
  },
  importNotXlsx: { en: 'the file could not be read as XLSX: {why}', ru: 'файл не удалось прочитать как XLSX: {why}', az: 'faylı XLSX kimi oxumaq mümkün olmadı: {why}' },
  importNoSuchSheet: { en: 'no sheet "{sheet}"; the file has: {sheets}', ru: 'листа «{sheet}» нет; в файле есть: {sheets}', az: '«{sheet}» vərəqi yoxdur; faylda olanlar: {sheets}' },
  importNoHeaderSheet: {
    en: 'no sheet with a header row (PO number, supplier code, item, quantity, unit price…); sheets: {sheets}',
    ru: 'нет листа со строкой заголовков (номер заказа, код поставщика, товар, количество, цена…); листы: {sheets}',
    az: 'başlıq sətri olan vərəq yoxdur (sifariş nömrəsi, təchizatçı kodu, mal, miqdar, vahidin qiyməti…); vərəqlər: {sheets}',
  },

  // ---- the order import's problems (shared/orders/import.ts): each names its row and column ----
  // Row numbers come as text (a spreadsheet writes them without separators); in Azerbaijani a
  // number is not followed by a case ending ("{row} nömrəli sətirdə"), which would depend on it.
  'import.rowOverLimit': { en: 'row {row}: over the limit of {max} rows', ru: 'строка {row}: больше предела в {max} строк', az: 'sətir {row}: {max} sətir həddini aşır' },
  'import.noHeaderRow': { en: 'no header row', ru: 'нет строки заголовков', az: 'başlıq sətri yoxdur' },
  'import.notXlsx': { en: 'not a readable XLSX file', ru: 'это не читаемый файл XLSX', az: 'oxuna bilən XLSX faylı deyil' },
  'import.sheets': { en: 'sheets: {sheets}', ru: 'листы: {sheets}', az: 'vərəqlər: {sheets}' },
  'import.columnMissing': { en: 'column "{header}" not in the file', ru: 'столбца «{header}» нет в файле', az: '«{header}» sütunu faylda yoxdur' },
  'import.noColumn': { en: 'no column mapped to this field', ru: 'этому полю не сопоставлен столбец', az: 'bu sahəyə heç bir sütun uyğunlaşdırılmayıb' },
  'import.formulaNoResult': {
    en: 'formula ={formula} has no saved result (open and save the file in Excel)',
    ru: 'у формулы ={formula} нет сохранённого значения (откройте и сохраните файл в Excel)',
    az: '={formula} düsturunun saxlanmış nəticəsi yoxdur (faylı Excel-də açıb yadda saxlayın)',
  },
  'import.formulaError': { en: 'formula error {error}', ru: 'ошибка формулы {error}', az: 'düstur xətası {error}' },
  'import.cellError': { en: 'cell error {error}', ru: 'ошибка ячейки {error}', az: 'xana xətası {error}' },
  'import.poMissing': { en: 'PO number missing', ru: 'нет номера заказа', az: 'sifariş nömrəsi yoxdur' },
  'import.poShape': {
    en: 'PO number "{po}": letters, digits and - _ . / only (2–40)',
    ru: 'номер заказа «{po}»: только буквы, цифры и - _ . / (от 2 до 40 символов)',
    az: 'sifariş nömrəsi «{po}»: yalnız hərflər, rəqəmlər və - _ . / (2–40 simvol)',
  },
  'import.codeMissing': { en: 'supplier code missing', ru: 'нет кода поставщика', az: 'təchizatçı kodu yoxdur' },
  'import.incoterms': { en: 'unknown Incoterms "{value}"', ru: 'неизвестное условие Инкотермс «{value}»', az: 'naməlum İnkoterms şərti «{value}»' },
  'import.notDate': {
    en: 'not a date: "{value}" (2026-12-05, 2026/12/5, 05.12.2026, 12月5日)',
    ru: 'не дата: «{value}» (2026-12-05, 2026/12/5, 05.12.2026, 12月5日)',
    az: 'tarix deyil: «{value}» (2026-12-05, 2026/12/5, 05.12.2026, 12月5日)',
  },
  'import.itemMissing': { en: 'item missing', ru: 'нет наименования товара', az: 'malın adı yoxdur' },
  'import.itemLong': { en: 'item longer than {n} characters', ru: 'наименование товара длиннее {n} символов', az: 'malın adı {n} simvoldan uzundur' },
  'import.notNumber': { en: 'not a number: "{value}"', ru: 'не число: «{value}»', az: 'ədəd deyil: «{value}»' },
  'import.qtyPositive': { en: 'quantity must be positive (got {qty})', ru: 'количество должно быть больше нуля (указано {qty})', az: 'miqdar müsbət olmalıdır (göstərilib: {qty})' },
  'import.qtyLarge': { en: 'quantity too large', ru: 'слишком большое количество', az: 'miqdar həddindən böyükdür' },
  'import.priceNegative': { en: 'unit price must not be negative', ru: 'цена за единицу не может быть отрицательной', az: 'vahidin qiyməti mənfi ola bilməz' },
  'import.currency': { en: 'unknown currency "{value}" ({options})', ru: 'неизвестная валюта «{value}» ({options})', az: 'naməlum valyuta «{value}» ({options})' },
  'import.poAgain': {
    en: 'PO {po} appears again (first at rows {from}–{to}); keep the lines of one PO together',
    ru: 'заказ {po} встречается снова (впервые в строках {from}–{to}); строки одного заказа должны идти подряд',
    az: '{po} sifarişi təkrar gəlir (əvvəlcə {from}–{to} sətirlərində); bir sifarişin sətirləri ardıcıl olmalıdır',
  },
  'import.poSupplierDiffers': {
    en: 'PO {po} has supplier {code} on row {row}',
    ru: 'у заказа {po} в строке {row} поставщик {code}',
    az: '{po} sifarişi üçün {row} nömrəli sətirdə {code} təchizatçısı göstərilib',
  },
  'import.poDateDiffers': { en: 'PO {po} has {date} on row {row}', ru: 'у заказа {po} в строке {row} указано {date}', az: '{po} sifarişi üçün {row} nömrəli sətirdə {date} göstərilib' },
  'import.unknownSupplier': { en: 'unknown supplier code {code}', ru: 'неизвестный код поставщика {code}', az: 'naməlum təchizatçı kodu {code}' },
  'import.poOtherSupplier': { en: 'PO {po} exists already for another supplier', ru: 'заказ {po} уже есть у другого поставщика', az: '{po} sifarişi artıq başqa təchizatçı üçün mövcuddur' },
  'import.poChanged': {
    en: 'PO {po} changed while importing; import the file again',
    ru: 'заказ {po} изменился во время импорта; импортируйте файл ещё раз',
    az: '{po} sifarişi idxal zamanı dəyişdi; faylı yenidən idxal edin',
  },

  // ---- translation ----
  translationUnavailable: { en: 'translation is unavailable right now', ru: 'перевод сейчас недоступен', az: 'tərcümə hazırda əlçatan deyil' },
  noTranslationProvider: { en: 'no translation provider configured', ru: 'переводчик не настроен', az: 'tərcümə xidməti qurulmayıb' },
  languageNotSupported: { en: 'language not supported (zh, en, ru, az)', ru: 'язык не поддерживается (zh, en, ru, az)', az: 'dil dəstəklənmir (zh, en, ru, az)' },
  correctionEmpty: { en: 'the corrected translation is empty', ru: 'исправленный перевод пуст', az: 'düzəldilmiş tərcümə boşdur' },
  noSuchMessage: { en: 'no such message', ru: 'такого сообщения нет', az: 'belə mesaj yoxdur' },
  messageNotFound: { en: 'message not found', ru: 'сообщение не найдено', az: 'mesaj tapılmadı' },
  noSuchNotice: { en: 'no such notice', ru: 'такого уведомления нет', az: 'belə bildiriş yoxdur' },

  replyNotTranslatedZh: {
    en: 'translation is unavailable right now ({why}); nothing was sent — try again, or type the Chinese yourself',
    ru: 'перевод сейчас недоступен ({why}); ничего не отправлено — попробуйте ещё раз или напишите по-китайски сами',
    az: 'tərcümə hazırda əlçatan deyil ({why}); heç nə göndərilmədi — yenidən cəhd edin və ya çincə özünüz yazın',
  },
  replyNotTranslatedEn: {
    en: 'translation is unavailable right now ({why}); nothing was sent — try again, or type the English yourself',
    ru: 'перевод сейчас недоступен ({why}); ничего не отправлено — попробуйте ещё раз или напишите по-английски сами',
    az: 'tərcümə hazırda əlçatan deyil ({why}); heç nə göndərilmədi — yenidən cəhd edin və ya ingiliscə özünüz yazın',
  },
  noFailedNotice: { en: 'no failed notice with that id', ru: 'неотправленного уведомления с таким id нет', az: 'bu id ilə göndərilməmiş bildiriş yoxdur' },
  noOpenProposal: { en: 'no open proposal with that id', ru: 'открытого предложения с таким id нет', az: 'bu id ilə açıq təklif yoxdur' },
  notADate: { en: 'not a date: {date}', ru: 'не дата: {date}', az: 'tarix deyil: {date}' },

  // ---- WeChat command arguments (shared/commands/parse.ts) ----
  'cmd.unknown': { en: 'unknown command /{name}', ru: 'неизвестная команда /{name}', az: 'naməlum əmr /{name}' },
  'cmd.whichPo': { en: 'which PO?', ru: 'какой заказ (PO)?', az: 'hansı sifariş (PO)?' },
  'cmd.poMilestone': { en: 'PO and milestone are required', ru: 'нужны номер заказа и этап', az: 'sifariş nömrəsi və mərhələ tələb olunur' },
  'cmd.poMilestoneDate': { en: 'PO, milestone and date are required', ru: 'нужны номер заказа, этап и дата', az: 'sifariş nömrəsi, mərhələ və tarix tələb olunur' },
  'cmd.unknownMilestone': {
    en: 'unknown milestone "{milestone}"; one of {options}',
    ru: 'неизвестный этап «{milestone}»; один из: {options}',
    az: 'naməlum mərhələ «{milestone}»; bunlardan biri: {options}',
  },
  'cmd.notDate': { en: '"{date}" is not a date (YYYY-MM-DD)', ru: '«{date}» — не дата (ГГГГ-ММ-ДД)', az: '«{date}» tarix deyil (İİİİ-AA-GG)' },
  'cmd.poHoldClear': { en: 'PO and hold|clear are required', ru: 'нужны номер заказа и hold|clear', az: 'sifariş nömrəsi və hold|clear tələb olunur' },
  'cmd.codeText': { en: 'supplier code and text are required', ru: 'нужны код поставщика и текст', az: 'təchizatçı kodu və mətn tələb olunur' },
  'cmd.code': { en: 'supplier code is required', ru: 'нужен код поставщика', az: 'təchizatçı kodu tələb olunur' },
  'cmd.n50': { en: 'n must be a number from 1 to 50', ru: 'n — число от 1 до 50', az: 'n 1-dən 50-yədək ədəd olmalıdır' },
  'cmd.codeManager': { en: 'supplier code and manager are required', ru: 'нужны код поставщика и менеджер', az: 'təchizatçı kodu və menecer tələb olunur' },
  'cmd.codeSegment': { en: 'supplier code and strategic|new|problem are required', ru: 'нужны код поставщика и strategic|new|problem', az: 'təchizatçı kodu və strategic|new|problem tələb olunur' },
  'cmd.claimArgs': { en: 'PO, type, quantity and text are required', ru: 'нужны номер заказа, тип, количество и текст', az: 'sifariş nömrəsi, növ, miqdar və mətn tələb olunur' },
  'cmd.claimType': {
    en: 'unknown claim type "{type}"; one of defect, shortage, wrong, damage, late',
    ru: 'неизвестный тип претензии «{type}»; один из: defect, shortage, wrong, damage, late',
    az: 'naməlum iddia növü «{type}»; bunlardan biri: defect, shortage, wrong, damage, late',
  },
  'cmd.qty': { en: '"{qty}" is not a quantity', ru: '«{qty}» — не количество', az: '«{qty}» miqdar deyil' },
  'cmd.describe': { en: 'describe the problem after the quantity', ru: 'опишите проблему после количества', az: 'miqdardan sonra problemi təsvir edin' },
  'cmd.month': { en: '"{period}" is not a month (YYYY-MM)', ru: '«{period}» — не месяц (ГГГГ-ММ)', az: '«{period}» ay deyil (İİİİ-AA)' },
  'cmd.text': { en: 'text is required', ru: 'нужен текст', az: 'mətn tələb olunur' },
  'cmd.requestNumber': { en: 'the number of the request in the /accept list', ru: 'номер запроса из списка /accept', az: '/accept siyahısındakı sorğunun nömrəsi' },
  'cmd.proposalNumber': { en: 'the number of the proposal (#n in its message)', ru: 'номер предложения (#n в его сообщении)', az: 'təklifin nömrəsi (mesajındakı #n)' },
  'cmd.poOrMilestone': { en: '"{arg}" is neither a PO nor a milestone', ru: '«{arg}» — не номер заказа и не этап', az: '«{arg}» nə sifariş nömrəsi, nə də mərhələdir' },
  'cmd.linkCode': {
    en: 'the six-digit code from the console (My WeChat) is required',
    ru: 'нужен шестизначный код из консоли («Мой WeChat»)',
    az: 'konsoldan («Mənim WeChat») altırəqəmli kod tələb olunur',
  },
  'cmd.sortWho': { en: 'who, then supplier, contact, colleague or ignore', ru: 'кто, затем supplier, contact, colleague или ignore', az: 'kim, sonra supplier, contact, colleague və ya ignore' },
  'cmd.sortSupplier': {
    en: 'after "supplier": a code (D12, 007) or a fair letter (D), or nothing',
    ru: 'после «supplier»: код (D12, 007) или буква выставки (D), или ничего',
    az: '«supplier» sözündən sonra: kod (D12, 007) və ya sərgi hərfi (D), ya da heç nə',
  },
  'cmd.sortContact': {
    en: 'the code of the supplier this contact works with or for',
    ru: 'код поставщика, с которым или на которого работает этот контакт',
    az: 'bu kontaktın birlikdə və ya onun üçün işlədiyi təchizatçının kodu',
  },
  'cmd.sortRole': {
    en: 'after the code: one role (forwarder, agent, inspector, sales, qc, logistics, merchandiser, other)',
    ru: 'после кода: одна роль (forwarder, agent, inspector, sales, qc, logistics, merchandiser, other)',
    az: 'koddan sonra: bir rol (forwarder, agent, inspector, sales, qc, logistics, merchandiser, other)',
  },
  'cmd.sortNothingAfter': { en: 'nothing comes after "{kind}"', ru: 'после «{kind}» ничего не пишется', az: '«{kind}» sözündən sonra heç nə yazılmır' },

  // ---- field problems (FieldIssue messages; zod's own issues by their code) ----
  'field.required': { en: 'required', ru: 'обязательно', az: 'tələb olunur' },
  'field.invalid': { en: 'invalid', ru: 'неверное значение', az: 'yanlış dəyər' },
  'field.expected': { en: 'expected {expected}, received {received}', ru: 'ожидалось {expected}, получено {received}', az: '{expected} gözlənilirdi, {received} alındı' },
  'field.minChars': { en: 'at least {n} characters', ru: 'не меньше {n} символов', az: 'ən azı {n} simvol' },
  'field.maxChars': { en: 'at most {n} characters', ru: 'не больше {n} символов', az: 'ən çoxu {n} simvol' },
  'field.min': { en: 'at least {n}', ru: 'не меньше {n}', az: 'ən azı {n}' },
  'field.max': { en: 'at most {n}', ru: 'не больше {n}', az: 'ən çoxu {n}' },
  'field.minItems': { en: 'at least {n} items', ru: 'не меньше {n} элементов', az: 'ən azı {n} element' },
  'field.maxItems': { en: 'at most {n} items', ru: 'не больше {n} элементов', az: 'ən çoxu {n} element' },
  'field.integer': { en: 'a whole number', ru: 'целое число', az: 'tam ədəd' },
  'field.oneOf': { en: 'one of {options}', ru: 'одно из: {options}', az: 'bunlardan biri: {options}' },
  'field.unknownKeys': { en: 'unknown fields: {keys}', ru: 'неизвестные поля: {keys}', az: 'naməlum sahələr: {keys}' },
  'field.date': { en: 'must be a date YYYY-MM-DD', ru: 'дата в формате ГГГГ-ММ-ДД', az: 'tarix İİİİ-AA-GG formatında olmalıdır' },
  'field.realDate': { en: 'is not a real date', ru: 'такой даты нет', az: 'belə tarix yoxdur' },
  'field.dateRange': { en: 'must be between 2000 and 2100', ru: 'должна быть между 2000 и 2100 годом', az: '2000 ilə 2100 arasında olmalıdır' },
  'field.supplierCode': { en: 'a supplier code such as D12, 001 or D12 AUGI', ru: 'код поставщика, например D12, 001 или D12 AUGI', az: 'təchizatçı kodu, məsələn D12, 001 və ya D12 AUGI' },
  'field.day': { en: 'a date YYYY-MM-DD', ru: 'дата в формате ГГГГ-ММ-ДД', az: 'İİİİ-AA-GG formatında tarix' },
  'field.realDay': { en: 'not a real date between 2000 and 2100', ru: 'нет такой даты между 2000 и 2100 годом', az: '2000 ilə 2100 arasında belə tarix yoxdur' },
  'field.poNumber': { en: 'letters, digits and - _ . / only', ru: 'только буквы, цифры и - _ . /', az: 'yalnız hərflər, rəqəmlər və - _ . /' },
  'field.money': { en: 'a decimal amount such as 12.50', ru: 'сумма, например 12.50', az: 'onluq məbləğ, məsələn 12.50' },
  'field.month': { en: 'a month YYYY-MM', ru: 'месяц в формате ГГГГ-ММ', az: 'ay İİİİ-AA formatında' },
  'field.id': { en: 'must be a 24-character hex id', ru: 'идентификатор из 24 шестнадцатеричных символов', az: '24 simvollu onaltılıq identifikator olmalıdır' },
  'field.positiveInteger': { en: 'positive integer', ru: 'целое положительное число', az: 'müsbət tam ədəd' },
  'field.positiveDecimal': { en: 'positive decimal', ru: 'положительное десятичное число', az: 'müsbət onluq ədəd' },
  'field.pastDay': { en: 'a past day', ru: 'прошедший день', az: 'keçmiş gün' },
  'field.inPast': { en: 'in the past', ru: 'в прошлом', az: 'keçmişdədir' },
  'field.tooMany': { en: 'too many', ru: 'слишком много', az: 'həddindən çox' },
  'field.noSuchLine': { en: 'no such line', ru: 'такой строки нет', az: 'belə sətir yoxdur' },
  'field.httpUrl': { en: 'http(s) URL', ru: 'адрес http(s)', az: 'http(s) ünvanı' },
  'field.afterFrom': { en: 'after from', ru: 'позже начала', az: 'başlanğıcdan sonra' },
  'field.wrongPassword': { en: 'wrong password', ru: 'неверный пароль', az: 'səhv parol' },
  'field.samePassword': { en: 'same as the current password', ru: 'совпадает с текущим паролем', az: 'cari parol ilə eynidir' },
  'field.timezone': { en: 'an IANA time zone', ru: 'часовой пояс IANA', az: 'IANA saat qurşağı' },
  'field.workingHours': { en: 'HH:MM–HH:MM, start before end', ru: 'ЧЧ:ММ–ЧЧ:ММ, начало раньше конца', az: 'SS:DD–SS:DD, başlanğıc sondan əvvəl' },
  'field.sameAsManager': { en: 'same as the responsible manager', ru: 'совпадает с ответственным менеджером', az: 'məsul menecerlə eynidir' },
  'field.unknownManager': { en: 'unknown or inactive manager', ru: 'неизвестный или отключённый менеджер', az: 'naməlum və ya deaktiv menecer' },
  'field.notAnId': { en: 'not an id', ru: 'не идентификатор', az: 'identifikator deyil' },
  'field.giveBoth': { en: 'give both', ru: 'укажите оба', az: 'hər ikisini göstərin' },
  'field.decimal': { en: 'decimal', ru: 'десятичное число', az: 'onluq ədəd' },
  'field.empty': { en: 'empty', ru: 'пусто', az: 'boşdur' },
  'field.twoLetters': { en: 'two letters such as DE', ru: 'две буквы, например DE', az: 'iki hərf, məsələn DE' },
  'field.abbr': { en: '2–6 letters or digits', ru: 'от 2 до 6 букв или цифр', az: '2–6 hərf və ya rəqəm' },
  'field.options': { en: '{options}', ru: '{options}', az: '{options}' },
  'field.taxId': { en: '8–20 letters and digits', ru: 'от 8 до 20 букв и цифр', az: '8–20 hərf və rəqəm' },
  'field.notEmail': { en: 'not an e-mail: {list}', ru: 'это не адрес почты: {list}', az: 'e-poçt ünvanı deyil: {list}' },
  'field.phones': { en: '5–20 digits each', ru: 'от 5 до 20 цифр в каждом', az: 'hər biri 5–20 rəqəm' },
  'field.zhOrEn': { en: 'zh or en', ru: 'zh или en', az: 'zh və ya en' },
  'field.supplierTimezone': { en: 'not a time zone (e.g. Asia/Shanghai)', ru: 'это не часовой пояс (например, Asia/Shanghai)', az: 'bu saat qurşağı deyil (məsələn, Asia/Shanghai)' },
  'field.codeShape': { en: 'a fair letter and a number (D12) or a number (007)', ru: 'буква выставки и номер (D12) или номер (007)', az: 'sərgi hərfi və nömrə (D12) və ya nömrə (007)' },
  'field.unknownPhoto': { en: 'unknown photo', ru: 'неизвестное фото', az: 'naməlum foto' },
  'field.leadTime': { en: 'days between -730 and 730, from order or shipped', ru: 'дней от -730 до 730, от order или shipped', az: '-730 ilə 730 arasında gün, order və ya shipped-dən' },
  'field.fromOrder': { en: 'from order', ru: 'от даты заказа', az: 'sifariş tarixindən' },
  'field.requiredDisputing': { en: 'required when disputing', ru: 'обязательно при оспаривании', az: 'etiraz zamanı tələb olunur' },
  'field.notJson': { en: 'not JSON', ru: 'не JSON', az: 'JSON deyil' },
  'field.requiredFor': { en: 'required for {what}', ru: 'обязательно для {what}', az: '{what} üçün tələb olunur' },

  // ---- chat to facts: why a proposal is not certain (shared/facts; the English is stored on the proposal) ----
  'doubt.week': { en: 'a week, not a day', ru: 'неделя, а не день', az: 'gün deyil, həftə' },
  'doubt.approximate': { en: 'approximate day', ru: 'приблизительный день', az: 'təxmini gün' },
  'doubt.impossible': { en: 'impossible date', ru: 'невозможная дата', az: 'mümkün olmayan tarix' },
  'doubt.holidayEstimated': { en: 'holiday schedule not published: estimated', ru: 'график праздников не опубликован: оценка', az: 'bayram qrafiki dərc olunmayıb: təxmini' },
  'doubt.checkDigit': { en: 'check digit does not match', ru: 'контрольная цифра не совпадает', az: 'yoxlama rəqəmi uyğun gəlmir' },
  'doubt.startNotNamed': { en: 'start not named: from the message day', ru: 'начало не названо: со дня сообщения', az: 'başlanğıc göstərilməyib: mesaj günündən' },
  'doubt.yearAhead': { en: 'more than a year ahead', ru: 'больше чем через год', az: 'bir ildən çox sonra' },
  'doubt.past': { en: 'in the past', ru: 'в прошлом', az: 'keçmişdə' },
  'doubt.noMilestone': { en: 'milestone not named', ru: 'этап не назван', az: 'mərhələ göstərilməyib' },
  'doubt.model': { en: 'read by the language model', ru: 'прочитано языковой моделью', az: 'dil modeli tərəfindən oxunub' },
  'doubt.poNotOpen': { en: 'PO {po} is not an open order of this supplier', ru: 'PO {po} — не открытый заказ этого поставщика', az: 'PO {po} bu təchizatçının açıq sifarişi deyil' },
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof MESSAGES;

/** A translatable text: a catalog key and its parameters. */
export interface Msg {
  key: MessageKey;
  params?: Params;
}
export const msg = (key: MessageKey, params?: Params): Msg => (params ? { key, params } : { key });

/** A stored or requested language as an error language; English when unknown. */
export const errorLang = (v: unknown): ErrorLang => ((ERROR_LANGS as readonly unknown[]).includes(v) ? (v as ErrorLang) : 'en');

/** The text of `key` in `lang` (English when the language is unknown); numbers in its locale. */
export function say(lang: string, key: MessageKey, params: Params = {}): string {
  const l = errorLang(lang);
  const entry: Entry = MESSAGES[key];
  return (entry[l] || entry.en).replace(/\{(\w+)\}/g, (whole, k: string) => {
    const v = params[k];
    if (v === undefined) return whole;
    return typeof v === 'number' ? fmtNumber(l, v) : v;
  });
}
