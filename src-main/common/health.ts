// The health board's entries: store, devices and sync each report their state, and the
// status bar shows them (reasons are i18n keys under `health.reasons`).
import { z } from 'zod';

/** `paused`: stopped on purpose by a person (sending paused), not broken. */
export const HealthState = z.enum(['ready', 'busy', 'absent', 'paused', 'error']);
export type HealthState = z.infer<typeof HealthState>;

export const HealthEntry = z.object({
  /** Stable id, e.g. `store`, `device.idCardReader`, `sync`. */
  id: z.string(),
  kind: z.enum(['store', 'device', 'sync']),
  state: HealthState,
  /** i18n key under `health.reasons` explaining a state other than ready. */
  reason: z.string().optional(),
  /** English detail for installers. */
  detail: z.string().optional(),
  since: z.number(),
});
export type HealthEntry = z.infer<typeof HealthEntry>;

export const HealthSnapshot = z.object({ entries: z.array(HealthEntry) });
export type HealthSnapshot = z.infer<typeof HealthSnapshot>;

/** Where a module reports its health; the board stamps `since` when the state changes. */
export interface HealthReporter {
  report(entry: Omit<HealthEntry, 'since'>): void;
}
