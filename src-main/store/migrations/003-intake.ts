// Intake: drafts the clerk is working on (autosaved, so a crash or power cut
// resumes exactly where it was) and sealed packets (收件包), which never change.
// A packet's sync state lives apart from it, so the packet rows stay immutable.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE drafts (
  id TEXT PRIMARY KEY,
  clerk_id INTEGER NOT NULL REFERENCES users(id),
  item_code TEXT NOT NULL,
  catalog_version INTEGER NOT NULL,
  step TEXT NOT NULL,
  state TEXT NOT NULL,
  previous_packet_id TEXT,
  previous_version INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX drafts_by_clerk ON drafts (clerk_id, updated_at);

CREATE TABLE draft_files (
  draft_id TEXT NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
  material_id TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (draft_id, material_id, sha256)
) STRICT;

CREATE TABLE packets (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  previous_version INTEGER,
  item_code TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('accept', 'correction', 'refuse')),
  applicant_name TEXT NOT NULL,
  manifest TEXT NOT NULL,
  manifest_hash TEXT NOT NULL CHECK (length(manifest_hash) = 64),
  clerk_id INTEGER NOT NULL REFERENCES users(id),
  sealed_at INTEGER NOT NULL,
  deadline TEXT,
  PRIMARY KEY (packet_id, version)
) STRICT;
CREATE INDEX packets_by_time ON packets (sealed_at);
CREATE TRIGGER packets_immutable BEFORE UPDATE ON packets
BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes; a correction is a new version'); END;
CREATE TRIGGER packets_kept BEFORE DELETE ON packets
BEGIN SELECT RAISE(ABORT, 'a sealed packet is never deleted'); END;

CREATE TABLE packet_files (
  id INTEGER PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  role TEXT NOT NULL CHECK (role IN ('material', 'document')),
  material_id TEXT,
  document_kind TEXT,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  UNIQUE (packet_id, version, role, sha256, material_id),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
CREATE INDEX packet_files_by_blob ON packet_files (sha256);
CREATE TRIGGER packet_files_immutable BEFORE UPDATE ON packet_files
BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes'); END;
CREATE TRIGGER packet_files_kept BEFORE DELETE ON packet_files
BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes'); END;

-- Where a packet stands; every change is also a row in packet_transitions.
CREATE TABLE packet_state (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  reason TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
CREATE TABLE packet_transitions (
  id INTEGER PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT,
  at INTEGER NOT NULL,
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;

-- Document numbers run per series (hall, kind, year); a number is never reused.
CREATE TABLE document_counters (
  series TEXT PRIMARY KEY,
  last INTEGER NOT NULL
) STRICT;
`;

export const intake: Migration = {
  version: 3,
  name: 'intake',
  up(db) {
    db.exec(SQL);
  },
};
