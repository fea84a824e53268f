// Time as the hall sees it: the hall's own time zone whatever the PC's zone is set to,
// so "today", the day's queue and every deadline agree between the core and the UI.
// The one place the zone is named.

/** China Standard Time: UTC+8 all year (no daylight saving since 1991). */
export const HALL_TIME_ZONE = 'Asia/Shanghai';
const HALL_UTC_OFFSET_MS = 8 * 3_600_000;

/** Wall and monotonic time, injectable so tests can move time. */
export interface Clock {
  /** Wall clock, epoch milliseconds. */
  now(): number;
  /** Monotonic milliseconds since this process started; never goes back. */
  monotonic(): number;
}

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

const clockFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: HALL_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
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

/** `YYYY-MM-DD HH:MM` in the hall's zone, the date always shown (lists of past events). */
export function hallDateTime(at: number): string {
  return `${hallDate(at)} ${timeFormat.format(at)}`;
}

/** `HH:MM:SS` in the hall's zone: a step's time within its session. */
export function hallClock(at: number): string {
  return clockFormat.format(at);
}

/** Midnight of the hall's day that contains `now`, epoch milliseconds. */
export function startOfHallDay(now: number): number {
  return Math.floor((now + HALL_UTC_OFFSET_MS) / 86_400_000) * 86_400_000 - HALL_UTC_OFFSET_MS;
}
