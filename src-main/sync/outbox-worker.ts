// The outbox worker: takes due work from the outbox and carries each packet version
// through the protocol — PUT the signed manifest, upload every missing file over tus,
// commit — recording each answer before the next step. Two lanes: `small` (PUTs,
// commits, and files up to the bulk threshold) and `bulk` (large files), so a video
// uploading for an hour never holds up the next applicant's small packet. The small
// lane runs a few tasks at once (a 50-page packet is 50 small files, each mostly round
// trips); leases and the in-flight set keep any task in one hand at a time. A failing
// packet waits on its own backoff or is held for a person; the lanes move on to the
// others. It wakes at start, on its timer (the earliest due item), after each seal,
// when the network comes back, and on resume or "retry now".
import type { Logger } from '../common/logger.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { backoffDelay, type BackoffPolicy, type Timers } from './backoff.ts';
import type { DepartmentClient, DepartmentEndpoint, HttpAgents } from './department-client.ts';
import { requireDepartmentOrigin, type Departments } from './departments.ts';
import { blockError, classify, DepartmentError, Halt, isAbort, type Verdict } from './failures.ts';
import type { PacketStateChange, UploadProgress } from '../common/sync.ts';
import { taskKey, type Lane, type OutboxRatingRow, type OutboxStore, type Task } from './outbox-store.ts';
import type { RatingReport } from '../common/rating-report.ts';
import type { ManifestSignature } from '../common/sync-protocol.ts';
import type { Manifest } from '../common/manifest.ts';
import type { WindowKeys } from './secrets.ts';
import { signManifest } from './signing.ts';
import { tusUpload } from './tus-upload.ts';

/** Where a test may play a crash: just after the department answered, before it is recorded, and the like. */
/** A step of a packet version (register, upload, commit), as opposed to a rating. */
type PacketTask = Exclude<Task, { kind: 'rating' }>;

export type SyncPoint =
  | 'put.answered'
  | 'upload.urlStored'
  | 'upload.chunk'
  | 'upload.finished'
  | 'commit.answered'
  | 'changes.answered'
  | 'rating.answered';

export interface SyncPointInfo {
  departmentId: string;
  packetId?: string;
  version?: number;
  sha256?: string;
  ratingId?: string;
  bytes?: number;
  /** changes.answered: how many changes the answer carried. */
  changes?: number;
}

/** Test seam: a throw from `at` halts sync there, as if the process died (see Halt). */
export interface SyncHooks {
  at?(point: SyncPoint, info: SyncPointInfo): void;
}

export interface OutboxWorkerOptions {
  store: OutboxStore;
  blobs: BlobStore;
  client: DepartmentClient;
  agents: HttpAgents;
  departments: Departments;
  keys: WindowKeys;
  timers: Timers;
  now: () => number;
  random: () => number;
  backoff: BackoffPolicy;
  /** A claimed item is another worker's after this long without renewal. */
  leaseMs: number;
  chunkSize: number;
  stallMs: number;
  /** Tasks the small lane runs at once (the bulk lane runs one). */
  smallLaneConcurrency: number;
  runId: string;
  logger: Logger;
  hooks?: SyncHooks | undefined;
  onChanges(changes: PacketStateChange[]): void;
  onProgress(progress: UploadProgress): void;
  /** Bytes read from blobs for sending (re-sends count again): for benchmarks and tests. */
  onBytesRead?(bytes: number): void;
}

const LANES: readonly Lane[] = ['small', 'bulk'];
/** A slow department disk (20 MB/s) still re-reads a packet within the commit's timeout. */
const COMMIT_READ_BYTES_PER_MS = 20_000;
/** How often live upload progress reaches the UI, at most. */
const PROGRESS_INTERVAL_MS = 250;

export class OutboxWorker {
  private readonly lanes: Record<Lane, LaneRunner>;
  private readonly inFlight = new Map<string, AbortController>();
  private readonly verified = new Set<string>();
  private readonly live = new Map<string, number>();
  private readonly lastProgress = new Map<string, number>();
  private paused = false;
  private stopped = false;
  private halted = false;

  constructor(private readonly o: OutboxWorkerOptions) {
    this.lanes = {
      small: new LaneRunner('small', this, Math.max(1, o.smallLaneConcurrency)),
      bulk: new LaneRunner('bulk', this, 1),
    };
  }

