// Signing in and out, the idle lock, and the staff accounts installers manage.
import { z } from 'zod';
import { Role, SessionInfo, UserSummary } from '../../common/users.ts';
import { method, none } from './method.ts';

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/);
export const DisplayName = z.string().trim().min(1).max(40);
/** Strength is judged by the auth service, so the message can say what is missing. */
export const Password = z.string().min(1).max(128);

const UserId = z.number().int().positive();
/** 32 random bytes, base64url: 43 characters. */
const ResumeTicket = z.string().min(16).max(128);

export const authMethods = {
  'auth.session': method({ access: 'public', background: true, input: none, output: SessionInfo }),
  'auth.setupState': method({
    access: 'public',
    background: true,
    input: none,
    output: z.object({ needsFirstInstaller: z.boolean() }),
  }),
  'auth.createFirstInstaller': method({
    access: 'public',
    input: z.object({ username: Username, displayName: DisplayName, password: Password }).strict(),
    output: SessionInfo,
  }),
  'auth.login': method({
    access: 'public',
    input: z.object({ username: Username, password: Password }).strict(),
    output: SessionInfo,
  }),
  /**
   * A browser tab's new connection (reload, reconnect) takes its session back with the
   * ticket it kept; the ticket is spent and the answer carries the next one. The
   * connection that held the session before is signed out of it.
   */
  'auth.resume': method({
    access: 'public',
    input: z.object({ ticket: ResumeTicket }).strict(),
    output: z.object({ session: SessionInfo, ticket: ResumeTicket }),
  }),
  /** A ticket for this session (asked after sign-in); the previous one stops working. Allowed while locked. */
  'auth.resumeTicket': method({ access: 'session', input: none, output: z.object({ ticket: ResumeTicket }) }),
  'auth.logout': method({ access: 'session', input: none, output: SessionInfo }),
  'auth.lock': method({ access: 'session', input: none, output: SessionInfo }),
  'auth.unlock': method({
    access: 'session',
    input: z.object({ password: Password }).strict(),
    output: SessionInfo,
  }),

  'users.list': method({
    access: ['installer'],
    input: none,
    output: z.object({ users: z.array(UserSummary) }),
  }),
  'users.create': method({
    access: ['installer'],
    input: z
      .object({ username: Username, displayName: DisplayName, role: Role, password: Password })
      .strict(),
    output: UserSummary,
  }),
  'users.update': method({
    access: ['installer'],
    input: z
      .object({
        id: UserId,
        displayName: DisplayName.optional(),
        role: Role.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    output: UserSummary,
  }),
  'users.resetPassword': method({
    access: ['installer'],
    input: z.object({ id: UserId, password: Password }).strict(),
    output: UserSummary,
  }),
  'users.unlock': method({
    access: ['installer'],
    input: z.object({ id: UserId }).strict(),
    output: UserSummary,
  }),
};
