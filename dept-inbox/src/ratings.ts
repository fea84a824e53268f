// 好差评 from the windows (POST /v1/ratings): checked against the protocol's RatingReport,
// sent only by the window it names, and kept once per packet version — a retried send
// (same rating id) answers the receipt of the row it made, and a second rating of the
// same visit is answered with the first one's receipt, so the window sees who won.
import { RatingReport, type RatingReceipt } from '../../src-main/common/rating-report.ts';
import type { InboxDb, RatingRow, WindowRow } from './db.ts';
import { InboxError } from './errors.ts';
import { zh } from './i18n.ts';
import { invalid } from './packets.ts';

export async function receiveRating(
  db: InboxDb,
  window: WindowRow,
  body: unknown,
  now: () => number,
): Promise<RatingReceipt> {
  const parsed = RatingReport.safeParse(body);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const report = parsed.data;
  if (report.windowId !== window.window_id) {
    throw new InboxError(
      'auth.windowMismatch',
      `the rating names window ${report.windowId}, the token is window ${window.window_id}'s`,
    );
  }
  const known = await db.ratingById(report.ratingId);
  if (known && known.window_id !== window.window_id) {
    throw new InboxError('auth.windowMismatch', `rating ${report.ratingId} came from another window`);
  }
  const kept = await db.insertRating({
    rating_id: report.ratingId,
    window_id: window.window_id,
    packet_id: report.packetId,
    version: report.version,
    overall: report.overall,
    bad: report.bad ? 1 : 0,
    given_at: report.givenAt,
    report: JSON.stringify(report),
    received_at: new Date(now()).toISOString(),
  });
  return { ratingId: kept.rating_id, receivedAt: kept.received_at };
}

/** A rating as the CLI and the approver page show it. */
export function ratingLine(row: RatingRow): string {
  const report = JSON.parse(row.report) as RatingReport;
  const levels = `${report.overall}/${report.efficiency}/${report.skill}/${report.attitude}`;
  return [
    row.given_at,
    row.window_id,
    report.trackingCode ?? report.packetId,
    report.itemCode,
    report.clerk.displayName,
    levels,
    row.bad ? `${zh.ratings.bad}:${report.category ?? '-'}` : '-',
    report.text ? JSON.stringify(report.text) : '',
  ]
    .join('  ')
    .trimEnd();
}
