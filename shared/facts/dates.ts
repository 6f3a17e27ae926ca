// Dates in a supplier's words, resolved to a calendar day in the supplier's time zone at the
// message's time. Pure. Forms chrono-node (maintained, zh/en/ru) reads well — 明天, 后天, 下周三,
// 三天后, "next Friday", "20 декабря" — go to it; the forms it does not read (or reads wrongly:
// 2月30日 becomes 3月2日) are matched here first: explicit Y/M/D, M月D日/号, M.D号, 月底, 月中,
// 月初, 下周 (a week without a day), 春节后 / 国庆后 (the official holiday, from chinese-days).
import * as chrono from 'chrono-node';
import chineseDays from 'chinese-days';

/** A day found in a text: where it is and what it says. */
export interface FoundDate {
  /** YYYY-MM-DD, or undefined when the text names an impossible day (2月30日). */
  day?: string;
  index: number;
  end: number;
  text: string;
  /** Why the day is not certain (a week, a holiday not yet scheduled, an impossible date). */
  uncertain?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const DAY = 86_400_000;
const dayNum = (s: string) => Date.parse(`${s}T00:00:00Z`) / DAY;
const fromNum = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
export const addDays = (s: string, n: number) => fromNum(dayNum(s) + n);
const valid = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();

const offsets = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock day (YYYY-MM-DD) and weekday (1 = Monday … 7) of `at` in `tz`. */
export function localDay(at: Date, tz: string): { day: string; weekday: number } {
  let f = offsets.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    }
    offsets.set(tz, f);
  }
  const day = f.format(at);
  const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  return { day, weekday };
}

/** A month and day without a year: this year, or next year when it lies more than 60 days back. */
function yearFor(today: string, m: number, d: number): number {
  const y = Number(today.slice(0, 4));
  if (!valid(y, m, d) && valid(y + 1, m, d)) return y + 1;
  return dayNum(ymd(y, m, Math.min(d, 28))) < dayNum(today) - 60 ? y + 1 : y;
}

/** The first working day after the official holiday named `name` next after `today`. */
function afterHoliday(today: string, name: 'Spring Festival' | 'National Day'): { day: string; uncertain?: string } {
  const y = Number(today.slice(0, 4));
  let start: string | undefined;
  for (const yy of [y, y + 1]) {
    const s = name === 'Spring Festival' ? chineseDays.getSolarDateFromLunar(`${yy}-01-01`).date : `${yy}-10-01`;
    if (dayNum(s) + 7 >= dayNum(today)) {
      start = s;
      break;
    }
  }
  start ??= `${y + 1}-10-01`;
  // Walk the official schedule when it is published: days off named after the holiday.
  let d = addDays(start, -1);
  let seen = false;
  for (let i = 0; i < 14; i++, d = addDays(d, 1)) {
    const detail = chineseDays.getDayDetail(d);
    const named = detail.name.includes(name);
    if (named) seen = true;
    else if (seen && detail.work) return { day: d };
  }
  // Not published yet (next year's schedule comes out in November): a week after the first day.
  return { day: addDays(start, name === 'Spring Festival' ? 7 : 7), uncertain: 'holiday schedule not published: estimated' };
}

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7 };
const cnNumber = (s: string) => (/^\d+$/.test(s) ? Number(s) : s.length === 1 ? CN_NUM[s] : s.startsWith('十') ? 10 + (CN_NUM[s[1]!] ?? 0) : (CN_NUM[s[0]!] ?? 0) * 10 + (CN_NUM[s[2]!] ?? 0));

interface Rule {
  re: RegExp;
  resolve: (m: RegExpExecArray, today: string, weekday: number) => { day?: string; uncertain?: string } | undefined;
}

const lastOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const monthOf = (today: string, next: boolean) => {
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7)) + (next ? 1 : 0);
  if (m > 12) {
    m = 1;
    y++;
  }
  return { y, m };
};

