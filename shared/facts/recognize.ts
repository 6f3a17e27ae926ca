// The recognizers: what a supplier's chat message says about an order, as facts. Pure and
// quick (well under a millisecond a message): regular expressions over the NFKC-normalised
// text (full-width digits and letters become ASCII), clause by clause. Chinese first, English
// and Russian too. Precision over recall: a clause that asks ("…吗？") or talks about the past
// ("上周已经说过了") gives nothing; a date without a milestone word gives nothing unless the
// clause moves something ("改到12月20日": the milestone is left for the manager to confirm).
import type { MilestoneName } from '../orders/model.js';
import { addDays, findDates, localDay, type FoundDate } from './dates.js';

export type Stage = 'plan' | 'change' | 'done';
export const CARRIERS = ['SF', 'JD', 'YTO', 'EMS', 'DHL', 'FedEx'] as const;
export type Carrier = (typeof CARRIERS)[number];

export type Fact =
  | { kind: 'date'; milestone: MilestoneName | null; stage: Stage; day: string; uncertain?: string }
  | { kind: 'price'; currency: string; amount: string; unit: string; item?: string }
  | { kind: 'qty'; change: 'short' | 'total'; qty: number; unit: string }
  | { kind: 'container'; number: string; uncertain?: string }
  | { kind: 'bl'; number: string }
  | { kind: 'tracking'; carrier: Carrier; number: string }
  | { kind: 'holiday'; from: string; to: string; uncertain?: string };

export interface Recognized {
  facts: Fact[];
  /** PO numbers the text names (as written, upper-cased). */
  pos: string[];
}

/** The fact's identity within its message (the proposal's unique key, the labels' notation). */
export function factKey(f: Fact): string {
  switch (f.kind) {
    case 'date':
      return `date:${f.milestone ?? '?'}:${f.stage}:${f.day}`;
    case 'price':
      return `price:${f.currency}:${f.amount}:${f.unit}`;
    case 'qty':
      return `qty:${f.change}:${f.qty}:${f.unit}`;
    case 'container':
      return `container:${f.number}`;
    case 'bl':
      return `bl:${f.number}`;
    case 'tracking':
      return `tracking:${f.carrier}:${f.number}`;
    case 'holiday':
      return `holiday:${f.from}:${f.to}`;
  }
}

/** Carrier pages where a tracking number is looked up. */
export const CARRIER_LINKS: Record<Carrier, (n: string) => string> = {
  SF: (n) => `https://www.sf-express.com/chn/sc/waybill/waybill-detail/${n}`,
  JD: (n) => `https://www.jdl.com/orderSearch/?waybillCodes=${n}`,
  YTO: (n) => `https://www.yto.net.cn/gw/service/waybillTrack.html?waybillNo=${n}`,
  EMS: (n) => `https://www.ems.com.cn/queryList?mailNum=${n}`,
  DHL: (n) => `https://www.dhl.com/global-en/home/tracking/tracking-express.html?tracking-id=${n}`,
  FedEx: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
};

// Milestone words, most specific first (大货完成 is production done, not "大货" + shipment).
const MILESTONE_WORDS: [MilestoneName, RegExp][] = [
  [
    'production_done',
    /大货[^，,。；！]{0,10}?(?:完成|做完|做好|完工|生产完)|生产(?:已经?)?(?:完成|做完|完工|结束)|生产完|(?<!开始)(?:做完|完工)|production (?:will be |is |was )?(?:done|finished|complete[d]?)|finish(?:ing|ed)? production|производств[a-zа-яё]* (?:законч|заверш)[a-zа-яё]*|(?:законч|заверш)[a-zа-яё]* производств[a-zа-яё]*/i,
  ],
  [
    'production_start',
    /开始生产|开始做|上线|投产|开工|排产|start(?:s|ing)? production|production (?:will )?start|начн[a-zа-яё]* производств[a-zа-яё]*|запуск[a-zа-яё]* производств[a-zа-яё]*|начало производства/i,
  ],
  ['materials', /原材料|原料|备料|物料|面料|材料|raw materials?|materials?|сырь[a-zа-яё]*|материал[a-zа-яё]*/i],
  ['inspection', /验货|检验|查货|验厂|QC检|inspection|inspect|инспекци[a-zа-яё]*|проверк[a-zа-яё]*/i],
  ['shipped', /出货|发货|船期|出运|装柜|走货|开船|交货|货期|出柜|ETD|ship(?:ment|ping|ped|s)?\b|dispatch[a-zа-яё]*|load(?:ing|ed)\b|отгру[зж][a-zа-яё]*|отправ[a-zа-яё]*|погрузк[a-zа-яё]*/i],
];
const CHANGE =
  /改到|改为|改成|改在|推迟|延期|延迟|延后|延到|推到|推后|提前|调整到|调整为|顺延|换到|变更|postpone[a-zа-яё]*|delay[a-zа-яё]*|resched[a-zа-яё]*|moved? to|chang[a-zа-яё]* to|push[a-zа-яё]* (?:back )?to|перенес[a-zа-яё]*|перенос[a-zа-яё]*|задерж[a-zа-яё]*|сдвин[a-zа-яё]*|отлож[a-zа-яё]*|сдвиг[a-zа-яё]*/i;
