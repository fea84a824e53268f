// Packet states become a closed list: packet_state.state gets a CHECK with every state of
// common/packet-states.ts, so a typo or a state from nowhere can never be stored. SQLite
// adds a CHECK only by rebuilding the table. The list is written out here, not imported:
// a shipped migration never changes, and a test holds it equal to PACKET_STATES, so a new
// state needs a new migration.
import type { Migration } from './migration.ts';

export const PACKET_STATES_V5 = [
  'sealed',
  'uploading',
  'submitted',
  'retry_wait',
  'blocked',
  'upload_gone',
  'correction_issued',
  'refused_at_window',
  'delivered',
  'accepted',
  'correction_required',
  'refused',
  'approved',
  'closed',
] as const;

const SQL = `
CREATE TABLE packet_state_checked (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN (${PACKET_STATES_V5.map((s) => `'${s}'`).join(', ')})),
  reason TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
INSERT INTO packet_state_checked (packet_id, version, state, reason, updated_at)
  SELECT packet_id, version, state, reason, updated_at FROM packet_state;
DROP TABLE packet_state;
ALTER TABLE packet_state_checked RENAME TO packet_state;
`;

export const packetStates: Migration = {
  version: 5,
  name: 'packet states',
  up(db) {
    db.exec(SQL);
  },
};