// Matched before chrono, in this order; a match masks its span for the later rules.
const RULES: Rule[] = [
  // 2026/12/5, 2026-12-05, 2026.12.5, 2026年12月5日
  {
    re: /(20\d\d)\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号號]?/g,
    resolve: (m) => {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      return valid(y, mo, d) ? { day: ymd(y, mo, d) } : { uncertain: 'impossible date' };
    },
  },
  // 12月5日, 12月5号, 十二月五日, 12.5号, 12/5号
  {
    re: /(?<![\d.])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:月|[./](?=\d{1,2}\s*[日号號]))\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:[日号號]|(?=[^\d.%]|$))/g,
    resolve: (m, today) => {
      const mo = cnNumber(m[1]!);
      const d = cnNumber(m[2]!);
      if (!mo || !d || mo > 12) return undefined;
      const y = yearFor(today, mo, d);
      return valid(y, mo, d) ? { day: ymd(y, mo, d) } : { uncertain: 'impossible date' };
    },
  },
  // 月底 / 本月底 / 下月底 / 这个月底, 月中, 月初
  {
    re: /(下个?月|本月|这个?月|月)\s*(底|末|中|中旬|初|上旬|下旬)/g,
    resolve: (m, today) => {
      const next = m[1]!.startsWith('下');
      let { y, m: mo } = monthOf(today, next);
      const part = m[2]!;
      const d = part === '底' || part === '末' || part === '下旬' ? lastOfMonth(y, mo) : part.startsWith('中') ? 15 : 5;
      if (!next && dayNum(ymd(y, mo, d)) < dayNum(today)) ({ y, m: mo } = monthOf(today, true));
      const dd = part === '底' || part === '末' || part === '下旬' ? lastOfMonth(y, mo) : d;
      return { day: ymd(y, mo, dd), uncertain: part === '底' || part === '末' ? undefined : 'approximate day' };
    },
  },
  // 春节后 / 过完年 / 年后, 国庆后
  {
    re: /(春节|过年|过完年|年)\s*(后|以后|之后)|(国庆)\s*(节)?\s*(后|以后|之后)/g,
    resolve: (m, today) => (m[3] ? afterHoliday(today, 'National Day') : afterHoliday(today, 'Spring Festival')),
  },
  // 下周三 / 下星期三 / 下礼拜三 / 下周 (a week without a day: its Monday, approximate)
  {
    re: /(下下|下|本|这)\s*(?:个)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天1-7])?/g,
    resolve: (m, today, weekday) => {
      const weeks = m[1] === '下下' ? 2 : m[1] === '下' ? 1 : 0;
      const monday = addDays(today, -(weekday - 1) + 7 * weeks);
      if (!m[2]) return weeks ? { day: monday, uncertain: 'a week, not a day' } : undefined;
      return { day: addDays(monday, WEEKDAY[m[2]]! - 1) };
    },
  },
  // 周五 / 星期五 (this coming one)
  {
    re: /(?<![下本这上])(?:周|星期|礼拜)([一二三四五六日天1-7])/g,
    resolve: (m, today, weekday) => {
      const w = WEEKDAY[m[1]!]!;
      return { day: addDays(today, (w - weekday + 7) % 7 || 7) };
    },
  },
  // 明天 后天 大后天 今天
  {
    re: /(大后天|后天|明天|明日|今天|今日)/g,
    resolve: (m, today) => ({ day: addDays(today, { 今天: 0, 今日: 0, 明天: 1, 明日: 1, 后天: 2, 大后天: 3 }[m[1]!]!) }),
  },
  // 三天后 / 3天以后 / 一周后 / 两个星期后
  {
    re: /(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:个)?\s*(天|日|周|星期|礼拜)\s*(?:后|以后|之后)/g,
    resolve: (m, today) => {
      const n = cnNumber(m[1]!);
      if (!n) return undefined;
      return { day: addDays(today, m[2] === '天' || m[2] === '日' ? n : 7 * n) };
    },
  },
];

const CJK = /[\u4e00-\u9fff]/;
const CYRILLIC = /[\u0400-\u04ff]/;

/**
 * Every date in `text` (already NFKC-normalised), resolved at `at` in `tz`. Chinese forms by
 * the rules above; English and Russian (and what is left) by chrono-node, forward-looking.
 */
export function findDates(text: string, at: Date, tz: string): FoundDate[] {
  const { day: today, weekday } = localDay(at, tz);
  const out: FoundDate[] = [];
  let rest = text;
  for (const rule of RULES) {
    rule.re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = rule.re.exec(rest))) {
      const r = rule.resolve(m, today, weekday);
      if (!r) continue;
      out.push({ day: r.day, uncertain: r.uncertain, index: m.index, end: m.index + m[0].length, text: m[0] });
      rest = rest.slice(0, m.index) + ' '.repeat(m[0].length) + rest.slice(m.index + m[0].length);
    }
  }
  if (CJK.test(rest) && !/[A-Za-z\u0400-\u04ff]{3}/.test(rest)) return out.sort((a, b) => a.index - b.index);
  // chrono: Russian or English words; a reference of the local wall clock in UTC gives local days.
  const parser = CYRILLIC.test(rest) ? chrono.ru : chrono.en;
  const ref = { instant: new Date(`${today}T12:00:00Z`), timezone: 0 };
  for (const r of parser.parse(rest, ref, { forwardDate: true })) {
    const y = r.start.get('year');
    const mo = r.start.get('month');
    const d = r.start.get('day');
    if (!y || !mo || !d) continue;
    // A bare number or time ("3.45", "10:00") is not a day.
    if (!r.start.isCertain('day') && !r.start.isCertain('weekday') && !/tomorrow|today|week|month|завтра|сегодня|недел|месяц|day|дн/i.test(r.text)) continue;
    out.push({
      day: ymd(y, mo, d),
      index: r.index,
      end: r.index + r.text.length,
      text: r.text,
      uncertain: r.start.isCertain('day') || r.start.isCertain('weekday') || /tomorrow|today|завтра|сегодня|day|дн/i.test(r.text) ? undefined : 'a week, not a day',
    });
    // A range ("from Jan 25 to Feb 8", "с 25 января по 8 февраля"): its end is a day of its own.
    const e = r.end;
    if (e?.get('year') && e.get('month') && e.get('day'))
      out.push({ day: ymd(e.get('year')!, e.get('month')!, e.get('day')!), index: r.index + r.text.length - 1, end: r.index + r.text.length, text: r.text });
  }
  return out.sort((a, b) => a.index - b.index);
}
