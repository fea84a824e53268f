// The recording events of a counter session's stream (`session:<draftId>`): the recorder
// appends them, the supervisor's review and the evidence bundle read them. Minimal
// shapes shared by every reader; the recorder owns what it writes.

import { z } from 'zod';

export const RECORDING_STARTED = 'recording.started';
export const RECORDING_SEGMENT = 'recording.segment';
export const RECORDING_GAP = 'recording.gap';
export const RECORDING_STOPPED = 'recording.stopped';

export const RecordingTrack = z.enum(['camera', 'screen']);
export type RecordingTrack = z.infer<typeof RecordingTrack>;

const VideoFormat = z.object({ mediaType: z.string(), width: z.number(), height: z.number() });

export const RecordingStarted = z.object({
  segmentMs: z.number(),
  camera: VideoFormat.nullable(),
  screen: z.unknown(),
});
export type RecordingStarted = z.infer<typeof RecordingStarted>;

/** One stored segment; `startMs`/`endMs` on the recording's own clock (ms since it started). */
export const RecordingSegment = z.object({
  track: RecordingTrack,
  index: z.number().int().min(0),
  sha256: z.string(),
  bytes: z.number(),
  mediaType: z.string(),
  startMs: z.number(),
  endMs: z.number(),
});
export type RecordingSegment = z.infer<typeof RecordingSegment>;

/** A span the recorder knows it did not record (a camera failure); `toMs` null while it lasts. */
export const RecordingGap = z.object({
  track: RecordingTrack,
  fromMs: z.number(),
  toMs: z.number().nullable(),
  reason: z.string(),
});
export type RecordingGap = z.infer<typeof RecordingGap>;

export const RecordingStopped = z.object({ reason: z.string() });
export type RecordingStopped = z.infer<typeof RecordingStopped>;
