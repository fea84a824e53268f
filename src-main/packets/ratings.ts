// 好差评: the applicant's rating of one visit, stored, logged, sent and followed up.
// Invariants:
// - one rating per packet version (UNIQUE in the table): a second one is refused with
//   `rating.alreadyGiven`, and the first stands unchanged;
// - what the rating is about (case number, item, department, region, clerk) is taken from
//   the sealed packet, never from the caller, and kept with the rating;
// - the rating, its event in the session's log and its outbox row are one transaction:
//   a rating stored is a rating that will be sent, and logged;
// - the log carries the levels and the category, never the applicant's own words (the
//   supervisors read those in the rating itself);
// - a 差评 gets its follow-up due date (15 working days after the day it was given) at once.
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/errors.ts';
import type { Clock } from '../common/hall-time.ts';
import type { Logger } from '../common/logger.ts';
import {
  BAD_RATING_FOLLOW_UP_WORKING_DAYS,
  isBadRating,
  RatingInput,
  type RatingCategory,
  type RatingLevel,
} from '../common/rating.ts';
import type {
  RatingFilter,
  RatingFollowUpRecord,
  RatingReport,
  RatingSync,
  RatingView,
} from '../common/rating-report.ts';
import type { WorkingCalendar } from '../common/working-calendar.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';
import type { PacketStore } from './packet-store.ts';

/** Where ratings go: the outbox (sync/outbox-store.ts implements it), inside the rating's transaction. */
export interface RatingOutbox {
  enqueueRating(entry: { ratingId: string; departmentId: string; body: string }): void;
  ratingSync(ratingIds: readonly string[]): Map<string, RatingSync>;
}

export interface RatingsDeps {
  db: Database;
  packets: PacketStore;
  events: EventLog;
  calendar: WorkingCalendar;
  clock: Clock;
  logger: Logger;
  outbox: RatingOutbox;
  windowId: string;
  /** The hall's region code (GB/T 2260): where the service was given. */
  regionCode: string;
  /** A department's name by its id (from the config), or undefined when none is configured. */
  departmentName(departmentId: string): string | undefined;
  /**
   * The department whose inbox takes ratings (config `ratings.department`), or undefined
   * to send each rating to the department of its packet.
   */
  ratingsDepartment?: string | undefined;
  /** Told after a rating was stored, so the outbox worker sends it now. */
  onRecorded?: (() => void) | undefined;
}

export interface RatingContext {
  packetId: string;
  /**
   * The counter session's stream in the event log (intake's `sessionStream(draftId)`), or
   * null for the one the packet's manifest names (or the audit log, when it names none).
   */
  sessionStream: string | null;
}

interface RatingRow {
  rating_id: string;
  packet_id: string;
  version: number;
  tracking_code: string | null;
  item_code: string;
  item_name: string;
  department_id: string | null;
  department_name: string | null;
  region_code: string;
  clerk_username: string;
  clerk_name: string;
  overall: RatingLevel;
  efficiency: RatingLevel;
  skill: RatingLevel;
  attitude: RatingLevel;
  category: RatingCategory | null;
  text: string | null;
  bad: 0 | 1;
  given_at: number;
  follow_up_due: string | null;
  followed_up_at: number | null;
}

interface FollowUpRow {
  rating_id: string;
  by_username: string;
  by_name: string;
  at: number;
  action: string;
  closes: 0 | 1;
}

/** Where the department id of a rating's outbox row comes from when the packet names none. */
const NO_DEPARTMENT = '';

export class Ratings {
  constructor(private readonly d: RatingsDeps) {}

