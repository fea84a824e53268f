// 回执打印: the thermal slips a seal issues (the 收件回执, a window 补正's slip) wait here
// until the receipt printer has printed them whole. A job keeps the slip's data as the seal
// made it, so a reprint (补打) prints the same receipt marked as such. Printing never
// blocks sealing: the job is written in the seal's transaction and printed after it.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE print_jobs (
  id INTEGER PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  document TEXT NOT NULL CHECK (document IN ('receipt', 'correction')),
  -- The document model as sealed (JSON): what the slip prints.
  model TEXT NOT NULL,
  -- The hall's date and time of the seal, YYYY-MM-DD HH:MM, printed on the slip.
  received_at TEXT NOT NULL,
  -- The job this one reprints (补打), or NULL for the slip the seal issued.
  reprint_of INTEGER REFERENCES print_jobs (id),
  state TEXT NOT NULL CHECK (state IN ('waiting', 'printing', 'printed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  -- The last failure: an error code and its parameters (JSON), cleared when printed.
  last_error TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  printed_at INTEGER,
  -- The session's event stream the printing is logged to.
  session_stream TEXT NOT NULL,
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version)
) STRICT;
CREATE INDEX print_jobs_by_state ON print_jobs (state, created_at);
CREATE INDEX print_jobs_by_packet ON print_jobs (packet_id, version);
`;

export const printJobs: Migration = {
  version: 14,
  name: 'print-jobs',
  up(db) {
    db.exec(SQL);
  },
};
