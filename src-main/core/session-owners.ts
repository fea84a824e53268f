// Which connection holds which session, so that `auth.resume` can move a session to
// a tab's new connection and take it away from the old one: one tab, one live
// session. A replayed ticket therefore never leaves two connections signed in as
// the same session.
import { Session } from '../auth/auth-service.ts';

export interface SessionHolder {
  session: Session;
  /** Called after the holder's session was handed to another connection (it now holds a fresh one). */
  displaced(): void;
}

export class SessionOwners {
  private readonly holders = new Map<Session, SessionHolder>();

  attach(holder: SessionHolder): void {
    this.holders.set(holder.session, holder);
  }

  detach(holder: SessionHolder): void {
    if (this.holders.get(holder.session) === holder) this.holders.delete(holder.session);
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
      previous.displaced();
    }
  }
}
