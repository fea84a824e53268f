// Staff accounts and sessions as the core and the UI both see them.
import { z } from 'zod';

/** 岗位角色: window clerk (窗口人员), supervisor (审核督查), installer (运维部署). */
export const Role = z.enum(['clerk', 'supervisor', 'installer']);
export type Role = z.infer<typeof Role>;

export const UserSummary = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  disabled: z.boolean(),
  /** Epoch ms until which the account is locked after failed logins, or null. */
  lockedUntil: z.number().nullable(),
  createdAt: z.number(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const SessionInfo = z.object({
  user: UserSummary.nullable(),
  /** Idle lock: the user stays signed in but must re-enter the password. */
  locked: z.boolean(),
  idleLockMinutes: z.number(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** What the contract's dispatcher knows of a caller; the auth service keeps it current. */
export interface Caller {
  role: Role | null;
  locked: boolean;
  /** The connection is the applicant screen (申请人屏): never a staff member, whatever else holds. */
  applicant?: boolean;
}
