import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CLOSE_STALE_TOKEN,
  decodeMessage,
  encodeMessage,
  type CallMessage,
  type ServerMessage,
} from '../../src-main/api/wire.ts';
import { createApiClient } from '../../src-renderer/api/client.ts';
import { RESUME_TICKET_KEY, sessionResume } from '../../src-renderer/api/session-resume.ts';
import {
  HOST_SESSION_PATH,
  TOKEN_STORAGE_KEY,
  hostSocketUrl,
  ipcTransport,
  pickTransport,
  takeHostToken,
  webSocketTransport,
} from '../../src-renderer/api/transports.ts';

describe('the browser host token', () => {
  beforeEach(() => {
    window.history.replaceState(null, '', '/');
    window.sessionStorage.clear();
  });

  /** Plays the host's /api/session: one answer, and the requests it saw. */
  function host(status: number, body: unknown) {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const fetchImpl = vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return { status, json: async () => body };
    });
    return { seen, fetchImpl };
  }

  it('trades the one-time code of the address bar for the token, which stays in sessionStorage', async () => {
    window.history.replaceState(null, '', '/#code=c0de-1');
    const historyLength = window.history.length;
    const { seen, fetchImpl } = host(200, { token: 's3cr+t-42' });

    expect(await takeHostToken({ fetchImpl })).toEqual({ ok: true, token: 's3cr+t-42' });
    expect(seen).toEqual([
      {
        url: HOST_SESSION_PATH,
        init: expect.objectContaining({ method: 'POST', body: JSON.stringify({ code: 'c0de-1' }) }) as RequestInit,
      },
    ]);
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cr+t-42');
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('c0de');
    expect(window.history.length).toBe(historyLength);
  });

  it('takes the code out of the address bar before asking, and keeps other fragment parameters and the path', async () => {
    window.history.replaceState(null, '', '/app/?mode=kiosk#code=abc&view=queue');
    const fetchImpl = vi.fn(async () => {
      expect(window.location.hash).toBe('#view=queue');
      return { status: 200, json: async () => ({ token: 't' }) };
    });
    expect(await takeHostToken({ fetchImpl })).toEqual({ ok: true, token: 't' });
    expect(window.location.pathname).toBe('/app/');
    expect(window.location.search).toBe('?mode=kiosk');
  });

  it('comes from sessionStorage after a reload of the tab, without asking the host again', async () => {
    window.history.replaceState(null, '', '/#code=first');
    await takeHostToken(host(200, { token: 'first-token' }));
    const again = host(200, { token: 'other' });
    expect(await takeHostToken(again)).toEqual({ ok: true, token: 'first-token' });
    expect(again.fetchImpl).not.toHaveBeenCalled();
  });

  it('says why when the host refuses the code, and keeps no token', async () => {
    for (const [answer, refused] of [
      [{ refused: 'used' }, 'used'],
      [{ refused: 'expired' }, 'expired'],
      [{ whatever: true }, 'expired'],
    ] as const) {
      window.history.replaceState(null, '', '/#code=spent');
      expect(await takeHostToken(host(410, answer))).toEqual({ ok: false, refused });
    }
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    window.history.replaceState(null, '', '/#code=x');
    const down = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await takeHostToken({ fetchImpl: down })).toEqual({ ok: false, refused: 'unreachable' });
  });

  it('is missing when the page was opened without a code and the tab holds none', async () => {
    expect(await takeHostToken(host(200, { token: 'never asked' }))).toEqual({ ok: false, refused: 'missing' });
  });

  it('goes into the WebSocket URL of the page host', () => {
    expect(hostSocketUrl('a b+c', { protocol: 'http:', host: '127.0.0.1:43117' })).toBe(
      'ws://127.0.0.1:43117/api?token=a%20b%2Bc',
    );
  });
});

