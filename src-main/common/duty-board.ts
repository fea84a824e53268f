// 时限看板: what the supervisor of a window watches — the window's own duties under the
// provincial rule (push a sealed packet within 1 working day, post its originals within 2)
// and the departments' committed deadlines — in yellow (due today or soon) and red
// (overrun), clerk by clerk. An applicant's lapsed 补正 is not on it: that is 视为放弃,
// nobody's overrun.
import { z } from 'zod';
import { PacketState } from './packet-states.ts';

/** The window's and the department's clocks a packet runs on. */
export const DUTIES = ['push', 'post', 'decision'] as const;
export const Duty = z.enum(DUTIES);
export type Duty = z.infer<typeof Duty>;

export const DutyLevel = z.enum(['yellow', 'red']);
export type DutyLevel = z.infer<typeof DutyLevel>;

/** Working days the window has to push a sealed packet to its department. */
export const PUSH_WORKING_DAYS = 1;

export const DutyItem = z.object({
  packetId: z.string(),
  version: z.number(),
  trackingCode: z.string().nullable(),
  applicantName: z.string(),
  itemName: z.string(),
  state: PacketState,
  duty: Duty,
  level: DutyLevel,
  /** The last day, YYYY-MM-DD. */
  due: z.string(),
});
export type DutyItem = z.infer<typeof DutyItem>;

export const DutyBoard = z.object({
  today: z.string(),
  clerks: z.array(
    z.object({
      username: z.string(),
      displayName: z.string(),
      yellow: z.number(),
      red: z.number(),
      items: z.array(DutyItem),
    }),
  ),
});
export type DutyBoard = z.infer<typeof DutyBoard>;
