// Where a draft's file came from: a page taken on the document camera, or a file picked
// (a USB stick, the applicant's own electronic document). At seal a material's camera
// pages are bound into one PDF; picked files travel as they are (a signed PDF must stay
// byte for byte). Files already there were all picked.
import type { Migration } from './migration.ts';

export const pageSource: Migration = {
  version: 16,
  name: 'page-source',
  up(db) {
    db.exec(
      `ALTER TABLE draft_files ADD COLUMN source TEXT NOT NULL DEFAULT 'file' CHECK (source IN ('file', 'documentCamera'))`,
    );
  },
};
