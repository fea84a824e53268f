// How a method of the contract is declared: who may call it, and the schemas of its
// input and output, which the dispatcher enforces on every call.
import { z } from 'zod';
import type { Role } from '../../common/users.ts';

/**
 * Who may call: `public` anyone on the connection (but an applicant screen only where
 * `applicantToo`); `session` a signed-in user even while idle-locked (to unlock or
 * sign out); `user` a signed-in, unlocked user of any role; a role list restricts
 * further; `applicant` the connection paired as the applicant screen, and no one else.
 */
export type Access = 'public' | 'session' | 'user' | 'applicant' | readonly Role[];

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  access: Access;
  /**
   * A read the UI makes on its own (on a timer, on an event, on reconnecting), not on
   * the user's request: it does not count as activity for the idle lock.
   */
  background?: true;
  /** A `public` method the applicant screen may call too (harmless reads); every other public one is staff's. */
  applicantToo?: true;
  input: I;
  output: O;
}

/** Whether a signed-in, unlocked user of `role` may call a method with this access (the UI's buttons ask). */
export function roleMayCall(access: Access, role: Role): boolean {
  if (access === 'applicant') return false;
  return typeof access === 'string' || access.includes(role);
}

export const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) => spec;

/** The input of a method that takes nothing. */
export const none = z.object({}).strict();

/** Binary crosses both transports as Uint8Array (structured clone, MessagePack bin). */
export const Bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'must be bytes');
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const FileContent = z.object({ bytes: Bytes, mediaType: z.string(), name: z.string() });
export type FileContent = z.infer<typeof FileContent>;
