// The inbox's records: enrolled windows and approvers, packet versions with their
// manifests, the content-addressed file index, tus uploads, calls, and the change feed —
// every query the inbox makes, once, over either engine (store/sql.ts): SQLite embedded
// (store/sqlite-driver.ts) or PostgreSQL shared by several inbox processes
// (store/postgres-driver.ts). Idempotency rests on UNIQUE constraints and guarded
// UPDATEs, never on read-then-write outside a transaction.
import { EventEmitter } from 'node:events';
import type { DepartmentState, InboxState, SignatureScheme } from '../../src-main/common/sync-protocol.ts';
import type { SqlDriver, TransactionOptions } from './store/sql.ts';
import { TransactionScope } from './store/sql.ts';
import { openSqlite, type SqliteDriver, type SqliteOptions } from './store/sqlite-driver.ts';
import { listenForChanges, openPostgres, type PostgresDriver, type PostgresOptions } from './store/postgres-driver.ts';

export { InboxAtRestError, NewerSchemaError } from './store/sqlite-driver.ts';
export { isUniqueViolation } from './store/sql.ts';
export { DatabaseUnavailableError } from './store/postgres-driver.ts';

export interface RatingRow {
  rating_id: string;
  window_id: string;
  packet_id: string;
  version: number;
  overall: number;
  bad: 0 | 1;
  given_at: string;
  /** The window's RatingReport as JSON. */
  report: string;
  received_at: string;
}

export interface CallRow {
  call_id: string;
  window_id: string;
  placed_by: 'window' | 'approver';
  /** The CallSubject as JSON. */
  subject: string;
  state: 'waiting' | 'active' | 'ended';
  approver_id: string | null;
  approver_name: string | null;
  placed_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  packet_id: string | null;
}

export interface CallRecordRow {
  call_id: string;
  seq: number;
  side: 'window' | 'approver';
  at: number;
  /** The CallRecordEntry as JSON. */
  entry: string;
}

export interface WindowRow {
  window_id: string;
  token_hash: string;
  scheme: SignatureScheme;
  public_key: string;
  key_id: string;
  label: string | null;
  enrolled_at: number;
}

export interface ApproverRow {
  approver_id: number;
  name: string;
  token_hash: string;
  created_at: number;
}

export interface PacketRow {
  seq: number;
  packet_id: string;
  version: number;
  previous_version: number | null;
  window_id: string;
  item_code: string;
  manifest_hash: string;
  manifest: string;
  signature: string;
  state: InboxState;
  registered_at: number;
  received_at: number | null;
  department_reference: string | null;
  updated_at: number;
  /** 查询号 from the manifest, when the window gave one. */
  tracking_code: string | null;
}

export interface PacketFileRow {
  packet_id: string;
  version: number;
  position: number;
  sha256: string;
  size: number;
  media_type: string;
  name: string;
}

export interface FileRow {
  sha256: string;
  size: number;
  path: string;
  received_at: number;
}

export type UploadState = 'open' | 'complete' | 'duplicate' | 'refused' | 'expired';

export interface UploadRow {
  upload_id: string;
  window_id: string;
  packet_id: string;
  sha256: string;
  size: number;
  created_at: number;
  expires_at: number;
  state: UploadState;
}

export interface ChangeRow {
  cursor: number;
  window_id: string;
  packet_id: string;
  version: number;
  state: DepartmentState;
  reason: string | null;
  correction_items: string | null;
  waybill: string | null;
  decided_by: string | null;
  at: number;
  /** A 补正's last day (YYYY-MM-DD, China time), when the department set one. */
  supply_by: string | null;
}

export interface NewChange {
  state: DepartmentState;
  reason?: string | undefined;
  correctionItems?: string[] | undefined;
  waybill?: string | undefined;
  decidedBy?: string | undefined;
  supplyBy?: string | undefined;
}

/**
 * Typed, async calls on the inbox's records. Emits 'change' once a change row is committed
 * (by this process), and 'external' when another process may have written a change: for
 * the window named, or for any window when undefined (PostgreSQL's notifications name it;
 * for SQLite the change feed polls `dataVersion`).
 */
