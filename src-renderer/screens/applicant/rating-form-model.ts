// The rating form's decisions, outside React: which answers are still missing, whether
// the applicant must name a category (a 差评), and the RatingInput the answers make.
import {
  isBadRating,
  MAX_RATING_TEXT,
  RATING_DIMENSIONS,
  type RatingCategory,
  type RatingInput,
  type RatingLevel,
} from '../../../src-main/common/rating.ts';

/** Overall first, then 办事效率 / 业务水平 / 服务态度: the order the form asks in. */
export const RATED = ['overall', ...RATING_DIMENSIONS] as const;
export type Rated = (typeof RATED)[number];

export interface RatingAnswers {
  levels: Partial<Record<Rated, RatingLevel>>;
  category: RatingCategory | null;
  text: string;
}

export const NO_ANSWERS: RatingAnswers = { levels: {}, category: null, text: '' };

/** The questions not answered yet, in the form's order. */
export function missingLevels(answers: RatingAnswers): Rated[] {
  return RATED.filter((rated) => answers.levels[rated] === undefined);
}

/** A 差评 so far (any answered level at 不满意 or below): the form asks why. */
export function asksCategory(answers: RatingAnswers): boolean {
  const { levels } = answers;
  return isBadRating({
    overall: levels.overall ?? 5,
    efficiency: levels.efficiency ?? 5,
    skill: levels.skill ?? 5,
    attitude: levels.attitude ?? 5,
  });
}

export type FormProblem = { kind: 'levels'; missing: Rated[] } | { kind: 'category' };

/** What stops the answers being sent, or the RatingInput they make. */
export function ratingOf(answers: RatingAnswers): { rating: RatingInput } | { problem: FormProblem } {
  const missing = missingLevels(answers);
  if (missing.length > 0) return { problem: { kind: 'levels', missing } };
  const bad = asksCategory(answers);
  if (bad && !answers.category) return { problem: { kind: 'category' } };
  const { overall, efficiency, skill, attitude } = answers.levels as Record<Rated, RatingLevel>;
  const text = answers.text.trim().slice(0, MAX_RATING_TEXT);
  return {
    rating: {
      overall,
      efficiency,
      skill,
      attitude,
      // Only a 差评 carries a category and words: a good rating is the four levels.
      ...(bad && answers.category ? { category: answers.category } : {}),
      ...(bad && text ? { text } : {}),
    },
  };
}
