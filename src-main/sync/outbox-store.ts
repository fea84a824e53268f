// The outbox in SQLite: what is to be sent, how far each packet version got, who holds
// it (leases), when to try again, and the change feed as applied. Every recording is
// one transaction that moves the protocol step and the queue's visible state
// (packet_state through PacketStore.moveTo) together, so a crash between any two
// recordings leaves rows that the next run picks up from — a step is only ever
// repeated, never skipped, and every step is idempotent at the department.
import type { ErrorCode, ErrorParams } from '../common/errors.ts';
import type { Database } from '../store/database.ts';
import { isSendingState, type PacketState, type SendingState } from '../common/packet-states.ts';
import type { OutboxStep, PacketStateChange } from '../common/sync.ts';
import type { PacketStore } from '../packets/packet-store.ts';

export type { OutboxStep } from '../common/sync.ts';
import type { CommitReceipt, PacketStatus } from '../common/sync-protocol.ts';
import type { RatingReceipt, RatingSync } from '../common/rating-report.ts';
import type { RatingOutbox } from '../packets/ratings.ts';

export type Lane = 'small' | 'bulk';

const STEP_STATE: Record<OutboxStep, SendingState | 'delivered'> = {
  register: 'sealed',
  upload: 'uploading',
  commit: 'submitted',
  done: 'delivered',
};

export interface OutboxPacketRow {
  seq: number;
  packet_id: string;
  version: number;
  department_id: string;
  manifest_hash: string;
  scheme: 'ed25519' | 'sm2' | null;
  signature: string | null;
  step: OutboxStep;
  blocked: 0 | 1;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_params: string | null;
  last_error_at: number | null;
  upload_endpoint: string | null;
  department_reference: string | null;
  received_at: string | null;
  enqueued_at: number;
  done_at: number | null;
}

export interface OutboxFileRow {
  packet_id: string;
  version: number;
  position: number;
  sha256: string;
  size: number;
  lane: Lane;
  state: 'waiting' | 'pending' | 'uploading' | 'done';
  upload_url: string | null;
  bytes_sent: number;
  lease_owner: string | null;
  lease_until: number | null;
}

/** A 好差评 to send (POST /v1/ratings): one request, the same leases and backoff as a packet's steps. */
export interface OutboxRatingRow {
  seq: number;
  rating_id: string;
  department_id: string;
  body: string;
  blocked: 0 | 1;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error_code: string | null;
  last_error: string | null;
  last_error_at: number | null;
  received_at: string | null;
  enqueued_at: number;
  done_at: number | null;
}

export type Task =
  | { kind: 'register' | 'commit'; packet: OutboxPacketRow }
  | { kind: 'file'; packet: OutboxPacketRow; file: OutboxFileRow }
  | { kind: 'rating'; rating: OutboxRatingRow };

export interface Problem {
  code: ErrorCode;
  detail: string;
  params?: ErrorParams | undefined;
}

export interface NewOutboxEntry {
  packetId: string;
  version: number;
  departmentId: string;
  manifestHash: string;
  scheme: 'ed25519' | 'sm2' | null;
  signature: string | null;
  files: Array<{ sha256: string; size: number }>;
  bulkThresholdBytes: number;
  /** Held for a person from the start (e.g. no such department configured). */
  blocked?: Problem | undefined;
}

export interface PacketSyncRow {
  packet: OutboxPacketRow;
  bytesTotal: number;
  bytesDone: number;
  files: OutboxFileRow[];
}

export class OutboxStore implements RatingOutbox {
  constructor(
    private readonly db: Database,
    private readonly packets: PacketStore,
    private readonly now: () => number,
  ) {}

  // ── writing the outbox (inside the sealing transaction) ───────────────────