export class InboxDb extends EventEmitter<{ change: [ChangeRow]; external: [windowId: string | undefined] }> {
  /** The change rows a transaction appended, announced once it commits. */
  private readonly pendingChanges = new TransactionScope<ChangeRow[]>();

  constructor(readonly driver: SqlDriver) {
    super();
  }

  /** The inbox's SQLite file, created and migrated as needed. */
  static openSqlite(file: string, options: SqliteOptions = {}): InboxDb {
    return new InboxDb(openSqlite(file, options));
  }

  /**
   * The inbox's records on PostgreSQL (created and migrated as needed), shared with other
   * inbox processes: what they commit wakes this one's long polls.
   */
  static async openPostgres(options: PostgresOptions): Promise<InboxDb> {
    const db = new InboxDb(await openPostgres(options));
    db.listener = listenForChanges(options.url, (windowId) => db.emit('external', windowId));
    return db;
  }

  private listener: { close(): Promise<void> } | undefined;

  /** The raw SQLite connection (tests and SQLite-only tools); throws on PostgreSQL. */
  get sqlite(): SqliteDriver['sqlite'] {
    if (this.driver.dialect !== 'sqlite') throw new Error('this inbox keeps its records on PostgreSQL, not SQLite');
    return (this.driver as SqliteDriver).sqlite;
  }

  async close(): Promise<void> {
    await this.listener?.close();
    await this.driver.close();
  }

