// The queue at a busy window: search and keyset paging over a year of history.
// packet_search holds one row per search term of a packet version: keyed HMACs of the
// normalised names and ID numbers (never the clear values, see packets/packet-search.ts)
// and the document numbers. It is filled when a packet is sealed; packets sealed before
// this migration are indexed at start (PacketStore.indexMissing), because the key lives
// outside the database. The other indexes serve the queue's pages and counts.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE packet_search (
  term TEXT NOT NULL,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  PRIMARY KEY (term, packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT, WITHOUT ROWID;
CREATE INDEX packet_search_by_packet ON packet_search (packet_id, version);
CREATE INDEX packets_by_page ON packets (sealed_at DESC, packet_id DESC, version DESC);
-- Covering: a filter driven by state reaches sealed_at without reading the manifest.
CREATE INDEX packets_by_key_time ON packets (packet_id, version, sealed_at);
CREATE INDEX packet_state_by_state ON packet_state (state, packet_id, version);
`;

export const packetSearch: Migration = {
  version: 9,
  name: 'packet search',
  up(db) {
    db.exec(SQL);
  },
};
