// Originals posted to the department (原件寄递): one row per packet version that has
// originals to post, written in the sealing transaction; the EMS waybill number is filled
// in when the parcel leaves. Packets sealed before this migration have no row.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE original_postings (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  sealed_at INTEGER NOT NULL,
  waybill TEXT,
  recorded_at INTEGER,
  recorded_by TEXT,
  PRIMARY KEY (packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version),
  CHECK ((waybill IS NULL) = (recorded_at IS NULL))
) STRICT;
CREATE INDEX original_postings_by_day ON original_postings (sealed_at);
CREATE INDEX original_postings_open ON original_postings (sealed_at) WHERE waybill IS NULL;
`;

export const originalPostings: Migration = {
  version: 10,
  name: 'original postings',
  up(db) {
    db.exec(SQL);
  },
};
