// What a schema migration is. Its own module, so the numbered migrations and the
// database that runs them do not import each other.
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

export interface Migration {
  /** 1, 2, 3 … in order; stored in PRAGMA user_version once applied. */
  version: number;
  /** Short English name for logs and error details. */
  name: string;
  up(db: BetterSqlite3.Database): void;
}
