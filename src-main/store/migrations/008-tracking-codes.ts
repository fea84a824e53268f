// 查询号: one per packet (every version of it shares the code), reserved before its
// notices are rendered so a seal tried again after a failed render prints the same code.
// UNIQUE on the code is the window's own uniqueness check; the code's 55 random bits keep
// codes of different windows apart (see common/tracking-code.ts). Packets sealed before
// this migration have none: their notices and manifests never named one.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE tracking_codes (
  packet_id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  reserved_at INTEGER NOT NULL
) STRICT;
`;

export const trackingCodes: Migration = {
  version: 8,
  name: 'tracking codes',
  up(db) {
    db.exec(SQL);
  },
};
