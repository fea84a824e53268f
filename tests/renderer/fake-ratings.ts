// The core's 好差评 for component tests: the ratings a spec puts in, listed and filtered
// as the core does (open 差评 first), and follow-up records added to them.
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import { AppError } from '../../src-main/common/errors.ts';
import type { RatingView } from '../../src-main/common/rating-report.ts';

export class FakeRatings {
  ratings: RatingView[] = [];
  /** Every ratings.followUp call, as it came. */
  readonly followUps: Array<{ ratingId: string; action: string; closes: boolean }> = [];

  constructor(
    private readonly now: () => number,
    private readonly who: () => { username: string; displayName: string },
  ) {}

  handlers(): Pick<Handlers<null>, 'ratings.list' | 'ratings.followUp'> {
    return {
      'ratings.list': ({ filter, limit }) => {
        const open = (r: RatingView) => r.bad && r.followUp?.closedAt === null;
        const listed = this.ratings
          .filter((r) => filter === 'all' || (filter === 'bad' ? r.bad : open(r)))
          .sort(
            (a, b) =>
              Number(open(b)) - Number(open(a)) ||
              (open(a) && open(b) ? a.followUp!.due.localeCompare(b.followUp!.due) : 0) ||
              b.givenAt - a.givenAt,
          );
        return { ratings: listed.slice(0, limit) };
      },
      'ratings.followUp': ({ ratingId, action, closes }) => {
        const rating = this.ratings.find((r) => r.ratingId === ratingId);
        if (!rating) throw new AppError('rating.notFound', ratingId);
        if (!rating.bad || !rating.followUp) throw new AppError('rating.notBad', ratingId);
        this.followUps.push({ ratingId, action, closes });
        const at = this.now();
        const closing = closes && rating.followUp.closedAt === null;
        const updated: RatingView = {
          ...rating,
          followUp: {
            ...rating.followUp,
            closedAt: closing ? at : rating.followUp.closedAt,
            workingDaysLeft: closing ? null : rating.followUp.workingDaysLeft,
            overdue: closing ? false : rating.followUp.overdue,
            records: [...rating.followUp.records, { by: this.who(), at, action, closes }],
          },
        };
        this.ratings = this.ratings.map((r) => (r.ratingId === ratingId ? updated : r));
        return updated;
      },
    };
  }
}
