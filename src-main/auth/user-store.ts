// Typed access to the `users` table; the only code that reads or writes it.
import type { Role, UserSummary } from '../common/users.ts';
import type { Database } from '../store/database.ts';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  failed_attempts: number;
  locked_until: number | null;
  disabled: 0 | 1;
  created_at: number;
  updated_at: number;
}

export interface UserRecord extends UserSummary {
  passwordHash: string;
  failedAttempts: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
}

export class UserStore {
  constructor(private readonly db: Database) {}

  count(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
  }

  countActiveInstallers(): number {
    return (
      this.db
        .prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'installer' AND disabled = 0")
        .get()?.n ?? 0
    );
  }

  byId(id: number): UserRecord | undefined {
    const row = this.db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?').get(id);
    return row && fromRow(row);
  }

  byUsername(username: string): UserRecord | undefined {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?').get(username);
    return row && fromRow(row);
  }

  list(): UserRecord[] {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY role, username').all().map(fromRow);
  }

  insert(user: NewUser, now: number): UserRecord {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(user.username, user.displayName, user.role, user.passwordHash, now, now);
    return this.byId(Number(lastInsertRowid))!;
  }

  update(
    id: number,
    changes: Partial<{
      displayName: string;
      role: Role;
      disabled: boolean;
      passwordHash: string;
      failedAttempts: number;
      lockedUntil: number | null;
    }>,
    now: number,
  ): UserRecord {
    const columns: Record<string, unknown> = {
      display_name: changes.displayName,
      role: changes.role,
      disabled: changes.disabled === undefined ? undefined : Number(changes.disabled),
      password_hash: changes.passwordHash,
      failed_attempts: changes.failedAttempts,
      locked_until: changes.lockedUntil,
    };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    const assignments = [...set.map(([column]) => `${column} = @${column}`), 'updated_at = @updated_at'].join(', ');
    this.db
      .prepare(`UPDATE users SET ${assignments} WHERE id = @id`)
      .run({ ...Object.fromEntries(set), updated_at: now, id });
    return this.byId(id)!;
  }

  /** Replaces a password hash unless it changed meanwhile (a reset wins over a re-hash). */
  replaceHash(id: number, previous: string, next: string, now: number): void {
    this.db
      .prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?')
      .run(next, now, id, previous);
  }

  /**
   * Counts one wrong password in a single statement, so concurrent attempts cannot
   * overwrite each other's count; the attempt that reaches `maxAttempts` locks the
   * account until `lockUntil`. An account locked already is not counted: undefined.
   */
  recordFailure(
    id: number,
    limits: { maxAttempts: number; lockUntil: number },
    now: number,
  ): { attempts: number; locked: boolean } | undefined {
    const row = this.db
      .prepare<[{ id: number; max: number; until: number; now: number }], { attempts: number; locked: 0 | 1 }>(
        `UPDATE users SET
           failed_attempts = CASE WHEN failed_attempts + 1 >= @max THEN 0 ELSE failed_attempts + 1 END,
           locked_until = CASE WHEN failed_attempts + 1 >= @max THEN @until ELSE locked_until END,
           updated_at = @now
         WHERE id = @id AND (locked_until IS NULL OR locked_until <= @now)
         RETURNING CASE WHEN locked_until = @until THEN @max ELSE failed_attempts END AS attempts,
                   locked_until = @until AS locked`,
      )
      .get({ id, max: limits.maxAttempts, until: limits.lockUntil, now });
    return row && { attempts: row.attempts, locked: row.locked === 1 };
  }
}

export function toSummary(user: UserRecord): UserSummary {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    lockedUntil: user.lockedUntil,
    createdAt: user.createdAt,
  };
}

function fromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled === 1,
    lockedUntil: row.locked_until,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
    failedAttempts: row.failed_attempts,
  };
}
