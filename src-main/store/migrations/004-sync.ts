// Sync with the approving departments: the window's signing keys and department
// tokens (both sealed with a key derived from the master key), the outbox (one row
// per packet version that travels, one per distinct file of it), and the change feed
// as applied (cursor per department, every change kept).
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE sync_keys (
  scheme TEXT PRIMARY KEY CHECK (scheme IN ('ed25519', 'sm2')),
  public_key TEXT NOT NULL,
  key_id TEXT NOT NULL CHECK (length(key_id) = 64),
  private_sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

-- Secrets an installer sets (department tokens), sealed; never in config.json or logs.
CREATE TABLE sync_credentials (
  name TEXT PRIMARY KEY,
  secret_sealed BLOB NOT NULL,
  set_by TEXT NOT NULL,
  set_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sync_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- One row per packet version that goes to a department. step is where the protocol
-- stands (register = PUT, upload = tus, commit, done); the queue's visible state is
-- packet_state, moved with every step through PacketStore.moveTo.
CREATE TABLE outbox_packets (
  seq INTEGER PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  department_id TEXT NOT NULL,
  manifest_hash TEXT NOT NULL CHECK (length(manifest_hash) = 64),
  scheme TEXT CHECK (scheme IN ('ed25519', 'sm2')),
  signature TEXT,
  step TEXT NOT NULL CHECK (step IN ('register', 'upload', 'commit', 'done')),
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error_code TEXT,
  last_error TEXT,
  last_error_params TEXT,
  last_error_at INTEGER,
  upload_endpoint TEXT,
  department_reference TEXT,
  received_at TEXT,
  enqueued_at INTEGER NOT NULL,
  done_at INTEGER,
  UNIQUE (packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
CREATE INDEX outbox_packets_due ON outbox_packets (step, blocked, next_attempt_at);

-- One row per distinct file of a travelling packet version. state: waiting (before
-- the PUT says whether the department needs it), pending (needed, no upload yet),
-- uploading (upload URL stored before the first byte), done (the department has it).
CREATE TABLE outbox_files (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  position INTEGER NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  size INTEGER NOT NULL CHECK (size >= 0),
  lane TEXT NOT NULL CHECK (lane IN ('small', 'bulk')),
  state TEXT NOT NULL CHECK (state IN ('waiting', 'pending', 'uploading', 'done')),
  upload_url TEXT,
  bytes_sent INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  PRIMARY KEY (packet_id, version, sha256),
  FOREIGN KEY (packet_id, version) REFERENCES outbox_packets (packet_id, version)
) STRICT;
CREATE INDEX outbox_files_due ON outbox_files (lane, state);

-- The change feed: where each department's feed was read up to, and every change
-- applied, in the same transaction as the cursor.
CREATE TABLE sync_cursors (
  department_id TEXT PRIMARY KEY,
  cursor INTEGER NOT NULL CHECK (cursor >= 0),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE sync_changes (
  department_id TEXT NOT NULL,
  cursor INTEGER NOT NULL,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  correction_items TEXT,
  waybill TEXT,
  decided_by TEXT,
  at TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  known INTEGER NOT NULL CHECK (known IN (0, 1)),
  PRIMARY KEY (department_id, cursor)
) STRICT;
CREATE INDEX sync_changes_by_packet ON sync_changes (packet_id, version, cursor);
CREATE TRIGGER sync_changes_kept_update BEFORE UPDATE ON sync_changes
BEGIN SELECT RAISE(ABORT, 'sync_changes is append-only'); END;
CREATE TRIGGER sync_changes_kept_delete BEFORE DELETE ON sync_changes
BEGIN SELECT RAISE(ABORT, 'sync_changes is append-only'); END;
`;

export const sync: Migration = {
  version: 4,
  name: 'sync',
  up(db) {
    db.exec(SQL);
  },
};
