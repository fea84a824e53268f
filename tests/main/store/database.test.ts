import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { type Database, type Migration, mapStoreError, openDatabase } from '../../../src-main/store/database.ts';
import { migrations } from '../../../src-main/store/migrations/index.ts';
import { appErrorOf, expectCode, fileSha256, newKey, tempDir } from './helpers.ts';

const m1: Migration = {
  version: 1,
  name: 'create notes',
  up: (db) => db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT'),
};
const m2: Migration = {
  version: 2,
  name: 'create tags',
  up: (db) => db.exec('CREATE TABLE tags (name TEXT PRIMARY KEY) STRICT'),
};
const failing: Migration = {
  version: 2,
  name: 'half done',
  up: (db) => {
    db.exec('CREATE TABLE half_done (x INTEGER) STRICT');
    db.exec("INSERT INTO notes (body) VALUES ('from the failing migration')");
    throw new Error('boom');
  },
};

function setup() {
  const dir = tempDir();
  return { dir, file: join(dir, 'data', 'tongban.db'), backupDir: join(dir, 'backups'), key: newKey() };
}

function tableNames(db: Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  ).filter((name) => !name.startsWith('sqlite_'));
}

function version(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function withDb<T>(db: Database, fn: (db: Database) => T): T {
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('openDatabase', () => {
  it('creates a fresh database at the latest version with the app schema', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      expect(version(db)).toBe(migrations.length);
      // Later migrations add tables of their own; the foundation's must all be there.
      expect(tableNames(db)).toEqual(expect.arrayContaining(['blobs', 'event_log', 'event_streams', 'users']));
      const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
      expect(triggers).toEqual(expect.arrayContaining(['event_log_append_only_delete', 'event_log_append_only_update']));
    });
    // Nothing to back up for a new database.
    expect(existsSync(backupDir)).toBe(false);
  });

  it('has WAL, synchronous=FULL, foreign keys and a busy timeout in force', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    });
  });

  it('re-opening is a no-op that keeps the data', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      db.prepare(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at) VALUES ('li', 'Li', 'clerk', 'h', 1, 1)",
      ).run();
    });
    const schemaBefore = withDb(openDatabase({ file, key, backupDir }), (db) =>
      db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all(),
    );
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      expect(version(db)).toBe(migrations.length);
      expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').pluck().all()).toEqual(schemaBefore);
      expect(db.prepare('SELECT username FROM users').pluck().all()).toEqual(['li']);
    });
    expect(existsSync(backupDir)).toBe(false);
  });

  it('encrypts the file: no SQLite header, no schema or data strings', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      db.prepare(
        "INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at) VALUES ('marker-user-4711', 'Zhang San', 'clerk', 'h', 1, 1)",
      ).run();
    });
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    for (const text of ['event_log', 'password_hash', 'marker-user-4711', 'Zhang San']) {
      expect(bytes.includes(Buffer.from(text))).toBe(false);
    }
  });

  it('refuses a wrong key with store.cannotOpen and leaves the file unchanged', () => {
    const { dir, file, backupDir, key } = setup();
    openDatabase({ file, key, backupDir }).close();
    const before = fileSha256(file);
    const filesBefore = readdirSync(join(dir, 'data')).sort();
    const error = appErrorOf(() => openDatabase({ file, key: newKey(), backupDir }));
    expectCode(error, 'store.cannotOpen');
    expect(error.params).toEqual({ file: 'tongban.db' });
    expect(fileSha256(file)).toBe(before);
    expect(readdirSync(join(dir, 'data')).sort()).toEqual(filesBefore);
    // Still opens with the right key.
    withDb(openDatabase({ file, key, backupDir }), (db) => expect(version(db)).toBe(migrations.length));
  });

  it('refuses a file of random bytes with store.cannotOpen and leaves it unchanged', () => {
    const { dir, backupDir, key } = setup();
    const file = join(dir, 'garbage.db');
    writeFileSync(file, randomBytes(8192));
    const before = fileSha256(file);
    expectCode(
      appErrorOf(() => openDatabase({ file, key, backupDir })),
      'store.cannotOpen',
    );
    expect(fileSha256(file)).toBe(before);
  });

  it('refuses an unencrypted SQLite database, unchanged', () => {
    const { dir, backupDir, key } = setup();
    const file = join(dir, 'plain.db');
    const plain = new BetterSqlite3(file);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    const before = fileSha256(file);
    expectCode(
      appErrorOf(() => openDatabase({ file, key, backupDir })),
      'store.cannotOpen',
    );
    expect(fileSha256(file)).toBe(before);
  });

  it('refuses a newer schema version with store.newerVersion and changes nothing', () => {
    const { file, backupDir, key } = setup();
    openDatabase({ file, key, backupDir, migrations: [m1, m2] }).close();
    const before = fileSha256(file);
    const error = appErrorOf(() => openDatabase({ file, key, backupDir, migrations: [m1] }));
    expectCode(error, 'store.newerVersion');
    expect(error.params).toEqual({ found: 2, supported: 1 });
    expect(fileSha256(file)).toBe(before);
    expect(existsSync(backupDir)).toBe(false);
  });

  it('backs up an older database before upgrading it; the backup opens with the same key at the old version', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir, migrations: [m1] }), (db) => {
      db.prepare("INSERT INTO notes (body) VALUES ('kept')").run();
    });
    const now = () => Date.UTC(2025, 0, 2, 3, 4, 5);
    withDb(openDatabase({ file, key, backupDir, migrations: [m1, m2], now }), (db) => {
      expect(version(db)).toBe(2);
      expect(tableNames(db)).toEqual(['notes', 'tags']);
    });
    expect(readdirSync(backupDir)).toEqual(['tongban-v1-20250102T030405.db']);
    const copy = join(backupDir, 'tongban-v1-20250102T030405.db');
    expect(readFileSync(copy).includes(Buffer.from('kept'))).toBe(false);
    expectCode(
      appErrorOf(() => openDatabase({ file: copy, key: newKey(), backupDir: join(backupDir, 'x'), migrations: [m1] })),
      'store.cannotOpen',
    );
    withDb(openDatabase({ file: copy, key, backupDir: join(backupDir, 'x'), migrations: [m1] }), (db) => {
      expect(version(db)).toBe(1);
      expect(tableNames(db)).toEqual(['notes']);
      expect(db.prepare('SELECT body FROM notes').pluck().all()).toEqual(['kept']);
    });
    // A second upgrade in the same second does not overwrite the first backup.
    const m3: Migration = { version: 3, name: 'noop', up: () => undefined };
    openDatabase({ file, key, backupDir, migrations: [m1, m2, m3], now }).close();
    expect(readdirSync(backupDir).sort()).toEqual(['tongban-v1-20250102T030405.db', 'tongban-v2-20250102T030405.db']);
  });

  it('rolls a failing migration back and reports store.migrationFailed', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir, migrations: [m1] }), (db) => {
      db.prepare("INSERT INTO notes (body) VALUES ('before')").run();
    });
    const error = appErrorOf(() => openDatabase({ file, key, backupDir, migrations: [m1, failing] }));
    expectCode(error, 'store.migrationFailed');
    expect(error.params).toEqual({ version: 2 });
    expect(error.detail).toContain('half done');
    withDb(openDatabase({ file, key, backupDir, migrations: [m1] }), (db) => {
      expect(version(db)).toBe(1);
      expect(tableNames(db)).toEqual(['notes']);
      expect(db.prepare('SELECT body FROM notes').pluck().all()).toEqual(['before']);
    });
  });

  it('on a fresh database, keeps the migrations that succeeded before the failing one', () => {
    const { file, backupDir, key } = setup();
    expectCode(
      appErrorOf(() => openDatabase({ file, key, backupDir, migrations: [m1, failing] })),
      'store.migrationFailed',
    );
    withDb(openDatabase({ file, key, backupDir, migrations: [m1] }), (db) => {
      expect(version(db)).toBe(1);
      expect(tableNames(db)).toEqual(['notes']);
    });
  });

  it('refuses a migration list with gaps (a programming error)', () => {
    const { file, backupDir, key } = setup();
    expect(() => openDatabase({ file, key, backupDir, migrations: [m2] })).toThrow(/not contiguous/);
    expect(existsSync(file)).toBe(false);
  });
});

