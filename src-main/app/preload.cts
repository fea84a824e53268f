// The sandboxed preload: CommonJS, and it may require nothing but 'electron', so the
// channel names are copies of IPC_CALL_CHANNEL / IPC_EVENT_CHANNEL in
// src-main/api/wire.ts (a test keeps them equal). The page gets two functions and
// nothing else: no ipcRenderer, no raw IPC event objects.
import electron = require('electron');

const CALL_CHANNEL = 'tongban:call';
const EVENT_CHANNEL = 'tongban:event';

electron.contextBridge.exposeInMainWorld('tongbanBridge', {
  /** Sends one contract call envelope; resolves with its result envelope. */
  call: (message: unknown): Promise<unknown> => electron.ipcRenderer.invoke(CALL_CHANNEL, message),
  /** Receives the core's event envelopes; returns a function that stops them. */
  onEvent: (listener: (message: unknown) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const relay = (_event: unknown, message: unknown): void => listener(message);
    electron.ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      electron.ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
});
