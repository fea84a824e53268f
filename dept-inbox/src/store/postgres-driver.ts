// PostgreSQL under the inbox's async store interface, for departments that run several
// inbox processes on one database. A pool of connections; transactions are SERIALIZABLE
// (the guarantees SQLite's single writer gave) and retried when they lose a serialization
// race; a lost or refused connection becomes `DatabaseUnavailableError`, which the inbox
// answers 503 with Retry-After, and the pool reconnects by itself.
import pg from 'pg';
import { POSTGRES_MIGRATIONS } from './postgres-schema.ts';
import { TransactionScope, type SqlDriver, type SqlValue, type TransactionOptions } from './sql.ts';
import { NewerSchemaError } from './sqlite-driver.ts';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (or set PG* environment variables). */
  url: string;
  /** Connections in this process's pool. */
  poolSize?: number | undefined;
}

/** The database cannot be reached right now (down, restarting, refusing connections). */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'DB_UNAVAILABLE';
}

/** Pool clients given an error listener of their own (once each). */
const listened = new WeakSet<pg.PoolClient>();

const MIGRATION_LOCK = 0x7462_6d67; // 'tbmg': one process migrates at a time
const MAX_ATTEMPTS = 12;

/** BIGINT columns (times in ms, sizes, cursors) fit a double: read them as numbers. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Connects, and creates or migrates the schema (under a lock: replicas may start together). */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDriver> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle client's connection dropping (a restart) must not crash the process.
  pool.on('error', () => {});
  const driver = new PostgresDriver(pool, options.url);
  try {
    await driver.migrate();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return driver;
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  private readonly scope = new TransactionScope<pg.PoolClient>();

  constructor(
    readonly pool: pg.Pool,
    /** For the notification listener's own connection. */
    readonly url: string,
  ) {}

  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }

  inTransaction(): boolean {
    return this.scope.current() !== undefined;
  }

  async transaction<T>(fn: () => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.inTransaction()) return fn();
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.connect();
      let broken = false;
      try {
        await client.query(
          `BEGIN ISOLATION LEVEL ${options.isolation === 'read committed' ? 'READ COMMITTED' : 'SERIALIZABLE'}` +
            // The commit answers before its WAL is flushed; a later synchronous commit flushes it.
            (options.durable === false ? '; SET LOCAL synchronous_commit = off' : ''),
        );
        const result = await this.scope.run(client, fn);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (isSerializationFailure(error) && attempt < MAX_ATTEMPTS) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 6)));
          continue;
        }
        throw unavailableOr(error);
      } finally {
        client.release(broken);
      }
    }
  }

  /**
   * Runs `fn` unless another process is running work of the same `name` right now (a
   * session advisory lock on a connection of its own); answers undefined when it was.
   */
  async exclusively<T>(name: number, fn: () => Promise<T>): Promise<T | undefined> {
    const client = await this.connect();
    let held = false;
    try {
      const row = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [name]))
        .rows[0];
      held = row?.locked === true;
      if (!held) return undefined;
      return await fn();
    } finally {
      if (held) await client.query('SELECT pg_advisory_unlock($1)', [name]).catch(() => {});
      client.release();
    }
  }

  async migrate(): Promise<void> {
    const client = await this.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS inbox_schema (version INTEGER NOT NULL)');
      const found = Number((await client.query('SELECT max(version) AS v FROM inbox_schema')).rows[0]?.v ?? 0);
      if (found > POSTGRES_MIGRATIONS.length) {
        throw new NewerSchemaError(
          `inbox database schema ${found} is newer than this inbox supports (${POSTGRES_MIGRATIONS.length}); install a newer version`,
        );
      }
      for (const migration of POSTGRES_MIGRATIONS) {
        if (migration.version <= found) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO inbox_schema (version) VALUES ($1)', [migration.version]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    const text = numberPlaceholders(sql);
    const client = this.scope.current();
    try {
      return await (client ?? this.pool).query(text, params as unknown[]);
    } catch (error) {
      throw client ? error : unavailableOr(error); // inside a transaction: decided by `transaction`
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
    // A checked-out client whose connection drops (a restart) emits 'error' with no pool
    // listener on it: unheard, that would end the process. Its query fails instead.
    if (!listened.has(client)) {
      listened.add(client);
      client.on('error', () => {});
    }
    return client;
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the inbox's SQL has no `?` of its own). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function isSerializationFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}

/**
 * Errors that say the database is down or restarting (connection refused or cut, the
 * server shutting down or starting up) become DatabaseUnavailableError; others stay.
 */
export function unavailableOr(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const down =
    (typeof code === 'string' &&
      (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) ||
        code.startsWith('08') || // connection exceptions
        code === '57P01' || // admin_shutdown
        code === '57P02' || // crash_shutdown
        code === '57P03')) || // cannot_connect_now (starting up)
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      text,
    );
  return down
    ? new DatabaseUnavailableError(`PostgreSQL unavailable: ${text || String(code)}`, { cause: error })
    : error;
}

/**
 * Hears the changes inbox processes commit (`NOTIFY inbox_changes`, the payload naming
 * the window) on a connection of its own, reconnecting after a restart; `heard` is also
 * called once on each reconnection, naming no window, for what was committed while it was away.
 */
export function listenForChanges(
  url: string,
  heard: (windowId: string | undefined) => void,
): { close(): Promise<void> } {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (again: boolean) => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url, types });
    client = next;
    const lost = () => {
      if (closed || client !== next) return;
      client = undefined;
      next.end().catch(() => {});
      retry = setTimeout(() => void connect(true), 1000);
      retry.unref();
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => heard(message.payload || undefined));
    try {
      await next.connect();
      await next.query('LISTEN inbox_changes');
      if (again) heard(undefined);
    } catch {
      lost();
    }
  };
  void connect(false);
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
