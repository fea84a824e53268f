// The hash-chained event log, and the supervisor's review of counter sessions (会话抽查):
// the session list, a session opened with its chapters, flags and verified chain, and
// comments and sign-off, which the core appends to the session's own stream.
import { z } from 'zod';
import { CalendarDateSchema } from '../../common/dates.ts';
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
import { method } from './method.ts';

/** At most this many sessions a page. */
export const MAX_SESSION_PAGE = 200;
export const DEFAULT_SESSION_PAGE = 50;

const DraftId = z.string().min(1).max(64);
const Comment = z.string().trim().min(1).max(MAX_COMMENT);

export const recordingMethods = {
  'eventLog.verify': method({
    access: ['supervisor', 'installer'],
    input: z.object({ stream: z.string().min(1).max(64) }).strict(),
    output: ChainVerification,
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
