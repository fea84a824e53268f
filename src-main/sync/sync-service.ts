// Sync in the hall core: the outbox hook the sealing transaction calls, the worker,
// one change-feed reader per department, the embedded demo inbox, the `sync` entry of
// the health board, and what the contract's sync methods and events need.
import { randomUUID } from 'node:crypto';
import { AppError, isAppError, type ErrorCode, type ErrorParams } from '../api/errors.ts';
import type { HallConfig } from '../core/config.ts';
import type { HealthBoard } from '../core/health.ts';
import type { Logger } from '../core/log.ts';
import type { Clock } from '../core/platform.ts';
import { PacketStore } from '../intake/packet-store.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { Database } from '../store/database.ts';
import { DEFAULT_BACKOFF, systemTimers, type BackoffPolicy, type Timers } from './backoff.ts';
import { ChangeFeed } from './change-feed.ts';
import { DepartmentClient, HttpAgents } from './department-client.ts';
import { Departments } from './departments.ts';
import { startEmbeddedInbox, type EmbeddedInbox } from './embedded-inbox.ts';
import { classify, type Verdict } from './failures.ts';
import { OutboxStore, type Decision, type OutboxStep, type StateChange } from './outbox-store.ts';
import { OutboxWorker, type SyncHooks, type UploadProgress } from './outbox-worker.ts';
import {
  distinctFiles,
  ItemCode,
  Manifest,
  ManifestFile,
  manifestHash,
  WindowId,
  type SignatureScheme,
} from './protocol.ts';
import { Credentials, deriveSyncKey, SecretBox, WindowKeys } from './secrets.ts';
import { signManifest } from './signing.ts';

export const DEFAULT_CHUNK_BYTES = 16 * 1024 * 1024;

/** Knobs for tests and benchmarks; the defaults are the product's. */
export interface SyncOptions {
  timers?: Timers;
  random?: () => number;
  backoff?: Partial<BackoffPolicy>;
  /** tus chunk size. Default 16 MiB. */
  chunkBytes?: number;
  /** Files larger than this go to the bulk lane. Default 8 MiB. */
  bulkThresholdBytes?: number;
  /** Default 60 s. */
  leaseMs?: number;
  /** Abort an upload after this long without progress. Default 60 s. */
  stallMs?: number;
  /** Per JSON request (a long poll adds its wait). Default 30 s. */
  requestTimeoutMs?: number;
  /** Change-feed long-poll wait in seconds. Default 25. */
  pollWaitSeconds?: number;
  /** Pause between polls when waitSeconds is 0. Default 5 s. */
  pollIdleMs?: number;
  hooks?: SyncHooks;
  onBytesRead?: (bytes: number) => void;
}

export interface SyncDeps {
  db: Database;
  blobs: BlobStore;
  config: HallConfig;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  health: HealthBoard;
  events: EventLog;
  masterKey: Buffer;
  options?: SyncOptions | undefined;
}

/** What sealing asks of sync; IntakeService holds it as its outbox. */
export interface SealingOutbox {
  /** Before anything is written: refuses what the department's protocol would refuse. */
  check(input: { itemCode: string; files: ReadonlyArray<{ name: string; mediaType: string }> }): void;
  /** Inside the sealing transaction: signs the manifest and writes the outbox rows. */
  enqueue(sealed: { packetId: string; version: number; outcome: string }): void;
  /** After the sealing transaction committed. */
  sealed(sealed: { packetId: string; version: number }): void;
}

export interface PacketSyncInfo {
  departmentId: string;
  departmentName: string | null;
  step: OutboxStep;
  blocked: boolean;
  bytesSent: number;
  bytesTotal: number;
  attempts: number;
  /** Epoch ms of the next try while waiting after a failure, else null. */
  nextAttemptAt: number | null;
  lastError: { code: ErrorCode; detail: string; params: ErrorParams; at: number } | null;
  /** 收件编号 from the department's receipt. */
  departmentReference: string | null;
  receivedAt: string | null;
  decision: Decision | null;
}

export interface DepartmentStatus {
  departmentId: string;
  name: string;
  embedded: boolean;
  tokenSet: boolean;
  state: 'ready' | 'error' | 'absent';
  problem: { code: ErrorCode; detail: string } | null;
  cursor: number;
}

export interface SyncStatus {
  paused: boolean;
  waiting: number;
  blocked: number;
  retrying: number;
  departments: DepartmentStatus[];
}

