// The two ways the renderer reaches the core. In Electron the preload exposes
// `window.tongbanBridge` over IPC; in a plain browser the page talks to the browser
// host's loopback WebSocket with the per-start token it traded its one-time code for.
import {
  CLOSE_STALE_TOKEN,
  decodeMessage,
  encodeMessage,
  type CallMessage,
  type EventMessage,
  type ResultMessage,
} from '../../src-main/api/wire.ts';
import type { ConnectionState, Transport } from './client.ts';
import { sessionResume } from './session-resume.ts';

/** What the Electron preload exposes through contextBridge. */
export interface TongbanBridge {
  call(message: CallMessage): Promise<ResultMessage>;
  onEvent(listener: (event: EventMessage) => void): () => void;
}

declare global {
  interface Window {
    tongbanBridge?: TongbanBridge;
  }
}

export function ipcTransport(bridge: TongbanBridge): Transport {
  return {
    async call(message) {
      try {
        return await bridge.call(message);
      } catch (error) {
        return disconnected(message.id, error instanceof Error ? error.message : String(error));
      }
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

// ── token ────────────────────────────────────────────────────────────────────

export const TOKEN_STORAGE_KEY = 'tongban.hostToken';
/** Where the page trades its one-time code for the token (src-main/host/server.ts). */
export const HOST_SESSION_PATH = '/api/session';

/** Why the page has no token; the gate says which, in Chinese. */
export type HostTokenRefusal = 'used' | 'expired' | 'missing' | 'unreachable';
export type HostTokenResult = { ok: true; token: string } | { ok: false; refused: HostTokenRefusal };

export interface HostTokenDeps {
  where: Pick<Location, 'hash' | 'pathname' | 'search'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  browserHistory: Pick<History, 'replaceState' | 'state'>;
  fetchImpl: (url: string, init: RequestInit) => Promise<Pick<Response, 'status' | 'json'>>;
}

/**
 * The browser host opens the page as `http://127.0.0.1:PORT/#code=…`. The code
 * leaves the address bar at once (history, bookmarks, a copied URL never hold it)
 * and is traded, once, for the host's token, which stays in this tab's
 * sessionStorage so a reload still works. Without a code the tab's stored token
 * is used; a code the host refuses is reported, never silently replaced.
 */
export async function takeHostToken(deps: Partial<HostTokenDeps> = {}): Promise<HostTokenResult> {
  const where = deps.where ?? window.location;
  const storage = deps.storage ?? window.sessionStorage;
  const browserHistory = deps.browserHistory ?? window.history;
  const fetchImpl = deps.fetchImpl ?? ((url, init) => fetch(url, init));

  const fragment = new URLSearchParams(where.hash.replace(/^#/, ''));
  const code = fragment.get('code');
  if (!code) {
    const stored = storage.getItem(TOKEN_STORAGE_KEY);
    return stored ? { ok: true, token: stored } : { ok: false, refused: 'missing' };
  }
  fragment.delete('code');
  const rest = fragment.toString();
  browserHistory.replaceState(browserHistory.state, '', `${where.pathname}${where.search}${rest ? `#${rest}` : ''}`);

  let status: number;
  let body: unknown;
  try {
    const response = await fetchImpl(HOST_SESSION_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      credentials: 'omit',
      cache: 'no-store',
    });
    status = response.status;
    body = await response.json();
  } catch {
    return { ok: false, refused: 'unreachable' };
  }
  const fields = isRecord(body) ? body : {};
  if (status === 200 && typeof fields.token === 'string' && fields.token !== '') {
    storage.setItem(TOKEN_STORAGE_KEY, fields.token);
    return { ok: true, token: fields.token };
  }
  return { ok: false, refused: fields.refused === 'used' ? 'used' : 'expired' };
}

export function hostSocketUrl(
  token: string | null,
  where: Pick<Location, 'protocol' | 'host'> = window.location,
): string {
  const scheme = where.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${where.host}/api?token=${encodeURIComponent(token ?? '')}`;
}

// ── WebSocket ────────────────────────────────────────────────────────────────

export interface WebSocketTransportOptions {
  /** For tests: a WebSocket-compatible class. */
  WebSocketImpl?: new (url: string) => WebSocket;
  /** First reconnect delay; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Runs on each new socket before the calls waiting for it go out (session
   * resumption: session-resume.ts); `call` sends on that socket directly.
   */
  onOpen?: (call: (message: CallMessage) => Promise<ResultMessage>) => Promise<void>;
}

export interface WebSocketTransport extends Transport {
  /** Stops reconnecting and closes the socket; pending calls fail. */
  close(): void;
}

/**
 * Calls made while the socket is connecting wait for it to open; when a socket
 * closes every waiting or sent call fails with `transport.disconnected`, and the
 * transport reconnects with exponential backoff.
 */
export function webSocketTransport(url: string, options: WebSocketTransportOptions = {}): WebSocketTransport {
  const SocketClass = options.WebSocketImpl ?? WebSocket;
  const initialDelay = options.initialDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;

  const waiting: CallMessage[] = [];
  const pending = new Map<number, (result: ResultMessage) => void>();
  const eventListeners = new Set<(event: EventMessage) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  let socket: WebSocket | null = null;
  /** Open and past `onOpen`: calls go straight out. */
  let isOpen = false;
  let delay = initialDelay;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let reported: ConnectionState | null = null;

  function report(state: ConnectionState): void {
    if (reported === state) return;
    reported = state;
    for (const listener of [...connectionListeners]) listener(state);
  }

  function connect(): void {
    retryTimer = undefined;
    const ws = new SocketClass(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      delay = initialDelay;
      const ready = () => {
        if (socket !== ws) return;
        isOpen = true;
        for (const message of waiting.splice(0)) send(ws, message);
        report('up');
      };
      if (!options.onOpen) return ready();
      options
        .onOpen((message) => direct(ws, message))
        .catch(() => undefined) // a failed opening step leaves the session as the core has it
        .then(ready);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket === ws) receive(event.data);
    };
    ws.onclose = (event: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      isOpen = false;
      failAll('the connection to the core closed');
      if (event.code === CLOSE_STALE_TOKEN) {
        // Retrying with the same token can never succeed: say so instead of "reconnecting" forever.
        stopped = true;
        report('stale');
        return;
      }
      report('down');
      if (!stopped) {
        retryTimer = setTimeout(connect, delay);
        delay = Math.min(delay * 2, maxDelay);
      }
    };
  }

  /** A call on this socket ahead of the waiting ones (the opening step's own calls). */
  function direct(ws: WebSocket, message: CallMessage): Promise<ResultMessage> {
    return new Promise<ResultMessage>((resolve) => {
      if (socket !== ws) {
        resolve(disconnected(message.id, 'the connection to the core closed'));
        return;
      }
      pending.set(message.id, resolve);
      send(ws, message);
    });
  }

  function receive(data: unknown): void {
    const bytes = toBytes(data);
    if (!bytes) return;
    let message: unknown;
    try {
      message = decodeMessage(bytes);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (message.type === 'result' && typeof message.id === 'number') {
      const resolve = pending.get(message.id);
      if (!resolve) return;
      pending.delete(message.id);
      resolve(message as unknown as ResultMessage);
    } else if (message.type === 'event' && typeof message.name === 'string') {
      const event: EventMessage = { type: 'event', name: message.name, payload: message.payload };
      for (const listener of [...eventListeners]) listener(event);
    }
  }

  function failAll(detail: string): void {
    const callbacks = [...pending];
    pending.clear();
    waiting.length = 0;
    for (const [id, resolve] of callbacks) resolve(disconnected(id, detail));
  }

  connect();

  return {
    call(message) {
      return new Promise<ResultMessage>((resolve) => {
        if (stopped) {
          resolve(disconnected(message.id, 'the transport is closed'));
          return;
        }
        pending.set(message.id, resolve);
        if (socket && isOpen) send(socket, message);
        else waiting.push(message);
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => {
        eventListeners.delete(listener);
      };
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      isOpen = false;
      failAll('the transport was closed');
      ws?.close();
    },
  };
}

/** IPC in Electron, the browser host's WebSocket elsewhere, once the page holds the token. */
export async function pickTransport(
  deps: Partial<HostTokenDeps> = {},
): Promise<{ ok: true; transport: Transport } | { ok: false; refused: HostTokenRefusal }> {
  const bridge = window.tongbanBridge;
  if (bridge) return { ok: true, transport: ipcTransport(bridge) };
  const token = await takeHostToken(deps);
  if (!token.ok) return token;
  // A reload or a reconnect is a new connection: the tab resumes its session on it.
  const resume = sessionResume();
  return { ok: true, transport: resume.wrap(webSocketTransport(hostSocketUrl(token.token), { onOpen: resume.onOpen })) };
}

function send(ws: WebSocket, message: CallMessage): void {
  // encode() returns a fresh copy over a plain ArrayBuffer.
  ws.send(encodeMessage(message) as Uint8Array<ArrayBuffer>);
}

function disconnected(id: number, detail: string): ResultMessage {
  return { type: 'result', id, ok: false, error: { code: 'transport.disconnected', detail } };
}

function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