  /**
   * Runs `fn` unless another inbox process sharing the database runs work of the same
   * `name` right now (then answers undefined): the sweeps, once at a time across replicas.
   * `fn` is not a transaction.
   */
  exclusively<T>(name: keyof typeof EXCLUSIVE_WORK, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.driver.dialect === 'postgres') {
      return (this.driver as PostgresDriver).exclusively(EXCLUSIVE_WORK[name], fn);
    }
    return fn(); // SQLite: one inbox process
  }

  /**
   * Runs `fn` in one transaction: every store call inside it, wherever made, joins it. `fn`
   * may run again when PostgreSQL retries a lost serialization race, so it only touches
   * the database. Nested calls run in the outer transaction.
   */
  async write<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (this.driver.inTransaction()) return fn();
    let appended: ChangeRow[] = [];
    const result = await this.driver.transaction(() => {
      appended = [];
      return this.pendingChanges.run(appended, fn);
    }, options);
    for (const row of appended) this.emit('change', row);
    return result;
  }

  /**
   * Makes the change feed's next cursor come after `cursor`: a fresh inbox that replaces
   * one a window has read from (the demo's) must not hand out cursors the window has
   * already passed, or it would skip those changes.
   */
  async continueChangesAfter(cursor: number): Promise<void> {
    if (this.driver.dialect === 'postgres') {
      await this.driver.get(
        `SELECT setval('changes_cursor_seq', greatest(?, (SELECT last_value FROM changes_cursor_seq)))`,
        [cursor],
      );
      return;
    }
    await this.write(async () => {
      const updated = await this.driver.run(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'changes' AND seq < ?`, [
        cursor,
        cursor,
      ]);
      const known = await this.driver.get(`SELECT 1 FROM sqlite_sequence WHERE name = 'changes'`);
      if (updated === 0 && !known && cursor > 0) {
        await this.driver.run(`INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', ?)`, [cursor]);
      }
    });
  }

  /**
   * SQLite's data_version, bumped by changes other processes commit (the CLI deciding
   * while the server runs); undefined on PostgreSQL, whose changes are announced instead.
   */
  dataVersion(): number | undefined {
    return this.driver.dialect === 'sqlite' ? (this.driver as SqliteDriver).dataVersion() : undefined;
  }

  // ── windows and approvers ──────────────────────────────────────────────────

  async insertWindow(row: WindowRow): Promise<void> {
    await this.driver.run(
      `INSERT INTO windows (window_id, token_hash, scheme, public_key, key_id, label, enrolled_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [row.window_id, row.token_hash, row.scheme, row.public_key, row.key_id, row.label, row.enrolled_at],
    );
  }

  async replaceWindowCredentials(row: WindowRow): Promise<number> {
    return this.driver.run(
      `UPDATE windows SET token_hash = ?, scheme = ?, public_key = ?, key_id = ?,
         label = coalesce(?, label), enrolled_at = ?
       WHERE window_id = ?`,
      [row.token_hash, row.scheme, row.public_key, row.key_id, row.label, row.enrolled_at, row.window_id],
    );
  }

  windowByTokenHash(tokenHash: string): Promise<WindowRow | undefined> {
    return this.driver.get<WindowRow>('SELECT * FROM windows WHERE token_hash = ?', [tokenHash]);
  }

  windowById(windowId: string): Promise<WindowRow | undefined> {
    return this.driver.get<WindowRow>('SELECT * FROM windows WHERE window_id = ?', [windowId]);
  }

  /** Stores a rating unless the window already sent one for the packet version; returns the one kept. */
  insertRating(row: RatingRow): Promise<RatingRow> {
    return this.write(async () => {
      await this.driver.run(
        `INSERT INTO ratings (rating_id, window_id, packet_id, version, overall, bad, given_at, report, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [
          row.rating_id,
          row.window_id,
          row.packet_id,
          row.version,
          row.overall,
          row.bad,
          row.given_at,
          row.report,
          row.received_at,
        ],
      );
      return (await this.driver.get<RatingRow>(
        'SELECT * FROM ratings WHERE window_id = ? AND packet_id = ? AND version = ?',
        [row.window_id, row.packet_id, row.version],
      )) as RatingRow;
    });
  }

  ratingById(ratingId: string): Promise<RatingRow | undefined> {
    return this.driver.get<RatingRow>('SELECT * FROM ratings WHERE rating_id = ?', [ratingId]);
  }

  /** Newest first; `badOnly` for the 差评 a department must follow up. */
  listRatings(options: { badOnly?: boolean; limit?: number } = {}): Promise<RatingRow[]> {
    return this.driver.all<RatingRow>(
      `SELECT * FROM ratings ${options.badOnly ? 'WHERE bad = 1' : ''} ORDER BY given_at DESC, rating_id LIMIT ?`,
      [options.limit ?? 1000],
    );
  }

  listWindows(): Promise<WindowRow[]> {
    return this.driver.all<WindowRow>('SELECT * FROM windows ORDER BY window_id');
  }

  async insertApprover(row: Omit<ApproverRow, 'approver_id'>): Promise<void> {
    await this.driver.run('INSERT INTO approvers (name, token_hash, created_at) VALUES (?, ?, ?)', [
      row.name,
      row.token_hash,
      row.created_at,
    ]);
  }

  approverByTokenHash(tokenHash: string): Promise<ApproverRow | undefined> {
    return this.driver.get<ApproverRow>('SELECT * FROM approvers WHERE token_hash = ?', [tokenHash]);
  }

  approverByName(name: string): Promise<ApproverRow | undefined> {
    return this.driver.get<ApproverRow>('SELECT * FROM approvers WHERE name = ?', [name]);
  }

  // ── calls (视频会商) ─────────────────────────────────────────────────────────

  /** Inserts a call unless its id is taken; returns the row kept under that id. */
  insertCall(row: CallRow): Promise<CallRow> {
    return this.write(async () => {
      await this.driver.run(
        `INSERT INTO calls (call_id, window_id, placed_by, subject, state, approver_id, approver_name,
           placed_at, answered_at, ended_at, end_reason, packet_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
        [
          row.call_id,
          row.window_id,
          row.placed_by,
          row.subject,
          row.state,
          row.approver_id,
          row.approver_name,
          row.placed_at,
          row.answered_at,
          row.ended_at,
          row.end_reason,
          row.packet_id,
        ],
      );
      return (await this.call(row.call_id)) as CallRow;
    });
  }

  call(callId: string): Promise<CallRow | undefined> {
    return this.driver.get<CallRow>('SELECT * FROM calls WHERE call_id = ?', [callId]);
  }

  /** Answers a waiting call; false when it was no longer waiting. */
  async answerCall(callId: string, at: number, approver?: { id: string; name: string }): Promise<boolean> {
    const changed = await this.driver.run(
      `UPDATE calls SET state = 'active', answered_at = ?,
         approver_id = coalesce(?, approver_id), approver_name = coalesce(?, approver_name)
       WHERE call_id = ? AND state = 'waiting'`,
      [at, approver?.id ?? null, approver?.name ?? null, callId],
    );
    return changed === 1;
  }

  /** Ends a call that is in one of `from`; false when it was not. */
  async endCall(callId: string, from: Array<'waiting' | 'active'>, at: number, reason: string): Promise<boolean> {
    const changed = await this.driver.run(
      `UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ?
       WHERE call_id = ? AND state IN (${from.map(() => '?').join(', ')})`,
      [at, reason, callId, ...from],
    );
    return changed === 1;
  }

  /** Ends every call still open (a restart lost their mailboxes); returns their ids. */
  endOpenCalls(at: number, reason: string): Promise<string[]> {
    return this.write(async () => {
      const open = await this.driver.all<{ call_id: string }>(`SELECT call_id FROM calls WHERE state != 'ended'`);
      await this.driver.run(`UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ? WHERE state != 'ended'`, [
        at,
        reason,
      ]);
      return open.map((row) => row.call_id);
    });
  }

  openCalls(): Promise<CallRow[]> {
    return this.driver.all<CallRow>(`SELECT * FROM calls WHERE state != 'ended' ORDER BY placed_at`);
  }

  async setCallPacket(callId: string, packetId: string): Promise<void> {
    await this.driver.run('UPDATE calls SET packet_id = ? WHERE call_id = ?', [packetId, callId]);
  }

  /** The calls about a packet, oldest first. */
  callsOfPacket(packetId: string): Promise<CallRow[]> {
    return this.driver.all<CallRow>('SELECT * FROM calls WHERE packet_id = ? ORDER BY placed_at, call_id', [packetId]);
  }

  /** Newest first; `packetId` narrows to one packet's. */
  listCalls(options: { packetId?: string | undefined; limit?: number } = {}): Promise<CallRow[]> {
    const limit = options.limit ?? 1000;
    return options.packetId === undefined
      ? this.driver.all<CallRow>('SELECT * FROM calls ORDER BY placed_at DESC, call_id LIMIT ?', [limit])
      : this.driver.all<CallRow>('SELECT * FROM calls WHERE packet_id = ? ORDER BY placed_at DESC, call_id LIMIT ?', [
          options.packetId,
          limit,
        ]);
  }

  /** Appends a fact to a call's record; returns its seq. */
  insertCallRecord(callId: string, side: 'window' | 'approver', at: number, entry: string): Promise<number> {
    return this.write(async () => {
      const row = await this.driver.get<{ next: number }>(
        'SELECT coalesce(max(seq), 0) + 1 AS next FROM call_records WHERE call_id = ?',
        [callId],
      );
      const next = Number(row?.next ?? 1);
      await this.driver.run('INSERT INTO call_records (call_id, seq, side, at, entry) VALUES (?, ?, ?, ?, ?)', [
        callId,
        next,
        side,
        at,
        entry,
      ]);
      return next;
    });
  }

  callRecords(callId: string): Promise<CallRecordRow[]> {
    return this.driver.all<CallRecordRow>('SELECT * FROM call_records WHERE call_id = ? ORDER BY seq', [callId]);
  }

  // ── packets ────────────────────────────────────────────────────────────────

  packet(packetId: string, version: number): Promise<PacketRow | undefined> {
    return this.driver.get<PacketRow>('SELECT * FROM packets WHERE packet_id = ? AND version = ?', [packetId, version]);
  }

  latestVersion(packetId: string): Promise<PacketRow | undefined> {
    return this.driver.get<PacketRow>('SELECT * FROM packets WHERE packet_id = ? ORDER BY version DESC LIMIT 1', [
      packetId,
    ]);
  }

  /** The first version of the packet registered other than `version`, if any. */
  otherVersion(packetId: string, version: number): Promise<{ version: number } | undefined> {
    return this.driver.get<{ version: number }>(
      'SELECT version FROM packets WHERE packet_id = ? AND version != ? ORDER BY version LIMIT 1',
      [packetId, version],
    );
  }

  /** The version registered as the answer to `previousVersion`'s 补正, if any. */
  versionCorrecting(packetId: string, previousVersion: number): Promise<{ version: number } | undefined> {
    return this.driver.get<{ version: number }>(
      'SELECT version FROM packets WHERE packet_id = ? AND previous_version = ?',
      [packetId, previousVersion],
    );
  }

  /**
   * Inserts the version and its file list; a duplicate (packet_id, version) throws a
   * unique violation (isUniqueViolation).
   */
  async insertPacket(
    row: Omit<PacketRow, 'seq'>,
    files: Array<Omit<PacketFileRow, 'packet_id' | 'version'>>,
  ): Promise<void> {
    await this.write(async () => {
      await this.driver.run(
        `INSERT INTO packets (packet_id, version, previous_version, window_id, item_code, manifest_hash, manifest, signature,
           state, registered_at, received_at, department_reference, updated_at, tracking_code)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          row.packet_id,
          row.version,
          row.previous_version,
          row.window_id,
          row.item_code,
          row.manifest_hash,
          row.manifest,
          row.signature,
          row.state,
          row.registered_at,
          row.received_at,
          row.department_reference,
          row.updated_at,
          row.tracking_code,
        ],
      );
      // Many rows per statement: on PostgreSQL each statement is a round trip, and a
      // serializable transaction held open longer loses more races.
      for (const batch of batches(files, ROWS_PER_INSERT)) {
        await this.driver.run(
          `INSERT INTO packet_files (packet_id, version, position, sha256, size, media_type, name)
           VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          batch.flatMap((file) => [
            row.packet_id,
            row.version,
            file.position,
            file.sha256,
            file.size,
            file.media_type,
            file.name,
          ]),
        );
      }
    });
  }

  /**
   * The packet ids registered under a 查询号, first registered first — at most two: one is
   * the answer, two mean windows drew the same code (55 random bits; see
   * src-main/common/tracking-code.ts) and neither may be shown for the other.
   */
  async packetIdsByTrackingCode(code: string): Promise<string[]> {
    const rows = await this.driver.all<{ packet_id: string }>(
      `SELECT packet_id FROM packets WHERE tracking_code = ? GROUP BY packet_id ORDER BY min(seq) LIMIT 2`,
      [code],
    );
    return rows.map((r) => r.packet_id);
  }

  /** Every registered version of a packet, first first. */
  versionsOf(packetId: string): Promise<PacketRow[]> {
    return this.driver.all<PacketRow>('SELECT * FROM packets WHERE packet_id = ? ORDER BY version', [packetId]);
  }

  packetFiles(packetId: string, version: number): Promise<PacketFileRow[]> {
    return this.driver.all<PacketFileRow>(
      'SELECT * FROM packet_files WHERE packet_id = ? AND version = ? ORDER BY position',
      [packetId, version],
    );
  }

  /**
   * Distinct files of a packet version that its window has not sent the department (or
   * whose stored bytes are gone), in listed order. Another window's upload of the same
   * content does not count.
   */
  async missingFiles(packetId: string, version: number): Promise<string[]> {
    const rows = await this.driver.all<{ sha256: string }>(
      `SELECT pf.sha256 FROM packet_files pf
       JOIN packets p ON p.packet_id = pf.packet_id AND p.version = pf.version
       LEFT JOIN files f ON f.sha256 = pf.sha256
       LEFT JOIN window_files wf ON wf.window_id = p.window_id AND wf.sha256 = pf.sha256
       WHERE pf.packet_id = ? AND pf.version = ? AND (f.sha256 IS NULL OR wf.sha256 IS NULL)
       GROUP BY pf.sha256 ORDER BY min(pf.position)`,
      [packetId, version],
    );
    return rows.map((r) => r.sha256);
  }

  /** Whether a window listed this content with this packet id (any version), and at what size. */
  async listedSize(windowId: string, packetId: string, sha256: string): Promise<number | undefined> {
    const row = await this.driver.get<{ size: number }>(
      `SELECT pf.size FROM packet_files pf JOIN packets p ON p.packet_id = pf.packet_id AND p.version = pf.version
       WHERE p.window_id = ? AND pf.packet_id = ? AND pf.sha256 = ? LIMIT 1`,
      [windowId, packetId, sha256],
    );
    return row?.size;
  }

  /** Moves a packet from one state to another; 0 when it was not in `from` any more. */
  setState(
    packetId: string,
    version: number,
    from: InboxState,
    to: InboxState,
    now: number,
    extra: { received_at?: number; department_reference?: string } = {},
  ): Promise<number> {
    return this.driver.run(
      `UPDATE packets SET state = ?, updated_at = ?,
         received_at = coalesce(?, received_at),
         department_reference = coalesce(?, department_reference)
       WHERE packet_id = ? AND version = ? AND state = ?`,
      [to, now, extra.received_at ?? null, extra.department_reference ?? null, packetId, version, from],
    );
  }

  listPackets(filter: { state?: InboxState | undefined; limit?: number | undefined } = {}): Promise<PacketRow[]> {
    const limit = filter.limit ?? 500;
    if (filter.state) {
      return this.driver.all<PacketRow>('SELECT * FROM packets WHERE state = ? ORDER BY seq DESC LIMIT ?', [
        filter.state,
        limit,
      ]);
    }
    return this.driver.all<PacketRow>('SELECT * FROM packets ORDER BY seq DESC LIMIT ?', [limit]);
  }

  // ── files and uploads ──────────────────────────────────────────────────────

  file(sha256: string): Promise<FileRow | undefined> {
    return this.driver.get<FileRow>('SELECT * FROM files WHERE sha256 = ?', [sha256]);
  }

  /** true when inserted, false when the content was already held. */
  async insertFileIfAbsent(row: FileRow): Promise<boolean> {
    const inserted = await this.driver.run(
      'INSERT INTO files (sha256, size, path, received_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [row.sha256, row.size, row.path, row.received_at],
    );
    return inserted === 1;
  }

  /** The stored content is gone: every window that had sent it must send it again. */
  async deleteFile(sha256: string): Promise<void> {
    await this.write(async () => {
      await this.driver.run('DELETE FROM files WHERE sha256 = ?', [sha256]);
      await this.driver.run('DELETE FROM window_files WHERE sha256 = ?', [sha256]);
    });
  }

  /** The window uploaded this content itself (call inside `write`, with the upload's settling). */
  async insertWindowFile(windowId: string, sha256: string, receivedAt: number): Promise<void> {
    await this.driver.run(
      'INSERT INTO window_files (window_id, sha256, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      [windowId, sha256, receivedAt],
    );
  }

  /** The stored file of this content, if this window has sent it itself. */
  async fileSentBy(windowId: string, sha256: string): Promise<FileRow | undefined> {
    return (await this.filesSentBy(windowId, [sha256])).get(sha256);
  }

  /** The stored files of these contents that this window has sent itself, by sha256. */
  async filesSentBy(windowId: string, sha256s: readonly string[]): Promise<Map<string, FileRow>> {
    const found = new Map<string, FileRow>();
    for (const batch of batches(sha256s, ROWS_PER_INSERT)) {
      const rows = await this.driver.all<FileRow>(
        `SELECT f.* FROM files f JOIN window_files wf ON wf.sha256 = f.sha256
         WHERE wf.window_id = ? AND f.sha256 IN (${batch.map(() => '?').join(', ')})`,
        [windowId, ...batch],
      );
      for (const row of rows) found.set(row.sha256, row);
    }
    return found;
  }

  async insertUpload(row: UploadRow): Promise<void> {
    await this.driver.run(
      `INSERT INTO uploads (upload_id, window_id, packet_id, sha256, size, created_at, expires_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [row.upload_id, row.window_id, row.packet_id, row.sha256, row.size, row.created_at, row.expires_at, row.state],
    );
  }

  /**
   * Inserts an upload unless its window already holds `maxOpen` open, unexpired ones
   * (false then): counted and inserted atomically, so parallel creations cannot slip past.
   * On PostgreSQL under a lock of the window's own at READ COMMITTED: SERIALIZABLE made
   * different windows' creations fail each other under load.
   */
  insertUploadIfRoom(row: UploadRow, maxOpen: number): Promise<boolean> {
    return this.write(
      async () => {
        if (this.driver.dialect === 'postgres') {
          await this.driver.get('SELECT pg_advisory_xact_lock(?, hashtext(?))', [UPLOAD_ROOM_LOCK, row.window_id]);
        }
        if ((await this.openUploadCount(row.window_id, row.created_at)) >= maxOpen) return false;
        await this.insertUpload(row);
        return true;
      },
      // Lost to a power cut, the upload answers 404 and the window starts the file again.
      { isolation: 'read committed', durable: false },
    );
  }

  upload(uploadId: string): Promise<UploadRow | undefined> {
    return this.driver.get<UploadRow>('SELECT * FROM uploads WHERE upload_id = ?', [uploadId]);
  }

  setUploadState(uploadId: string, from: UploadState, to: UploadState): Promise<number> {
    return this.driver.run('UPDATE uploads SET state = ? WHERE upload_id = ? AND state = ?', [to, uploadId, from]);
  }

  /** Uploads of a window still open and not expired at `now` (finished, refused and expired ones do not count). */
  async openUploadCount(windowId: string, now: number): Promise<number> {
    const row = await this.driver.get<{ n: number }>(
      `SELECT count(*) AS n FROM uploads WHERE window_id = ? AND state = 'open' AND expires_at > ?`,
      [windowId, now],
    );
    return Number(row?.n ?? 0);
  }

  expiredOpenUploads(now: number, limit = 100): Promise<UploadRow[]> {
    return this.driver.all<UploadRow>(
      `SELECT * FROM uploads WHERE state = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
      [now, limit],
    );
  }

  // ── change feed ────────────────────────────────────────────────────────────

  /**
   * Appends a change for a packet version (call inside `write`); listeners hear of it
   * after commit. On PostgreSQL appends are serialised by a transaction lock, so cursors
   * become visible in the order they are handed out — a long poll reading "after N" never
   * skips one committed late — and the other processes are notified at commit.
   */
  appendChange(
    packet: Pick<PacketRow, 'packet_id' | 'version' | 'window_id'>,
    change: NewChange,
    at: number,
  ): Promise<ChangeRow> {
    return this.write(async () => {
      if (this.driver.dialect === 'postgres') {
        await this.driver.get(`SELECT pg_advisory_xact_lock(${CHANGE_FEED_LOCK})`);
        await this.driver.get(`SELECT pg_notify('inbox_changes', ?)`, [packet.window_id]);
      }
      const row = (await this.driver.get<ChangeRow>(
        `INSERT INTO changes (window_id, packet_id, version, state, reason, correction_items, waybill, decided_by, at,
           supply_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        [
          packet.window_id,
          packet.packet_id,
          packet.version,
          change.state,
          change.reason ?? null,
          change.correctionItems ? JSON.stringify(change.correctionItems) : null,
          change.waybill ?? null,
          change.decidedBy ?? null,
          at,
          change.supplyBy ?? null,
        ],
      )) as ChangeRow;
      this.pendingChanges.current()?.push(row);
      return row;
    });
  }

  changesFor(windowId: string, after: number, limit: number): Promise<ChangeRow[]> {
    return this.driver.all<ChangeRow>(
      'SELECT * FROM changes WHERE window_id = ? AND cursor > ? ORDER BY cursor LIMIT ?',
      [windowId, after, limit],
    );
  }

  changesOfPacket(packetId: string): Promise<ChangeRow[]> {
    return this.driver.all<ChangeRow>('SELECT * FROM changes WHERE packet_id = ? ORDER BY cursor', [packetId]);
  }
}

/** Advisory lock keys of work one inbox process at a time does. */
const EXCLUSIVE_WORK = { uploadSweep: 0x7462_7377 } as const;

/** The advisory-lock namespace (with the window id's hash) of counting a window's open uploads. */
const UPLOAD_ROOM_LOCK = 0x7462_7572;

/** The transaction-level advisory lock that orders change-feed appends on PostgreSQL. */
const CHANGE_FEED_LOCK = 0x7462_6366; // 'tbcf'

/**
 * Rows (or values) per statement: well inside both engines' limits on bound parameters
 * (SQLite 32,766, PostgreSQL 65,535) at seven parameters a row.
 */
const ROWS_PER_INSERT = 500;

function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
