// The tus upload lock across inbox processes: a window's PATCH of one upload may land on
// any replica, and two must never write the same upload at once. A session advisory lock
// per upload, held on one connection of this process's own; a request that finds the
// lock taken asks its holder — in whichever process — to let go (NOTIFY tus_release),
// as @tus/server's MemoryLocker does within one process, and tries again until it times
// out. A process that dies (kill -9) drops its connection, and PostgreSQL its locks.
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import pg from 'pg';

const LOCK_CLASS = 0x7475; // 'tu': the advisory-lock namespace of uploads
const RETRY_MS = 25;

export class PostgresLocker implements Locker {
  /** What this process holds, and how to ask each holder to let go. */
  readonly #held = new Map<string, RequestRelease>();
  #connection: Promise<pg.Client> | undefined;
  #closed = false;

  constructor(
    private readonly url: string,
    private readonly acquireTimeoutMs = 30_000,
  ) {}

  newLock(id: string): Lock {
    return new PostgresLock(id, this, this.acquireTimeoutMs);
  }

  /** Takes the lock if no request anywhere holds it. */
  async tryLock(id: string, requestRelease: RequestRelease): Promise<boolean> {
    if (this.#held.has(id)) return false; // held here: advisory locks are re-entrant per session
    const client = await this.#client();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
      LOCK_CLASS,
      id,
    ]);
    if (!rows[0]?.ok) return false;
    if (this.#held.has(id)) {
      // Another request of this process took it while we asked: give our hold back.
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, id]);
      return false;
    }
    this.#held.set(id, requestRelease);
    return true;
  }

  /** Asks whoever holds the lock, in any process, to release it. */
  async askRelease(id: string): Promise<void> {
    await this.#held.get(id)?.();
    const client = await this.#client();
    await client.query(`SELECT pg_notify('tus_release', $1)`, [id]);
  }

  async unlock(id: string): Promise<void> {
    if (!this.#held.delete(id)) throw new Error('Releasing an unlocked lock!');
    const client = await this.#client().catch(() => undefined);
    // A lost connection has already dropped the lock with it.
    await client?.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, id]).catch(() => {});
  }

  async close(): Promise<void> {
    this.#closed = true;
    const connection = this.#connection;
    this.#connection = undefined;
    await (await connection?.catch(() => undefined))?.end().catch(() => {});
  }

  #client(): Promise<pg.Client> {
    if (this.#closed) return Promise.reject(new Error('the upload locker is closed'));
    this.#connection ??= this.#connect();
    return this.#connection;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    const lost = () => {
      if (this.#connection === undefined) return;
      this.#connection = undefined;
      client.end().catch(() => {});
      // Our locks went with the connection: every request holding one stops writing.
      for (const release of this.#held.values()) void Promise.resolve(release()).catch(() => {});
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      const release = message.payload === undefined ? undefined : this.#held.get(message.payload);
      if (release) void Promise.resolve(release()).catch(() => {});
    });
    try {
      await client.connect();
      await client.query('LISTEN tus_release');
      return client;
    } catch (error) {
      this.#connection = undefined;
      await client.end().catch(() => {});
      throw error;
    }
  }
}

class PostgresLock implements Lock {
  constructor(
    private readonly id: string,
    private readonly locker: PostgresLocker,
    private readonly timeoutMs: number,
  ) {}

  async lock(stopSignal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      if (await this.locker.tryLock(this.id, requestRelease)) return;
      if (stopSignal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await this.locker.askRelease(this.id);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  async unlock(): Promise<void> {
    await this.locker.unlock(this.id);
  }
}