  enqueue(entry: NewOutboxEntry): PacketStateChange[] {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO outbox_packets (packet_id, version, department_id, manifest_hash, scheme, signature, step, blocked,
           next_attempt_at, last_error_code, last_error, last_error_params, last_error_at, enqueued_at)
         VALUES (?, ?, ?, ?, ?, ?, 'register', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.packetId,
        entry.version,
        entry.departmentId,
        entry.manifestHash,
        entry.scheme,
        entry.signature,
        entry.blocked ? 1 : 0,
        now,
        entry.blocked?.code ?? null,
        entry.blocked?.detail ?? null,
        entry.blocked?.params ? JSON.stringify(entry.blocked.params) : null,
        entry.blocked ? now : null,
        now,
      );
    const insert = this.db.prepare(
      `INSERT INTO outbox_files (packet_id, version, position, sha256, size, lane, state) VALUES (?, ?, ?, ?, ?, ?, 'waiting')`,
    );
    entry.files.forEach((file, position) => {
      const lane: Lane = file.size > entry.bulkThresholdBytes ? 'bulk' : 'small';
      insert.run(entry.packetId, entry.version, position, file.sha256, file.size, lane);
    });
    if (entry.blocked) return this.show(entry.packetId, entry.version, 'blocked', entry.blocked.code, now);
    return [];
  }

  // ── claiming work ─────────────────────────────────────────────────────────

  /** Takes the next due task of a lane and leases it to `owner`, or undefined when none is due. */
  claim(lane: Lane, owner: string, leaseMs: number, exclude: ReadonlySet<string>): Task | undefined {
    return this.db.transaction((): Task | undefined => {
      const now = this.now();
      // A rating is one small request: it goes before the packets' steps, and waits on its own backoff.
      const rating =
        lane === 'small'
          ? this.db
              .prepare<[number, number], OutboxRatingRow>(
                `SELECT * FROM outbox_ratings
                 WHERE done_at IS NULL AND blocked = 0 AND next_attempt_at <= ?
                   AND (lease_until IS NULL OR lease_until <= ?)
                 ORDER BY seq LIMIT 20`,
              )
              .all(now, now)
              .find((row) => !exclude.has(ratingKey(row)))
          : undefined;
      if (rating) {
        const until = now + leaseMs;
        this.db
          .prepare('UPDATE outbox_ratings SET lease_owner = ?, lease_until = ? WHERE seq = ?')
          .run(owner, until, rating.seq);
        return { kind: 'rating', rating: { ...rating, lease_owner: owner, lease_until: until } };
      }
      const packetTask =
        lane === 'small'
          ? this.db
              .prepare<[number, number], OutboxPacketRow>(
                `SELECT * FROM outbox_packets
                 WHERE step IN ('register', 'commit') AND blocked = 0 AND next_attempt_at <= ?
                   AND (lease_until IS NULL OR lease_until <= ?)
                 ORDER BY seq LIMIT 20`,
              )
              .all(now, now)
              .find((row) => !exclude.has(taskKey({ kind: 'register', packet: row })))
          : undefined;
      const fileRows = this.db
        .prepare<[number, string, number], OutboxFileRow & { seq: number }>(
          `SELECT f.*, p.seq FROM outbox_files f JOIN outbox_packets p USING (packet_id, version)
           WHERE p.step = 'upload' AND p.blocked = 0 AND p.next_attempt_at <= ?
             AND f.lane = ? AND f.state IN ('pending', 'uploading')
             AND (f.lease_until IS NULL OR f.lease_until <= ?)
           ORDER BY p.seq, f.position LIMIT 20`,
        )
        .all(now, lane, now);
      const fileRow = fileRows.find((row) => !exclude.has(fileKey(row)));
      const until = now + leaseMs;
      if (packetTask && (!fileRow || packetTask.seq <= fileRow.seq)) {
        this.db
          .prepare('UPDATE outbox_packets SET lease_owner = ?, lease_until = ? WHERE seq = ?')
          .run(owner, until, packetTask.seq);
        const packet = { ...packetTask, lease_owner: owner, lease_until: until };
        return { kind: packet.step === 'commit' ? 'commit' : 'register', packet };
      }
      if (fileRow) {
        this.db
          .prepare(
            'UPDATE outbox_files SET lease_owner = ?, lease_until = ? WHERE packet_id = ? AND version = ? AND sha256 = ?',
          )
          .run(owner, until, fileRow.packet_id, fileRow.version, fileRow.sha256);
        const { seq: _seq, ...file } = fileRow;
        return {
          kind: 'file',
          packet: this.packet(file.packet_id, file.version)!,
          file: { ...file, lease_owner: owner, lease_until: until },
        };
      }
      return undefined;
    })();
  }

