// The installer's checks: one line per thing that must work (data directory, database,
// key, disk, clock, each device, each department endpoint), as the terminal's
// `tongban doctor`, the packaged app's `--doctor` and the setup wizard's last step show
// them. Lines carry their Chinese text already: every reader shows the same words.
import { z } from 'zod';

/** `warn`: works, but an installer should look (e.g. a clock 40 s off); `skipped`: not configured. */
export const CheckState = z.enum(['ok', 'warn', 'fail', 'skipped']);
export type CheckState = z.infer<typeof CheckState>;

export const CheckLine = z.object({
  /** Stable id: `dataDir`, `database`, `key`, `disk`, `clock`, `device.<slot>`, `department.<id>.<aspect>`. */
  id: z.string(),
  state: CheckState,
  /** What was checked, in Chinese (e.g. 审批部门「…」证书). */
  label: z.string(),
  /** What was found and, when not ok, what to do — in Chinese; never personal data. */
  message: z.string(),
  /** Technical detail in English for support (error codes, paths, figures); never personal data. */
  detail: z.string().optional(),
});
export type CheckLine = z.infer<typeof CheckLine>;

export const CheckReport = z.object({
  /** True when no line failed (warnings and skipped lines do not fail a report). */
  ok: z.boolean(),
  checkedAt: z.number(),
  lines: z.array(CheckLine),
});
export type CheckReport = z.infer<typeof CheckReport>;

export function reportOf(lines: CheckLine[], checkedAt: number): CheckReport {
  return { ok: lines.every((line) => line.state !== 'fail'), checkedAt, lines };
}
