// The recording events of a counter session (全过程记录), appended to the session's
// stream `session:<draftId>` beside the intake events. A segment's bytes live in the
// encrypted blob store under their SHA-256; the event holds that hash and the segment's
// time span, so the chain vouches for every segment.
import { z } from 'zod';

export const RECORDING_STARTED = 'recording.started';
export const RECORDING_SEGMENT = 'recording.segment';
export const RECORDING_GAP = 'recording.gap';
export const RECORDING_STOPPED = 'recording.stopped';
/** A segment's bytes removed under the hall's retention; its `recording.segment` event stays. */
export const RECORDING_PURGED = 'recording.purged';

export const RecordingTrack = z.enum(['camera', 'screen']);
export type RecordingTrack = z.infer<typeof RecordingTrack>;

/** What the screen track's segments hold: rrweb events as JSON. */
export const SCREEN_MEDIA_TYPE = 'application/vnd.rrweb.events+json';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const Ms = z.number().int().min(0);

export const RecordingStarted = z.object({
  segmentMs: z.number().int().positive(),
  camera: z
    .object({
      mediaType: z.string().min(1).max(100),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    })
    .nullable(),
  screen: z.boolean(),
});
export type RecordingStarted = z.infer<typeof RecordingStarted>;

export const RecordingSegment = z.object({
  track: RecordingTrack,
  /** 0, 1, 2 … per track, without gaps. */
  index: z.number().int().min(0),
  /** Of the plaintext bytes: the blob's id. */
  sha256: Sha256Hex,
  bytes: z.number().int().min(0),
  mediaType: z.string().min(1).max(100),
  startMs: Ms,
  endMs: Ms,
});
export type RecordingSegment = z.infer<typeof RecordingSegment>;

export const RecordingGap = z.object({
  track: RecordingTrack,
  fromMs: Ms,
  /** Null while the gap lasts (the session ended in it). */
  toMs: Ms.nullable(),
  reason: z.string().min(1).max(200),
});
export type RecordingGap = z.infer<typeof RecordingGap>;

export const RecordingStopped = z.object({ reason: z.string().min(1).max(200) });
export type RecordingStopped = z.infer<typeof RecordingStopped>;

export const RecordingPurged = z.object({
  track: RecordingTrack,
  index: z.number().int().min(0),
  sha256: Sha256Hex,
  /** The seq of the `recording.segment` event whose bytes went. */
  segmentSeq: z.number().int().min(1),
  reason: z.literal('retention'),
  /** The retention that applied, in days. */
  retentionDays: z.number().int().positive(),
});
export type RecordingPurged = z.infer<typeof RecordingPurged>;
