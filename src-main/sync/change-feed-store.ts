// The change feed as applied (sync_changes, sync_cursors): every change a department
// sent, kept, and the cursor per department. An answer and its cursor commit together,
// with the packet's visible state (through PacketStore.moveTo) and the outbox told that
// the department has the packet, so a change is applied exactly once.
import type { DepartmentState } from '../common/packet-states.ts';
import type { Decision, PacketStateChange } from '../common/sync.ts';
import type { ChangesAnswer } from '../common/sync-protocol.ts';
import type { PacketStore } from '../packets/packet-store.ts';
import type { Database } from '../store/database.ts';
import type { OutboxStore } from './outbox-store.ts';

export class ChangeFeedStore {
  constructor(
    private readonly db: Database,
    private readonly packets: PacketStore,
    private readonly outbox: OutboxStore,
    private readonly now: () => number,
  ) {}

  /**
   * Applies one answer of the change feed and moves the cursor, in one transaction:
   * each change once (its cursor is a key), in order, with its state logged on the packet.
   */
  applyChanges(departmentId: string, answer: ChangesAnswer): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      const changed: PacketStateChange[] = [];
      const current = this.cursor(departmentId);
      for (const change of answer.changes) {
        if (change.cursor <= current) continue;
        const known = this.packets.exists(change.packetId, change.version);
        const { changes } = this.db
          .prepare(
            `INSERT OR IGNORE INTO sync_changes (department_id, cursor, packet_id, version, state, reason, correction_items,
               waybill, decided_by, at, applied_at, known, supply_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            departmentId,
            change.cursor,
            change.packetId,
            change.version,
            change.state,
            change.reason ?? null,
            change.correctionItems ? JSON.stringify(change.correctionItems) : null,
            change.waybill ?? null,
            change.decidedBy ?? null,
            change.at,
            now,
            known ? 1 : 0,
            change.supplyBy ?? null,
          );
        if (changes === 0 || !known) continue;
        const reason = change.reason ?? (change.correctionItems?.length ? change.correctionItems.join('；') : null);
        changed.push(...this.showDepartment(change.packetId, change.version, change.state, reason, now));
        this.outbox.recordDecided(change.packetId, change.version);
      }
      const next = Math.max(current, answer.cursor);
      this.db
        .prepare(
          `INSERT INTO sync_cursors (department_id, cursor, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (department_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
        )
        .run(departmentId, next, now);
      return changed;
    })();
  }

  cursor(departmentId: string): number {
    return (
      this.db
        .prepare<[string], { cursor: number }>('SELECT cursor FROM sync_cursors WHERE department_id = ?')
        .get(departmentId)?.cursor ?? 0
    );
  }

  /** The latest change the department sent for a packet version. */
  lastDecision(packetId: string, version: number): Decision | undefined {
    const row = this.db
      .prepare<[string, number], DecisionRow>(
        `SELECT state, reason, correction_items, waybill, decided_by, at, cursor, supply_by FROM sync_changes
         WHERE packet_id = ? AND version = ? ORDER BY applied_at DESC, cursor DESC LIMIT 1`,
      )
      .get(packetId, version);
    return row && decisionOf(row);
  }

  /** Every change the department sent for a packet version, in the order it sent them. */
  decisions(packetId: string, version: number): Decision[] {
    return this.db
      .prepare<[string, number], DecisionRow>(
        `SELECT state, reason, correction_items, waybill, decided_by, at, cursor, supply_by FROM sync_changes
         WHERE packet_id = ? AND version = ? ORDER BY applied_at, cursor`,
      )
      .all(packetId, version)
      .map(decisionOf);
  }

  /** The department's word is final: applied over any state but itself. */
  private showDepartment(
    packetId: string,
    version: number,
    state: DepartmentState,
    reason: string | null,
    at: number,
  ): PacketStateChange[] {
    if (this.packets.state(packetId, version) === state) return [];
    this.packets.moveTo(packetId, version, state, reason, at);
    return [{ packetId, version, state }];
  }
}

interface DecisionRow {
  state: DepartmentState;
  reason: string | null;
  correction_items: string | null;
  waybill: string | null;
  decided_by: string | null;
  at: string;
  cursor: number;
  supply_by: string | null;
}

function decisionOf(row: DecisionRow): Decision {
  return {
    state: row.state,
    reason: row.reason,
    correctionItems: row.correction_items ? (JSON.parse(row.correction_items) as string[]) : [],
    waybill: row.waybill,
    decidedBy: row.decided_by,
    at: row.at,
    cursor: row.cursor,
    supplyBy: row.supply_by,
  };
}
