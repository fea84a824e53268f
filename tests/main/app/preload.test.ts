// The preload runs in Electron's sandbox, where it cannot import wire.ts. These tests
// hold its copies of the channel names to wire.ts, and run the real preload source
// against a stand-in for 'electron' to pin down exactly what the page receives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src-main/api/wire.ts';

const preloadFile = path.resolve('src-main/app/preload.cts');
const preloadSource = readFileSync(preloadFile, 'utf8');
const wireSource = readFileSync(path.resolve('src-main/api/wire.ts'), 'utf8');

function constant(source: string, name: string): string | undefined {
  return new RegExp(`const ${name} = '([^']+)'`).exec(source)?.[1];
}

type Listener = (event: unknown, message: unknown) => void;

/** Runs the preload as the sandbox would: CommonJS, with only 'electron' to require. */
function loadPreload() {
  const exposed = new Map<string, unknown>();
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<Listener>>();
  const fakeElectron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        invoked.push({ channel, args });
        return Promise.resolve({ type: 'result', id: 1, ok: true, value: 'pong' });
      },
      on: (channel: string, listener: Listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  const compiled = ts.transpileModule(preloadSource, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023 },
    fileName: preloadFile,
  }).outputText;
  const required: string[] = [];
  const sandboxRequire = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`the sandbox cannot require ${id}`);
    return fakeElectron;
  };
  const module = { exports: {} };
  vm.runInNewContext(`(function (require, module, exports) {${compiled}\n})`, {})(
    sandboxRequire,
    module,
    module.exports,
  );
  const emit = (channel: string, message: unknown): void => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'raw IPC event' }, message);
  };
  return { exposed, invoked, listeners, emit, required };
}

describe('preload', () => {
  it('uses the channel names of wire.ts', () => {
    expect(constant(wireSource, 'IPC_CALL_CHANNEL')).toBe(IPC_CALL_CHANNEL);
    expect(constant(wireSource, 'IPC_EVENT_CHANNEL')).toBe(IPC_EVENT_CHANNEL);
    expect(constant(preloadSource, 'CALL_CHANNEL')).toBe(IPC_CALL_CHANNEL);
    expect(constant(preloadSource, 'EVENT_CHANNEL')).toBe(IPC_EVENT_CHANNEL);
  });

  it('requires nothing but electron', () => {
    expect(loadPreload().required).toEqual(['electron']);
    expect(preloadSource).not.toMatch(/from '\.|require\('\./);
  });

  it('exposes tongbanBridge with call and onEvent, and nothing else', () => {
    const { exposed } = loadPreload();
    expect([...exposed.keys()]).toEqual(['tongbanBridge']);
    const bridge = exposed.get('tongbanBridge') as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.onEvent).toBe('function');
  });

  it('call invokes the call channel with the message alone', async () => {
    const { exposed, invoked } = loadPreload();
    const bridge = exposed.get('tongbanBridge') as { call(message: unknown): Promise<unknown> };
    const message = { type: 'call', id: 1, method: 'app.info', input: {} };
    await expect(bridge.call(message)).resolves.toEqual({ type: 'result', id: 1, ok: true, value: 'pong' });
    expect(invoked).toEqual([{ channel: IPC_CALL_CHANNEL, args: [message] }]);
  });

  it('onEvent hands the listener the message, never the IPC event, until unsubscribed', () => {
    const { exposed, emit, listeners } = loadPreload();
    const bridge = exposed.get('tongbanBridge') as { onEvent(listener: (message: unknown) => void): () => void };
    const received: unknown[][] = [];
    const unsubscribe = bridge.onEvent((...args) => received.push(args));
    const event = { type: 'event', name: 'health.changed', payload: { entries: [] } };
    emit(IPC_EVENT_CHANNEL, event);
    emit(IPC_CALL_CHANNEL, 'not an event');
    expect(received).toEqual([[event]]);

    unsubscribe();
    unsubscribe();
    emit(IPC_EVENT_CHANNEL, event);
    expect(received).toHaveLength(1);
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
  });

  it('onEvent refuses a listener that is not a function', () => {
    const bridge = loadPreload().exposed.get('tongbanBridge') as { onEvent(listener: unknown): unknown };
    expect(() => bridge.onEvent('nope')).toThrow('onEvent needs a function');
  });
});
