// The hash-chained event log, the session's evidence and the supervisor's review of counter
// sessions (会话抽查): supervisors and installers verify streams and export a session's
// evidence bundle, which leaves in chunks; supervisors page through the session list, open a
// session with its chapters, flags and verified chain, and comment and sign off, which the
// core appends to the session's own stream.
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
  SessionSummary,
  SignOffVerdict,
} from '../../common/supervision.ts';
import { Bytes, method } from './method.ts';

/** The most bytes one download chunk carries: far under the transports' message limit. */
export const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export const DownloadId = z.uuid();

/** At most this many sessions a page. */
export const MAX_SESSION_PAGE = 200;
export const DEFAULT_SESSION_PAGE = 50;

const Comment = z.string().trim().min(1).max(MAX_COMMENT);

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
};