  /** Leases of dead runs are released, then both lanes look for work. */
  start(paused: boolean): void {
    this.paused = paused;
    try {
      const released = this.o.store.releaseLeasesNotOwnedBy(this.o.runId);
      if (released > 0) this.o.logger.info({ released }, 'outbox: picked up items a previous run held');
    } catch (error) {
      // A full or busy disk at start must not stop sending: a dead run's leases run out on their own.
      this.o.logger.error({ err: error }, 'outbox: could not release the leases of a previous run');
    }
    this.wake();
  }

  wake(): void {
    if (this.stopped || this.halted) return;
    for (const lane of LANES) this.lanes[lane].kick();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isHalted(): boolean {
    return this.halted;
  }

  pause(): void {
    this.paused = true;
    // Uploads stop at once and resume from their stored URL; a PUT or commit cut here is repeated.
    for (const controller of this.inFlight.values()) controller.abort();
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const controller of this.inFlight.values()) controller.abort();
    for (const lane of LANES) this.lanes[lane].cancelTimer();
    await Promise.all(LANES.map((lane) => this.lanes[lane].current));
  }

  /** Resolves once nothing is running and nothing is due now (tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all(LANES.map((lane) => this.lanes[lane].current));
      if (!LANES.some((lane) => this.lanes[lane].busy())) return;
      this.wake();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Bytes sent of a file still uploading, as last reported by the transport. */
  liveBytes(packetId: string, version: number, sha256: string): number | undefined {
    return this.live.get(`${packetId}#${version}/${sha256}`);
  }

  // ── for the lanes ─────────────────────────────────────────────────────────

  canWork(): boolean {
    return !this.paused && !this.stopped && !this.halted;
  }

  claim(lane: Lane): Task | undefined {
    return this.o.store.claim(lane, this.o.runId, this.o.leaseMs, new Set(this.inFlight.keys()));
  }

  nextDue(lane: Lane): number | undefined {
    return this.o.store.nextDue(lane);
  }

  get timers(): Timers {
    return this.o.timers;
  }

  now(): number {
    return this.o.now();
  }

  localBackoff(failures: number): number {
    return backoffDelay(failures, this.o.random, this.o.backoff);
  }

  logLocal(error: unknown): void {
    this.o.logger.error({ err: error }, 'outbox: local failure; will try again');
  }

  async execute(task: Task): Promise<void> {
    const key = taskKey(task);
    const controller = new AbortController();
    this.inFlight.set(key, controller);
    try {
      await this.perform(task, controller.signal);
    } catch (error) {
      if (error instanceof Halt) {
        this.halt(error);
        return;
      }
      if (isAbort(error) || controller.signal.aborted) return; // paused or stopping: rows stay as they are
      this.fail(task, error);
    } finally {
      this.inFlight.delete(key);
      if (!this.halted) {
        try {
          this.o.store.release(task, this.o.runId);
        } catch (error) {
          this.logLocal(error);
        }
        // A step may have made work due in the other lane (PUT answered: files to upload).
        this.wake();
      }
    }
  }

  // ── the steps ─────────────────────────────────────────────────────────────

  private async perform(task: Task, signal: AbortSignal): Promise<void> {
    if (task.kind === 'rating') {
      await this.sendRating(task, signal);
      return;
    }
    const endpoint = this.o.departments.endpoint(task.packet.department_id);
    if (task.kind === 'file') await this.upload(task, endpoint, signal);
    else if (task.kind === 'commit') await this.commit(task, endpoint, signal);
    else await this.register(task, endpoint, signal);
  }

  /** PUT the signed manifest; the answer says which files the department still needs. */
  private async register(task: PacketTask, endpoint: DepartmentEndpoint, signal: AbortSignal): Promise<void> {
    const { packet } = task;
    const manifest = JSON.parse(this.o.store.manifestText(packet.packet_id, packet.version)) as Manifest;
    const department = this.o.departments.info(packet.department_id)!;
    let signature = packet.signature;
    if (signature === null || packet.scheme !== department.scheme) {
      // Sealed before the department was configured, or its scheme changed since: sign now.
      signature = JSON.stringify(signManifest(manifest, this.o.keys.get(department.scheme)));
      this.o.store.setSignature(packet, department.scheme, signature);
    }
    // A damaged small file blocks the packet before anything leaves; bulk files are
    // checked in their own lane just before they upload.
    for (const file of this.o.store.files(packet.packet_id, packet.version)) {
      if (file.lane === 'small' && file.state !== 'done') await this.verifyBlob(file.sha256);
    }
    const status = await this.o.client.put(
      endpoint,
      { manifest, signature: JSON.parse(signature) as ManifestSignature },
      signal,
    );
    if (status.manifestHash !== packet.manifest_hash) {
      throw blockError(
        'sync.conflict',
        `department holds manifest ${status.manifestHash.slice(0, 12)} for this version`,
      );
    }
    this.hook('put.answered', {
      departmentId: packet.department_id,
      packetId: packet.packet_id,
      version: packet.version,
    });
    this.o.onChanges(this.o.store.recordRegistered(packet, status));
  }

