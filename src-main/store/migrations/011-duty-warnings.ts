// The warnings of the duty board (packets/duty-board.ts), each recorded once when first
// seen: which packet version's duty turned yellow or red, and when. They are also events
// in the audit log; this table is what keeps them from being logged twice.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE duty_warnings (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  duty TEXT NOT NULL CHECK (duty IN ('push', 'post', 'decision')),
  level TEXT NOT NULL CHECK (level IN ('yellow', 'red')),
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (packet_id, version, duty, level),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
`;

export const dutyWarnings: Migration = {
  version: 11,
  name: 'duty warnings',
  up(db) {
    db.exec(SQL);
  },
};
