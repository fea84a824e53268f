// How every encrypted SQLite file of the project is keyed (SQLite3 Multiple Ciphers,
// through better-sqlite3-multiple-ciphers): the app's own database and the demo
// profile's embedded department inbox, which imports this file for that alone. Whole
// pages are encrypted, the header included; WAL frames too.
import { closeSync, openSync, readSync } from 'node:fs';

/** What keying needs of a connection (better-sqlite3's Database has it). */
export interface KeyableSqlite {
  pragma(source: string): unknown;
  prepare(source: string): { get(): unknown };
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Keys a freshly opened connection, before anything else reads or writes, and proves the
 * key opens the file: a wrong key or a file that is not (this) database fails here,
 * with nothing written. The cipher is pinned so a change of the library's default can
 * never orphan a database.
 */
export function keySqlite(db: KeyableSqlite, key: Buffer): void {
  if (key.length !== 32) throw new RangeError(`database key must be 32 bytes, got ${key.length}`);
  db.pragma(`cipher='chacha20'`);
  db.pragma(`hexkey='${key.toString('hex')}'`);
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

/** Whether an error of keySqlite's first read means "not readable with this key" (or not a database). */
export function isWrongKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'));
}

/** Whether the file is an SQLite database stored in the clear (false for a missing or empty file). */
export function isPlaintextSqlite(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(HEADER);
  } finally {
    closeSync(fd);
  }
}
