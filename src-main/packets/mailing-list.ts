// 原件寄递清单: the originals a window must post to the departments (within 2 working days
// of sealing, by the provincial rule in ../shared/reference/domain.md), day by day, with
// the EMS waybill number of each parcel. Sealing enters the packets (PacketStore.insert);
// this module lists them and records the waybills. A parcel still unposted stays on every
// later day's list until it has its number, so nothing is forgotten over a weekend.
import { dayNumber, type CalendarDate } from '../common/dates.ts';
import { AppError } from '../common/errors.ts';
import { type Clock, startOfHallDay } from '../common/hall-time.ts';
import type { Manifest } from '../common/manifest.ts';
import type { PacketState } from '../common/packet-states.ts';
import { type MailingEntry, normaliseWaybill, waybillProblem } from '../common/mailing.ts';
import type { WorkingCalendar } from '../common/working-calendar.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';
import { postedOriginals } from './build-manifest.ts';

/** Working days the window has to post originals after sealing. */
export const ORIGINALS_POST_WORKING_DAYS = 2;

interface Row {
  packet_id: string;
  version: number;
  sealed_at: number;
  waybill: string | null;
  recorded_at: number | null;
  recorded_by: string | null;
  applicant_name: string;
  manifest: string;
  state: PacketState;
  tracking_code: string | null;
}

const SELECT = `
  SELECT o.packet_id, o.version, o.sealed_at, o.waybill, o.recorded_at, o.recorded_by,
         p.applicant_name, p.manifest, s.state, t.code AS tracking_code
  FROM original_postings o
  JOIN packets p USING (packet_id, version)
  JOIN packet_state s USING (packet_id, version)
  LEFT JOIN tracking_codes t USING (packet_id)`;

const DAY_MS = 86_400_000;

export class MailingList {
  constructor(
    private readonly db: Database,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  today(): CalendarDate {
    return this.calendar.localDate(this.clock.now());
  }

  /** The list for `day` (today by default): what was sealed that day, and whatever earlier is still unposted. */
  list(day: CalendarDate = this.today()): MailingEntry[] {
    const today = this.today();
    const start = dayStart(day);
    const rows = this.db
      .prepare<[number, number, number], Row>(
        `${SELECT}
         WHERE (o.sealed_at >= ? AND o.sealed_at < ?) OR (o.waybill IS NULL AND o.sealed_at < ?)
         ORDER BY o.sealed_at`,
      )
      .all(start, start + DAY_MS, start);
    return rows.map((row) => this.entry(row, today));
  }

  /** Records (or corrects) the waybill of a packet version's parcel of originals; audited. */
  recordWaybill(target: { packetId: string; version: number }, typed: string, by: string): MailingEntry {
    const at = this.clock.now();
    const waybill = normaliseWaybill(typed);
    const problem = waybillProblem(waybill);
    if (problem) {
      throw new AppError(`mailing.waybill.${problem}`, `not an EMS waybill number: ${typed}`, { waybill: typed });
    }
    this.db.transaction(() => {
      const { changes } = this.db
        .prepare(
          'UPDATE original_postings SET waybill = ?, recorded_at = ?, recorded_by = ? WHERE packet_id = ? AND version = ?',
        )
        .run(waybill, at, by, target.packetId, target.version);
      if (changes === 0) {
        throw new AppError('mailing.notOnList', `${target.packetId} v${target.version} has no originals to post`, {});
      }
      this.events.append({
        stream: AUDIT_STREAM,
        actor: by,
        kind: 'mailing.waybillRecorded',
        payload: { packetId: target.packetId, version: target.version, waybill },
      });
    })();
    return this.entry(
      this.db
        .prepare<[string, number], Row>(`${SELECT} WHERE o.packet_id = ? AND o.version = ?`)
        .get(target.packetId, target.version)!,
      this.today(),
    );
  }

  private entry(row: Row, today: CalendarDate): MailingEntry {
    const manifest = JSON.parse(row.manifest) as Manifest;
    const postBy = this.calendar.addWorkingDays(this.calendar.localDate(row.sealed_at), ORIGINALS_POST_WORKING_DAYS);
    return {
      packetId: row.packet_id,
      version: row.version,
      trackingCode: row.tracking_code,
      itemName: manifest.itemName,
      applicantName: row.applicant_name,
      departmentId: manifest.departmentId,
      state: row.state,
      sealedAt: row.sealed_at,
      postBy,
      late: row.waybill === null && dayNumber(today)! > dayNumber(postBy)!,
      originals: postedOriginals(manifest),
      waybill: row.waybill,
      recordedAt: row.recorded_at,
      recordedBy: row.recorded_by,
    };
  }
}

/** The epoch milliseconds at which the hall's `day` begins. */
function dayStart(day: CalendarDate): number {
  const n = dayNumber(day);
  if (n === null) throw new AppError('mailing.badDay', `not a date: ${day}`, { day });
  // Noon UTC of that date lies within the hall's day (UTC+8), whose midnight we want.
  return startOfHallDay(n * DAY_MS + DAY_MS / 2);
}