  private async upload(
    task: Extract<Task, { kind: 'file' }>,
    endpoint: DepartmentEndpoint,
    signal: AbortSignal,
  ): Promise<void> {
    const { packet, file } = task;
    const info = {
      departmentId: packet.department_id,
      packetId: packet.packet_id,
      version: packet.version,
      sha256: file.sha256,
    };
    if (!packet.upload_endpoint) {
      this.o.onChanges(this.o.store.recordNotRegistered(packet));
      return;
    }
    // No whole-blob pass before the first byte: each piece is authenticated as it is read
    // and the whole is hashed on the way (tusUpload), and the department hashes what it got.
    const liveKey = `${packet.packet_id}#${packet.version}/${file.sha256}`;
    // Checked before the token leaves: the creation URL, a stored URL, and (in tusUpload) the Location.
    const uploadEndpoint = requireDepartmentOrigin(
      this.o.departments.rebase(packet.department_id, packet.upload_endpoint),
      endpoint,
    );
    const storedUrl = file.upload_url
      ? requireDepartmentOrigin(this.o.departments.rebase(packet.department_id, file.upload_url), endpoint)
      : null;
    let renewedAt = this.o.now();
    try {
      await tusUpload({
        agent: this.o.agents.for(uploadEndpoint),
        blobs: this.o.blobs,
        sha256: file.sha256,
        size: file.size,
        packetId: packet.packet_id,
        endpoint: uploadEndpoint,
        uploadUrl: storedUrl,
        token: endpoint.token,
        checkUrl: (url) => requireDepartmentOrigin(url, endpoint),
        chunkSize: this.o.chunkSize,
        stallMs: this.o.stallMs,
        now: this.o.now,
        signal,
        onUrl: (url) => {
          this.o.onChanges(this.o.store.recordUploadUrl(file, url));
          this.hook('upload.urlStored', info);
        },
        onChunk: (bytes) => {
          // The last chunk is recorded with the file (recordFileDone, next): one disk sync fewer
          // per small file. A crash in between resumes at the stored URL, which answers complete.
          if (bytes < file.size) this.o.store.recordChunk(file, bytes, this.o.runId, this.o.leaseMs);
          this.hook('upload.chunk', { ...info, bytes });
        },
        onProgress: (bytes) => {
          this.live.set(liveKey, bytes);
          // A chunk may outlast a lease on a slow line: the lease is kept while bytes move.
          if (this.o.now() - renewedAt > this.o.leaseMs / 3) {
            renewedAt = this.o.now();
            try {
              this.o.store.renew(task, this.o.runId, this.o.leaseMs);
            } catch (error) {
              this.logLocal(error); // the next chunk's record renews it too
            }
          }
          this.progress(packet.packet_id, packet.version, false);
        },
        onRead: (bytes) => this.o.onBytesRead?.(bytes),
        hashWhileSending: !this.verified.has(file.sha256),
      });
    } catch (error) {
      this.live.delete(liveKey);
      if (error instanceof DepartmentError && error.kind === 'http') {
        if (error.status === 410 || error.status === 404) {
          // Expired or swept at the department: start this file again from the local blob.
          this.o.onChanges(this.o.store.recordUploadGone(file, { code: 'sync.uploadGone', detail: error.message }));
          return;
        }
        if (error.status === 429 && error.code === 'upload.tooManyOpen' && this.lanes[file.lane].narrow()) {
          // The department caps this window's open uploads and ours in flight fill it: this
          // file waits, unrecorded, for one of them to finish, and the lane runs one fewer at once.
          this.o.logger.info({ lane: file.lane }, 'outbox: the department caps open uploads; sending fewer at once');
          return;
        }
        if (error.status === 460) {
          // The department hashed other bytes than we hold. Ours intact → send again later.
          this.verified.delete(file.sha256);
          await this.o.blobs.verify(file.sha256);
          this.o.onChanges(
            this.o.store.recordUploadGone(
              file,
              { code: 'sync.hashMismatch', detail: error.message },
              backoffDelay(packet.attempts + 1, this.o.random, this.o.backoff),
            ),
          );
          return;
        }
      }
      throw error;
    }
    this.live.delete(liveKey);
    this.hook('upload.finished', info);
    this.o.onChanges(this.o.store.recordFileDone(file));
    this.progress(packet.packet_id, packet.version, true);
  }

