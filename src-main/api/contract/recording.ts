// The hash-chained event log and the counter session's record. Supervisors and installers
// verify streams and export a session's evidence bundle, which leaves in chunks; supervisors
// page through the session list, open a session with its chapters, flags and verified chain,
// and comment and sign off, which the core appends to the session's own stream. The clerk's
// window starts the recording for an open draft, hands each segment over as a finished upload
// (`uploads.*`, purpose `recording`), logs the gaps, and stops it. The recording runs on its
// own, every few seconds: none of it is the clerk's activity for the idle lock (nor are the
// uploads of its segments, see core/hall-core.ts).
import { z } from 'zod';
import { CalendarDateSchema } from '../../common/dates.ts';
import { DraftId } from '../../common/draft.ts';
import { ChainVerification } from '../../common/event-chain.ts';
import {
  MAX_COMMENT,
  SessionDetail,
  SessionFacets,
  SessionFlag,
  SessionOutcome,
  SegmentProblem,
  SessionSummary,
  SignOffVerdict,
  TimelineSegment,
} from '../../common/supervision.ts';
import { CameraFormat, GAP_REASONS, RecordingTrack, SEGMENT_MS } from '../../common/recording.ts';
import { Bytes, method, Sha256 } from './method.ts';
import { UploadId } from './uploads.ts';

/** The most bytes one download chunk carries: far under the transports' message limit. */
export const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export const DownloadId = z.uuid();

/** At most this many sessions a page. */
export const MAX_SESSION_PAGE = 200;
export const DEFAULT_SESSION_PAGE = 50;

const Comment = z.string().trim().min(1).max(MAX_COMMENT);

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
   * A session's evidence bundle (证据包, docs/evidence-bundle.md), signed with the window's
   * key: opens a download read with `downloads.chunk` (the file can be far larger than one message).
   */
  'recording.exportBundle': method({
    access: ['supervisor', 'installer'],
    input: z.object({ draftId: DraftId }).strict(),
    output: z.object({
      downloadId: DownloadId,
      name: z.string(),
      mediaType: z.string(),
      chunkBytes: z.number().int().positive(),
    }),
  }),
  /**
   * The bytes from `offset`, which must be what was handed out so far (the last chunk is
   * answered again when asked again); `done` with the last one. Idle 10 minutes, a download is dropped.
   */
  'downloads.chunk': method({
    access: ['supervisor', 'installer'],
    input: z.object({ downloadId: DownloadId, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }).strict(),
    output: z.object({ bytes: Bytes, done: z.boolean() }),
  }),
  /**
   * One page of counter sessions, newest first. `from`/`to` are hall days (inclusive);
   * `flag` one flag or `any`; `after` the `nextCursor` of the page before. `total` counts
   * the filter's sessions up to a cap (`totalCapped` then).
   */
  'sessions.list': method({
    access: ['supervisor'],
    input: z
      .object({
        from: CalendarDateSchema.optional(),
        to: CalendarDateSchema.optional(),
        clerk: z.string().min(1).max(64).optional(),
        itemCode: z.string().min(1).max(64).optional(),
        outcome: SessionOutcome.optional(),
        flag: z.union([SessionFlag, z.literal('any')]).optional(),
        reviewed: z.boolean().optional(),
        after: z.string().max(400).optional(),
        limit: z.number().int().min(1).max(MAX_SESSION_PAGE).optional(),
      })
      .strict(),
    output: z.object({
      sessions: z.array(SessionSummary),
      nextCursor: z.string().nullable(),
      total: z.number(),
      totalCapped: z.boolean(),
    }),
  }),
  /** The clerks and items of the recorded sessions, for the list's filters. */
  'sessions.facets': method({
    access: ['supervisor'],
    input: z.object({}).strict(),
    output: SessionFacets,
  }),
  /** A session opened: chapters, flags and why, its chain verified now, comments and sign-off. */
  'sessions.get': method({
    access: ['supervisor'],
    input: z.object({ draftId: DraftId }).strict(),
    output: SessionDetail,
  }),
  /** The player's timeline: every camera and screen segment the session's log names, in order. */
  'sessions.timeline': method({
    access: ['supervisor'],
    input: z.object({ draftId: DraftId }).strict(),
    output: z.object({ segments: z.array(TimelineSegment) }),
  }),
  /**
   * A segment's bytes for the player, from `offset` (at most DOWNLOAD_CHUNK_BYTES a call;
   * `done` with the last). Only segments the session's log names.
   */
  'sessions.segment': method({
    access: ['supervisor'],
    input: z
      .object({
        draftId: DraftId,
        track: RecordingTrack,
        index: z.number().int().min(0),
        offset: z.number().int().min(0).max(MAX_SEGMENT_BYTES),
      })
      .strict(),
    output: z.object({ bytes: Bytes, done: z.boolean() }),
  }),
  /**
   * The verification badge's second half: stored segments checked against their events'
   * hashes, a slice at a time from position `from` (`next` to go on, null when done).
   */
  'sessions.checkSegments': method({
    access: ['supervisor'],
    input: z.object({ draftId: DraftId, from: z.number().int().min(0) }).strict(),
    output: z.object({ next: z.number().nullable(), total: z.number(), problems: z.array(SegmentProblem) }),
  }),
  /** 批注: logged in the session's stream as `supervision.commented`. */
  'sessions.comment': method({
    access: ['supervisor'],
    input: z.object({ draftId: DraftId, text: Comment }).strict(),
    output: SessionDetail,
  }),
  /** 签署督查意见, once per finished session: logged as `supervision.signedOff`. */
  'sessions.signOff': method({
    access: ['supervisor'],
    input: z.object({ draftId: DraftId, verdict: SignOffVerdict, comment: Comment.optional() }).strict(),
    output: SessionDetail,
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
