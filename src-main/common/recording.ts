// The recording of a counter session (全过程记录) as it stands in the session's stream of
// the event log (`session:<draftId>`): when recording started and how, each stored
// segment of the counter camera's video and of the clerk's screen (rrweb events) with
// the SHA-256 of its bytes and its time span, the gaps, and the stop. The one place these
// payloads are defined: the recorder writes them, the evidence bundle, its verifier and
// the supervisor's views read them.
//
// How to read a stream:
// - `index` runs 0, 1, 2 … per track over the whole stream, also across recorders
//   started again (a reload, a restarted core): a missing index is a missing segment.
// - A segment's bytes are a blob of the store, addressed by `sha256` (of the plaintext).
// - A gap with `toMs: null` is open: it lasts until the track's next segment starts (or
//   the recording stops). A gap whose both ends are known (segments dropped while the
//   core could not be reached) carries them.
// - Times are wall-clock milliseconds of the window PC (Date.now in the renderer).
// - A segment purged under retention keeps its event; `recording.purged` names it.
import { z } from 'zod';

export const RECORDING_STARTED = 'recording.started';
export const RECORDING_SEGMENT = 'recording.segment';
export const RECORDING_GAP = 'recording.gap';
export const RECORDING_STOPPED = 'recording.stopped';
/** A segment's bytes removed under the hall's retention; its `recording.segment` event stays. */
export const RECORDING_PURGED = 'recording.purged';

export const RECORDING_EVENT_KINDS = [
  RECORDING_STARTED,
  RECORDING_SEGMENT,
  RECORDING_GAP,
  RECORDING_STOPPED,
  RECORDING_PURGED,
] as const;
export type RecordingEventKind = (typeof RECORDING_EVENT_KINDS)[number];

/** A screen segment's bytes: the UTF-8 JSON array of the rrweb events of its span. */
export const SCREEN_MEDIA_TYPE = 'application/vnd.rrweb.events+json';

/**
 * `camera` and `screen` run the whole session. During a 视频会商 call two more run:
 * `callSent`, what the window sent (its microphone and the camera it showed), and
 * `callReceived`, what came from the approver.
 */
export const RecordingTrack = z.enum(['camera', 'screen', 'callSent', 'callReceived']);
export type RecordingTrack = z.infer<typeof RecordingTrack>;

/** Why a track has a gap. The payload takes any string; these are the ones the app writes. */
export const GAP_REASONS = [
  /** The camera's track ended (unplugged, taken by another program). */
  'cameraEnded',
  /** No video input to open. */
  'noCamera',
  /** The browser or the OS refused the camera or the microphone. */
  'permissionDenied',
  /** MediaRecorder failed, or the camera could not be opened for another reason. */
  'recorderError',
  /** Segments could not reach the core and were dropped past the memory bound. */
  'coreUnreachable',
  /** The core refused to store a segment (a full disk, say). */
  'storeFailed',
] as const;
export type GapReason = (typeof GAP_REASONS)[number];

export const CameraFormat = z.object({
  /** The MediaRecorder mime type in use, e.g. `video/webm;codecs=vp9,opus`. */
  mediaType: z.string().min(1).max(100),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
});
export type CameraFormat = z.infer<typeof CameraFormat>;

export const RecordingStartedPayload = z.object({
  /** The segment length the recorder aims at, in ms. */
  segmentMs: z.number().int().positive(),
  /** The camera as opened, or null when recording started without one (then a gap follows). */
  camera: CameraFormat.nullable(),
  /** Whether the screen is recorded. */
  screen: z.boolean(),
});
export type RecordingStartedPayload = z.infer<typeof RecordingStartedPayload>;

export const RecordingSegmentPayload = z.object({
  track: RecordingTrack,
  /** 0, 1, 2 … per track over the session's stream. */
  index: z.number().int().nonnegative(),
  /** Hex SHA-256 of the segment's plaintext bytes, computed by the core from what it received. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  mediaType: z.string().min(1).max(100),
  /** Wall-clock ms: when the segment's recording began and ended. */
  startMs: z.number().int().nonnegative(),
  endMs: z.number().int().nonnegative(),
});
export type RecordingSegmentPayload = z.infer<typeof RecordingSegmentPayload>;

export const RecordingGapPayload = z.object({
  track: RecordingTrack,
  fromMs: z.number().int().nonnegative(),
  /** null: still open when logged; it ends where the track's next segment starts. */
  toMs: z.number().int().nonnegative().nullable(),
  reason: z.string().min(1).max(64),
});
export type RecordingGapPayload = z.infer<typeof RecordingGapPayload>;

export const RecordingStoppedPayload = z.object({
  /** e.g. `sealed`, `discarded`, `left` (the clerk closed the draft), `connectionClosed`, `abandoned`. */
  reason: z.string().min(1).max(64),
});
export type RecordingStoppedPayload = z.infer<typeof RecordingStoppedPayload>;

export const RecordingPurgedPayload = z.object({
  track: RecordingTrack,
  index: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The seq of the `recording.segment` event whose bytes went. */
  segmentSeq: z.number().int().min(1),
  reason: z.literal('retention'),
  /** The retention that applied, in days. */
  retentionDays: z.number().int().positive(),
});
export type RecordingPurgedPayload = z.infer<typeof RecordingPurgedPayload>;

/** The payload schema of each recording event kind. */
export const RECORDING_PAYLOADS = {
  [RECORDING_STARTED]: RecordingStartedPayload,
  [RECORDING_SEGMENT]: RecordingSegmentPayload,
  [RECORDING_GAP]: RecordingGapPayload,
  [RECORDING_STOPPED]: RecordingStoppedPayload,
  [RECORDING_PURGED]: RecordingPurgedPayload,
} as const;

/** The recorder's segment length: short enough to lose little, long enough to keep per-segment overhead small. */
export const SEGMENT_MS = 4000;

/** A logged segment: its event's payload and seq. */
export type LoggedSegment = RecordingSegmentPayload & { seq: number };

/**
 * The segments a run of a stream's events logs, in order, and the purges among them (a
 * purge names its segment by `segmentSeq`, and by track and index). A payload that does
 * not parse is passed over. The one reading of these two kinds: the player's timeline
 * and the evidence bundle both start here, and each decides what a repeat means to it.
 */
export function readSegmentEvents(events: Iterable<{ seq: number; kind: string; payload: unknown }>): {
  segments: LoggedSegment[];
  purged: RecordingPurgedPayload[];
} {
  const segments: LoggedSegment[] = [];
  const purged: RecordingPurgedPayload[] = [];
  for (const event of events) {
    if (event.kind === RECORDING_SEGMENT) {
      const parsed = RecordingSegmentPayload.safeParse(event.payload);
      if (parsed.success) segments.push({ ...parsed.data, seq: event.seq });
    } else if (event.kind === RECORDING_PURGED) {
      const parsed = RecordingPurgedPayload.safeParse(event.payload);
      if (parsed.success) purged.push(parsed.data);
    }
  }
  return { segments, purged };
}
