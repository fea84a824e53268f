// Sign-in, idle lock, lockout after failed attempts, and user management.
// A Session belongs to one connection (one window or browser tab); the user
// record in the database stays the truth, so disabling an account takes effect
// on that user's open sessions at their next call.
import { AppError } from '../common/errors.ts';
import type { Caller, Role, SessionInfo, UserSummary } from '../common/users.ts';
import type { Database } from '../store/database.ts';
import { AUDIT_STREAM, type EventLog, type JsonValue } from '../recording/event-log.ts';
import type { Clock } from '../common/hall-time.ts';
import { DECOY_HASH, hashPassword, needsRehash, passwordWeakness, verifyPassword } from './password.ts';
import { KeyedQueue } from '../common/one-at-a-time.ts';
import { ResumeTickets } from './resume-tickets.ts';
import { UserStore, toSummary, type UserRecord } from './user-store.ts';

export interface AuthPolicy {
  maxFailedAttempts: number;
  lockoutMinutes: number;
  idleLockMinutes: number;
}

export class Session {
  userId: number | null = null;
  locked = false;
  lastActivity = 0;
}

export class AuthService {
  private readonly users: UserStore;
  private readonly perConnection = new KeyedQueue<Session>();
  private readonly perAccount = new KeyedQueue<string>();
  private readonly tickets: ResumeTickets<Session>;
  private readonly accountListeners = new Set<(userId: number) => void>();

  constructor(
    private readonly db: Database,
    private readonly events: EventLog,
    private readonly clock: Clock,
    private readonly policy: AuthPolicy,
  ) {
    this.users = new UserStore(db);
    this.tickets = new ResumeTickets(() => this.clock.now());
  }

  /** The dispatcher's view of a session; applies the idle lock as time passes. */
  caller(session: Session): Caller {
    const user = this.currentUser(session);
    if (!user) return { role: null, locked: false };
    this.lockIfIdle(session);
    return { role: user.role, locked: session.locked };
  }

  /** Applies the idle lock as time passes; true when this check is what locked the session. */
  lockIfIdle(session: Session): boolean {
    if (session.userId === null || session.locked) return false;
    if (this.clock.now() - session.lastActivity <= this.policy.idleLockMinutes * 60_000) return false;
    session.locked = true;
    return true;
  }

  /** Counts a call the user made as activity for the idle lock. */
  touch(session: Session): void {
    if (session.userId !== null && !session.locked) session.lastActivity = this.clock.now();
  }

  info(session: Session): SessionInfo {
    const user = this.currentUser(session);
    return {
      user: user ? toSummary(user) : null,
      locked: user ? session.locked : false,
      idleLockMinutes: this.policy.idleLockMinutes,
    };
  }

  /**
   * Called after an account was disabled or changed role, so that its signed-in
   * connections are told at once rather than at their next call.
   */
  onAccountChanged(listener: (userId: number) => void): () => void {
    this.accountListeners.add(listener);
    return () => this.accountListeners.delete(listener);
  }

  needsFirstInstaller(): boolean {
    return this.users.count() === 0;
  }