/** Stands in for the browser's WebSocket; the test plays the host. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  binaryType = 'blob';
  readonly sent: Uint8Array[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: Uint8Array) {
    this.sent.push(data);
  }
  close() {
    this.onclose?.({ code: 1000 });
  }
  // host side
  accept() {
    this.onopen?.({});
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
  reply(message: ServerMessage) {
    const bytes = encodeMessage(message);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  }
  calls(): CallMessage[] {
    return this.sent.map((frame) => decodeMessage(frame) as CallMessage);
  }
  static last(): FakeSocket {
    const socket = FakeSocket.instances.at(-1);
    if (!socket) throw new Error('no socket opened');
    return socket;
  }
}

const asWebSocket = FakeSocket as unknown as new (url: string) => WebSocket;

describe('the WebSocket transport', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends calls as binary MessagePack once open and matches results by id', async () => {
    const transport = webSocketTransport('ws://127.0.0.1:1/api?token=t', { WebSocketImpl: asWebSocket });
    const api = createApiClient(transport);
    const socket = FakeSocket.last();
    expect(socket.url).toBe('ws://127.0.0.1:1/api?token=t');
    expect(socket.binaryType).toBe('arraybuffer');

    const first = api.call('auth.setupState', {});
    const second = api.call('app.info', {});
    expect(socket.sent).toHaveLength(0);
    socket.accept();

    const [a, b] = socket.calls();
    expect(a).toEqual({ type: 'call', id: 1, method: 'auth.setupState', input: {} });
    expect(b).toMatchObject({ id: 2, method: 'app.info' });

    socket.reply({
      type: 'result',
      id: 2,
      ok: true,
      value: { version: '1', hallName: '大厅', windowName: '1号窗口', profile: 'demo', host: 'browser' },
    });
    socket.reply({ type: 'result', id: 1, ok: false, error: { code: 'auth.required', detail: 'sign in' } });

    await expect(second).resolves.toMatchObject({ hallName: '大厅' });
    await expect(first).rejects.toMatchObject({ code: 'auth.required' });
    transport.close();
  });

  it('delivers events from the host', () => {
    const transport = webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket });
    const api = createApiClient(transport);
    const seen = vi.fn();
    api.on('session.changed', seen);
    const socket = FakeSocket.last();
    socket.accept();

    const payload = { user: null, locked: false, idleLockMinutes: 10 };
    socket.reply({ type: 'event', name: 'session.changed', payload });
    expect(seen).toHaveBeenCalledWith(payload);
    transport.close();
  });

  it('fails pending calls with transport.disconnected when the socket closes, then reconnects with backoff', async () => {
    vi.useFakeTimers();
    const transport = webSocketTransport('ws://x/api', {
      WebSocketImpl: asWebSocket,
      initialDelayMs: 100,
      maxDelayMs: 400,
    });
    const api = createApiClient(transport);
    const states: string[] = [];
    api.onConnection((state) => states.push(state));

    FakeSocket.last().accept();
    const pending = api.call('auth.session', {});
    FakeSocket.last().drop();
    await expect(pending).rejects.toMatchObject({ code: 'transport.disconnected' });
    expect(states).toEqual(['up', 'down']);

    // Reconnect attempts wait 100, 200, 400, 400 ms while the host stays away.
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.last().drop();
    vi.advanceTimersByTime(199);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.last().drop();
    vi.advanceTimersByTime(400);
    expect(FakeSocket.instances).toHaveLength(4);

    const later = api.call('auth.session', {});
    FakeSocket.last().accept();
    expect(states).toEqual(['up', 'down', 'up']);
    const [call] = FakeSocket.last().calls();
    expect(call?.id).toBe(2);
    FakeSocket.last().reply({
      type: 'result',
      id: 2,
      ok: true,
      value: { user: null, locked: false, idleLockMinutes: 10 },
    });
    await expect(later).resolves.toMatchObject({ user: null });
    transport.close();
  });

  it('stops and reports stale when the host closes with the stale-token code (it restarted)', async () => {
    vi.useFakeTimers();
    const transport = webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket, initialDelayMs: 10 });
    const api = createApiClient(transport);
    const states: string[] = [];
    api.onConnection((state) => states.push(state));
    FakeSocket.last().accept();
    FakeSocket.last().drop();
    vi.advanceTimersByTime(10);
    FakeSocket.last().drop(CLOSE_STALE_TOKEN);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(states).toEqual(['up', 'down', 'stale']);
    await expect(api.call('auth.session', {})).rejects.toMatchObject({ code: 'transport.disconnected' });
  });

  it('resumes the tab\'s session on each new socket before any waiting call goes out', async () => {
    window.sessionStorage.clear();
    const resume = sessionResume();
    const transport = resume.wrap(
      webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket, onOpen: resume.onOpen }),
    );
    const api = createApiClient(transport);
    const socket = FakeSocket.last();
    socket.accept();

    // Sign-in asks for a ticket and keeps it for the tab.
    const signIn = api.call('auth.login', { username: 'clerk1', password: 'Clerk#2026a' });
    const session = { user: null, locked: false, idleLockMinutes: 10 };
    socket.reply({ type: 'result', id: 1, ok: true, value: session });
    await vi.waitFor(() => expect(socket.calls()).toHaveLength(2));
    const ask = socket.calls()[1]!;
    expect(ask).toMatchObject({ method: 'auth.resumeTicket' });
    socket.reply({ type: 'result', id: ask.id, ok: true, value: { ticket: 'ticket-1-abcdefghijklmnop' } });
    await signIn;
    expect(window.sessionStorage.getItem(RESUME_TICKET_KEY)).toBe('ticket-1-abcdefghijklmnop');

    // A reload: a new transport, a new socket. Waiting calls go out after auth.resume is answered.
    transport.close();
    const again = resume.wrap(webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket, onOpen: resume.onOpen }));
    const waiting = createApiClient(again).call('auth.session', {});
    const next = FakeSocket.last();
    next.accept();
    expect(next.calls()).toHaveLength(1);
    const resumeCall = next.calls()[0]!;
    expect(resumeCall).toMatchObject({ method: 'auth.resume', input: { ticket: 'ticket-1-abcdefghijklmnop' } });
    next.reply({ type: 'result', id: resumeCall.id, ok: true, value: { session, ticket: 'ticket-2-abcdefghijklmnop' } });
    await vi.waitFor(() => expect(next.calls()).toHaveLength(2));
    expect(next.calls()[1]).toMatchObject({ method: 'auth.session' });
    expect(window.sessionStorage.getItem(RESUME_TICKET_KEY)).toBe('ticket-2-abcdefghijklmnop');
    next.reply({ type: 'result', id: next.calls()[1]!.id, ok: true, value: session });
    await waiting;

    // A refused ticket is dropped: the next socket signs in as usual.
    again.close();
    const third = resume.wrap(webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket, onOpen: resume.onOpen }));
    const last = FakeSocket.last();
    last.accept();
    last.reply({
      type: 'result',
      id: last.calls()[0]!.id,
      ok: false,
      error: { code: 'auth.resumeRefused', detail: 'spent' },
    });
    await vi.waitFor(() => expect(window.sessionStorage.getItem(RESUME_TICKET_KEY)).toBeNull());
    third.close();
  });

  it('stops reconnecting when closed', () => {
    vi.useFakeTimers();
    const transport = webSocketTransport('ws://x/api', { WebSocketImpl: asWebSocket, initialDelayMs: 10 });
    FakeSocket.last().accept();
    transport.close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });
});

describe('pickTransport', () => {
  afterEach(() => {
    delete window.tongbanBridge;
  });

  it('uses the Electron bridge when the preload exposed one', async () => {
    const bridge = {
      call: vi.fn(async (message: CallMessage) => ({
        type: 'result' as const,
        id: message.id,
        ok: true as const,
        value: { needsFirstInstaller: false },
      })),
      onEvent: vi.fn(() => () => {}),
    };
    window.tongbanBridge = bridge;

    const picked = await pickTransport();
    if (!picked.ok) throw new Error('expected the bridge');
    const api = createApiClient(picked.transport);
    await expect(api.call('auth.setupState', {})).resolves.toEqual({ needsFirstInstaller: false });
    expect(bridge.call).toHaveBeenCalledWith({ type: 'call', id: 1, method: 'auth.setupState', input: {} });
    expect(bridge.onEvent).toHaveBeenCalled();
  });

  it('reports a bridge that fails as transport.disconnected', async () => {
    const api = createApiClient(
      ipcTransport({ call: () => Promise.reject(new Error('render frame disposed')), onEvent: () => () => {} }),
    );
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'transport.disconnected' });
  });
});
