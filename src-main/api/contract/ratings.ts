// 好差评 for supervisors: the ratings applicants gave (差评 first, each with its
// 15-working-day follow-up clock and whether it reached the department), and the
// record of what was done about a 差评. The applicant gives the rating on the applicant
// screen (`applicant.rate`, declared with that screen's methods).
import { z } from 'zod';
import { RatingFilter, RatingView } from '../../common/rating-report.ts';
import { method } from './method.ts';

export const MAX_RATINGS_PAGE = 500;
export const DEFAULT_RATINGS_PAGE = 200;
export const MAX_FOLLOW_UP_TEXT = 1000;

export const ratingMethods = {
  /** Open 差评 first (soonest due first), then the rest newest first. */
  'ratings.list': method({
    access: ['supervisor'],
    background: true,
    input: z
      .object({
        filter: RatingFilter.default('all'),
        limit: z.number().int().min(1).max(MAX_RATINGS_PAGE).default(DEFAULT_RATINGS_PAGE),
      })
      .strict(),
    output: z.object({ ratings: z.array(RatingView) }),
  }),
  /** What the supervisor did about a 差评 (回访, 整改, 答复); `closes` stops its clock. Logged as `rating.followedUp`. */
  'ratings.followUp': method({
    access: ['supervisor'],
    input: z
      .object({
        ratingId: z.uuid(),
        action: z.string().trim().min(1).max(MAX_FOLLOW_UP_TEXT),
        closes: z.boolean(),
      })
      .strict(),
    output: RatingView,
  }),
};