  async createFirstInstaller(
    session: Session,
    input: { username: string; displayName: string; password: string },
  ): Promise<SessionInfo> {
    this.requireStrong(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = this.db.transaction(() => {
      if (this.users.count() > 0) throw new AppError('auth.setupDone', 'the first installer account exists already');
      const created = this.users.insert({ ...input, role: 'installer', passwordHash }, this.clock.now());
      this.audit(created.username, 'users.firstInstallerCreated', { userId: created.id });
      return created;
    })();
    this.begin(session, user);
    return this.info(session);
  }

  /**
   * Unknown user, wrong password and locked account get the same answer, so a guess
   * does not tell which accounts exist. Only the holder of the right password learns
   * that an account is disabled.
   */
  async login(session: Session, username: string, password: string): Promise<SessionInfo> {
    return this.oneAtATime(session, username, async () => {
      const current = await this.checkPassword(username, password, 'auth.loginFailed', () =>
        this.audit(username, 'auth.loginFailed', { reason: 'unknown_user' }),
      );
      if (current.disabled) throw new AppError('auth.accountDisabled', 'account is disabled');
      this.users.update(current.id, { failedAttempts: 0, lockedUntil: null }, this.clock.now());
      if (needsRehash(current.passwordHash)) {
        this.users.replaceHash(current.id, current.passwordHash, await hashPassword(password), this.clock.now());
      }
      this.audit(current.username, 'auth.login', { userId: current.id, role: current.role });
      this.begin(session, current);
      return this.info(session);
    });
  }

  /**
   * A supervisor countersigns at the clerk's window (主管会签): the password is checked as a
   * sign-in checks it — the same answer for an unknown user, a wrong password and a locked
   * account, and a wrong password counts toward the lockout — but no session begins: the
   * clerk's connection stays the clerk's. Only the holder of the right password learns
   * that the account is not an active supervisor's, or is the clerk's own.
   */
  async countersigner(
    session: Session,
    username: string,
    password: string,
  ): Promise<{ supervisorId: number; username: string; displayName: string; at: number }> {
    const clerk = this.currentUser(session);
    if (!clerk) throw new AppError('auth.required', 'no user on this session');
    return this.oneAtATime(session, username, async () => {
      const current = await this.checkPassword(username, password, 'auth.countersignFailed', () =>
        this.audit(clerk.username, 'auth.countersignFailed', { username, reason: 'unknown_user' }),
      );
      this.users.update(current.id, { failedAttempts: 0, lockedUntil: null }, this.clock.now());
      if (current.id === clerk.id) {
        this.audit(current.username, 'auth.countersignRefused', { userId: current.id, reason: 'self' });
        throw new AppError('auth.countersignSelf', 'the clerk cannot countersign his own override');
      }
      if (current.disabled || current.role !== 'supervisor') {
        this.audit(current.username, 'auth.countersignRefused', {
          userId: current.id,
          reason: current.disabled ? 'disabled' : 'role',
        });
        throw new AppError('auth.notSupervisor', `user ${current.id} is not an active supervisor`);
      }
      this.audit(current.username, 'auth.countersigned', { userId: current.id, clerkId: clerk.id });
      return {
        supervisorId: current.id,
        username: current.username,
        displayName: current.displayName,
        at: this.clock.now(),
      };
    });
  }

  logout(session: Session): SessionInfo {
    const user = this.currentUser(session);
    if (user) this.audit(user.username, 'auth.logout', { userId: user.id });
    this.tickets.revoke(session);
    session.userId = null;
    session.locked = false;
    return this.info(session);
  }

  lock(session: Session): SessionInfo {
    session.locked = true;
    return this.info(session);
  }

  /** The session's own user: no one learns of an account here, so the lock is named. */
  async unlock(session: Session, password: string): Promise<SessionInfo> {
    const user = this.currentUser(session);
    if (!user) throw new AppError('auth.required', 'no user on this session');
    return this.oneAtATime(session, user.username, async () => {
      this.refuseLocked(this.currentUser(session), session);
      if (!(await verifyPassword(password, user.passwordHash))) {
        this.countFailure(user, 'auth.unlockFailed');
        // The attempt that reached the limit signs the session out.
        this.refuseLocked(this.users.byId(user.id), session);
        throw this.invalidCredentials();
      }
      this.refuseLocked(this.currentUser(session), session);
      this.users.update(user.id, { failedAttempts: 0, lockedUntil: null }, this.clock.now());
      session.locked = false;
      session.lastActivity = this.clock.now();
      this.audit(user.username, 'auth.unlock', { userId: user.id });
      return this.info(session);
    });
  }

  // ── resumption (a browser tab's new connection after a reload) ────────────

  /** A ticket that lets a later connection of the same tab take this session over; voids the previous one. */
  issueResumeTicket(session: Session): string {
    if (!this.currentUser(session)) throw new AppError('auth.required', 'no user on this session');
    return this.tickets.issue(session);
  }

  /**
   * The parked or still-connected session a ticket stands for, checked for the
   * connection `current` that presents it. It comes back locked when it has been idle
   * past the limit; the ticket is spent, the caller issues the next one.
   */
  resume(current: Session, ticket: string): Session {
    const session = this.tickets.take(ticket);
    const user = this.currentUser(session);
    if (!user) throw new AppError('auth.resumeRefused', 'the account of this session is gone or disabled');
    if (current !== session && current.userId !== null && current.userId !== user.id) {
      throw new AppError('auth.resumeRefused', 'this connection is signed in as another user');
    }
    this.caller(session); // applies the idle lock from the session's own last activity
    this.audit(user.username, 'auth.resumed', { userId: user.id, locked: session.locked });
    return session;
  }

  /**
   * A connection closed: a session that can still be resumed is kept for its tab's
   * next connection; any other is signed out as before.
   */
  release(session: Session): void {
    if (session.userId !== null && !this.tickets.has(session)) this.logout(session);
  }

  // ── user management (installers) ───────────────────────────────────────────

  listUsers(): UserSummary[] {
    return this.users.list().map(toSummary);
  }

  async createUser(
    actor: string,
    input: { username: string; displayName: string; role: Role; password: string },
  ): Promise<UserSummary> {
    this.requireStrong(input.password);
    const passwordHash = await hashPassword(input.password);
    const user = this.db.transaction(() => {
      if (this.users.byUsername(input.username)) {
        throw new AppError('auth.usernameTaken', `username ${input.username} exists`, { username: input.username });
      }
      const created = this.users.insert({ ...input, passwordHash }, this.clock.now());
      this.audit(actor, 'users.created', { userId: created.id, username: created.username, role: created.role });
      return created;
    })();
    return toSummary(user);
  }

  updateUser(
    actor: string,
    input: { id: number; displayName?: string | undefined; role?: Role | undefined; disabled?: boolean | undefined },
  ): UserSummary {
    const before = this.requireUser(input.id);
    const updated = this.db.transaction(() => {
      const user = this.requireUser(input.id);
      const losesInstaller =
        user.role === 'installer' &&
        !user.disabled &&
        ((input.role !== undefined && input.role !== 'installer') || input.disabled === true);
      if (losesInstaller && this.users.countActiveInstallers() <= 1) {
        throw new AppError('auth.lastInstaller', 'at least one active installer account must remain');
      }
      const updated = this.users.update(input.id, input, this.clock.now());
      this.audit(actor, 'users.updated', {
        userId: user.id,
        role: updated.role,
        disabled: updated.disabled,
        displayNameChanged: updated.displayName !== user.displayName,
      });
      return updated;
    })();
    if (updated.disabled !== before.disabled || updated.role !== before.role) {
      for (const listener of this.accountListeners) listener(updated.id);
    }
    return toSummary(updated);
  }

  async resetPassword(actor: string, id: number, password: string): Promise<UserSummary> {
    this.requireUser(id);
    this.requireStrong(password);
    const passwordHash = await hashPassword(password);
    const updated = this.users.update(id, { passwordHash, failedAttempts: 0, lockedUntil: null }, this.clock.now());
    this.audit(actor, 'users.passwordReset', { userId: id });
    return toSummary(updated);
  }

  unlockUser(actor: string, id: number): UserSummary {
    this.requireUser(id);
    const updated = this.users.update(id, { failedAttempts: 0, lockedUntil: null }, this.clock.now());
    this.audit(actor, 'users.unlocked', { userId: id });
    return toSummary(updated);
  }

  /** The signed-in user of a session; the dispatcher has already checked there is one. */
  userOf(session: Session): UserSummary {
    const user = this.currentUser(session);
    if (!user) throw new AppError('auth.required', 'no user on this session');
    return toSummary(user);
  }

  /** Username of the session's user, for audit records; 'anonymous' before sign-in. */
  actorOf(session: Session): string {
    return this.currentUser(session)?.username ?? 'anonymous';
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private currentUser(session: Session): UserRecord | undefined {
    if (session.userId === null) return undefined;
    const user = this.users.byId(session.userId);
    if (!user || user.disabled) {
      session.userId = null;
      session.locked = false;
      return undefined;
    }
    return user;
  }

  private begin(session: Session, user: UserRecord): void {
    session.userId = user.id;
    session.locked = false;
    session.lastActivity = this.clock.now();
  }

  /**
   * One password check at a time per connection and per account: a batch of guesses
   * is answered one by one, each seeing the count the one before left, so the lock
   * takes hold at exactly the limit. Usernames compare without case, as in the table.
   */
  private oneAtATime<T>(session: Session, username: string, task: () => Promise<T>): Promise<T> {
    return this.perConnection.run(session, () => this.perAccount.run(username.toLowerCase(), task));
  }

  /** Milliseconds the account stays locked; 0 when it is not. */
  private lockedFor(user: UserRecord): number {
    return Math.max(0, (user.lockedUntil ?? 0) - this.clock.now());
  }

  /** Signs the session out and refuses while its user's account is locked (or gone). */
  private refuseLocked(user: UserRecord | undefined, session: Session): void {
    if (!user) throw new AppError('auth.required', 'no user on this session');
    const remaining = this.lockedFor(user);
    if (remaining === 0) return;
    this.logout(session);
    throw new AppError('auth.accountLocked', 'account is locked after failed attempts', {
      minutes: Math.ceil(remaining / 60_000),
    });
  }

  /** Counts a wrong password in the database; the attempt that reaches the limit locks the account. */
  /**
   * The password check a sign-in and a countersign share. Unknown user, locked account and
   * wrong password are answered alike (auth.invalidCredentials) and audited as `failed`
   * (an unknown name by `auditUnknown`); a wrong password counts toward the lockout.
   * Answers the account as it stands after hashing; failures are not yet reset.
   */
  private async checkPassword(
    username: string,
    password: string,
    failed: 'auth.loginFailed' | 'auth.countersignFailed',
    auditUnknown: () => void,
  ): Promise<UserRecord> {
    const user = this.users.byUsername(username);
    if (!user) {
      // Costs what a real account's check costs, so timing does not reveal the name either.
      await verifyPassword(password, DECOY_HASH);
      auditUnknown();
      throw this.invalidCredentials();
    }
    if (this.lockedFor(user) > 0) {
      // Refused before hashing: guessing against a locked account costs the core nothing.
      this.audit(user.username, failed, { userId: user.id, reason: 'locked' });
      throw this.invalidCredentials();
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      this.countFailure(user, failed);
      throw this.invalidCredentials();
    }
    // Hashing took a while: the account may have been locked or disabled meanwhile.
    const current = this.users.byId(user.id);
    if (!current || this.lockedFor(current) > 0) {
      this.audit(user.username, failed, { userId: user.id, reason: 'locked' });
      throw this.invalidCredentials();
    }
    return current;
  }

  private countFailure(user: UserRecord, kind: string): void {
    const now = this.clock.now();
    const failure = this.users.recordFailure(
      user.id,
      { maxAttempts: this.policy.maxFailedAttempts, lockUntil: now + this.policy.lockoutMinutes * 60_000 },
      now,
    );
    this.audit(user.username, kind, {
      userId: user.id,
      ...(failure ? { attempts: failure.attempts, locked: failure.locked } : { reason: 'locked' }),
    });
  }

  /** The same for every failed sign-in: it says what happens next, not what went wrong. */
  private invalidCredentials(): AppError {
    return new AppError('auth.invalidCredentials', 'wrong username or password, or the account is locked', {
      attempts: this.policy.maxFailedAttempts,
      minutes: this.policy.lockoutMinutes,
    });
  }

  private requireUser(id: number): UserRecord {
    const user = this.users.byId(id);
    if (!user) throw new AppError('auth.userNotFound', `no user ${id}`);
    return user;
  }

  private requireStrong(password: string): void {
    const weakness = passwordWeakness(password);
    if (weakness) throw new AppError('auth.weakPassword', `password fails rule ${weakness}`, { rule: weakness });
  }

  private audit(actor: string, kind: string, payload: { [key: string]: JsonValue }): void {
    this.events.append({ stream: AUDIT_STREAM, actor, kind, payload });
  }
}
