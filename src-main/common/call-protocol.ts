// 视频会商: the live video consultation between a window and an approver of the packet's
// department. The department inbox carries the signalling (docs/video-consultation.md):
// the window's core speaks to it with the window's token, the approver's call page with
// the approver's session; the media go peer to peer (or through TURN). Both ends and the
// inbox import this module, so a change here is a protocol change and the document must
// change with it.
//
// A call's life: the window (or an approver) places it → `waiting` until an approver (or
// the window) answers → `active` (media flowing, or being restored after a cut) → `ended`
// with a reason. Nothing of a call's media passes through the inbox.
import { z } from 'zod';
import { PacketId, WindowId } from './manifest.ts';

// ── paths (window side: Bearer window token) ─────────────────────────────────

/** POST: place a call (idempotent by `callId`). GET: the calls an approver placed to this window (long-poll). */
export const CALLS_PATH = '/v1/calls';

export function callPath(callId: string): string {
  return `${CALLS_PATH}/${encodeURIComponent(callId)}`;
}
/** GET `?after=<seq>&wait=<s>`: signals from the other side and the call's state (long-poll); POST: send one. */
export function callSignalsPath(callId: string): string {
  return `${callPath(callId)}/signals`;
}
/** POST: answer a call placed by an approver. */
export function callAnswerPath(callId: string): string {
  return `${callPath(callId)}/answer`;
}
/** POST `{ reason }`: end (or, while waiting, withdraw or decline) a call. */
export function callEndPath(callId: string): string {
  return `${callPath(callId)}/end`;
}
/** POST: a fact for the department's record of the call (a still filed, a cut restored …). */
export function callRecordPath(callId: string): string {
  return `${callPath(callId)}/record`;
}

// ── limits ───────────────────────────────────────────────────────────────────

/** An unanswered call expires after this (the window may withdraw it sooner). */
export const CALL_RING_MS = 10 * 60_000;
/** A call whose media cannot be restored for this long is ended as `lost`. */
export const CALL_RECONNECT_MS = 45_000;
/** Longest long-poll wait, in seconds, for signals and incoming calls. */
export const CALL_MAX_WAIT_SECONDS = 25;
/** An approver counts as online while their call page polled within this. */
export const APPROVER_PRESENCE_MS = 40_000;
/** The most signals queued for one side before the oldest are refused (a peer gone mad). */
export const MAX_PENDING_SIGNALS = 500;
/** The largest SDP accepted (a real offer with three tracks is a few kB). */
export const MAX_SDP_CHARS = 64 * 1024;

// ── shapes ───────────────────────────────────────────────────────────────────

export const CallId = z.uuid();
export type CallId = z.infer<typeof CallId>;

export const CallSide = z.enum(['window', 'approver']);
export type CallSide = z.infer<typeof CallSide>;

export const CallState = z.enum(['waiting', 'active', 'ended']);
export type CallState = z.infer<typeof CallState>;

export const CALL_END_REASONS = [
  /** Either side hung up. */
  'hangup',
  /** The window took its request back before anyone answered. */
  'withdrawn',
  /** The side called turned it down. */
  'declined',
  /** Nobody answered within CALL_RING_MS. */
  'expired',
  /** The media could not be restored within CALL_RECONNECT_MS. */
  'lost',
  /** The inbox no longer accepts it (its window or approver signed out, the inbox restarted). */
  'refused',
] as const;
export const CallEndReason = z.enum(CALL_END_REASONS);
export type CallEndReason = z.infer<typeof CallEndReason>;

/** What a call is about: a draft at the counter, or a packet the department holds. */
export const CallSubject = z
  .object({
    /** The draft open at the counter (the applicant is there); stills are filed in it. */
    draftId: z.string().min(1).max(64).optional(),
    packetId: PacketId.optional(),
    itemCode: z.string().min(1).max(64),
    itemName: z.string().min(1).max(200),
    /** The applicant's name, masked (张*三): enough to know whom, no more. */
    applicant: z.string().max(64),
    /** What the window wants to settle, in a line. */
    note: z.string().max(200).default(''),
    /** The materials a still may be filed under: code and name. Empty for a packet (sealed, immutable). */
    materials: z
      .array(z.object({ code: z.string().min(1).max(64), name: z.string().min(1).max(200) }))
      .max(100)
      .default([]),
  })
  .strict()
  .refine((subject) => subject.draftId !== undefined || subject.packetId !== undefined, {
    message: 'a call is about a draft or a packet',
  });
export type CallSubject = z.infer<typeof CallSubject>;

/** One STUN or TURN server, as RTCIceServer takes it. */
export const IceServer = z
  .object({
    urls: z.union([z.string().min(1).max(500), z.array(z.string().min(1).max(500)).min(1).max(10)]),
    username: z.string().max(500).optional(),
    credential: z.string().max(500).optional(),
  })
  .strict();
export type IceServer = z.infer<typeof IceServer>;

export const IceTransportPolicy = z.enum(['all', 'relay']);
export type IceTransportPolicy = z.infer<typeof IceTransportPolicy>;