export interface EnrolmentInfo {
  windowId: string;
  departments: Array<{
    departmentId: string;
    name: string;
    endpoint: string;
    embedded: boolean;
    scheme: SignatureScheme;
    /** Hex: Ed25519 raw 32 bytes, SM2 uncompressed point (04‖x‖y). What the department enrols. */
    publicKey: string;
    keyId: string;
    tokenSet: boolean;
  }>;
}

export type SyncEvent =
  { name: 'packets.changed'; payload: { packets: StateChange[] } } | { name: 'sync.progress'; payload: UploadProgress };

const PAUSED_SETTING = 'paused';
const EMBEDDED_PORT_SETTING = 'embedded.port';
const TOKEN_CODES: ErrorCode[] = ['sync.tokenMissing', 'sync.tokenRejected', 'sync.windowMismatch'];

export class SyncService {
  readonly outbox: SealingOutbox;
  private readonly store: OutboxStore;
  private readonly departments: Departments;
  private readonly keys: WindowKeys;
  private readonly client: DepartmentClient;
  private readonly agents = new HttpAgents();
  private readonly worker: OutboxWorker;
  private readonly feeds = new Map<string, ChangeFeed>();
  private readonly listeners = new Set<(event: SyncEvent) => void>();
  private readonly problems = new Map<string, Verdict>();
  /** Departments the change feed (the probe) found unreachable. */
  private readonly offline = new Set<string>();
  private readonly options: Required<Omit<SyncOptions, 'hooks' | 'onBytesRead' | 'backoff'>> & {
    backoff: BackoffPolicy;
  };
  private embedded: EmbeddedInbox | undefined;
  private embeddedProblem: string | undefined;
  private starting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SyncDeps) {
    const given = deps.options ?? {};
    this.options = {
      timers: given.timers ?? systemTimers,
      random: given.random ?? Math.random,
      backoff: { ...DEFAULT_BACKOFF, ...given.backoff },
      chunkBytes: given.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      bulkThresholdBytes: given.bulkThresholdBytes ?? 8 * 1024 * 1024,
      leaseMs: given.leaseMs ?? 60_000,
      stallMs: given.stallMs ?? 60_000,
      requestTimeoutMs: given.requestTimeoutMs ?? 30_000,
      pollWaitSeconds: given.pollWaitSeconds ?? 25,
      pollIdleMs: given.pollIdleMs ?? 5000,
    };
    const now = deps.clock.now;
    const box = new SecretBox(deriveSyncKey(deps.masterKey));
    this.keys = new WindowKeys(deps.db, box, now);
    this.departments = new Departments(deps.config, new Credentials(deps.db, box, now));
    this.store = new OutboxStore(deps.db, new PacketStore(deps.db), now);
    this.client = new DepartmentClient({
      requestTimeoutMs: this.options.requestTimeoutMs,
      now,
      agents: this.agents,
      onExchange: (departmentId, ok) => this.exchanged(departmentId, ok),
    });
    this.worker = new OutboxWorker({
      store: this.store,
      blobs: deps.blobs,
      client: this.client,
      agents: this.agents,
      departments: this.departments,
      keys: this.keys,
      timers: this.options.timers,
      now,
      random: this.options.random,
      backoff: this.options.backoff,
      leaseMs: this.options.leaseMs,
      chunkSize: this.options.chunkBytes,
      stallMs: this.options.stallMs,
      runId: randomUUID(),
      logger: deps.logger,
      hooks: given.hooks,
      onChanges: (changes) => this.changed(changes),
      onProgress: (progress) => this.emit({ name: 'sync.progress', payload: progress }),
      onBytesRead: given.onBytesRead,
    });
    this.outbox = {
      check: (input) => this.check(input),
      enqueue: (sealed) => this.enqueue(sealed),
      sealed: () => this.worker.wake(),
    };
  }

  /** Starts the embedded inbox (demo), then the worker and the change feeds; returns at once. */
  start(): void {
    if (this.starting) return;
    this.reportHealth();
    this.starting = (async () => {
      try {
        // Held for a cause that may have been fixed since the last run (config edited, token set).
        for (const department of this.departments.list()) {
          this.changed(this.store.unblockWhere(['sync.departmentUnknown'], department.id));
          if (this.departments.token(department.id) !== undefined || department.endpoint === 'embedded') {
            this.changed(this.store.unblockWhere(['sync.tokenMissing'], department.id));
          }
        }
      } catch (error) {
        this.deps.logger.error({ err: error }, 'sync: could not release held packets');
      }
      if (this.departments.hasEmbedded()) await this.startEmbedded();
      if (this.stopped) return;
      this.worker.start(this.store.setting(PAUSED_SETTING) === '1');
      for (const department of this.departments.list()) {
        const feed = new ChangeFeed({
          departmentId: department.id,
          departments: this.departments,
          client: this.client,
          store: this.store,
          timers: this.options.timers,
          random: this.options.random,
          backoff: this.options.backoff,
          waitSeconds: this.options.pollWaitSeconds,
          idleMs: this.options.pollIdleMs,
          logger: this.deps.logger,
          hooks: this.deps.options?.hooks,
          onChanges: (changes) => this.changed(changes),
          onStatus: (id, problem) => this.feedStatus(id, problem),
        });
        this.feeds.set(department.id, feed);
        feed.start();
      }
    })();
  }

  /** Resolves when start-up (embedded inbox, worker, feeds) has finished. */
  async started(): Promise<void> {
    await this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    await this.worker.stop();
    await Promise.all([...this.feeds.values()].map((feed) => feed.stop()));
    this.agents.destroy();
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
    await this.worker.idle();
  }

  /** A fault hook played a crash (tests): sync stopped where it was. */
  get halted(): boolean {
    return this.worker.isHalted || [...this.feeds.values()].some((feed) => feed.isHalted);
  }

  /** The running demo inbox, if this hall has one. */
  get embeddedInbox(): EmbeddedInbox | undefined {
    return this.embedded;
  }

  // ── contract ──────────────────────────────────────────────────────────────

  enrolment(): EnrolmentInfo {
    return {
      windowId: this.deps.config.window.id,
      departments: this.departments.list().map((department) => {
        const key = this.keys.get(department.scheme);
        return {
          departmentId: department.id,
          name: department.name,
          endpoint: department.endpoint,
          embedded: department.endpoint === 'embedded',
          scheme: department.scheme,
          publicKey: key.publicKey,
          keyId: key.keyId,
          tokenSet: this.departments.token(department.id) !== undefined,
        };
      }),
    };
  }

  /**
   * Stores the department's token for this window, after asking the department who it
   * says this window is. A token the department refuses, or one enrolled for another
   * window or key, is not stored. Unreachable: stored, and said so.
   */
  async setDepartmentToken(
    actor: string,
    departmentId: string,
    token: string,
  ): Promise<{ departmentId: string; tokenSet: true; verified: boolean; problem: ErrorCode | null }> {
    const department = this.departments.info(departmentId);
    if (!department) {
      throw new AppError('sync.departmentUnknown', `no department ${departmentId} in the config`, { departmentId });
    }
    if (department.endpoint === 'embedded') {
      throw new AppError('sync.departmentEmbedded', `department ${departmentId} is the embedded demo inbox`);
    }
    let verified = false;
    let problem: ErrorCode | null = null;
    try {
      const me = await this.client.whoami({ departmentId, baseUrl: department.endpoint, token });
      const key = this.keys.get(department.scheme);
      if (me.windowId !== this.deps.config.window.id || me.scheme !== department.scheme || me.keyId !== key.keyId) {
        throw new AppError(
          'sync.enrolmentMismatch',
          `token names window ${me.windowId} (${me.scheme}, key ${me.keyId.slice(0, 12)}); this window is ` +
            `${this.deps.config.window.id} (${department.scheme}, key ${key.keyId.slice(0, 12)})`,
        );
      }
      verified = true;
    } catch (error) {
      if (isAppError(error)) throw error;
      const verdict = classify(error);
      if (verdict.action === 'block') {
        // Another 4xx from who-am-I: the endpoint is not an inbox of this protocol.
        throw new AppError(
          verdict.code === 'sync.packetRefused' ? 'sync.departmentError' : verdict.code,
          verdict.detail,
          verdict.params,
        );
      }
      problem = verdict.code;
    }
    this.departments.setToken(departmentId, token, actor);
    this.deps.events.append({
      stream: AUDIT_STREAM,
      actor,
      kind: 'sync.tokenSet',
      payload: { departmentId, verified },
    });
    this.problems.delete(departmentId);
    this.reportHealth();
    this.changed(this.store.unblockWhere(TOKEN_CODES, departmentId));
    this.worker.wake();
    this.feeds.get(departmentId)?.poke();
    return { departmentId, tokenSet: true, verified, problem };
  }

  status(): SyncStatus {
    const counts = this.store.counts();
    return {
      paused: this.worker.isPaused || this.store.setting(PAUSED_SETTING) === '1',
      ...counts,
      departments: this.departments.list().map((department) => {
        const problem = this.departmentProblem(department.id);
        return {
          departmentId: department.id,
          name: department.name,
          embedded: department.endpoint === 'embedded',
          tokenSet: this.departments.token(department.id) !== undefined,
          state: problem ? (problem.code === 'sync.tokenMissing' ? 'absent' : 'error') : 'ready',
          problem: problem ? { code: problem.code, detail: problem.detail } : null,
          cursor: this.store.cursor(department.id),
        };
      }),
    };
  }

  pause(actor: string): SyncStatus {
    this.store.setSetting(PAUSED_SETTING, '1');
    this.worker.pause();
    this.deps.events.append({ stream: AUDIT_STREAM, actor, kind: 'sync.paused', payload: {} });
    return this.status();
  }

  resume(actor: string): SyncStatus {
    this.store.setSetting(PAUSED_SETTING, '0');
    this.worker.resume();
    this.deps.events.append({ stream: AUDIT_STREAM, actor, kind: 'sync.resumed', payload: {} });
    return this.status();
  }

  retryNow(packetId: string, version: number): PacketSyncInfo {
    const changes = this.store.retryNow(packetId, version);
    if (!changes) {
      throw new AppError('sync.packetNotQueued', `packet ${packetId} v${version} has nothing left to send`);
    }
    this.changed(changes);
    this.worker.wake();
    return this.info(packetId, version)!;
  }

  /** The sync view of one packet version, or undefined when it does not travel. */
  info(packetId: string, version: number): PacketSyncInfo | undefined {
    return this.decorate([{ packetId, version }])[0]?.sync ?? undefined;
  }

  /** Adds the sync view to packets of the queue. */
  decorate<T extends { packetId: string; version: number }>(packets: T[]): Array<T & { sync: PacketSyncInfo | null }> {
    const rows = this.store.syncRows(packets);
    const now = this.deps.clock.now();
    return packets.map((packet) => {
      const row = rows.get(`${packet.packetId}#${packet.version}`);
      if (!row) return { ...packet, sync: null };
      const p = row.packet;
      let sent = 0;
      for (const file of row.files) {
        const live = this.worker.liveBytes(p.packet_id, p.version, file.sha256) ?? 0;
        sent += file.state === 'done' ? file.size : Math.max(file.bytes_sent, live);
      }
      return {
        ...packet,
        sync: {
          departmentId: p.department_id,
          departmentName: this.departments.info(p.department_id)?.name ?? null,
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
          decision: this.store.lastDecision(p.packet_id, p.version) ?? null,
        },
      };
    });
  }

  // ── sealing ───────────────────────────────────────────────────────────────

  private check(input: { itemCode: string; files: ReadonlyArray<{ name: string; mediaType: string }> }): void {
    const problems: string[] = [];
    if (!WindowId.safeParse(this.deps.config.window.id).success) problems.push('windowId');
    if (!ItemCode.safeParse(input.itemCode).success) problems.push('itemCode');
    for (const file of input.files) {
      const parsed = ManifestFile.safeParse({
        sha256: '0'.repeat(64),
        size: 0,
        mediaType: file.mediaType,
        name: file.name,
      });
      if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => String(issue.path[0])));
    }
    if (problems.length > 0) {
      const fields = [...new Set(problems)].join(', ');
      throw new AppError('sync.manifestInvalid', `the department's protocol would refuse: ${fields}`, { fields });
    }
  }

  private enqueue(sealed: { packetId: string; version: number; outcome: string }): void {
    // 补正 and 不予受理 issued at the window never travel: the applicant has them in hand.
    if (sealed.outcome !== 'accept') return;
    const text = this.store.manifestText(sealed.packetId, sealed.version);
    const json = JSON.parse(text) as Record<string, unknown>;
    const parsed = Manifest.safeParse(json);
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].slice(0, 5).join(', ');
      throw new AppError('sync.manifestInvalid', `manifest does not satisfy the sync protocol: ${fields}`, { fields });
    }
    const departmentId = typeof json.departmentId === 'string' ? json.departmentId : '';
    const department = this.departments.info(departmentId);
    let scheme: SignatureScheme | null = null;
    let signature: string | null = null;
    if (department) {
      scheme = department.scheme;
      signature = JSON.stringify(signManifest(json, this.keys.get(scheme)));
    }
    this.store.enqueue({
      packetId: sealed.packetId,
      version: sealed.version,
      departmentId,
      manifestHash: manifestHash(json),
      scheme,
      signature,
      files: distinctFiles(parsed.data),
      bulkThresholdBytes: this.options.bulkThresholdBytes,
      blocked: department
        ? undefined
        : {
            code: 'sync.departmentUnknown',
            detail: `no department ${departmentId} in the config`,
            params: { departmentId },
          },
    });
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private async startEmbedded(): Promise<void> {
    const department = this.departments.list().find((d) => d.endpoint === 'embedded')!;
    try {
      const key = this.keys.get(department.scheme);
      const preferred = Number(this.store.setting(EMBEDDED_PORT_SETTING));
      this.embedded = await startEmbeddedInbox({
        dataDir: this.deps.dataDir,
        windowId: this.deps.config.window.id,
        scheme: department.scheme,
        publicKey: key.publicKey,
        storedToken: this.departments.token(department.id),
        preferredPort: Number.isInteger(preferred) && preferred > 0 ? preferred : undefined,
        logger: this.deps.logger,
      });
      if (this.stopped) return;
      for (const each of this.departments.list().filter((d) => d.endpoint === 'embedded')) {
        if (this.departments.token(each.id) !== this.embedded.token) {
          this.departments.setToken(each.id, this.embedded.token, 'system');
        }
      }
      this.store.setSetting(EMBEDDED_PORT_SETTING, String(this.embedded.port));
      this.departments.setEmbedded(this.embedded.url);
      this.embeddedProblem = undefined;
      this.deps.logger.info({ url: this.embedded.url }, 'embedded department inbox started');
    } catch (error) {
      this.embeddedProblem = error instanceof Error ? error.message : String(error);
      this.departments.setEmbedded(undefined, this.embeddedProblem);
      this.deps.logger.error({ err: error }, 'embedded department inbox failed to start');
    }
    this.reportHealth();
  }

  private changed(changes: StateChange[]): void {
    if (changes.length > 0) this.emit({ name: 'packets.changed', payload: { packets: changes } });
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

  /**
   * The network coming back: any 2xx from a department the change feed had found
   * unreachable. What waited only because it could not reach the department is tried
   * now instead of at the end of its backoff; everything else keeps its schedule.
   */
  private exchanged(departmentId: string, ok: boolean): void {
    if (!ok || !this.offline.delete(departmentId)) return;
    this.deps.logger.info({ departmentId }, 'sync: department reachable again');
    try {
      this.store.releaseBackoff(departmentId, ['sync.unreachable']);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'sync: could not reschedule after the network came back');
    }
    this.worker.wake();
    this.feeds.get(departmentId)?.poke();
  }

  private feedStatus(departmentId: string, problem: Verdict | undefined): void {
    if (problem) this.problems.set(departmentId, problem);
    else this.problems.delete(departmentId);
    if (problem?.code === 'sync.unreachable') this.offline.add(departmentId);
    this.reportHealth();
  }

  private departmentProblem(departmentId: string): { code: ErrorCode; detail: string } | undefined {
    const department = this.departments.info(departmentId);
    if (department?.endpoint === 'embedded' && this.embeddedProblem) {
      return { code: 'sync.unreachable', detail: `embedded inbox: ${this.embeddedProblem}` };
    }
    if (department && department.endpoint !== 'embedded' && this.departments.token(departmentId) === undefined) {
      return { code: 'sync.tokenMissing', detail: `no token set for ${departmentId}` };
    }
    const problem = this.problems.get(departmentId);
    return problem && { code: problem.code, detail: problem.detail };
  }

  private reportHealth(): void {
    const departments = this.departments.list();
    if (departments.length === 0) {
      this.deps.health.report({
        id: 'sync',
        kind: 'sync',
        state: 'absent',
        reason: 'notConfigured',
        detail: 'no departments configured',
      });
      return;
    }
    const problems = departments
      .map((d) => ({ id: d.id, problem: this.departmentProblem(d.id) }))
      .filter(
        (entry): entry is { id: string; problem: { code: ErrorCode; detail: string } } => entry.problem !== undefined,
      );
    if (problems.length === 0) {
      this.deps.health.report({ id: 'sync', kind: 'sync', state: 'ready' });
      return;
    }
    const first = problems[0]!.problem;
    this.deps.health.report({
      id: 'sync',
      kind: 'sync',
      state: first.code === 'sync.tokenMissing' && problems.length === departments.length ? 'absent' : 'error',
      reason: HEALTH_REASON[first.code] ?? 'retrying',
      detail: problems
        .map((p) => `${p.id}: ${p.problem.code} ${p.problem.detail}`)
        .join('; ')
        .slice(0, 500),
    });
  }
}

/** Health reasons the status bar knows (health.reasons in the catalog). */
const HEALTH_REASON: Partial<Record<ErrorCode, string>> = {
  'sync.unreachable': 'offline',
  'sync.tokenMissing': 'notConfigured',
  'sync.tokenRejected': 'rejected',
  'sync.windowMismatch': 'rejected',
  'sync.departmentError': 'retrying',
  'sync.departmentBusy': 'retrying',
  'sync.localError': 'retrying',
  'store.diskFull': 'diskFull',
};
