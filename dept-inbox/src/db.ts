// The inbox's SQLite database: enrolled windows and approvers, packet versions with
// their manifests, the content-addressed file index, tus uploads, and the change feed.
// Idempotency rests on UNIQUE constraints and guarded UPDATEs, never on read-then-write.
// Plain SQLite by default (the department's own disk policy applies); with a key, the
// file is encrypted as the app's own database is (src-main/store/sqlite-cipher.ts) and
// kept owner-only.
import { EventEmitter } from 'node:events';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { DepartmentState, InboxState, SignatureScheme } from '../../src-main/common/sync-protocol.ts';
import { isPlaintextSqlite, isWrongKey, keySqlite } from '../../src-main/store/sqlite-cipher.ts';

export type Sqlite = BetterSqlite3.Database;

interface Migration {
  version: number;
  name: string;
  up(db: Sqlite): void;
}

// Append only: a shipped migration is never edited.
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    up(db) {
      db.exec(`
        CREATE TABLE windows (
          window_id   TEXT PRIMARY KEY,
          token_hash  TEXT NOT NULL UNIQUE,
          scheme      TEXT NOT NULL CHECK (scheme IN ('ed25519', 'sm2')),
          public_key  TEXT NOT NULL,
          key_id      TEXT NOT NULL,
          label       TEXT,
          enrolled_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE approvers (
          approver_id INTEGER PRIMARY KEY,
          name        TEXT NOT NULL UNIQUE,
          token_hash  TEXT NOT NULL UNIQUE,
          created_at  INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE packets (
          seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
          packet_id            TEXT NOT NULL,
          version              INTEGER NOT NULL CHECK (version >= 1),
          previous_version     INTEGER,
          window_id            TEXT NOT NULL REFERENCES windows (window_id),
          item_code            TEXT NOT NULL,
          manifest_hash        TEXT NOT NULL,
          manifest             TEXT NOT NULL,
          signature            TEXT NOT NULL,
          state                TEXT NOT NULL CHECK (state IN
                                 ('receiving', 'delivered', 'accepted', 'correction_required', 'refused', 'approved', 'closed')),
          registered_at        INTEGER NOT NULL,
          received_at          INTEGER,
          department_reference TEXT UNIQUE,
          updated_at           INTEGER NOT NULL,
          UNIQUE (packet_id, version),
          FOREIGN KEY (packet_id, previous_version) REFERENCES packets (packet_id, version)
        ) STRICT;
        CREATE INDEX packets_state ON packets (state, seq);

        -- The files each packet version lists, for "what is missing" and upload checks.
        CREATE TABLE packet_files (
          packet_id  TEXT NOT NULL,
          version    INTEGER NOT NULL,
          position   INTEGER NOT NULL,
          sha256     TEXT NOT NULL,
          size       INTEGER NOT NULL,
          media_type TEXT NOT NULL,
          name       TEXT NOT NULL,
          PRIMARY KEY (packet_id, version, position),
          FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
        ) STRICT;
        CREATE INDEX packet_files_sha ON packet_files (sha256);

        -- Content-addressed: one row per distinct content, whichever packet brought it.
        CREATE TABLE files (
          sha256      TEXT PRIMARY KEY,
          size        INTEGER NOT NULL,
          path        TEXT NOT NULL,
          received_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE uploads (
          upload_id  TEXT PRIMARY KEY,
          window_id  TEXT NOT NULL REFERENCES windows (window_id),
          packet_id  TEXT NOT NULL,
          sha256     TEXT NOT NULL,
          size       INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          state      TEXT NOT NULL CHECK (state IN ('open', 'complete', 'duplicate', 'refused', 'expired'))
        ) STRICT;
        CREATE INDEX uploads_open ON uploads (state, expires_at);

        CREATE TABLE changes (
          cursor           INTEGER PRIMARY KEY AUTOINCREMENT,
          window_id        TEXT NOT NULL,
          packet_id        TEXT NOT NULL,
          version          INTEGER NOT NULL,
          state            TEXT NOT NULL,
          reason           TEXT,
          correction_items TEXT,
          waybill          TEXT,
          decided_by       TEXT,
          at               INTEGER NOT NULL,
          FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
        ) STRICT;
        CREATE INDEX changes_window ON changes (window_id, cursor);
        CREATE INDEX changes_packet ON changes (packet_id, version, cursor);

        -- The feed is history: it is appended to, never rewritten.
        CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
        CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes BEGIN SELECT RAISE(ABORT, 'changes are append-only'); END;
      `);
    },
  },
  {
    version: 2,
    name: 'window files',
    up(db) {
      // What each window has sent itself. The bytes are stored once per content (files),
      // but a window is told a file is held only when IT uploaded it: telling it about
      // another window's upload would confirm that a document exists elsewhere.
      db.exec(`
        CREATE TABLE window_files (
          window_id   TEXT NOT NULL REFERENCES windows (window_id),
          sha256      TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          PRIMARY KEY (window_id, sha256)
        ) STRICT, WITHOUT ROWID;

        INSERT OR IGNORE INTO window_files (window_id, sha256, received_at)
          SELECT window_id, sha256, created_at FROM uploads WHERE state IN ('complete', 'duplicate');
        -- A committed version had every file it lists, whoever had uploaded them then.
        INSERT OR IGNORE INTO window_files (window_id, sha256, received_at)
          SELECT p.window_id, pf.sha256, coalesce(p.received_at, p.updated_at)
          FROM packet_files pf JOIN packets p ON p.packet_id = pf.packet_id AND p.version = pf.version
          WHERE p.state != 'receiving';
      `);
    },
  },
  {
    version: 3,
    name: 'tracking codes',
    up(db) {
      // The 查询号 a window put in the manifest (optional in the protocol), for the public
      // status page. Not UNIQUE: every version of a packet carries its code.
      db.exec(`
        ALTER TABLE packets ADD COLUMN tracking_code TEXT;
        UPDATE packets SET tracking_code = ${trackingCodeOf('manifest')};
        CREATE INDEX packets_tracking_code ON packets (tracking_code) WHERE tracking_code IS NOT NULL;
      `);
    },
  },
  {
    version: 4,
    name: 'correction periods',
    up(db) {
      // The day a department's 补正 must be answered by (its own period, set when it decides).
      db.exec('ALTER TABLE changes ADD COLUMN supply_by TEXT;');
    },
  },
  {
    version: 5,
    name: 'ratings',
    up(db) {
      // 好差评 the windows send: one per packet version and window (一次一评); a retried
      // send carries the same rating id and finds the row it made.
      db.exec(`
        CREATE TABLE ratings (
          rating_id   TEXT PRIMARY KEY,
          window_id   TEXT NOT NULL REFERENCES windows (window_id),
          packet_id   TEXT NOT NULL,
          version     INTEGER NOT NULL,
          overall     INTEGER NOT NULL,
          bad         INTEGER NOT NULL CHECK (bad IN (0, 1)),
          given_at    TEXT NOT NULL,
          report      TEXT NOT NULL,
          received_at TEXT NOT NULL,
          UNIQUE (window_id, packet_id, version)
        ) STRICT;
        CREATE INDEX ratings_by_time ON ratings (given_at);
      `);
    },
  },
  {
    version: 6,
    name: 'calls',
    up(db) {
      // 视频会商 (calls.ts): each call a window and an approver held or tried, and the facts
      // either side reported of it. The signals themselves are never stored.
      db.exec(`
        CREATE TABLE calls (
          call_id       TEXT PRIMARY KEY,
          window_id     TEXT NOT NULL REFERENCES windows (window_id),
          placed_by     TEXT NOT NULL CHECK (placed_by IN ('window', 'approver')),
          subject       TEXT NOT NULL,
          state         TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'ended')),
          approver_id   TEXT,
          approver_name TEXT,
          placed_at     INTEGER NOT NULL,
          answered_at   INTEGER,
          ended_at      INTEGER,
          end_reason    TEXT,
          packet_id     TEXT
        ) STRICT;
        CREATE INDEX calls_open ON calls (state, placed_at) WHERE state != 'ended';
        CREATE INDEX calls_packet ON calls (packet_id, placed_at) WHERE packet_id IS NOT NULL;

        CREATE TABLE call_records (
          call_id TEXT NOT NULL REFERENCES calls (call_id),
          seq     INTEGER NOT NULL,
          side    TEXT NOT NULL CHECK (side IN ('window', 'approver')),
          at      INTEGER NOT NULL,
          entry   TEXT NOT NULL,
          PRIMARY KEY (call_id, seq)
        ) STRICT;
      `);
    },
  },
];

