// How a packet's deadline (承诺时限, its last day) stands on the hall's today. The limit
// itself counts working days, so the warning does too: a packet due on Monday is one
// working day away on Friday, not three days. Once the day has passed, the overdue count
// is in calendar days, a plain fact the clerk can check on any calendar. A 补正 the
// window issued runs on the applicant's clock: once its day has passed the application
// is 视为放弃 (lapsed), not overdue — nobody at the window or the department overran.
import { z } from 'zod';
import { dayNumber, type CalendarDate } from './dates.ts';
import { type PacketState, SETTLED_STATES } from './packet-states.ts';
import type { WorkingCalendar } from './working-calendar.ts';

export const DeadlineStatus = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('ok') }),
  z.object({ kind: z.literal('near'), workingDaysLeft: z.number() }),
  z.object({ kind: z.literal('passed'), daysOver: z.number() }),
  z.object({ kind: z.literal('lapsed') }),
]);
export type DeadlineStatus = z.infer<typeof DeadlineStatus>;

export function deadlineStatus(
  packet: { deadline: string | null; state: PacketState },
  today: CalendarDate,
  calendar: WorkingCalendar,
  warningWorkingDays: number,
): DeadlineStatus {
  const due = packet.deadline === null ? null : dayNumber(packet.deadline);
  const now = dayNumber(today);
  if (due === null || now === null) return { kind: 'none' };
  if (packet.state === 'correction_issued')
    return applicantDeadlineStatus(packet.deadline!, today, calendar, warningWorkingDays);
  if (SETTLED_STATES.has(packet.state)) return { kind: 'ok' };
  if (due < now) return { kind: 'passed', daysOver: now - due };
  return nearOrOk(packet.deadline!, today, calendar, warningWorkingDays);
}

/**
 * A 补正's last day, the window's or the department's: the applicant's clock. Past it the
 * application is 视为放弃 (lapsed), not overdue; before it the clerk is warned to call.
 */
export function applicantDeadlineStatus(
  supplyBy: CalendarDate,
  today: CalendarDate,
  calendar: WorkingCalendar,
  warningWorkingDays: number,
): DeadlineStatus {
  const due = dayNumber(supplyBy);
  const now = dayNumber(today);
  if (due === null || now === null) return { kind: 'none' };
  if (due < now) return { kind: 'lapsed' };
  return nearOrOk(supplyBy, today, calendar, warningWorkingDays);
}

function nearOrOk(
  deadline: CalendarDate,
  today: CalendarDate,
  calendar: WorkingCalendar,
  warningWorkingDays: number,
): DeadlineStatus {
  const due = dayNumber(deadline)!;
  const now = dayNumber(today)!;
  let workingDaysLeft: number;
  try {
    workingDaysLeft = calendar.workingDaysBetween(today, deadline);
  } catch {
    // A year without a holiday arrangement (refused when sealing, but an old hall may
    // lack a new year's file): calendar days still warn, if a little early.
    workingDaysLeft = due - now;
  }
  return workingDaysLeft <= warningWorkingDays ? { kind: 'near', workingDaysLeft } : { kind: 'ok' };
}