describe('event_log is append-only', () => {
  it('refuses UPDATE, DELETE and INSERT OR REPLACE', () => {
    const { file, backupDir, key } = setup();
    withDb(openDatabase({ file, key, backupDir }), (db) => {
      const insert = `INSERT INTO event_log (stream, seq, run_id, mono_ms, wall_ms, actor, kind, payload, prev_hash, hash)
        VALUES ('audit', 1, 'run', 1.5, 1000, 'system', 'test', '{}', 'p', 'h')`;
      db.prepare(insert).run();
      expect(() => db.prepare('UPDATE event_log SET payload = \'{"x":1}\'').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM event_log').run()).toThrow(/append-only/);
      expect(() => db.prepare(insert.replace('INSERT', 'INSERT OR REPLACE')).run()).toThrow(/append-only/);
      expect(() =>
        db.prepare(`${insert} ON CONFLICT (stream, seq) DO UPDATE SET payload = excluded.payload`).run(),
      ).toThrow(/append-only/);
      expect(db.prepare('SELECT payload, hash FROM event_log').all()).toEqual([{ payload: '{}', hash: 'h' }]);
      db.prepare(insert.replace("'audit', 1", "'audit', 2")).run();
      expect(db.prepare('SELECT count(*) FROM event_log').pluck().get()).toBe(2);
    });
  });
});

describe('mapStoreError', () => {
  it('maps SQLITE_FULL, ENOSPC and EDQUOT to store.diskFull', () => {
    for (const code of ['SQLITE_FULL', 'ENOSPC', 'EDQUOT']) {
      const cause = Object.assign(new Error('no space'), { code });
      const mapped = mapStoreError(cause) as { code: string; cause: unknown };
      expect(mapped.code).toBe('store.diskFull');
      expect(mapped.cause).toBe(cause);
    }
  });

  it('returns other errors unchanged', () => {
    const other = Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
    expect(mapStoreError(other)).toBe(other);
    expect(mapStoreError('text')).toBe('text');
  });
});
