import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import { type CalendarYear, parseCalendarYear } from '../../../src-main/common/calendar-data.ts';
import { WorkingCalendar } from '../../../src-main/common/working-calendar.ts';
import { appErrorOf } from '../store/helpers.ts';
import { ASSETS, shippedCalendar } from '../catalog/fixtures.ts';

const calendar = shippedCalendar();

describe('working-day calendar: which days are worked', () => {
  it('works Monday to Friday and rests at weekends', () => {
    expect(calendar.isWorkingDay('2026-03-10')).toBe(true); // Tuesday
    expect(calendar.isWorkingDay('2026-03-14')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-15')).toBe(false); // Sunday
  });

  it('rests on the holidays of the State Council notice, weekdays included', () => {
    expect(calendar.isWorkingDay('2026-02-16')).toBe(false); // 除夕, Monday
    expect(calendar.isWorkingDay('2026-02-23')).toBe(false); // 正月初七, Monday, last day of the break
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false); // 国庆中秋 2025, Wednesday
  });

  it('works on the make-up Saturdays and Sundays (调休上班)', () => {
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true); // Saturday before Spring Festival
    expect(calendar.isWorkingDay('2026-02-28')).toBe(true); // Saturday after it
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true); // Sunday, 2025
    expect(calendar.isWorkingDay('2026-01-04')).toBe(true); // Sunday after 元旦 2026
  });
});

