// 视频会商 calls (docs/video-consultation.md): the clerk's window places a call about a
// draft or a packet to an approver of its department, or answers one an approver placed;
// the core speaks to the department inbox (signalling, the department's record) with the
// window's token and logs the call into the session's chain; the renderer holds the
// peer connection and the media. Signals from the other side and the call's changes
// arrive as the events `calls.signal` and `calls.changed` (index.ts).
import { z } from 'zod';
import {
  CallEndReason,
  CallId,
  CallRecordEntry,
  CallSignal,
  CallView,
  IceServer,
  IceTransportPolicy,
} from '../../common/call-protocol.ts';
import { DraftId } from '../../common/draft.ts';
import { method, none } from './method.ts';

/** A call as the window holds it: the inbox's view, and how to reach the other side. */
export const WindowCall = z.object({
  call: CallView,
  /** The department it goes to (its name, for the clerk). */
  departmentId: z.string(),
  departmentName: z.string(),
  /** The hall's STUN/TURN servers (config `calls`) and those the inbox handed out. */
  iceServers: z.array(IceServer),
  iceTransportPolicy: IceTransportPolicy,
  /** The session log the call is recorded in (`session:<draftId>`). */
  draftId: z.string(),
});
export type WindowCall = z.infer<typeof WindowCall>;

const ByCall = z.object({ callId: CallId }).strict();

export const callMethods = {
  /**
   * Places a call about an open draft (the applicant at the counter; stills go into it)
   * or a packet (its department's approvers; no stills: a sealed packet is immutable).
   * Answers at once with the call `waiting`; `approversOnline: 0` means it waits for one.
   */
  'calls.place': method({
    access: ['clerk'],
    input: z
      .object({
        callId: CallId,
        draftId: DraftId.optional(),
        packetId: z.string().min(1).max(64).optional(),
        note: z.string().trim().max(200).default(''),
      })
      .strict()
      .refine((input) => (input.draftId === undefined) !== (input.packetId === undefined), {
        message: 'a call is about one draft or one packet',
      }),
    output: WindowCall,
  }),
  /** Calls approvers placed to this window, not yet answered, newest first. */
  'calls.incoming': method({
    access: ['clerk'],
    background: true,
    input: none,
    output: z.object({ calls: z.array(WindowCall) }),
  }),
  /**
   * Answers a call an approver placed. It is recorded in the session of `draftId` (the
   * draft open at the counter), or without it in the session of the call's packet.
   */
  'calls.answer': method({
    access: ['clerk'],
    input: z.object({ callId: CallId, draftId: DraftId.optional() }).strict(),
    output: WindowCall,
  }),
  /** Hands a signal to the other side (through the inbox); waits until the inbox took it. */
  'calls.signal': method({
    access: ['clerk'],
    background: true,
    input: z.object({ callId: CallId, signal: CallSignal }).strict(),
    output: z.object({}),
  }),
  /** A fact of the call for the session log and the department's record (connected, a cut, a still, the source). */
  'calls.record': method({
    access: ['clerk'],
    background: true,
    input: z.object({ callId: CallId, entry: CallRecordEntry }).strict(),
    output: z.object({}),
  }),
  /** Ends a call: hang up, withdraw a request still waiting, decline an incoming one, or give up a lost line. */
  'calls.end': method({
    access: ['clerk'],
    input: z
      .object({ callId: CallId, reason: CallEndReason.extract(['hangup', 'withdrawn', 'declined', 'lost']) })
      .strict(),
    output: CallView,
  }),
  /** The calls this window is in now (a reloaded page finds its call ended or still waiting). */
  'calls.current': method({
    access: ['clerk'],
    background: true,
    input: none,
    output: z.object({ calls: z.array(WindowCall) }),
  }),
  'calls.get': method({ access: ['clerk'], background: true, input: ByCall, output: WindowCall }),
} as const;
