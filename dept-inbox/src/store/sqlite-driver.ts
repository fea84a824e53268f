// SQLite under the inbox's async store interface: one connection (better-sqlite3 with
// SQLite3 Multiple Ciphers for encryption at rest). Its calls are synchronous; a
// transaction holds the connection until its callback settles, and queries from other
// requests wait for it, so nothing joins a transaction it did not open.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { isPlaintextSqlite, isWrongKey, keySqlite } from '../../../src-main/store/sqlite-cipher.ts';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';
import { TransactionScope, type SqlDriver, type SqlValue, type TransactionOptions } from './sql.ts';

export type Sqlite = BetterSqlite3.Database;

export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
}

/**
 * The database cannot be opened as asked: `plaintext` — a key was given but the file is
 * stored in the clear (an inbox that ran without one); `unreadable` — the key does not
 * open it (another key, or not an inbox database); `encrypted` — no key was given but
 * the file needs one.
 */
export class InboxAtRestError extends Error {
  override readonly name = 'InboxAtRestError';

  constructor(
    readonly reason: 'plaintext' | 'unreadable' | 'encrypted',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SqliteOptions {
  /** How long a write waits for another writer (the CLI) before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** 32 bytes: the file is encrypted with it, and it and its WAL are owner-only. */
  key?: Buffer | undefined;
}

/** Opens (creating and migrating as needed) the inbox's SQLite file. */
export function openSqlite(file: string, options: SqliteOptions = {}): SqliteDriver {
  const { key } = options;
  mkdirSync(dirname(file), { recursive: true, ...(key ? { mode: 0o700 } : {}) });
  if (key) {
    if (isPlaintextSqlite(file)) {
      throw new InboxAtRestError('plaintext', `${file} is not encrypted; it cannot be opened with a key`);
    }
    // Created owner-only before SQLite sees it: its WAL and shared-memory files take the same mode.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    if (process.platform !== 'win32') {
      for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
    }
  }
  const sqlite = new BetterSqlite3(file);
  try {
    if (key) {
      try {
        keySqlite(sqlite, key);
      } catch (error) {
        if (!isWrongKey(error)) throw error;
        throw new InboxAtRestError('unreadable', `${file} cannot be read with this key`, { cause: error });
      }
    }
    let found: number;
    try {
      found = Number(sqlite.pragma('user_version', { simple: true }));
    } catch (error) {
      if (key || !isWrongKey(error)) throw error;
      throw new InboxAtRestError(
        'encrypted',
        `${file} is encrypted (or not an inbox database): give its key (--key-file)`,
        {
          cause: error,
        },
      );
    }
    if (found > SQLITE_MIGRATIONS.length) {
      throw new NewerSchemaError(
        `inbox database schema ${found} is newer than this inbox supports (${SQLITE_MIGRATIONS.length}); install a newer version`,
      );
    }
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= found) continue;
      sqlite.transaction(() => {
        migration.up(sqlite);
        sqlite.pragma(`user_version = ${migration.version}`);
      })();
    }
    return new SqliteDriver(sqlite);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly scope = new TransactionScope<true>();
  /** Settles when the open transaction ends; queries outside it wait for that. */
  private busy: Promise<void> | undefined;

  constructor(readonly sqlite: Sqlite) {}

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    await this.turn();
    return this.statement(sql).get(...params) as T | undefined;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    await this.turn();
    return this.statement(sql).all(...params) as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    await this.turn();
    return this.statement(sql).run(...params).changes;
  }

  inTransaction(): boolean {
    return this.scope.current() !== undefined;
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction()) return fn();
    while (this.busy) await this.busy;
    let settle!: () => void;
    this.busy = new Promise((resolve) => (settle = resolve));
    // In WAL mode NORMAL skips the commit's fsync, which runs on the event loop; the next
    // FULL commit syncs the log with this one in it. Set per transaction, under the gate.
    const lax = options.durable === false;
    try {
      if (lax) this.sqlite.exec('PRAGMA synchronous = NORMAL');
      // IMMEDIATE: another process (the CLI) may write too; take the write lock first.
      this.sqlite.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.scope.run(true, fn);
        this.sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
        throw error;
      }
    } finally {
      if (lax && this.sqlite.open) this.sqlite.exec('PRAGMA synchronous = FULL');
      this.busy = undefined;
      settle();
    }
  }

  /** Changes committed by other connections (the CLI in another process) bump this. */
  dataVersion(): number {
    return Number(this.sqlite.pragma('data_version', { simple: true }));
  }

  async close(): Promise<void> {
    while (this.busy) await this.busy;
    if (this.sqlite.open) this.sqlite.close();
  }

  private async turn(): Promise<void> {
    while (this.busy && !this.inTransaction()) await this.busy;
  }

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
