// A page's thumbnail, stored beside it: the pages list shows a few kilobytes per page, not
// the page itself (a 100-page material would otherwise hold every page in the window).
// Files stored before have none; the list shows them whole, as before.
import type { Migration } from './migration.ts';

export const pageThumbnails: Migration = {
  version: 17,
  name: 'page-thumbnails',
  up(db) {
    db.exec('ALTER TABLE draft_files ADD COLUMN thumbnail_sha256 TEXT REFERENCES blobs(sha256)');
  },
};
