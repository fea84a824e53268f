// Which connection holds which session, so that `auth.resume` can move a session to
// a tab's new connection and take it away from the old one: one tab, one live
// session. A replayed ticket therefore never leaves two connections signed in as
// the same session.
import { Session } from '../auth/auth-service.ts';

export interface SessionHolder {
  session: Session;
  /**
   * Tells the connection its session as it now stands: after the session was handed to
   * another connection (it now holds a fresh one), or after its account changed.
   */
  sessionChanged(): void;
}

export class SessionOwners {
  private readonly holders = new Map<Session, SessionHolder>();

  attach(holder: SessionHolder): void {
    this.holders.set(holder.session, holder);
  }

  detach(holder: SessionHolder): void {
    if (this.holders.get(holder.session) === holder) this.holders.delete(holder.session);
  }

  /** The connections whose session is signed in as `userId`. */
  holdersOf(userId: number): SessionHolder[] {
    return [...this.holders.values()].filter((holder) => holder.session.userId === userId);
  }

  /** `holder` takes `session`; a connection that held it gets a fresh, signed-out session and is told. */
  hand(session: Session, holder: SessionHolder): void {
    if (holder.session === session) return;
    const previous = this.holders.get(session);
    this.detach(holder);
    holder.session = session;
    this.holders.set(session, holder);
    if (previous && previous !== holder) {
      previous.session = new Session();
      this.holders.set(previous.session, previous);
      previous.sessionChanged();
    }
  }
}
