// The hash-chained event log: supervisors and installers verify its streams. The counter
// session's recording: the clerk's window starts it for an open draft, hands each segment
// over as a finished upload (`uploads.*`, purpose `recording`), logs the gaps, and stops it.
// All of it runs on its own, every few seconds: none of it is the clerk's activity for the
// idle lock (nor are the uploads of its segments, see core/hall-core.ts).
import { z } from 'zod';
import { ChainVerification } from '../../common/event-chain.ts';
import { DraftId } from '../../common/draft.ts';
import { CameraFormat, GAP_REASONS, RecordingTrack, SEGMENT_MS } from '../../common/recording.ts';
import { method, Sha256 } from './method.ts';
import { UploadId } from './uploads.ts';

/** The largest segment taken (4 s of 720p video is about 1–2 MB). */
export const MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

const WallMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const recordingMethods = {
  'eventLog.verify': method({
    access: ['supervisor', 'installer'],
    input: z.object({ stream: z.string().min(1).max(64) }).strict(),
    output: ChainVerification,
  }),
  /**
   * Recording of an open draft's session begins (again, after a reload or a restarted
   * core): `recording.started` is logged. Segments and gaps are taken only while it runs.
   */
  'recording.start': method({
    access: ['clerk'],
    background: true,
    input: z
      .object({
        draftId: DraftId,
        segmentMs: z
          .number()
          .int()
          .min(500)
          .max(10 * SEGMENT_MS),
        camera: CameraFormat.nullable(),
        screen: z.boolean(),
      })
      .strict(),
    output: z.object({}),
  }),
  /**
   * A finished upload becomes the track's next segment: stored, and logged with the
   * SHA-256 the core computed of what it received. A `sha256` the window sends is checked
   * against that (`recording.hashMismatch`); `segmentId` makes a repeat harmless (the
   * answer to a segment already stored is the same, nothing is stored twice).
   */
  'recording.segment': method({
    access: ['clerk'],
    background: true,
    input: z
      .object({
        draftId: DraftId,
        uploadId: UploadId,
        segmentId: z.uuid(),
        track: RecordingTrack,
        mediaType: z.string().min(1).max(100),
        startMs: WallMs,
        endMs: WallMs,
        sha256: Sha256.optional(),
      })
      .strict(),
    output: z.object({
      track: RecordingTrack,
      index: z.number().int().nonnegative(),
      sha256: Sha256,
      bytes: z.number().int().positive(),
    }),
  }),
  /** A track stopped (the camera failed, segments were lost): the gap is logged and recording goes on. */
  'recording.gap': method({
    access: ['clerk'],
    background: true,
    input: z
      .object({
        draftId: DraftId,
        track: RecordingTrack,
        fromMs: WallMs,
        toMs: WallMs.nullable(),
        reason: z.enum(GAP_REASONS),
      })
      .strict(),
    output: z.object({}),
  }),
  'recording.stop': method({
    access: ['clerk'],
    background: true,
    input: z.object({ draftId: DraftId, reason: z.enum(['sealed', 'discarded', 'left']) }).strict(),
    output: z.object({}),
  }),
};
