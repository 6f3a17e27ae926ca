// When a notice may reach a person: not in their night, and — for reminders to suppliers — not
// on a Chinese public holiday.
//
// Holidays come from `chinese-days` (maintained; the State Council's yearly schedule including
// bridge days, 2004 through its last published year — 2026 in v1.5.7). The schedule for a year
// is published around November of the year before, so for a year the library does not know yet
// we fall back to the statutory days of the Regulation on National Annual Holidays (2024
// revision, effective 2025): New Year 1 d, Spring Festival 4 d (eve + lunar 1/1–1/3),
// Qingming 1 d, Labour Day 2 d, Dragon Boat 1 d, Mid-Autumn 1 d, National Day 3 d — computed
// with the library's own lunar calendar; bridge days of such a year are unknown until an
// update of the library brings them.
import chineseDays from 'chinese-days';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';

dayjs.extend(utc);
dayjs.extend(timezone);

export const QUIET_FROM_HOUR = 22;
export const QUIET_UNTIL_HOUR = 8;

/** Last year for which chinese-days carries the published schedule (its data ends there). */
const LIB_LAST_YEAR = (() => {
  for (let y = new Date().getUTCFullYear() + 2; y > 2004; y--) {
    // A year is known when its New Year's Day is named as a holiday by the library.
    if (chineseDays.getDayDetail(`${y}-01-01`).name.includes('元旦')) return y;
  }
  return 2004;
})();

const statutoryCache = new Map<number, Set<string>>();
function statutoryDays(year: number): Set<string> {
  let days = statutoryCache.get(year);
  if (days) return days;
  const add = (d: string, n = 1) => {
    for (let i = 0; i < n; i++) days!.add(dayjs.utc(d).add(i, 'day').format('YYYY-MM-DD'));
  };
  days = new Set();
  add(`${year}-01-01`);
  add(
    dayjs
      .utc(chineseDays.getSolarDateFromLunar(`${year}-01-01`).date)
      .subtract(1, 'day')
      .format('YYYY-MM-DD'),
    4,
  );
  add(chineseDays.getSolarTermDate(year, 4, 'pure_brightness'));
  add(`${year}-05-01`, 2);
  add(chineseDays.getSolarDateFromLunar(`${year}-05-05`).date);
  add(chineseDays.getSolarDateFromLunar(`${year}-08-15`).date);
  add(`${year}-10-01`, 3);
  statutoryCache.set(year, days);
  return days;
}

/** A Chinese public holiday, 'YYYY-MM-DD' (a plain weekend is not: factories often work Saturdays). */
export function isChinesePublicHoliday(day: string): boolean {
  const year = Number(day.slice(0, 4));
  if (year > LIB_LAST_YEAR) return statutoryDays(year).has(day);
  try {
    const d = chineseDays.getDayDetail(day);
    // Holidays are named "English,中文,days"; a weekend is named after the weekday.
    return !d.work && d.name.includes(',');
  } catch {
    return false;
  }
}

/** The last year whose holiday schedule comes from the library (later years: statutory days only). */
export const holidayScheduleKnownUntil = () => LIB_LAST_YEAR;

/**
 * The earliest moment at or after `at` when a notice may be sent: not in the recipient's night
 * (22:00–08:00 local) and, with `respectHolidays`, not on a Chinese public holiday (then 09:00
 * of the first working day after it). Deferred, never dropped.
 */
export function deliverableFrom(at: Date, tz: string, opts: { respectHolidays: boolean }): Date {
  let t = dayjs(at).tz(tz);
  for (let i = 0; i < 60; i++) {
    const h = t.hour();
    if (h >= QUIET_FROM_HOUR) {
      t = t.add(1, 'day').hour(QUIET_UNTIL_HOUR).minute(0).second(0).millisecond(0);
      continue;
    }
    if (h < QUIET_UNTIL_HOUR) {
      t = t.hour(QUIET_UNTIL_HOUR).minute(0).second(0).millisecond(0);
      continue;
    }
    if (opts.respectHolidays && isChinesePublicHoliday(t.format('YYYY-MM-DD'))) {
      t = t.add(1, 'day').hour(9).minute(0).second(0).millisecond(0);
      continue;
    }
    return t.toDate();
  }
  return t.toDate();
}

/** Whether a notice of this kind to this recipient waits out Chinese public holidays. */
export const respectsHolidays = (kind: string, recipient: { kind: 'supplier' | 'manager' }) => recipient.kind === 'supplier' && kind !== 'message';

/** A time zone the runtime knows, else the fallback (a bad stored zone must not stop delivery). */
export function safeZone(tz: string | undefined, fallback: string): string {
  if (!tz) return fallback;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return fallback;
  }
}

/**
 * Notices a manager gets at once even outside their working hours (the product rules: critical
 * schedule changes by a supplier and customs delays reach the manager "at once"; alerts such as
 * the bot logging out; a message a person chose to send). Quiet hours (22:00–08:00) still apply.
 */
export const URGENT_FOR_MANAGER: ReadonlySet<string> = new Set(['supplier_change', 'customs', 'alert', 'message']);

export interface WorkingHours {
  from: string; // HH:MM
  to: string; // HH:MM
}
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The earliest moment at or after `at` inside the working hours (Monday–Friday, from–to in the
 * person's time zone): a notice to a manager outside them waits until their next working start.
 * Hours that make no window (bad format, start not before end) leave `at` as it is.
 */
export function workingFrom(at: Date, tz: string, hours: WorkingHours): Date {
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  if (!/^\d{2}:\d{2}$/.test(hours.from) || !/^\d{2}:\d{2}$/.test(hours.to) || !(from < to)) return at;
  const start = (d: dayjs.Dayjs) =>
    d
      .hour(Math.floor(from / 60))
      .minute(from % 60)
      .second(0)
      .millisecond(0);
  let t = dayjs(at).tz(tz);
  for (let i = 0; i < 10; i++) {
    const wd = t.day();
    const now = t.hour() * 60 + t.minute();
    if (wd === 0 || wd === 6 || now >= to) {
      t = start(t.add(1, 'day'));
      continue;
    }
    if (now < from) return start(t).toDate();
    return t.toDate();
  }
  return t.toDate();
}
