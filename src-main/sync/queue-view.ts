// The queue's view of sending: for each sealed packet version that travels, how far it
// got (step, bytes, the live upload), why it waits, and the department's latest word.
import type { ErrorCode, ErrorParams } from '../common/errors.ts';
import type { PacketSync } from '../common/sync.ts';
import type { ChangeFeedStore } from './change-feed-store.ts';
import type { Departments } from './departments.ts';
import type { OutboxStore } from './outbox-store.ts';

export interface QueueViewDeps {
  store: OutboxStore;
  feed: ChangeFeedStore;
  departments: Departments;
  /** Bytes the running upload of a file has sent, ahead of what is recorded. */
  liveBytes(packetId: string, version: number, sha256: string): number | undefined;
  now(): number;
}

export class QueueView {
  constructor(private readonly deps: QueueViewDeps) {}

  /** The sync view of one packet version, or undefined when it does not travel. */
  info(packetId: string, version: number): PacketSync | undefined {
    return this.decorate([{ packetId, version }])[0]?.sync ?? undefined;
  }

  /** Packet versions the outbox holds for a person (需人工处理), for the queue's filter. */
  held(): Array<{ packetId: string; version: number }> {
    return this.deps.store.heldForPerson();
  }

  /** Adds the sync view to packets of the queue. */
  decorate<T extends { packetId: string; version: number }>(packets: T[]): Array<T & { sync: PacketSync | null }> {
    const rows = this.deps.store.syncRows(packets);
    const now = this.deps.now();
    return packets.map((packet) => {
      const row = rows.get(`${packet.packetId}#${packet.version}`);
      if (!row) return { ...packet, sync: null };
      const p = row.packet;
      let sent = 0;
      for (const file of row.files) {
        const live = this.deps.liveBytes(p.packet_id, p.version, file.sha256) ?? 0;
        sent += file.state === 'done' ? file.size : Math.max(file.bytes_sent, live);
      }
      return {
        ...packet,
        sync: {
          departmentId: p.department_id,
          departmentName: this.deps.departments.info(p.department_id)?.name ?? null,
          step: p.step,
          blocked: p.blocked === 1,
          bytesSent: sent,
          bytesTotal: row.bytesTotal,
          attempts: p.attempts,
          nextAttemptAt: p.step !== 'done' && p.blocked === 0 && p.next_attempt_at > now ? p.next_attempt_at : null,
          lastError: p.last_error_code
            ? {
                code: p.last_error_code as ErrorCode,
                detail: p.last_error ?? '',
                params: {
                  departmentId: p.department_id,
                  ...(p.last_error_params ? (JSON.parse(p.last_error_params) as ErrorParams) : {}),
                },
                at: p.last_error_at ?? 0,
              }
            : null,
          departmentReference: p.department_reference,
          receivedAt: p.received_at,
          decision: this.deps.feed.lastDecision(p.packet_id, p.version) ?? null,
        },
      };
    });
  }
}
