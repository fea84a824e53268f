// The duty board (common/duty-board.ts) computed from the packets: the window's push and
// posting duties counted from the sealing day, the department's committed deadline as
// the queue shows it. Each warning is recorded the first time it is seen — in
// duty_warnings and as an audit event — so "we were told" is on record even if nobody
// opened the board that day (the core sweeps periodically, see hall-core.ts).
import { dayNumber } from '../common/dates.ts';
import { deadlineStatus } from '../common/deadline-status.ts';
import { type DutyBoard, type DutyItem, type DutyLevel, PUSH_WORKING_DAYS } from '../common/duty-board.ts';
import type { Clock } from '../common/hall-time.ts';
import { isSendingState } from '../common/packet-states.ts';
import type { WorkingCalendar } from '../common/working-calendar.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';
import { ORIGINALS_POST_WORKING_DAYS } from './mailing-list.ts';
import type { OpenPacket, PacketStore } from './packet-store.ts';

export interface DutyBoardDeps {
  db: Database;
  packets: PacketStore;
  calendar: WorkingCalendar;
  clock: Clock;
  events: EventLog;
  /** Working days before a deadline that turn it yellow (the queue's setting). */
  warningWorkingDays: number;
  /** Who a clerk id is, for the board's rows. */
  clerkOf: (id: number) => { username: string; displayName: string };
}

export class DutyBoardService {
  constructor(private readonly deps: DutyBoardDeps) {}

  /** The board as of now; new warnings are recorded on the way. */
  board(): DutyBoard {
    const { today, items } = this.current();
    const byClerk = new Map<number, DutyItem[]>();
    for (const { clerkId, item } of items) {
      const list = byClerk.get(clerkId);
      if (list) list.push(item);
      else byClerk.set(clerkId, [item]);
    }
    const clerks = [...byClerk].map(([id, list]) => ({
      ...this.deps.clerkOf(id),
      yellow: list.filter((i) => i.level === 'yellow').length,
      red: list.filter((i) => i.level === 'red').length,
      // Red first, then by the day due.
      items: list.sort((a, b) => (a.level === b.level ? a.due.localeCompare(b.due) : a.level === 'red' ? -1 : 1)),
    }));
    clerks.sort((a, b) => b.red - a.red || b.yellow - a.yellow || a.username.localeCompare(b.username));
    return { today, clerks };
  }

  /** Records the warnings without building the board (the periodic sweep). */
  sweep(): void {
    this.current();
  }

  /** Today's warnings, each recorded the first time it is seen. */
  private current(): { today: string; items: Array<{ clerkId: number; item: DutyItem }> } {
    const { calendar, clock } = this.deps;
    const today = calendar.localDate(clock.now());
    const items = this.deps.packets.openForDuties().flatMap((packet) => this.itemsOf(packet, today));
    this.record(items);
    return { today, items };
  }

  private itemsOf(packet: OpenPacket, today: string): Array<{ clerkId: number; item: DutyItem }> {
    const { calendar, warningWorkingDays } = this.deps;
    const sealedOn = calendar.localDate(packet.sealedAt);
    const base = {
      packetId: packet.packetId,
      version: packet.version,
      trackingCode: packet.trackingCode,
      applicantName: packet.applicantName,
      itemName: packet.itemName,
      state: packet.state,
    };
    const found: DutyItem[] = [];
    const windowDuty = (duty: 'push' | 'post', days: number) => {
      const due = calendar.addWorkingDays(sealedOn, days);
      const level = levelOf(today, due);
      if (level) found.push({ ...base, duty, level, due });
    };
    if (isSendingState(packet.state)) windowDuty('push', PUSH_WORKING_DAYS);
    if (packet.originalsUnposted) windowDuty('post', ORIGINALS_POST_WORKING_DAYS);
    const status = deadlineStatus(packet, today, calendar, warningWorkingDays);
    // A 补正 the window issued runs on the applicant's clock: lapsing is 视为放弃, nobody's overrun.
    if (
      packet.deadline &&
      packet.state !== 'correction_issued' &&
      (status.kind === 'near' || status.kind === 'passed')
    ) {
      found.push({
        ...base,
        duty: 'decision',
        level: status.kind === 'passed' ? 'red' : 'yellow',
        due: packet.deadline,
      });
    }
    return found.map((item) => ({ clerkId: packet.clerkId, item }));
  }

  private record(items: ReadonlyArray<{ item: DutyItem }>): void {
    const { db, events, clock } = this.deps;
    const insert = db.prepare(
      `INSERT INTO duty_warnings (packet_id, version, duty, level, first_seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    db.transaction(() => {
      for (const { item } of items) {
        const { changes } = insert.run(item.packetId, item.version, item.duty, item.level, clock.now());
        if (changes === 0) continue;
        events.append({
          stream: AUDIT_STREAM,
          actor: 'system',
          kind: 'duty.warning',
          payload: {
            packetId: item.packetId,
            version: item.version,
            duty: item.duty,
            level: item.level,
            due: item.due,
          },
        });
      }
    })();
  }
}

/** Red once the day has passed, yellow on the day itself. */
function levelOf(today: string, due: string): DutyLevel | null {
  const [t, d] = [dayNumber(today)!, dayNumber(due)!];
  if (t > d) return 'red';
  return t === d ? 'yellow' : null;
}