const DONE =
  /已经?(?:全部)?(?:出货|发货|出运|装柜|开船|完成|做完|完工|验货|验完|到|开始|上线|投产|备好|备齐|到齐)|(?<!才能|才可以|可以|能够|能|就要|要|会|将|准备|打算|计划)(?:出货|发货|装柜|做完|完成|验完|生产完|备好|到齐|上线)了|验货(?:已经?)?(?:通过|合格)|(?:has|have|was|were) (?:been )?(?:shipped|completed|finished|done|passed|dispatched|started)|\b(?:shipped|dispatched) (?:today|yesterday|on)\b|отгружен[a-zа-яё]*|отправлен[a-zа-яё]*|(?:уже )?(?:законч|заверш)ил[a-zа-яё]*|прош[a-zа-яё]* инспекц[a-zа-яё]*/i;
const PLAN_CUE =
  /安排|预计|计划|会|能|可以|要|将|大概|估计|预期|定在|在|于|前|之前|以前|左右|by|on|will|plan[a-zа-яё]*|expect[a-zа-яё]*|schedul[a-zа-яё]*|ETD|until|к |до |план[a-zа-яё]*|будет|ожида[a-zа-яё]*/i;
const QUESTION = /[?？]|吗|是否|能不能|可不可以|有没有|什么时候|哪天|几号|when\b|could you|can you|ли\b|когда/i;
const PAST_TALK = /上周|上次|之前说|已经说|说过|昨天说|以前|去年|last (?:week|time)|already (?:told|said)|на прошлой|уже говорил/i;
const HOLIDAY =
  /放假|休假|停工|放年假|停产|休息到|工厂休息|不上班|factory (?:is )?closed|closed (?:from|for|until)|holiday|vacation|выходн[a-zа-яё]*|каникул[a-zа-яё]*|не работа[a-zа-яё]*|праздник[a-zа-яё]*/i;

const CURRENCY_WORDS: [RegExp, string][] = [
  [/USD|US\$|美元|美金|\$|долл[a-zа-яё]*/i, 'USD'],
  [/EUR|€|欧元|евро/i, 'EUR'],
  [/RUB|₽|руб[a-zа-яё]*/i, 'RUB'],
  [/HKD|港币/i, 'HKD'],
  [/RMB|CNY|人民币|元|¥|块/i, 'CNY'],
];
const UNIT_WORDS: [RegExp, string][] = [
  [/pcs?|pieces?|个|件|只|支|шт[a-zа-яё]*|pc\b/i, 'pcs'],
  [/sets?|套|комплект[a-zа-яё]*/i, 'set'],
  [/ctns?|cartons?|箱|короб[a-zа-яё]*/i, 'ctn'],
  [/kgs?|公斤|千克|кг/i, 'kg'],
  [/pairs?|双|пар[a-zа-яё]*/i, 'pair'],
  [/m\b|米|метр[a-zа-яё]*/i, 'm'],
  [/托|pallets?|паллет[a-zа-яё]*/i, 'pallet'],
];
const PRICE_CUE = /单价|价格|价钱|报价|涨价|调价|降价|加价|unit price|price|цен[a-zа-яё]*|стоимост[a-zа-яё]*/i;
const AMOUNT =
  /(?:(USD|US\$|\$|EUR|€|RMB|CNY|¥|HKD|RUB|₽)\s*)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(美元|美金|欧元|人民币|港币|元|块|USD|EUR|RMB|CNY|HKD|RUB|руб[a-zа-яё]*|долл[a-zа-яё]*|евро)?\s*(?:\/|每|一|per|за|\s)?\s*(pcs?|pieces?|sets?|ctns?|cartons?|kgs?|pairs?|个|件|只|支|套|箱|公斤|千克|双|米|шт[a-zа-яё]*|комплект[a-zа-яё]*|кг)?/gi;