  /** Earliest time a task of this lane becomes due (now or later), or undefined when nothing waits. */
  nextDue(lane: Lane): number | undefined {
    const packets =
      lane === 'small'
        ? this.db
            .prepare<[], { at: number | null }>(
              `SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) AS at FROM outbox_packets
               WHERE step IN ('register', 'commit') AND blocked = 0`,
            )
            .get()?.at
        : null;
    const files = this.db
      .prepare<[string], { at: number | null }>(
        `SELECT min(max(p.next_attempt_at, coalesce(f.lease_until, 0))) AS at
         FROM outbox_files f JOIN outbox_packets p USING (packet_id, version)
         WHERE p.step = 'upload' AND p.blocked = 0 AND f.lane = ? AND f.state IN ('pending', 'uploading')`,
      )
      .get(lane)?.at;
    const ratings =
      lane === 'small'
        ? this.db
            .prepare<[], { at: number | null }>(
              `SELECT min(max(next_attempt_at, coalesce(lease_until, 0))) AS at FROM outbox_ratings
               WHERE done_at IS NULL AND blocked = 0`,
            )
            .get()?.at
        : null;
    const candidates = [packets, files, ratings].filter((value): value is number => typeof value === 'number');
    return candidates.length > 0 ? Math.min(...candidates) : undefined;
  }

  renew(task: Task, owner: string, leaseMs: number): void {
    const until = this.now() + leaseMs;
    if (task.kind === 'rating') {
      this.db
        .prepare('UPDATE outbox_ratings SET lease_until = ? WHERE seq = ? AND lease_owner = ?')
        .run(until, task.rating.seq, owner);
    } else if (task.kind === 'file') {
      this.db
        .prepare(
          'UPDATE outbox_files SET lease_until = ? WHERE packet_id = ? AND version = ? AND sha256 = ? AND lease_owner = ?',
        )
        .run(until, task.file.packet_id, task.file.version, task.file.sha256, owner);
    } else {
      this.db
        .prepare('UPDATE outbox_packets SET lease_until = ? WHERE seq = ? AND lease_owner = ?')
        .run(until, task.packet.seq, owner);
    }
  }

  release(task: Task, owner: string): void {
    if (task.kind === 'rating') {
      this.db
        .prepare('UPDATE outbox_ratings SET lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?')
        .run(task.rating.seq, owner);
    } else if (task.kind === 'file') {
      this.db
        .prepare(
          `UPDATE outbox_files SET lease_owner = NULL, lease_until = NULL
           WHERE packet_id = ? AND version = ? AND sha256 = ? AND lease_owner = ?`,
        )
        .run(task.file.packet_id, task.file.version, task.file.sha256, owner);
    } else {
      this.db
        .prepare('UPDATE outbox_packets SET lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?')
        .run(task.packet.seq, owner);
    }
  }

  /**
   * At start: leases held by any other run are a dead run's (one core per data directory
   * is the only writer), so its items are picked up now rather than when the lease ends.
   */
  releaseLeasesNotOwnedBy(owner: string): number {
    return this.db.transaction(() => {
      const a = this.db
        .prepare(
          'UPDATE outbox_packets SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL AND lease_owner != ?',
        )
        .run(owner).changes;
      const b = this.db
        .prepare(
          'UPDATE outbox_files SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL AND lease_owner != ?',
        )
        .run(owner).changes;
      const c = this.db
        .prepare(
          'UPDATE outbox_ratings SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL AND lease_owner != ?',
        )
        .run(owner).changes;
      return a + b + c;
    })();
  }

  // ── reading ───────────────────────────────────────────────────────────────

  packet(packetId: string, version: number): OutboxPacketRow | undefined {
    return this.db
      .prepare<[string, number], OutboxPacketRow>('SELECT * FROM outbox_packets WHERE packet_id = ? AND version = ?')
      .get(packetId, version);
  }

  files(packetId: string, version: number): OutboxFileRow[] {
    return this.db
      .prepare<[string, number], OutboxFileRow>(
        'SELECT * FROM outbox_files WHERE packet_id = ? AND version = ? ORDER BY position',
      )
      .all(packetId, version);
  }

  /** The manifest exactly as sealed (its hash is over these bytes' canonical form). */
  manifestText(packetId: string, version: number): string {
    const text = this.packets.manifestText(packetId, version);
    if (text === undefined) throw new Error(`packet ${packetId} v${version} is in the outbox but not in packets`);
    return text;
  }

