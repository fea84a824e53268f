// 好差评 beyond the applicant's input: the rating as the window keeps and shows it, and
// the report it sends to the department's inbox (POST /v1/ratings, over the same
// window authentication and outbox as packets). Shared by the core, the contract, the
// supervisor's panel and the reference inbox.
import { z } from 'zod';
import { CalendarDateSchema } from './dates.ts';
import { ItemCode, PacketId, PacketVersion, TrackingCode, WindowId } from './manifest.ts';
import { MAX_RATING_TEXT, RatingCategory, RatingLevel } from './rating.ts';

export const RATINGS_PATH = '/v1/ratings';

/** What a rating is about, copied from the sealed packet when it was given. */
const RatingSubject = {
  ratingId: z.uuid(),
  packetId: PacketId,
  version: PacketVersion,
  trackingCode: TrackingCode.nullable(),
  itemCode: ItemCode,
  itemName: z.string().min(1).max(200),
  departmentId: z.string().max(64).nullable(),
  departmentName: z.string().max(200).nullable(),
  /** The hall's region (GB/T 2260), where the service was given. */
  regionCode: z.string().regex(/^\d{6}$/),
  clerk: z.object({ username: z.string().min(1).max(64), displayName: z.string().min(1).max(64) }),
};

const RatingLevels = {
  overall: RatingLevel,
  efficiency: RatingLevel,
  skill: RatingLevel,
  attitude: RatingLevel,
  category: RatingCategory.nullable(),
  text: z.string().max(MAX_RATING_TEXT).nullable(),
};

/** The body of POST /v1/ratings. A retried send carries the same ratingId; the inbox keeps one. */
export const RatingReport = z
  .object({
    ...RatingSubject,
    ...RatingLevels,
    windowId: WindowId,
    bad: z.boolean(),
    /** ISO 8601 UTC. */
    givenAt: z.iso.datetime(),
  })
  .strict();
export type RatingReport = z.infer<typeof RatingReport>;

/** The inbox's answer: it holds the rating (the first one, when it already had one for the version). */
export const RatingReceipt = z.object({ ratingId: z.uuid(), receivedAt: z.iso.datetime() });
export type RatingReceipt = z.infer<typeof RatingReceipt>;

/** One thing a supervisor did about a 差评. */
export const RatingFollowUpRecord = z.object({
  by: z.object({ username: z.string(), displayName: z.string() }),
  at: z.number(),
  action: z.string(),
  /** This record finished the follow-up (整改 done and answered). */
  closes: z.boolean(),
});
export type RatingFollowUpRecord = z.infer<typeof RatingFollowUpRecord>;

/** Where a rating's sending stands: at the department, on its way (retrying), or held for a person. */
export const RatingSync = z.object({
  state: z.enum(['sent', 'waiting', 'held']),
  attempts: z.number().int(),
  lastErrorCode: z.string().nullable(),
  nextAttemptAt: z.number().nullable(),
  sentAt: z.number().nullable(),
});
export type RatingSync = z.infer<typeof RatingSync>;

/** A rating as the supervisor's list shows it. */
export const RatingView = z.object({
  ...RatingSubject,
  ...RatingLevels,
  bad: z.boolean(),
  givenAt: z.number(),
  /** 差评 only: the 15-working-day clock. */
  followUp: z
    .object({
      due: CalendarDateSchema,
      /** Working days from today to the due date; negative when overdue. Null once closed. */
      workingDaysLeft: z.number().int().nullable(),
      overdue: z.boolean(),
      closedAt: z.number().nullable(),
      records: z.array(RatingFollowUpRecord),
    })
    .nullable(),
  sync: RatingSync.nullable(),
});
export type RatingView = z.infer<typeof RatingView>;

/** The supervisor's filters: every rating, 差评 only, or 差评 whose follow-up is still open. */
export const RATING_FILTERS = ['all', 'bad', 'followUpOpen'] as const;
export const RatingFilter = z.enum(RATING_FILTERS);
export type RatingFilter = z.infer<typeof RatingFilter>;
