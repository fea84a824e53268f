// The 评价 panel's words and moves, outside React: how a rating's follow-up clock and its
// sending read (and whether in red), its levels in one line, and where ↑ / ↓ land.
import type { RatingView } from '../../../src-main/api/contract/index.ts';
import { hallDateTime } from '../../../src-main/common/hall-time.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { RATING_DIMENSIONS } from '../../../src-main/common/rating.ts';

export type ClockTone = 'overdue' | 'near' | 'open' | 'closed' | 'none';

/** Working days left at or below this show in yellow. */
export const NEAR_WORKING_DAYS = 3;

/** The 15-working-day clock of a 差评, as the list shows it. */
export function followUpClock(rating: RatingView): { text: string; tone: ClockTone } {
  const followUp = rating.followUp;
  if (!followUp) return { text: t('rating.panel.noFollowUp'), tone: 'none' };
  if (followUp.closedAt !== null) {
    return { text: t('rating.panel.closed', { at: hallDateTime(followUp.closedAt) }), tone: 'closed' };
  }
  const left = followUp.workingDaysLeft ?? 0;
  if (left < 0) return { text: t('rating.panel.overdue', { days: -left, due: followUp.due }), tone: 'overdue' };
  if (left === 0) return { text: t('rating.panel.dueToday', { due: followUp.due }), tone: 'near' };
  return {
    text: t('rating.panel.daysLeft', { days: left, due: followUp.due }),
    tone: left <= NEAR_WORKING_DAYS ? 'near' : 'open',
  };
}

/** Whether the rating reached the department. */
export function syncText(rating: RatingView): string {
  const sync = rating.sync;
  if (!sync || sync.state === 'waiting') {
    return sync && sync.attempts > 0
      ? t('rating.panel.retrying', { attempts: sync.attempts })
      : t('rating.panel.waiting');
  }
  return sync.state === 'sent' ? t('rating.panel.synced') : t('rating.panel.held');
}

/** "总体评价 不满意，办事效率 非常不满意，…" */
export function levelsText(rating: RatingView): string {
  return (['overall', ...RATING_DIMENSIONS] as const)
    .map((rated) => `${t(`rating.dimensions.${rated}`)} ${t(`rating.levels.${rating[rated]}`)}`)
    .join('，');
}

/** The row ↑ (-1) or ↓ (+1) selects, staying within the list. */
export function step(ratings: readonly RatingView[], selected: string | null, by: -1 | 1): string | null {
  if (ratings.length === 0) return null;
  const at = ratings.findIndex((rating) => rating.ratingId === selected);
  if (at < 0) return ratings[by === 1 ? 0 : ratings.length - 1]!.ratingId;
  return ratings[Math.min(ratings.length - 1, Math.max(0, at + by))]!.ratingId;
}
