// The inbox's SQLite schema: append-only migrations, applied when the file opens
// (sqlite-driver.ts). PostgreSQL's are in postgres-schema.ts; docs/inbox-schema.md
// describes both.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

type Sqlite = BetterSqlite3.Database;

export interface SqliteMigration {
  version: number;
  name: string;
  up(db: Sqlite): void;
}

// Append only: a shipped migration is never edited.
export const SQLITE_MIGRATIONS: SqliteMigration[] = [
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
