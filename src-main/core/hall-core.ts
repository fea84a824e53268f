// The composition root: builds every service of the hall core from the data
// directory, the config and the host's platform services. Both hosts (Electron
// shell, browser host) boot the core through `bootHallCore` and talk to it only
// through connections that carry contract messages.
import type { AppInfo } from '../api/contract.ts';
import type { EventMessage, ResultMessage } from '../api/wire.ts';
import type { Clock, Platform } from './platform.ts';

/** One UI attached to the core: a BrowserWindow or a browser tab's WebSocket. */
export interface Connection {
  /** Handles one contract message (already decoded) and answers with a result. */
  handle(message: unknown): Promise<ResultMessage>;
  /** Detaches the connection; its session ends. */
  close(): void;
}

export interface HallCore {
  readonly info: AppInfo;
  readonly dataDir: string;
  /** `send` receives the core's events for this connection. */
  openConnection(send: (event: EventMessage) => void): Connection;
  close(): Promise<void>;
}

export interface BootOptions {
  dataDir: string;
  platform: Platform;
  clock?: Clock;
}
