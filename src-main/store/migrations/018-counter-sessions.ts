// The supervisor's session list (会话抽查): one row per counter session, folded from its
// event stream (recording/sessions.ts keeps it as each event is appended, in the event's
// transaction). The columns are what the list filters and sorts by; `record` holds the
// rest of the fold. Sessions logged before this migration are folded in at start
// (SessionIndex.catchUp), from the log itself: the fold is code that may learn new rules,
// and a migration, once shipped, never changes. Indexes serve keyset pages, newest
// first, under each filter over a year of sessions (about 20,000 at one window).
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE counter_sessions (
  draft_id TEXT PRIMARY KEY,
  clerk TEXT,
  item_code TEXT,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  duration_ms INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN ('open', 'sealed', 'correction', 'abandoned')),
  flags INTEGER NOT NULL DEFAULT 0,
  reviewed INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
  last_seq INTEGER NOT NULL,
  record TEXT NOT NULL
) STRICT;
CREATE INDEX counter_sessions_by_start ON counter_sessions (started_at, draft_id);
CREATE INDEX counter_sessions_by_clerk ON counter_sessions (clerk, started_at, draft_id);
CREATE INDEX counter_sessions_by_item ON counter_sessions (item_code, started_at, draft_id);
CREATE INDEX counter_sessions_by_outcome ON counter_sessions (outcome, started_at, draft_id);
CREATE INDEX counter_sessions_flagged ON counter_sessions (started_at, draft_id) WHERE flags != 0;
CREATE INDEX counter_sessions_unreviewed ON counter_sessions (started_at, draft_id) WHERE reviewed = 0;
-- The item's finished sessions in the order they finished: what "longer than usual" is judged against.
CREATE INDEX counter_sessions_finished ON counter_sessions (item_code, ended_at)
  WHERE outcome IN ('sealed', 'correction');
`;

export const counterSessions: Migration = {
  version: 18,
  name: 'counter sessions',
  up(db) {
    db.exec(SQL);
  },
};
