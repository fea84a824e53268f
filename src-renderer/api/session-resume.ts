// Keeps a browser tab signed in across a reload or a dropped WebSocket, either of
// which opens a new connection and so, on the core's side, a new empty session.
// After sign-in the tab asks the core for a resume ticket and keeps it in
// sessionStorage (this tab only, gone with the tab); on every new socket, before any
// other call goes out, it presents the ticket with `auth.resume` and keeps the
// rotated one it gets back. The rules (single use, idle limit, locked) are the
// core's: src-main/auth/resume-tickets.ts. Electron needs none of this: its window
// keeps one connection across reloads.
import type { CallMessage, ResultMessage } from '../../src-main/api/wire.ts';
import type { MethodName } from '../../src-main/api/contract/index.ts';
import type { Transport } from './client.ts';

export const RESUME_TICKET_KEY = 'tongban.resumeTicket';

/** Ids of resumption's own calls, far above the client's counter, which starts at 1. */
const FIRST_OWN_ID = 2 ** 50;

/** Calls after whose success the session is a new one that needs a ticket. */
const SIGN_IN: ReadonlySet<string> = new Set<MethodName>(['auth.login', 'auth.createFirstInstaller']);

export interface SessionResume {
  /** For `webSocketTransport({ onOpen })`: presents the stored ticket on a new socket. */
  onOpen(call: (message: CallMessage) => Promise<ResultMessage>): Promise<void>;
  /** Watches sign-in and sign-out through `transport` to keep the stored ticket current. */
  wrap<T extends Transport>(transport: T): T;
}

export function sessionResume(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = window.sessionStorage,
): SessionResume {
  let nextId = FIRST_OWN_ID;
  const own = (method: MethodName, input: unknown): CallMessage => ({ type: 'call', id: nextId++, method, input });
  const keep = (result: ResultMessage) => {
    if (result.ok) storage.setItem(RESUME_TICKET_KEY, (result.value as { ticket: string }).ticket);
  };

  return {
    async onOpen(call) {
      const ticket = storage.getItem(RESUME_TICKET_KEY);
      if (!ticket) return;
      const result = await call(own('auth.resume', { ticket }));
      if (result.ok) keep(result);
      // Spent, expired or refused: sign-in as usual. A dropped socket keeps it for the next try.
      else if (result.error.code !== 'transport.disconnected') storage.removeItem(RESUME_TICKET_KEY);
    },
    wrap(transport) {
      // The transports are plain objects of closures: copying keeps close() and the rest.
      return {
        ...transport,
        call: async (message: CallMessage) => {
          const result = await transport.call(message);
          if (result.ok && SIGN_IN.has(message.method)) {
            // Awaited, so a reload right after sign-in finds the ticket already kept.
            keep(await transport.call(own('auth.resumeTicket', {})));
          } else if (result.ok && message.method === 'auth.logout') {
            storage.removeItem(RESUME_TICKET_KEY);
          }
          return result;
        },
      };
    },
  };
}
