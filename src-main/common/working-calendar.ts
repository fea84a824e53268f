// The working-day calendar (工作日历) deadlines are counted on. Days are calendar
// dates of the hall's time zone (Asia/Shanghai by default) whatever the machine's
// zone: an instant is first turned into the hall's local date.
//
// Counting rule: a period of n working days starts on the day after the start
// date and ends on the n-th working day after it — the day of receipt is not
// counted (民法典 第二百零一条: 按照年、月、日计算期间的，开始的当日不计入，自下一日
// 开始计算), and only working days count (行政许可法 第八十二条: 期限以工作日计算，
// 不含法定节假日). Since only working days are counted, the last day is always one.
import { AppError } from './errors.ts';
import {
  type CalendarDate,
  type CalendarOverrides,
  type CalendarYear,
  dayNumber,
  fromDayNumber,
  isWeekend,
  parseCalendarOverrides,
} from './calendar-data.ts';

export type { CalendarDate } from './calendar-data.ts';
import { HALL_TIME_ZONE } from './hall-time.ts';

/** A calendar date `YYYY-MM-DD`, or an instant (turned into the hall's local date). */
export type DateInput = CalendarDate | Date | number;

/** A due date and whether it rests on a year whose arrangement is not official yet. */
export interface Deadline {
  date: CalendarDate;
  /** Working days from the start to the date (for a calendar-day period, as counted after). */
  workingDays: number;
  /** Set for a period of calendar days (自然日): how many. */
  calendarDays?: number;
  provisional: boolean;
}

export interface YearCoverage {
  year: number;
  status: CalendarYear['status'];
  source: string;
}

export class WorkingCalendar {
  readonly timeZone: string;
  private readonly off = new Set<number>();
  private readonly worked = new Set<number>();
  private readonly years = new Map<number, YearCoverage>();
  private readonly formatter: Intl.DateTimeFormat;

  constructor(years: readonly CalendarYear[], overrides?: CalendarOverrides, timeZone = HALL_TIME_ZONE) {
    this.timeZone = timeZone;
    this.formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const extra = parseCalendarOverrides(overrides);
    const byYear = new Map<number, CalendarYear>();
    for (const year of years) byYear.set(year.year, year);
    for (const year of extra.years) byYear.set(year.year, year);
    // Later notices win for the days they name (a notice may arrange days of the year before).
    for (const year of [...byYear.values()].sort((a, b) => a.year - b.year)) {
      this.years.set(year.year, { year: year.year, status: year.status, source: year.source });
      this.apply(year.holidays, year.workdays);
    }
    this.apply(extra.extraHolidays, extra.extraWorkdays);
  }

  /** Shipped years from a directory of `cn-<year>.json`, then the hall's overrides. */
  /** Years with data, in order. */
  coverage(): YearCoverage[] {
    return [...this.years.values()].sort((a, b) => a.year - b.year);
  }

  /** The hall's local date of an instant. */
  localDate(instant: Date | number): CalendarDate {
    const parts = this.formatter.formatToParts(typeof instant === 'number' ? new Date(instant) : instant);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  }

  isWorkingDay(date: DateInput): boolean {
    return this.working(this.day(date));
  }

  /** The n-th working day after the date (n = 0: the date itself). */
  addWorkingDays(date: DateInput, n: number): CalendarDate {
    return fromDayNumber(this.advance(this.day(date), n).day);
  }

  /** Working days in (a, b]: how many working days from a until b; negative when b is before a. */
  workingDaysBetween(a: DateInput, b: DateInput): number {
    const from = this.day(a);
    const to = this.day(b);
    if (to < from) return -this.countWorking(to, from);
    return this.countWorking(from, to);
  }

  /** Due date of a period of working days starting from (and not counting) the day of receipt. */
  deadline(start: DateInput, workingDays: number): Deadline {
    const from = this.day(start);
    const { day, provisional } = this.advance(from, workingDays);
    return { date: fromDayNumber(day), workingDays, provisional };
  }

  /**
   * Due date of a period of calendar days (自然日), starting from (and not counting) the
   * day of receipt. When its last day is a day off, the period ends on the next working
   * day (民法典 §203: a period whose last day is a statutory holiday ends the day after).
   */
  calendarDeadline(start: DateInput, calendarDays: number): Deadline {
    if (!Number.isInteger(calendarDays) || calendarDays < 0) {
      throw new RangeError(`calendar days must be a whole number ≥ 0, got ${calendarDays}`);
    }
    const from = this.day(start);
    let day = from + calendarDays;
    while (!this.working(day)) day += 1;
    let provisional = false;
    for (let d = from; d <= day; d++) if (this.yearOf(d).status === 'provisional') provisional = true;
    return { date: fromDayNumber(day), workingDays: this.countWorking(from, day), calendarDays, provisional };
  }

  /** The due date of a catalog time limit in its unit. */
  deadlineIn(start: DateInput, days: number, unit: 'working' | 'calendar'): Deadline {
    return unit === 'calendar' ? this.calendarDeadline(start, days) : this.deadline(start, days);
  }

  private apply(holidays: CalendarYear['holidays'], workdays: CalendarYear['workdays']): void {
    for (const range of holidays) {
      for (let d = dayNumber(range.from)!; d <= dayNumber(range.to)!; d++) {
        this.off.add(d);
        this.worked.delete(d);
      }
    }
    for (const workday of workdays) {
      const d = dayNumber(workday.date)!;
      this.worked.add(d);
      this.off.delete(d);
    }
  }

  private advance(from: number, n: number): { day: number; provisional: boolean } {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
    let provisional = this.yearOf(from).status === 'provisional';
    let day = from;
    for (let left = n; left > 0;) {
      day += 1;
      if (this.working(day)) left -= 1;
      if (this.yearOf(day).status === 'provisional') provisional = true;
    }
    return { day, provisional };
  }

  private countWorking(from: number, to: number): number {
    let count = 0;
    for (let d = from + 1; d <= to; d++) if (this.working(d)) count += 1;
    return count;
  }

  private working(day: number): boolean {
    this.yearOf(day);
    if (this.worked.has(day)) return true;
    if (this.off.has(day)) return false;
    return !isWeekend(day);
  }

  /** Refuses a day of a year with no data: weekends alone would silently give wrong deadlines. */
  private yearOf(day: number): YearCoverage {
    const year = Number(fromDayNumber(day).slice(0, 4));
    const coverage = this.years.get(year);
    if (!coverage) {
      const known = this.coverage().map((c) => c.year);
      throw new AppError(
        'calendar.yearMissing',
        `no holiday arrangement for ${year} (have: ${known.join(', ') || 'none'})`,
        { year },
      );
    }
    return coverage;
  }

  private day(input: DateInput): number {
    if (typeof input !== 'string') return dayNumber(this.localDate(input))!;
    const day = dayNumber(input);
    if (day === null) throw new RangeError(`not a date YYYY-MM-DD: ${input}`);
    return day;
  }
}
