// A material's pages have an order the clerk sets (the 高拍仪 takes them one by one; a page
// retaken keeps its place): `position` within the draft's material, from 0. Pages already
// there keep the order they were added in.
import type { Migration } from './migration.ts';

const SQL = `
ALTER TABLE draft_files ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE draft_files SET position = (
  SELECT count(*) FROM draft_files AS earlier
  WHERE earlier.draft_id = draft_files.draft_id
    AND earlier.material_id = draft_files.material_id
    AND (earlier.added_at < draft_files.added_at
      OR (earlier.added_at = draft_files.added_at AND earlier.sha256 < draft_files.sha256))
);
`;

export const pageOrder: Migration = {
  version: 15,
  name: 'page-order',
  up(db) {
    db.exec(SQL);
  },
};