const SHORT =
  /(?:少了?|缺了?|短少了?|短缺|差了?|少发了?|漏发了?|short(?: of| by)?|missing|не хватает|недостач[a-zа-яё]*|недовложени[a-zа-яё]*)\s*(\d+(?:,\d{3})*)\s*(pcs?|pieces?|sets?|ctns?|cartons?|kgs?|pairs?|个|件|只|支|套|箱|公斤|双|托|шт[a-zа-яё]*|короб[a-zа-яё]*|кг)/gi;
const SHORT_AFTER = /(\d+(?:,\d{3})*)\s*(pcs?|pieces?|ctns?|cartons?|个|件|只|套|箱|шт[a-zа-яё]*|короб[a-zа-яё]*)\s*(?:short|missing|不够|没到|缺货|не хватает)/gi;
const TOTAL =
  /(?:数量|总数|实际数量|出货数量|quantity|qty|количеств[a-zа-яё]*)\s*(?:改为|改成|改到|调整为|调整到|变成|是|为|:|changed to|is now|now|будет|изменен[a-zа-яё]* на)?\s*(\d+(?:,\d{3})*)\s*(pcs?|pieces?|sets?|ctns?|cartons?|个|件|只|套|箱|双|шт[a-zа-яё]*|короб[a-zа-яё]*)/gi;

const PO = /\bP\.?O\.?\s*(?:No\.?|#|号|:)?\s*[-:#]?\s*([A-Z0-9][A-Z0-9-]{2,24}[A-Z0-9])/gi;
const CONTAINER = /\b([A-Z]{3}[UJZ])\s?(\d{6})\s?-?\s?(\d)\b/g;
const CONTAINER_CUE = /柜号|箱号|货柜|集装箱|container|cntr|контейнер/i;
const BL = /(?:提单号?|B\/L|BL|BOL|bill of lading|коносамент[a-zа-яё]*)\s*(?:No\.?|#|号码|号|номер|:)?\s*[:：#]?\s*([A-Z0-9]{8,20})\b/gi;

/** ISO 6346: the check digit of a container's owner code, category and serial number. */
export function containerCheckDigit(first10: string): number {
  const values: number[] = [];
  let v = 10;
  const letter: Record<string, number> = {};
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (v % 11 === 0) v++;
    letter[ch] = v++;
  }
  for (const ch of first10) values.push(/\d/.test(ch) ? Number(ch) : letter[ch]!);
  const sum = values.reduce((s, x, i) => s + x * 2 ** i, 0);
  return (sum % 11) % 10;
}

const TRACKING: { carrier: Carrier; re: RegExp; cue?: RegExp }[] = [
  { carrier: 'SF', re: /\b(SF\d{12,13})\b/gi },
  { carrier: 'SF', re: /(?<![\dA-Z])(\d{12})(?!\d)/g, cue: /顺丰|SF Express|S\.F\./i },
  { carrier: 'JD', re: /\b(JD[A-Z]{0,2}\d{10,13})\b/gi },
  { carrier: 'YTO', re: /\b(YT\d{13})\b/gi },
  { carrier: 'EMS', re: /\b([A-Z]{2}\d{9}CN)\b/g, cue: /EMS|邮政|邮局|China Post|Почт/i },
  { carrier: 'EMS', re: /(?<![\dA-Z])(1\d{12})(?!\d)/g, cue: /EMS|邮政/i },
  { carrier: 'DHL', re: /(?<![\dA-Z])(\d{10})(?!\d)/g, cue: /DHL/i },
  { carrier: 'FedEx', re: /(?<![\dA-Z])(\d{12}|\d{15})(?!\d)/g, cue: /FedEx|联邦快递|联邦|ФедЭкс/i },
];

// Clauses: a sentence end, a comma, a line. Dates and milestones meet within one clause.
const CLAUSE = /[。！!；;\n，]|,(?!\d{3})|(?<=\S)\s{2,}/;

const normalize = (s: string) => s.normalize('NFKC').replace(/\u200b|\u200c|\u200d|\u200e|\u200f|\ufe0f/g, '');
const MAX_CHARS = 2000;

function milestonesIn(clause: string): MilestoneName[] {
  const out: MilestoneName[] = [];
  let rest = clause;
  for (const [name, re] of MILESTONE_WORDS) {
    const m = re.exec(rest);
    if (!m) continue;
    out.push(name);
    rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length);
  }
  return out;
}

