// Dates and times as the hall sees them: the hall's own time zone, whatever the
// PC's zone is set to, so "today" and deadlines agree with the core's calendar.
import { HALL_TIME_ZONE } from '../../src-main/calendar/working-calendar.ts';

const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: HALL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: HALL_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** The hall's calendar date of an instant, `YYYY-MM-DD`. */
export function hallDate(at: number = Date.now()): string {
  return dateFormat.format(at);
}

/** `HH:MM` in the hall's zone; with the date in front when it is not today. */
export function hallTime(at: number, now: number = Date.now()): string {
  const time = timeFormat.format(at);
  return hallDate(at) === hallDate(now) ? time : `${hallDate(at)} ${time}`;
}
