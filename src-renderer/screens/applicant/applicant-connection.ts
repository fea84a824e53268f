// How the applicant's page reaches the core. Browser host: it has no link to open
// with, so it trades the six-digit pairing code the clerk's screen shows for the
// host's token and a ticket (POST /api/session `{ pairing }`), opens the WebSocket and
// attaches with the ticket; on every new socket (a reload, a dropped connection) it
// attaches again with the ticket the last attach gave, kept in this tab's
// sessionStorage. Electron: the shell opens the page on the second display with a
// ticket in the fragment (`#ticket=…`), and the page attaches over IPC.
import type { CallMessage, ResultMessage } from '../../../src-main/api/wire.ts';
import type { PairingRefusal } from '../../../src-main/common/applicant.ts';
import { type ApiClient, createApiClient } from '../../api/client.ts';
import { HOST_SESSION_PATH, hostSocketUrl, ipcTransport, webSocketTransport } from '../../api/transports.ts';

export const APPLICANT_TOKEN_KEY = 'tongban.applicant.hostToken';
export const APPLICANT_TICKET_KEY = 'tongban.applicant.ticket';
/** Ids of the attach calls, far above the client's counter, which starts at 1. */
const FIRST_OWN_ID = 2 ** 51;

/** Why the page is not (or no longer) paired; the keypad says which. */
export type PairingProblem = PairingRefusal | 'failed' | 'revoked';

/** A paired page's link to the core; `close` ends it (the page was unpaired). */
export interface ApplicantSession {
  client: ApiClient;
  close(): void;
}

export interface ApplicantConnector {
  /** The link of a page paired before (reload) or opened by the shell; null: the page must pair. */
  resume(onRevoked: () => void): Promise<ApplicantSession | null>;
  /** Trades a code for a link, or says why not. */
  pair(
    code: string,
    onRevoked: () => void,
  ): Promise<{ ok: true; session: ApplicantSession } | { ok: false; problem: PairingProblem }>;
}

interface ConnectorDeps {
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetchImpl: (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'json'>>;
  where: Pick<Location, 'hash' | 'pathname' | 'search' | 'protocol' | 'host'>;
  browserHistory: Pick<History, 'replaceState' | 'state'>;
}

/** The connector of this page: Electron's IPC when the shell's bridge is there, else the browser host's. */
export function applicantConnector(deps: Partial<ConnectorDeps> = {}): ApplicantConnector {
  const full: ConnectorDeps = {
    storage: deps.storage ?? window.sessionStorage,
    fetchImpl: deps.fetchImpl ?? ((url, init) => fetch(url, init)),
    where: deps.where ?? window.location,
    browserHistory: deps.browserHistory ?? window.history,
  };
  return window.tongbanBridge ? electronConnector(full) : hostConnector(full);
}

/** Presents the kept ticket on a new connection and keeps the next; a refused ticket unpairs the page. */
function attacher(storage: ConnectorDeps['storage'], onRevoked: () => void) {
  let nextId = FIRST_OWN_ID;
  return async (call: (message: CallMessage) => Promise<ResultMessage>): Promise<void> => {
    const ticket = storage.getItem(APPLICANT_TICKET_KEY);
    if (!ticket) return onRevoked();
    const result = await call({ type: 'call', id: nextId++, method: 'applicant.attach', input: { ticket } });
    if (result.ok) {
      storage.setItem(APPLICANT_TICKET_KEY, (result.value as { ticket: string }).ticket);
    } else if (result.error.code !== 'transport.disconnected') {
      // Another page paired since, or the core restarted: this page pairs again.
      storage.removeItem(APPLICANT_TICKET_KEY);
      onRevoked();
    }
  };
}

function hostConnector(deps: ConnectorDeps): ApplicantConnector {
  const open = (token: string, onRevoked: () => void): ApplicantSession => {
    const attach = attacher(deps.storage, onRevoked);
    const transport = webSocketTransport(hostSocketUrl(token, deps.where), { onOpen: attach });
    return { client: createApiClient(transport), close: () => transport.close() };
  };
  return {
    async resume(onRevoked) {
      const token = deps.storage.getItem(APPLICANT_TOKEN_KEY);
      const ticket = deps.storage.getItem(APPLICANT_TICKET_KEY);
      return token && ticket ? open(token, onRevoked) : null;
    },
    async pair(code, onRevoked) {
      let status: number;
      let body: unknown;
      try {
        const response = await deps.fetchImpl(HOST_SESSION_PATH, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ pairing: code }),
          credentials: 'omit',
          cache: 'no-store',
        });
        status = response.status;
        body = await response.json();
      } catch {
        return { ok: false, problem: 'failed' };
      }
      const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      if (status === 200 && typeof fields.token === 'string' && typeof fields.ticket === 'string') {
        deps.storage.setItem(APPLICANT_TOKEN_KEY, fields.token);
        deps.storage.setItem(APPLICANT_TICKET_KEY, fields.ticket);
        return { ok: true, session: open(fields.token, onRevoked) };
      }
      const refused = fields.refused;
      return {
        ok: false,
        problem:
          refused === 'wrong' || refused === 'expired' || refused === 'used' || refused === 'voided'
            ? refused
            : 'failed',
      };
    },
  };
}

function electronConnector(deps: ConnectorDeps): ApplicantConnector {
  return {
    async resume(onRevoked) {
      // The shell's ticket arrives once in the fragment; it leaves the address at once.
      const fragment = new URLSearchParams(deps.where.hash.replace(/^#/, ''));
      const ticket = fragment.get('ticket');
      if (ticket) {
        deps.storage.setItem(APPLICANT_TICKET_KEY, ticket);
        deps.browserHistory.replaceState(deps.browserHistory.state, '', `${deps.where.pathname}${deps.where.search}`);
      }
      const bridge = window.tongbanBridge;
      if (!bridge) return null;
      const transport = ipcTransport(bridge);
      // One IPC connection lives as long as the window: attach once, before anything else.
      await attacher(deps.storage, onRevoked)((message) => transport.call(message));
      return deps.storage.getItem(APPLICANT_TICKET_KEY)
        ? { client: createApiClient(transport), close: () => {} }
        : null;
    },
    async pair() {
      return { ok: false, problem: 'failed' };
    },
  };
}
