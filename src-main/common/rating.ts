// 好差评: the applicant's rating of one visit ("一次一评"), given on the applicant screen
// after the session. Declared here because three parts agree on it: the applicant page
// that asks, the core that stores and sends it, and the department inbox that receives it.
import { z } from 'zod';

/** 非常满意 5, 满意 4, 基本满意 3, 不满意 2, 非常不满意 1. */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export const RatingLevel = z.union([z.literal(5), z.literal(4), z.literal(3), z.literal(2), z.literal(1)]);
export type RatingLevel = z.infer<typeof RatingLevel>;

/** The dimensions rated besides overall satisfaction: 办事效率, 业务水平, 服务态度. */
export const RATING_DIMENSIONS = ['efficiency', 'skill', 'attitude'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];

/** A rating at or below this (不满意, 非常不满意) is a 差评: it asks for a category and must be followed up. */
export const BAD_RATING_MAX = 2;
/** Bad ratings are followed up (整改 and answer) within this many working days. */
export const BAD_RATING_FOLLOW_UP_WORKING_DAYS = 15;

/** What a 差评 is about, chosen by the applicant. */
export const RATING_CATEGORIES = [
  'slow', // 等候或办理时间长
  'attitude', // 服务态度差
  'unclear', // 告知不清、一次性告知不到位
  'repeatedVisits', // 多次跑动、反复提交材料
  'process', // 办事流程繁琐
  'other',
] as const;
export const RatingCategory = z.enum(RATING_CATEGORIES);
export type RatingCategory = z.infer<typeof RatingCategory>;

export const MAX_RATING_TEXT = 500;

/** What the applicant gives: the four levels, and for a bad rating its category and optional words. */
export const RatingInput = z
  .object({
    overall: RatingLevel,
    efficiency: RatingLevel,
    skill: RatingLevel,
    attitude: RatingLevel,
    category: RatingCategory.optional(),
    text: z.string().max(MAX_RATING_TEXT).optional(),
  })
  .strict()
  .superRefine((rating, ctx) => {
    if (isBadRating(rating) && !rating.category) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'a bad rating needs a category' });
    }
  });
export type RatingInput = z.infer<typeof RatingInput>;

/** A 差评: any level at or below BAD_RATING_MAX. */
export function isBadRating(rating: Pick<RatingInput, 'overall' | RatingDimension>): boolean {
  return [rating.overall, ...RATING_DIMENSIONS.map((d) => rating[d])].some((level) => level <= BAD_RATING_MAX);
}
