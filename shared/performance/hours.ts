// Working time between two instants in a person's time zone: Monday–Friday within the working
// hours, without Chinese public holidays for suppliers (official make-up working Saturdays of
// the State Council schedule count as working days). A reply on Monday 09:30 to a Friday
// 17:30 message took one working hour, not sixty-four.
import chineseDays from 'chinese-days';
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import type { WorkHours } from '../config/index.js';
import { isChinesePublicHoliday, safeZone } from '../notices/calendar.js';

dayjs.extend(utc);
dayjs.extend(timezone);

// Parsed from 'HH:MM-HH:MM' by the config module (SUPPLIER_WORK_HOURS, MANAGER_WORK_HOURS).
export type { WorkHours } from '../config/index.js';

export const DEFAULT_WORK_HOURS: WorkHours = { from: 9 * 60, to: 18 * 60 };

function isWorkingDay(day: dayjs.Dayjs, chinaCalendar: boolean): boolean {
  const d = day.format('YYYY-MM-DD');
  if (chinaCalendar) {
    if (isChinesePublicHoliday(d)) return false;
    const wd = day.day();
    if (wd === 0 || wd === 6) {
      // A make-up working weekend day (调休) is a working day.
      try {
        return chineseDays.isWorkday(d);
      } catch {
        return false;
      }
    }
    return true;
  }
  const wd = day.day();
  return wd !== 0 && wd !== 6;
}

/**
 * Working minutes between `from` and `to` (0 when `to` ≤ `from`). `chinaCalendar`: skip Chinese
 * public holidays and count make-up Saturdays (suppliers in China). Bounded to 400 days.
 */
export function workingMinutes(from: Date, to: Date, tz: string, hours: WorkHours = DEFAULT_WORK_HOURS, chinaCalendar = false): number {
  if (to.getTime() <= from.getTime()) return 0;
  const zone = safeZone(tz, 'UTC');
  let day = dayjs(from).tz(zone).startOf('day');
  const end = to.getTime();
  let total = 0;
  for (let i = 0; i < 400 && day.valueOf() < end; i++) {
    if (isWorkingDay(day, chinaCalendar)) {
      const open = day.add(hours.from, 'minute').valueOf();
      const close = day.add(hours.to, 'minute').valueOf();
      const a = Math.max(open, from.getTime());
      const b = Math.min(close, end);
      if (b > a) total += (b - a) / 60_000;
    }
    day = day.add(1, 'day');
  }
  return Math.round(total * 100) / 100;
}

/** The local time of a zone now, e.g. "14:05" (shown wherever a contact appears). */
export function localTime(tz: string, now = new Date()): string {
  return dayjs(now).tz(safeZone(tz, 'UTC')).format('HH:mm');
}

/** Calendar month of an instant (UTC): the KPI period. */
export const periodOf = (d: Date) => d.toISOString().slice(0, 7);
export function previousPeriod(p: string): string {
  const [y, m] = p.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