  /** Commit: the department checks signature and every byte, and answers with its receipt. */
  private async commit(task: PacketTask, endpoint: DepartmentEndpoint, signal: AbortSignal): Promise<void> {
    const { packet } = task;
    const bytes = this.o.store.files(packet.packet_id, packet.version).reduce((sum, file) => sum + file.size, 0);
    let receipt;
    try {
      receipt = await this.o.client.commit(
        endpoint,
        packet.packet_id,
        packet.version,
        packet.manifest_hash,
        signal,
        Math.ceil(bytes / COMMIT_READ_BYTES_PER_MS),
      );
    } catch (error) {
      if (error instanceof DepartmentError && error.code === 'packet.filesMissing') {
        this.o.onChanges(this.o.store.recordFilesMissing(packet, error.details.missingFiles ?? []));
        return;
      }
      if (error instanceof DepartmentError && error.code === 'packet.notFound') {
        this.o.onChanges(this.o.store.recordNotRegistered(packet));
        return;
      }
      throw error;
    }
    this.hook('commit.answered', {
      departmentId: packet.department_id,
      packetId: packet.packet_id,
      version: packet.version,
    });
    this.o.onChanges(this.o.store.recordDelivered(packet, receipt));
  }

  /** 好差评: one POST, idempotent at the department by the rating's id (the same body every time). */
  private async sendRating(task: Extract<Task, { kind: 'rating' }>, signal: AbortSignal): Promise<void> {
    const { rating } = task;
    const endpoint = this.o.departments.endpoint(rating.department_id);
    const receipt = await this.o.client.postRating(endpoint, JSON.parse(rating.body) as RatingReport, signal);
    if (receipt.ratingId !== rating.rating_id) {
      // The department holds another rating for this visit: ours was given a second time
      // somewhere (a restored backup); a person looks, nothing is sent again.
      throw blockError('sync.conflict', `department holds rating ${receipt.ratingId} for this packet version`);
    }
    this.hook('rating.answered', { departmentId: rating.department_id, ratingId: rating.rating_id });
    this.o.store.recordRatingSent(rating, receipt);
  }

  // ── failures ──────────────────────────────────────────────────────────────

  private fail(task: Task, error: unknown): void {
    const verdict = classify(error);
    if (task.kind === 'rating') {
      this.failRating(task.rating, verdict);
      return;
    }
    const { packet } = task;
    const fields = { packetId: packet.packet_id, version: packet.version, code: verdict.code, detail: verdict.detail };
    if (verdict.action === 'retry') {
      const delay = verdict.retryAfterMs ?? backoffDelay(packet.attempts + 1, this.o.random, this.o.backoff);
      this.o.logger.warn({ ...fields, delayMs: delay }, 'outbox: step failed; will retry');
      this.o.onChanges(this.o.store.recordRetry(packet, verdict, delay));
    } else {
      this.o.logger.warn(fields, 'outbox: packet held for a person');
      this.o.onChanges(this.o.store.recordBlocked(packet, verdict));
    }
  }

  private failRating(rating: OutboxRatingRow, verdict: Verdict): void {
    const fields = { ratingId: rating.rating_id, code: verdict.code, detail: verdict.detail };
    if (verdict.action === 'retry') {
      const delay = verdict.retryAfterMs ?? backoffDelay(rating.attempts + 1, this.o.random, this.o.backoff);
      this.o.logger.warn({ ...fields, delayMs: delay }, 'outbox: sending a rating failed; will retry');
      this.o.store.recordRatingRetry(rating, verdict, delay);
    } else {
      this.o.logger.warn(fields, 'outbox: rating held for a person');
      this.o.store.recordRatingBlocked(rating, verdict);
    }
  }

  private halt(error: Halt): void {
    this.halted = true;
    this.o.logger.warn({ reason: error.message }, 'outbox: halted');
    for (const controller of this.inFlight.values()) controller.abort();
    for (const lane of LANES) this.lanes[lane].cancelTimer();
  }