/** SQL for the manifest's `trackingCode` when it is a string (the protocol checked its form). */
function trackingCodeOf(manifest: string): string {
  return `CASE WHEN json_type(${manifest}, '$.trackingCode') = 'text' THEN json_extract(${manifest}, '$.trackingCode') END`;
}

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

export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
}

/**
 * The database cannot be opened as asked: `plaintext` — a key was given but the file is
 * stored in the clear (an inbox that ran without one); `unreadable` — the key does not
 * open it (another key, or not an inbox database); `encrypted` — no key was given but
 * the file needs one.
 */
export class InboxAtRestError extends Error {
  override readonly name = 'InboxAtRestError';

  constructor(
    readonly reason: 'plaintext' | 'unreadable' | 'encrypted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One connection, typed calls. Emits 'change' after a change row is committed. */
export class InboxDb extends EventEmitter<{ change: [ChangeRow] }> {
  private constructor(readonly sqlite: Sqlite) {
    super();
  }

  /**
   * `busyTimeoutMs`: how long a write waits for another writer (the CLI) before SQLITE_BUSY.
   * `key` (32 bytes): the file is encrypted with it, and it and its WAL are owner-only.
   */
  static open(file: string, options: { busyTimeoutMs?: number; key?: Buffer | undefined } = {}): InboxDb {
    const { key } = options;
    mkdirSync(dirname(file), { recursive: true, ...(key ? { mode: 0o700 } : {}) });
    if (key) {
      if (isPlaintextSqlite(file)) {
        throw new InboxAtRestError('plaintext', `${file} is not encrypted; it cannot be opened with a key`);
      }
      // Created owner-only before SQLite sees it: its WAL and shared-memory files take the same mode.
      if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
      if (process.platform !== 'win32') {
        for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
      }
    }
    const sqlite = new BetterSqlite3(file);
    try {
      if (key) {
        try {
          keySqlite(sqlite, key);
        } catch (error) {
          if (!isWrongKey(error)) throw error;
          throw new InboxAtRestError('unreadable', `${file} cannot be read with this key`, { cause: error });
        }
      }
      let found: number;
      try {
        found = Number(sqlite.pragma('user_version', { simple: true }));
      } catch (error) {
        if (key || !isWrongKey(error)) throw error;
        throw new InboxAtRestError(
          'encrypted',
          `${file} is encrypted (or not an inbox database): give its key (--key-file)`,
          { cause: error },
        );
      }
      if (found > MIGRATIONS.length) {
        throw new NewerSchemaError(
          `inbox database schema ${found} is newer than this inbox supports (${MIGRATIONS.length}); install a newer version`,
        );
      }
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      for (const migration of MIGRATIONS) {
        if (migration.version <= found) continue;
        sqlite.transaction(() => {
          migration.up(sqlite);
          sqlite.pragma(`user_version = ${migration.version}`);
        })();
      }
      return new InboxDb(sqlite);
    } catch (error) {
      sqlite.close();
      throw error;
    }
  }

  close(): void {
    if (this.sqlite.open) this.sqlite.close();
  }

  /** Runs `fn` in a BEGIN IMMEDIATE transaction (another process — the CLI — may write too). */
  write<T>(fn: () => T): T {
    return this.sqlite.transaction(fn).immediate();
  }

  /**
   * Makes the change feed's next cursor come after `cursor`: a fresh inbox that replaces
   * one a window has read from (the demo's) must not hand out cursors the window has
   * already passed, or it would skip those changes.
   */
  continueChangesAfter(cursor: number): void {
    this.write(() => {
      const updated = this.sqlite
        .prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'changes' AND seq < ?`)
        .run(cursor, cursor).changes;
      const known = this.sqlite.prepare(`SELECT 1 FROM sqlite_sequence WHERE name = 'changes'`).get();
      if (updated === 0 && !known && cursor > 0) {
        this.sqlite.prepare(`INSERT INTO sqlite_sequence (name, seq) VALUES ('changes', ?)`).run(cursor);
      }
    });
  }

  /** Changes committed by other connections (the CLI in another process) bump this. */
  dataVersion(): number {
    return Number(this.sqlite.pragma('data_version', { simple: true }));
  }

  // ── windows and approvers ──────────────────────────────────────────────────

  insertWindow(row: WindowRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO windows (window_id, token_hash, scheme, public_key, key_id, label, enrolled_at)
         VALUES (@window_id, @token_hash, @scheme, @public_key, @key_id, @label, @enrolled_at)`,
      )
      .run(row);
  }

  replaceWindowCredentials(row: WindowRow): number {
    return this.sqlite
      .prepare(
        `UPDATE windows SET token_hash = @token_hash, scheme = @scheme, public_key = @public_key, key_id = @key_id,
           label = coalesce(@label, label), enrolled_at = @enrolled_at
         WHERE window_id = @window_id`,
      )
      .run(row).changes;
  }

  windowByTokenHash(tokenHash: string): WindowRow | undefined {
    return this.sqlite.prepare('SELECT * FROM windows WHERE token_hash = ?').get(tokenHash) as WindowRow | undefined;
  }

  windowById(windowId: string): WindowRow | undefined {
    return this.sqlite.prepare('SELECT * FROM windows WHERE window_id = ?').get(windowId) as WindowRow | undefined;
  }

  /** Stores a rating unless the window already sent one for the packet version; returns the one kept. */
  insertRating(row: RatingRow): RatingRow {
    return this.sqlite.transaction(() => {
      this.sqlite
        .prepare(
          `INSERT INTO ratings (rating_id, window_id, packet_id, version, overall, bad, given_at, report, received_at)
           VALUES (@rating_id, @window_id, @packet_id, @version, @overall, @bad, @given_at, @report, @received_at)
           ON CONFLICT DO NOTHING`,
        )
        .run(row);
      return this.sqlite
        .prepare('SELECT * FROM ratings WHERE window_id = ? AND packet_id = ? AND version = ?')
        .get(row.window_id, row.packet_id, row.version) as RatingRow;
    })();
  }

  ratingById(ratingId: string): RatingRow | undefined {
    return this.sqlite.prepare('SELECT * FROM ratings WHERE rating_id = ?').get(ratingId) as RatingRow | undefined;
  }

  /** Newest first; `badOnly` for the 差评 a department must follow up. */
  listRatings(options: { badOnly?: boolean; limit?: number } = {}): RatingRow[] {
    return this.sqlite
      .prepare(
        `SELECT * FROM ratings ${options.badOnly ? 'WHERE bad = 1' : ''} ORDER BY given_at DESC, rating_id LIMIT ?`,
      )
      .all(options.limit ?? 1000) as RatingRow[];
  }

  listWindows(): WindowRow[] {
    return this.sqlite.prepare('SELECT * FROM windows ORDER BY window_id').all() as WindowRow[];
  }

  insertApprover(row: Omit<ApproverRow, 'approver_id'>): void {
    this.sqlite
      .prepare('INSERT INTO approvers (name, token_hash, created_at) VALUES (@name, @token_hash, @created_at)')
      .run(row);
  }

  approverByTokenHash(tokenHash: string): ApproverRow | undefined {
    return this.sqlite.prepare('SELECT * FROM approvers WHERE token_hash = ?').get(tokenHash) as
      ApproverRow | undefined;
  }

  approverByName(name: string): ApproverRow | undefined {
    return this.sqlite.prepare('SELECT * FROM approvers WHERE name = ?').get(name) as ApproverRow | undefined;
  }

  // ── calls (视频会商) ─────────────────────────────────────────────────────────

  /** Inserts a call unless its id is taken; returns the row kept under that id. */
  insertCall(row: CallRow): CallRow {
    return this.sqlite.transaction(() => {
      this.sqlite
        .prepare(
          `INSERT INTO calls (call_id, window_id, placed_by, subject, state, approver_id, approver_name,
             placed_at, answered_at, ended_at, end_reason, packet_id)
           VALUES (@call_id, @window_id, @placed_by, @subject, @state, @approver_id, @approver_name,
             @placed_at, @answered_at, @ended_at, @end_reason, @packet_id)
           ON CONFLICT DO NOTHING`,
        )
        .run(row);
      return this.call(row.call_id) as CallRow;
    })();
  }

  call(callId: string): CallRow | undefined {
    return this.sqlite.prepare('SELECT * FROM calls WHERE call_id = ?').get(callId) as CallRow | undefined;
  }

  /** Answers a waiting call; false when it was no longer waiting. */
  answerCall(callId: string, at: number, approver?: { id: string; name: string }): boolean {
    return (
      this.sqlite
        .prepare(
          `UPDATE calls SET state = 'active', answered_at = @at,
             approver_id = coalesce(@id, approver_id), approver_name = coalesce(@name, approver_name)
           WHERE call_id = @callId AND state = 'waiting'`,
        )
        .run({ callId, at, id: approver?.id ?? null, name: approver?.name ?? null }).changes === 1
    );
  }

  /** Ends a call that is in one of `from`; false when it was not. */
  endCall(callId: string, from: Array<'waiting' | 'active'>, at: number, reason: string): boolean {
    return (
      this.sqlite
        .prepare(
          `UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ?
           WHERE call_id = ? AND state IN (${from.map(() => '?').join(', ')})`,
        )
        .run(at, reason, callId, ...from).changes === 1
    );
  }

  /** Ends every call still open (a restart lost their mailboxes); returns their ids. */
  endOpenCalls(at: number, reason: string): string[] {
    return this.write(() => {
      const ids = (this.sqlite.prepare(`SELECT call_id FROM calls WHERE state != 'ended'`).all() as CallRow[]).map(
        (row) => row.call_id,
      );
      this.sqlite
        .prepare(`UPDATE calls SET state = 'ended', ended_at = ?, end_reason = ? WHERE state != 'ended'`)
        .run(at, reason);
      return ids;
    });
  }

  openCalls(): CallRow[] {
    return this.sqlite.prepare(`SELECT * FROM calls WHERE state != 'ended' ORDER BY placed_at`).all() as CallRow[];
  }

  setCallPacket(callId: string, packetId: string): void {
    this.sqlite.prepare('UPDATE calls SET packet_id = ? WHERE call_id = ?').run(packetId, callId);
  }

  /** The calls about a packet, oldest first. */
  callsOfPacket(packetId: string): CallRow[] {
    return this.sqlite
      .prepare('SELECT * FROM calls WHERE packet_id = ? ORDER BY placed_at, call_id')
      .all(packetId) as CallRow[];
  }

  /** Newest first; `packetId` narrows to one packet's. */
  listCalls(options: { packetId?: string | undefined; limit?: number } = {}): CallRow[] {
    const where = options.packetId === undefined ? '' : 'WHERE packet_id = @packetId';
    return this.sqlite.prepare(`SELECT * FROM calls ${where} ORDER BY placed_at DESC, call_id LIMIT @limit`).all({
      limit: options.limit ?? 1000,
      ...(options.packetId === undefined ? {} : { packetId: options.packetId }),
    }) as CallRow[];
  }

  /** Appends a fact to a call's record; returns its seq. */
  insertCallRecord(callId: string, side: 'window' | 'approver', at: number, entry: string): number {
    return this.write(() => {
      const { next } = this.sqlite
        .prepare('SELECT coalesce(max(seq), 0) + 1 AS next FROM call_records WHERE call_id = ?')
        .get(callId) as { next: number };
      this.sqlite
        .prepare('INSERT INTO call_records (call_id, seq, side, at, entry) VALUES (?, ?, ?, ?, ?)')
        .run(callId, next, side, at, entry);
      return next;
    });
  }

  callRecords(callId: string): CallRecordRow[] {
    return this.sqlite
      .prepare('SELECT * FROM call_records WHERE call_id = ? ORDER BY seq')
      .all(callId) as CallRecordRow[];
  }

  // ── packets ────────────────────────────────────────────────────────────────

  packet(packetId: string, version: number): PacketRow | undefined {
    return this.sqlite.prepare('SELECT * FROM packets WHERE packet_id = ? AND version = ?').get(packetId, version) as
      PacketRow | undefined;
  }

  latestVersion(packetId: string): PacketRow | undefined {
    return this.sqlite
      .prepare('SELECT * FROM packets WHERE packet_id = ? ORDER BY version DESC LIMIT 1')
      .get(packetId) as PacketRow | undefined;
  }

  /**
   * Inserts the version and its file list; a duplicate (packet_id, version) throws
   * SQLITE_CONSTRAINT_UNIQUE. The 查询号 is read from the manifest.
   */
  insertPacket(
    row: Omit<PacketRow, 'seq' | 'tracking_code'>,
    files: Array<Omit<PacketFileRow, 'packet_id' | 'version'>>,
  ): void {
    this.sqlite
      .prepare(
        `INSERT INTO packets (packet_id, version, previous_version, window_id, item_code, manifest_hash, manifest, signature,
           state, registered_at, received_at, department_reference, updated_at, tracking_code)
         VALUES (@packet_id, @version, @previous_version, @window_id, @item_code, @manifest_hash, @manifest, @signature,
           @state, @registered_at, @received_at, @department_reference, @updated_at, ${trackingCodeOf('@manifest')})`,
      )
      .run(row);
    const insertFile = this.sqlite.prepare(
      `INSERT INTO packet_files (packet_id, version, position, sha256, size, media_type, name)
       VALUES (@packet_id, @version, @position, @sha256, @size, @media_type, @name)`,
    );
    for (const file of files) insertFile.run({ ...file, packet_id: row.packet_id, version: row.version });
  }

  /**
   * The packet ids registered under a 查询号, first registered first — at most two: one is
   * the answer, two mean windows drew the same code (55 random bits; see
   * src-main/common/tracking-code.ts) and neither may be shown for the other.
   */
  packetIdsByTrackingCode(code: string): string[] {
    return (
      this.sqlite
        .prepare(`SELECT packet_id FROM packets WHERE tracking_code = ? GROUP BY packet_id ORDER BY min(seq) LIMIT 2`)
        .all(code) as Array<{ packet_id: string }>
    ).map((r) => r.packet_id);
  }

  /** Every registered version of a packet, first first. */
  versionsOf(packetId: string): PacketRow[] {
    return this.sqlite
      .prepare('SELECT * FROM packets WHERE packet_id = ? ORDER BY version')
      .all(packetId) as PacketRow[];
  }

  packetFiles(packetId: string, version: number): PacketFileRow[] {
    return this.sqlite
      .prepare('SELECT * FROM packet_files WHERE packet_id = ? AND version = ? ORDER BY position')
      .all(packetId, version) as PacketFileRow[];
  }

  /**
   * Distinct files of a packet version that its window has not sent the department (or
   * whose stored bytes are gone), in listed order. Another window's upload of the same
   * content does not count.
   */
  missingFiles(packetId: string, version: number): string[] {
    const rows = this.sqlite
      .prepare(
        `SELECT pf.sha256 FROM packet_files pf
         JOIN packets p ON p.packet_id = pf.packet_id AND p.version = pf.version
         LEFT JOIN files f ON f.sha256 = pf.sha256
         LEFT JOIN window_files wf ON wf.window_id = p.window_id AND wf.sha256 = pf.sha256
         WHERE pf.packet_id = ? AND pf.version = ? AND (f.sha256 IS NULL OR wf.sha256 IS NULL)
         GROUP BY pf.sha256 ORDER BY min(pf.position)`,
      )
      .all(packetId, version) as Array<{ sha256: string }>;
    return rows.map((r) => r.sha256);
  }

  /** Whether a window listed this content with this packet id (any version), and at what size. */
  listedSize(windowId: string, packetId: string, sha256: string): number | undefined {
    const row = this.sqlite
      .prepare(
        `SELECT pf.size FROM packet_files pf JOIN packets p ON p.packet_id = pf.packet_id AND p.version = pf.version
         WHERE p.window_id = ? AND pf.packet_id = ? AND pf.sha256 = ? LIMIT 1`,
      )
      .get(windowId, packetId, sha256) as { size: number } | undefined;
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
  ): number {
    return this.sqlite
      .prepare(
        `UPDATE packets SET state = @to, updated_at = @now,
           received_at = coalesce(@received_at, received_at),
           department_reference = coalesce(@department_reference, department_reference)
         WHERE packet_id = @packetId AND version = @version AND state = @from`,
      )
      .run({
        packetId,
        version,
        from,
        to,
        now,
        received_at: extra.received_at ?? null,
        department_reference: extra.department_reference ?? null,
      }).changes;
  }

  listPackets(filter: { state?: InboxState | undefined; limit?: number | undefined } = {}): PacketRow[] {
    const limit = filter.limit ?? 500;
    if (filter.state) {
      return this.sqlite
        .prepare('SELECT * FROM packets WHERE state = ? ORDER BY seq DESC LIMIT ?')
        .all(filter.state, limit) as PacketRow[];
    }
    return this.sqlite.prepare('SELECT * FROM packets ORDER BY seq DESC LIMIT ?').all(limit) as PacketRow[];
  }

  // ── files and uploads ──────────────────────────────────────────────────────

  file(sha256: string): FileRow | undefined {
    return this.sqlite.prepare('SELECT * FROM files WHERE sha256 = ?').get(sha256) as FileRow | undefined;
  }

  /** true when inserted, false when the content was already held. */
  insertFileIfAbsent(row: FileRow): boolean {
    return (
      this.sqlite
        .prepare(
          'INSERT INTO files (sha256, size, path, received_at) VALUES (@sha256, @size, @path, @received_at) ON CONFLICT DO NOTHING',
        )
        .run(row).changes === 1
    );
  }

  /** The stored content is gone: every window that had sent it must send it again. */
  deleteFile(sha256: string): void {
    this.sqlite.prepare('DELETE FROM files WHERE sha256 = ?').run(sha256);
    this.sqlite.prepare('DELETE FROM window_files WHERE sha256 = ?').run(sha256);
  }

  /** The window uploaded this content itself (call inside `write`, with the upload's settling). */
  insertWindowFile(windowId: string, sha256: string, receivedAt: number): void {
    this.sqlite
      .prepare('INSERT OR IGNORE INTO window_files (window_id, sha256, received_at) VALUES (?, ?, ?)')
      .run(windowId, sha256, receivedAt);
  }

  /** The stored file of this content, if this window has sent it itself. */
  fileSentBy(windowId: string, sha256: string): FileRow | undefined {
    return this.sqlite
      .prepare(
        `SELECT f.* FROM files f JOIN window_files wf ON wf.sha256 = f.sha256
         WHERE wf.window_id = ? AND f.sha256 = ?`,
      )
      .get(windowId, sha256) as FileRow | undefined;
  }

  insertUpload(row: UploadRow): void {
    this.sqlite
      .prepare(
        `INSERT INTO uploads (upload_id, window_id, packet_id, sha256, size, created_at, expires_at, state)
         VALUES (@upload_id, @window_id, @packet_id, @sha256, @size, @created_at, @expires_at, @state)`,
      )
      .run(row);
  }

  upload(uploadId: string): UploadRow | undefined {
    return this.sqlite.prepare('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
  }

  setUploadState(uploadId: string, from: UploadState, to: UploadState): number {
    return this.sqlite.prepare('UPDATE uploads SET state = ? WHERE upload_id = ? AND state = ?').run(to, uploadId, from)
      .changes;
  }

  /** Uploads of a window still open and not expired at `now` (finished, refused and expired ones do not count). */
  openUploadCount(windowId: string, now: number): number {
    return Number(
      this.sqlite
        .prepare(`SELECT count(*) FROM uploads WHERE window_id = ? AND state = 'open' AND expires_at > ?`)
        .pluck()
        .get(windowId, now),
    );
  }

  expiredOpenUploads(now: number, limit = 100): UploadRow[] {
    return this.sqlite
      .prepare(`SELECT * FROM uploads WHERE state = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT ?`)
      .all(now, limit) as UploadRow[];
  }

  // ── change feed ────────────────────────────────────────────────────────────

  /** Appends a change for a packet version (call inside `write`); listeners hear of it after commit. */
  appendChange(
    packet: Pick<PacketRow, 'packet_id' | 'version' | 'window_id'>,
    change: NewChange,
    at: number,
  ): ChangeRow {
    const row = this.sqlite
      .prepare(
        `INSERT INTO changes (window_id, packet_id, version, state, reason, correction_items, waybill, decided_by, at,
           supply_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
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
      ) as ChangeRow;
    // Only a wake-up for long polls, which re-read the table; deferred past the surrounding transaction.
    queueMicrotask(() => this.emit('change', row));
    return row;
  }

  changesFor(windowId: string, after: number, limit: number): ChangeRow[] {
    return this.sqlite
      .prepare('SELECT * FROM changes WHERE window_id = ? AND cursor > ? ORDER BY cursor LIMIT ?')
      .all(windowId, after, limit) as ChangeRow[];
  }

  changesOfPacket(packetId: string): ChangeRow[] {
    return this.sqlite
      .prepare('SELECT * FROM changes WHERE packet_id = ? ORDER BY cursor')
      .all(packetId) as ChangeRow[];
  }
}
