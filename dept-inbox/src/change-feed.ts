// Wakes long polls of the change feed. Changes written through this process's
// connection are heard at once; changes written by another process are heard through
// PostgreSQL's notifications (another inbox replica), or noticed through SQLite's
// data_version (the CLI deciding while the server runs), checked only while someone waits.
import type { Change } from '../../src-main/common/sync-protocol.ts';
import type { ChangeRow, InboxDb } from './db.ts';

export class ChangeNotifier {
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private seenVersion = 0;
  private closed = false;
  private readonly onChange = () => this.wakeAll();

  constructor(
    private readonly db: InboxDb,
    private readonly pollMs = 200,
  ) {
    db.on('change', this.onChange);
    db.on('external', this.onChange);
  }

  /** Resolves on the next change anywhere, after `ms`, on abort, or at close. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        if (this.waiters.size === 0) this.stopPolling();
        resolve();
      };
      const timeout = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
      this.startPolling();
    });
  }

  close(): void {
    this.closed = true;
    this.db.off('change', this.onChange);
    this.db.off('external', this.onChange);
    this.wakeAll();
    this.stopPolling();
  }

  private wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private startPolling(): void {
    if (this.timer) return;
    this.seenVersion = this.db.dataVersion();
    this.timer = setInterval(() => {
      try {
        const version = this.db.dataVersion();
        if (version !== this.seenVersion) {
          this.seenVersion = version;
          this.wakeAll();
        }
      } catch {
        this.wakeAll(); // the database closed under us: let the waiters answer
      }
    }, this.pollMs);
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export function changeToWire(row: ChangeRow): Change {
  const change: Change = {
    cursor: row.cursor,
    packetId: row.packet_id,
    version: row.version,
    state: row.state,
    at: new Date(row.at).toISOString(),
  };
  if (row.reason !== null) change.reason = row.reason;
  if (row.correction_items !== null) change.correctionItems = JSON.parse(row.correction_items) as string[];
  if (row.waybill !== null) change.waybill = row.waybill;
  if (row.decided_by !== null) change.decidedBy = row.decided_by;
  if (row.supply_by !== null) change.supplyBy = row.supply_by;
  return change;
}
