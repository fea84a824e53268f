// Stream heads get a MAC under a key derived from the master key: whoever holds only the
// database (or its key) can no longer rewrite a chain and its head unnoticed. Heads of an
// older database are sealed when the event log first opens with the key.
import type { Migration } from './migration.ts';

export const sealedHeads: Migration = {
  version: 7,
  name: 'sealed stream heads',
  up(db) {
    db.exec('ALTER TABLE event_streams ADD COLUMN head_mac TEXT');
  },
};
