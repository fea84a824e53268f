// 交付: a department's refusal or result handed to the applicant. The decision came back
// through the change feed and counts in the clerk's 需人工处理 until the clerk records that
// it reached the applicant (at the window, or posted); then it leaves the list. The record
// is kept with who did it and when, and is an event of the audit log.
import { AppError } from '../common/errors.ts';
import type { Clock } from '../common/hall-time.ts';
import { HANDED_OVER_STATES, type Handover } from '../common/packets.ts';
import type { PacketState } from '../common/packet-states.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { Database } from '../store/database.ts';

export class Handovers {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly events: EventLog,
  ) {}

  /**
   * Records that the decision the packet version now stands at reached the applicant;
   * recording it twice answers the first record. `packets.nothingToHandOver` when the
   * version holds no refusal or result.
   */
  record(target: { packetId: string; version: number }, how: Handover['how'], by: string): Handover {
    const { packetId, version } = target;
    return this.db.transaction(() => {
      const state = this.db
        .prepare<[string, number], { state: PacketState }>(
          'SELECT state FROM packet_state WHERE packet_id = ? AND version = ?',
        )
        .get(packetId, version)?.state;
      if (!state || !HANDED_OVER_STATES.includes(state)) {
        throw new AppError('packets.nothingToHandOver', `${packetId} v${version} is ${state ?? 'not sealed here'}`);
      }
      const at = this.clock.now();
      const { changes } = this.db
        .prepare(
          `INSERT OR IGNORE INTO handovers (packet_id, version, state, how, handed_by, handed_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(packetId, version, state, how, by, at);
      if (changes > 0) {
        this.events.append({
          stream: AUDIT_STREAM,
          actor: by,
          kind: 'packets.handedOver',
          payload: { packetId, version, state, how },
        });
      }
      const row = this.db
        .prepare<[string, number, string], { how: Handover['how']; handed_by: string; handed_at: number }>(
          'SELECT how, handed_by, handed_at FROM handovers WHERE packet_id = ? AND version = ? AND state = ?',
        )
        .get(packetId, version, state)!;
      return { how: row.how, by: row.handed_by, at: row.handed_at };
    })();
  }
}