export const CallParty = z.object({ id: z.string().min(1).max(64), name: z.string().max(100) }).strict();
export type CallParty = z.infer<typeof CallParty>;

/** A call as the inbox answers it to either side. */
export const CallView = z
  .object({
    callId: CallId,
    windowId: WindowId,
    windowLabel: z.string().max(200),
    placedBy: CallSide,
    subject: CallSubject,
    state: CallState,
    approver: CallParty.nullable(),
    placedAt: z.number().int().nonnegative(),
    answeredAt: z.number().int().nonnegative().nullable(),
    endedAt: z.number().int().nonnegative().nullable(),
    endReason: CallEndReason.nullable(),
    /** Approvers online now (their call page polled lately): 0 tells the window its request waits. */
    approversOnline: z.number().int().nonnegative(),
  })
  .strict();
export type CallView = z.infer<typeof CallView>;

/** The window places a call. */
export const PlaceCallRequest = z.object({ callId: CallId, subject: CallSubject }).strict();
export type PlaceCallRequest = z.infer<typeof PlaceCallRequest>;

/** What the inbox answers to placing or answering a call: the call, and ICE servers it hands out (TURN credentials that expire). */
export const CallTicket = z.object({ call: CallView, iceServers: z.array(IceServer).max(10) }).strict();
export type CallTicket = z.infer<typeof CallTicket>;

// ── signals (relayed by the inbox as they are, in order) ─────────────────────

export const SessionDescription = z
  .object({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(MAX_SDP_CHARS) })
  .strict();

export const IceCandidate = z
  .object({
    candidate: z.string().max(1000),
    sdpMid: z.string().max(64).nullable(),
    sdpMLineIndex: z.number().int().nonnegative().max(64).nullable(),
    usernameFragment: z.string().max(256).nullable(),
  })
  .strict();

/** What the window sends of its cameras: the counter camera, the document camera, or both. */
export const CallSource = z.enum(['counter', 'document', 'both']);
export type CallSource = z.infer<typeof CallSource>;

export const CallSignal = z.discriminatedUnion('type', [
  /** WebRTC negotiation (perfect negotiation: the window is the polite peer). */
  z.object({ type: z.literal('description'), description: SessionDescription }).strict(),
  /** A trickled ICE candidate; null marks the end of gathering. */
  z.object({ type: z.literal('candidate'), candidate: IceCandidate.nullable() }).strict(),
  /** Approver → window: take a full-resolution still of the document camera for this material. */
  z
    .object({
      type: z.literal('stillRequest'),
      requestId: z.uuid(),
      materialCode: z.string().min(1).max(64),
    })
    .strict(),
  /** Window → approver: the still was filed (or why not). */
  z
    .object({
      type: z.literal('stillResult'),
      requestId: z.uuid(),
      filed: z.boolean(),
      /** The still's SHA-256, when filed. */
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
      width: z.number().int().nonnegative().optional(),
      height: z.number().int().nonnegative().optional(),
      /** Why not, in Chinese, for the approver. */
      reason: z.string().max(200).optional(),
    })
    .strict(),
  /** Window → approver: which camera the video now shows. */
  z.object({ type: z.literal('source'), source: CallSource }).strict(),
]);
export type CallSignal = z.infer<typeof CallSignal>;

export const SignalEnvelope = z
  .object({ seq: z.number().int().positive(), from: CallSide, signal: CallSignal })
  .strict();
export type SignalEnvelope = z.infer<typeof SignalEnvelope>;

/** The answer to a signals poll: what came since `after`, and the call as it stands. */
export const SignalPoll = z.object({ signals: z.array(SignalEnvelope), call: CallView }).strict();
export type SignalPoll = z.infer<typeof SignalPoll>;

export const SendSignalRequest = z.object({ signal: CallSignal }).strict();
export const EndCallRequest = z.object({ reason: CallEndReason }).strict();

/** Calls placed to this window by an approver and not yet answered (the window's poll). */
export const IncomingCalls = z.object({ calls: z.array(CallView) }).strict();

// ── the record of a call (both ends keep one) ────────────────────────────────

/**
 * Facts of a call, in the window's session log (as `call.<kind>` events) and in the
 * department's record of the call: who took part, when it connected, each cut and its
 * restoration, each still, what the window showed, and how it ended.
 */
export const CallRecordEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('connected'), approver: CallParty }).strict(),
  z.object({ kind: z.literal('interrupted'), atMs: z.number().int().nonnegative() }).strict(),
  /** The media are back after a cut: the gap, as both ends log it. */
  z
    .object({
      kind: z.literal('restored'),
      fromMs: z.number().int().nonnegative(),
      toMs: z.number().int().nonnegative(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('still'),
      materialCode: z.string().min(1).max(64),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      width: z.number().int().nonnegative(),
      height: z.number().int().nonnegative(),
    })
    .strict(),
  z.object({ kind: z.literal('source'), source: CallSource }).strict(),
  /** The draft the call was about was sealed as this packet (the window sends it then): links the call to the packet. */
  z.object({ kind: z.literal('sealedAs'), packetId: PacketId }).strict(),
]);
export type CallRecordEntry = z.infer<typeof CallRecordEntry>;