  /**
   * Stores the applicant's rating of the packet's latest version and queues it for the
   * department. The applicant screen's `applicant.rate` calls this.
   */
  record(input: RatingInput, ctx: RatingContext): RatingView {
    const rating = RatingInput.parse(input);
    const { db, packets, clock } = this.d;
    const ratingId = randomUUID();
    db.transaction(() => {
      const latest = packets.latest(ctx.packetId);
      if (!latest) throw new AppError('rating.packetNotFound', `packet ${ctx.packetId} is not sealed here`);
      const { manifest, version } = latest;
      const given = db
        .prepare<[string, number], { rating_id: string }>(
          'SELECT rating_id FROM ratings WHERE packet_id = ? AND version = ?',
        )
        .get(ctx.packetId, version);
      if (given) {
        throw new AppError('rating.alreadyGiven', `packet ${ctx.packetId} v${version} was rated (${given.rating_id})`);
      }
      const at = clock.now();
      const bad = isBadRating(rating);
      const departmentId = manifest.departmentId;
      const departmentName = departmentId === null ? null : (this.d.departmentName(departmentId) ?? null);
      const trackingCode = manifest.trackingCode ?? packets.trackingCodeOf(ctx.packetId);
      const due = bad ? this.followUpDue(at) : null;
      const row: RatingRow = {
        rating_id: ratingId,
        packet_id: ctx.packetId,
        version,
        tracking_code: trackingCode,
        item_code: manifest.itemCode,
        item_name: manifest.itemName,
        department_id: departmentId,
        department_name: departmentName,
        region_code: this.d.regionCode,
        clerk_username: manifest.clerk.username,
        clerk_name: manifest.clerk.displayName,
        overall: rating.overall,
        efficiency: rating.efficiency,
        skill: rating.skill,
        attitude: rating.attitude,
        // A good rating keeps no category or words: the form only asks for them on a 差评.
        category: bad ? (rating.category ?? null) : null,
        text: bad && rating.text?.trim() ? rating.text.trim() : null,
        bad: bad ? 1 : 0,
        given_at: at,
        follow_up_due: due,
        followed_up_at: null,
      };
      db.prepare(
        `INSERT INTO ratings (rating_id, packet_id, version, tracking_code, item_code, item_name, department_id,
           department_name, region_code, clerk_username, clerk_name, overall, efficiency, skill, attitude, category,
           text, bad, given_at, follow_up_due, followed_up_at, session_stream)
         VALUES (@rating_id, @packet_id, @version, @tracking_code, @item_code, @item_name, @department_id,
           @department_name, @region_code, @clerk_username, @clerk_name, @overall, @efficiency, @skill, @attitude,
           @category, @text, @bad, @given_at, @follow_up_due, @followed_up_at, @session_stream)`,
      ).run({ ...row, session_stream: ctx.sessionStream ?? manifest.session?.stream ?? null });
      const stream = ctx.sessionStream ?? manifest.session?.stream ?? AUDIT_STREAM;
      this.d.events.append({
        stream,
        actor: 'applicant',
        kind: 'rating.given',
        payload: {
          ratingId,
          packetId: ctx.packetId,
          version,
          overall: row.overall,
          efficiency: row.efficiency,
          skill: row.skill,
          attitude: row.attitude,
          bad,
          category: row.category,
          followUpDue: due,
        },
      });
      this.d.outbox.enqueueRating({
        ratingId,
        departmentId: this.d.ratingsDepartment ?? departmentId ?? NO_DEPARTMENT,
        body: JSON.stringify(this.report(row)),
      });
    })();
    this.d.onRecorded?.();
    return this.get(ratingId)!;
  }

  /** Ratings for the supervisor, newest first; 差评 with an open follow-up first when asked. */
  list(query: { filter: RatingFilter; limit: number }): RatingView[] {
    const where =
      query.filter === 'bad'
        ? 'WHERE bad = 1'
        : query.filter === 'followUpOpen'
          ? 'WHERE bad = 1 AND followed_up_at IS NULL'
          : '';
    // Open 差评 first, soonest due first; then everything else newest first.
    const rows = this.d.db
      .prepare<[number], RatingRow>(
        `SELECT * FROM ratings ${where}
         ORDER BY (bad = 1 AND followed_up_at IS NULL) DESC,
                  CASE WHEN bad = 1 AND followed_up_at IS NULL THEN follow_up_due END ASC,
                  given_at DESC, rating_id
         LIMIT ?`,
      )
      .all(query.limit);
    return this.views(rows);
  }

  get(ratingId: string): RatingView | undefined {
    const row = this.d.db.prepare<[string], RatingRow>('SELECT * FROM ratings WHERE rating_id = ?').get(ratingId);
    return row ? this.views([row])[0] : undefined;
  }