  /** Sync view of the given packet versions (those that travel). */
  syncRows(keys: ReadonlyArray<{ packetId: string; version: number }>): Map<string, PacketSyncRow> {
    const out = new Map<string, PacketSyncRow>();
    for (const { packetId, version } of keys) {
      const packet = this.packet(packetId, version);
      if (!packet) continue;
      const files = this.files(packetId, version);
      let total = 0;
      let done = 0;
      for (const file of files) {
        total += file.size;
        done += file.state === 'done' ? file.size : file.bytes_sent;
      }
      out.set(`${packetId}#${version}`, { packet, files, bytesTotal: total, bytesDone: done });
    }
    return out;
  }

  /** Versions held for a person (blocked, not yet delivered): few, so the queue can name them. */
  heldForPerson(): Array<{ packetId: string; version: number }> {
    return this.db
      .prepare<[], { packetId: string; version: number }>(
        `SELECT packet_id AS packetId, version FROM outbox_packets WHERE blocked = 1 AND step != 'done'`,
      )
      .all();
  }

  /** Counts for the queue header and health. */
  counts(): { waiting: number; blocked: number; retrying: number } {
    const row = this.db
      .prepare<[number], { waiting: number; blocked: number; retrying: number }>(
        `SELECT count(*) FILTER (WHERE step != 'done') AS waiting,
                count(*) FILTER (WHERE step != 'done' AND blocked = 1) AS blocked,
                count(*) FILTER (WHERE step != 'done' AND blocked = 0 AND attempts > 0 AND next_attempt_at > ?) AS retrying
         FROM outbox_packets`,
      )
      .get(this.now());
    return row ?? { waiting: 0, blocked: 0, retrying: 0 };
  }

  // ── recording protocol steps ──────────────────────────────────────────────

  /** Stores the signature made later (a department configured after sealing). */
  setSignature(packet: OutboxPacketRow, scheme: 'ed25519' | 'sm2', signature: string): void {
    this.db
      .prepare('UPDATE outbox_packets SET scheme = ?, signature = ? WHERE seq = ?')
      .run(scheme, signature, packet.seq);
  }

