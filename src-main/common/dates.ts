// Calendar days as `YYYY-MM-DD` strings. Pure (no Node imports), so the renderer
// and the document models can use it too.
import { z } from 'zod';

/** A day of the hall's calendar, `YYYY-MM-DD`, with no time and no zone. */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid `YYYY-MM-DD`, or null. */
export function dayNumber(date: string): number | null {
  const m = CALENDAR_DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return ms / 86_400_000;
}

export function fromDayNumber(day: number): CalendarDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export const CalendarDateSchema = z.string().refine((s) => dayNumber(s) !== null, 'must be a real date YYYY-MM-DD');