function unitOf(s: string | undefined): string {
  if (!s) return 'pcs';
  for (const [re, u] of UNIT_WORDS) if (re.test(s)) return u;
  return 'pcs';
}
const currencyOf = (...words: (string | undefined)[]) => {
  for (const w of words) {
    if (!w) continue;
    for (const [re, c] of CURRENCY_WORDS) if (re.test(w)) return c;
  }
  return undefined;
};
const plainNumber = (s: string) => s.replace(/,/g, '');

/** Dates of one clause, spans inside the text of the whole message. */
function clauseDates(dates: FoundDate[], start: number, end: number) {
  return dates.filter((d) => d.index >= start && d.end <= end);
}

/**
 * The facts of one message. `at` is the message's time, `tz` the supplier's zone. Never throws:
 * bad input gives no facts (the mirror's listener also catches, to be sure).
 */
export function recognize(raw: string, at: Date, tz = 'Asia/Shanghai'): Recognized {
  if (!raw || typeof raw !== 'string' || !(at instanceof Date) || Number.isNaN(at.getTime())) return { facts: [], pos: [] };
  // Very long texts (a pasted contract): the first part only, the cost stays bounded.
  const text = normalize(raw.length > MAX_CHARS ? raw.slice(0, MAX_CHARS) : raw);
  const facts: Fact[] = [];
  const seen = new Set<string>();
  const add = (f: Fact) => {
    const k = factKey(f);
    if (!seen.has(k)) {
      seen.add(k);
      facts.push(f);
    }
  };
  const today = localDay(at, tz).day;

  // Numbers first (they do not depend on clauses); their spans are masked for the dates.
  let masked = text;
  const mask = (i: number, len: number) => (masked = masked.slice(0, i) + ' '.repeat(len) + masked.slice(i + len));
  const pos: string[] = [];
  for (const m of text.matchAll(PO)) {
    if (!/\d/.test(m[1]!)) continue;
    pos.push(m[1]!.toUpperCase());
    mask(m.index!, m[0].length);
  }
  for (const m of text.matchAll(CONTAINER)) {
    const number = `${m[1]}${m[2]}${m[3]}`;
    const ok = containerCheckDigit(number.slice(0, 10)) === Number(m[3]);
    if (ok || CONTAINER_CUE.test(text)) add({ kind: 'container', number, ...(ok ? {} : { uncertain: 'check digit does not match' }) });
    mask(m.index!, m[0].length);
  }
  for (const m of text.matchAll(BL)) {
    const n = m[1]!.toUpperCase();
    if (!/\d/.test(n) || facts.some((f) => f.kind === 'container' && f.number === n)) continue;
    add({ kind: 'bl', number: n });
    mask(m.index!, m[0].length);
  }
  for (const t of TRACKING) {
    if (t.cue && !t.cue.test(text)) continue;
    for (const m of masked.matchAll(t.re)) {
      const number = m[1]!.toUpperCase();
      add({ kind: 'tracking', carrier: t.carrier, number });
      mask(m.index!, m[0].length);
    }
  }

  // Prices: an amount with a currency, in a clause that speaks of a price.
  const clauses: { s: string; start: number }[] = [];
  {
    let i = 0;
    for (const part of masked.split(CLAUSE)) {
      const start = masked.indexOf(part, i);
      clauses.push({ s: part, start });
      i = start + part.length;
    }
  }
  for (const c of clauses) {
    if (PRICE_CUE.test(c.s)) {
      for (const m of c.s.matchAll(AMOUNT)) {
        const currency = currencyOf(m[1], m[3]);
        if (!currency) continue;
        const amount = plainNumber(m[2]!);
        if (!(Number(amount) > 0)) continue;
        const per = /每\s*(个|件|只|套|箱|公斤|双|米)/.exec(c.s)?.[1];
        add({ kind: 'price', currency, amount, unit: unitOf(m[4] ?? per) });
        mask(c.start + m.index!, m[0].length);
      }
    }
    for (const re of [SHORT, SHORT_AFTER]) {
      for (const m of c.s.matchAll(re)) {
        const qty = Number(plainNumber(m[1]!));
        if (qty > 0) add({ kind: 'qty', change: 'short', qty, unit: unitOf(m[2]) });
        mask(c.start + m.index!, m[0].length);
      }
    }
    for (const m of c.s.matchAll(TOTAL)) {
      const qty = Number(plainNumber(m[1]!));
      if (qty > 0) add({ kind: 'qty', change: 'total', qty, unit: unitOf(m[2]) });
      mask(c.start + m.index!, m[0].length);
    }
  }

  // Dates, clause by clause.
  const dates = findDates(masked, at, tz);
  let carried: MilestoneName[] = [];
  for (const c of clauses) {
    const end = c.start + c.s.length;
    const ds = clauseDates(dates, c.start, end);
    const words = c.s;
    if (HOLIDAY.test(words) && !milestonesIn(words).length) {
      const days = ds.filter((d) => d.day);
      const invalid = ds.some((d) => !d.day);
      if (days.length >= 2 && !invalid) {
        const [from, to] = [days[0]!.day!, days[days.length - 1]!.day!];
        if (to >= from && Date.parse(to) - Date.parse(from) <= 60 * 86_400_000) add({ kind: 'holiday', from, to });
      } else if (days.length === 1 && /到|至|until|till|по |до /i.test(words) && !invalid) {
        add({ kind: 'holiday', from: today, to: days[0]!.day!, uncertain: 'start not named: from the message day' });
      }
      carried = [];
      continue;
    }
    const ms = milestonesIn(words);
    if (QUESTION.test(words) || (PAST_TALK.test(words) && !ds.length)) {
      carried = [];
      continue;
    }
    const stage: Stage = DONE.test(words) ? 'done' : CHANGE.test(words) ? 'change' : 'plan';
    const valid = ds.filter((d) => d.day);
    if (!ms.length && valid.length && carried.length && !PAST_TALK.test(words)) ms.push(...carried);
    if (!ms.length) {
      // A move without a milestone word ("改到12月20日"): the milestone is the manager's pick.
      if (valid.length && stage === 'change') add({ kind: 'date', milestone: null, stage, day: valid[valid.length - 1]!.day!, ...unc(valid[valid.length - 1]!) });
      carried = [];
      continue;
    }
    if (!valid.length) {
      if (stage === 'done' && !ds.length) for (const m of ms) add({ kind: 'date', milestone: m, stage, day: today });
      // A milestone word alone ("出货时间，改到…"): the next clause's date is about it.
      carried = ds.length || stage === 'done' ? [] : ms;
      continue;
    }
    carried = [];
    if (PAST_TALK.test(words) && stage !== 'done') continue;
    // From … to …: the date the clause moves to is the last one.
    const d = valid[valid.length - 1]!;
    if (stage !== 'done' && d.day! < addDays(today, -1)) continue; // a plan in the past is no plan
    if (!PLAN_CUE.test(words) && stage === 'plan' && !/^\s*\S{0,6}\s*$/.test(words.replace(d.text, '').replace(/出货|发货|验货|船期/g, ''))) {
      // A plain date + milestone ("12月20日出货") is a plan too; only long clauses without a cue are skipped.
      if (words.length > 40) continue;
    }
    for (const m of ms) add({ kind: 'date', milestone: m, stage, day: d.day!, ...unc(d) });
  }
  return { facts, pos };
}

const unc = (d: FoundDate) => (d.uncertain ? { uncertain: d.uncertain } : {});