describe('working-day calendar: counting periods', () => {
  it('does not count the day of receipt: one working day after a Tuesday is the Wednesday', () => {
    expect(calendar.addWorkingDays('2026-03-10', 1)).toBe('2026-03-11');
    expect(calendar.addWorkingDays('2026-03-10', 0)).toBe('2026-03-10');
  });

  it('skips weekends: five working days after a Friday end the next Friday', () => {
    expect(calendar.addWorkingDays('2026-03-13', 5)).toBe('2026-03-20');
  });

  it('crosses the 2026 Spring Festival, counting the make-up Saturday and skipping the nine days off', () => {
    // Received Friday 13 Feb: Sat 14 is worked (1), 15–23 off, Tue 24 (2).
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-24')).toBe(2);
    // Ten working days from the 13th: 14, 24, 25, 26, 27, 28 (make-up Saturday), 2, 3, 4, 5 March.
    expect(calendar.addWorkingDays('2026-02-13', 10)).toBe('2026-03-05');
  });

  it('crosses the 2025 Spring Festival, which began with a make-up Sunday', () => {
    // Fri 24 Jan: Sun 26 (1), Mon 27 (2), 28 Jan–4 Feb off, 5, 6, 7 Feb (3–5).
    expect(calendar.addWorkingDays('2025-01-24', 5)).toBe('2025-02-07');
  });

  it('crosses the year end into the next year’s arrangement', () => {
    // 31 Dec 2025: 1–3 Jan 2026 off, Sunday 4 Jan worked.
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(calendar.workingDaysBetween('2025-12-30', '2026-01-05')).toBe(3);
  });

  it('counts between two dates in either direction', () => {
    expect(calendar.workingDaysBetween('2026-03-10', '2026-03-10')).toBe(0);
    expect(calendar.workingDaysBetween('2026-03-20', '2026-03-13')).toBe(-5);
    for (const n of [0, 1, 7, 30]) {
      expect(calendar.workingDaysBetween('2026-09-18', calendar.addWorkingDays('2026-09-18', n))).toBe(n);
    }
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => calendar.addWorkingDays('2026-03-10', -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-03-10', 1.5)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('working-day calendar: deadlines', () => {
  it('gives the committed deadline from the day of receipt, not flagged when the years are official', () => {
    expect(calendar.deadline('2026-02-13', 10)).toEqual({ date: '2026-03-05', workingDays: 10, provisional: false });
  });

  it('flags a deadline that falls in a year whose arrangement is not yet published', () => {
    // 2027 is shipped provisional: statutory days only. 1 Jan 2027 (Fri) off, then 4 and 5 Jan.
    const deadline = calendar.deadline('2026-12-31', 2);
    expect(deadline).toEqual({ date: '2027-01-05', workingDays: 2, provisional: true });
    expect(calendar.coverage().map((c) => [c.year, c.status])).toEqual([
      [2025, 'official'],
      [2026, 'official'],
      [2027, 'provisional'],
    ]);
  });

  it('refuses to count through a year it has no data for, rather than guessing weekends only', () => {
    const before = appErrorOf(() => calendar.isWorkingDay('2024-12-31'));
    expect(before.code).toBe('calendar.yearMissing');
    expect(before.params).toEqual({ year: 2024 });
    const after = appErrorOf(() => calendar.addWorkingDays('2027-12-24', 10));
    expect(after.code).toBe('calendar.yearMissing');
    expect(after.params).toEqual({ year: 2028 });
  });
});

describe('working-day calendar: time zone', () => {
  it('takes an instant as the date in the hall (Asia/Shanghai), whatever the machine’s zone', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // 16:30 UTC on Friday 13 Feb is 00:30 on Saturday 14 Feb in Beijing: a make-up workday.
      const instant = new Date(Date.UTC(2026, 1, 13, 16, 30));
      expect(calendar.localDate(instant)).toBe('2026-02-14');
      expect(calendar.isWorkingDay(instant)).toBe(true);
      expect(calendar.deadline(instant.getTime(), 1).date).toBe('2026-02-24');
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});

describe('working-day calendar: hall overrides', () => {
  const official2027: CalendarYear = {
    year: 2027,
    status: 'official',
    source: '国务院办公厅关于2027年部分节假日安排的通知（假设）',
    holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
    workdays: [],
  };

  it('lets a hall supply a year published after the release, replacing the shipped one', () => {
    const updated = new WorkingCalendar(loadShippedYears(), { years: [official2027] });
    expect(updated.deadline('2026-12-31', 2)).toEqual({ date: '2027-01-05', workingDays: 2, provisional: false });
    expect(updated.isWorkingDay('2027-02-09')).toBe(true); // the shipped guess of a 补假 is gone
  });

  it('adds local holidays and workdays on top of the national arrangement', () => {
    const local = new WorkingCalendar(loadShippedYears(), {
      extraHolidays: [{ name: '地方民族节日', from: '2026-03-10', to: '2026-03-11' }],
      extraWorkdays: [{ name: '地方调休上班', date: '2026-03-14' }],
    });
    expect(local.isWorkingDay('2026-03-10')).toBe(false);
    expect(local.isWorkingDay('2026-03-14')).toBe(true);
    expect(local.addWorkingDays('2026-03-09', 1)).toBe('2026-03-12');
  });

  it('refuses override data that cannot be right', () => {
    const weekdayWorkday = appErrorOf(
      () => new WorkingCalendar([], { extraWorkdays: [{ name: '调休', date: '2026-03-10' }] }),
    );
    expect(weekdayWorkday.code).toBe('calendar.invalid');
    const clash = appErrorOf(
      () =>
        new WorkingCalendar([], {
          years: [{ ...official2027, workdays: [{ name: '调休', date: '2027-01-02' }] }],
        }),
    );
    expect(clash.code).toBe('calendar.invalid');
    expect(clash.detail).toContain('both a holiday and a workday');
  });
});

describe('shipped holiday files', () => {
  it('are valid, named by their year, and the unpublished year says it needs verification', () => {
    const years = loadShippedYears();
    expect(years.map((y) => y.year)).toEqual([2025, 2026, 2027]);
    const y2027 = years.find((y) => y.year === 2027)!;
    expect(y2027.status).toBe('provisional');
    expect(y2027.note).toContain('待核实');
  });

  it('refuses a file whose content is not the year of its name', () => {
    const error = appErrorOf(() =>
      parseCalendarYear(
        JSON.stringify({ year: 2025, status: 'official', source: 'x', holidays: [], workdays: [] }),
        'cn-2026.json',
      ),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('calendar.invalid');
  });
});

function loadShippedYears(): CalendarYear[] {
  return ['2025', '2026', '2027'].map((year) => parseCalendarYear(readShipped(`cn-${year}.json`), `cn-${year}.json`));
}

function readShipped(name: string): string {
  return readFileSync(join(ASSETS, 'calendar', name), 'utf8');
}

describe('periods of calendar days (自然日)', () => {
  it('end on the n-th calendar day when that is a working day, and say how many working days that is', () => {
    // 2026-08-03 (Monday) + 30 days = 2026-09-02 (Wednesday).
    expect(calendar.calendarDeadline('2026-08-03', 30)).toEqual({
      date: '2026-09-02',
      workingDays: 22,
      calendarDays: 30,
      provisional: false,
    });
  });

  it('move a last day that falls on a holiday to the next working day (民法典 §203)', () => {
    // 2026-09-01 + 30 days = 2026-10-01, in the National Day holiday; the 8th is the next working day.
    expect(calendar.calendarDeadline('2026-09-01', 30).date).toBe('2026-10-08');
    // Saturday 2026-08-08 → Monday 2026-08-10.
    expect(calendar.calendarDeadline('2026-08-01', 7).date).toBe('2026-08-10');
  });

  it('are what a catalog time limit in calendar days gives', () => {
    expect(calendar.deadlineIn('2026-08-03', 30, 'calendar').date).toBe('2026-09-02');
    expect(calendar.deadlineIn('2026-08-03', 30, 'working')).toEqual(calendar.deadline('2026-08-03', 30));
  });
});
