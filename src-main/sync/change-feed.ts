// Decisions coming back: one long-poll reader of `GET /v1/changes` per department.
// Each answer is applied together with the new cursor in one transaction, so a change
// is applied exactly once whatever happens between reading and writing; then the UI
// hears `packets.changed`. Failures back off (full jitter, Retry-After honoured) on
// the injectable timers.
import type { Logger } from '../common/logger.ts';
import { backoffDelay, sleep, type BackoffPolicy, type Timers } from './backoff.ts';
import type { DepartmentClient } from './department-client.ts';
import type { Departments } from './departments.ts';
import { classify, DepartmentError, Halt, type Verdict } from './failures.ts';
import type { PacketStateChange } from '../common/sync.ts';
import type { ChangeFeedStore } from './change-feed-store.ts';
import type { SyncHooks } from './outbox-worker.ts';
import { MAX_CHANGES_LIMIT } from '../common/sync-protocol.ts';

export interface ChangeFeedOptions {
  departmentId: string;
  departments: Departments;
  client: DepartmentClient;
  store: ChangeFeedStore;
  timers: Timers;
  random: () => number;
  backoff: BackoffPolicy;
  /** Long-poll wait in seconds (the inbox allows up to 30). */
  waitSeconds: number;
  /** Pause between polls when the department does not long-poll (wait 0). */
  idleMs: number;
  logger: Logger;
  hooks?: SyncHooks | undefined;
  onChanges(changes: PacketStateChange[]): void;
  /** Each poll's outcome, for the health board. */
  onStatus(departmentId: string, problem: Verdict | undefined): void;
}

export class ChangeFeed {
  private readonly stopping = new AbortController();
  private nap: AbortController | undefined;
  private loop: Promise<void> = Promise.resolve();
  private halted = false;

  constructor(private readonly o: ChangeFeedOptions) {}

  start(): void {
    this.loop = this.run();
  }

  /** Ends a backoff sleep now (a token was set, the network came back). */
  poke(): void {
    this.nap?.abort();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.nap?.abort();
    await this.loop;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  private async run(): Promise<void> {
    const { departmentId } = this.o;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        const endpoint = this.o.departments.endpoint(departmentId);
        const after = this.o.store.cursor(departmentId);
        const answer = await this.o.client.changes(
          endpoint,
          { after, wait: this.o.waitSeconds, limit: MAX_CHANGES_LIMIT },
          this.stopping.signal,
        );
        try {
          this.o.hooks?.at?.('changes.answered', { departmentId, changes: answer.changes.length });
        } catch (error) {
          throw error instanceof Halt ? error : new Halt(String(error));
        }
        const changed = this.o.store.applyChanges(departmentId, answer);
        if (changed.length > 0) this.o.onChanges(changed);
        failures = 0;
        this.o.onStatus(departmentId, undefined);
        if (answer.changes.length === 0 && !answer.more && this.o.waitSeconds === 0) await this.rest(this.o.idleMs);
      } catch (error) {
        if (error instanceof Halt) {
          this.halted = true;
          return;
        }
        if (this.stopping.signal.aborted) return;
        failures += 1;
        const verdict = classify(error);
        this.o.onStatus(departmentId, verdict);
        const delay =
          (verdict.action === 'retry' ? verdict.retryAfterMs : undefined) ??
          backoffDelay(failures, this.o.random, this.o.backoff);
        if (!(error instanceof DepartmentError && error.kind === 'aborted')) {
          this.o.logger.warn(
            { departmentId, code: verdict.code, detail: verdict.detail, delayMs: delay },
            'change feed failed',
          );
        }
        await this.rest(delay);
      }
    }
  }

  private async rest(ms: number): Promise<void> {
    this.nap = new AbortController();
    const both = AbortSignal.any([this.stopping.signal, this.nap.signal]);
    await sleep(this.o.timers, ms, both);
    this.nap = undefined;
  }
}
