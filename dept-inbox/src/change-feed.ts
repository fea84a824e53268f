// Wakes long polls of the change feed, each only for changes to its own window: with
// thousands of windows waiting, a change wakes one window's polls, not every poll (which
// would each read the feed again). Changes written through this process's connection are
// heard at once; changes written by another process are heard through PostgreSQL's
// notifications, which name the window (another inbox replica), or noticed through
// SQLite's data_version, which does not (the CLI deciding while the server runs: every
// poll then looks), checked only while someone waits.
import type { Change } from '../../src-main/common/sync-protocol.ts';
import type { ChangeRow, InboxDb } from './db.ts';

export class ChangeNotifier {
  /** The wake-up of each waiting poll, by the window it waits for. */
  private readonly waiters = new Map<string, Set<() => void>>();
  private waiting = 0;
  private timer: NodeJS.Timeout | undefined;
  private seenVersion = 0;
  private closed = false;
  private readonly onChange = (row: ChangeRow) => this.wake(row.window_id);
  private readonly onExternal = (windowId: string | undefined) => this.wake(windowId);

  constructor(
    private readonly db: InboxDb,
    private readonly pollMs = 200,
  ) {
    db.on('change', this.onChange);
    db.on('external', this.onExternal);
  }

  /** Resolves on the next change for `windowId`, after `ms`, on abort, or at close. */
  wait(windowId: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let mine = this.waiters.get(windowId);
      if (!mine) this.waiters.set(windowId, (mine = new Set()));
      const waiters = mine;
      const done = () => {
        clearTimeout(timeout);
        signal?.removeEventListener('abort', done);
        if (waiters.delete(done)) this.waiting -= 1;
        if (waiters.size === 0 && this.waiters.get(windowId) === waiters) this.waiters.delete(windowId);
        if (this.waiting === 0) this.stopPolling();
        resolve();
      };
      const timeout = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
      this.waiting += 1;
      this.startPolling();
    });
  }

  close(): void {
    this.closed = true;
    this.db.off('change', this.onChange);
    this.db.off('external', this.onExternal);
    this.wake(undefined);
    this.stopPolling();
  }

  /** Wakes the polls waiting for `windowId`, or every poll when it is not known. */
  private wake(windowId: string | undefined): void {
    const woken = windowId === undefined ? [...this.waiters.values()] : [this.waiters.get(windowId)];
    for (const waiters of woken) for (const waiter of [...(waiters ?? [])]) waiter();
  }

  /** SQLite only: another process's commit shows as a new data_version, naming no window. */
  private startPolling(): void {
    if (this.timer) return;
    const version = this.db.dataVersion();
    if (version === undefined) return; // changes are announced (PostgreSQL)
    this.seenVersion = version;
    this.timer = setInterval(() => {
      try {
        const now = this.db.dataVersion();
        if (now !== this.seenVersion) {
          this.seenVersion = now ?? this.seenVersion;
          this.wake(undefined);
        }
      } catch {
        this.wake(undefined); // the database closed under us: let the waiters answer
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