  /**
   * A supervisor records what was done about a 差评 (回访, 整改, 答复); `closes` ends its
   * follow-up clock. Only 差评 are followed up; a closed one takes further notes.
   */
  followUp(
    ratingId: string,
    by: { username: string; displayName: string },
    action: string,
    closes: boolean,
  ): RatingView {
    const { db, clock } = this.d;
    db.transaction(() => {
      const row = db
        .prepare<[string], Pick<RatingRow, 'bad' | 'followed_up_at'>>(
          'SELECT bad, followed_up_at FROM ratings WHERE rating_id = ?',
        )
        .get(ratingId);
      if (!row) throw new AppError('rating.notFound', `no rating ${ratingId}`);
      if (row.bad !== 1) throw new AppError('rating.notBad', `rating ${ratingId} is not a bad rating`);
      const at = clock.now();
      db.prepare(
        `INSERT INTO rating_follow_ups (rating_id, by_username, by_name, at, action, closes) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(ratingId, by.username, by.displayName, at, action, closes ? 1 : 0);
      if (closes && row.followed_up_at === null) {
        db.prepare('UPDATE ratings SET followed_up_at = ? WHERE rating_id = ?').run(at, ratingId);
      }
      this.d.events.append({
        stream: AUDIT_STREAM,
        actor: by.username,
        kind: 'rating.followedUp',
        payload: { ratingId, closes },
      });
    })();
    return this.get(ratingId)!;
  }

  // ── internals ─────────────────────────────────────────────────────────────

  /** 15 working days after the day the rating was given. */
  private followUpDue(at: number): string {
    const { calendar } = this.d;
    const day = calendar.localDate(at);
    try {
      return calendar.addWorkingDays(day, BAD_RATING_FOLLOW_UP_WORKING_DAYS);
    } catch (error) {
      // A year without calendar data must not lose the applicant's rating: count weekdays
      // only (the due date may then fall a little early, never late), and say so.
      this.d.logger.warn({ err: error, day }, 'rating: no calendar for the follow-up period; counting weekdays');
      return addWeekdays(day, BAD_RATING_FOLLOW_UP_WORKING_DAYS);
    }
  }

  private report(row: RatingRow): RatingReport {
    return {
      ratingId: row.rating_id,
      windowId: this.d.windowId,
      packetId: row.packet_id,
      version: row.version,
      trackingCode: row.tracking_code,
      itemCode: row.item_code,
      itemName: row.item_name,
      departmentId: row.department_id,
      departmentName: row.department_name,
      regionCode: row.region_code,
      clerk: { username: row.clerk_username, displayName: row.clerk_name },
      overall: row.overall,
      efficiency: row.efficiency,
      skill: row.skill,
      attitude: row.attitude,
      category: row.category,
      text: row.text,
      bad: row.bad === 1,
      givenAt: new Date(row.given_at).toISOString(),
    };
  }

  private views(rows: RatingRow[]): RatingView[] {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.rating_id);
    const sync = this.d.outbox.ratingSync(ids);
    const followUps = new Map<string, RatingFollowUpRecord[]>();
    const select = this.d.db.prepare<[string], FollowUpRow>(
      'SELECT * FROM rating_follow_ups WHERE rating_id = ? ORDER BY id',
    );
    for (const row of rows.filter((r) => r.bad === 1)) {
      followUps.set(
        row.rating_id,
        select.all(row.rating_id).map((f) => ({
          by: { username: f.by_username, displayName: f.by_name },
          at: f.at,
          action: f.action,
          closes: f.closes === 1,
        })),
      );
    }
    const today = this.d.calendar.localDate(this.d.clock.now());
    return rows.map((row) => {
      const { windowId: _windowId, givenAt: _givenAt, ...subject } = this.report(row);
      let followUp: RatingView['followUp'] = null;
      if (row.bad === 1 && row.follow_up_due !== null) {
        const left = row.followed_up_at === null ? this.workingDaysLeft(today, row.follow_up_due) : null;
        followUp = {
          due: row.follow_up_due,
          workingDaysLeft: left,
          overdue: left !== null && left < 0,
          closedAt: row.followed_up_at,
          records: followUps.get(row.rating_id) ?? [],
        };
      }
      return { ...subject, givenAt: row.given_at, followUp, sync: sync.get(row.rating_id) ?? null };
    });
  }

  private workingDaysLeft(today: string, due: string): number {
    try {
      return this.d.calendar.workingDaysBetween(today, due);
    } catch {
      return weekdaysBetween(today, due);
    }
  }
}

function dayOf(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function isWeekday(date: Date): boolean {
  const day = date.getUTCDay();
  return day !== 0 && day !== 6;
}

function addWeekdays(date: string, n: number): string {
  const at = dayOf(date);
  for (let left = n; left > 0;) {
    at.setUTCDate(at.getUTCDate() + 1);
    if (isWeekday(at)) left -= 1;
  }
  return at.toISOString().slice(0, 10);
}

/** Weekdays in (a, b]; negative when b is before a. */
function weekdaysBetween(a: string, b: string): number {
  const sign = a <= b ? 1 : -1;
  const [from, to] = sign === 1 ? [dayOf(a), dayOf(b)] : [dayOf(b), dayOf(a)];
  let count = 0;
  for (const at = from; at < to;) {
    at.setUTCDate(at.getUTCDate() + 1);
    if (isWeekday(at)) count += 1;
  }
  return sign * count;
}
