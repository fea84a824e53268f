// 交付: the clerk records that a department's decision reached the applicant — a refusal
// or a result handed over at the window, or posted. A decision handed over leaves the
// clerk's 需人工处理 list; the record says who did it and when.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE handovers (
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('refused', 'approved')),
  how TEXT NOT NULL CHECK (how IN ('window', 'post')),
  handed_by TEXT NOT NULL,
  handed_at INTEGER NOT NULL,
  PRIMARY KEY (packet_id, version, state),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
`;

export const handovers: Migration = {
  version: 13,
  name: 'handovers',
  up(db) {
    db.exec(SQL);
  },
};
