// The encrypted SQLite database: opened with the derived key, proven readable before
// anything is written, migrated forward one transaction per version, with a backup
// copy taken before an existing database is upgraded.
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../common/errors.ts';
import { errorCode, fsyncDirSync, fsyncFileSync } from './fs-sync.ts';
import { isWrongKey, keySqlite } from './sqlite-cipher.ts';
import { migrations as appMigrations } from './migrations/index.ts';
import type { Migration } from './migrations/migration.ts';

export type Database = BetterSqlite3.Database;
export type Statement<P extends unknown[] | object = unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

export type { Migration } from './migrations/migration.ts';

export interface OpenDatabaseOptions {
  file: string;
  /** 32-byte database key (see deriveStoreKeys). */
  key: Buffer;
  /** Where a copy of the database goes before an upgrade. */
  backupDir: string;
  /** Defaults to the app's migrations. */
  migrations?: Migration[];
  /** Wall clock for backup names; defaults to Date.now. */
  now?: () => number;
}

export function openDatabase(options: OpenDatabaseOptions): Database {
  const { file, key } = options;
  const migrations = options.migrations ?? appMigrations;
  const latest = checkMigrations(migrations);
  const name = basename(file);
  if (key.length !== 32) throw new RangeError(`database key must be 32 bytes, got ${key.length}`);

  // A zero-byte file is what an interrupted first start leaves: treat it as new.
  const existed = existsSync(file) && statSync(file).size > 0;
  mkdirSync(dirname(file), { recursive: true });

  let db: Database;
  try {
    db = new BetterSqlite3(file);
  } catch (error) {
    throw new AppError(
      'store.cannotOpen',
      `cannot open database file: ${describe(error)}`,
      { file: name },
      { cause: error },
    );
  }

  try {
    // Nothing has been written yet: a wrong key or a foreign file fails here, untouched.
    try {
      keySqlite(db, key);
    } catch (error) {
      if (isWrongKey(error)) {
        throw new AppError(
          'store.cannotOpen',
          'database file cannot be read with this key (wrong key, or not a Tongban database)',
          { file: name },
          { cause: error },
        );
      }
      throw error;
    }

    // Checked before any pragma that could write (journal_mode changes the header).
    const found = userVersion(db);
    if (found > latest) {
      throw new AppError(
        'store.newerVersion',
        `database schema version ${found} is newer than this app supports (${latest}); install a newer version`,
        { found, supported: latest },
      );
    }

    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Makes INSERT OR REPLACE fire DELETE triggers, so it cannot bypass append-only tables.
    db.pragma('recursive_triggers = ON');

    if (existed && found > 0 && found < latest) {
      backup(db, file, options.backupDir, found, (options.now ?? Date.now)());
    }

    for (const migration of migrations) {
      if (migration.version <= found) continue;
      try {
        db.transaction(() => {
          migration.up(db);
          db.pragma(`user_version = ${migration.version}`);
        })();
      } catch (error) {
        const mapped = mapStoreError(error);
        if (mapped instanceof AppError) throw mapped;
        throw new AppError(
          'store.migrationFailed',
          `migration ${migration.version} (${migration.name}) failed: ${describe(error)}`,
          { version: migration.version },
          { cause: error },
        );
      }
    }
    return db;
  } catch (error) {
    db.close();
    throw mapStoreError(error);
  }
}

/** Turns "no space left" from SQLite or the file system into store.diskFull; anything else is returned as is. */
export function mapStoreError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = errorCode(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('store.diskFull', `disk full while writing data (${code})`, undefined, { cause: error });
  }
  return error;
}

/** Returns the latest version; the list must be 1..n in order (a programming error otherwise). */
function checkMigrations(migrations: readonly Migration[]): number {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list is not contiguous: position ${index} has version ${migration.version}`);
    }
  });
  return migrations.length;
}

function userVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function backup(db: Database, file: string, backupDir: string, version: number, now: number): void {
  // Fold the WAL into the main file so a plain copy is the whole database.
  db.pragma('wal_checkpoint(TRUNCATE)');
  mkdirSync(backupDir, { recursive: true });
  const stem = `tongban-v${version}-${timestamp(now)}`;
  let target = join(backupDir, `${stem}.db`);
  for (let n = 2; existsSync(target); n++) target = join(backupDir, `${stem}-${n}.db`);
  // Copy under a temp name so a crash never leaves a truncated file that looks like a backup.
  const partial = `${target}.part`;
  try {
    copyFileSync(file, partial);
    fsyncFileSync(partial);
    renameSync(partial, target);
    fsyncDirSync(backupDir);
  } catch (error) {
    try {
      unlinkSync(partial);
    } catch {
      // already gone or never created
    }
    throw error;
  }
}

/** YYYYMMDDTHHmmss in UTC, so names sort and never repeat across DST changes. */
function timestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/[-:]/g, '');
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
