// 好差评: the applicant's rating of a visit, one per packet version ("一次一评"), with
// what it is about copied from the packet at the time it was given (case number, item,
// department, region, clerk), so the record stands on its own when it travels or the
// catalog changes. A 差评 carries its follow-up due date (15 working days) and the
// supervisors' follow-up records. The outbox row sends it to the department's inbox (or
// the configured ratings department) with the same leases and backoff as packets; its
// body is the report exactly as sent, so a retry sends the same bytes.
import type { Migration } from './migration.ts';

const SQL = `
CREATE TABLE ratings (
  rating_id TEXT PRIMARY KEY,
  packet_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  tracking_code TEXT,
  item_code TEXT NOT NULL,
  item_name TEXT NOT NULL,
  department_id TEXT,
  department_name TEXT,
  region_code TEXT NOT NULL,
  clerk_username TEXT NOT NULL,
  clerk_name TEXT NOT NULL,
  overall INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
  efficiency INTEGER NOT NULL CHECK (efficiency BETWEEN 1 AND 5),
  skill INTEGER NOT NULL CHECK (skill BETWEEN 1 AND 5),
  attitude INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
  category TEXT,
  text TEXT,
  bad INTEGER NOT NULL CHECK (bad IN (0, 1)),
  given_at INTEGER NOT NULL,
  follow_up_due TEXT,
  followed_up_at INTEGER,
  session_stream TEXT,
  UNIQUE (packet_id, version),
  FOREIGN KEY (packet_id, version) REFERENCES packets (packet_id, version),
  CHECK (bad = 0 OR (category IS NOT NULL AND follow_up_due IS NOT NULL))
) STRICT;
CREATE INDEX ratings_by_time ON ratings (given_at, rating_id);
CREATE INDEX ratings_open_bad ON ratings (follow_up_due, rating_id) WHERE bad = 1 AND followed_up_at IS NULL;

-- What a supervisor did about a 差评 (回访, 整改, 答复): who, when, what. Appended, never changed.
CREATE TABLE rating_follow_ups (
  id INTEGER PRIMARY KEY,
  rating_id TEXT NOT NULL REFERENCES ratings (rating_id),
  by_username TEXT NOT NULL,
  by_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  action TEXT NOT NULL,
  closes INTEGER NOT NULL CHECK (closes IN (0, 1))
) STRICT;
CREATE INDEX rating_follow_ups_by_rating ON rating_follow_ups (rating_id, id);

-- One row per rating to send; the same lease, backoff and hold-for-a-person columns as outbox_packets.
CREATE TABLE outbox_ratings (
  seq INTEGER PRIMARY KEY,
  rating_id TEXT NOT NULL UNIQUE REFERENCES ratings (rating_id),
  department_id TEXT NOT NULL,
  body TEXT NOT NULL,
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_until INTEGER,
  last_error_code TEXT,
  last_error TEXT,
  last_error_at INTEGER,
  received_at TEXT,
  enqueued_at INTEGER NOT NULL,
  done_at INTEGER
) STRICT;
CREATE INDEX outbox_ratings_due ON outbox_ratings (next_attempt_at) WHERE done_at IS NULL AND blocked = 0;
`;

export const ratings: Migration = {
  version: 19,
  name: 'ratings',
  up(db) {
    db.exec(SQL);
  },
};
