// The shipped holiday arrangements (`assets/calendar/cn-<year>.json`) read from disk;
// the rules that count working days over them are pure and live in common/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CalendarOverrides, type CalendarYear, parseCalendarYear } from '../common/calendar-data.ts';
import { WorkingCalendar } from '../common/working-calendar.ts';

/** Reads every `cn-<year>.json` in the directory; a broken file stops with calendar.invalid. */
export function readCalendarYears(dir: string): CalendarYear[] {
  const files = readdirSync(dir).filter((name) => /^cn-\d{4}\.json$/.test(name));
  return files.map((name) => parseCalendarYear(readFileSync(join(dir, name), 'utf8'), name));
}

/** The working calendar of the years found in `dir`, with the hall's own overrides on top. */
export function loadWorkingCalendar(dir: string, overrides?: CalendarOverrides, timeZone?: string): WorkingCalendar {
  return new WorkingCalendar(readCalendarYears(dir), overrides, timeZone);
}
