// The two SQL engines the inbox keeps its records in — SQLite (embedded, one process) and
// PostgreSQL (several inbox processes) — behind one small async interface. The queries
// themselves live once, in ../db.ts, written in the SQL both engines speak with `?`
// placeholders; each driver runs them its own way.
import { AsyncLocalStorage } from 'node:async_hooks';

export type SqlValue = string | number | bigint | Buffer | null;

export interface SqlExecutor {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement; answers how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export type SqlDialect = 'sqlite' | 'postgres';

export interface TransactionOptions {
  /**
   * PostgreSQL only (SQLite's single writer is serializable anyway): `read committed` for a
   * transaction that takes its own lock for what it must serialize, so that concurrent
   * transactions touching neighbouring rows do not fail each other as SERIALIZABLE would.
   */
  isolation?: 'serializable' | 'read committed';
  /**
   * false: the commit returns before it reaches the disk, so a power loss may undo it (a
   * later durable commit carries it to disk with its own). Only for records the protocol
   * recovers from when they are lost: an upload's creation and its settling — the window's
   * next request then finds the upload gone or the file missing and sends it again. A
   * commit's `delivered`, a decision, an enrolment stay durable (the default).
   */
  durable?: boolean;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Runs `fn` in one serializable transaction. Every query made inside it — through this
   * driver, by whatever code `fn` calls — joins the transaction (an async context carries
   * it), so callers need no handle. `fn` may run more than once (PostgreSQL retries a
   * transaction that lost a serialization race): it must only touch the database.
   */
  transaction<T>(fn: () => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** True inside `transaction`'s callback. */
  inTransaction(): boolean;
  close(): Promise<void>;
}

/** The error a UNIQUE or PRIMARY KEY constraint raised, in either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** The transaction an async context runs in, for the driver that opened it. */
export class TransactionScope<Tx> {
  private readonly storage = new AsyncLocalStorage<Tx>();

  current(): Tx | undefined {
    return this.storage.getStore();
  }

  run<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    return this.storage.run(tx, fn);
  }
}
