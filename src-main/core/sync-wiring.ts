// Builds sync from its parts, each doing one job: the outbox (queue rows, steps,
// leases, the worker, sealing's hook), the departments (client, credentials and keys,
// enrolment, health), the change feed, and the queue's view of it all; the runner
// starts and stops them. The parts know each other only through what is passed here.
import { randomUUID } from 'node:crypto';
import type { HallConfig } from '../common/hall-config.ts';
import type { Clock } from '../common/hall-time.ts';
import type { HealthReporter } from '../common/health.ts';
import type { Logger } from '../common/logger.ts';
import type { PacketStore } from '../packets/packet-store.ts';
import type { RatingOutbox } from '../packets/ratings.ts';
import type { EventLog } from '../recording/event-log.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Database } from '../store/database.ts';
import { ChangeFeed } from '../sync/change-feed.ts';
import { ChangeFeedStore } from '../sync/change-feed-store.ts';
import { DepartmentClient, HttpAgents } from '../sync/department-client.ts';
import { DepartmentHealth } from '../sync/department-health.ts';
import { Departments } from '../sync/departments.ts';
import type { StartEmbeddedDepartment } from '../sync/embedded-department.ts';
import { Enrolment } from '../sync/enrolment.ts';
import { OutboxStore } from '../sync/outbox-store.ts';
import { OutboxWorker } from '../sync/outbox-worker.ts';
import { QueueView } from '../sync/queue-view.ts';
import { SyncSealing } from '../sync/sealing.ts';
import { Credentials, deriveSyncKey, SecretBox, WindowKeys } from '../sync/secrets.ts';
import { resolveSyncOptions, type SyncOptions } from '../sync/sync-options.ts';
import { SyncRunner } from '../sync/sync-runner.ts';
import { SyncSettings } from '../sync/sync-settings.ts';

export interface SyncWiringDeps {
  db: Database;
  blobs: BlobStore;
  packets: PacketStore;
  config: HallConfig;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  health: HealthReporter;
  events: EventLog;
  masterKey: Buffer;
  startEmbedded?: StartEmbeddedDepartment | undefined;
  options?: SyncOptions | undefined;
}

/** Sync as the rest of the core uses it. */
export interface HallSync {
  /** What sealing calls, in and around its transaction. */
  readonly sealing: SyncSealing;
  readonly queue: QueueView;
  /** The department's decisions as applied (the department's documents are printed from them). */
  readonly feed: ChangeFeedStore;
  readonly enrolment: Enrolment;
  /** Start, stop, pause, retry, status and events. */
  readonly runner: SyncRunner;
  /** The embedded demo inbox's base URL while it runs. */
  embeddedUrl(): string | undefined;
  /** The window's signing keys: packets' manifests and the evidence bundles. */
  readonly keys: WindowKeys;
  /** The sealed department tokens by credential name (the setup wizard stores a new config's here). */
  readonly credentials: Credentials;
  /** 好差评: the outbox rows ratings are sent from (packets/ratings.ts writes them in its transaction). */
  readonly ratingOutbox: RatingOutbox;
  /** A department's name by its id, from the config. */
  departmentName(departmentId: string): string | undefined;
  /** There is something new to send (a rating stored). */
  wake(): void;
  /**
   * How this window reaches its departments — their inboxes' URLs (the embedded one's
   * too), its tokens, and the client over the core's connection pools: 视频会商 (calls/)
   * speaks to the same inbox the same way.
   */
  readonly reach: { departments: Pick<Departments, 'list' | 'info' | 'endpoint'>; client: DepartmentClient };
}

export function wireSync(deps: SyncWiringDeps): HallSync {
  const options = resolveSyncOptions(deps.options);
  const now = deps.clock.now;
  const { db, logger } = deps;
  const box = new SecretBox(deriveSyncKey(deps.masterKey));
  const keys = new WindowKeys(db, box, now);
  const credentials = new Credentials(db, box, now);
  const departments = new Departments(deps.config, credentials);
  const store = new OutboxStore(db, deps.packets, now);
  const feedStore = new ChangeFeedStore(db, deps.packets, store, now);
  const health = new DepartmentHealth(departments, deps.health);
  const agents = new HttpAgents();
  // The runner is made last, from the parts; they report to it only once it has started them.
  const client = new DepartmentClient({
    requestTimeoutMs: options.requestTimeoutMs,
    now,
    agents,
    onExchange: (departmentId, ok) => runner.exchanged(departmentId, ok),
  });
  const worker = new OutboxWorker({
    store,
    blobs: deps.blobs,
    client,
    agents,
    departments,
    keys,
    timers: options.timers,
    now,
    random: options.random,
    backoff: options.backoff,
    leaseMs: options.leaseMs,
    chunkSize: options.chunkBytes,
    stallMs: options.stallMs,
    smallLaneConcurrency: options.smallLaneConcurrency,
    runId: randomUUID(),
    logger,
    hooks: options.hooks,
    onChanges: (changes) => runner.changed(changes),
    onProgress: (progress) => runner.progress(progress),
    onBytesRead: options.onBytesRead,
  });
  const queue = new QueueView({
    store,
    feed: feedStore,
    departments,
    liveBytes: (packetId, version, sha256) => worker.liveBytes(packetId, version, sha256),
    now,
  });
  const runner: SyncRunner = new SyncRunner({
    windowId: deps.config.window.id,
    dataDir: deps.dataDir,
    departments,
    keys,
    store,
    feedStore,
    settings: new SyncSettings(db),
    worker,
    feedFor: (departmentId) =>
      new ChangeFeed({
        departmentId,
        departments,
        client,
        store: feedStore,
        timers: options.timers,
        random: options.random,
        backoff: options.backoff,
        waitSeconds: options.pollWaitSeconds,
        idleMs: options.pollIdleMs,
        logger,
        hooks: options.hooks,
        onChanges: (changes) => runner.changed(changes),
        onStatus: (id, problem) => health.feedStatus(id, problem),
      }),
    health,
    queue,
    events: deps.events,
    logger,
    startEmbedded: deps.startEmbedded,
    release: () => agents.destroy(),
  });
  const sealing = new SyncSealing({
    windowId: deps.config.window.id,
    departments,
    keys,
    store,
    bulkThresholdBytes: options.bulkThresholdBytes,
    onSealed: () => worker.wake(),
  });
  const enrolment = new Enrolment({
    windowId: deps.config.window.id,
    departments,
    keys,
    client,
    events: deps.events,
    onTokenSet: (departmentId) => runner.tokenSet(departmentId),
  });
  return {
    sealing,
    queue,
    feed: feedStore,
    enrolment,
    runner,
    keys,
    credentials,
    embeddedUrl: () => departments.embeddedBaseUrl(),
    ratingOutbox: store,
    departmentName: (departmentId) => departments.info(departmentId)?.name,
    wake: () => worker.wake(),
    reach: { departments, client },
  };
}
