// The installers' health page (诊断): every entry of the health board with the last few
// times it was not working, and the diagnostics bundle handed to support.
import { z } from 'zod';
import { HealthEntry, HealthState } from './health.ts';

/** How many of an entry's recent errors the board keeps (in memory: a restart starts afresh). */
export const RECENT_ERRORS = 5;

/** One time an entry stopped working: its state and reason then, and the English detail. */
export const HealthIncident = z.object({
  at: z.number(),
  state: HealthState,
  reason: z.string().optional(),
  detail: z.string().optional(),
});
export type HealthIncident = z.infer<typeof HealthIncident>;

export const DiagnosticEntry = HealthEntry.extend({
  /** Newest first, at most RECENT_ERRORS. */
  recent: z.array(HealthIncident),
});
export type DiagnosticEntry = z.infer<typeof DiagnosticEntry>;

export const DiagnosticsHealth = z.object({ entries: z.array(DiagnosticEntry) });
export type DiagnosticsHealth = z.infer<typeof DiagnosticsHealth>;

/**
 * Whether a report counts as an error worth remembering: broken or gone. Working
 * (`busy`), stopped on purpose (`paused`) and a device the hall has none of
 * (`notConfigured`) are states, not errors.
 */
export function isIncident(entry: Pick<HealthEntry, 'state' | 'reason'>): boolean {
  return (entry.state === 'error' || entry.state === 'absent') && entry.reason !== 'notConfigured';
}

/** `tongban-diagnostics-<window>-<yyyymmdd-hhmm>.zip`, the time in the hall's zone (UTC+8). */
export function diagnosticsBundleName(windowId: string, at: number): string {
  const hall = new Date(at + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${hall.getUTCFullYear()}${pad(hall.getUTCMonth() + 1)}${pad(hall.getUTCDate())}-` +
    `${pad(hall.getUTCHours())}${pad(hall.getUTCMinutes())}`;
  // The window id goes into a file name: anything but letters, digits, - and _ becomes _.
  const window = windowId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'window';
  return `tongban-diagnostics-${window}-${stamp}.zip`;
}
