// The database's list of stored blobs, which the integrity check compares with the
// files on disk: a blob is recorded in the same transaction as its first use.
import type { Database } from './database.ts';

export function recordBlob(db: Database, blob: { sha256: string; size: number }, now: number): void {
  db.prepare('INSERT OR IGNORE INTO blobs (sha256, size, created_at) VALUES (?, ?, ?)').run(blob.sha256, blob.size, now);
}

export function isRecorded(db: Database, sha256: string): boolean {
  return db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?').get(sha256) !== undefined;
}
