import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../../src-main/common/working-calendar.ts';
import { deadlineStatus } from '../../../src-main/common/deadline-status.ts';
import type { PacketState } from '../../../src-main/common/packet-states.ts';
import { shippedCalendar } from '../catalog/fixtures.ts';

const calendar = shippedCalendar();
const due = (deadline: string | null, state: PacketState = 'delivered') => ({ deadline, state });

describe('deadline status on the hall calendar', () => {
  it('warns one working day ahead by default: Friday for a Monday deadline, not Thursday', () => {
    const monday = due('2026-03-23');
    expect(deadlineStatus(monday, '2026-03-19', calendar, 1)).toEqual({ kind: 'ok' }); // Thursday
    expect(deadlineStatus(monday, '2026-03-20', calendar, 1)).toEqual({ kind: 'near', workingDaysLeft: 1 }); // Friday
    expect(deadlineStatus(monday, '2026-03-21', calendar, 1)).toEqual({ kind: 'near', workingDaysLeft: 1 }); // Saturday
    expect(deadlineStatus(monday, '2026-03-23', calendar, 1)).toEqual({ kind: 'near', workingDaysLeft: 0 });
  });

  it('skips a public holiday: the last day before 国庆节 warns for the day after it', () => {
    // 2026-10-01..07 off; the 8th (Thursday) is the next working day.
    expect(deadlineStatus(due('2026-10-08'), '2026-09-30', calendar, 1)).toEqual({ kind: 'near', workingDaysLeft: 1 });
    // A calendar-day count would call this eight days away.
    expect(deadlineStatus(due('2026-10-09'), '2026-09-30', calendar, 1)).toEqual({ kind: 'ok' });
  });

  it('takes the configured warning, 0 meaning the day itself only', () => {
    expect(deadlineStatus(due('2026-03-24'), '2026-03-23', calendar, 0)).toEqual({ kind: 'ok' });
    expect(deadlineStatus(due('2026-03-24'), '2026-03-24', calendar, 0)).toEqual({ kind: 'near', workingDaysLeft: 0 });
    expect(deadlineStatus(due('2026-03-24'), '2026-03-19', calendar, 3)).toEqual({ kind: 'near', workingDaysLeft: 3 });
  });

  it('counts calendar days overdue once the day has passed', () => {
    expect(deadlineStatus(due('2026-03-20'), '2026-03-21', calendar, 1)).toEqual({ kind: 'passed', daysOver: 1 });
    expect(deadlineStatus(due('2026-03-17'), '2026-03-30', calendar, 1)).toEqual({ kind: 'passed', daysOver: 13 });
  });

  it('calls a window 补正 whose day has passed 视为放弃 (lapsed), not overdue: the applicant let it go', () => {
    const correction = due('2026-03-20', 'correction_issued');
    expect(deadlineStatus(correction, '2026-03-20', calendar, 1)).toEqual({ kind: 'near', workingDaysLeft: 0 });
    expect(deadlineStatus(correction, '2026-03-23', calendar, 1)).toEqual({ kind: 'lapsed' });
  });

  it('does not warn once decided or finished, nor without a deadline', () => {
    for (const state of ['approved', 'closed', 'refused', 'refused_at_window', 'correction_required'] as const)
      expect(deadlineStatus(due('2026-03-17', state), '2026-03-30', calendar, 1)).toEqual({ kind: 'ok' });
    expect(deadlineStatus(due(null), '2026-03-30', calendar, 1)).toEqual({ kind: 'none' });
  });

  it('falls back to calendar days for a year the hall has no arrangement for, rather than failing the list', () => {
    const only2026 = new WorkingCalendar([
      { year: 2026, status: 'official', source: 'test', holidays: [], workdays: [] },
    ]);
    expect(deadlineStatus(due('2027-01-02'), '2026-12-31', only2026, 1)).toEqual({ kind: 'ok' });
    expect(deadlineStatus(due('2027-01-01'), '2026-12-31', only2026, 1)).toEqual({ kind: 'near', workingDaysLeft: 1 });
  });
});
