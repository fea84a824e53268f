// A packet's files may be the applicant's e-signature (its PNG and its strokes) besides
// materials and documents. SQLite cannot change a CHECK in place: the table is rebuilt
// with the same rows, index and triggers, and the wider CHECK.
import type { Migration } from './migration.ts';

export const signatureFiles: Migration = {
  version: 20,
  name: 'signature-files',
  up(db) {
    db.exec(`
CREATE TABLE packet_files_new (
  id INTEGER PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  role TEXT NOT NULL CHECK (role IN ('material', 'document', 'signature')),
  material_id TEXT,
  document_kind TEXT,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  UNIQUE (packet_id, version, role, sha256, material_id),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
INSERT INTO packet_files_new (id, packet_id, version, sha256, role, material_id, document_kind, name, media_type, size)
  SELECT id, packet_id, version, sha256, role, material_id, document_kind, name, media_type, size FROM packet_files;
DROP TABLE packet_files;
ALTER TABLE packet_files_new RENAME TO packet_files;
CREATE INDEX packet_files_by_blob ON packet_files (sha256);
CREATE TRIGGER packet_files_immutable BEFORE UPDATE ON packet_files
BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes'); END;
CREATE TRIGGER packet_files_kept BEFORE DELETE ON packet_files
BEGIN SELECT RAISE(ABORT, 'a sealed packet never changes'); END;
`);
  },
};
