// The profile (demo or configured) this data directory was set up with, recorded at its
// first start, so a lost config.json can never quietly turn a hall's database into the
// demo's (whose packets go to the embedded demo department). One row; a database from
// before this migration records the profile of its first start after it.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE hall_profile (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  profile TEXT NOT NULL CHECK (profile IN ('demo', 'configured')),
  hall_id TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
`;

export const hallProfile: Migration = {
  version: 6,
  name: 'hall profile',
  up(db) {
    db.exec(SQL);
  },
};
