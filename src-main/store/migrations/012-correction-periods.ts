// A department's 补正 may carry its own last day (supplyBy in the change feed); it is
// kept with the change as sent, like the rest of the feed.
import type { Migration } from './migration.ts';

export const correctionPeriods: Migration = {
  version: 12,
  name: 'correction periods',
  up(db) {
    db.exec('ALTER TABLE sync_changes ADD COLUMN supply_by TEXT;');
  },
};
