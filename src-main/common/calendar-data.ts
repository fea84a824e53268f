// Holiday arrangements as data: one file per year (`assets/calendar/cn-<year>.json`),
// transcribed from the State Council's yearly notice, plus what a hall configures on
// top (a year published after this release, local holidays such as 民族自治地方的
// 民族节日). Nothing here computes; working-calendar.ts does.
import { z } from 'zod';
import { AppError } from './errors.ts';

export { type CalendarDate, CalendarDateSchema, dayNumber, fromDayNumber } from './dates.ts';
import { CalendarDateSchema, dayNumber } from './dates.ts';

const HolidayRange = z
  .object({ name: z.string().min(1), from: CalendarDateSchema, to: CalendarDateSchema })
  .strict()
  .refine((r) => r.from <= r.to, { message: '"from" is after "to"', path: ['to'] });
export type HolidayRange = z.infer<typeof HolidayRange>;

/** 调休上班日: a Saturday or Sunday that is worked. */
const Workday = z
  .object({ name: z.string().min(1), date: CalendarDateSchema })
  .strict()
  .refine((w) => dayNumber(w.date) === null || isWeekend(dayNumber(w.date)!), {
    message: 'a make-up workday must be a Saturday or Sunday',
    path: ['date'],
  });
export type Workday = z.infer<typeof Workday>;

/**
 * One year's arrangement. `official`: transcribed from the published notice.
 * `provisional`: the notice is not out (or not verified); deadlines that touch the
 * year are flagged so the UI can say so.
 */
export const CalendarYear = z
  .object({
    year: z.number().int().min(2000).max(2100),
    status: z.enum(['official', 'provisional']),
    /** The notice, e.g. 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）. */
    source: z.string().min(1),
    note: z.string().optional(),
    holidays: z.array(HolidayRange),
    workdays: z.array(Workday),
  })
  .strict()
  .superRefine((data, ctx) => {
    // A notice may name days of the neighbouring years (元旦 arranged from 30 December).
    const near = (date: string) => Math.abs(Number(date.slice(0, 4)) - data.year) <= 1;
    const off = new Set<number>();
    data.holidays.forEach((range, i) => {
      if (!near(range.from) || !near(range.to)) {
        ctx.addIssue({
          code: 'custom',
          message: `holiday ${range.name} is not near ${data.year}`,
          path: ['holidays', i],
        });
      }
      const from = dayNumber(range.from);
      const to = dayNumber(range.to);
      if (from !== null && to !== null) for (let d = from; d <= to; d++) off.add(d);
    });
    data.workdays.forEach((workday, i) => {
      const day = dayNumber(workday.date);
      const path = ['workdays', i];
      if (!near(workday.date))
        ctx.addIssue({ code: 'custom', message: `${workday.date} is not near ${data.year}`, path });
      if (day !== null && off.has(day))
        ctx.addIssue({ code: 'custom', message: `${workday.date} is both a holiday and a workday`, path });
    });
  });
export type CalendarYear = z.infer<typeof CalendarYear>;

/** What a hall may configure (the lead wires it into config.json as `calendar`). */
export const CalendarOverrides = z
  .object({
    /** Whole years replacing the shipped file of the same year, e.g. a notice published after this release. */
    years: z.array(CalendarYear).default([]),
    /** Local days off on top of the national arrangement. */
    extraHolidays: z.array(HolidayRange).default([]),
    /** Local days worked on top of the national arrangement. */
    extraWorkdays: z.array(Workday).default([]),
  })
  .strict();
export type CalendarOverrides = z.input<typeof CalendarOverrides>;

export function isWeekend(day: number): boolean {
  // 1970-01-01 was a Thursday (4); 0 is Sunday.
  const weekday = (((day + 4) % 7) + 7) % 7;
  return weekday === 0 || weekday === 6;
}

export function parseCalendarYear(text: string, file: string): CalendarYear {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('calendar.invalid', `${file} is not valid JSON: ${(error as Error).message}`, {
      problems: `${file}: JSON 格式错误`,
    });
  }
  const result = CalendarYear.safeParse(json);
  if (!result.success) throw invalid(file, result.error);
  const expected = /cn-(\d{4})\.json$/.exec(file)?.[1];
  if (expected && Number(expected) !== result.data.year) {
    throw new AppError('calendar.invalid', `${file} holds year ${result.data.year}`, {
      problems: `${file}: 年份与文件名不符`,
    });
  }
  return result.data;
}

export function parseCalendarOverrides(input: unknown): z.output<typeof CalendarOverrides> {
  const result = CalendarOverrides.safeParse(input ?? {});
  if (!result.success) throw invalid('calendar overrides', result.error);
  return result.data;
}

function invalid(source: string, error: z.ZodError): AppError {
  const problems = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return new AppError('calendar.invalid', `${source}: ${problems.join('; ')}`, {
    problems: `${source}: ${problems.join('；')}`,
  });
}
