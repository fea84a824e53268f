// Resume tickets: how a browser tab gets its session back after a reload or a
// dropped WebSocket, both of which open a new connection. A ticket is a random
// 256-bit bearer value the tab keeps in sessionStorage; the core keeps only its
// SHA-256, in memory, mapped to the parked Session. Memory on purpose: a restart of
// the core (new process, master key unlocked again, new host token) signs everyone
// out, and a ticket copied out of a tab is worth nothing after that.
//
// Rules: one ticket per session (issuing again voids the previous one); a ticket is
// used once (taking it voids it, the caller issues the next one); it is refused once
// the session has been idle longer than RESUME_LIMIT_MS, and a session idle longer
// than the idle-lock limit comes back locked (the auth service's idle check does that
// from the session's own lastActivity, which a parked session keeps).
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../common/errors.ts';

/** What the tickets need of a session (the auth service's Session). */
export interface ResumableSession {
  userId: number | null;
  lastActivity: number;
}

/** How long a session without a connection can still be resumed (locked past the idle limit): a working day. */
export const RESUME_LIMIT_MS = 8 * 3600_000;

interface Entry<Session> {
  session: Session;
  /** The user the ticket was issued for: a session reused for someone else never matches. */
  userId: number;
}

export class ResumeTickets<Session extends ResumableSession> {
  private readonly byHash = new Map<string, Entry<Session>>();
  private readonly hashOf = new WeakMap<Session, string>();

  constructor(private readonly now: () => number) {}

  /** A fresh ticket for a signed-in session; the session's previous ticket stops working. */
  issue(session: Session): string {
    if (session.userId === null) throw new AppError('auth.required', 'no user on this session');
    this.sweep();
    this.revoke(session);
    const ticket = randomBytes(32).toString('base64url');
    const hash = digest(ticket);
    this.byHash.set(hash, { session, userId: session.userId });
    this.hashOf.set(session, hash);
    return ticket;
  }

  /**
   * The session a ticket stands for, once: the ticket is void afterwards whatever the
   * outcome, so a replay (another tab, a copied value) is refused.
   */
  take(ticket: string): Session {
    this.sweep();
    const hash = digest(ticket);
    const entry = this.byHash.get(hash);
    if (!entry) throw new AppError('auth.resumeRefused', 'unknown, used or expired resume ticket');
    this.byHash.delete(hash);
    this.hashOf.delete(entry.session);
    if (entry.session.userId !== entry.userId) {
      throw new AppError('auth.resumeRefused', 'the session has changed user since the ticket was issued');
    }
    return entry.session;
  }

  /** Sign-out: the session can no longer be resumed. */
  revoke(session: Session): void {
    const hash = this.hashOf.get(session);
    if (hash === undefined) return;
    this.byHash.delete(hash);
    this.hashOf.delete(session);
  }

  /** Whether the session could be resumed (a connection closing parks it instead of signing out). */
  has(session: Session): boolean {
    return this.hashOf.has(session);
  }

  /** Drops tickets of sessions idle past the limit, so parked sessions do not pile up. */
  private sweep(): void {
    const oldest = this.now() - RESUME_LIMIT_MS;
    for (const [hash, entry] of this.byHash) {
      if (entry.session.lastActivity < oldest) {
        this.byHash.delete(hash);
        this.hashOf.delete(entry.session);
      }
    }
  }
}

function digest(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}
