// Installed service-item catalogs (事项目录): every accepted version is kept, as the
// signed file it arrived in, so a packet can always name the catalog it was taken
// under and the signature can be checked again. Exactly one version is active.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE catalogs (
  version INTEGER PRIMARY KEY,
  content TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  signer_key_id TEXT NOT NULL,
  publisher TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  installed_at INTEGER NOT NULL,
  installed_by TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0,1))
) STRICT;
CREATE UNIQUE INDEX catalogs_one_active ON catalogs (active) WHERE active = 1;
CREATE TRIGGER catalogs_content_immutable BEFORE UPDATE OF version, content, sha256, signer_key_id ON catalogs
BEGIN SELECT RAISE(ABORT, 'an installed catalog is never changed'); END;
`;

export const catalog: Migration = {
  version: 2,
  name: 'catalog',
  up(db) {
    db.exec(SQL);
  },
};