  // ── helpers ───────────────────────────────────────────────────────────────

  private async verifyBlob(sha256: string): Promise<void> {
    if (this.verified.has(sha256)) return;
    await this.o.blobs.verify(sha256);
    this.verified.add(sha256);
  }

  private hook(point: SyncPoint, info: SyncPointInfo): void {
    if (!this.o.hooks?.at) return;
    try {
      this.o.hooks.at(point, info);
    } catch (error) {
      throw error instanceof Halt ? error : new Halt(String(error));
    }
  }

  private progress(packetId: string, version: number, force: boolean): void {
    const key = `${packetId}#${version}`;
    const at = performance.now();
    if (!force && at - (this.lastProgress.get(key) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
    this.lastProgress.set(key, at);
    const row = this.o.store.syncRows([{ packetId, version }]).get(key);
    if (!row) return;
    let sent = 0;
    for (const file of row.files) {
      sent +=
        file.state === 'done'
          ? file.size
          : Math.max(file.bytes_sent, this.liveBytes(packetId, version, file.sha256) ?? 0);
    }
    this.o.onProgress({ packetId, version, bytesSent: sent, bytesTotal: row.bytesTotal });
  }
}

/**
 * One lane: up to `slots` loops, each claiming and running one task after another;
 * sleeps on the timer until the next task is due once no loop runs. A kick fills the
 * free slots; a loop that finds nothing due ends.
 */
class LaneRunner {
  private readonly loops = new Set<Promise<void>>();
  /** Loops allowed now: `slots`, fewer after the department refused more open uploads. */
  private width: number;
  private timer: unknown;
  private localFailures = 0;
  private coolUntil = 0;

  constructor(
    private readonly lane: Lane,
    private readonly worker: OutboxWorker,
    private readonly slots: number,
  ) {
    this.width = slots;
  }

  /** Settles once every loop running now has ended. */
  get current(): Promise<void> {
    return Promise.all([...this.loops]).then(() => undefined);
  }

  kick(): void {
    this.cancelTimer();
    while (this.loops.size < this.width) {
      const loop: Promise<void> = this.run().finally(() => {
        this.loops.delete(loop);
        if (this.loops.size > 0) return;
        this.width = this.slots; // all quiet: the next burst may try the full width again
        this.schedule();
      });
      this.loops.add(loop);
    }
  }

  busy(): boolean {
    if (this.loops.size > 0) return true;
    if (!this.worker.canWork()) return false;
    const now = this.worker.now();
    if (this.coolUntil > now) return false;
    const due = this.safeNextDue();
    return due !== undefined && due <= now;
  }

  /** One loop fewer (the calling one ends after its task); false when it is the only one. */
  narrow(): boolean {
    if (this.loops.size <= 1) return false;
    this.width = Math.min(this.width, this.loops.size - 1);
    return true;
  }

  cancelTimer(): void {
    if (this.timer !== undefined) this.worker.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    // Started from kick(): let the caller finish first (a kick from inside a step's finally).
    await Promise.resolve();
    while (this.worker.canWork() && this.coolUntil <= this.worker.now()) {
      let task: Task | undefined;
      try {
        task = this.worker.claim(this.lane);
        this.localFailures = 0;
      } catch (error) {
        this.cool(error);
        break;
      }
      if (!task) break;
      try {
        await this.worker.execute(task);
      } catch (error) {
        // Recording the outcome failed (disk full, database busy): the rows are as they
        // were before the step, so it is simply done again after a pause.
        this.cool(error);
        break;
      }
      if (this.loops.size > this.width) break; // narrowed: this loop is one too many
      // Let timers, sockets and UI calls in between tasks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private cool(error: unknown): void {
    this.localFailures += 1;
    this.coolUntil = this.worker.now() + this.worker.localBackoff(this.localFailures);
    this.worker.logLocal(error);
  }

  private schedule(): void {
    this.cancelTimer();
    if (!this.worker.canWork()) return;
    const due = Math.max(this.safeNextDue() ?? Infinity, this.coolUntil);
    if (!Number.isFinite(due)) return;
    const delay = Math.max(0, due - this.worker.now());
    this.timer = this.worker.timers.setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delay);
  }

  private safeNextDue(): number | undefined {
    try {
      return this.worker.nextDue(this.lane);
    } catch (error) {
      this.worker.logLocal(error);
      return this.worker.now() + 60_000;
    }
  }
}
