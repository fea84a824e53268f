import { describe, expect, it, vi } from 'vitest';
import type { EventMessage, ResultMessage } from '../../src-main/api/wire.ts';
import { ApiCallError, createApiClient, type Transport } from '../../src-renderer/api/client.ts';

/** A transport that answers from a function and lets the test push events. */
function scriptedTransport(
  answer: (method: string, id: number, input: unknown) => ResultMessage | Promise<ResultMessage>,
) {
  const listeners = new Set<(event: EventMessage) => void>();
  const sent: Array<{ id: number; method: string }> = [];
  const transport: Transport = {
    call: async (message) => {
      sent.push({ id: message.id, method: message.method });
      return answer(message.method, message.id, message.input);
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const push = (name: string, payload: unknown) => {
    for (const listener of listeners) listener({ type: 'event', name, payload });
  };
  return { transport, push, sent };
}

describe('the API client', () => {
  it('resolves with the value of a successful result', async () => {
    const { transport, sent } = scriptedTransport((method, id) => ({
      type: 'result',
      id,
      ok: true,
      value: { needsFirstInstaller: method === 'auth.setupState' },
    }));
    const api = createApiClient(transport);

    const state = await api.call('auth.setupState', {});
    expect(state.needsFirstInstaller).toBe(true);
    await api.call('auth.setupState', {});
    expect(sent.map((s) => s.id)).toEqual([1, 2]);
  });

  it('rejects a failed result with ApiCallError carrying code, params and detail', async () => {
    const { transport } = scriptedTransport((_method, id) => ({
      type: 'result',
      id,
      ok: false,
      error: { code: 'auth.accountLocked', detail: 'locked after 5 failed attempts', params: { minutes: 15 } },
    }));
    const api = createApiClient(transport);

    const failure = await api.call('auth.login', { username: 'zhangli', password: 'x' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiCallError);
    expect(failure).toMatchObject({
      code: 'auth.accountLocked',
      params: { minutes: 15 },
      detail: 'locked after 5 failed attempts',
    });
  });

  it('reports every failure to onFailure listeners', async () => {
    const { transport } = scriptedTransport((_method, id) => ({
      type: 'result',
      id,
      ok: false,
      error: { code: 'auth.locked', detail: 'session is idle-locked' },
    }));
    const api = createApiClient(transport);
    const seen = vi.fn();
    api.onFailure(seen);

    await expect(api.call('health.snapshot', {})).rejects.toMatchObject({ code: 'auth.locked' });
    expect(seen).toHaveBeenCalledWith(expect.objectContaining({ code: 'auth.locked' }), 'health.snapshot');
  });

  it('turns a transport that throws into transport.disconnected', async () => {
    const transport: Transport = {
      call: () => Promise.reject(new Error('ipc channel closed')),
      onEvent: () => () => {},
    };
    await expect(createApiClient(transport).call('app.info', {})).rejects.toMatchObject({
      code: 'transport.disconnected',
      detail: 'ipc channel closed',
    });
  });

  it('maps an error code it does not know to internal, keeping the code in the detail', async () => {
    const { transport } = scriptedTransport((_method, id) => ({
      type: 'result',
      id,
      ok: false,
      error: { code: 'sync.future' as never, detail: 'new in a later core' },
    }));
    await expect(createApiClient(transport).call('app.info', {})).rejects.toMatchObject({
      code: 'internal',
      detail: 'sync.future: new in a later core',
    });
  });

  it('routes events by name until unsubscribed', () => {
    const { transport, push } = scriptedTransport(() => {
      throw new Error('no calls');
    });
    const api = createApiClient(transport);
    const health = vi.fn();
    const session = vi.fn();
    const off = api.on('health.changed', health);
    api.on('session.changed', session);

    const snapshot = { entries: [{ id: 'store', kind: 'store', state: 'ready', since: 1 }] };
    push('health.changed', snapshot);
    push('something.else', {});
    off();
    push('health.changed', snapshot);

    expect(health).toHaveBeenCalledTimes(1);
    expect(health).toHaveBeenCalledWith(snapshot);
    expect(session).not.toHaveBeenCalled();
  });
});