  /** PUT answered: the files the department holds are done, the rest to upload (or commit at once). */
  recordRegistered(packet: OutboxPacketRow, status: PacketStatus): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      const missing = new Set(status.missingFiles);
      for (const file of this.files(packet.packet_id, packet.version)) {
        if (missing.has(file.sha256)) {
          // Keep a stored upload URL: that is what resumes a cut upload after a restart.
          if (file.state === 'waiting' || file.state === 'done') this.resetFile(file);
        } else if (file.state !== 'done') {
          this.db
            .prepare(
              `UPDATE outbox_files SET state = 'done', bytes_sent = size WHERE packet_id = ? AND version = ? AND sha256 = ?`,
            )
            .run(file.packet_id, file.version, file.sha256);
        }
      }
      const step: OutboxStep = status.state === 'receiving' && missing.size > 0 ? 'upload' : 'commit';
      this.db
        .prepare(
          `UPDATE outbox_packets SET step = ?, upload_endpoint = ?, next_attempt_at = ?, attempts = 0,
             last_error_code = NULL, last_error = NULL, last_error_params = NULL, last_error_at = NULL,
             lease_owner = NULL, lease_until = NULL
           WHERE seq = ?`,
        )
        .run(step, status.uploadEndpoint, now, packet.seq);
      return this.show(packet.packet_id, packet.version, STEP_STATE[step], null, now);
    })();
  }

  /** The upload URL, stored before the first byte goes out. */
  recordUploadUrl(file: OutboxFileRow, url: string): PacketStateChange[] {
    return this.db.transaction(() => {
      const { changes } = this.db
        .prepare(
          `UPDATE outbox_files SET upload_url = ?, state = 'uploading',
             bytes_sent = CASE WHEN upload_url IS ? THEN bytes_sent ELSE 0 END
           WHERE packet_id = ? AND version = ? AND sha256 = ?`,
        )
        .run(url, url, file.packet_id, file.version, file.sha256);
      if (changes !== 1) throw new Error(`outbox file ${file.sha256.slice(0, 12)} vanished`);
      return this.show(file.packet_id, file.version, 'uploading', null, this.now());
    })();
  }

  recordChunk(file: OutboxFileRow, bytesAccepted: number, owner: string, leaseMs: number): void {
    this.db
      .prepare(
        `UPDATE outbox_files SET bytes_sent = ?, lease_until = ?
         WHERE packet_id = ? AND version = ? AND sha256 = ? AND lease_owner = ?`,
      )
      .run(bytesAccepted, this.now() + leaseMs, file.packet_id, file.version, file.sha256, owner);
  }

  /** The department has the file (and checked its SHA-256); the last one moves the packet to commit. */
  recordFileDone(file: OutboxFileRow): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare(
          `UPDATE outbox_files SET state = 'done', bytes_sent = size, lease_owner = NULL, lease_until = NULL
           WHERE packet_id = ? AND version = ? AND sha256 = ?`,
        )
        .run(file.packet_id, file.version, file.sha256);
      const open = this.db
        .prepare<[string, number], { n: number }>(
          `SELECT count(*) AS n FROM outbox_files WHERE packet_id = ? AND version = ? AND state != 'done'`,
        )
        .get(file.packet_id, file.version)!.n;
      this.db
        .prepare(
          `UPDATE outbox_packets SET attempts = 0, last_error_code = NULL, last_error = NULL, last_error_params = NULL,
             last_error_at = NULL${open === 0 ? `, step = 'commit', next_attempt_at = ?` : ''}
           WHERE packet_id = ? AND version = ? AND step = 'upload'`,
        )
        .run(...(open === 0 ? [now, file.packet_id, file.version] : [file.packet_id, file.version]));
      return this.show(file.packet_id, file.version, open === 0 ? 'submitted' : 'uploading', null, now);
    })();
  }

  /** 410/404 on an upload: its bytes are gone at the department; start the file again from the local blob. */
  recordUploadGone(file: OutboxFileRow, problem: Problem, delayMs = 0): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.resetFile(file);
      if (delayMs > 0) {
        this.db
          .prepare(
            'UPDATE outbox_packets SET attempts = attempts + 1, next_attempt_at = ? WHERE packet_id = ? AND version = ?',
          )
          .run(now + delayMs, file.packet_id, file.version);
      }
      this.db
        .prepare(
          `UPDATE outbox_files SET lease_owner = NULL, lease_until = NULL WHERE packet_id = ? AND version = ? AND sha256 = ?`,
        )
        .run(file.packet_id, file.version, file.sha256);
      this.setError(file.packet_id, file.version, problem, now);
      // Started again at once (upload_gone), or after a backoff (a hash mismatch may repeat).
      return this.show(file.packet_id, file.version, delayMs > 0 ? 'retry_wait' : 'upload_gone', problem.code, now);
    })();
  }

  /** Commit said files are missing (never arrived, or lost at the department): upload them again. */
  recordFilesMissing(packet: OutboxPacketRow, missing: readonly string[]): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      const wanted = new Set(missing);
      let reset = 0;
      for (const file of this.files(packet.packet_id, packet.version)) {
        if (!wanted.has(file.sha256)) continue;
        this.resetFile(file);
        reset += 1;
      }
      // Nothing of ours is missing by the department's list: register again to ask afresh.
      const step: OutboxStep = reset > 0 ? 'upload' : 'register';
      this.db
        .prepare(
          'UPDATE outbox_packets SET step = ?, next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE seq = ?',
        )
        .run(step, now, packet.seq);
      return this.show(packet.packet_id, packet.version, STEP_STATE[step], null, now);
    })();
  }

  /** Commit said the version was never registered: PUT again. */
  recordNotRegistered(packet: OutboxPacketRow): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare(
          `UPDATE outbox_packets SET step = 'register', next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE seq = ?`,
        )
        .run(now, packet.seq);
      return this.show(packet.packet_id, packet.version, 'sealed', null, now);
    })();
  }

  recordDelivered(packet: OutboxPacketRow, receipt: CommitReceipt): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare(
          `UPDATE outbox_packets SET step = 'done', department_reference = ?, received_at = ?, done_at = ?, attempts = 0,
             last_error_code = NULL, last_error = NULL, last_error_params = NULL, last_error_at = NULL,
             lease_owner = NULL, lease_until = NULL
           WHERE seq = ?`,
        )
        .run(receipt.departmentReference, receipt.receivedAt, now, packet.seq);
      return this.show(packet.packet_id, packet.version, 'delivered', null, now);
    })();
  }

  /** A transient failure: try again at `now + delayMs`. */
  recordRetry(packet: OutboxPacketRow, problem: Problem, delayMs: number): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.db
        .prepare('UPDATE outbox_packets SET attempts = attempts + 1, next_attempt_at = ? WHERE seq = ?')
        .run(now + delayMs, packet.seq);
      this.setError(packet.packet_id, packet.version, problem, now);
      return this.show(packet.packet_id, packet.version, 'retry_wait', problem.code, now);
    })();
  }

  /** Needs a person: held until someone says "retry now" (or the cause is fixed, e.g. a new token). */
  recordBlocked(packet: OutboxPacketRow, problem: Problem): PacketStateChange[] {
    return this.db.transaction(() => {
      const now = this.now();
      this.db.prepare('UPDATE outbox_packets SET blocked = 1, attempts = attempts + 1 WHERE seq = ?').run(packet.seq);
      this.setError(packet.packet_id, packet.version, problem, now);
      return this.show(packet.packet_id, packet.version, 'blocked', problem.code, now);
    })();
  }

  /** "Retry now": due at once, backoff and any block cleared. */
  retryNow(packetId: string, version: number): PacketStateChange[] | undefined {
    return this.db.transaction(() => {
      const packet = this.packet(packetId, version);
      if (!packet || packet.step === 'done') return undefined;
      return this.unblockRow(packet);
    })();
  }

  /** Makes packets waiting after one of `codes` due now (the cause went away, e.g. the network is back). */
  releaseBackoff(departmentId: string, codes: readonly ErrorCode[]): number {
    const now = this.now();
    const marks = codes.map(() => '?').join(', ');
    const packets = this.db
      .prepare(
        `UPDATE outbox_packets SET next_attempt_at = ?
         WHERE department_id = ? AND blocked = 0 AND step != 'done' AND next_attempt_at > ?
           AND last_error_code IN (${marks})`,
      )
      .run(now, departmentId, now, ...codes).changes;
    const ratings = this.db
      .prepare(
        `UPDATE outbox_ratings SET next_attempt_at = ?
         WHERE department_id = ? AND blocked = 0 AND done_at IS NULL AND next_attempt_at > ?
           AND last_error_code IN (${marks})`,
      )
      .run(now, departmentId, now, ...codes).changes;
    return packets + ratings;
  }

  /** Releases packets blocked for one of `codes` (their cause was fixed), for one department or all. */
  unblockWhere(codes: readonly ErrorCode[], departmentId?: string): PacketStateChange[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare<[], OutboxPacketRow>(`SELECT * FROM outbox_packets WHERE blocked = 1 AND step != 'done'`)
        .all()
        .filter((row) => codes.includes(row.last_error_code as ErrorCode))
        .filter((row) => departmentId === undefined || row.department_id === departmentId);
      this.db
        .prepare(
          `UPDATE outbox_ratings SET blocked = 0, attempts = 0, next_attempt_at = ?
           WHERE blocked = 1 AND done_at IS NULL AND last_error_code IN (${codes.map(() => '?').join(', ')})
             AND (? IS NULL OR department_id = ?)`,
        )
        .run(this.now(), ...codes, departmentId ?? null, departmentId ?? null);
      return rows.flatMap((row) => this.unblockRow(row));
    })();
  }

  // ── ratings (好差评) ──────────────────────────────────────────────────────

  /** Writes the rating's outbox row; called inside the rating's transaction (packets/ratings.ts). */
  enqueueRating(entry: { ratingId: string; departmentId: string; body: string }): void {
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO outbox_ratings (rating_id, department_id, body, next_attempt_at, enqueued_at) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(entry.ratingId, entry.departmentId, entry.body, now, now);
  }

  /** Where each rating's sending stands, for the supervisor's list. */
  ratingSync(ratingIds: readonly string[]): Map<string, RatingSync> {
    const out = new Map<string, RatingSync>();
    const select = this.db.prepare<[string], OutboxRatingRow>('SELECT * FROM outbox_ratings WHERE rating_id = ?');
    for (const id of ratingIds) {
      const row = select.get(id);
      if (!row) continue;
      out.set(id, {
        state: row.done_at !== null ? 'sent' : row.blocked === 1 ? 'held' : 'waiting',
        attempts: row.attempts,
        lastErrorCode: row.last_error_code,
        nextAttemptAt: row.done_at === null && row.blocked === 0 ? row.next_attempt_at : null,
        sentAt: row.done_at,
      });
    }
    return out;
  }

  rating(ratingId: string): OutboxRatingRow | undefined {
    return this.db.prepare<[string], OutboxRatingRow>('SELECT * FROM outbox_ratings WHERE rating_id = ?').get(ratingId);
  }

  /** The inbox holds the rating. */
  recordRatingSent(rating: OutboxRatingRow, receipt: RatingReceipt): void {
    this.db
      .prepare(
        `UPDATE outbox_ratings SET done_at = ?, received_at = ?, attempts = 0, last_error_code = NULL, last_error = NULL,
           last_error_at = NULL, lease_owner = NULL, lease_until = NULL
         WHERE seq = ?`,
      )
      .run(this.now(), receipt.receivedAt, rating.seq);
  }

  /** A transient failure: send again at `now + delayMs`. */
  recordRatingRetry(rating: OutboxRatingRow, problem: Problem, delayMs: number): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE outbox_ratings SET attempts = attempts + 1, next_attempt_at = ?, last_error_code = ?, last_error = ?,
           last_error_at = ?
         WHERE seq = ?`,
      )
      .run(now + delayMs, problem.code, problem.detail, now, rating.seq);
  }

  /** Needs a person (no such department, no token, refused): held until the cause is fixed. */
  recordRatingBlocked(rating: OutboxRatingRow, problem: Problem): void {
    const now = this.now();
    this.db
      .prepare(
        `UPDATE outbox_ratings SET blocked = 1, attempts = attempts + 1, last_error_code = ?, last_error = ?,
           last_error_at = ?
         WHERE seq = ?`,
      )
      .run(problem.code, problem.detail, now, rating.seq);
  }

  /**
   * The department has the whole packet (its feed spoke of it): nothing is left to send
   * but the receipt, which a commit replays (and which the display state no longer follows).
   * Called inside the change feed's transaction.
   */
  recordDecided(packetId: string, version: number): void {
    const outbox = this.packet(packetId, version);
    if (outbox && outbox.step !== 'done' && (outbox.step !== 'commit' || outbox.blocked === 1)) {
      this.db
        .prepare(
          `UPDATE outbox_packets SET step = 'commit', blocked = 0, next_attempt_at = ?, attempts = 0 WHERE seq = ?`,
        )
        .run(this.now(), outbox.seq);
    }
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private unblockRow(packet: OutboxPacketRow): PacketStateChange[] {
    const now = this.now();
    this.db
      .prepare('UPDATE outbox_packets SET blocked = 0, attempts = 0, next_attempt_at = ? WHERE seq = ?')
      .run(now, packet.seq);
    return this.show(packet.packet_id, packet.version, STEP_STATE[packet.step], null, now);
  }

  private resetFile(file: OutboxFileRow): void {
    this.db
      .prepare(
        `UPDATE outbox_files SET state = 'pending', upload_url = NULL, bytes_sent = 0
         WHERE packet_id = ? AND version = ? AND sha256 = ?`,
      )
      .run(file.packet_id, file.version, file.sha256);
  }

  private setError(packetId: string, version: number, problem: Problem, now: number): void {
    this.db
      .prepare(
        `UPDATE outbox_packets SET last_error_code = ?, last_error = ?, last_error_params = ?, last_error_at = ?
         WHERE packet_id = ? AND version = ?`,
      )
      .run(
        problem.code,
        problem.detail,
        problem.params ? JSON.stringify(problem.params) : null,
        now,
        packetId,
        version,
      );
  }

  /** Moves the visible state while the packet is still on its way; never over a department's state. */
  private show(
    packetId: string,
    version: number,
    state: PacketState,
    reason: string | null,
    at: number,
  ): PacketStateChange[] {
    const current = this.packets.state(packetId, version);
    // Department states (delivered and later) are never overwritten by sending states.
    if (current === undefined || !isSendingState(current) || current === state) return [];
    this.packets.moveTo(packetId, version, state, reason, at);
    return [{ packetId, version, state }];
  }
}

export function taskKey(task: Task): string {
  if (task.kind === 'rating') return ratingKey(task.rating);
  return task.kind === 'file' ? fileKey(task.file) : `packet/${task.packet.packet_id}#${task.packet.version}`;
}

function ratingKey(rating: { rating_id: string }): string {
  return `rating/${rating.rating_id}`;
}

function fileKey(file: { packet_id: string; version: number; sha256: string }): string {
  return `file/${file.packet_id}#${file.version}/${file.sha256}`;
}
