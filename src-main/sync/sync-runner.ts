// Runs sending and the change feeds once the composition root has built them: start-up
// (releasing packets held for a cause fixed since, the embedded demo department, the
// worker, one feed per department), stop, pause and resume, "retry now", the status the
// installer's panel shows, and the events the UI hears (`packets.changed`, `sync.progress`).
import { AppError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import type { PacketStateChange, PacketSync, SyncStatus, UploadProgress } from '../common/sync.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { ChangeFeedStore } from './change-feed-store.ts';
import type { DepartmentHealth } from './department-health.ts';
import type { Departments } from './departments.ts';
import type { EmbeddedDepartment, StartEmbeddedDepartment } from './embedded-department.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { OutboxWorker } from './outbox-worker.ts';
import type { QueueView } from './queue-view.ts';
import type { WindowKeys } from './secrets.ts';
import type { SyncSettings } from './sync-settings.ts';

export type SyncEvent =
  | { name: 'packets.changed'; payload: { packets: PacketStateChange[] } }
  | { name: 'sync.progress'; payload: UploadProgress };

export interface SyncRunnerDeps {
  windowId: string;
  dataDir: string;
  departments: Departments;
  keys: WindowKeys;
  store: OutboxStore;
  feedStore: ChangeFeedStore;
  settings: SyncSettings;
  worker: OutboxWorker;
  /** Makes the change-feed reader of one department. */
  feedFor(departmentId: string): ChangeFeed;
  health: DepartmentHealth;
  queue: QueueView;
  events: EventLog;
  logger: Logger;
  /** Starts a department configured as `embedded` (the demo profile's wiring). */
  startEmbedded?: StartEmbeddedDepartment | undefined;
  /** Closes what the runner's parts hold open (HTTP agents) after they stopped. */
  release(): void;
}

export class SyncRunner {
  private readonly feeds = new Map<string, ChangeFeed>();
  private readonly listeners = new Set<(event: SyncEvent) => void>();
  private embedded: EmbeddedDepartment | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SyncRunnerDeps) {}

  /** Starts the embedded department (demo), then the worker and the change feeds; returns at once. */
  start(): void {
    if (this.starting) return;
    const { departments, store, health, logger } = this.deps;
    health.sendingPaused(this.deps.settings.get('paused') === '1');
    this.starting = (async () => {
      try {
        // Held for a cause that may have been fixed since the last run (config edited, token set).
        for (const department of departments.list()) {
          this.changed(store.unblockWhere(['sync.departmentUnknown'], department.id));
          if (departments.token(department.id) !== undefined || department.endpoint === 'embedded') {
            this.changed(store.unblockWhere(['sync.tokenMissing'], department.id));
          }
        }
      } catch (error) {
        logger.error({ err: error }, 'sync: could not release held packets');
      }
      if (departments.hasEmbedded()) await this.startEmbedded();
      if (this.stopped) return;
      this.deps.worker.start(this.deps.settings.get('paused') === '1');
      for (const department of departments.list()) {
        const feed = this.deps.feedFor(department.id);
        this.feeds.set(department.id, feed);
        feed.start();
      }
    })();
  }

  /** Resolves when start-up (embedded department, worker, feeds) has finished. */
  async started(): Promise<void> {
    await this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.deps.worker.stop();
    await Promise.all([...this.feeds.values()].map((feed) => feed.stop()));
    this.deps.release();
    if (this.embedded) {
      await this.embedded
        .close()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'embedded inbox close failed'));
    }
  }

  subscribe(listener: (event: SyncEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Nothing running and nothing due now (tests, benchmarks). */
  async idle(): Promise<void> {
    await this.starting;
    await this.deps.worker.idle();
  }

  /** A fault hook played a crash (tests): sync stopped where it was. */
  get halted(): boolean {
    return this.deps.worker.isHalted || [...this.feeds.values()].some((feed) => feed.isHalted);
  }

  /** The running demo department, if this hall has one. */
  get embeddedInbox(): EmbeddedDepartment | undefined {
    return this.embedded;
  }

  // ── control ───────────────────────────────────────────────────────────────

  status(): SyncStatus {
    const { store, departments, health, feedStore } = this.deps;
    return {
      paused: this.deps.worker.isPaused || this.deps.settings.get('paused') === '1',
      ...store.counts(),
      departments: departments.list().map((department) => {
        const problem = health.problemOf(department.id);
        return {
          departmentId: department.id,
          name: department.name,
          embedded: department.endpoint === 'embedded',
          tokenSet: departments.token(department.id) !== undefined,
          state: problem ? (problem.code === 'sync.tokenMissing' ? 'absent' : 'error') : 'ready',
          problem: problem ? { code: problem.code, detail: problem.detail } : null,
          cursor: feedStore.cursor(department.id),
        };
      }),
    };
  }

  pause(actor: string): SyncStatus {
    this.deps.settings.set('paused', '1');
    this.deps.worker.pause();
    this.deps.health.sendingPaused(true);
    this.deps.events.append({ stream: AUDIT_STREAM, actor, kind: 'sync.paused', payload: {} });
    return this.status();
  }

  resume(actor: string): SyncStatus {
    this.deps.settings.set('paused', '0');
    this.deps.worker.resume();
    this.deps.health.sendingPaused(false);
    this.deps.events.append({ stream: AUDIT_STREAM, actor, kind: 'sync.resumed', payload: {} });
    return this.status();
  }

  retryNow(packetId: string, version: number): PacketSync {
    const changes = this.deps.store.retryNow(packetId, version);
    if (!changes) {
      throw new AppError('sync.packetNotQueued', `packet ${packetId} v${version} has nothing left to send`);
    }
    this.changed(changes);
    this.deps.worker.wake();
    return this.deps.queue.info(packetId, version)!;
  }

  // ── what the parts report ─────────────────────────────────────────────────

  changed(changes: PacketStateChange[]): void {
    if (changes.length > 0) this.emit({ name: 'packets.changed', payload: { packets: changes } });
  }

  progress(progress: UploadProgress): void {
    this.emit({ name: 'sync.progress', payload: progress });
  }

  /**
   * The network coming back: any 2xx from a department the change feed had found
   * unreachable. What waited only because it could not reach the department is tried
   * now instead of at the end of its backoff; everything else keeps its schedule.
   */
  exchanged(departmentId: string, ok: boolean): void {
    if (!ok || !this.deps.health.cameBack(departmentId)) return;
    this.deps.logger.info({ departmentId }, 'sync: department reachable again');
    try {
      this.deps.store.releaseBackoff(departmentId, ['sync.unreachable']);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'sync: could not reschedule after the network came back');
    }
    this.deps.worker.wake();
    this.feeds.get(departmentId)?.poke();
  }

  /** A token was stored: release what waited for one, and try the department now. */
  tokenSet(departmentId: string): void {
    this.deps.health.tokenSet(departmentId);
    this.changed(this.deps.store.unblockWhere(['sync.tokenMissing', 'sync.tokenRejected', 'sync.windowMismatch'], departmentId));
    this.deps.worker.wake();
    this.feeds.get(departmentId)?.poke();
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private async startEmbedded(): Promise<void> {
    const { departments, keys, settings, logger } = this.deps;
    const department = departments.list().find((d) => d.endpoint === 'embedded')!;
    let problem: string | undefined;
    try {
      if (!this.deps.startEmbedded) throw new Error('no embedded department in this build');
      const key = keys.get(department.scheme);
      const preferred = Number(settings.get('embedded.port'));
      this.embedded = await this.deps.startEmbedded({
        dataDir: this.deps.dataDir,
        windowId: this.deps.windowId,
        scheme: department.scheme,
        publicKey: key.publicKey,
        storedToken: departments.token(department.id),
        preferredPort: Number.isInteger(preferred) && preferred > 0 ? preferred : undefined,
        feedCursor: this.deps.feedStore.cursor(department.id),
        logger,
      });
      if (this.stopped) return;
      for (const each of departments.list().filter((d) => d.endpoint === 'embedded')) {
        if (departments.token(each.id) !== this.embedded.token) departments.setToken(each.id, this.embedded.token, 'system');
      }
      settings.set('embedded.port', String(this.embedded.port));
      departments.setEmbedded(this.embedded.url);
      logger.info({ url: this.embedded.url }, 'embedded department inbox started');
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
      departments.setEmbedded(undefined, problem);
      logger.error({ err: error }, 'embedded department inbox failed to start');
    }
    this.deps.health.embeddedStarted(problem);
  }

  private emit(event: SyncEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'sync event listener failed');
      }
    }
  }
}
