// The decisions of a 视频会商 call at the window, outside React and WebRTC: what the call
// panel shows for the call as the core reports it and the peer as it runs, which cameras
// go into which sender slot for the source the clerk chose, whether a still the approver
// asked for can be taken, and the Chinese message for every fault. Pure: the controller
// (call-controller.ts) feeds it, the panel renders it, tests read it on their own.
import type { WindowCall } from '../../src-main/api/contract/index.ts';
import type { CallEndReason, CallSide, CallSource } from '../../src-main/common/call-protocol.ts';
import type { CallQuality } from '../../src-main/common/call-quality.ts';
import type { MessageKey } from '../../src-main/common/i18n/index.ts';
import type { PeerState } from './call-peer.ts';

/** Where the call stands for the clerk. */
export type CallPhase =
  /** The panel is open, nothing placed yet. */
  | 'idle'
  /** `calls.place` / `calls.answer` on its way. */
  | 'starting'
  /** Placed, no approver has answered. */
  | 'waiting'
  /** Answered; the media are being connected. */
  | 'connecting'
  | 'active'
  /** The media stopped; ICE is being restarted. */
  | 'interrupted'
  | 'ended';

/** The cameras this window could open for the call. */
export interface CallDevices {
  counter: boolean;
  document: boolean;
  microphone: boolean;
}

/** The track each of CallPeer's video slots sends for a source. */
export interface SlotPlan {
  video: 'counter' | 'document' | null;
  second: 'document' | null;
}

export const SOURCES: readonly CallSource[] = ['counter', 'document', 'both'];

/** The phase from the call as the core reports it and the peer's state (null: no peer yet). */
export function phaseOf(call: WindowCall['call'] | null, peer: PeerState | null): CallPhase {
  if (!call) return 'idle';
  if (call.state === 'ended') return 'ended';
  if (call.state === 'waiting') return 'waiting';
  if (peer === 'connected') return 'active';
  if (peer === 'interrupted') return 'interrupted';
  return 'connecting';
}

/** The sources the clerk may choose with the cameras there are. */
export function availableSources(devices: Pick<CallDevices, 'counter' | 'document'>): CallSource[] {
  if (devices.counter && devices.document) return ['counter', 'document', 'both'];
  if (devices.document) return ['document'];
  if (devices.counter) return ['counter'];
  return [];
}

/** The source a call starts with: the counter camera (the applicant) when there is one. */
export function initialSource(devices: Pick<CallDevices, 'counter' | 'document'>): CallSource | null {
  return availableSources(devices)[0] ?? null;
}

/**
 * What the senders carry for `source`: the chosen camera in the main slot; with both, the
 * counter camera there and the document camera in the second slot. A camera that is not
 * there leaves its slot empty (the other side sees the other one, or none).
 */
export function slotsFor(source: CallSource, devices: Pick<CallDevices, 'counter' | 'document'>): SlotPlan {
  const counter = devices.counter ? 'counter' : null;
  const document = devices.document ? 'document' : null;
  if (source === 'counter') return { video: counter ?? document, second: null };
  if (source === 'document') return { video: document ?? counter, second: null };
  if (counter && document) return { video: counter, second: document };
  return { video: counter ?? document, second: null };
}

/** The camera recorded as `callSent` for a plan: what the main slot shows. */
export function sentVideoOf(plan: SlotPlan): 'counter' | 'document' | null {
  return plan.video;
}

/** What the panel says about the media the window could open; null when all are there. */
export function mediaNotice(devices: CallDevices): MessageKey | null {
  if (!devices.counter && !devices.document && !devices.microphone) return 'calls.media.none';
  if (!devices.counter && !devices.document) return 'calls.media.audioOnly';
  if (!devices.microphone) return 'calls.media.noMicrophone';
  if (!devices.document) return 'calls.media.noDocumentCamera';
  return null;
}

/** Why an approver's still request cannot be served, as a key of `calls.still.refused`; null: take it. */
export type StillRefusal = 'noDraft' | 'noDocumentCamera' | 'unknownMaterial';

export function stillRefusal(input: {
  draftOpen: boolean;
  documentCamera: boolean;
  materialKnown: boolean;
}): StillRefusal | null {
  if (!input.draftOpen) return 'noDraft';
  if (!input.documentCamera) return 'noDocumentCamera';
  if (!input.materialKnown) return 'unknownMaterial';
  return null;
}

/** The message for an ended call (who placed it changes what "declined" means). */
export function endMessage(reason: CallEndReason | null, placedBy: CallSide, endedHere: boolean): MessageKey {
  switch (reason) {
    case 'hangup':
      return endedHere ? 'calls.ended.hangupHere' : 'calls.ended.hangupThere';
    case 'withdrawn':
      return placedBy === 'window' ? 'calls.ended.withdrawn' : 'calls.ended.withdrawnThere';
    case 'declined':
      return placedBy === 'window' ? 'calls.ended.declinedThere' : 'calls.ended.declinedHere';
    case 'expired':
      return 'calls.ended.expired';
    case 'lost':
      return 'calls.ended.lost';
    case 'refused':
      return 'calls.ended.refused';
    default:
      return 'calls.ended.unknown';
  }
}

/** The waiting line: approvers online, or none (the request is kept and can be withdrawn). */
export function waitingMessage(approversOnline: number): { key: MessageKey; count: number } {
  return approversOnline > 0
    ? { key: 'calls.waiting.online', count: approversOnline }
    : { key: 'calls.waiting.noneOnline', count: 0 };
}

export function qualityKey(quality: CallQuality): MessageKey {
  return `calls.quality.${quality}`;
}

/**
 * Why the media could not connect, when the peer failed: ICE could not reach a TURN server
 * (and the hall relays, or it was the only server that could carry the call), or the line
 * was lost after it had run.
 */
export function connectFault(input: {
  everConnected: boolean;
  turnErrors: number;
  relayOnly: boolean;
}): 'turnUnreachable' | 'neverConnected' | 'lost' {
  if (input.everConnected) return 'lost';
  if (input.turnErrors > 0) return 'turnUnreachable';
  return input.relayOnly ? 'turnUnreachable' : 'neverConnected';
}

/** Whether an ICE server error names a TURN server (a STUN error alone does not stop a relayed call). */
export function isTurnUrl(url: string): boolean {
  return /^turns?:/i.test(url);
}

/** The calls.changed that should open the incoming dialog: an approver's call to this window, still ringing. */
export function isIncoming(call: WindowCall): boolean {
  return call.call.placedBy === 'approver' && call.call.state === 'waiting';
}
